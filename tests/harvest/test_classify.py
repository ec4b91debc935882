"""The classifier and the link picker, driven by tables of real cases."""

from __future__ import annotations

import pytest

from openuitslag.harvest.classify import Format, classify, find_model, sniff
from openuitslag.harvest.crawl import Link, extract_links, worth_following
from openuitslag.harvest.testing import make_pv_pdf

from .sites import DATA, TK2023_CSV, TK2023_EML, gr2022_csv, member


@pytest.mark.parametrize(
    ("text", "model"),
    [
        ("Model N 10-1 Proces-verbaal", "N 10-1"),
        ("MODEL N10-2", "N 10-2"),
        ("model_na31-2.pdf", "Na 31-2"),
        ("Model Na 14-1 versie 2", "Na 14-1"),
        ("Na 14-2 Bijlage 1", "Na 14-2"),
        ("Model O 7", "O 7"),
        ("P22-1_Kiesraad.pdf", "P 22-1"),
        ("Model_P22-2_bijlage.pdf", "P 22-2"),
        ("Model N 10-3", None),
        ("uit de processen-verbaal N 10-1 blijkt … Model Na 31-2", "Na 31-2"),
        ("Model P 2a; Na 14-2 Bijlage 1", "Na 14-2"),
        ("postcode 2010 AB", None),
    ],
)
def test_pv_models_are_read_from_text_and_names(text, model):
    assert find_model(text) == model


@pytest.mark.parametrize(
    ("name", "station"),
    [
        ("Model_N10-2_Stembureau_12.pdf", 12),
        ("pv-sb7.pdf", 7),
        ("PV%20stembureau%20nr.%203.PDF", 3),
        ("stb-014.pdf", 14),
    ],
)
def test_station_numbers_are_read_from_file_names(name, station):
    assert (
        classify(f"https://x.nl/{name}", make_pv_pdf("N 10-1", "X")).station == station
    )


def test_station_number_falls_back_to_the_text():
    kind = classify("https://x.nl/scan001.pdf", make_pv_pdf("N 10-1", "Vlieland", 2))
    assert (kind.document_type, kind.station) == ("PV N 10-1", 2)


def test_real_eml_files_by_root_id():
    kinds = {
        name: classify(name, member(TK2023_EML, name))
        for name in (
            "Verkiezingsdefinitie_TK2023.eml.xml",
            "Kandidatenlijsten_TK2023_Utrecht.eml.xml",
            "Telling_TK2023_gemeente_Alblasserdam.eml.xml",
        )
    }
    assert [k.document_type for k in kinds.values()] == [
        "EML 110a",
        "EML 230b",
        "EML 510b",
    ]
    assert {k.election for k in kinds.values()} == {"TK2023"}


def test_real_csvs_by_header_whatever_their_name():
    tk = classify("a.bin", member(TK2023_CSV, "osv4-3tellingtk2023kieskringzwolle.csv"))
    gr = classify("a.bin", gr2022_csv("ameland"))
    assert (tk.document_type, tk.stations) == ("OSV4-3 CSV", ())
    assert (gr.document_type, gr.authority, gr.stations) == (
        "OSV4-3 CSV",
        "0060",
        (1, 2, 3, 4, 100, 200),
    )


@pytest.mark.parametrize(
    ("data", "form"),
    [
        (b"%PDF-1.7\n", Format.PDF),
        (b"PK\x03\x04rest", Format.ZIP),
        (b"\xef\xbb\xbf<?xml version='1.0'?><EML/>", Format.XML),
        (b"<!DOCTYPE html><html></html>", Format.HTML),
        (b"Verkiezing;;X;;\n", Format.CSV),
        (b"\x00\x01\x02", Format.BINARY),
    ],
)
def test_sniffing_ignores_names_and_headers(data, form):
    assert sniff(data) is form


def test_xml_entities_are_not_expanded():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE EML [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<EML xmlns="urn:oasis:names:tc:evs:schema:eml" Id="510b">&b;</EML>'
    )
    assert classify("x.xml", bomb).eml_id == "510b"


def test_other_sites_and_navigation_are_not_followed():
    page = "https://www.gemeente.nl/verkiezingen/tk2023/"
    html = b"""<html><body>
      <a href="/">Home</a> <a href="/contact">Contact</a>
      <a href="stembureaus/">Stembureaus</a>
      <a href="https://elders.nl/nieuws">Nieuws</a>
      <a href="https://cdn.elders.nl/files/pv.pdf">PV</a>
      <a href="/style.css">css</a> <a href="mailto:a@b.nl">mail</a>
      <a href="/uitslagen-archief">Uitslagen archief</a>
    </body></html>"""

    chosen = [
        link.url for link in extract_links(page, html) if worth_following(link, page)
    ]

    assert chosen == [
        "https://www.gemeente.nl/verkiezingen/tk2023/stembureaus/",
        "https://cdn.elders.nl/files/pv.pdf",
        "https://www.gemeente.nl/uitslagen-archief",
    ]
    assert worth_following(Link("https://x.nl/doc?id=1&download=1", ""), page)
    assert DATA.exists()
