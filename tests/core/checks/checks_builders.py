"""Build small count records by hand, to test one rule at a time.

Real files are tested in test_real_data.py; here each test states the
few numbers that matter and leaves everything else consistent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from openuitslag.core.model import (
    COUNTER_INDEX,
    COUNTERS,
    MISSING,
    Authority,
    ContestCount,
    Count,
    DocumentInfo,
    DocumentKind,
    ElectionIdentity,
    ReportingUnit,
    Tally,
)

ELECTION = ElectionIdentity(id="TK2099", name="Tweede Kamer 2099", category="TK")

# Two lists: list 1 with candidates 1 and 2, list 2 with candidate 1.
LISTS: tuple[tuple[int, int], ...] = ((1, 0), (1, 1), (1, 2), (2, 0), (2, 1))


@dataclass
class Row:
    """A row of a hand-built count: votes per candidate, and counters."""

    id: str
    candidates: Sequence[int] = (60, 30, 10)  # list1 c1, list1 c2, list2 c1
    counters: Mapping[str, int] = field(default_factory=dict)
    name: str = ""
    list_votes: Sequence[int] | None = None  # list totals, if not the sums

    def votes(self) -> list[int]:
        """Return the selection votes; list totals are the candidate sums."""
        a, b, c = self.candidates
        first, second = self.list_votes or (a + b, c)
        return [first, a, b, second, c]

    def counter_row(self) -> list[int]:
        """Return a consistent counter row, overridden by ``counters``."""
        e = sum(self.candidates)
        values = {
            "cast": 200,
            "total_counted": e,
            "blanco": 0,
            "ongeldig": 1,
            "geldige stempassen": e + 1,
            "geldige volmachtbewijzen": 0,
            "geldige kiezerspassen": 0,
            "toegelaten kiezers": e + 1,
            "meer getelde stembiljetten": 0,
            "minder getelde stembiljetten": 0,
        }
        values.update(self.counters)
        row = [MISSING] * len(COUNTERS)
        for name, value in values.items():
            row[COUNTER_INDEX[name]] = value
        return row


def tally(rows: Sequence[Row]) -> Tally:
    """Return the tally of some rows."""
    votes = np.array([r.votes() for r in rows], dtype=np.int64).reshape(
        len(rows), len(LISTS)
    )
    counters = np.array([r.counter_row() for r in rows], dtype=np.int64).reshape(
        len(rows), len(COUNTERS)
    )
    return Tally(votes, counters)


def sum_row(rows: Sequence[Row], ident: str = "total") -> Row:
    """Return a row that is the exact sum of the given rows."""
    candidates = [sum(r.candidates[i] for r in rows) for i in range(3)]
    counters = {
        name: sum(r.counter_row()[COUNTER_INDEX[name]] for r in rows)
        for name in COUNTERS
        if rows[0].counter_row()[COUNTER_INDEX[name]] != MISSING
    }
    return Row(ident, candidates, counters)


def count(
    units: Sequence[Row],
    *,
    total: Row | None = None,
    kind: DocumentKind = DocumentKind.EML_510B,
    authority: str = "0482",
    authority_name: str = "Alblasserdam",
    source: str = "test.eml.xml",
    contest_id: str = "14",
    sum_total: bool = True,
) -> Count:
    """Return a count document of these units (and their sum as total)."""
    if total is None and sum_total and units:
        total = sum_row(units)
    contest = ContestCount(
        contest_id=contest_id,
        contest_name=None,
        list_numbers=np.array([ln for ln, _ in LISTS], dtype=np.int32),
        candidate_numbers=np.array([cn for _, cn in LISTS], dtype=np.int32),
        candidate_codes=(None,) * len(LISTS),
        list_names={1: "Partij Een", 2: "Partij Twee"},
        total=None if total is None else tally([total]),
        units=tuple(ReportingUnit(r.id, r.name or r.id) for r in units),
        unit_tally=tally(units),
    )
    info = DocumentInfo(source=source, sha256="0" * 64, size=1, kind=kind)
    authority_record = Authority(authority, authority_name)
    return Count(info, ELECTION, authority_record, (contest,))


def codes(findings: Sequence[object]) -> list[str]:
    """Return the codes of findings, sorted."""
    return sorted(getattr(f, "code") for f in findings)  # noqa: B009
