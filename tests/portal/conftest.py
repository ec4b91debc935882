"""Fixtures for the portal: a test database holding real bundled data.

The suite runs on SQLite by default and again on PostgreSQL: set
``DATABASE_URL`` (``test_postgres.py`` does so in a child pytest). The
real files are imported once per session into the test database, through
the same import the command line uses; every test then runs in a
transaction that is rolled back.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import django
import pytest

# The portal's settings; the data folder is a temporary one per session.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openuitslag.portal.settings")
django.setup()

from openuitslag.core.sources import Source  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
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
    """Return the real files every portal test can rely on."""
    return members(TK2021, TK2021_MEMBERS) + members(GR2022, GR2022_MEMBERS)


@pytest.fixture(scope="session")
def portal_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the session's data folder (stored files, generation)."""
    return tmp_path_factory.mktemp("portal-data")


@pytest.fixture(scope="session", autouse=True)
def portal_settings(portal_data_dir: Path) -> Iterator[None]:
    """Point the portal at the session's data folder; plain static files."""
    from django.test import override_settings

    with override_settings(
        DATA_DIR=portal_data_dir,
        FILES_DIR=portal_data_dir / "files",
        STORAGES=STATIC_PLAIN,
        ALLOWED_HOSTS=["testserver", "127.0.0.1", "localhost"],
    ):
        yield


@pytest.fixture(scope="session")
def django_db_setup(
    django_db_setup: None,
    django_db_blocker: pytest.FixtureRequest,
    portal_settings: None,
) -> dict[str, object]:
    """Create the test database and import the real sample into it once."""
    from openuitslag.portal.importer import import_paths

    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        summary = import_paths([TK2023], extra=sample_sources())
    assert summary.ok, [str(p) for p in summary.problems]
    return {"summary": summary}


@pytest.fixture
def imported(django_db_setup: dict[str, object], db: None) -> dict[str, object]:
    """Give a test the database with the real sample imported."""
    return django_db_setup
