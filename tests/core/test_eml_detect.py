"""The kind of a document comes from its content, never from its name."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from openuitslag.core.detect import looks_like_xml, sniff_kind
from openuitslag.core.model import DocumentKind
from openuitslag.core.read import read_document

DATA = Path(__file__).resolve().parents[2] / "data"
TK2021 = DATA / "TK2021" / "EML_bestanden_TK2021_deel_1.zip"
TK2023_CSV = DATA / "TK2023" / "osv4-3_csv_TK2023.zip"

EXAMPLES = [
    ("Resultaat_TK2021.eml.xml", DocumentKind.EML_520),
    ("Totaaltelling_TK2021.eml.xml", DocumentKind.EML_510D),
    ("Telling_TK2021_kieskring_Lelystad.eml.xml", DocumentKind.EML_510C),
    ("Kandidatenlijsten_TK2021_Assen.eml.xml", DocumentKind.EML_230B),
    ("Verkiezingsdefinitie_TK2021.eml.xml", DocumentKind.EML_110A),
]


@pytest.mark.parametrize(("entry", "kind"), EXAMPLES)
def test_the_kind_is_sniffed_and_read_from_the_content(
    entry: str, kind: DocumentKind
) -> None:
    with zipfile.ZipFile(TK2021) as bundle:
        data = bundle.read(entry)

    assert sniff_kind(data) is kind
    # A misleading name changes nothing.
    assert read_document(data, "Resultaat_renamed.csv").info.kind is kind


def test_an_osv_csv_is_recognised_and_read() -> None:
    with zipfile.ZipFile(TK2023_CSV) as bundle:
        name = sorted(n for n in bundle.namelist() if n.endswith(".csv"))[0]
        data = bundle.read(name)

    assert not looks_like_xml(data)
    assert sniff_kind(data) is DocumentKind.OSV4_3
    assert read_document(data, name).info.kind is DocumentKind.OSV4_3


@pytest.mark.parametrize(
    "data",
    [b"", b"hello", b"\xff\xfe\x00", b"<html><body>not EML</body></html>"],
)
def test_other_bytes_have_no_kind(data: bytes) -> None:
    assert sniff_kind(data) is None
