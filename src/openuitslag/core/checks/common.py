"""The shared vocabulary of the checks: where a finding is, and its letters.

Every check module builds findings the same way: a :class:`Where` says in
which election, file and committee the check runs, and :func:`finding`
adds the unit, list and numbers. Keeping that in one place keeps the JSON
shape and the wording of locations identical across checks.

The proces-verbaal letters (A = stempassen … J = minder getelde
stembiljetten) are given here as column numbers of
:data:`openuitslag.core.model.COUNTERS`, so the arithmetic reads like the
form it checks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from openuitslag.core.errors import Severity
from openuitslag.core.findings import Finding, JsonValue
from openuitslag.core.model import (
    COUNTER_INDEX,
    MISSING,
    ContestCount,
    Count,
    Int64Array,
    ReportingUnit,
)

BoolArray = NDArray[np.bool_]

# Proces-verbaal letters as columns of Tally.counters.
CAST = COUNTER_INDEX["cast"]
A = COUNTER_INDEX["geldige stempassen"]
B = COUNTER_INDEX["geldige volmachtbewijzen"]
C = COUNTER_INDEX["geldige kiezerspassen"]
D = COUNTER_INDEX["toegelaten kiezers"]
E = COUNTER_INDEX["total_counted"]
F = COUNTER_INDEX["blanco"]
G = COUNTER_INDEX["ongeldig"]
I = COUNTER_INDEX["meer getelde stembiljetten"]  # noqa: E741 - the PV letter
J = COUNTER_INDEX["minder getelde stembiljetten"]
GEEN_VERKLARING = COUNTER_INDEX["geen verklaring"]

# The explanation counters of a difference between D and H.
EXPLANATIONS: tuple[int, ...] = tuple(
    COUNTER_INDEX[name]
    for name in (
        "meegenomen stembiljetten",
        "te weinig uitgereikte stembiljetten",
        "te veel uitgereikte stembiljetten",
        "geen briefstembiljetten",
        "te veel briefstembiljetten",
        "kwijtgeraakte stembiljetten",
        "geen verklaring",
        "andere verklaring",
    )
)

# Dutch words for the counters, as a proces-verbaal prints them.
COUNTER_NL: dict[str, str] = {
    "cast": "kiesgerechtigden",
    "total_counted": "stemmen op kandidaten (E)",
    "blanco": "blanco stemmen (F)",
    "ongeldig": "ongeldige stemmen (G)",
    "geldige stempassen": "geldige stempassen (A)",
    "geldige volmachtbewijzen": "geldige volmachtbewijzen (B)",
    "geldige kiezerspassen": "geldige kiezerspassen (C)",
    "toegelaten kiezers": "toegelaten kiezers (D)",
    "meer getelde stembiljetten": "meer getelde stembiljetten (I)",
    "minder getelde stembiljetten": "minder getelde stembiljetten (J)",
}
COUNTER_EN: dict[str, str] = {
    "cast": "electorate",
    "total_counted": "votes on candidates (E)",
    "blanco": "blank votes (F)",
    "ongeldig": "invalid votes (G)",
    "geldige stempassen": "valid poll cards (A)",
    "geldige volmachtbewijzen": "valid proxy certificates (B)",
    "geldige kiezerspassen": "valid voter cards (C)",
    "toegelaten kiezers": "admitted voters (D)",
    "meer getelde stembiljetten": "more ballots counted (I)",
    "minder getelde stembiljetten": "fewer ballots counted (J)",
    "meegenomen stembiljetten": "ballots taken away",
    "te weinig uitgereikte stembiljetten": "too few ballots issued",
    "te veel uitgereikte stembiljetten": "too many ballots issued",
    "geen briefstembiljetten": "no postal ballots",
    "te veel briefstembiljetten": "too many postal ballots",
    "kwijtgeraakte stembiljetten": "lost ballots",
    "geen verklaring": "no explanation",
    "andere verklaring": "other explanation",
}


def counter_nl(name: str) -> str:
    """Return the Dutch words for a counter."""
    return COUNTER_NL.get(name, name)


def counter_en(name: str) -> str:
    """Return the English words for a counter."""
    return COUNTER_EN.get(name, name)


@dataclass(frozen=True, slots=True)
class Where:
    """The election, file and committee a check is looking at."""

    election: str | None
    file: str | None
    authority: str | None
    authority_name: str | None = None

    @classmethod
    def of(cls, count: Count) -> Where:
        """Return the place of a count document."""
        return cls(
            election=count.election.id,
            file=count.info.source,
            authority=count.authority.id,
            authority_name=count.authority.name,
        )

    def finding(
        self,
        code: str,
        severity: Severity,
        nl: str,
        en: str,
        *,
        unit: str | None = None,
        list_number: int | None = None,
        candidate: str | None = None,
        expected: JsonValue = None,
        found: JsonValue = None,
    ) -> Finding:
        """Return a finding located here."""
        return Finding(
            code=code,
            severity=severity,
            message_nl=nl,
            message_en=en,
            election=self.election,
            file=self.file,
            authority=self.authority,
            reporting_unit=unit,
            list=list_number,
            candidate=candidate,
            expected=expected,
            found=found,
        )


def hits(mask: BoolArray) -> list[int]:
    """Return the row numbers where a mask is true, as Python ints."""
    return [int(i) for i in np.flatnonzero(mask)]


def nl(number: int) -> str:
    """Return a number as Dutch readers write it: 578.393."""
    return f"{number:,}".replace(",", ".")


def en(number: int) -> str:
    """Return a number as English readers write it: 578,393."""
    return f"{number:,}"


def pct(part: int, whole: int) -> str:
    """Return part/whole as a percentage with one decimal."""
    return f"{100 * part / whole:.1f}" if whole else "∞"


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a contest's numbers: the file total or a reporting unit."""

    index: int  # row in the stacked arrays; 0 is the total if there is one
    unit: ReportingUnit | None  # None for the total of the file

    @property
    def id(self) -> str | None:
        """Return the reporting unit id, or None for the file total."""
        return None if self.unit is None else self.unit.id

    @property
    def is_station(self) -> bool:
        """Say whether the row is a single stembureau."""
        return self.unit is not None and self.unit.station_number is not None


def label_nl(row: Row, where: Where) -> str:
    """Return how a Dutch reader names the row: "stembureau X (0482::SB1)"."""
    if row.unit is None:
        return "het " + _total(where, ("landelijke totaal", "totaal van", "gemeente"))
    return _label(row, ("stembureau", "gemeente", "kieskring", "rij"))


def label_en(row: Row, where: Where) -> str:
    """Return how an English reader names the row."""
    if row.unit is None:
        return "the " + _total(where, ("national total", "total of", "municipality"))
    return _label(row, ("polling station", "municipality", "kieskring", "row"))


def _total(where: Where, words: tuple[str, str, str]) -> str:
    """Return "totaal van kieskring Haarlem", "landelijke totaal", …"""
    national, total_of, municipality = words
    ident = where.authority or ""
    name = where.authority_name or ident or "?"
    if ident == "CSB":
        return national
    if ident.startswith("HSB") and not name.lower().startswith("kieskring"):
        return f"{total_of} kieskring {name}"
    if ident.isdigit():
        return f"{total_of} {municipality} {name}"
    return f"{total_of} {name}"


def _label(row: Row, words: tuple[str, str, str, str]) -> str:
    assert row.unit is not None
    station, municipality, kieskring, other = words
    name, ident = row.unit.name, row.unit.id
    area = area_key(ident)
    if row.is_station:
        kind = station
    elif area is not None and area.isdigit():
        kind = municipality
    elif area is not None:
        kind = "" if name.lower().startswith("kieskring") else kieskring
    else:
        kind = other
    return f"{kind} {name} ({ident})".lstrip()


def area_key(unit_id: str) -> str | None:
    """Return the area a row stands for: a municipality code or HSB<n>.

    ``HSB10::0392`` and ``0392`` both stand for municipality 0392, ``HSB3``
    for kieskring 3. Stembureau rows (``…::SB4``) return None.
    """
    tail = unit_id.rpartition("::")[2]
    if tail.startswith("SB"):
        return None
    if tail.isdigit():
        return tail.zfill(4)
    return tail if tail.startswith("HSB") else None


@dataclass(frozen=True, slots=True)
class Stack:
    """A contest's total and unit rows stacked in one pair of arrays.

    Checks that apply to every row run once over these arrays instead of
    once per unit, which keeps a national count within seconds.
    """

    contest: ContestCount
    rows: tuple[Row, ...]
    votes: Int64Array
    counters: Int64Array
    stations: BoolArray  # which rows are single stembureaus

    @classmethod
    def of(cls, contest: ContestCount) -> Stack:
        """Stack the total (if any) above the unit rows."""
        parts_v = [contest.unit_tally.votes]
        parts_c = [contest.unit_tally.counters]
        rows = [Row(i, unit) for i, unit in enumerate(contest.units)]
        if contest.total is not None:
            parts_v.insert(0, contest.total.votes)
            parts_c.insert(0, contest.total.counters)
            rows = [Row(0, None)] + [Row(r.index + 1, r.unit) for r in rows]
        votes = np.concatenate(parts_v, axis=0).astype(np.int64, copy=False)
        counters = np.concatenate(parts_c, axis=0).astype(np.int64, copy=False)
        stations: BoolArray = np.array([r.is_station for r in rows], dtype=bool)
        return cls(contest, tuple(rows), votes, counters, stations)

    def has(self, *columns: int) -> BoolArray:
        """Return a row mask: every given counter is present."""
        mask: BoolArray = np.ones(len(self.rows), dtype=bool)
        for column in columns:
            mask &= self.counters[:, column] != MISSING
        return mask

    def col(self, column: int) -> Int64Array:
        """Return a counter column with MISSING read as 0."""
        values: Int64Array = np.where(
            self.counters[:, column] == MISSING, 0, self.counters[:, column]
        )
        return values

    def station_mask(self) -> BoolArray:
        """Return a row mask of the single stembureaus."""
        return self.stations
