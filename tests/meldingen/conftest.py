"""Fixtures for meldingen: the real sample imported into the test database.

A melding is about real places, so the bundled real files are imported
once per session through the portal's importer; each test runs in a
transaction that is rolled back, with an empty cache (rate limits).
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import django
import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openuitslag.portal.settings")
django.setup()

from openuitslag.core.sources import Source  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
TK2021 = DATA / "TK2021" / "EML_bestanden_TK2021_deel_1.zip"
TK2023 = DATA / "TK2023" / "EML_bestanden_TK2023_selectie.zip"
GR2022 = DATA / "GR2022" / "osv4-3_csv_GR2022.zip"
EXTRA = (
    (TK2021, "Verkiezingsdefinitie_TK2021.eml.xml"),
    (TK2021, "Kandidatenlijsten_TK2021_Amsterdam.eml.xml"),
    (TK2021, "Telling_TK2021_kieskring_Amsterdam.eml.xml"),
    (GR2022, "01_Groningen/osv4-3_telling_gr2022_pekela.csv"),
)
STATIC_PLAIN = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def sources() -> list[Source]:
    """Return the extra real files, named as the walker names them."""
    found = []
    for archive, name in EXTRA:
        with zipfile.ZipFile(archive) as opened:
            found.append(Source(f"{archive.name}!{name}", opened.read(name)))
    return found


@pytest.fixture(scope="package")
def melding_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the session's data folder (stored files, mail)."""
    return tmp_path_factory.mktemp("meldingen-data")


@pytest.fixture(scope="package", autouse=True)
def melding_settings(melding_data_dir: Path) -> Iterator[None]:
    """Point the portal at the session's data folder; plain static files."""
    from django.test import override_settings

    with override_settings(
        DATA_DIR=melding_data_dir,
        FILES_DIR=melding_data_dir / "files",
        STORAGES=STATIC_PLAIN,
        ALLOWED_HOSTS=["testserver", "127.0.0.1", "localhost"],
    ):
        yield


@pytest.fixture(scope="package")
def django_db_setup(
    django_db_setup: None,
    django_db_blocker: pytest.FixtureRequest,
    melding_settings: None,
) -> Iterator[None]:
    """Import the real sample once for this folder's tests; forget it after."""
    from openuitslag.portal.importer import import_paths

    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        forget_imports()
        summary = import_paths([TK2023], extra=sources())
    assert summary.ok, [str(p) for p in summary.problems]
    yield
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        forget_imports()


def forget_imports() -> None:
    """Remove every imported row, so the next suite imports into its own
    data folder (the test database is shared by the whole session)."""
    from openuitslag.portal import models as m

    m.Election.objects.all().delete()
    m.Document.objects.all().delete()


@pytest.fixture
def imported(django_db_setup: None, db: None) -> Iterator[None]:
    """Give a test the imported database and an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
