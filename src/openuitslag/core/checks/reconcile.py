"""Reconciliation: every number passed up a level arrives unchanged.

Results travel from stembureau to municipality (510b), to kieskring
(510c, or an OSV4-3 CSV of the hoofdstembureau) and to the central count
(510d), and at each step someone copies numbers. Most documented Dutch
counting errors are copying errors at these steps (Stein's 24 invalid
votes in TK2021, Alblasserdam's explanation counter in TK2023), so each
total is compared with the sum of its rows, and each document's total
with its row in the document one level up.

Vote numbers that differ are errors: they change a result. Counters that
only explain the count (electorate, explanations) are warnings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

import numpy as np

from openuitslag.core.checks.common import (
    CAST,
    E,
    F,
    G,
    Where,
    area_key,
    counter_en,
    counter_nl,
    en,
    nl,
)
from openuitslag.core.errors import Severity
from openuitslag.core.findings import Finding
from openuitslag.core.model import (
    COUNTERS,
    MISSING,
    ContestCount,
    Count,
    DocumentKind,
    Int64Array,
    Tally,
)

ERROR, WARNING, NOTICE = Severity.ERROR, Severity.WARNING, Severity.NOTICE

# Counters whose difference changes the outcome or the votes cast.
VOTE_COUNTERS = frozenset({E, F, G})

SelectionKey = tuple[int, int, str | None]  # list, candidate number, code


def selection_keys(contest: ContestCount) -> list[SelectionKey]:
    """Return a key per selection: (list, candidate number, short code)."""
    return list(
        zip(
            contest.list_numbers.tolist(),
            contest.candidate_numbers.tolist(),
            contest.candidate_codes,
            strict=True,
        )
    )


def has_codes(contest: ContestCount) -> bool:
    """Say whether candidates are named by short code (a 510d)."""
    codes = contest.candidate_codes
    return codes.count(None) != len(codes)


def describe_nl(key: SelectionKey, contest: ContestCount) -> str:
    """Return "lijst 3 (CDA)" or "kandidaat 2 van lijst 3 (CDA)"."""
    ln, number, code = key
    name = contest.list_names.get(ln, "")
    lijst = f"lijst {ln}" + (f" ({name})" if name else "")
    if number == 0 and code is None:
        return lijst
    return f"kandidaat {code or number} van {lijst}"


def describe_en(key: SelectionKey, contest: ContestCount) -> str:
    """Return "list 3 (CDA)" or "candidate 2 of list 3 (CDA)"."""
    ln, number, code = key
    name = contest.list_names.get(ln, "")
    lijst = f"list {ln}" + (f" ({name})" if name else "")
    if number == 0 and code is None:
        return lijst
    return f"candidate {code or number} of {lijst}"


def candidate_label(key: SelectionKey) -> str | None:
    """Return the candidate part of a key for Finding.candidate."""
    _, number, code = key
    if code is not None:
        return code
    return str(number) if number else None


# -- one document: the total is the sum of its rows ------------------------


def check_unit_sums(count: Count) -> list[Finding]:
    """Return findings where a count's total is not the sum of its rows."""
    where = Where.of(count)
    findings: list[Finding] = []
    for contest in count.contests:
        findings.extend(_duplicate_units(contest, where))
        if contest.total is None or not contest.units:
            continue
        findings.extend(_vote_sums(contest, where))
        findings.extend(_counter_sums(contest, where))
    return findings


def _duplicate_units(contest: ContestCount, where: Where) -> Iterator[Finding]:
    """A reporting unit given twice is counted twice in every sum."""
    seen: dict[str, int] = {}
    for unit in contest.units:
        seen[unit.id] = seen.get(unit.id, 0) + 1
    for ident, times in seen.items():
        if times > 1:
            yield where.finding(
                "count.duplicate-unit",
                ERROR,
                f"{where.file} geeft de uitslag van {ident} {times} keer; elke "
                f"som waarin die rij meetelt, telt haar dubbel.",
                f"{where.file} gives the result of {ident} {times} times; every "
                f"sum that includes the row counts it more than once.",
                unit=ident,
                expected=1,
                found=times,
            )


def _summed(values: Int64Array) -> tuple[Int64Array, Int64Array]:
    """Return column sums with MISSING as 0, and how many rows had a value."""
    present = values != MISSING
    sums: Int64Array = np.where(present, values, 0).sum(axis=0)
    seen: Int64Array = present.sum(axis=0)
    return sums, seen


def _vote_sums(contest: ContestCount, where: Where) -> Iterator[Finding]:
    assert contest.total is not None
    sums, seen = _summed(contest.unit_tally.votes)
    total = contest.total.votes[0]
    bad = (total != MISSING) & (seen > 0) & (sums != total)
    keys = selection_keys(contest)
    for s in np.flatnonzero(bad):
        key = keys[s]
        yield where.finding(
            "reconcile.unit-sum",
            ERROR,
            f"In {where.file} is het totaal voor {describe_nl(key, contest)} "
            f"{nl(int(total[s]))}, maar de {len(contest.units)} rijen eronder "
            f"tellen op tot {nl(int(sums[s]))}.",
            f"In {where.file} the total for {describe_en(key, contest)} is "
            f"{en(int(total[s]))}, but its {len(contest.units)} rows add up to "
            f"{en(int(sums[s]))}.",
            list_number=key[0],
            candidate=candidate_label(key),
            expected=int(sums[s]),
            found=int(total[s]),
        )


def _counter_sums(contest: ContestCount, where: Where) -> Iterator[Finding]:
    assert contest.total is not None
    sums, seen = _summed(contest.unit_tally.counters)
    total = contest.total.counters[0]
    bad = (total != MISSING) & (seen > 0) & (sums != total)
    for c in np.flatnonzero(bad):
        if c == CAST and _electorate_per_municipality(contest):
            continue
        name = COUNTERS[c]
        yield where.finding(
            "reconcile.unit-sum"
            if c in VOTE_COUNTERS
            else "reconcile.unit-sum-counter",
            ERROR if c in VOTE_COUNTERS else WARNING,
            f"In {where.file} is het totaal van '{counter_nl(name)}' "
            f"{nl(int(total[c]))}, maar de rijen eronder tellen op tot "
            f"{nl(int(sums[c]))}.",
            f"In {where.file} the total of '{counter_en(name)}' is "
            f"{en(int(total[c]))}, but its rows add up to {en(int(sums[c]))}.",
            candidate=None,
            expected=int(sums[c]),
            found=int(total[c]),
        )


def _electorate_per_municipality(contest: ContestCount) -> bool:
    """Say whether the stembureaus carry no electorate, only the total.

    Counting software writes 0 as a stembureau's electorate when it is
    known per municipality only; the sum of the rows is then 0 by design.
    """
    cast = contest.unit_tally.counters[:, CAST]
    stations = [u.station_number is not None for u in contest.units]
    return all(stations) and bool(np.all((cast == 0) | (cast == MISSING)))


# -- two documents: a total and its row one level up -----------------------


@dataclass(frozen=True, slots=True)
class Located:
    """One row of numbers in one document: a total or a reporting unit."""

    count: Count
    contest: ContestCount
    row: int | None  # None: the contest total

    @property
    def votes(self) -> Int64Array:
        """Return this row's votes per selection."""
        tally = self.contest.total if self.row is None else self.contest.unit_tally
        assert tally is not None
        row: Int64Array = tally.votes[self.row or 0]
        return row

    @property
    def counters(self) -> Int64Array:
        """Return this row's counters."""
        tally = self.contest.total if self.row is None else self.contest.unit_tally
        assert tally is not None
        row: Int64Array = tally.counters[self.row or 0]
        return row

    @property
    def unit_id(self) -> str | None:
        """Return the reporting unit id, or None for a total."""
        return None if self.row is None else self.contest.units[self.row].id

    @property
    def name(self) -> str:
        """Return the name of what this row counts."""
        if self.row is None:
            return self.count.authority.name or self.count.authority.id
        return self.contest.units[self.row].name


def authority_key(count: Count) -> str:
    """Return the area a whole document stands for, in area_key's form."""
    ident = count.authority.id
    return ident.zfill(4) if ident.isdigit() else ident


def check_across_documents(
    counts: Iterable[Count], *, nbsb_kieskring: str | None = None
) -> list[Finding]:
    """Compare each document's total with every other copy of it.

    A copy is a row for the same area in a document one level up, or the
    total of another document made by the same committee (an EML and an
    OSV4-3 CSV of the same count). ``nbsb_kieskring`` is the kieskring
    whose row in the central count also holds the postal votes from
    abroad (NBSB, region 9010), per the 110a.
    """
    counts = list(counts)
    replaced = superseded(counts)
    counts = [c for c in counts if id(c) not in replaced]
    rows = _rows_by_area(counts)
    findings: list[Finding] = []
    for count in counts:
        for contest in count.contests:
            if contest.total is None:
                continue
            child = Located(count, contest, None)
            for other in rows.get((count.election.id, authority_key(count)), []):
                if other.count is count:
                    continue
                if _nbsb_added(child, other, nbsb_kieskring):
                    findings.extend(_compare_with_nbsb(child, other, counts))
                    continue
                findings.extend(compare_rows(child, other))
                if other.row is None:
                    findings.extend(_compare_units(child, other))
    return findings


def _compare_units(source: Located, copy: Located) -> Iterator[Finding]:
    """Compare the rows two files of the same count both have."""
    theirs = copy.contest.unit_index()
    for row, unit in enumerate(source.contest.units):
        other = theirs.get(unit.id)
        if other is not None:
            yield from compare_rows(
                Located(source.count, source.contest, row),
                Located(copy.count, copy.contest, other),
            )


def superseded(counts: Iterable[Count]) -> set[int]:
    """Return the ids of counts replaced by a corrigendum of their committee.

    Only the corrected numbers are compared with other levels; what the
    corrigendum changed is reported by the corrigendum check.
    """
    corrected = {
        (c.election.id, authority_key(c), c.info.kind)
        for c in counts
        if c.phase == "corrigendum"
    }
    return {
        id(c)
        for c in counts
        if c.phase != "corrigendum"
        and (c.election.id, authority_key(c), c.info.kind) in corrected
    }


# -- the postal votes from abroad: added by the central committee ---------

NBSB = "9010"


def _nbsb_added(child: Located, copy: Located, kieskring: str | None) -> bool:
    """Say whether the copy is a central-count row that includes the NBSB."""
    if kieskring is None or copy.count.info.kind is not DocumentKind.EML_510D:
        return False
    if authority_key(child.count) != f"HSB{kieskring.lstrip('0')}":
        return False
    return all(area_key(u.id) != NBSB for u in child.contest.units)


def _compare_with_nbsb(
    child: Located, copy: Located, counts: list[Count]
) -> Iterator[Finding]:
    nbsb = [
        Located(c, contest, None)
        for c in counts
        if authority_key(c) == NBSB and c.election.id == child.count.election.id
        for contest in c.contests
        if contest.total is not None
    ]
    if not nbsb:
        yield _nbsb_not_given(child, copy)
        return
    yield from compare_rows(_plus(child, nbsb[0]), copy)


def _plus(child: Located, extra: Located) -> Located:
    """Return the child's total with another document's total added."""
    theirs = {k: i for i, k in enumerate(selection_keys(extra.contest))}
    at = np.array([theirs.get(k, -1) for k in selection_keys(child.contest)])
    added = np.where(at >= 0, extra.votes[np.maximum(at, 0)], 0)
    votes = np.where(
        child.votes == MISSING, MISSING, child.votes + np.maximum(added, 0)
    )
    both = (child.counters != MISSING) & (extra.counters != MISSING)
    counters = np.where(both, child.counters + extra.counters, child.counters)
    total = Tally(votes[None, :], counters[None, :])
    contest = replace(child.contest, total=total)
    name = f"{child.name} + {extra.name}"
    count = replace(
        child.count,
        authority=replace(child.count.authority, name=name),
        info=replace(
            child.count.info,
            source=f"{child.count.info.source} + {extra.count.info.source}",
        ),
        contests=(contest,),
    )
    return Located(count, contest, None)


def _nbsb_not_given(child: Located, copy: Located) -> Finding:
    where = Where.of(copy.count)
    return where.finding(
        "reconcile.nbsb-not-given",
        NOTICE,
        f"De rij {copy.unit_id} van {copy.count.info.source} bevat ook de "
        f"briefstemmen uit het buitenland (NBSB), die het centraal stembureau "
        f"zelf bij {child.name} optelt. Zonder de telling van het NBSB (9010) "
        f"is deze rij niet met {child.count.info.source} te vergelijken.",
        f"Row {copy.unit_id} of {copy.count.info.source} also holds the postal "
        f"votes from abroad (NBSB), which the central committee adds to "
        f"{child.name} itself. Without the NBSB's count (9010) this row cannot "
        f"be compared with {child.count.info.source}.",
        unit=copy.unit_id,
    )


def _rows_by_area(counts: list[Count]) -> dict[tuple[str, str], list[Located]]:
    """Index every unit row and every later total by (election, area)."""
    index: dict[tuple[str, str], list[Located]] = {}
    seen_totals: set[tuple[str, str]] = set()
    for count in counts:
        for contest in count.contests:
            for row, unit in enumerate(contest.units):
                key = area_key(unit.id)
                if key is not None:
                    located = Located(count, contest, row)
                    index.setdefault((count.election.id, key), []).append(located)
            if contest.total is None:
                continue
            # Same committee, another document: compare each pair once.
            area = (count.election.id, authority_key(count))
            if area in seen_totals:
                index.setdefault(area, []).append(Located(count, contest, None))
            seen_totals.add(area)
    return index


def compare_rows(source: Located, copy: Located) -> Iterator[Finding]:
    """Yield a finding for every number the copy has differently."""
    yield from _compare_votes(source, copy)
    yield from _compare_counters(source, copy)


def _compare_votes(source: Located, copy: Located) -> Iterator[Finding]:
    keys = selection_keys(source.contest)
    theirs = {k: i for i, k in enumerate(selection_keys(copy.contest))}
    where = np.array([theirs.get(k, -1) for k in keys], dtype=np.int64)
    ours = source.votes
    other = np.where(where >= 0, copy.votes[np.maximum(where, 0)], MISSING)
    differs = (ours != MISSING) & (ours != other) & ~((other == MISSING) & (ours == 0))
    if _lists_only(source, copy):
        differs &= source.contest.list_columns
    for s in np.flatnonzero(differs):
        key = keys[int(s)]
        yield _vote_difference(source, copy, key, int(ours[s]), int(other[s]))


def _lists_only(source: Located, copy: Located) -> bool:
    """Say whether candidates cannot be matched (numbers against codes)."""
    mine = has_codes(source.contest)
    theirs = has_codes(copy.contest)
    return mine != theirs


def _vote_difference(
    source: Located, copy: Located, key: SelectionKey, ours: int, other: int
) -> Finding:
    where = Where.of(copy.count)
    shown = 0 if other == MISSING else other
    absent_nl = " (ontbreekt daar)" if other == MISSING else ""
    absent_en = " (missing there)" if other == MISSING else ""
    return where.finding(
        "reconcile.votes-differ",
        ERROR,
        f"{_subject_nl(source)} geeft {describe_nl(key, source.contest)} "
        f"{nl(ours)} stemmen, maar {_copy_nl(copy)} neemt {nl(shown)} over"
        f"{absent_nl}.",
        f"{_subject_en(source)} gives {describe_en(key, source.contest)} "
        f"{en(ours)} votes, but {_copy_en(copy)} has {en(shown)}{absent_en}.",
        unit=copy.unit_id,
        list_number=key[0],
        candidate=candidate_label(key),
        expected=ours,
        found=None if other == MISSING else other,
    )


def _compare_counters(source: Located, copy: Located) -> Iterator[Finding]:
    ours, theirs = source.counters, copy.counters
    bad = (ours != MISSING) & (theirs != MISSING) & (ours != theirs)
    for c in np.flatnonzero(bad):
        yield _counter_difference(source, copy, int(c), int(ours[c]), int(theirs[c]))


def _counter_difference(
    source: Located, copy: Located, c: int, ours: int, other: int
) -> Finding:
    where = Where.of(copy.count)
    name = COUNTERS[c]
    quirk_nl, quirk_en = _electorate_quirk(copy, c, ours, other)
    return where.finding(
        "reconcile.votes-differ" if c in VOTE_COUNTERS else "reconcile.counter-differs",
        ERROR if c in VOTE_COUNTERS else WARNING,
        f"{_subject_nl(source)} geeft als '{counter_nl(name)}' {nl(ours)}, "
        f"maar {_copy_nl(copy)} neemt {nl(other)} over.{quirk_nl}",
        f"{_subject_en(source)} gives '{counter_en(name)}' as {en(ours)}, but "
        f"{_copy_en(copy)} has {en(other)}.{quirk_en}",
        unit=copy.unit_id,
        expected=ours,
        found=other,
    )


# Voters abroad are counted in kieskring 's-Gravenhage (number 12).
ABROAD_KIESKRING = "HSB12"


def _electorate_quirk(copy: Located, c: int, ours: int, other: int) -> tuple[str, str]:
    """Say why an electorate may differ where the files are known to."""
    if c != CAST:
        return "", ""
    if other == 0 or ours == 0:
        return (
            " De uitslag verandert daardoor niet, wel de opkomst.",
            " The result does not change, turnout does.",
        )
    abroad = copy.count.info.kind is DocumentKind.EML_510D
    if abroad and copy.unit_id == ABROAD_KIESKRING and other > ours:
        return (
            " Het verschil kunnen de kiezers in het buitenland zijn: die horen "
            "bij kieskring 's-Gravenhage en telt het centraal stembureau mee.",
            " The difference may be the voters abroad: they belong to kieskring "
            "'s-Gravenhage and the central committee includes them.",
        )
    return (
        " De uitslag verandert daardoor niet, wel de opkomst.",
        " The result does not change, turnout does.",
    )


def _subject_nl(located: Located) -> str:
    place = _place(located, "rij")
    return f"De telling van {_committee(located.count, NL)} ({place})"


def _subject_en(located: Located) -> str:
    place = _place(located, "row")
    return f"The count of {_committee(located.count, EN)} ({place})"


def _place(located: Located, row_word: str) -> str:
    source = located.count.info.source
    return source if located.row is None else f"{source}, {row_word} {located.unit_id}"


def _copy_nl(located: Located) -> str:
    source = located.count.info.source
    if located.row is None:
        return f"het andere bestand van dezelfde telling ({source})"
    committee = _committee(located.count, NL)
    return f"de telling van {committee} ({source}, rij {located.unit_id})"


def _copy_en(located: Located) -> str:
    source = located.count.info.source
    if located.row is None:
        return f"the other file of the same count ({source})"
    committee = _committee(located.count, EN)
    return f"the count of {committee} ({source}, row {located.unit_id})"


NL = ("het centraal stembureau", "kieskring", "gemeente")
EN = ("the central committee", "kieskring", "municipality")


def _committee(count: Count, words: tuple[str, str, str]) -> str:
    """Return who made a count: "kieskring Haarlem", "gemeente Stein", …"""
    central, kieskring, municipality = words
    ident, name = count.authority.id, count.authority.name or count.authority.id
    if ident == "CSB":
        return central
    if ident.startswith("HSB") and not name.lower().startswith("kieskring"):
        return f"{kieskring} {name}"
    if ident.isdigit() and " + " not in name:
        return f"{municipality} {name}"
    return name
