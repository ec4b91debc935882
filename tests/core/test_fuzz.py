"""Fuzz the readers: damaged real documents never crash them.

Whatever bytes arrive, a reader either returns a document or raises
:class:`ReadError` with problems; any other exception is a bug in
openuitslag. The inputs are small real documents (the Pekela CSV extract,
the PS2023/AB2023 definitions, a real kieskring CSV) mutated the way files
get damaged in the wild (flipped bytes, truncation, rows or elements lost
or repeated) plus wholly random CSV and XML.

The run is short and repeatable (``derandomize``) so it fits the test
command. For a longer hunt, set ``FUZZ_EXAMPLES`` (say 5000) and
``FUZZ_RANDOM=1`` (new random inputs each run) in the environment.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openuitslag.core.errors import Problem, ReadError
from openuitslag.core.model import Count
from openuitslag.core.osv import read_osv
from openuitslag.core.sources import Limits, Source, iter_data, iter_sources

HERE = Path(__file__).parent
DATA = HERE.parents[1] / "data"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _from_zip(archive: Path, suffix: str) -> bytes:
    with zipfile.ZipFile(archive) as opened:
        name = next(n for n in opened.namelist() if n.endswith(suffix))
        return opened.read(name)


CSV_SEEDS = [
    (HERE / "badinput" / "csv" / "valid_pekela_extract.csv").read_bytes(),
    _from_zip(DATA / "GR2022" / "osv4-3_csv_GR2022.zip", "gr2022_vlieland.csv"),
]
XML_SEEDS = [
    _from_zip(
        DATA / "PS2023_AB2023" / "Verkiezingsdefinities_PS2023_AB2023.zip",
        "Verkiezingsdefinitie_PS2023_Drenthe.eml.xml",
    ),
    _from_zip(
        DATA / "PS2023_AB2023" / "Verkiezingsdefinities_PS2023_AB2023.zip",
        "Verkiezingsdefinitie_AB2023_Limburg.eml.xml",
    ),
]


# -- mutations ------------------------------------------------------------


@st.composite
def _flipped(draw: st.DrawFn, seed: bytes) -> bytes:
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data) - 1))
        data[at] ^= draw(st.integers(1, 255))
    return bytes(data)


@st.composite
def _truncated(draw: st.DrawFn, seed: bytes) -> bytes:
    return seed[: draw(st.integers(0, len(seed) - 1))]


@st.composite
def _pieces_moved(draw: st.DrawFn, seed: bytes, separator: bytes) -> bytes:
    """Remove or repeat a run of rows (CSV) or elements (XML)."""
    pieces = seed.split(separator)
    start = draw(st.integers(0, len(pieces) - 1))
    end = draw(st.integers(start, min(len(pieces), start + 5)))
    if draw(st.booleans()):
        pieces[start:end] = []
    else:
        pieces[start:end] = pieces[start:end] * 2
    return separator.join(pieces)


def _mutated(seeds: list[bytes], separator: bytes) -> st.SearchStrategy[bytes]:
    seed = st.sampled_from(seeds)
    return st.one_of(
        seed.flatmap(_flipped),
        seed.flatmap(_truncated),
        seed.flatmap(lambda s: _pieces_moved(s, separator)),
    )


_cell = st.one_of(
    st.integers(-5, 10**20).map(str),
    st.sampled_from(
        [
            "",
            "Verkiezing",
            "Lijstnummer",
            "Gebiednummer",
            "opgeroepenen",
            "Totaal",
            '"',
        ]
    ),
    st.text(max_size=8),
)
_random_csv = st.lists(st.lists(_cell, max_size=9), max_size=25).map(
    lambda rows: "\n".join(";".join(row) for row in rows).encode("utf-8", "replace")
)
_random_osv = _random_csv.map(
    lambda body: (
        b"\xef\xbb\xbfVerkiezing;;Gemeenteraad X 2022\nDatum;;2022-03-16\n"
        b"Gebied;;Gemeente X\nNummer;;0001\n"
        b"Lijstnummer;Aanduiding;Volgnummer;Naam kandidaat;Totaal;A;B\n" + body
    )
)


def _random_xml() -> st.SearchStrategy[bytes]:
    names = st.sampled_from(
        ["EML", "Count", "Election", "Contest", "Selection", "ValidVotes", "Cast"]
    )
    leaf = st.one_of(st.text(max_size=6), st.integers(-3, 99).map(str))
    tree = st.recursive(
        leaf,
        lambda children: st.tuples(names, st.lists(children, max_size=4)).map(
            lambda pair: f"<{pair[0]}>{''.join(pair[1])}</{pair[0]}>"
        ),
        max_leaves=20,
    )
    head = (
        '<?xml version="1.0"?><EML xmlns="urn:oasis:names:tc:evs:schema:eml" Id="510b">'
    )
    return tree.map(lambda body: (head + body + "</EML>").encode())


# -- the targets ----------------------------------------------------------


def _reads_or_refuses(reader: Callable[[bytes, str], object], data: bytes) -> None:
    try:
        reader(data, "fuzz.bin")
    except ReadError as error:
        assert error.problems, "a ReadError must say what is wrong"


@FUZZ
@given(_mutated(CSV_SEEDS, b"\n") | _random_osv | _random_csv)
def test_read_osv_returns_a_count_or_raises_read_error(data: bytes) -> None:
    try:
        count = read_osv(data, "fuzz.csv")
    except ReadError as error:
        assert error.problems
        return
    assert isinstance(count, Count)
    contest = count.contests[0]
    assert contest.unit_tally.votes.shape == (
        len(contest.units),
        len(contest.list_numbers),
    )
    assert (contest.unit_tally.votes >= 0).all()


@FUZZ
@given(
    st.sampled_from(CSV_SEEDS + XML_SEEDS).flatmap(
        lambda seed: st.sampled_from([_zip(seed), _zip(_zip(seed))]).flatmap(
            lambda archive: st.one_of(_flipped(archive), _truncated(archive))
        )
    )
)
def test_damaged_zips_give_sources_or_problems(data: bytes) -> None:
    limits = Limits(max_entry_bytes=1 << 20, max_total_bytes=1 << 21)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.zip"
        path.write_bytes(data)
        from_disk = list(iter_sources([path], limits=limits))

    in_memory = list(iter_data(str(path), data, limits=limits))

    assert list(map(_outline, from_disk)) == list(map(_outline, in_memory))
    assert all(isinstance(item, Source | Problem) for item in in_memory)
    for item in in_memory:
        if isinstance(item, Source):
            assert len(item.data) <= limits.max_entry_bytes


def _outline(item: Source | Problem) -> tuple[str, str]:
    """Return what must agree from disk and from memory (not OS wording)."""
    if isinstance(item, Problem):
        return (item.code, item.source)
    return ("source", item.name)


def _zip(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(
            "deel/Telling.eml.xml", date_time=(2023, 11, 22, 0, 0, 0)
        )
        archive.writestr(info, data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


@FUZZ
@given(
    _mutated(XML_SEEDS, b"><")
    | _mutated(CSV_SEEDS, b"\n")
    | _random_xml()
    | _random_osv
)
def test_read_document_returns_a_document_or_raises_read_error(data: bytes) -> None:
    read = pytest.importorskip("openuitslag.core.read")

    _reads_or_refuses(read.read_document, data)
