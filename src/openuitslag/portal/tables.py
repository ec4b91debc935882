"""The large result tables, rendered in plain Python.

A stembureau page of a Tweede Kamer election has some 700 candidate rows.
Django's template language needs about a millisecond per hundred cells,
which would make such a page cost far more than the election-night budget
of a few milliseconds; building the same markup with escaped string pieces
is about fifty times faster. The markup is the same as the templates'
(NL Design System table classes, captions and header cells).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from openuitslag.core.model import MISSING

TABLE = '<table class="utrecht-table utrecht-table--html-table">'
HEAD_ROW = '<thead class="utrecht-table__header"><tr class="utrecht-table__row">'
COL = '<th class="utrecht-table__header-cell{css}" scope="col">{text}</th>'
ROW = '<tr class="utrecht-table__row">'
ROW_HEADER = '<th class="utrecht-table__header-cell" scope="row">'
NUM = '<td class="utrecht-table__cell ou-num"{data}>{text}</td>'


def count(value: int | None, english: bool | None = None) -> str:
    """Format a count with the page language's thousands separator."""
    if value is None:
        return "–"
    if -1000 < value < 1000:
        return str(value)
    grouped = f"{value:,}"
    if english is None:
        english = get_language() == "en"
    return grouped if english else grouped.replace(",", ".")


def percent(
    value: float | None, signed: bool = False, english: bool | None = None
) -> str:
    """Format a share as a percentage, or a difference in points."""
    if value is None:
        return "–"
    text = f"{value * 100:+.1f}" if signed else f"{value * 100:.1f} %"
    if english is None:
        english = get_language() == "en"
    return text if english else text.replace(".", ",")


def header(*columns: tuple[str, bool]) -> str:
    """Return a table head with (label, numeric) columns."""
    cells = "".join(
        COL.format(css=" ou-num" if numeric else "", text=escape(label))
        for label, numeric in columns
    )
    return f"{HEAD_ROW}{cells}</tr></thead>"


def candidate_tables(election: str, tables: Iterable[dict[str, Any]]) -> SafeString:
    """Return one collapsible table of candidate votes per lijst."""
    base = candidate_link_base(election)
    head = candidate_header()
    english = get_language() == "en"
    unnamed = _("Kandidaat %(n)s")
    parts = []
    for table in tables:
        number = table["number"]
        parts.append(candidate_table_open(number, table["name"], head))
        rows = table["rows"]
        contest = escape(rows[0]["contest"]) if rows else ""
        prefix = f"{base}{number}/kandidaat/{contest}/"
        for row in rows:
            n = row["number"]
            name = row["name"]
            label = (name if row.get("escaped") else escape(name)) or unnamed % {"n": n}
            parts.append(row_start(prefix, number, n, label))
            parts.append(f"{count(row['votes'], english)}</td></tr>")
        parts.append("</tbody></table></details>")
    return mark_safe("".join(parts))


def candidate_link_base(election: str) -> str:
    """Return the start of a lijst's URL in the page language."""
    link = reverse("kandidaat", args=[election, 999_999, "CONTEST", 888_888])
    return link.partition("999999")[0]


def candidate_header() -> str:
    """Return the head of a candidate table in the page language."""
    return header((_("Nr."), True), (_("Kandidaat"), False), (_("Stemmen"), True))


def candidate_table_texts() -> tuple[str, str]:
    """Return the summary and caption patterns of a candidate table."""
    return (
        _("Lijst %(number)s: %(name)s"),
        _("Stemmen per kandidaat, lijst %(number)s (%(name)s)"),
    )


def candidate_table_open(
    number: int, name: str, head: str, texts: tuple[str, str] | None = None
) -> str:
    """Return the markup that opens one lijst's candidate table."""
    values = {"number": number, "name": escape(name)}
    summary_text, caption_text = texts or candidate_table_texts()
    summary, caption = summary_text % values, caption_text % values
    return (
        f'<details><summary>{summary}</summary><table class="utrecht-table '
        f'utrecht-table--html-table ou-compact"><caption>{caption}</caption>{head}'
        "<tbody>"
    )


def row_start(prefix: str, number: int, n: int, label: str) -> str:
    """Return a candidate row up to its votes cell (``label`` is escaped)."""
    return (
        f'<tr><td>{n}</td><th scope="row"><a href="{prefix}{n}/">{label}</a></th>'
        f'<td data-candidate="{number}-{n}">'
    )


def candidate_row_starts(
    election: str, contest: str, people: dict[tuple[int, int], tuple[int, str]]
) -> dict[tuple[int, int], str]:
    """Return per (lijst, number) its row start, for a per-process memo.

    ``people`` holds escaped names. The row starts depend only on the
    names and the page language, so a server process builds them once per
    contest and language and a stembureau page only adds the votes.
    """
    base = candidate_link_base(election)
    contest = escape(contest)
    return {
        (number, n): row_start(f"{base}{number}/kandidaat/{contest}/", number, n, name)
        for (number, n), (_pk, name) in people.items()
        if name
    }


def unit_candidate_tables(
    election: str,
    contest: str,
    packed: dict[int, list[int]],
    names: dict[int, str],
    starts: dict[tuple[int, int], str],
) -> SafeString:
    """Return the candidate tables of one unit from its raw vote arrays.

    ``packed`` is what :func:`results.unit_votes_packed` returns and
    ``starts`` what :func:`candidate_row_starts` built; the markup equals
    :func:`candidate_tables`'s.
    """
    base = candidate_link_base(election)
    head = candidate_header()
    english = get_language() == "en"
    unnamed = _("Kandidaat %(n)s")
    contest = escape(contest)
    texts = candidate_table_texts()
    parts = []
    for number, values in packed.items():
        parts.append(candidate_table_open(number, names.get(number, ""), head, texts))
        prefix = f"{base}{number}/kandidaat/{contest}/"
        for n, votes in enumerate(values, 1):
            if votes == MISSING:
                continue
            start = starts.get((number, n))
            if start is None:
                # Unnamed candidates: remembered too, the dict is the memo.
                start = row_start(prefix, number, n, unnamed % {"n": n})
                starts[(number, n)] = start
            text = str(votes) if -1000 < votes < 1000 else count(votes, english)
            parts.append(f"{start}{text}</td></tr>")
        parts.append("</tbody></table></details>")
    return mark_safe("".join(parts))


def party_table(
    election: str, caption: str, parties: Iterable[dict[str, Any]], compare: bool
) -> SafeString:
    """Return the table of votes per lijst, optionally with the average."""
    link = reverse("lijst", args=[election, 999_999])
    english = get_language() == "en"
    columns = [(_("Lijst"), True), (_("Naam"), False), (_("Stemmen"), True)]
    columns.append((_("Aandeel"), True))
    if compare:
        columns += [
            (_("Gemiddelde gemeente"), True),
            (_("Verschil (procentpunt)"), True),
        ]
    parts = [
        f'<div class="ou-table-scroll" tabindex="0" role="region" '
        f'aria-label="{escape(caption)}">{TABLE}<caption>{escape(caption)}</caption>'
        f'{header(*columns)}<tbody class="utrecht-table__body">'
    ]
    for party in parties:
        number = party["number"]
        href = link.replace("999999", str(number))
        cells = [
            f'{ROW}<td class="utrecht-table__cell ou-num">{number}</td>',
            f'{ROW_HEADER}<a class="utrecht-link" href="{href}">'
            f"{escape(party['name'])}</a></th>",
            NUM.format(
                data=f' data-list="{number}"', text=count(party["votes"], english)
            ),
            NUM.format(data="", text=percent(party["share"], english=english)),
        ]
        if compare:
            average = percent(party["average"], english=english)
            difference = percent(party["difference"], True, english)
            cells.append(NUM.format(data="", text=average))
            cells.append(NUM.format(data="", text=difference))
        parts.append("".join(cells) + "</tr>")
    parts.append("</tbody></table></div>")
    return mark_safe("".join(parts))


def counter_rows(counters: Iterable[dict[str, Any]]) -> SafeString:
    """Return the body rows of the proces-verbaal counters table."""
    english = get_language() == "en"
    return mark_safe(
        "".join(
            f'{ROW}\n<td class="utrecht-table__cell">{c["letter"] or "–"}</td>\n'
            f"{ROW_HEADER}{escape(str(c['label']))}</th>\n"
            f'<td class="utrecht-table__cell ou-num" data-letter="{c["letter"]}">'
            f"{count(c['value'], english)}</td>\n</tr>"
            for c in counters
        )
    )
