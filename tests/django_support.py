"""What the Django test suites (portal, api, meldingen) share.

Each suite imports the bundled real files into the test database through
the portal's own importer, in a data folder of its own; the helpers here
name those files and point the portal at such a folder, so that the
suites' conftests only say what differs between them.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openuitslag.portal.settings")
django.setup()

from openuitslag.core.sources import Source  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
TK2021 = DATA / "TK2021" / "EML_bestanden_TK2021_deel_1.zip"
TK2023 = DATA / "TK2023" / "EML_bestanden_TK2023_selectie.zip"
GR2022 = DATA / "GR2022" / "osv4-3_csv_GR2022.zip"
TK2021_MEMBERS = (
    "Verkiezingsdefinitie_TK2021.eml.xml",
    "Kandidatenlijsten_TK2021_Amsterdam.eml.xml",
    "Telling_TK2021_kieskring_Amsterdam.eml.xml",
    "Totaaltelling_TK2021.eml.xml",
    "Resultaat_TK2021.eml.xml",
)
GR2022_MEMBERS = (
    "01_Groningen/osv4-3_telling_gr2022_pekela.csv",
    "09_Zuid-Holland/osv4-3_telling_gr2022_alblasserdam.csv",
)
STATIC_PLAIN = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def members(archive: Path, names: tuple[str, ...]) -> list[Source]:
    """Return files of a bundled zip as sources named as the walker does."""
    with zipfile.ZipFile(archive) as opened:
        return [Source(f"{archive.name}!{name}", opened.read(name)) for name in names]


def sample_sources() -> list[Source]:
    """Return the real files the portal and API suites import beside TK2023."""
    return members(TK2021, TK2021_MEMBERS) + members(GR2022, GR2022_MEMBERS)


def read_member(archive: Path, name: str) -> bytes:
    """Return the bytes of one member of a bundled zip."""
    with zipfile.ZipFile(archive) as opened:
        return opened.read(name)


@contextmanager
def portal_settings_for(data_dir: Path) -> Iterator[None]:
    """Point the portal at a data folder, with plain static files."""
    from django.test import override_settings

    with override_settings(
        DATA_DIR=data_dir,
        FILES_DIR=data_dir / "files",
        STORAGES=STATIC_PLAIN,
        ALLOWED_HOSTS=["testserver", "127.0.0.1", "localhost"],
    ):
        yield


def forget_imports() -> None:
    """Remove every imported row, so the next suite imports into its own
    data folder (the test database is shared by the whole session)."""
    from openuitslag.portal import models as m

    m.Election.objects.all().delete()
    m.Document.objects.all().delete()
