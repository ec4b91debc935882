"""Corrigenda: say what a corrected count changed, number by number.

Since 2026 a committee that corrects its count after the first session
publishes a corrigendum (``kr:Phase`` corrigendum) that keeps the old
values next to the new ones (``kr:Initial*``). A correction is legitimate,
but the public should see exactly what moved, so every changed number is
a notice.
"""

from __future__ import annotations

from collections.abc import Iterator

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
from openuitslag.core.model import COUNTERS, MISSING, ContestCount, Count, Tally


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
