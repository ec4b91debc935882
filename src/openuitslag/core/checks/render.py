"""Render a verification report for people: a terminal, or one HTML file.

The HTML page must be something a journalist can open from an e-mail, an
archive or a USB stick years later, so it is one file with inline CSS, no
scripts and no external resources. Dutch comes first, English follows,
marked with ``lang="en"`` so screen readers switch voice.
"""

from __future__ import annotations

import json
from html import escape

from openuitslag.core.checks.report import (
    Apportionment,
    ElectedEntry,
    ElectionReport,
    Report,
    SeatsAndElected,
)
from openuitslag.core.findings import Finding

SEVERITY_NL = {"error": "fout", "warning": "waarschuwing", "notice": "opmerking"}


def render_json(report: Report) -> str:
    """Return the report as indented JSON."""
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n"


# -- text ------------------------------------------------------------------


def render_text(report: Report) -> str:
    """Return the report as plain text for a terminal."""
    lines: list[str] = []
    for election in report.elections:
        lines.extend(_election_text(election))
    counts = report.counts()
    lines.append(
        f"Bevindingen / findings: {counts['error']} fouten / errors, "
        f"{counts['warning']} waarschuwingen / warnings, "
        f"{counts['notice']} opmerkingen / notices"
    )
    for code, n in report.counts_by_code().items():
        lines.append(f"  {n:6d}  {code}")
    lines.append("")
    for finding in report.findings:
        lines.extend(_finding_text(finding))
    return "\n".join(lines) + "\n"


def _election_text(election: ElectionReport) -> list[str]:
    lines = [
        f"{election.id}: {election.name or ''} ({len(election.documents)} documenten)"
    ]
    a = election.apportionment
    if a is None:
        lines.append("  Zetels niet herberekend / seats not recomputed.")
    else:
        state = {
            True: "gelijk aan / equal to",
            False: "ANDERS DAN / DIFFERENT FROM",
            None: "zonder / without",
        }[a.matches_official]
        lines.append(
            f"  Herberekende zetels {state} officiële uitslag / official result"
        )
        lines.extend(
            f"    lijst {n}{_name(election, n)}: {s}"
            for n, s in sorted(a.computed.seats.items())
            if s
        )
    lines.append("")
    return lines


def _name(election: ElectionReport, number: int) -> str:
    name = election.list_names.get(number)
    return f" {name}" if name else ""


def _finding_text(finding: Finding) -> list[str]:
    place = " › ".join(
        str(p)
        for p in (
            finding.file,
            finding.reporting_unit,
            None if finding.list is None else f"lijst {finding.list}",
            None if finding.candidate is None else f"kandidaat {finding.candidate}",
        )
        if p
    )
    return [
        f"{str(finding.severity).upper():8s}{finding.code}  {place}",
        f"    {finding.message_nl}",
        f"    {finding.message_en}",
        "",
    ]


# -- HTML ------------------------------------------------------------------

CSS = """
body{font:16px/1.5 system-ui,sans-serif;max-width:72rem;margin:2rem auto;
padding:0 1rem;color:#1a1a1a;background:#fff}
h1,h2,h3{line-height:1.2}
table{border-collapse:collapse;width:100%;margin:1rem 0 2rem}
caption{text-align:left;font-weight:600;padding:.5rem 0}
th,td{border:1px solid #bbb;padding:.35rem .5rem;text-align:left;
vertical-align:top}
.place{overflow-wrap:anywhere;min-width:10rem;max-width:18rem}
.why{overflow-wrap:anywhere;min-width:20rem}
.sev,td.n{white-space:nowrap}
th{background:#eef1f5}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.error{border-left:6px solid #b00020}
.warning{border-left:6px solid #b06000}
.notice{border-left:6px solid #3a5f8a}
.en{color:#444;display:block;margin-top:.25rem}
.ok{color:#0a6b2d;font-weight:600}.bad{color:#b00020;font-weight:600}
code{font-size:.9em}
"""


def render_html(report: Report) -> str:
    """Return the report as one self-contained, accessible HTML page."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="nl"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Controle van de verkiezingsuitslag — openuitslag</title>",
        f"<style>{CSS}</style></head><body>",
        "<header><h1>Controle van de verkiezingsuitslag</h1>",
        '<p lang="en" class="en">Verification of the election result</p></header>',
        "<main>",
        _summary_html(report),
    ]
    parts.extend(_election_html(e) for e in report.elections)
    parts.append(_findings_html(report.findings))
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


def _summary_html(report: Report) -> str:
    counts = report.counts()
    rows = "".join(
        f'<tr><th scope="row">{SEVERITY_NL[s]} <span lang="en">({s})</span></th>'
        f'<td class="n">{counts[s]}</td></tr>'
        for s in ("error", "warning", "notice")
    )
    codes = "".join(
        f'<tr><th scope="row"><code>{escape(code)}</code></th>'
        f'<td class="n">{n}</td></tr>'
        for code, n in report.counts_by_code().items()
    )
    return (
        '<section><h2>Samenvatting <span lang="en">(summary)</span></h2>'
        "<table><caption>Bevindingen per ernst "
        '<span lang="en">(findings by severity)</span></caption>'
        '<thead><tr><th scope="col">Ernst</th><th scope="col">Aantal</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
        "<table><caption>Bevindingen per code "
        '<span lang="en">(findings by code)</span></caption>'
        '<thead><tr><th scope="col">Code</th><th scope="col">Aantal</th></tr></thead>'
        f"<tbody>{codes}</tbody></table></section>"
    )


def _election_html(election: ElectionReport) -> str:
    title = escape(f"{election.id} {election.name or ''}".strip())
    docs = "".join(
        f'<tr><td class="place">{escape(d.source)}</td>'
        f'<td class="sev">{escape(d.kind.value)}</td>'
        f"<td><code>{escape(d.sha256_pv)}</code></td></tr>"
        for d in election.documents
    )
    return (
        f"<section><h2>{title}</h2>"
        f"{_apportionment_html(election)}"
        "<table><caption>Gecontroleerde documenten "
        '<span lang="en">(documents verified)</span></caption>'
        '<thead><tr><th scope="col">Bestand</th><th scope="col">Soort</th>'
        '<th scope="col">SHA-256 (zoals op het proces-verbaal)</th></tr></thead>'
        f"<tbody>{docs}</tbody></table></section>"
    )


def _apportionment_html(election: ElectionReport) -> str:
    apportionment, official = election.apportionment, election.official
    if apportionment is None:
        return (
            "<p>De zetelverdeling is niet herberekend. "
            '<span lang="en" class="en">The seat allocation was not recomputed.'
            "</span></p>"
        )
    verdict = apportionment.matches_official
    text = {
        True: ('<p class="ok">De herberekende zetels en gekozenen zijn gelijk aan de '
               'officiële uitslag. <span lang="en" class="en">The recomputed seats '
               "and elected equal the official result.</span></p>"),
        False: ('<p class="bad">De herberekende zetels of gekozenen wijken af van de '
                'officiële uitslag. <span lang="en" class="en">The recomputed seats '
                "or elected differ from the official result.</span></p>"),
        None: ("<p>Er is geen officiële uitslag (520) om mee te vergelijken. "
               '<span lang="en" class="en">There is no official result (520) to '
               "compare with.</span></p>"),
    }[verdict]  # fmt: skip
    theirs = official.seats if official else {}
    lists = sorted(set(apportionment.computed.seats) | set(theirs))
    rows = "".join(
        f'<tr><th scope="row">{n} {escape(election.list_names.get(n, ""))}</th>'
        f'<td class="n">{apportionment.computed.seats.get(n, 0)}</td>'
        f'<td class="n">{theirs.get(n, 0) if official else "–"}</td></tr>'
        for n in lists
        if apportionment.computed.seats.get(n, 0) or theirs.get(n, 0)
    )
    return f"{text}{_seats_table(rows)}{_elected_table(apportionment, official)}"


def _seats_table(rows: str) -> str:
    return (
        "<table><caption>Zetels per lijst "
        '<span lang="en">(seats per list)</span></caption>'
        '<thead><tr><th scope="col">Lijst</th><th scope="col">Herberekend</th>'
        '<th scope="col">Officieel (520)</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def _elected_table(
    apportionment: Apportionment, official: SeatsAndElected | None
) -> str:
    theirs = {
        (e.list, e.short_code or e.name) for e in (official.elected if official else ())
    }
    rows = "".join(
        f"<tr><td>{e.list}</td><td>{escape(e.name)}</td>"
        f"<td><code>{escape(e.short_code or '')}</code></td>"
        f"<td>{_in_official(official, _key(e) in theirs)}</td></tr>"
        for e in apportionment.computed.elected
    )
    return (
        "<table><caption>Herberekende gekozenen "
        '<span lang="en">(recomputed elected candidates)</span></caption>'
        '<thead><tr><th scope="col">Lijst</th><th scope="col">Naam</th>'
        '<th scope="col">Code</th><th scope="col">In de 520</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def _key(entry: ElectedEntry) -> tuple[int, str]:
    return (entry.list, entry.short_code or entry.name)


def _in_official(official: SeatsAndElected | None, present: bool) -> str:
    if official is None:
        return "–"
    return (
        'ja <span lang="en">(yes)</span>'
        if present
        else ('<strong class="bad">nee <span lang="en">(no)</span></strong>')
    )


def _findings_html(findings: list[Finding]) -> str:
    if not findings:
        return (
            "<section><h2>Bevindingen</h2><p>Geen bevindingen. "
            '<span lang="en" class="en">No findings.</span></p></section>'
        )
    rows = "".join(_finding_row(f) for f in findings)
    return (
        '<section><h2>Bevindingen <span lang="en">(findings)</span></h2>'
        "<table><caption>Alle bevindingen, de ernstigste eerst "
        '<span lang="en">(all findings, most severe first)</span></caption>'
        '<thead><tr><th scope="col">Ernst</th><th scope="col">Code</th>'
        '<th scope="col">Waar</th><th scope="col">Verwacht</th>'
        '<th scope="col">Gevonden</th><th scope="col">Uitleg</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></section>"
    )


def _finding_row(finding: Finding) -> str:
    severity = str(finding.severity)
    place = "<br>".join(
        escape(str(p))
        for p in (
            finding.file,
            finding.reporting_unit,
            None if finding.list is None else f"lijst {finding.list}",
            None if finding.candidate is None else f"kandidaat {finding.candidate}",
        )
        if p
    )
    return (
        f'<tr class="{severity}"><td class="sev">{SEVERITY_NL[severity]}</td>'
        f'<td><code>{escape(finding.code)}</code></td><td class="place">{place}</td>'
        f'<td class="n">{_value(finding.expected)}</td>'
        f'<td class="n">{_value(finding.found)}</td>'
        f'<td class="why">{escape(finding.message_nl)}'
        f'<span lang="en" class="en">{escape(finding.message_en)}</span></td></tr>'
    )


def _value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", ".")
    return escape(
        json.dumps(value, ensure_ascii=False) if isinstance(value, list) else str(value)
    )
