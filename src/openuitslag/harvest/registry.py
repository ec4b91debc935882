"""The registry's CSV format and its checks, without Django.

Operators keep the list of results pages in a spreadsheet as often as in
the admin, so ``openuitslag registry import/export`` speaks a plain CSV:
``election,municipality_code,url`` (extra columns are allowed and kept out
of the way). Each row is checked before anything is stored, and a file
with a bad row is refused whole, with every bad row named.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from openuitslag.core.errors import Problem, ReadError

COLUMNS = ("election", "municipality_code", "url")
_ELECTION = re.compile(
    r"(EP|EK|TK|GR|BC|GC|ER|PS|AB|NR|PR|LR|IR)2\d{3}(\d{4})?(_[\w-]*)?"
)
_CODE = re.compile(r"\d{1,4}")

# Municipalities that merged, as (new or absorbing code, date, old codes):
# every merger between the bundled TK2021 and TK2023 tables (the tests
# check that each code that disappeared is covered).
MERGERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("1980", "2022-01-01", ("0398", "0416")),  # Dijk en Waard
    ("1982", "2022-01-01", ("0756", "1684", "0786", "0815", "1702")),  # Land van Cuijk
    ("1991", "2022-01-01", ("1685", "0856")),  # Maashorst
    ("0439", "2022-01-01", ("0370",)),  # Beemster into Purmerend
    ("0363", "2022-03-24", ("0457",)),  # Weesp into Amsterdam
    ("1992", "2023-01-01", ("0501", "0530", "0614")),  # Voorne aan Zee
)
CARIBBEAN = {"9001": "Bonaire", "9002": "Sint Eustatius", "9003": "Saba"}
POSTAL_VOTE_OFFICE = "9010"


@dataclass(frozen=True)
class RegistryRow:
    """One results page: where a municipality publishes for an election."""

    election: str
    municipality_code: str
    url: str


def municipality_kind(code: str) -> str:
    """Return 'gemeente', 'openbaar lichaam' or 'briefstembureau'."""
    if code in CARIBBEAN:
        return "openbaar lichaam"
    if code == POSTAL_VOTE_OFFICE:
        return "briefstembureau"
    return "gemeente"


def cbs_code(code: str) -> str:
    """Return the CBS code (``GM0482``) of a gemeente, '' for the others."""
    return f"GM{code}" if municipality_kind(code) == "gemeente" else ""


def parse_registry_csv(data: bytes, source: str) -> list[RegistryRow]:
    """Return a registry CSV's rows; raise ReadError naming every bad row."""
    text = data.decode("utf-8-sig", errors="replace")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ReadError(
            source,
            [
                Problem(
                    "registry.columns",
                    "The registry CSV lacks the columns " + ", ".join(missing) + ".",
                    source,
                    line=1,
                    expected=",".join(COLUMNS),
                    found=",".join(reader.fieldnames or []),
                )
            ],
        )

    rows: list[RegistryRow] = []
    problems: list[Problem] = []
    for line, record in enumerate(reader, start=2):
        row, row_problems = _check_row(record, source, line)
        problems += row_problems
        if row is not None:
            rows.append(row)
    if problems:
        raise ReadError(source, problems)
    return rows


def _check_row(
    record: dict[str, str | None], source: str, line: int
) -> tuple[RegistryRow | None, list[Problem]]:
    election = (record.get("election") or "").strip()
    code = (record.get("municipality_code") or "").strip()
    url = (record.get("url") or "").strip()
    problems = []
    if not _ELECTION.fullmatch(election):
        problems.append(
            _bad(source, line, "election", "an election id such as TK2023", election)
        )
    if not _CODE.fullmatch(code):
        problems.append(
            _bad(
                source,
                line,
                "municipality_code",
                "a municipality code such as 0482",
                code,
            )
        )
    parts = urlsplit(url)
    if url and (parts.scheme not in ("http", "https") or not parts.hostname):
        problems.append(_bad(source, line, "url", "an http(s) URL or nothing", url))
    if problems:
        return None, problems
    return RegistryRow(election, code.zfill(4), url), []


def _bad(source: str, line: int, column: str, expected: str, found: str) -> Problem:
    return Problem(
        "registry.value",
        f"Row {line} has an unusable {column}.",
        source,
        line=line,
        where=column,
        expected=expected,
        found=repr(found),
    )


def write_registry_csv(rows: Iterable[tuple[RegistryRow, str]]) -> str:
    """Return (row, municipality name) pairs as registry CSV text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*COLUMNS, "municipality_name"])
    for row, name in rows:
        writer.writerow([row.election, row.municipality_code, row.url, name])
    return out.getvalue()


TABLE_COLUMNS = ("eml_region_number", "naam", "kieskring_nummer", "kieskring_naam")


@dataclass(frozen=True)
class TableRow:
    """A municipality in a ``gemeenten_kieskringen_<election>.csv`` table."""

    election: str
    code: str
    name: str
    kieskring_number: str
    kieskring_name: str


def is_municipality_table(data: bytes) -> bool:
    """Say whether bytes are a municipality-to-kieskring table."""
    head = data[:300].decode("utf-8-sig", errors="replace").split("\n", 1)[0]
    columns = {column.strip() for column in head.split(",")}
    return all(column in columns for column in TABLE_COLUMNS)


def parse_municipality_table(data: bytes, source: str) -> list[TableRow]:
    """Return the rows of a table such as ``gemeenten_kieskringen_TK2023.csv``.

    The election is taken from the file name; the table has no column
    for it.
    """
    match = _ELECTION.search(source.rsplit("/", 1)[-1])
    if match is None:
        raise ReadError(
            source,
            [
                Problem(
                    "registry.election",
                    "The file name does not say which election the table is for.",
                    source,
                    expected="a name such as gemeenten_kieskringen_TK2023.csv",
                )
            ],
        )
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    return [
        TableRow(
            election=match.group(0),
            code=(row["eml_region_number"] or "").strip().zfill(4),
            name=(row["naam"] or "").strip(),
            kieskring_number=(row["kieskring_nummer"] or "").strip(),
            kieskring_name=(row["kieskring_naam"] or "").strip(),
        )
        for row in reader
    ]
