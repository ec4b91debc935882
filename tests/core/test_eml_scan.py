"""The byte scan of 510 selections agrees with the tree, and is not fooled.

:mod:`openuitslag.core.eml.scan` cuts plain selections out before parsing
(or, failing that, finds them with one regex pass over a parsed
document). These tests read the same documents with and without it, and
feed it documents made to trick it into accepting what a full parse
refuses, or into reading a number from the wrong place.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np
import pytest
from lxml import etree

from openuitslag.core import read
from openuitslag.core.eml import scan
from openuitslag.core.eml.xml import make_parser
from openuitslag.core.errors import ReadError
from openuitslag.core.model import Count
from openuitslag.core.read import read_document

DATA = Path(__file__).resolve().parents[2] / "data"
TK2021 = DATA / "TK2021" / "EML_bestanden_TK2021_deel_1.zip"
TK2023 = DATA / "TK2023" / "EML_bestanden_TK2023_selectie.zip"
BASE = Path(__file__).parent / "badinput" / "eml" / "valid_510b.xml"
# The Kiesraad writes its files on one line; only then are selections cut
# out before parsing, so the tricks are tried on both layouts.
ONE_LINE = re.sub(rb">\s+<", b"><", BASE.read_bytes())
LAYOUTS = {"pretty": BASE.read_bytes(), "one line": ONE_LINE}
FAKE = (
    '<Selection><Candidate><CandidateIdentifier Id="2"/></Candidate>'
    "<ValidVotes>999999</ValidVotes></Selection>"
)


def _read(data: bytes, *, scanning: bool, monkeypatch: pytest.MonkeyPatch) -> Count:
    with monkeypatch.context() as patch:
        if not scanning:
            patch.setattr(scan.SelectionScan, "of", classmethod(lambda *_: None))
            patch.setattr(read, "reduce", lambda _: None)
        document = read_document(data, "doc.xml")
    assert isinstance(document, Count)
    return document


def _same(one: Count, other: Count) -> None:
    for mine, theirs in zip(one.contests, other.contests, strict=True):
        for a, b in ((mine.unit_tally, theirs.unit_tally), (mine.total, theirs.total)):
            assert a is not None and b is not None
            np.testing.assert_array_equal(a.votes, b.votes)
            np.testing.assert_array_equal(a.counters, b.counters)


@pytest.mark.parametrize(
    ("archive", "entry"),
    [
        (TK2023, "Telling_TK2023_gemeente_Alblasserdam.eml.xml"),
        (TK2021, "Telling_TK2021_kieskring_Lelystad.eml.xml"),
        (TK2021, "Telling_TK2021_kieskring_Groningen.eml.xml"),
    ],
)
def test_scan_and_tree_read_the_same_numbers(
    archive: Path, entry: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with zipfile.ZipFile(archive) as bundle:
        data = bundle.read(entry)
    root = etree.fromstring(data, make_parser())

    assert scan.SelectionScan.of(data, root) is not None
    _same(
        _read(data, scanning=True, monkeypatch=monkeypatch),
        _read(data, scanning=False, monkeypatch=monkeypatch),
    )


TRICKS = {
    "a fake selection in a comment": lambda text: text.replace(
        "<Selection>", f"<!-- {FAKE} --><Selection>", 1
    ),
    "a fake selection in CDATA": lambda text: text.replace(
        "<ContestName>Dordrecht", f"<ContestName><![CDATA[{FAKE}]]>Dordrecht", 1
    ),
    "a second default namespace": lambda text: text.replace(
        "<Contest>", '<Contest xmlns="urn:oasis:names:tc:evs:schema:eml">', 1
    ),
    "a foreign default namespace with a prefixed real selection": lambda text: (
        text.replace(
            'xmlns="urn:oasis:names:tc:evs:schema:eml"',
            'xmlns="urn:example:other" xmlns:e="urn:oasis:names:tc:evs:schema:eml"',
        )
        .replace("<", "<e:")
        .replace("<e:/", "</e:")
        .replace("<e:?", "<?")
        .replace("<e:Selection>", "<Selection>", 1)
        .replace("</e:Selection>", "</Selection>", 1)
    ),
    "a processing instruction": lambda text: text.replace(
        "<Selection>", f"<?x {FAKE}?><Selection>", 1
    ),
    "a selection outside the rows": lambda text: text.replace(
        "<TotalVotes>", f"<TotalVotes><Extra>{FAKE}</Extra>", 1
    ),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("trick", sorted(TRICKS))
def test_tricks_do_not_fool_the_scan(
    trick: str, layout: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = LAYOUTS[layout].decode()
    data = TRICKS[trick](text).encode()
    assert data != text.encode()

    try:
        tricked = _read(data, scanning=True, monkeypatch=monkeypatch)
    except ReadError:
        return  # refusing the file is fine too
    honest = _read(text.encode(), scanning=True, monkeypatch=monkeypatch)
    _same(tricked, honest)
    assert 999_999 not in tricked.contests[0].unit_tally.votes


def test_a_one_line_file_is_cut_down_before_parsing() -> None:
    reduction = scan.reduce(ONE_LINE)

    assert reduction is not None
    assert len(reduction.votes) == 18
    assert reduction.data.count(b"<Selection/>") == 18


def test_a_pretty_printed_file_is_scanned_too() -> None:
    data = BASE.read_bytes()
    root = etree.fromstring(data, make_parser())

    found = scan.SelectionScan.of(data, root)
    assert found is not None
    assert len(found.votes) == 18  # 3 rows of 6 selections


UNIT_LIST_NAME = "<RegisteredName>VVD</RegisteredName>"


@pytest.mark.parametrize(
    ("trick", "code"),
    [
        ("V\xe9D", "xml.encoding"),  # Latin-1 byte in a UTF-8 document
        ("V&bogus;D", "xml.not-well-formed"),  # undefined entity
        ("V\x01D", "xml.not-well-formed"),  # not an XML character
    ],
)
def test_what_is_cut_out_is_still_checked(trick: str, code: str) -> None:
    at = ONE_LINE.index(
        UNIT_LIST_NAME.encode(), ONE_LINE.index(b"<ReportingUnitVotes>")
    )
    broken = (
        ONE_LINE[:at]
        + f"<RegisteredName>{trick}</RegisteredName>".encode("latin-1")
        + ONE_LINE[at + len(UNIT_LIST_NAME) :]
    )

    with pytest.raises(ReadError) as caught:
        read_document(broken, "broken.xml")
    assert caught.value.problems[0].code == code


def test_real_counts_are_read_from_the_reduced_document() -> None:
    with zipfile.ZipFile(TK2023) as bundle:
        data = bundle.read("Telling_TK2023_gemeente_Alblasserdam.eml.xml")
    reduction = scan.reduce(data)

    assert reduction is not None
    assert len(reduction.data) < len(data) // 5
    assert len(reduction.votes) == 13 * 1019
