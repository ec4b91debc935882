"""Broken and hostile CSVs and zips give one clear Problem each, never a crash.

The CSVs are real small files in ``badinput/csv/``, each a copy of
``valid_pekela_extract.csv`` (an extract of the real Pekela GR2022 file)
with one thing wrong. The zips are built here, at test time, because
most of them are hand-patched bytes (a lying size, an encryption flag, a
symlink mode) that are clearer as code than as committed binaries; the
builders write them to ``tmp_path`` so that each case is also a file on
disk, read through :func:`iter_sources` as a user's file would be.
"""

from __future__ import annotations

import io
import stat
import struct
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from openuitslag.core.errors import Problem, ReadError, Severity
from openuitslag.core.osv import read_osv, read_osv_with_problems
from openuitslag.core.sources import Limits, Source, iter_data, iter_sources

CSV_DIR = Path(__file__).parent / "badinput" / "csv"
DOC = b"<EML/>"


# -- CSVs -----------------------------------------------------------------

# file, problem code, the place named ("row N, column …" or None)
CSV_CASES = [
    ("bad_encoding.csv", "osv.encoding", "row 15"),
    ("negative_number.csv", "osv.negative", "row 16, column 6 (MFC De Binding)"),
    ("text_in_count.csv", "osv.not-a-number", "row 11, column 6 (MFC De Binding)"),
    ("ragged_rows.csv", "osv.row-width", "row 15"),
    ("missing_header.csv", "osv.missing-header", None),
    ("missing_metadata.csv", "osv.missing-metadata", None),
    ("wrong_header.csv", "osv.header", "row 6, column 5 (Som)"),
    ("duplicate_area.csv", "osv.duplicate-area", "row 7, column 7 (Gemeentehuis)"),
    ("candidate_before_list.csv", "osv.candidate-without-list", "row 14"),
    ("lists_out_of_order.csv", "osv.list-order", "row 17, column 1 (Lijstnummer)"),
    ("duplicate_counter.csv", "osv.duplicate-counter", "row 12, column 2 (Aanduiding)"),
    ("empty_cell.csv", "osv.empty-cell", "row 18, column 6 (MFC De Binding)"),
    ("huge_number.csv", "osv.too-large", "row 9, column 7 (Gemeentehuis)"),
    ("bad_authority.csv", "osv.authority", None),
    ("bad_date.csv", "osv.bad-date", None),
    ("unknown_election.csv", "osv.unknown-election", None),
    ("no_lists.csv", "osv.no-lists", None),
    ("binary_garbage.csv", "osv.encoding", "row 2"),
    ("comma_separated.csv", "osv.delimiter", "row 1"),
]


def test_the_valid_extract_reads() -> None:
    data = (CSV_DIR / "valid_pekela_extract.csv").read_bytes()

    count = read_osv(data, "valid_pekela_extract.csv")

    assert count.election.id == "GR2022_Pekela"
    assert count.contests[0].unit_tally.counter(1, "total_counted") == 587


@pytest.mark.parametrize(("name", "code", "where"), CSV_CASES)
def test_a_bad_csv_gives_its_problem(name: str, code: str, where: str | None) -> None:
    source = f"upload/{name}"

    with pytest.raises(ReadError) as raised:
        read_osv((CSV_DIR / name).read_bytes(), source)

    errors = [p for p in raised.value.problems if p.severity is Severity.ERROR]
    assert errors, "a bad file must give at least one error"
    first = errors[0]
    assert (first.code, first.where) == (code, where)
    assert first.source == source
    assert str(first).startswith(source)
    assert first.message.endswith(".")


def test_the_csv_corpus_is_all_covered() -> None:
    on_disk = {p.name for p in CSV_DIR.glob("*.csv")} - {"valid_pekela_extract.csv"}

    assert on_disk == {name for name, _, _ in CSV_CASES}


def test_a_bad_csv_inside_a_zip_is_named_through_the_zip() -> None:
    data = _zip({"gr2022/pekela.csv": (CSV_DIR / "negative_number.csv").read_bytes()})
    (source,) = list(iter_data("uitslag.zip", data))
    assert isinstance(source, Source)

    count, problems = read_osv_with_problems(source.data, source.name)

    assert count is None
    assert str(problems[0]).startswith("uitslag.zip!gr2022/pekela.csv:16 (row 16")


# -- zips -----------------------------------------------------------------


def _zip(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are on purpose
        for name, data in entries.items() if isinstance(entries, dict) else entries:
            archive.writestr(_info(name, method), data)
    return buffer.getvalue()


def _info(name: str, method: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
    """Return an entry header with a fixed date, so builds are repeatable."""
    info = zipfile.ZipInfo(name, date_time=(2023, 11, 22, 21, 0, 0))
    info.compress_type = method
    return info


def _patch_central(data: bytes, offset: int, fmt: str, value: int) -> bytes:
    """Overwrite one field of the first central-directory header."""
    start = data.index(b"PK\x01\x02")
    field = start + offset
    return data[:field] + struct.pack(fmt, value) + data[field + struct.calcsize(fmt) :]


def _bomb() -> bytes:
    return _zip({"Telling.eml.xml": b"\0" * (8 * 1024 * 1024)})


def _huge_declared() -> bytes:
    # Central directory: uncompressed size at offset 24 (4 bytes).
    return _patch_central(_zip({"Telling.eml.xml": DOC}), 24, "<I", 0xFFFF_FFF0)


def _lying_size() -> bytes:
    """Declares 3 bytes; holds 6. Only 3 are read, and the CRC fails."""
    data = _zip({"Telling.eml.xml": DOC})
    local = data.index(b"PK\x03\x04")
    data = data[: local + 22] + struct.pack("<I", 3) + data[local + 26 :]
    return _patch_central(data, 24, "<I", 3)


def _entry(name: str, attr: int = 0, flags: int = 0) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = _info(name, zipfile.ZIP_STORED)
        info.external_attr = attr
        archive.writestr(info, DOC)
    data = buffer.getvalue()
    if flags:
        data = _patch_central(data, 8, "<H", flags)
    return data


def _nested(depth: int) -> bytes:
    data = DOC
    name = "Telling.eml.xml"
    for level in range(depth):
        data = _zip({name: data})
        name = f"deel{level}.zip"
    return data


def _truncated() -> bytes:
    data = _zip({f"Telling_{n}.eml.xml": DOC * 50 for n in range(3)})
    return data[: len(data) // 2]


def _bad_crc() -> bytes:
    data = _zip(
        {"Telling.eml.xml": b"<EML>" + bytes(range(256)) * 8}, zipfile.ZIP_STORED
    )
    middle = data.index(b"<EML>") + 100
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


def _unknown_method() -> bytes:
    data = _zip({"Telling.eml.xml": DOC})
    local = data.index(b"PK\x03\x04")
    data = data[: local + 8] + struct.pack("<H", 99) + data[local + 10 :]
    return _patch_central(data, 10, "<H", 99)


@dataclass(frozen=True)
class ZipCase:
    name: str
    build: Callable[[], bytes]
    code: str
    entry: str  # the entry the problem must name ("" for the archive)
    limits: Limits | None = None


ZIP_CASES = [
    ZipCase("bomb_ratio.zip", _bomb, "zip.ratio", "Telling.eml.xml"),
    ZipCase(
        "huge_declared.zip", _huge_declared, "zip.entry-too-large", "Telling.eml.xml"
    ),
    ZipCase("lying_size.zip", _lying_size, "zip.corrupt", "Telling.eml.xml"),
    ZipCase(
        "entry_over_limit.zip",
        lambda: _zip({"Telling.eml.xml": bytes(range(256)) * 64}),
        "zip.entry-too-large",
        "Telling.eml.xml",
        Limits(max_entry_bytes=4096),
    ),
    ZipCase(
        "total_over_limit.zip",
        lambda: _zip({f"T{n}.eml.xml": bytes(range(256)) * 4 for n in range(4)}),
        "zip.total-too-large",
        "T2.eml.xml",
        Limits(max_total_bytes=2500),
    ),
    ZipCase(
        "too_many_entries.zip",
        lambda: _zip({f"T{n}.eml.xml": DOC for n in range(11)}),
        "zip.too-many-entries",
        "",
        Limits(max_entries=10),
    ),
    ZipCase(
        "path_traversal.zip",
        lambda: _zip({"../../etc/cron.d/evil": DOC}),
        "zip.unsafe-path",
        "../../etc/cron.d/evil",
    ),
    ZipCase(
        "absolute_path.zip",
        lambda: _zip({"/etc/passwd": DOC}),
        "zip.unsafe-path",
        "/etc/passwd",
    ),
    ZipCase(
        "drive_letter.zip",
        lambda: _entry("C:\\Windows\\Telling.eml.xml"),
        "zip.unsafe-path",
        "C:\\Windows\\Telling.eml.xml",
    ),
    ZipCase("nested_too_deep.zip", lambda: _nested(6), "zip.too-deep", "deel1.zip"),
    ZipCase(
        "corrupt.zip",
        lambda: b"PK\x03\x04" + b"not really a zip" * 20,
        "zip.corrupt",
        "",
    ),
    ZipCase("truncated.zip", _truncated, "zip.corrupt", ""),
    ZipCase("bad_crc.zip", _bad_crc, "zip.corrupt", "Telling.eml.xml"),
    ZipCase(
        "encrypted.zip",
        lambda: _entry("Telling.eml.xml", flags=0x1),
        "zip.encrypted",
        "Telling.eml.xml",
    ),
    ZipCase(
        "symlink.zip",
        lambda: _entry("Telling.eml.xml", attr=(stat.S_IFLNK | 0o777) << 16),
        "zip.symlink",
        "Telling.eml.xml",
    ),
    ZipCase(
        "duplicate_entry.zip",
        lambda: _zip([("Telling.eml.xml", DOC), ("Telling.eml.xml", b"<Other/>")]),
        "zip.duplicate-entry",
        "Telling.eml.xml",
    ),
    ZipCase(
        "unknown_method.zip",
        _unknown_method,
        "zip.unsupported-compression",
        "Telling.eml.xml",
    ),
]


@pytest.mark.parametrize("case", ZIP_CASES, ids=lambda case: case.name)
def test_a_bad_zip_gives_its_problem(case: ZipCase, tmp_path: Path) -> None:
    path = tmp_path / case.name
    path.write_bytes(case.build())

    items = list(iter_sources([path], limits=case.limits))

    problems = [item for item in items if isinstance(item, Problem)]
    assert [p.code for p in problems] == [case.code]
    problem = problems[0]
    assert problem.source.startswith(str(path))
    assert problem.source.endswith(f"!{case.entry}" if case.entry else ".zip")
    assert str(path) in problem.message or case.entry in problem.message
    assert problem.message.endswith(".")


def test_a_bomb_is_abandoned_after_little_reading() -> None:
    """The 8 MiB bomb stops once it passes the ratio floor, not at its end."""
    limits = Limits(ratio_floor=64 * 1024, max_ratio=50)

    items = list(iter_data("bomb.zip", _bomb(), limits=limits))

    assert [getattr(item, "code", None) for item in items] == ["zip.ratio"]


def test_good_entries_beside_a_bad_one_are_still_read() -> None:
    data = _zip({"../escape.xml": DOC, "a.xml": DOC, "b.xml": DOC})

    items = list(iter_data("mixed.zip", data))

    assert [getattr(i, "name", getattr(i, "code", None)) for i in items] == [
        "zip.unsafe-path",
        "mixed.zip!a.xml",
        "mixed.zip!b.xml",
    ]


def test_the_zip_corpus_has_at_least_twelve_cases() -> None:
    assert len(ZIP_CASES) + len(CSV_CASES) >= 12
    assert len({case.name for case in ZIP_CASES}) == len(ZIP_CASES)


ZIP_DIR = Path(__file__).parent / "badinput" / "zip"
COMMITTED_ZIPS = sorted(path.name for path in ZIP_DIR.glob("*.zip"))


@pytest.mark.parametrize("name", COMMITTED_ZIPS)
def test_each_committed_bad_zip_gives_the_problem_of_its_builder(name: str) -> None:
    """The small hostile zips are also kept as files, for other tools."""
    case = next(case for case in ZIP_CASES if case.name == name)

    items = list(iter_sources([ZIP_DIR / name], limits=case.limits))

    problems = [item for item in items if isinstance(item, Problem)]
    assert [problem.code for problem in problems] == [case.code]
    assert (ZIP_DIR / name).read_bytes() == case.build()
