"""Generate a national-scale synthetic election from the real TK2021 files.

The bundled real data stop at the kieskring level (one row per
municipality, 54 MB), but a real Tweede Kamer count publishes about 10,000
stembureaus in some 345 municipal 510b files, well over a gigabyte. The
reader and the verifier must be measured at that size, so this module
scales the real election up instead of inventing one:

- the lists and kandidaten of each municipality are those of its real
  kieskring (the TK2021 510c files), and every municipality's votes are
  drawn around its own real shares: each stembureau gets its own list
  shares (a Dirichlet draw around the municipal ones), then a multinomial
  draw of its valid votes over the kandidaten;
- the number of stembureaus per municipality follows the real electorate,
  names and postcodes come from the real TK2023 polling locations;
- the counters A–J hang together as on a proces-verbaal: E = Σ lists,
  H = E + blanco + ongeldig, D = A + B + C close to H, and every
  difference D−H is booked as I or J and explained;
- every total is the sum of the rows below it (stembureau → 510b →
  510c → 510d), and the real 110a and 230b files complete the set.

The files are written as the Kiesraad's OSV writes them: one line, the
same elements in the same order, byte for byte the structure of the real
510b of Alblasserdam (``render_count`` reproduces the real files exactly,
which the tests check). Output is deterministic for a seed and cached
under ``bench/out/``; it is made again only when missing.

Run ``python -m bench.synthetic --scale 0.125`` to make a smaller set.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
import sys
import time
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
from lxml import etree
from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
OUT = ROOT / "bench" / "out"
TK2021_ZIP = DATA / "TK2021" / "EML_bestanden_TK2021_deel_1.zip"
LOCATIONS_ZIP = DATA / "TK2023" / "stemlokalen_TK2023.zip"

# Bump when the output changes, so that cached sets are made again.
GENERATOR_VERSION = 2
SEED = 2021
NATIONAL_STATIONS = 10_000

EML = "urn:oasis:names:tc:evs:schema:eml"
NS = {"eml": EML, "kr": "http://www.kiesraad.nl/extensions"}
ROOT_OPEN = (
    '<EML xmlns="urn:oasis:names:tc:evs:schema:eml" '
    'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" '
    'xmlns:kr="http://www.kiesraad.nl/extensions" '
    'xmlns:xal="urn:oasis:names:tc:ciq:xsdschema:xAL:2.0" '
    'xmlns:xnl="urn:oasis:names:tc:ciq:xsdschema:xNL:2.0" '
    'Id="{kind}" SchemaVersion="5">'
)
CANONICALIZATION = (
    '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/'
    'REC-xml-c14n-20010315#WithComments"></ds:CanonicalizationMethod>'
)
REJECTED = ("ongeldig", "blanco")

# The counters the synthetic files carry, in the order of the TK2023 OSV
# files (the Alblasserdam 510b); Cast and TotalCounted come first.
REASONS: tuple[str, ...] = (
    "ongeldig",
    "blanco",
    "geldige stempassen",
    "geldige volmachtbewijzen",
    "geldige kiezerspassen",
    "toegelaten kiezers",
    "meer getelde stembiljetten",
    "minder getelde stembiljetten",
    "meegenomen stembiljetten",
    "te weinig uitgereikte stembiljetten",
    "te veel uitgereikte stembiljetten",
    "geen verklaring",
    "andere verklaring",
)
CAST, COUNTED = 0, 1
COLUMN = {reason: 2 + i for i, reason in enumerate(REASONS)}

# How much a stembureau's list shares scatter around its municipality's:
# the concentration of the Dirichlet draw (larger is closer).
CONCENTRATION = 120.0
# D − H per stembureau: most are equal, some differ by a few ballots.
DIFFERENCES = np.array([-3, -2, -1, 0, 1, 2, 3])
DIFFERENCE_ODDS = np.array([0.01, 0.03, 0.08, 0.76, 0.08, 0.03, 0.01])
# Every difference is explained ("geen verklaring" counts the ballots that
# are not, so it stays 0): the set is meant to be internally consistent.
FEWER_REASONS = (  # H < D: ballots missing
    "meegenomen stembiljetten",
    "te weinig uitgereikte stembiljetten",
    "andere verklaring",
)
FEWER_ODDS = (0.75, 0.1, 0.15)
MORE_REASONS = (  # H > D: ballots too many
    "te veel uitgereikte stembiljetten",
    "andere verklaring",
)
MORE_ODDS = (0.75, 0.25)

IntArray = NDArray[np.int64]

# Small numbers are looked up, not formatted: most cells are below 2,000.
_NUMBERS = [str(i) for i in range(100_000)]


# ---------------------------------------------------------------------------
# Rendering: the fixed text of an OSV count file around its numbers


@dataclass(frozen=True, slots=True)
class Column:
    """One Selection of a count: a lijst, or a kandidaat of that lijst."""

    list_number: int
    candidate_number: int | None = None  # None for the lijst itself
    list_name: str = ""
    short_code: str | None = None

    @property
    def is_list(self) -> bool:
        """Say whether this is the lijst's own Selection."""
        return self.candidate_number is None and self.short_code is None

    def opening(self) -> str:
        """Return the Selection's text up to its ValidVotes number."""
        if self.is_list:
            name = escape(self.list_name)
            return (
                f'<Selection><AffiliationIdentifier Id="{self.list_number}">'
                f"<RegisteredName>{name}</RegisteredName>"
                "</AffiliationIdentifier><ValidVotes>"
            )
        attributes = ""
        if self.candidate_number is not None:
            attributes += f' Id="{self.candidate_number}"'
        if self.short_code is not None:
            attributes += f' ShortCode="{escape(self.short_code, {chr(34): "&quot;"})}"'
        return (
            f"<Selection><Candidate><CandidateIdentifier{attributes}>"
            "</CandidateIdentifier></Candidate><ValidVotes>"
        )


def _counter_tags(reason: str) -> tuple[str, str]:
    element = "RejectedVotes" if reason in REJECTED else "UncountedVotes"
    return f'<{element} ReasonCode="{reason}">', f"</{element}>"


class Layout:
    """The text between the numbers of one row, computed once per row shape.

    A row is its Selections followed by ``Cast``, ``TotalCounted`` and the
    RejectedVotes/UncountedVotes in ``reasons`` order. Rendering a row is
    then one interleaving of these pieces with the numbers.
    """

    def __init__(self, columns: Sequence[Column], reasons: Sequence[str]) -> None:
        pieces = []
        closing = ""
        for column in columns:
            pieces.append(closing + column.opening())
            closing = "</ValidVotes></Selection>"
        pieces.append(closing + "<Cast>")
        pieces.append("</Cast><TotalCounted>")
        closing = "</TotalCounted>"
        for reason in reasons:
            opening, end = _counter_tags(reason)
            pieces.append(closing + opening)
            closing = end
        self.pieces = pieces
        self.closing = closing
        self.columns = tuple(columns)
        self.reasons = tuple(reasons)

    def render(self, votes: IntArray, counters: IntArray) -> str:
        """Return one row's Selections and counters as text."""
        numbers = _texts(votes) + _texts(counters)
        parts: list[str] = [""] * (2 * len(self.pieces))
        parts[0::2] = self.pieces
        parts[1::2] = numbers
        parts.append(self.closing)
        return "".join(parts)


def _texts(values: IntArray) -> list[str]:
    items: list[int] = values.tolist()
    if items and min(items) >= 0 and max(items) < len(_NUMBERS):
        return [_NUMBERS[v] for v in items]
    return [str(v) for v in items]


@dataclass(slots=True)
class Row:
    """A row of a count: the TotalVotes (``id`` None) or a reporting unit."""

    id: str | None
    name: str
    layout: Layout
    votes: IntArray
    counters: IntArray  # Cast, TotalCounted, then layout.reasons

    def render(self) -> str:
        """Return the row as a TotalVotes or ReportingUnitVotes element."""
        body = self.layout.render(self.votes, self.counters)
        if self.id is None:
            return f"<TotalVotes>{body}</TotalVotes>"
        name = escape(self.name)
        return (
            f'<ReportingUnitVotes><ReportingUnitIdentifier Id="{self.id}">'
            f"{name}</ReportingUnitIdentifier>{body}</ReportingUnitVotes>"
        )


@dataclass(slots=True)
class CountFile:
    """What an OSV 510 file says, enough to write it back byte for byte."""

    kind: str  # 510b, 510c, 510d
    authority_id: str
    authority_name: str
    creation_time: str
    election_xml: str  # the ElectionIdentifier element, verbatim
    contest_id: str
    contest_name: str | None
    total: Row
    units: list[Row] = field(default_factory=list)

    def header(self) -> str:
        """Return the text before the TotalVotes element."""
        contest_name = (
            ""
            if self.contest_name is None
            else f"<ContestName>{escape(self.contest_name)}</ContestName>"
        )
        return (
            ROOT_OPEN.format(kind=self.kind)
            + "<TransactionId>1</TransactionId><ManagingAuthority>"
            f'<AuthorityIdentifier Id="{self.authority_id}">'
            f"{escape(self.authority_name)}</AuthorityIdentifier>"
            "<AuthorityAddress></AuthorityAddress></ManagingAuthority>"
            f"<kr:CreationDateTime>{self.creation_time}</kr:CreationDateTime>"
            f"{CANONICALIZATION}<Count><EventIdentifier></EventIdentifier>"
            f"<Election>{self.election_xml}<Contests><Contest>"
            f'<ContestIdentifier Id="{self.contest_id}">{contest_name}'
            "</ContestIdentifier>"
        )

    def render(self) -> bytes:
        """Return the whole file as the OSV writes it: one line, UTF-8."""
        parts = [self.header(), self.total.render()]
        parts.extend(unit.render() for unit in self.units)
        parts.append("</Contest></Contests></Election></Count></EML>")
        return "".join(parts).encode("utf-8")


# ---------------------------------------------------------------------------
# Reading the real files that the synthetic set is scaled from


def parse_count(data: bytes) -> CountFile:
    """Read an OSV 510 file into a :class:`CountFile` (trusted input only).

    This reads the bundled real files that the generator scales; it is no
    reader for untrusted input (that is ``openuitslag.core.read``).
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.fromstring(data, parser)
    authority = _one(root, "eml:ManagingAuthority/eml:AuthorityIdentifier")
    count = _one(root, "eml:Count")
    contest = _one(count, "eml:Election/eml:Contests/eml:Contest")
    contest_id = _one(contest, "eml:ContestIdentifier")
    contest_name = contest_id.find("eml:ContestName", NS)
    layouts: dict[tuple[tuple[Column, ...], tuple[str, ...]], Layout] = {}
    rows = [
        _parse_row(element, layouts)
        for element in contest
        if etree.QName(element).localname in ("TotalVotes", "ReportingUnitVotes")
    ]
    return CountFile(
        kind=str(root.get("Id")),
        authority_id=str(authority.get("Id")),
        authority_name=authority.text or "",
        creation_time=_one(root, "kr:CreationDateTime").text or "",
        election_xml=_verbatim(data, b"ElectionIdentifier"),
        contest_id=str(contest_id.get("Id")),
        contest_name=None if contest_name is None else contest_name.text or "",
        total=rows[0],
        units=rows[1:],
    )


def _one(element: etree._Element, path: str) -> etree._Element:
    found = element.find(path, NS)
    if found is None:
        raise ValueError(f"The template file has no {path} element.")
    return found


def _verbatim(data: bytes, tag: bytes) -> str:
    start = data.index(b"<" + tag)
    end = data.index(b"</" + tag + b">") + len(tag) + 3
    return data[start:end].decode("utf-8")


def _parse_row(
    element: etree._Element,
    layouts: dict[tuple[tuple[Column, ...], tuple[str, ...]], Layout],
) -> Row:
    columns: list[Column] = []
    votes: list[int] = []
    counters: list[int] = [0, 0]
    reasons: list[str] = []
    list_number, list_name = 0, ""
    for child in element:
        tag = etree.QName(child).localname
        if tag == "Selection":
            column = _parse_selection(child, list_number, list_name)
            list_number, list_name = column.list_number, column.list_name
            columns.append(column)
            votes.append(int(_one(child, "eml:ValidVotes").text or 0))
        elif tag == "Cast":
            counters[CAST] = int(child.text or 0)
        elif tag == "TotalCounted":
            counters[COUNTED] = int(child.text or 0)
        elif tag in ("RejectedVotes", "UncountedVotes"):
            reasons.append(str(child.get("ReasonCode")))
            counters.append(int(child.text or 0))
    key = (tuple(columns), tuple(reasons))
    layout = layouts.setdefault(key, Layout(*key))
    identifier = element.find("eml:ReportingUnitIdentifier", NS)
    return Row(
        id=None if identifier is None else str(identifier.get("Id")),
        name="" if identifier is None else identifier.text or "",
        layout=layout,
        votes=np.array(votes, dtype=np.int64),
        counters=np.array(counters, dtype=np.int64),
    )


def _parse_selection(
    selection: etree._Element, list_number: int, list_name: str
) -> Column:
    affiliation = selection.find("eml:AffiliationIdentifier", NS)
    if affiliation is not None:
        name = affiliation.find("eml:RegisteredName", NS)
        return Column(
            int(str(affiliation.get("Id"))),
            list_name="" if name is None else name.text or "",
        )
    candidate = _one(selection, "eml:Candidate/eml:CandidateIdentifier")
    number = candidate.get("Id")
    return Column(
        list_number,
        candidate_number=None if number is None else int(number),
        list_name=list_name,
        short_code=candidate.get("ShortCode"),
    )


@dataclass(frozen=True, slots=True)
class Municipality:
    """A real municipality: its kieskring and its real numbers (shares)."""

    code: str  # 4 digits, e.g. "0482"
    name: str
    kieskring: int
    votes: IntArray  # per Selection of the kieskring's columns
    valid: int  # votes on lists (E)
    electorate: int
    blanco: int
    ongeldig: int
    proxies: int  # geldige volmachtbewijzen (B)
    voter_cards: int  # geldige kiezerspassen (C)


@dataclass(frozen=True, slots=True)
class Kieskring:
    """A real kieskring: its lijsten and kandidaten, and its municipalities."""

    number: int
    name: str  # as in the 110a, e.g. "'s-Gravenhage"
    national_name: str  # its row name in the 510d, "Kieskring …"
    columns: tuple[Column, ...]  # as in a 510b/510c: Id only
    national_columns: tuple[Column, ...]  # as in the 510d rows: Id + ShortCode
    municipalities: tuple[Municipality, ...]

    @property
    def slug(self) -> str:
        """Return the name as the Kiesraad writes it in file names."""
        return _slug(self.name)


@dataclass(frozen=True, slots=True)
class RealElection:
    """Everything taken from the real TK2021 files."""

    election_xml: str  # ElectionIdentifier of the 510c files
    national_election_xml: str  # ElectionIdentifier of the 510d
    kieskringen: tuple[Kieskring, ...]
    national_columns: tuple[Column, ...]  # the 510d TotalVotes
    copies: tuple[tuple[str, bytes], ...]  # 110a and 230b, copied verbatim


def load_real(
    zip_path: Path = TK2021_ZIP, kieskringen: Iterable[int] | None = None
) -> RealElection:
    """Read the real TK2021 files the synthetic election is scaled from.

    ``kieskringen`` limits the work to some kieskringen (for quick tests).
    """
    with zipfile.ZipFile(zip_path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    definition = _only(files, "Verkiezingsdefinitie_")
    regions = _regions(files[definition])
    if kieskringen is not None:
        wanted = set(kieskringen)
        regions.kieskringen[:] = [k for k in regions.kieskringen if k[0] in wanted]
    national = parse_count(files[_only(files, "Totaaltelling_")])

    district_files = [
        f"Telling_TK2021_kieskring_{_slug(name)}.eml.xml"
        for _, name in regions.kieskringen
    ]
    districts = {
        int(count.contest_id): count
        for count in (parse_count(files[n]) for n in district_files if n in files)
    }
    any_district = files[next(n for n in sorted(files) if n.startswith("Telling_"))]
    chosen = tuple(
        _kieskring(number, name, regions, districts.get(number), national)
        for number, name in regions.kieskringen
    )
    copies = [(definition, files[definition])]
    copies += [
        (n, files[n]) for n in sorted(files) if n.startswith("Kandidatenlijsten_")
    ]
    return RealElection(
        election_xml=_verbatim(any_district, b"ElectionIdentifier"),
        national_election_xml=national.election_xml,
        kieskringen=chosen,
        national_columns=national.total.layout.columns,
        copies=tuple(copies),
    )


def _slug(name: str) -> str:
    """Return a name as the Kiesraad writes it in file names."""
    return name.replace("'", "").replace(" ", "_").replace("/", "-")


def _only(files: dict[str, bytes], prefix: str) -> str:
    names = [name for name in files if name.startswith(prefix)]
    if len(names) != 1:
        raise ValueError(f"Expected one {prefix}… file in the zip, found {names}.")
    return names[0]


@dataclass(frozen=True, slots=True)
class _Regions:
    kieskringen: list[tuple[int, str]]
    municipalities: dict[int, list[tuple[str, str]]]  # kieskring -> code, name


def _regions(data: bytes) -> _Regions:
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False))
    regions = _Regions([], defaultdict(list))
    for region in root.iterfind(".//kr:Region", NS):
        name = region.findtext("kr:RegionName", "", NS)
        number = str(region.get("RegionNumber"))
        if region.get("RegionCategory") == "KIESKRING":
            regions.kieskringen.append((int(number), name))
        elif region.get("RegionCategory") == "GEMEENTE":
            superior = int(str(region.get("SuperiorRegionNumber")))
            regions.municipalities[superior].append((number.zfill(4), name))
    return regions


def _kieskring(
    number: int,
    name: str,
    regions: _Regions,
    district: CountFile | None,
    national: CountFile,
) -> Kieskring:
    """Build one kieskring from its 510c, or from its 510d row if it has none.

    The real set has no 510c of kieskring Bonaire (20); its three public
    bodies then share the kieskring's 510d row, split by their number of
    real polling locations.
    """
    row = next(r for r in national.units if r.id == f"HSB{number}")
    national_columns = row.layout.columns
    columns = tuple(
        Column(c.list_number, c.candidate_number, c.list_name) for c in national_columns
    )
    if district is not None:
        if district.total.layout.columns != columns:
            raise ValueError(
                f"The 510c and 510d of kieskring {number} differ in lists."
            )
        municipalities = tuple(_from_row(unit, number) for unit in district.units)
    else:
        municipalities = _split_row(row, number, regions.municipalities[number])
    return Kieskring(number, name, row.name, columns, national_columns, municipalities)


def _from_row(row: Row, kieskring: int) -> Municipality:
    counters = dict(zip(row.layout.reasons, row.counters[2:].tolist(), strict=True))
    return Municipality(
        code=str(row.id).rpartition("::")[2],
        name=row.name,
        kieskring=kieskring,
        votes=row.votes,
        valid=int(row.counters[COUNTED]),
        electorate=int(row.counters[CAST]),
        blanco=counters["blanco"],
        ongeldig=counters["ongeldig"],
        proxies=counters.get("geldige volmachtbewijzen", 0),
        voter_cards=counters.get("geldige kiezerspassen", 0),
    )


def _split_row(
    row: Row, kieskring: int, places: list[tuple[str, str]]
) -> tuple[Municipality, ...]:
    whole = _from_row(row, kieskring)
    locations = _locations()
    weights = np.array([max(len(locations.get(code, [])), 1) for code, _ in places])
    shares = weights / weights.sum()
    return tuple(
        Municipality(
            code=code,
            name=name,
            kieskring=kieskring,
            votes=whole.votes,
            valid=whole.valid,
            electorate=round(whole.electorate * share),
            blanco=whole.blanco,
            ongeldig=whole.ongeldig,
            proxies=whole.proxies,
            voter_cards=whole.voter_cards,
        )
        for (code, name), share in zip(places, shares, strict=True)
    )


_LOCATIONS: dict[str, list[tuple[str, str]]] = {}


def _locations() -> dict[str, list[tuple[str, str]]]:
    """Return the real TK2023 polling locations: code → (name, postcode)."""
    if not _LOCATIONS:
        with zipfile.ZipFile(LOCATIONS_ZIP) as archive:
            name = archive.namelist()[0]
            text = archive.read(name).decode("utf-8-sig")
        for record in csv.DictReader(io.StringIO(text)):
            code = record["CBS gemeentecode"].removeprefix("GM")
            place = (record["Naam stembureau"].strip(), record["Postcode"].strip())
            _LOCATIONS.setdefault(code, []).append(place)
    return _LOCATIONS


# ---------------------------------------------------------------------------
# Drawing the stembureaus


def plan_stations(electorates: IntArray, total: int) -> IntArray:
    """Share ``total`` stembureaus out by electorate, at least one each."""
    quotas = total * electorates / max(int(electorates.sum()), 1)
    counts = np.maximum(np.floor(quotas).astype(np.int64), 1)
    short = total - int(counts.sum())
    if short > 0:
        order = np.argsort(-(quotas - counts), kind="stable")
        counts[order[:short]] += 1
    return counts


@dataclass(frozen=True, slots=True)
class Stations:
    """The drawn counts of one municipality's stembureaus."""

    votes: IntArray  # (stations, columns)
    counters: IntArray  # (stations, 2 + len(REASONS))


def simulate(
    rng: np.random.Generator,
    municipality: Municipality,
    columns: Sequence[Column],
    electorate: int,
    stations: int,
) -> Stations:
    """Draw the counts of ``stations`` stembureaus around a municipality."""
    counters = np.zeros((stations, 2 + len(REASONS)), dtype=np.int64)

    # Electorate per stembureau, then who turned out.
    weights = rng.gamma(8.0, size=stations)
    counters[:, CAST] = rng.multinomial(electorate, weights / weights.sum())
    valid = municipality.valid
    ballots = valid + municipality.blanco + municipality.ongeldig
    turnout = min(ballots / max(electorate, 1), 0.99)
    turnouts = np.clip(turnout + rng.normal(0.0, 0.06, stations), 0.05, 0.99)
    voted = rng.binomial(counters[:, CAST], turnouts)

    # Valid, blanco and ongeldig; then the valid votes over the kandidaten.
    kinds = np.array([valid, municipality.blanco, municipality.ongeldig])
    shares = kinds / max(ballots, 1)
    split = rng.multinomial(voted, shares)
    votes = _draw_votes(rng, municipality.votes, columns, split[:, 0])
    counters[:, COUNTED] = split[:, 0]
    counters[:, COLUMN["blanco"]] = split[:, 1]
    counters[:, COLUMN["ongeldig"]] = split[:, 2]

    _draw_admissions(rng, municipality, counters, voted, ballots)
    return Stations(votes, counters)


def _draw_votes(
    rng: np.random.Generator,
    real: IntArray,
    columns: Sequence[Column],
    valid: IntArray,
) -> IntArray:
    """Draw each stembureau's votes per kandidaat; lijst = Σ its kandidaten."""
    is_list = np.array([c.is_list for c in columns])
    list_at = np.flatnonzero(is_list)
    owner = np.cumsum(is_list)[~is_list] - 1  # list index of each kandidaat
    list_votes = real[list_at].astype(np.float64)
    within = real[~is_list] / np.maximum(list_votes[owner], 1.0)

    # Each stembureau's own list shares, scattered around the municipality's.
    list_shares = list_votes / max(list_votes.sum(), 1.0)
    drawn = rng.gamma(CONCENTRATION * list_shares, size=(len(valid), len(list_at)))
    sums = drawn.sum(axis=1, keepdims=True)
    drawn = np.where(sums > 0, drawn / np.where(sums > 0, sums, 1), list_shares)
    odds = drawn[:, owner] * within
    odds /= np.maximum(odds.sum(axis=1, keepdims=True), 1e-300)

    candidates = rng.multinomial(valid, odds)
    votes = np.zeros((len(valid), len(columns)), dtype=np.int64)
    votes[:, ~is_list] = candidates
    starts = list_at - np.arange(len(list_at))  # first kandidaat of each list
    votes[:, is_list] = np.add.reduceat(candidates, starts, axis=1)
    return votes


def _draw_admissions(
    rng: np.random.Generator,
    municipality: Municipality,
    counters: IntArray,
    voted: IntArray,
    ballots: int,
) -> None:
    """Draw D (admitted) close to H, book and explain D−H, and split A+B+C."""
    stations = len(voted)
    admitted = np.maximum(
        voted + rng.choice(DIFFERENCES, stations, p=DIFFERENCE_ODDS), 0
    )
    counters[:, COLUMN["toegelaten kiezers"]] = admitted
    fewer = np.maximum(admitted - voted, 0)  # J: fewer ballots than admitted
    more = np.maximum(voted - admitted, 0)  # I: more ballots than admitted
    counters[:, COLUMN["minder getelde stembiljetten"]] = fewer
    counters[:, COLUMN["meer getelde stembiljetten"]] = more
    rows = np.arange(stations)
    why_fewer = rng.choice([COLUMN[r] for r in FEWER_REASONS], stations, p=FEWER_ODDS)
    why_more = rng.choice([COLUMN[r] for r in MORE_REASONS], stations, p=MORE_ODDS)
    np.add.at(counters, (rows, why_fewer), fewer)
    np.add.at(counters, (rows, why_more), more)

    # A + B + C = D, with the municipality's real share of proxies and passes.
    proxy_share = min(municipality.proxies / max(ballots, 1), 0.5)
    card_share = min(municipality.voter_cards / max(ballots, 1), 0.5)
    proxies = rng.binomial(admitted, proxy_share)
    cards = rng.binomial(admitted - proxies, card_share)
    counters[:, COLUMN["geldige volmachtbewijzen"]] = proxies
    counters[:, COLUMN["geldige kiezerspassen"]] = cards
    counters[:, COLUMN["geldige stempassen"]] = admitted - proxies - cards


# ---------------------------------------------------------------------------
# Writing the set


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a generated set holds; written last, so it marks a whole set."""

    version: int
    seed: int
    scale: float
    kieskringen: tuple[int, ...]
    municipalities: int
    stations: int
    files: int
    bytes: int
    valid_votes: int
    seconds: float

    def to_json(self) -> str:
        """Return the manifest as JSON text."""
        fields = {name: getattr(self, name) for name in self.__slots__}
        fields["kieskringen"] = list(self.kieskringen)
        return json.dumps(fields, indent=2) + "\n"


def set_dir(scale: float = 1.0, seed: int = SEED, base: Path = OUT) -> Path:
    """Return the cache folder of a generated set."""
    return base / f"TK2021-synthetic-x{scale:g}-seed{seed}"


def read_manifest(folder: Path) -> Manifest | None:
    """Return the manifest of a complete set in ``folder``, or None."""
    try:
        fields = json.loads((folder / "MANIFEST.json").read_text())
        fields["kieskringen"] = tuple(fields["kieskringen"])
        manifest = Manifest(**fields)
    except (OSError, ValueError, TypeError):
        return None
    return manifest if manifest.version == GENERATOR_VERSION else None


def ensure(
    scale: float = 1.0,
    seed: int = SEED,
    base: Path = OUT,
    kieskringen: Iterable[int] | None = None,
) -> Path:
    """Return the folder of a generated set, generating it when missing."""
    folder = set_dir(scale, seed, base)
    if kieskringen is not None:
        folder = folder.with_name(f"{folder.name}-kk{'-'.join(map(str, kieskringen))}")
    wanted = None if kieskringen is None else tuple(kieskringen)
    manifest = read_manifest(folder)
    if manifest is None or (wanted is not None and manifest.kieskringen != wanted):
        generate(folder, scale=scale, seed=seed, kieskringen=wanted)
    return folder


def generate(
    folder: Path,
    scale: float = 1.0,
    seed: int = SEED,
    kieskringen: Iterable[int] | None = None,
    real: RealElection | None = None,
) -> Manifest:
    """Write a synthetic election of ``scale`` × 10,000 stembureaus.

    ``kieskringen`` limits the set to some kieskringen (for quick tests);
    the 510d then holds only those.
    """
    started = time.perf_counter()
    wanted = None if kieskringen is None else frozenset(kieskringen)
    real = real or load_real(kieskringen=wanted)
    chosen = [k for k in real.kieskringen if wanted is None or k.number in wanted]
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    plan = _plan(chosen, scale)

    writer = _Writer(folder)
    for name, data in real.copies:
        writer.write(name, data)
    rows = [_write_kieskring(writer, real, k, plan, seed) for k in chosen]
    national = _national(real, rows)
    writer.write("Totaaltelling_TK2021.eml.xml", national.render())

    manifest = Manifest(
        version=GENERATOR_VERSION,
        seed=seed,
        scale=scale,
        kieskringen=tuple(k.number for k in chosen),
        municipalities=len(plan),
        stations=sum(stations for _, stations in plan.values()),
        files=writer.files,
        bytes=writer.bytes,
        valid_votes=int(national.total.counters[COUNTED]),
        seconds=round(time.perf_counter() - started, 2),
    )
    (folder / "MANIFEST.json").write_text(manifest.to_json())
    return manifest


def _plan(kieskringen: Sequence[Kieskring], scale: float) -> dict[str, tuple[int, int]]:
    """Return each municipality's electorate and number of stembureaus."""
    everyone = [m for k in kieskringen for m in k.municipalities]
    electorates = _electorates(everyone)
    stations = plan_stations(electorates, round(NATIONAL_STATIONS * scale))
    return {
        m.code: (int(e), int(n))
        for m, e, n in zip(everyone, electorates, stations, strict=True)
    }


def _electorates(municipalities: Sequence[Municipality]) -> IntArray:
    """Return each electorate; estimate those the real files give as 0.

    Six TK2021 municipalities report electorate 0 at the kieskring level;
    they get their ballots divided by the turnout of the others.
    """
    ballots = np.array([m.valid + m.blanco + m.ongeldig for m in municipalities])
    electorate = np.array([m.electorate for m in municipalities], dtype=np.int64)
    known = electorate > 0
    turnout = (
        ballots[known].sum() / max(int(electorate[known].sum()), 1)
        if known.any()
        else 0.8
    )
    estimate = np.round(ballots / max(turnout, 0.05)).astype(np.int64)
    return np.where(known, electorate, np.maximum(estimate, 1))


class _Writer:
    """Write files into the set's folder and count them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files = 0
        self.bytes = 0

    def write(self, name: str, data: bytes) -> None:
        (self.folder / name).write_bytes(data)
        self.files += 1
        self.bytes += len(data)


def _write_kieskring(
    writer: _Writer,
    real: RealElection,
    kieskring: Kieskring,
    plan: dict[str, tuple[int, int]],
    seed: int,
) -> Row:
    """Write a kieskring's 510b files and its 510c; return its 510d row."""
    layout = Layout(kieskring.columns, REASONS)
    units = []
    for index, municipality in enumerate(kieskring.municipalities):
        electorate, stations = plan[municipality.code]
        rng = np.random.default_rng([seed, kieskring.number, int(municipality.code)])
        drawn = simulate(rng, municipality, kieskring.columns, electorate, stations)
        count = _municipal_count(
            real, kieskring, municipality, layout, drawn, rng, index
        )
        name = f"Telling_TK2021_gemeente_{_slug(municipality.name)}.eml.xml"
        writer.write(name, count.render())
        unit_id = f"HSB{kieskring.number}::{municipality.code}"
        total = count.total
        units.append(
            Row(unit_id, municipality.name, layout, total.votes, total.counters)
        )

    district = _district_count(real, kieskring, layout, units)
    writer.write(
        f"Telling_TK2021_kieskring_{kieskring.slug}.eml.xml", district.render()
    )
    national_layout = Layout(kieskring.national_columns, REASONS)
    return _sum_row(
        f"HSB{kieskring.number}", kieskring.national_name, national_layout, units
    )


def _district_count(
    real: RealElection, kieskring: Kieskring, layout: Layout, units: list[Row]
) -> CountFile:
    """Return a kieskring's 510c: one row per municipality and their sum."""
    return CountFile(
        kind="510c",
        authority_id=f"HSB{kieskring.number}",
        authority_name=kieskring.name,
        creation_time=f"2021-03-19T{10 + kieskring.number % 10:02d}:00:00.000",
        election_xml=real.election_xml,
        contest_id=str(kieskring.number),
        contest_name=kieskring.name,
        total=_sum_row(None, "", layout, units),
        units=units,
    )


def _municipal_count(
    real: RealElection,
    kieskring: Kieskring,
    municipality: Municipality,
    layout: Layout,
    drawn: Stations,
    rng: np.random.Generator,
    index: int,
) -> CountFile:
    numbers = np.cumsum(1 + (rng.random(len(drawn.votes)) < 0.15))
    places = _locations().get(municipality.code, [])
    units = [
        Row(
            f"{municipality.code}::SB{number}",
            _station_name(places, i, municipality.name),
            layout,
            drawn.votes[i],
            drawn.counters[i],
        )
        for i, number in enumerate(numbers.tolist())
    ]
    total = Row(None, "", layout, drawn.votes.sum(axis=0), drawn.counters.sum(axis=0))
    return CountFile(
        kind="510b",
        authority_id=municipality.code,
        authority_name=municipality.name,
        creation_time=f"2021-03-18T{12 + index % 10:02d}:{index % 60:02d}:00.000",
        election_xml=real.election_xml,
        contest_id=str(kieskring.number),
        contest_name=kieskring.name,
        total=total,
        units=units,
    )


def _station_name(places: list[tuple[str, str]], index: int, municipality: str) -> str:
    if not places:
        return f"Stembureau {municipality} {index + 1}"
    name, postcode = places[index % len(places)]
    if index >= len(places):
        name = f"{name} {index // len(places) + 1}"
    return (
        f"Stembureau {name} (postcode: {postcode})"
        if postcode
        else f"Stembureau {name}"
    )


def _sum_row(
    identifier: str | None, name: str, layout: Layout, rows: Sequence[Row]
) -> Row:
    votes = np.sum([row.votes for row in rows], axis=0)
    counters = np.sum([row.counters for row in rows], axis=0)
    return Row(identifier, name, layout, votes, counters)


def _national(real: RealElection, rows: Sequence[Row]) -> CountFile:
    """Build the 510d: one row per kieskring, totals per kandidaat code."""
    index = {
        (c.list_number, c.short_code): i for i, c in enumerate(real.national_columns)
    }
    votes = np.zeros(len(real.national_columns), dtype=np.int64)
    for row in rows:
        columns = row.layout.columns
        at = [index[(c.list_number, c.short_code)] for c in columns]
        np.add.at(votes, at, row.votes)
    counters = np.sum([row.counters for row in rows], axis=0)
    return CountFile(
        kind="510d",
        authority_id="CSB",
        authority_name="Nederland",
        creation_time="2021-03-23T20:00:00.000",
        election_xml=real.national_election_xml,
        contest_id="alle",
        contest_name=None,
        total=Row(None, "", Layout(real.national_columns, REASONS), votes, counters),
        units=list(rows),
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Generate (or find cached) a synthetic set and print its manifest."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.synthetic", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="fraction of 10,000 stembureaus"
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, default=OUT, help="cache folder")
    parser.add_argument("--force", action="store_true", help="generate even if cached")
    args = parser.parse_args(argv)
    folder = set_dir(args.scale, args.seed, args.out)
    if args.force and folder.exists():
        shutil.rmtree(folder)
    folder = ensure(args.scale, args.seed, args.out)
    print(folder)
    print((folder / "MANIFEST.json").read_text(), end="")


if __name__ == "__main__":
    main(sys.argv[1:])
