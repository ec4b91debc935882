"""Read the OSV4-3 CSV, the spreadsheet export beside the official EML.

Municipalities and hoofdstembureaus publish, next to each EML count, a
CSV made by the Kiesraad's OSV software (and now by ``eml2csv``). For the
2022 municipal elections it is often the only machine-readable result
there is, so openuitslag reads it into the same :class:`~.model.Count`
records as a 510b/510c, with ``info.kind`` ``DocumentKind.OSV4_3``.

The layout, semicolon separated and UTF-8 with a byte-order mark::

    Verkiezing;;Tweede Kamer der Staten-Generaal 2023     metadata block
    Datum;;2023-11-22                                     (or 22-11-2023)
    Gebied;;Kieskring Dordrecht                           (or Gemeente X)
    Nummer;;HSB14                                         (or 0599)

    Lijstnummer;Aanduiding;Volgnummer;Naam kandidaat;Totaal;<area>;…
    Gebiednummer;;;;;0482;…            optional: area numbers
    Postcode;;;;;3011 AD;…             optional: station postcodes
    ;opgeroepenen;;;973559;15131;…     counter rows
    1;VVD;;;117000;1392;…              a lijst
    ;;1;Yeşilgöz, D.;100561;1251;…     its kandidaten, in list order

Every area (a municipality in a kieskring file, a stembureau in a
municipal file) is a column after ``Totaal``. The Kiesraad writes every
cell in double quotes; files that were re-saved by others (the GR2022
set) have no quotes and pad short rows with trailing ``;``. Both read
the same: trailing empty cells beyond the header's width are ignored.

Counter rows map onto :data:`~.model.COUNTERS` as follows (the EML
``UncountedVotes`` reason code, or the ``Cast``/``TotalCounted``/
``RejectedVotes`` column)::

    opgeroepenen                                 cast (the electorate)
    geldige stempas                              geldige stempassen
    geldig volmachtbewijs                        geldige volmachtbewijzen
    geldige kiezerspas                           geldige kiezerspassen
    toegelaten kiezers                           toegelaten kiezers
    geldige stembiljetten                        total_counted
    blanco stembiljetten                         blanco
    ongeldige stembiljetten                      ongeldig
    aangetroffen stembiljetten                   (not stored: checked to be
                                                 geldig + blanco + ongeldig)
    meer stembiljetten dan toegelaten kiezers    meer getelde stembiljetten
    minder stembiljetten dan toegelaten kiezers  minder getelde stembiljetten
    kiezers met stembiljet hebben niet gestemd   meegenomen stembiljetten
    er zijn te weinig stembiljetten uitgereikt   te weinig uitgereikte …
    er zijn te veel stembiljetten uitgereikt     te veel uitgereikte …
    geen verklaring                              geen verklaring
    andere verklaring                            andere verklaring

The EML reason codes themselves are accepted as row labels too, so that
the three codes no OSV export has been seen to write (``geen
briefstembiljetten``, ``te veel briefstembiljetten``, ``kwijtgeraakte
stembiljetten``) are read when they appear. Any other label is a warning,
not an error: the rest of the file is still good.

Identities are derived from the metadata block, as the EML would have
them:

- election id: the category from the start of ``Verkiezing``
  (``Tweede Kamer`` → TK, ``Gemeenteraad`` → GR, …) and the year it
  ends with (else the year of ``Datum``); for elections of one
  municipality, province, water board or island the name between
  category and year is added, spaces and punctuation turned into ``_``:
  ``Gemeenteraad Bergen (NH) 2022`` → ``GR2022_Bergen_NH``;
  ``Tweede Kamer der Staten-Generaal 2023`` → ``TK2023``.
- authority: ``Nummer`` as written (``HSB14``, ``0599``); its name is
  ``Gebied`` without ``Kieskring``/``Gemeente``/``Openbaar lichaam``.
- contest: the kieskring number of an HSB (``14``); ``geen`` for
  elections without kieskringen (GR, BC, GC, ER); otherwise empty, as a
  municipal file of a national election does not say its kieskring (join
  with the 110a to find it).
- reporting units: in a kieskring (HSB) file the ``Gebiednummer``
  (``0482``); in a central (CSB) file ``HSB<n>``; in a municipal file
  ``<Nummer>::SB<n>`` with n the ``Gebiednummer`` of the stembureau
  (``0599::SB1``), as in the municipality's 510b. A column without a
  usable number gets ``<Nummer>::kolom<k>``, k its 1-based column in the
  file, with a warning. (A 510c writes the municipality of a kieskring
  file as ``HSB14::0482``; the CSV writes ``0482``, and so do we.)

A file is read whole or not at all: every problem in it is collected
(up to :data:`MAX_PROBLEMS`), each naming the file, the row (its line
number) and the column, with what was expected and what was found.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from openuitslag.core.digest import sha256_hex
from openuitslag.core.errors import Problem, ReadError, Severity
from openuitslag.core.model import (
    COUNTER_INDEX,
    COUNTERS,
    MISSING,
    UNCOUNTED_REASONS,
    Authority,
    ContestCount,
    Count,
    DocumentInfo,
    DocumentKind,
    ElectionIdentity,
    Int64Array,
    ReportingUnit,
    Tally,
)

log = logging.getLogger("openuitslag.read")

MAX_PROBLEMS = 200
"""Stop collecting after this many problems: the file is beyond repair."""

HEADER = ("Lijstnummer", "Aanduiding", "Volgnummer", "Naam kandidaat", "Totaal")
METADATA = ("Verkiezing", "Datum", "Gebied", "Nummer")
FIRST_AREA = len(HEADER)  # index of the first area column
AANGETROFFEN = "aangetroffen stembiljetten"

_OSV_LABELS: Mapping[str, str] = {
    "opgeroepenen": "cast",
    "geldige stempas": "geldige stempassen",
    "geldig volmachtbewijs": "geldige volmachtbewijzen",
    "geldige kiezerspas": "geldige kiezerspassen",
    "geldige stembiljetten": "total_counted",
    "blanco stembiljetten": "blanco",
    "ongeldige stembiljetten": "ongeldig",
    AANGETROFFEN: AANGETROFFEN,
    "meer stembiljetten dan toegelaten kiezers": "meer getelde stembiljetten",
    "minder stembiljetten dan toegelaten kiezers": "minder getelde stembiljetten",
    "kiezers met stembiljet hebben niet gestemd": "meegenomen stembiljetten",
    "er zijn te weinig stembiljetten uitgereikt": "te weinig uitgereikte stembiljetten",
    "er zijn te veel stembiljetten uitgereikt": "te veel uitgereikte stembiljetten",
}
COUNTER_ROWS: Mapping[str, str] = {
    **{reason: reason for reason in UNCOUNTED_REASONS},
    **_OSV_LABELS,
}
"""Map a counter row's label (lower case) to its name in ``COUNTERS``."""

# The start of ``Verkiezing`` → (category, the election has one domain).
_CATEGORIES: tuple[tuple[str, str, bool], ...] = (
    ("tweede kamer", "TK", False),
    ("eerste kamer", "EK", False),
    ("europees parlement", "EP", False),
    ("europese parlement", "EP", False),
    ("provinciale staten", "PS", True),
    ("gemeenteraad", "GR", True),
    ("algemeen bestuur", "AB", True),
    ("waterschap", "AB", True),
    ("eilandsraad", "ER", True),
    ("bestuurscommissie", "BC", True),
    ("gebiedscommissie", "GC", True),
)
_WITHOUT_KIESKRINGEN = {"GR", "BC", "GC", "ER"}
_AREA_PREFIXES = ("Kieskring ", "Gemeente ", "Openbaar lichaam ")

_AUTHORITY = re.compile(r"CSB|(?:HSB|SB)\d+|\d{4}", re.ASCII)
_ALL_COUNTS = re.compile(r"\d{1,18}(?:;\d{1,18})*", re.ASCII)
_COUNT = re.compile(r"\d{1,18}", re.ASCII)
_YEAR_AT_END = re.compile(r"\s*\b(\d{4})\s*$")
_NOT_ID = re.compile(r"[^\w-]+")
_OSV_START = re.compile(rb'\A(?:\xef\xbb\xbf)?\s*"?Verkiezing"?\s*[;,\t]')
_OSV_HEADER = re.compile(
    rb'(?:\A|[\r\n])(?:\xef\xbb\xbf)?"?Lijstnummer"?;"?Aanduiding"?;'
)
_SNIFF_BYTES = 64 * 1024


def looks_like_osv(data: bytes) -> bool:
    """Say whether bytes look like an OSV4-3 CSV, judged by their content.

    Either the file opens with the ``Verkiezing`` row of the metadata
    block, or the ``Lijstnummer;Aanduiding`` header row is near its start.
    The test is loose on purpose: a damaged OSV file should be read as one
    and get OSV problems, not be called an unknown format.
    """
    head = data[:_SNIFF_BYTES]
    return bool(_OSV_START.match(head) or _OSV_HEADER.search(head))


def read_osv(data: bytes, source: str) -> Count:
    """Read an OSV4-3 CSV into a Count, or raise ReadError with all problems.

    Warnings (an unknown counter row, say) do not stop the read; they are
    logged. Use :func:`read_osv_with_problems` to get them as values.
    """
    count, problems = read_osv_with_problems(data, source)
    if count is None:
        raise ReadError(source, problems)

    if problems:
        log.warning(
            "OSV_WARNINGS source=%s count=%d first=%s",
            source,
            len(problems),
            problems[0],
        )
    return count


def read_osv_with_problems(
    data: bytes, source: str
) -> tuple[Count | None, list[Problem]]:
    """Read an OSV4-3 CSV; return the Count (None on any error) and problems.

    The Count is None exactly when a problem of error severity was found:
    a file is read whole or not at all.
    """
    reader = _Reader(source)
    try:
        count = reader.read(data)
    except _TooManyProblems:
        count = None

    if count is None and not reader.problems_are_fatal():
        reader.problems.append(
            Problem("osv.unreadable", "The file cannot be read as OSV4-3.", source)
        )
    if reader.problems_are_fatal():
        count = None
    return count, reader.problems


class _TooManyProblems(Exception):
    """Raised inside the reader once MAX_PROBLEMS have been collected."""


@dataclass(slots=True)
class _Row:
    line: int  # line number in the file, 1-based, of the row's last line
    cells: list[str]


@dataclass(slots=True)
class _Body:
    """The rows below the header, sorted into their kinds."""

    area_numbers: _Row | None = None
    postcodes: _Row | None = None
    counters: dict[str, list[int]] = field(default_factory=dict)
    counter_rows: dict[str, _Row] = field(default_factory=dict)
    list_numbers: list[int] = field(default_factory=list)
    candidate_numbers: list[int] = field(default_factory=list)
    candidate_names: list[str] = field(default_factory=list)
    list_names: dict[int, str] = field(default_factory=dict)
    votes: list[list[int]] = field(default_factory=list)


class _Reader:
    """One reading of one file; collects problems as it goes."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.header: list[str] = []
        self.width = 0

    def problem(
        self,
        code: str,
        message: str,
        *,
        row: _Row | None = None,
        column: int | None = None,
        expected: str | None = None,
        found: str | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        """Record one problem, located by row and (0-based) column."""
        if len(self.problems) >= MAX_PROBLEMS:
            if severity is not Severity.ERROR:
                return
            self.problems.append(
                Problem(
                    "osv.too-many-problems",
                    f"Reading stopped after {MAX_PROBLEMS} problems.",
                    self.source,
                )
            )
            raise _TooManyProblems

        where = None
        if row is not None:
            where = f"row {row.line}"
            if column is not None:
                where += f", column {self._column_name(column)}"
        self.problems.append(
            Problem(
                code=code,
                message=message,
                source=self.source,
                line=row.line if row else None,
                where=where,
                expected=expected,
                found=found,
                severity=severity,
            )
        )

    def _column_name(self, column: int) -> str:
        title = self.header[column] if column < len(self.header) else ""
        return f"{column + 1} ({title})" if title else str(column + 1)

    # -- the steps, in order ------------------------------------------------

    def read(self, data: bytes) -> Count | None:
        """Read the whole file; return None when it cannot be used."""
        rows = self._rows(data)
        if rows is None:
            return None

        at = next((i for i, r in enumerate(rows) if _first(r) == "Lijstnummer"), None)
        meta = self._metadata(rows if at is None else rows[:at])
        if at is None:
            self.problem(
                "osv.missing-header",
                "The file has no header row starting with 'Lijstnummer'.",
                expected="a row " + ";".join(HEADER) + ";<area>…",
                found="none",
            )
            return None
        if not self._header(rows[at]):
            return None

        body = self._body(rows[at + 1 :])
        election = self._election(meta)
        authority = self._authority(meta)
        if election is None or authority is None or self.problems_are_fatal():
            return None
        return self._count(data, election, authority, body)

    def problems_are_fatal(self) -> bool:
        """Say whether an error has been found so far."""
        return any(p.severity is Severity.ERROR for p in self.problems)

    def _rows(self, data: bytes) -> list[_Row] | None:
        """Decode the bytes and split them into non-empty CSV rows."""
        text = self._decode(data)
        if text is None or not self._semicolon_separated(text):
            return None

        rows: list[_Row] = []
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
        try:
            for cells in reader:
                if any(cell.strip() for cell in cells):
                    rows.append(_Row(reader.line_num, cells))
        except csv.Error as exc:
            self.problem(
                "osv.csv-syntax",
                f"The file is not valid semicolon-separated CSV here ({exc}).",
                row=_Row(reader.line_num, []),
            )
            return None
        return rows

    def _decode(self, data: bytes) -> str | None:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            self.problem(
                "osv.encoding",
                f"The file is not valid UTF-8: byte {exc.start} on line {line} "
                f"cannot be decoded ({exc.reason}).",
                row=_Row(line, []),
                expected="UTF-8 text",
                found=f"byte 0x{data[exc.start]:02x}",
            )
            return None

    def _semicolon_separated(self, text: str) -> bool:
        first_line = text.partition("\n")[0]
        if ";" in first_line or not ("," in first_line or "\t" in first_line):
            return True

        found = "commas" if "," in first_line else "tabs"
        self.problem(
            "osv.delimiter",
            f"The file is separated by {found}, not by semicolons; it was "
            f"probably re-saved by a spreadsheet.",
            row=_Row(1, []),
            expected="cells separated by ';'",
            found=found,
        )
        return False

    def _metadata(self, rows: Sequence[_Row]) -> dict[str, str]:
        """Read the ``Verkiezing``/``Datum``/``Gebied``/``Nummer`` block."""
        meta: dict[str, str] = {}
        for row in rows:
            key = row.cells[0].strip().strip('"')
            value = next((c.strip() for c in row.cells[1:] if c.strip()), "")
            if key in METADATA:
                meta[key] = value

        for key in METADATA:
            if not meta.get(key):
                self.problem(
                    "osv.missing-metadata",
                    f"The metadata block above the header has no '{key}'.",
                    expected=f"a row '{key};;<value>' before the header",
                    found="none",
                )
        return meta

    def _header(self, row: _Row) -> bool:
        """Check the header row and fix the width of every row below it."""
        cells = _trim(row.cells)
        self.header = [c.strip() for c in cells]
        self.width = len(cells)

        ok = True
        for column, name in enumerate(HEADER):
            found = self.header[column] if column < len(cells) else ""
            if found != name:
                ok = False
                self.problem(
                    "osv.header",
                    f"Column {column + 1} of the header row is not '{name}'.",
                    row=row,
                    column=column,
                    expected=repr(name),
                    found=repr(found),
                )
        if ok and self.width == FIRST_AREA:
            ok = False
            self.problem(
                "osv.no-areas",
                "The header row has no area columns after 'Totaal'.",
                row=row,
                expected="at least one area column",
                found="none",
            )
        return ok

    def _body(self, rows: Sequence[_Row]) -> _Body:
        """Sort the rows below the header into areas, counters and votes."""
        body = _Body()
        for row in rows:
            if not self._fits(row):
                continue
            first = row.cells[0].strip()
            if first in ("Gebiednummer", "Postcode"):
                self._area_row(body, first, row)
            elif first:
                self._list_row(body, row)
            elif row.cells[2].strip():
                self._candidate_row(body, row)
            elif row.cells[1].strip():
                self._counter_row(body, row)
            else:
                self._unknown_row(row)
        return body

    def _fits(self, row: _Row) -> bool:
        """Trim padding; say whether the row is as wide as the header."""
        cells = row.cells
        if len(cells) > self.width and not any(c.strip() for c in cells[self.width :]):
            del cells[self.width :]
        if len(cells) == self.width:
            return True

        self.problem(
            "osv.row-width",
            f"The row has {len(cells)} cells where the header has {self.width}.",
            row=row,
            expected=f"{self.width} cells",
            found=f"{len(cells)} cells",
        )
        return False

    def _area_row(self, body: _Body, kind: str, row: _Row) -> None:
        attribute = "area_numbers" if kind == "Gebiednummer" else "postcodes"
        if getattr(body, attribute) is not None:
            self.problem(
                "osv.duplicate-row",
                f"The file has a second '{kind}' row.",
                row=row,
                expected=f"one '{kind}' row",
                found="two",
            )
            return
        setattr(body, attribute, row)

    def _list_row(self, body: _Body, row: _Row) -> None:
        first = row.cells[0].strip()
        if not (first.isascii() and first.isdigit()) or int(first) == 0:
            self.problem(
                "osv.unknown-row",
                "The row is not a lijst, a kandidaat or a counter.",
                row=row,
                column=0,
                expected="a lijstnummer, 'Gebiednummer' or 'Postcode'",
                found=repr(first),
            )
            return

        number = int(first)
        if body.list_numbers and number <= max(body.list_numbers):
            self.problem(
                "osv.list-order",
                f"Lijst {number} comes after lijst {max(body.list_numbers)}; "
                f"lijsten must be in increasing order without repeats.",
                row=row,
                column=0,
                expected=f"a lijstnummer above {max(body.list_numbers)}",
                found=first,
            )
        body.list_names.setdefault(number, row.cells[1].strip())
        self._selection(body, row, number, 0, "")

    def _candidate_row(self, body: _Body, row: _Row) -> None:
        text = row.cells[2].strip()
        if not body.list_numbers:
            self.problem(
                "osv.candidate-without-list",
                "A kandidaat row comes before any lijst row.",
                row=row,
                expected="a lijst row first",
                found=f"kandidaat {text!r}",
            )
            return
        if not (text.isascii() and text.isdigit()) or int(text) == 0:
            self.problem(
                "osv.candidate-number",
                "The Volgnummer of a kandidaat is not a positive whole number.",
                row=row,
                column=2,
                expected="a number 1, 2, 3, …",
                found=repr(text),
            )
            return

        number = int(text)
        previous = body.candidate_numbers[-1]
        if previous and number <= previous:
            self.problem(
                "osv.candidate-order",
                f"Kandidaat {number} comes after kandidaat {previous} on lijst "
                f"{body.list_numbers[-1]}; they must be in list order.",
                row=row,
                column=2,
                expected=f"a number above {previous}",
                found=text,
            )
        self._selection(body, row, body.list_numbers[-1], number, row.cells[3])

    def _selection(
        self, body: _Body, row: _Row, list_number: int, candidate: int, name: str
    ) -> None:
        values = self._numbers(row)
        body.list_numbers.append(list_number)
        body.candidate_numbers.append(candidate)
        body.candidate_names.append(name.strip())
        body.votes.append(values if values is not None else [])

    def _counter_row(self, body: _Body, row: _Row) -> None:
        label = " ".join(row.cells[1].split()).lower()
        counter = COUNTER_ROWS.get(label)
        if counter is None:
            self.problem(
                "osv.unknown-counter",
                f"The counter row {row.cells[1].strip()!r} is not an OSV4-3 "
                f"counter; its numbers were ignored.",
                row=row,
                column=1,
                expected="one of: " + ", ".join(sorted(_OSV_LABELS)),
                found=repr(row.cells[1].strip()),
                severity=Severity.WARNING,
            )
            return
        if counter in body.counters:
            self.problem(
                "osv.duplicate-counter",
                f"The counter {label!r} appears twice.",
                row=row,
                column=1,
                expected="each counter once",
                found="a second row",
            )
            return

        values = self._numbers(row)
        if values is not None:
            body.counters[counter] = values
            body.counter_rows[counter] = row

    def _unknown_row(self, row: _Row) -> None:
        self.problem(
            "osv.unknown-row",
            "The row is not a lijst, a kandidaat or a counter: its first "
            "three cells are empty.",
            row=row,
            expected="a lijstnummer, a counter name or a Volgnummer",
            found="empty cells",
        )

    def _numbers(self, row: _Row) -> list[int] | None:
        """Return the Totaal and area cells as numbers, or None if bad."""
        cells = row.cells[FIRST_AREA - 1 :]
        if _ALL_COUNTS.fullmatch(";".join(cells)):
            try:
                return [int(cell) for cell in cells]
            except ValueError:  # a quoted cell held a ';'
                pass

        values: list[int] = []
        for column, cell in enumerate(cells, start=FIRST_AREA - 1):
            value = self._number(row, column, cell.strip())
            if value is not None:
                values.append(value)
        return values if len(values) == len(cells) else None

    def _number(self, row: _Row, column: int, text: str) -> int | None:
        if _COUNT.fullmatch(text):
            return int(text)

        if text.startswith("-") and _COUNT.fullmatch(text[1:]):
            code, message = "osv.negative", "A count is negative."
        elif text.isascii() and text.isdigit():
            code, message = "osv.too-large", "A count is too large to be real."
        elif not text:
            code, message = "osv.empty-cell", "A count is missing: the cell is empty."
        else:
            code, message = "osv.not-a-number", "A count is not a whole number."
        self.problem(
            code,
            message,
            row=row,
            column=column,
            expected="a whole number of 0 or more",
            found=repr(text),
        )
        return None

    # -- identities -------------------------------------------------------

    def _election(self, meta: Mapping[str, str]) -> ElectionIdentity | None:
        """Derive the election's identity from ``Verkiezing`` and ``Datum``."""
        name = meta.get("Verkiezing", "")
        date = self._date(meta.get("Datum", ""))
        found = next(
            (c for c in _CATEGORIES if name.lower().startswith(c[0])),
            None,
        )
        if not name:
            return None
        if found is None:
            self.problem(
                "osv.unknown-election",
                f"The election {name!r} is not one openuitslag knows.",
                expected="a name starting with Tweede Kamer, Gemeenteraad, "
                "Provinciale Staten, …",
                found=repr(name),
            )
            return None

        prefix, category, has_domain = found
        year_match = _YEAR_AT_END.search(name)
        year = int(year_match.group(1)) if year_match else date.year if date else None
        if year is None:
            return None
        domain = (name[: year_match.start()] if year_match else name)[len(prefix) :]
        domain = domain.strip()
        suffix = _NOT_ID.sub("_", domain).strip("_") if has_domain else ""

        authority = meta.get("Nummer", "")
        domain_id = authority if category == "GR" and authority.isdigit() else None
        return ElectionIdentity(
            id=f"{category}{year}" + (f"_{suffix}" if suffix else ""),
            name=name,
            category=category,
            domain_id=domain_id,
            domain_name=domain if has_domain and domain else None,
            date=date,
        )

    def _date(self, text: str) -> dt.date | None:
        for layout in ("%Y-%m-%d", "%d-%m-%Y"):
            try:
                return dt.datetime.strptime(text, layout).date()
            except ValueError:
                continue
        if text:
            self.problem(
                "osv.bad-date",
                f"The Datum {text!r} is not a date.",
                expected="YYYY-MM-DD or DD-MM-YYYY",
                found=repr(text),
            )
        return None

    def _authority(self, meta: Mapping[str, str]) -> Authority | None:
        number = meta.get("Nummer", "")
        if not number:
            return None
        if not _AUTHORITY.fullmatch(number):
            self.problem(
                "osv.authority",
                f"The Nummer {number!r} is not a committee id.",
                expected="CSB, HSB<n> or a 4-digit municipality code",
                found=repr(number),
            )
            return None

        name = meta.get("Gebied", "")
        for prefix in _AREA_PREFIXES:
            name = name.removeprefix(prefix)
        return Authority(id=number, name=name)

    # -- the result -------------------------------------------------------

    def _count(
        self,
        data: bytes,
        election: ElectionIdentity,
        authority: Authority,
        body: _Body,
    ) -> Count | None:
        units = self._units(authority.id, body)
        if units is None or not body.votes:
            if not body.votes:
                self.problem(
                    "osv.no-lists",
                    "The file has no lijst rows.",
                    expected="at least one lijst row",
                    found="none",
                )
            return None

        votes = np.array(body.votes, dtype=np.int64).reshape(len(body.votes), -1)
        counters = self._counter_table(body)
        contest = ContestCount(
            contest_id=_contest_id(election, authority),
            contest_name=authority.name if authority.id.startswith("HSB") else None,
            list_numbers=np.array(body.list_numbers, dtype=np.int32),
            candidate_numbers=np.array(body.candidate_numbers, dtype=np.int32),
            candidate_codes=(None,) * len(body.votes),
            list_names=dict(body.list_names),
            total=Tally(votes=votes[:, :1].T.copy(), counters=counters[:1].copy()),
            units=units,
            unit_tally=Tally(
                votes=np.ascontiguousarray(votes[:, 1:].T),
                counters=counters[1:].copy(),
            ),
            candidate_names=tuple(name or None for name in body.candidate_names),
        )
        info = DocumentInfo(
            source=self.source,
            sha256=sha256_hex(data),
            size=len(data),
            kind=DocumentKind.OSV4_3,
        )
        return Count(
            info=info, election=election, authority=authority, contests=(contest,)
        )

    def _counter_table(self, body: _Body) -> Int64Array:
        """Return counters[column, COUNTERS index]; column 0 is Totaal."""
        columns = self.width - FIRST_AREA + 1
        table = np.full((columns, len(COUNTERS)), MISSING, dtype=np.int64)
        for name, values in body.counters.items():
            if name in COUNTER_INDEX:
                table[:, COUNTER_INDEX[name]] = values
        self._check_aangetroffen(body)
        return table

    def _check_aangetroffen(self, body: _Body) -> None:
        """Warn where 'aangetroffen' is not geldig + blanco + ongeldig."""
        parts = [body.counters.get(n) for n in ("total_counted", "blanco", "ongeldig")]
        found = body.counters.get(AANGETROFFEN)
        if found is None or any(p is None for p in parts):
            return

        sums = np.sum([p for p in parts if p is not None], axis=0)
        for column in np.flatnonzero(np.array(found) != sums):
            self.problem(
                "osv.aangetroffen",
                "'aangetroffen stembiljetten' is not the sum of the geldige, "
                "blanco and ongeldige stembiljetten.",
                column=int(column) + FIRST_AREA - 1,
                expected=str(int(sums[column])),
                found=str(found[column]),
                row=body.counter_rows[AANGETROFFEN],
                severity=Severity.WARNING,
            )

    def _units(self, authority: str, body: _Body) -> tuple[ReportingUnit, ...] | None:
        """Return one reporting unit per area column, or None on duplicates."""
        names = self.header[FIRST_AREA:]
        numbers = _cells(body.area_numbers, self.width)
        postcodes = _cells(body.postcodes, self.width)

        units: list[ReportingUnit] = []
        seen: dict[str, int] = {}
        for offset, name in enumerate(names):
            column = FIRST_AREA + offset
            unit_id = self._unit_id(authority, numbers[column], column, body)
            if unit_id in seen:
                self.problem(
                    "osv.duplicate-area",
                    f"Area {unit_id} appears twice, in columns "
                    f"{seen[unit_id] + 1} and {column + 1}.",
                    row=body.area_numbers,
                    column=column,
                    expected="every area once",
                    found=f"{unit_id} again",
                )
            seen[unit_id] = column
            postcode = postcodes[column] or None
            units.append(ReportingUnit(id=unit_id, name=name, postcode=postcode))

        return None if self.problems_are_fatal() else tuple(units)

    def _unit_id(self, authority: str, number: str, column: int, body: _Body) -> str:
        if number.isascii() and number.isdigit():
            if authority.startswith("HSB"):
                return number.zfill(4)
            if authority == "CSB":
                return f"HSB{int(number)}"
            return f"{authority}::SB{int(number)}"

        if body.area_numbers is None:
            if column == FIRST_AREA:
                self.problem(
                    "osv.area-number",
                    "The file has no 'Gebiednummer' row; areas are identified "
                    "by their column instead.",
                    expected="a Gebiednummer row below the header",
                    found="none",
                    severity=Severity.WARNING,
                )
            return f"{authority}::kolom{column + 1}"
        self.problem(
            "osv.area-number",
            "The area has no usable Gebiednummer; it is identified by its "
            "column instead.",
            row=body.area_numbers,
            column=column,
            expected="a number",
            found=repr(number),
            severity=Severity.WARNING,
        )
        return f"{authority}::kolom{column + 1}"


def _first(row: _Row) -> str:
    return row.cells[0].strip() if row.cells else ""


def _trim(cells: list[str]) -> list[str]:
    """Return the cells without trailing empty ones (re-save padding)."""
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


def _cells(row: _Row | None, width: int) -> list[str]:
    if row is None:
        return [""] * width
    return [cell.strip() for cell in row.cells]


def _contest_id(election: ElectionIdentity, authority: Authority) -> str:
    if authority.id.startswith("HSB"):
        return authority.id.removeprefix("HSB")
    if election.category in _WITHOUT_KIESKRINGEN:
        return "geen"
    return ""
