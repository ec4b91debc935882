"""Read an EML 510 (Telling / Totaaltelling) into columnar arrays, fast.

A 510 is most of what we read: a kieskring file of a large kieskring has
about 50 municipalities times 1,100 selections, and the national set has
about 10,000 stembureaus. Python work per number would make reading the
slowest part of the portal, so the numbers are taken in bulk and only
what is unusual is read element by element:

1. The columns (lijsten and kandidaten) come from the ``TotalVotes`` (or
   the only ``ReportingUnitVotes``): from the keys the byte scan found
   when they are plainly sound, else element by element with every
   check (numbers present, lists and candidates in increasing order).
2. A row whose selections are exactly those columns takes its vote
   digits from the byte scan (:mod:`.scan`), or else from one tight loop
   over its selections; all digits of a contest become one ``numpy``
   array in a single conversion.
3. A row that differs in any way (other selections, as in a 510d whose
   kieskringen have their own candidates; corrigendum ``Initial*``
   values; a number that is not a plain count) is read element by
   element, which also finds and locates every problem in it.

When the tree was parsed with the plain selections cut out (see
:func:`.scan.reduce`), steps 1 and 2 must succeed from the scan; if not,
:class:`NeedFullTree` asks the caller to parse the whole document.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from openuitslag.core.eml.candidates import (
    check_increasing,
    read_contest_identifier,
    read_id,
    read_list_number,
)
from openuitslag.core.eml.header import read_authority, read_election, text_of
from openuitslag.core.eml.scan import Keys, SelectionScan
from openuitslag.core.eml.xml import (
    MAX_COUNT,
    Context,
    Element,
    e,
    first_element,
    kr,
    local_name,
    source_line,
)
from openuitslag.core.model import (
    COUNTER_INDEX,
    COUNTERS,
    MISSING,
    UNCOUNTED_REASONS,
    Authority,
    ContestCount,
    Count,
    DocumentInfo,
    Int64Array,
    ReportingUnit,
    Tally,
)

# A selection's key: ("L", list) for a lijst, ("C", list, number) for a
# kandidaat known by number, ("S", list, short code) for one known by code.
Key = tuple[str, int] | tuple[str, int, int] | tuple[str, int, str]

_SELECTION = e("Selection")
_VALID = e("ValidVotes")
_INITIAL_VALID = kr("InitialValidVotes")
_AFFILIATION = e("AffiliationIdentifier")
_CANDIDATE = e("Candidate")
_CANDIDATE_ID = e("CandidateIdentifier")
_AFFILIATION_PATH = f"{e('Selection')}/{e('AffiliationIdentifier')}"
_COUNTER_TAGS: Final = {
    e("Cast"): False,
    e("TotalCounted"): False,
    e("RejectedVotes"): False,
    e("UncountedVotes"): False,
    kr("InitialCast"): True,
    kr("InitialTotalCounted"): True,
    kr("InitialRejectedVotes"): True,
    kr("InitialUncountedVotes"): True,
}
_REJECTED = {"blanco", "ongeldig"}
_MAX_DIGITS: Final = len(str(MAX_COUNT)) - 1
_POSTCODE = re.compile(r"^(?P<name>.*?)\s*\(postcode:\s*(?P<postcode>[^)]*?)\s*\)\s*$")


class NeedFullTree(Exception):
    """A reduced document (see :mod:`.scan`) must be read whole after all."""


def read_count(ctx: Context, root: Element, info: DocumentInfo) -> Count:
    """Return the counts of a 510a/b/c/d/q/r/s.

    When ``ctx.scan`` holds a reduced scan, ``root`` is the document with
    its plain selections cut out; anything that needs them in the tree
    raises :class:`NeedFullTree`, and the caller reads the whole document.
    """
    count = ctx.child(root, e("Count"))
    if count is None:
        ctx.raise_if_any()
        raise AssertionError("unreachable")
    election = ctx.child(count, e("Election"))
    election = count if election is None else election
    identity = read_election(ctx, election)

    contests_el = ctx.child(election, e("Contests"))
    contests = []
    if contests_el is not None:
        elements = list(contests_el.iterchildren(e("Contest")))
        if not elements:
            ctx.child(contests_el, e("Contest"))
        scan = ctx.scan
        if scan is None and ctx.data:
            scan = SelectionScan.of(ctx.data, root)
        contests = [_read_contest(ctx, contest, scan) for contest in elements]

    method = count.find(kr("CountingMethod"))
    phase = count.find(kr("Phase"))
    authority = read_authority(ctx, root, required=True)
    return Count(
        info=info,
        election=identity,
        authority=authority or Authority(id="", name=""),
        contests=tuple(c for c in contests if c is not None),
        counting_method=None if method is None else method.get("MethodCode"),
        phase=None if phase is None else phase.get("PhaseCode"),
    )


def split_postcode(text: str) -> tuple[str, str | None]:
    """Split ``"Stembureau X (postcode: 1234 AB)"`` into name and postcode."""
    match = _POSTCODE.match(text)
    if match is None:
        return text.strip(), None
    return match["name"], match["postcode"] or None


# -- columns --------------------------------------------------------------


@dataclass
class _Columns:
    """The selections of a contest: what each column of the tallies is."""

    list_numbers: list[int] = field(default_factory=list)
    candidate_numbers: list[int] = field(default_factory=list)
    codes: list[str | None] = field(default_factory=list)
    list_names: dict[int, str] = field(default_factory=dict)
    index: dict[Key, int] = field(default_factory=dict)
    by_code: bool = False

    def add(self, key: Key, list_number: int, number: int, code: str | None) -> None:
        self.index[key] = len(self.list_numbers)
        self.list_numbers.append(list_number)
        self.candidate_numbers.append(number)
        self.codes.append(code)


def _read_columns(ctx: Context, template: Element) -> _Columns:
    columns = _Columns()
    current: int | None = None
    previous_candidate: int | None = None
    for selection in template.iterchildren(_SELECTION):
        first = first_element(selection)
        if first is not None and first.tag == _AFFILIATION:
            number = read_list_number(ctx, first)
            if number is None:
                continue
            check_increasing(ctx, first, current, number, "list")
            if ("L", number) in columns.index:
                continue
            current, previous_candidate = number, None
            columns.list_names[number] = text_of(first.find(e("RegisteredName"))) or ""
            columns.add(("L", number), number, 0, None)
        elif first is not None and first.tag == _CANDIDATE:
            previous_candidate = _add_candidate(
                ctx, columns, selection, first, current, previous_candidate
            )
        else:
            _unsupported_selection(ctx, selection)
    return columns


def _columns_from_keys(
    template: Element, lists: Keys, candidates: Keys
) -> _Columns | None:
    """Return the columns from a template's scanned keys, if they are sound.

    Sound means what :func:`_read_columns` would accept without a
    problem: a lijst first, lijst and kandidaat numbers increasing, no
    zero or leading zero. Anything else returns None, so that the tree
    reader finds and reports it. The municipalities of one kieskring
    share their columns, so the last few are remembered.
    """
    known = _known_columns(lists, candidates)
    if known is None:
        return None
    list_numbers, candidate_numbers, index = known
    columns = _Columns(
        list(list_numbers), list(candidate_numbers), [None] * len(list_numbers)
    )
    columns.index = dict(index)
    for affiliation in template.iterfind(_AFFILIATION_PATH):
        name = text_of(affiliation.find(e("RegisteredName")))
        columns.list_names[int(affiliation.get("Id", "0"))] = name or ""
    return columns


_Known = tuple[list[int], list[int], dict[Key, int]]


@functools.lru_cache(maxsize=32)
def _known_columns(lists: Keys, candidates: Keys) -> _Known | None:
    list_numbers: list[int] = []
    candidate_numbers: list[int] = []
    current = previous = 0
    for lijst, candidate in zip(lists, candidates, strict=True):
        if lijst:
            number = int(lijst)
            if lijst[0] == 48 or number <= current:  # b"0"
                return None
            current, previous = number, 0
            list_numbers.append(number)
            candidate_numbers.append(0)
        else:
            number = int(candidate)
            if current == 0 or candidate[0] == 48 or number <= previous:
                return None
            previous = number
            list_numbers.append(current)
            candidate_numbers.append(number)

    index: dict[Key, int] = {}
    for column, (lijst_number, number) in enumerate(
        zip(list_numbers, candidate_numbers, strict=True)
    ):
        key: Key = ("C", lijst_number, number) if number else ("L", lijst_number)
        index[key] = column
    return list_numbers, candidate_numbers, index


def _names_of(scan: SelectionScan, template: Element) -> dict[int, str]:
    keys = scan.row_keys(template)
    assert keys is not None
    return {
        int(lijst): (name or b"").decode("utf-8").strip()
        for lijst, name in zip(keys[0], scan.row_names(template), strict=True)
        if lijst
    }


def _add_candidate(
    ctx: Context,
    columns: _Columns,
    selection: Element,
    candidate: Element,
    current: int | None,
    previous: int | None,
) -> int | None:
    if current is None:
        ctx.add(
            "eml.list-order",
            "A kandidaat comes before any lijst.",
            selection,
            expected="an AffiliationIdentifier selection first",
            found="Candidate",
        )
        return previous
    identifier = candidate[0] if len(candidate) else None
    if identifier is None or identifier.tag != _CANDIDATE_ID:
        identifier = ctx.child(candidate, _CANDIDATE_ID)
    if identifier is None:
        return previous
    raw, code = identifier.get("Id"), identifier.get("ShortCode")
    if raw is None and code:
        columns.by_code = True
        if ("S", current, code) in columns.index:
            _duplicate_selection(ctx, selection, code)
        columns.add(("S", current, code), current, 0, code)
        return previous
    if raw is None:
        ctx.attribute(identifier, "Id")
        return previous
    number = read_id(ctx, identifier, raw, "candidate number (Id)")
    if number is None:
        return previous
    check_increasing(ctx, identifier, previous, number, "candidate")
    if ("C", current, number) in columns.index:
        _duplicate_selection(ctx, selection, str(number))
    columns.add(("C", current, number), current, number, None)
    return number


def _unsupported_selection(ctx: Context, selection: Element) -> None:
    first = first_element(selection)
    found = "nothing" if first is None else local_name(first.tag)
    ctx.add(
        "eml.unsupported-selection",
        "A selection is neither a lijst nor a kandidaat (referendum options "
        "are not supported).",
        selection,
        expected="AffiliationIdentifier or Candidate",
        found=found,
    )


def _duplicate_selection(ctx: Context, selection: Element, what: str) -> None:
    ctx.add(
        "count.duplicate-selection",
        f"The kandidaat {what} appears twice in the same lijst.",
        selection,
        expected="each kandidaat once",
        found=what,
    )


# -- one contest ----------------------------------------------------------


def _read_contest(
    ctx: Context, contest: Element, scan: SelectionScan | None
) -> ContestCount | None:
    contest_id, contest_name = read_contest_identifier(ctx, contest)
    total_el = contest.find(e("TotalVotes"))
    unit_els = list(contest.iterchildren(e("ReportingUnitVotes")))
    template = total_el if total_el is not None else (unit_els[0] if unit_els else None)
    if template is None:
        ctx.child(contest, e("TotalVotes"), "or a ReportingUnitVotes")
        return None

    keys = None if scan is None else scan.row_keys(template)
    columns = None if keys is None else _columns_from_keys(template, *keys)
    if columns is not None and scan is not None and scan.reduced:
        columns.list_names = _names_of(scan, template)
    elif scan is not None and scan.reduced:
        raise NeedFullTree
    if columns is None:
        keys = None
        columns = _read_columns(ctx, template)
    if not columns.list_numbers:
        ctx.child(template, _SELECTION, "at least one lijst")
        return None
    fast = _FastPath(template, None if columns.by_code else scan, keys)
    total = None
    if total_el is not None:
        total = _read_tallies(ctx, [total_el], columns, fast)
    units = _read_units(ctx, unit_els)
    unit_tally = _read_tallies(ctx, unit_els, columns, fast)

    return ContestCount(
        contest_id=contest_id,
        contest_name=contest_name,
        list_numbers=np.array(columns.list_numbers, dtype=np.int32),
        candidate_numbers=np.array(columns.candidate_numbers, dtype=np.int32),
        candidate_codes=tuple(columns.codes),
        list_names=columns.list_names,
        total=total,
        units=units,
        unit_tally=unit_tally,
    )


def _read_units(ctx: Context, unit_els: list[Element]) -> tuple[ReportingUnit, ...]:
    units = []
    seen: dict[str, int] = {}
    for element in unit_els:
        unit = _read_unit(ctx, element)
        if unit.id in seen:
            ctx.add(
                "eml.duplicate-unit",
                f"The reporting unit {unit.id} appears more than once "
                f"(first on line {seen[unit.id]}).",
                element,
                expected="each ReportingUnitIdentifier Id once",
                found=unit.id,
            )
        seen.setdefault(unit.id, source_line(element) or 0)
        units.append(unit)
    return tuple(units)


def _read_unit(ctx: Context, element: Element) -> ReportingUnit:
    identifier = ctx.child(element, e("ReportingUnitIdentifier"))
    if identifier is None:
        return ReportingUnit(id="", name="")
    name, postcode = split_postcode(identifier.text or "")
    investigations = {
        item.get("ReasonCode", ""): (text_of(item) or "").lower() in {"true", "1"}
        for item in element.iterfind(
            f"{kr('ReportingUnitInvestigations')}/{kr('Investigation')}"
        )
    }
    return ReportingUnit(
        id=ctx.attribute(identifier, "Id") or "",
        name=name,
        postcode=postcode,
        type=text_of(element.find(kr("ReportingUnitType"))),
        investigations=investigations,
    )


# -- the numbers ----------------------------------------------------------


class _Rows:
    """The arrays of a tally being filled, initial values made on demand."""

    def __init__(self, rows: int, selections: int) -> None:
        self.votes = np.full((rows, selections), MISSING, dtype=np.int64)
        self.counters = np.full((rows, len(COUNTERS)), MISSING, dtype=np.int64)
        self.initial_votes: Int64Array | None = None
        self.initial_counters: Int64Array | None = None

    def initial(self) -> tuple[Int64Array, Int64Array]:
        if self.initial_votes is None or self.initial_counters is None:
            self.initial_votes = np.full_like(self.votes, MISSING)
            self.initial_counters = np.full_like(self.counters, MISSING)
        return self.initial_votes, self.initial_counters

    def tally(self) -> Tally:
        return Tally(
            votes=self.votes,
            counters=self.counters,
            initial_votes=self.initial_votes,
            initial_counters=self.initial_counters,
        )


class _FastPath:
    """What a row must look like to skip reading it element by element.

    ``keys`` are the identifiers of the template row as the byte scan sees
    them; the tree loop's keys of the template are only made if a row
    misses the scan.
    """

    def __init__(
        self,
        template: Element,
        scan: SelectionScan | None,
        keys: tuple[Keys, Keys] | None,
    ) -> None:
        self.template = template
        self.scan = scan if keys is not None else None
        self.keys = keys or ((), ())
        self.plain: list[str | None] | None = None
        self.plain_known = False

    def votes(self, element: Element, width: int) -> Sequence[str | bytes] | None:
        """Return a plain row's vote digits, or None to read it slowly."""
        if self.scan is not None:
            found = self.scan.row_votes(element, *self.keys)
            if found is not None:
                return found
            if self.scan.reduced:
                raise NeedFullTree
        if not self.plain_known:
            template = _plain_row(self.template)
            self.plain = None if template is None else template[0]
            self.plain_known = True
        if self.plain is None:
            return None
        plain = _plain_row(element)
        if plain is None or plain[0] != self.plain or len(plain[1]) != width:
            return None
        return _plain_counts(plain[1])


def _read_tallies(
    ctx: Context,
    elements: list[Element],
    columns: _Columns,
    fast: _FastPath,
) -> Tally:
    """Return the tally of the given units, one row each.

    A row whose selections are plain and exactly the contest's columns
    takes the fast path (see :class:`_FastPath`); any other is read, and
    its problems found, element by element.
    """
    width = len(columns.list_numbers)
    rows = _Rows(len(elements), width)

    fast_rows: list[int] = []
    texts: list[str | bytes] = []
    for row, element in enumerate(elements):
        found = fast.votes(element, width)
        if found is not None:
            fast_rows.append(row)
            texts.extend(found)
            _read_counters(ctx, element, rows, row)
        else:
            _read_row_slowly(ctx, element, columns, rows, row)

    if fast_rows:
        _store_fast(rows, fast_rows, texts, width)
    return rows.tally()


def _plain_row(element: Element) -> tuple[list[str | None], list[str | None]] | None:
    """Return the keys and vote texts of a unit of plain selections.

    A plain selection is an identifier followed by ``ValidVotes`` and
    nothing else. ``None`` marks where a lijst starts in the keys. Returns
    None for anything else, which the slow path then reads and explains.
    This is the hot loop of the reader: keep it free of calls.
    """
    keys: list[str | None] = []
    texts: list[str | None] = []
    add_key, add_text = keys.append, texts.append
    try:
        for selection in element.iterchildren(_SELECTION):
            first, valid = selection
            if valid.tag != _VALID:
                return None
            tag = first.tag
            if tag == _CANDIDATE:
                identifier = first[0]
                if identifier.tag != _CANDIDATE_ID:
                    return None
                add_key(identifier.get("Id"))
            elif tag == _AFFILIATION:
                add_key(None)
                add_key(first.get("Id"))
            else:
                return None
            add_text(valid.text)
    except (ValueError, IndexError):  # not exactly two children; no identifier
        return None
    return keys, texts


def _plain_counts(texts: list[str | None]) -> list[str] | None:
    """Return the texts if every one is a plain count, else None."""
    if None in texts:
        return None
    strings: list[str] = texts  # type: ignore[assignment]  # no None left
    joined = "".join(strings)
    if not (joined.isascii() and joined.isdigit()):
        return None
    return strings if max(map(len, strings)) <= _MAX_DIGITS else None


def _store_fast(
    rows: _Rows, fast_rows: list[int], texts: list[str | bytes], width: int
) -> None:
    """Convert the checked digits of all fast rows in one pass."""
    values = np.fromiter(map(int, texts), dtype=np.int64, count=len(texts))
    rows.votes[fast_rows] = values.reshape(len(fast_rows), width)


def _read_row_slowly(
    ctx: Context, element: Element, columns: _Columns, rows: _Rows, row: int
) -> None:
    current: int | None = None
    seen: set[int] = set()
    for selection in element.iterchildren(_SELECTION):
        first = first_element(selection)
        if first is None or first.tag not in (_AFFILIATION, _CANDIDATE):
            _unsupported_selection(ctx, selection)
            continue
        key, current = _key_of(ctx, selection, first, current, columns.by_code)
        if key is None:
            continue
        column = columns.index.get(key)
        if column is None:
            _unknown_selection(ctx, selection, key)
            continue
        if column in seen:
            _duplicate_selection(ctx, selection, str(key[-1]))
        seen.add(column)
        _read_selection_votes(ctx, selection, rows, row, column)
    _read_counters(ctx, element, rows, row)


def _key_of(
    ctx: Context,
    selection: Element,
    first: Element,
    current: int | None,
    by_code: bool,
) -> tuple[Key | None, int | None]:
    if first.tag == _AFFILIATION:
        number = read_list_number(ctx, first)
        return (None, current) if number is None else (("L", number), number)
    if current is None:
        ctx.add(
            "eml.list-order",
            "A kandidaat comes before any lijst.",
            selection,
            expected="an AffiliationIdentifier selection first",
            found="Candidate",
        )
        return None, current
    identifier = ctx.child(first, e("CandidateIdentifier"))
    if identifier is None:
        return None, current
    code = identifier.get("ShortCode")
    if by_code and code:
        return ("S", current, code), current
    raw = ctx.attribute(identifier, "Id")
    if raw is None:
        return None, current
    number = read_id(ctx, identifier, raw, "candidate number (Id)")
    return (None if number is None else ("C", current, number)), current


def _unknown_selection(ctx: Context, selection: Element, key: Key) -> None:
    what = f"lijst {key[1]}"
    if len(key) == 3:
        what = f"kandidaat {key[2]} of lijst {key[1]}"
    ctx.add(
        "count.unknown-selection",
        f"The selection ({what}) is not among the selections of the contest's total.",
        selection,
        expected="a lijst or kandidaat listed in TotalVotes",
        found=what,
    )


def _read_selection_votes(
    ctx: Context, selection: Element, rows: _Rows, row: int, column: int
) -> None:
    valid = selection.find(_VALID)
    if valid is None:
        ctx.child(selection, _VALID, "the votes of this selection")
        return
    value = ctx.text_number(valid, "number of valid votes")
    if value is not None:
        rows.votes[row, column] = value
    initial = selection.find(_INITIAL_VALID)
    if initial is not None:
        old = ctx.text_number(initial, "initial number of valid votes")
        if old is not None:
            rows.initial()[0][row, column] = old


def _read_counters(ctx: Context, element: Element, rows: _Rows, row: int) -> None:
    found: set[str] = set()
    for counter in element.iterchildren(*_COUNTER_TAGS):
        name = _counter_name(ctx, counter)
        if name is None:
            continue
        is_initial = _COUNTER_TAGS[str(counter.tag)]
        value = ctx.text_number(counter, f"{local_name(counter.tag)} count")
        if is_initial:
            if value is not None:
                rows.initial()[1][row, COUNTER_INDEX[name]] = value
            continue
        if name in found:
            ctx.add(
                "count.duplicate-counter",
                f"The counter {name!r} is given twice.",
                counter,
                expected="each counter once",
                found=name,
            )
        found.add(name)
        if value is not None:
            rows.counters[row, COUNTER_INDEX[name]] = value
    _check_required_counters(ctx, element, found)


def _counter_name(ctx: Context, counter: Element) -> str | None:
    tag = local_name(counter.tag).removeprefix("Initial")
    if tag == "Cast":
        return "cast"
    if tag == "TotalCounted":
        return "total_counted"
    reason = ctx.attribute(counter, "ReasonCode")
    allowed = _REJECTED if tag == "RejectedVotes" else set(UNCOUNTED_REASONS)
    if reason is None:
        return None
    if reason not in allowed:
        ctx.add(
            "count.unknown-reason",
            f"The {tag} reason code {reason!r} is not one the schema allows.",
            counter,
            expected=", ".join(sorted(allowed)),
            found=reason,
        )
        return None
    return reason


def _check_required_counters(ctx: Context, element: Element, found: set[str]) -> None:
    for name, tag in (
        ("cast", "Cast"),
        ("total_counted", "TotalCounted"),
        ("blanco", "RejectedVotes ReasonCode='blanco'"),
        ("ongeldig", "RejectedVotes ReasonCode='ongeldig'"),
    ):
        if name not in found:
            ctx.add(
                "eml.missing-element",
                f"The element {local_name(element.tag)} lacks its {tag}.",
                element,
                expected=f"a <{tag}> element",
                found="none",
            )
