"""Corrigenda: say what a corrected count changed, number by number.

Since 2026 a committee that corrects its count after the first session
publishes a corrigendum (``kr:Phase`` corrigendum) that keeps the old
values next to the new ones (``kr:Initial*``). A correction is legitimate,
but the public should see exactly what moved, so every changed number is
a notice.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from openuitslag.core.checks.common import Where, counter_en, counter_nl, en, nl
from openuitslag.core.checks.reconcile import (
    candidate_label,
    describe_en,
    describe_nl,
    selection_keys,
)
from openuitslag.core.errors import Severity
from openuitslag.core.findings import Finding
from openuitslag.core.model import (
    COUNTERS,
    MISSING,
    ContestCount,
    Count,
    Int64Array,
    Tally,
)


def check_corrigendum(count: Count) -> list[Finding]:
    """Return a notice for every value a corrigendum changed."""
    where = Where.of(count)
    findings: list[Finding] = []
    for contest in count.contests:
        if contest.total is not None:
            findings.extend(_changes(where, contest, False, contest.total))
        findings.extend(_changes(where, contest, True, contest.unit_tally))
    if count.phase == "corrigendum" and not findings:
        findings.append(_unchanged(where))
    return findings


def _changes(
    where: Where, contest: ContestCount, per_unit: bool, tally: Tally
) -> Iterator[Finding]:
    keys = selection_keys(contest)
    if tally.initial_votes is not None:
        changed = (tally.initial_votes != MISSING) & (
            tally.initial_votes != tally.votes
        )
        for row, s in zip(*np.nonzero(changed), strict=True):
            key = keys[int(s)]
            yield _changed(
                where,
                contest.units[int(row)].id if per_unit else None,
                describe_nl(key, contest),
                describe_en(key, contest),
                int(tally.initial_votes[row, s]),
                int(tally.votes[row, s]),
                key[0],
                candidate_label(key),
            )
    if tally.initial_counters is not None:
        changed = (tally.initial_counters != MISSING) & (
            tally.initial_counters != tally.counters
        )
        for row, c in zip(*np.nonzero(changed), strict=True):
            name = COUNTERS[int(c)]
            yield _changed(
                where,
                contest.units[int(row)].id if per_unit else None,
                f"'{counter_nl(name)}'",
                f"'{counter_en(name)}'",
                int(tally.initial_counters[row, c]),
                int(tally.counters[row, c]),
                None,
                None,
            )


def _changed(
    where: Where,
    unit: str | None,
    what_nl: str,
    what_en: str,
    old: int,
    new: int,
    list_number: int | None,
    candidate: str | None,
) -> Finding:
    place_nl = f"bij {unit}" if unit else "in het totaal"
    place_en = f"at {unit}" if unit else "in the total"
    return where.finding(
        "corrigendum.changed",
        Severity.NOTICE,
        f"Het corrigendum {where.file} verandert {place_nl} {what_nl} van "
        f"{nl(old)} in {nl(new)} ({new - old:+d}).",
        f"The corrigendum {where.file} changes {what_en} {place_en} from "
        f"{en(old)} to {en(new)} ({new - old:+d}).",
        unit=unit,
        list_number=list_number,
        candidate=candidate,
        expected=old,
        found=new,
    )


def _unchanged(where: Where) -> Finding:
    return where.finding(
        "corrigendum.no-changes",
        Severity.NOTICE,
        f"{where.file} is een corrigendum, maar geeft geen oorspronkelijke "
        f"waarden (kr:Initial…) die afwijken: wat er veranderd is, staat niet "
        f"in het bestand.",
        f"{where.file} is a corrigendum, but gives no original values "
        f"(kr:Initial…) that differ: the file does not say what changed.",
    )


# -- a corrigendum against the count it corrects ---------------------------


def check_against_originals(counts: Iterable[Count]) -> list[Finding]:
    """Return findings where a corrigendum misstates the values it replaced.

    A corrigendum's ``kr:Initial…`` values (or, where it gives none, its
    unchanged values) must be what the original count said; otherwise the
    public record of what changed is wrong.
    """
    counts = list(counts)
    originals = {_key(c): c for c in counts if c.phase != "corrigendum"}
    findings: list[Finding] = []
    for corrigendum in counts:
        original = originals.get(_key(corrigendum))
        if corrigendum.phase != "corrigendum" or original is None:
            continue
        for contest in corrigendum.contests:
            for before in original.contests:
                if before.contest_id == contest.contest_id:
                    findings.extend(_compare(corrigendum, original, contest, before))
    return findings


def _key(count: Count) -> tuple[str, str, str]:
    ident = count.authority.id
    return (count.election.id, ident.zfill(4) if ident.isdigit() else ident,
            count.info.kind.value)  # fmt: skip


def _effective(values: Int64Array, initial: Int64Array | None) -> Int64Array:
    """Return what the values were before the correction."""
    if initial is None:
        return values
    before: Int64Array = np.where(initial == MISSING, values, initial)
    return before


def _compare(
    corrigendum: Count, original: Count, contest: ContestCount, before: ContestCount
) -> Iterator[Finding]:
    where = Where.of(corrigendum)
    theirs = {k: i for i, k in enumerate(selection_keys(before))}
    columns = np.array([theirs.get(k, -1) for k in selection_keys(contest)])
    pairs: list[tuple[str | None, Tally | None, int, Tally | None, int]] = [
        (None, contest.total, 0, before.total, 0)
    ]
    rows = before.unit_index()
    pairs.extend(
        (unit.id, contest.unit_tally, r, before.unit_tally, rows[unit.id])
        for r, unit in enumerate(contest.units)
        if unit.id in rows
    )
    keys = selection_keys(contest)
    for unit, tally, r, old, o in pairs:
        if tally is None or old is None:
            continue
        claimed = _effective(tally.votes[r], _row(tally.initial_votes, r))
        was = np.where(columns >= 0, old.votes[o][np.maximum(columns, 0)], MISSING)
        bad = (columns >= 0) & (was != MISSING) & (claimed != was)
        for s in np.flatnonzero(bad):
            key = keys[int(s)]
            yield _misstated(where, original, unit, describe_nl(key, contest),
                             describe_en(key, contest), int(was[s]),
                             int(claimed[s]), key[0], candidate_label(key))  # fmt: skip
        claimed = _effective(tally.counters[r], _row(tally.initial_counters, r))
        was = old.counters[o]
        bad = (was != MISSING) & (claimed != MISSING) & (claimed != was)
        for c in np.flatnonzero(bad):
            name = COUNTERS[int(c)]
            yield _misstated(where, original, unit, f"'{counter_nl(name)}'",
                             f"'{counter_en(name)}'", int(was[c]), int(claimed[c]),
                             None, None)  # fmt: skip


def _row(values: Int64Array | None, r: int) -> Int64Array | None:
    return None if values is None else values[r]


def _misstated(
    where: Where,
    original: Count,
    unit: str | None,
    what_nl: str,
    what_en: str,
    was: int,
    claimed: int,
    list_number: int | None,
    candidate: str | None,
) -> Finding:
    place_nl = f"bij {unit}" if unit else "in het totaal"
    place_en = f"at {unit}" if unit else "in the total"
    return where.finding(
        "corrigendum.initial-differs",
        Severity.WARNING,
        f"Volgens het corrigendum {where.file} was {what_nl} {place_nl} vóór de "
        f"correctie {nl(claimed)}, maar de oorspronkelijke telling "
        f"({original.info.source}) zegt {nl(was)}.",
        f"According to the corrigendum {where.file}, {what_en} {place_en} was "
        f"{en(claimed)} before the correction, but the original count "
        f"({original.info.source}) says {en(was)}.",
        unit=unit,
        list_number=list_number,
        candidate=candidate,
        expected=was,
        found=claimed,
    )
