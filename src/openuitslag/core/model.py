"""Typed records of what the official election files say.

Every reader (EML_NL XML, OSV4-3 CSV) produces these records and every
consumer (checks, apportionment, portal, harvester) reads them, so this
module is the contract between the parts of openuitslag.

Vote numbers are kept in columnar ``numpy`` arrays, not one Python object
per number: a national election has about 10,000 reporting units times
1,300 selections. In those arrays :data:`MISSING` (-1) marks a value the
file does not give; a real count is never negative, the readers reject
negative numbers.

Names stay in the domain's own (Dutch) words where English would blur the
legal meaning; see ``docs/glossary.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from openuitslag.core.digest import pv_form
from openuitslag.core.errors import Problem

MISSING = -1

Int64Array = NDArray[np.int64]
Int32Array = NDArray[np.int32]


class DocumentKind(StrEnum):
    """The type of an official document, detected from its content."""

    EML_110A = "110a"  # Verkiezingsdefinitie
    EML_110B = "110b"  # stembureaus
    EML_230B = "230b"  # kandidatenlijsten
    EML_230C = "230c"
    EML_510A = "510a"  # telling stembureau
    EML_510B = "510b"  # telling gemeente (GSB)
    EML_510C = "510c"  # telling kieskring (HSB)
    EML_510D = "510d"  # totaaltelling (CSB)
    EML_510Q = "510q"
    EML_510R = "510r"
    EML_510S = "510s"
    EML_520 = "520"  # resultaat
    OSV4_3 = "osv4-3"  # CSV export of the OSV software

    @property
    def is_count(self) -> bool:
        """Say whether documents of this kind carry vote counts."""
        return self.value.startswith("510") or self is DocumentKind.OSV4_3


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """Where a document came from and its fingerprint."""

    source: str  # as shown to users, e.g. "TK2021.zip!Telling_….eml.xml"
    sha256: str  # of the exact bytes, 64 lowercase hex digits
    size: int
    kind: DocumentKind
    creation_time: str | None = None  # kr:CreationDateTime, as written

    @property
    def sha256_pv(self) -> str:
        """Return the hash as printed on a proces-verbaal (16 × 4 hex)."""
        return pv_form(self.sha256)


@dataclass(frozen=True, slots=True)
class ElectionIdentity:
    """``ElectionIdentifier``: which election a document belongs to."""

    id: str  # e.g. "TK2021", "GR2022_Groningen"
    name: str
    category: str  # TK, EK, EP, PS, AB, GR, …
    subcategory: str | None = None  # e.g. GR1 (< 19 seats), GR2, PS2
    domain_id: str | None = None  # kr:ElectionDomain/@Id
    domain_name: str | None = None
    date: dt.date | None = None
    nomination_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Authority:
    """``ManagingAuthority``: the committee that made the document.

    ``id`` is ``CSB``, ``HSB<n>``, ``SB<n>`` or a 4-digit municipality
    code (the GSB), e.g. ``0363``.
    """

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Region:
    """One node of the election tree in a 110a (``kr:Region``)."""

    number: str
    category: str  # STAAT, KIESKRING, GEMEENTE, PROVINCIE, …
    name: str
    superior_number: str | None = None
    superior_category: str | None = None
    committee_category: str | None = None  # CSB, HSB, PSB, …
    committee_name: str | None = None

    @property
    def municipality_code(self) -> str:
        """Return a GEMEENTE region number as the 4-digit EML code."""
        return self.number.zfill(4)


@dataclass(frozen=True, slots=True)
class ElectionDefinition:
    """EML 110a: the election, its seats and its tree of regions."""

    info: DocumentInfo
    election: ElectionIdentity
    contest_id: str
    number_of_seats: int
    preference_threshold: int  # percent of the kiesdeler
    regions: tuple[Region, ...]
    registered_parties: tuple[str, ...] = ()
    authority: Authority | None = None

    def regions_of(self, category: str) -> tuple[Region, ...]:
        """Return the regions of one category, in document order."""
        return tuple(r for r in self.regions if r.category == category)


@dataclass(frozen=True, slots=True)
class PollingStation:
    """One stembureau of a 110b."""

    id: str  # the number as written in PollingStation/@Id
    name: str
    postcode: str | None = None
    electorate: int | None = None
    type: str | None = None  # kr:ReportingUnitType (2026)


@dataclass(frozen=True, slots=True)
class PollingStationList:
    """EML 110b: the stembureaus of one municipality."""

    info: DocumentInfo
    election: ElectionIdentity
    authority: Authority | None
    municipality_id: str
    municipality_name: str
    electorate: int | None
    stations: tuple[PollingStation, ...]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A kandidaat on a lijst (230b) or among the elected (520).

    ``number`` is the position on the list. In a 510d the candidates are
    identified by ``short_code`` only, so ``number`` may be ``None`` there.
    """

    number: int | None
    initials: str | None = None
    first_name: str | None = None
    prefix: str | None = None  # tussenvoegsel, e.g. "van 't"
    last_name: str | None = None
    gender: str | None = None
    locality: str | None = None
    short_code: str | None = None

    @property
    def name(self) -> str:
        """Return the name as printed on a ballot: "Ark, T. van"."""
        last = self.last_name or ""
        rest = " ".join(p for p in (self.initials, self.prefix) if p)
        return f"{last}, {rest}" if rest else last


@dataclass(frozen=True, slots=True)
class Affiliation:
    """A lijst (kandidatenlijst) with its kandidaten in list order."""

    number: int  # lijstnummer
    name: str  # aanduiding (RegisteredName); may be empty
    type: str | None = None  # lijstengroep / stel gelijkluidende lijsten / …
    belongs_to_set: int | None = None  # kr:ListData/@BelongsToSet
    candidates: tuple[Candidate, ...] = ()


@dataclass(frozen=True, slots=True)
class CandidateLists:
    """EML 230b/230c: the kandidatenlijsten of one contest (kieskring)."""

    info: DocumentInfo
    election: ElectionIdentity
    authority: Authority | None
    contest_id: str
    contest_name: str | None
    affiliations: tuple[Affiliation, ...]


# The counters of a reporting unit, in this fixed column order. The first
# four are ``Cast`` (= electorate, not ballots!), ``TotalCounted`` (votes
# on lists, E on the proces-verbaal), and the two ``RejectedVotes``; then
# the 14 ``UncountedVotes`` reason codes exactly as the XSD spells them.
UNCOUNTED_REASONS: tuple[str, ...] = (
    "geldige stempassen",  # A
    "geldige volmachtbewijzen",  # B
    "geldige kiezerspassen",  # C
    "toegelaten kiezers",  # D
    "meer getelde stembiljetten",  # I
    "minder getelde stembiljetten",  # J
    "meegenomen stembiljetten",
    "te weinig uitgereikte stembiljetten",
    "te veel uitgereikte stembiljetten",
    "geen briefstembiljetten",
    "te veel briefstembiljetten",
    "kwijtgeraakte stembiljetten",
    "geen verklaring",
    "andere verklaring",
)
COUNTERS: tuple[str, ...] = (
    "cast",
    "total_counted",
    "blanco",
    "ongeldig",
    *UNCOUNTED_REASONS,
)
COUNTER_INDEX: Mapping[str, int] = {name: i for i, name in enumerate(COUNTERS)}


@dataclass(frozen=True, slots=True)
class Tally:
    """The numbers of one or more rows (reporting units), side by side.

    ``votes[row, s]`` is the ValidVotes of selection ``s`` (see
    :class:`ContestCount`) and ``counters[row, c]`` the counter
    ``COUNTERS[c]``; :data:`MISSING` where the file gives none. A
    corrigendum (``kr:Phase`` corrigendum) also carries the old values in
    ``initial_votes`` / ``initial_counters`` (MISSING where unchanged).
    """

    votes: Int64Array  # shape (rows, selections)
    counters: Int64Array  # shape (rows, len(COUNTERS))
    initial_votes: Int64Array | None = None
    initial_counters: Int64Array | None = None

    @property
    def rows(self) -> int:
        """Return the number of rows."""
        return int(self.votes.shape[0])

    def counter(self, row: int, name: str) -> int | None:
        """Return one counter of one row, or None when the file lacks it."""
        value = int(self.counters[row, COUNTER_INDEX[name]])
        return None if value == MISSING else value


@dataclass(frozen=True, slots=True)
class ReportingUnit:
    """A row of a count: a stembureau, a municipality or a kieskring.

    ``id`` is as written, e.g. ``0363::SB1``, ``0482``, ``HSB3``. The
    Kiesraad writes a stembureau's name as ``"<name> (postcode: <pc>)"``;
    the readers split that into ``name`` and ``postcode``.
    """

    id: str
    name: str
    postcode: str | None = None
    type: str | None = None  # kr:ReportingUnitType: FixedLocation, Mobile…
    investigations: Mapping[str, bool] = field(default_factory=dict)

    @property
    def station_number(self) -> int | None:
        """Return N of an id ending in ``SB<N>``, else None."""
        _, _, tail = self.id.rpartition("::")
        if tail.startswith("SB") and tail[2:].isdigit():
            return int(tail[2:])
        return None


@dataclass(frozen=True, slots=True)
class ContestCount:
    """The counts of one contest of a 510 (or of an OSV4-3 CSV).

    Selections are the columns of the tallies, in document order: a lijst
    (``candidate_numbers[s] == 0``) followed by its kandidaten.
    ``candidate_numbers`` holds the candidate's number on the list; where
    a file names candidates by short code only (510d), the number is 0 and
    ``candidate_codes[s]`` carries the code. ``candidate_names`` is only
    filled by readers of files that name the kandidaten beside their votes
    (OSV4-3: "Yeşilgöz, D."; None for a lijst), and is empty otherwise.
    """

    contest_id: str
    contest_name: str | None
    list_numbers: Int32Array  # per selection
    candidate_numbers: Int32Array  # per selection, 0 for the list itself
    candidate_codes: tuple[str | None, ...]  # per selection (510d ShortCode)
    list_names: Mapping[int, str]
    total: Tally | None  # one row: TotalVotes, if the file has it
    units: tuple[ReportingUnit, ...]
    unit_tally: Tally  # one row per unit, same order as ``units``
    candidate_names: tuple[str | None, ...] = ()  # per selection, if given

    @property
    def list_columns(self) -> NDArray[np.bool_]:
        """Return a mask of the selections that are lists, not candidates."""
        no_code = np.array([c is None for c in self.candidate_codes], dtype=bool)
        mask: NDArray[np.bool_] = (self.candidate_numbers == 0) & no_code
        return mask

    def list_order(self) -> tuple[int, ...]:
        """Return the list numbers in document order."""
        return tuple(int(n) for n in self.list_numbers[self.list_columns])

    def unit_index(self) -> dict[str, int]:
        """Return a map from reporting-unit id to row number."""
        return {unit.id: i for i, unit in enumerate(self.units)}


@dataclass(frozen=True, slots=True)
class Count:
    """EML 510a/b/c/d (or an OSV4-3 CSV): the counts made by one committee.

    ``counting_method`` and ``phase`` are the 2026 additions
    (``centrale``/``decentrale stemopneming``; ``eerste zitting`` or
    ``corrigendum``); None in older files.
    """

    info: DocumentInfo
    election: ElectionIdentity
    authority: Authority
    contests: tuple[ContestCount, ...]
    counting_method: str | None = None
    phase: str | None = None

    @property
    def level(self) -> DocumentKind:
        """Return the kind: 510b is a municipality, 510c a kieskring, …"""
        return self.info.kind


@dataclass(frozen=True, slots=True)
class ElectedCandidate:
    """An elected kandidaat in a 520, in the order of the file.

    ``ranking`` is 1 when elected on preference votes, 2 otherwise; None
    where the file does not say.
    """

    list_number: int
    candidate: Candidate
    ranking: int | None = None


@dataclass(frozen=True, slots=True)
class Result:
    """EML 520: the lists that won seats and the elected kandidaten."""

    info: DocumentInfo
    election: ElectionIdentity
    authority: Authority
    contest_id: str
    list_names: Mapping[int, str]
    elected: tuple[ElectedCandidate, ...]

    def seats(self) -> dict[int, int]:
        """Return the seats per list number: its number of elected."""
        seats: dict[int, int] = dict.fromkeys(self.list_names, 0)
        for person in self.elected:
            seats[person.list_number] = seats.get(person.list_number, 0) + 1
        return seats


Document = ElectionDefinition | PollingStationList | CandidateLists | Count | Result


@dataclass
class ReadReport:
    """What reading a set of inputs gave: documents, and problems per file.

    A file with problems of error severity contributes no document: it is
    either read whole or not at all.
    """

    documents: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def __iter__(self) -> Iterator[Document]:
        return iter(self.documents)

    @property
    def ok(self) -> bool:
        """Say whether every input was read without error."""
        return not self.problems
