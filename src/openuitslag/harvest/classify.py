"""Say what a downloaded file is, from its bytes.

Municipal sites name their files any way they like and their servers send
whatever Content-Type their CMS guesses (``application/octet-stream`` for
a PDF, ``text/html`` for a CSV), so the harvester decides from content:

- EML_NL XML by the root element's ``Id`` (110a, 110b, 230b, 510b, …),
  with its election, authority and, for 110b and 510x, its stembureaus;
- OSV4-3 CSV by its header block (``Verkiezing``, ``Datum``, ``Gebied``,
  ``Nummer``, then ``Lijstnummer;Aanduiding;…``);
- proces-verbaal PDFs by model (N 10-1 … P 22-2) and stembureau number,
  from the first page's text layer, with OCR (Tesseract, Dutch) for scans
  without one; the file name fills in what the text does not say;
- zips, HTML pages and anything else by their magic bytes.

The XML parser resolves no entities and loads no DTD or network resource.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger("openuitslag.harvest")

EML_NS = "urn:oasis:names:tc:evs:schema:eml"
OCR_TIMEOUT = 120

PV_MODELS: tuple[str, ...] = (
    "N 10-1",
    "N 10-2",
    "Na 14-1",
    "Na 14-2",
    "Na 31-1",
    "Na 31-2",
    "O 7",
    "P 22-1",
    "P 22-2",
)

_MODEL_PATTERN = (
    r"(?<![A-Za-z0-9])(?P<letters>Na|N|O|P)[\s_.]?(?P<number>\d{1,2})"
    r"(?:\s?[-‑–_.]\s?(?P<part>\d))?(?!\d)"
)
_MODEL = re.compile(_MODEL_PATTERN, re.IGNORECASE)
_TITLED_MODEL = re.compile(r"model[\s_.:-]*" + _MODEL_PATTERN, re.IGNORECASE)
_STATION_IN_NAME = re.compile(
    r"(?:stembureau|stemlokaal|stb|sb)[\s_\-.]*(?:nr|nummer|no)?[\s_\-.]*(\d{1,4})"
    r"(?!\d)",
    re.IGNORECASE,
)
_STATION_IN_TEXT = re.compile(
    r"stembureau\s*(?:nummer|nr\.?|no\.?)?\s*:?\s*(\d{1,4})(?!\d)", re.IGNORECASE
)
_SAFE_XML = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)


class Format(StrEnum):
    """What the bytes look like, whatever the server said."""

    PDF = "pdf"
    ZIP = "zip"
    XML = "xml"
    HTML = "html"
    CSV = "csv"
    TEXT = "text"
    BINARY = "binary"


@dataclass(frozen=True)
class Classification:
    """What a file is, as far as its content tells.

    ``document_type`` is the label users and the log see: ``EML 510b``,
    ``OSV4-3 CSV``, ``PV Na 31-2``, ``zip``, ``HTML page`` or ``other``.
    ``stations`` lists the stembureau numbers a 110b, 510b or CSV covers.
    """

    format: Format
    document_type: str
    eml_id: str | None = None
    model: str | None = None
    election: str | None = None
    authority: str | None = None
    station: int | None = None
    stations: tuple[int, ...] = ()
    ocr: bool = False

    @property
    def is_document(self) -> bool:
        """Say whether this is an election document worth keeping."""
        return self.format is Format.ZIP or self.document_type.startswith(
            ("EML", "OSV4-3", "PV")
        )

    @property
    def is_count(self) -> bool:
        """Say whether the file carries vote counts (510x or CSV)."""
        return bool(self.eml_id and self.eml_id.startswith("510")) or (
            self.document_type == "OSV4-3 CSV"
        )


def sniff(data: bytes) -> Format:
    """Return the format the bytes are in, by magic and shape."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    lower = head[:512].lower()
    if head.startswith(b"%PDF-"):
        return Format.PDF
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return Format.ZIP
    if lower.startswith((b"<!doctype html", b"<html")) or b"<html" in lower:
        return Format.HTML
    if lower.startswith(b"<?xml") or lower.startswith(b"<"):
        return Format.XML
    if b"\0" in head:
        return Format.BINARY
    first_line = head.split(b"\n", 1)[0]
    if first_line.count(b";") >= 2 or first_line.count(b",") >= 2:
        return Format.CSV
    return Format.TEXT


def classify(name: str, data: bytes, *, ocr: bool = True) -> Classification:
    """Classify one file; ``name`` is its URL or file name (used as a hint)."""
    form = sniff(data)
    if form is Format.XML:
        return classify_eml(data) or Classification(form, "other")
    if form in (Format.CSV, Format.TEXT):
        return classify_csv(data) or Classification(form, "other")
    if form is Format.PDF:
        return classify_pdf(name, data, ocr=ocr)
    if form is Format.ZIP:
        return Classification(form, "zip")
    if form is Format.HTML:
        return Classification(form, "HTML page")
    return Classification(form, "other")


# -- EML -------------------------------------------------------------------


def classify_eml(data: bytes) -> Classification | None:
    """Return the EML id, election, authority and stembureaus, or None."""
    try:
        root = etree.fromstring(data, _SAFE_XML)
    except etree.XMLSyntaxError:
        return None
    if root.tag != f"{{{EML_NS}}}EML" or not root.get("Id"):
        return None

    eml_id = str(root.get("Id"))
    election = root.find(f".//{{{EML_NS}}}ElectionIdentifier")
    authority = root.find(
        f"{{{EML_NS}}}ManagingAuthority/{{{EML_NS}}}AuthorityIdentifier"
    )
    return Classification(
        Format.XML,
        f"EML {eml_id}",
        eml_id=eml_id,
        election=election.get("Id") if election is not None else None,
        authority=authority.get("Id") if authority is not None else None,
        stations=_eml_stations(root, eml_id),
    )


def _eml_stations(root: etree._Element, eml_id: str) -> tuple[int, ...]:
    numbers: set[int] = set()
    if eml_id == "110b":
        for station in root.iter(f"{{{EML_NS}}}PollingStation"):
            number = str(station.get("Id") or "")
            if number.isdigit():
                numbers.add(int(number))
    elif eml_id.startswith("510"):
        for unit in root.iter(f"{{{EML_NS}}}ReportingUnitIdentifier"):
            tail = str(unit.get("Id") or "").rpartition("::")[2]
            if tail.startswith("SB") and tail[2:].isdigit():
                numbers.add(int(tail[2:]))
    return tuple(sorted(numbers))


# -- OSV4-3 CSV -------------------------------------------------------------


def classify_csv(data: bytes) -> Classification | None:
    """Return an OSV4-3 CSV's election, area code and stations, or None."""
    lines = _decode(data[:200_000]).splitlines()[:40]
    rows = [[cell.strip().strip('"') for cell in line.split(";")] for line in lines]
    if not rows or rows[0][0] != "Verkiezing":
        return None
    header = {row[0]: _first_value(row) for row in rows[:6] if row and row[0]}
    if not any(row[:2] == ["Lijstnummer", "Aanduiding"] for row in rows):
        return None

    stations: tuple[int, ...] = ()
    for row in rows:
        if (
            row
            and row[0] == "Gebiednummer"
            and header.get("Gebied", "").startswith("Gemeente")
        ):
            stations = tuple(sorted({int(c) for c in row[1:] if c.isdigit()}))
    number = header.get("Nummer", "")
    return Classification(
        Format.CSV,
        "OSV4-3 CSV",
        election=header.get("Verkiezing"),
        authority=number.zfill(4) if number.isdigit() else number or None,
        stations=stations,
    )


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _first_value(row: list[str]) -> str:
    return next((cell for cell in row[1:] if cell), "")


# -- PV PDFs -----------------------------------------------------------------


def classify_pdf(name: str, data: bytes, *, ocr: bool = True) -> Classification:
    """Return a PDF's PV model and stembureau number, from text or name."""
    text = first_page_text(data)
    used_ocr = False
    if len(text.strip()) < 20 and ocr:
        text = ocr_first_page(data)
        used_ocr = bool(text.strip())

    model = find_model(text) or find_model(_file_name(name))
    station = find_station(_file_name(name), _STATION_IN_NAME)
    if station is None:
        station = find_station(text, _STATION_IN_TEXT)
    return Classification(
        Format.PDF,
        f"PV {model}" if model else "PDF",
        model=model,
        station=station,
        ocr=used_ocr,
    )


def find_model(text: str) -> str | None:
    """Return the PV model named in ``text``, or None.

    A model written after the word "Model" (as in a PV's title) wins over
    one merely mentioned; otherwise the first known model counts.
    """
    for match in _TITLED_MODEL.finditer(text):
        model = _known_model(match)
        if model:
            return model
    for match in _MODEL.finditer(text):
        model = _known_model(match)
        if model:
            return model
    return None


def _known_model(match: re.Match[str]) -> str | None:
    letters, number, part = match.group("letters", "number", "part")
    letters = letters.capitalize() if letters.lower() == "na" else letters.upper()
    model = f"{letters} {int(number)}" + (f"-{part}" if part else "")
    return model if model in PV_MODELS else None


def find_station(text: str, pattern: re.Pattern[str]) -> int | None:
    """Return the stembureau number ``pattern`` finds in ``text``."""
    match = pattern.search(text)
    return int(match.group(1)) if match else None


def _file_name(name: str) -> str:
    from urllib.parse import unquote

    return unquote(name.rsplit("/", 1)[-1].split("!")[-1])


def first_page_text(data: bytes) -> str:
    """Return the text layer of a PDF's first page ('' if it has none)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        return reader.pages[0].extract_text() or "" if reader.pages else ""
    except (PyPdfError, ValueError, KeyError, IndexError, OSError):
        return ""


def ocr_first_page(data: bytes) -> str:
    """Return Tesseract's reading of the largest image on the first page.

    Scanned PVs are one image per page; Tesseract's Dutch model reads the
    model number and the stembureau from it. Returns '' when Tesseract or
    an image is missing.
    """
    tesseract = shutil.which("tesseract")
    image = _largest_image(data)
    if tesseract is None or image is None:
        return ""

    with tempfile.TemporaryDirectory(prefix="openuitslag-ocr-") as folder:
        path = Path(folder) / "page.png"
        image.save(path)
        try:
            done = subprocess.run(
                [tesseract, str(path), "stdout", "-l", "nld", "--psm", "3"],
                capture_output=True,
                timeout=OCR_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            log.warning("ocr timeout seconds=%d", OCR_TIMEOUT)
            return ""
    return done.stdout.decode("utf-8", errors="replace")


def _largest_image(data: bytes) -> Image.Image | None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        page = PdfReader(io.BytesIO(data)).pages[0]
        images = [img.image for img in page.images if img.image is not None]
    except (PyPdfError, ValueError, KeyError, IndexError, OSError):
        return None
    return max(images, key=lambda i: i.width * i.height, default=None)
