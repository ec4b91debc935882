"""Five municipal websites, each built the way real ones are, from real data.

Each builder fills a :class:`Site` and returns what a harvest must find
there: (document type, station number or None) pairs. Files come from the
bundled zips in ``data/``; PVs are generated PDFs (one a scan without a
text layer, so it needs OCR).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from openuitslag.harvest.testing import Site, make_pv_pdf, redirect_to

DATA = Path(__file__).resolve().parents[2] / "data"
TK2023_EML = DATA / "TK2023" / "EML_bestanden_TK2023_selectie.zip"
TK2023_CSV = DATA / "TK2023" / "osv4-3_csv_TK2023.zip"
GR2022_CSV = DATA / "GR2022" / "osv4-3_csv_GR2022.zip"

Expected = set[tuple[str, int | None]]

# The stembureaus in Alblasserdam's real 510b; its site lacks the PV of 19.
ALBLASSERDAM_STATIONS = (1, 3, 5, 6, 7, 9, 11, 12, 14, 15, 18, 19)


def member(archive: Path, name: str) -> bytes:
    """Return one file of a bundled zip."""
    with zipfile.ZipFile(archive) as z:
        return z.read(name)


def gr2022_csv(slug: str) -> bytes:
    """Return the real GR2022 OSV4-3 CSV of a Frisian municipality."""
    return member(GR2022_CSV, f"02_Fryslan/osv4-3_telling_gr2022_{slug}.csv")


def flat_list(site: Site) -> Expected:
    """Alblasserdam, TK2023: one page, every file linked from it."""
    site.put(
        "/uitslag/Telling_TK2023_gemeente_Alblasserdam.eml.xml",
        member(TK2023_EML, "Telling_TK2023_gemeente_Alblasserdam.eml.xml"),
        "application/xml",
    )
    site.put(
        "/uitslag/Model_Na31-2.pdf",
        make_pv_pdf("Na 31-2", "Alblasserdam"),
        "application/pdf",
    )
    links = [
        ("/uitslag/Telling_TK2023_gemeente_Alblasserdam.eml.xml", "Telling (EML)"),
        ("/uitslag/Model_Na31-2.pdf", "Proces-verbaal gemeentelijk stembureau"),
        ("/contact", "Contact"),
        ("/", "Home"),
    ]
    expected: Expected = {("EML 510b", None), ("PV Na 31-2", None)}
    for n in ALBLASSERDAM_STATIONS[:-1]:
        path = f"/uitslag/Model_N10-2_Stembureau_{n}.pdf"
        site.put(path, make_pv_pdf("N 10-2", "Alblasserdam", n), "application/pdf")
        links.append((path, f"Stembureau {n}"))
        expected.add(("PV N 10-2", n))
    site.page("/uitslag/", "Uitslag Tweede Kamerverkiezing 2023", links)
    site.page("/contact", "Contact", [])
    return expected


def nested_pages(site: Site) -> Expected:
    """Rotterdam, TK2023: an index, a CSV, and a page per district of PVs."""
    site.put(
        "/verkiezingen/tk2023/osv4-3_telling_tk2023_gemeente_rotterdam.csv",
        member(TK2023_CSV, "osv4-3_telling_tk2023_gemeente_rotterdam.csv"),
        "text/csv",
    )
    expected: Expected = {("OSV4-3 CSV", None)}
    districts = {"noord": (1, 4, 5), "zuid": (6, 7, 8)}
    links = [
        ("/verkiezingen/tk2023/osv4-3_telling_tk2023_gemeente_rotterdam.csv", "CSV")
    ]
    for district, stations in districts.items():
        sub = f"/verkiezingen/tk2023/{district}/"
        pv_links = []
        for n in stations:
            path = f"/verkiezingen/tk2023/{district}/pv-sb{n}.pdf"
            site.put(path, make_pv_pdf("N 10-1", "Rotterdam", n), "application/pdf")
            pv_links.append((path, f"Stembureau {n}"))
            expected.add(("PV N 10-1", n))
        pv_links.append((f"/verkiezingen/tk2023/{district}/meer/", "Meer"))
        site.page(f"/verkiezingen/tk2023/{district}/meer/", "Te diep", [])
        site.page(sub, f"Stembureaus {district}", pv_links)
        links.append((sub, f"Processen-verbaal {district}"))
    site.page("/verkiezingen/tk2023/", "Uitslagen Rotterdam", links)
    return expected


def zips(site: Site) -> Expected:
    """Vlieland, GR2022: one zip with the CSV, the PVs and a nested zip."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("pv/Model_N10-1_sb3.pdf", make_pv_pdf("N 10-1", "Vlieland", 3))
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("osv4-3_telling_gr2022_vlieland.csv", gr2022_csv("vlieland"))
        z.writestr("pv/Model_N10-1_sb1.pdf", make_pv_pdf("N 10-1", "Vlieland", 1))
        z.writestr("pv/Model_N10-1_sb2.pdf", make_pv_pdf("N 10-1", "Vlieland", 2))
        z.writestr("pv/Model_Na31-1.pdf", make_pv_pdf("Na 31-1", "Vlieland"))
        z.writestr("__MACOSX/._osv4-3.csv", b"junk")
        z.writestr("pv/extra.zip", inner.getvalue())
    site.put("/gr2022/alles.zip", outer.getvalue(), "application/zip")
    site.page(
        "/gr2022/", "Verkiezingsuitslag 2022", [("/gr2022/alles.zip", "Alle stukken")]
    )
    return {
        ("zip", None),
        ("OSV4-3 CSV", None),
        ("PV N 10-1", 1),
        ("PV N 10-1", 2),
        ("PV N 10-1", 3),
        ("PV Na 31-1", None),
    }


def cms_query_strings(site: Site) -> Expected:
    """Ameland, GR2022: CMS download URLs and wrong Content-Types."""
    files = {
        "/index.php?option=com_docman&task=doc_download&gid=17": (
            gr2022_csv("ameland"),
            "text/html",
        ),
        "/document.aspx?id=4711&download=1": (
            make_pv_pdf("Na 31-1", "Ameland"),
            "application/octet-stream",
        ),
    }
    expected: Expected = {("OSV4-3 CSV", None), ("PV Na 31-1", None)}
    for n in (1, 2, 3, 4):
        files[f"/document.aspx?id={4800 + n}&download=1"] = (
            make_pv_pdf("N 10-1", "Ameland", n),
            "text/plain",
        )
        expected.add(("PV N 10-1", n))
    for path, (body, content_type) in files.items():
        site.put(path, body, content_type)

    # A download link that redirects to where the CMS keeps the file.
    moved = "/document.aspx?id=4805&download=1"
    site.put(moved, b"", behaviour=redirect_to("/media/2022/03/pv-5.pdf"))
    site.put("/media/2022/03/pv-5.pdf", make_pv_pdf("N 10-1", "Ameland", 5), "")
    expected.add(("PV N 10-1", 5))
    files[moved] = (b"", "")

    links = [(path.replace("&", "&amp;"), "Download") for path in files]
    site.page("/bestuur/verkiezingen?page=uitslag&jaar=2022", "Uitslag", links)
    return expected


def odd_file_names(site: Site) -> Expected:
    """Schiermonnikoog, GR2022: names that say little, and a scanned PV."""
    site.put(
        "/files/uitslag%20definitief(1).CSV", gr2022_csv("schiermonnikoog"), "text/csv"
    )
    site.put(
        "/files/Scan%202022-03-17%20(2).pdf",
        make_pv_pdf("N 10-1", "Schiermonnikoog", 1, scanned=True),
        "application/pdf",
    )
    site.put(
        "/files/Proces-verbaal%20%E2%80%93%20GSB.PDF",
        make_pv_pdf("Na 31-1", "Schiermonnikoog"),
        "application/pdf",
    )
    site.page(
        "/verkiezingen-2022",
        "Verkiezingen",
        [
            ("files/uitslag%20definitief(1).CSV", "uitslag"),
            ("files/Scan%202022-03-17%20(2).pdf", "scan"),
            ("files/Proces-verbaal%20%E2%80%93%20GSB.PDF", "pv"),
        ],
    )
    return {("OSV4-3 CSV", None), ("PV N 10-1", 1), ("PV Na 31-1", None)}


# (municipality code, election, entry path, builder)
SITES = [
    ("0482", "TK2023", "/uitslag/", flat_list),
    ("0599", "TK2023", "/verkiezingen/tk2023/", nested_pages),
    ("0096", "GR2022", "/gr2022/", zips),
    (
        "0060",
        "GR2022",
        "/bestuur/verkiezingen?page=uitslag&jaar=2022",
        cms_query_strings,
    ),
    ("0088", "GR2022", "/verkiezingen-2022", odd_file_names),
]
