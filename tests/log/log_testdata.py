"""Helpers for the log tests: the real Kiesraad files and their metadata."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path

from openuitslag.log import EntryMeta

DATA = Path(__file__).resolve().parents[2] / "data"
FOUND = datetime(2023, 11, 23, 1, 2, 3, tzinfo=UTC)


def real_files() -> list[tuple[str, bytes]]:
    """Return (name, bytes) of the files in the bundled TK2023 selection."""
    with zipfile.ZipFile(DATA / "TK2023" / "EML_bestanden_TK2023_selectie.zip") as z:
        return [(i.filename, z.read(i)) for i in z.infolist() if not i.is_dir()]


def meta_for(name: str, version: int = 1) -> EntryMeta:
    """Return plausible metadata for a bundled file."""
    return EntryMeta(
        election="TK2023",
        authority="Kiesraad",
        document_type="EML" if name.endswith(".xml") else "notes",
        source_url=f"https://data.overheid.nl/tk2023/{name}",
        found_at=FOUND,
        version=version,
    )
