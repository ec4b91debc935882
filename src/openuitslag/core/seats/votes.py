"""Read stemcijfers and candidate votes per kieskring out of a count.

The seat calculation needs, per kieskring and list, the list's votes and
each candidate's votes by number on that kieskring's list. Counts give
them in two shapes: a single-kieskring count names candidates by number;
a Tweede Kamer central count (510d) has one row per kieskring (HSB1,
HSB2, …) and names candidates by ShortCode only. ShortCodes are not in
the 230b, so they are matched to the list's candidates by name: the code
is the surname's letters (possibly cut short), the initials' letters and
sometimes a digit to keep codes unique nationwide.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from openuitslag.core.model import MISSING, Candidate, ContestCount, Count


@dataclass
class KieskringVotes:
    """The votes of one list in one kieskring."""

    list_votes: int
    by_number: dict[int, int] = field(default_factory=dict)
    codes: dict[int, str] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)
    by_order: list[str] = field(default_factory=list)  # name fitted 2+ codes


class VoteSource:
    """Look up votes in a count by kieskring (contest id) and list."""

    def __init__(self, count: Count, single_kieskring: bool) -> None:
        if not count.contests:
            raise ValueError(f"The count {count.info.source} has no contest.")
        self.count = count
        self.contest = count.contests[0]
        self.rows = _rows_by_kieskring(self.contest)
        self.single = single_kieskring

    def votes(
        self, kieskring: str, list_number: int, candidates: tuple[Candidate, ...]
    ) -> KieskringVotes:
        """Return the votes of list ``list_number`` in ``kieskring``."""
        row = self._row(kieskring)
        columns = np.flatnonzero(self.contest.list_numbers == list_number)
        if not len(columns):
            return KieskringVotes(0)

        list_votes = max(int(row[columns[0]]), 0)
        found = KieskringVotes(list_votes)
        candidate_columns = [int(c) for c in columns[1:] if row[c] != MISSING]
        by_code = any(self.contest.candidate_codes[c] for c in candidate_columns)
        if by_code:
            _match_codes(self.contest, row, candidate_columns, candidates, found)
        else:
            for c in candidate_columns:
                number = int(self.contest.candidate_numbers[c])
                found.by_number[number] = int(row[c])
        return found

    def list_totals(self) -> dict[int, int]:
        """Return each list's votes in the whole count (all kieskringen)."""
        if self.single:
            row = _total_row(self.contest)
        else:
            votes = self.contest.unit_tally.votes[list(self.rows.values())]
            row = np.where(votes == MISSING, 0, votes).sum(axis=0)
        columns = np.flatnonzero(self.contest.candidate_numbers == 0)
        return {
            int(self.contest.list_numbers[c]): max(int(row[c]), 0)
            for c in columns
            if self.contest.candidate_codes[c] is None
        }

    def _row(self, kieskring: str) -> np.ndarray:
        if self.single:
            return _total_row(self.contest)
        number = kieskring_number(kieskring)
        index = None if number is None else self.rows.get(number)
        if index is None:
            raise ValueError(
                f"The count {self.count.info.source} has no row for kieskring "
                f"{kieskring} (HSB{number or '?'}); with lists in several "
                "kieskringen the seats need the central count (510d)."
            )
        row: np.ndarray = self.contest.unit_tally.votes[index]
        return row


ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def kieskring_number(contest_id: str) -> int | None:
    """Return a kieskring's number from its contest id: "9" or "IX"."""
    if contest_id.isdigit():
        return int(contest_id)
    if not contest_id or any(ch not in ROMAN for ch in contest_id):
        return None
    values = [ROMAN[ch] for ch in contest_id]
    total = sum(
        -v if i + 1 < len(values) and v < values[i + 1] else v
        for i, v in enumerate(values)
    )
    return total


def _rows_by_kieskring(contest: ContestCount) -> dict[int, int]:
    """Map kieskring number (9) to the row of unit HSB9."""
    rows = {}
    for index, unit in enumerate(contest.units):
        if unit.id.startswith("HSB") and unit.id[3:].isdigit():
            rows[int(unit.id[3:])] = index
    return rows


def _total_row(contest: ContestCount) -> np.ndarray:
    if contest.total is not None:
        total: np.ndarray = contest.total.votes[0]
        return total
    votes = np.where(contest.unit_tally.votes == MISSING, 0, contest.unit_tally.votes)
    summed: np.ndarray = votes.sum(axis=0)
    return summed


def letters(text: str | None) -> str:
    """Return only the letters of a name part."""
    return "".join(ch for ch in text or "" if ch.isalpha())


@lru_cache(maxsize=16384)
def _name_key(last_name: str | None, initials: str | None) -> tuple[str, str]:
    return letters(last_name), letters(initials)


def fits(candidate: Candidate, code: str) -> bool:
    """Say whether a ShortCode can belong to this candidate."""
    surname, initials = _name_key(candidate.last_name, candidate.initials)
    stem = code.rstrip("0123456789")
    head = stem[: len(stem) - len(initials)] if initials else stem
    return (
        bool(head)
        and stem.endswith(initials)
        and surname.casefold().startswith(head.casefold())
    )


def _options(candidate: Candidate, free: dict[str, int]) -> list[str]:
    """Return the free codes that fit, cheaply skipping other initials."""
    first = _name_key(candidate.last_name, candidate.initials)[0][:1].casefold()
    return [
        code for code in free if code[:1].casefold() == first and fits(candidate, code)
    ]


def _match_codes(
    contest: ContestCount,
    row: np.ndarray,
    columns: list[int],
    candidates: tuple[Candidate, ...],
    found: KieskringVotes,
) -> None:
    """Match the row's ShortCodes to candidates by name, then by order."""
    free = {contest.candidate_codes[c] or "": c for c in columns}
    waiting = list(candidates)
    for _ in range(2):  # a unique match frees codes for the next round
        waiting = [c for c in waiting if not _assign_unique(c, free, row, found)]
    for candidate in waiting:
        options = _options(candidate, free)
        if options:
            _assign(candidate, options[0], free, row, found)
            found.by_order.append(f"{candidate.name} = {options[0]}")
        else:
            found.unmatched.append(candidate.name)


def _assign_unique(
    candidate: Candidate, free: dict[str, int], row: np.ndarray, found: KieskringVotes
) -> bool:
    options = _options(candidate, free)
    if len(options) != 1:
        return False
    _assign(candidate, options[0], free, row, found)
    return True


def _assign(
    candidate: Candidate,
    code: str,
    free: dict[str, int],
    row: np.ndarray,
    found: KieskringVotes,
) -> None:
    number = candidate.number or 0
    found.by_number[number] = int(row[free.pop(code)])
    found.codes[number] = code
