"""Fixtures for the open API: the real sample imported, and a real log.

The bundled real files are imported once per session through the
portal's importer (as ``openuitslag import`` does) and then archived in a
transparency log in the session's data folder, in two signed steps, so
that the log endpoints have two checkpoints to prove consistency between.
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


def read_member(archive: Path, name: str) -> bytes:
    """Return the bytes of one member of a bundled zip."""
    with zipfile.ZipFile(archive) as opened:
        return opened.read(name)


@pytest.fixture(scope="package")
def api_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the session's data folder (stored files, log, mail)."""
    return tmp_path_factory.mktemp("api-data")


@pytest.fixture(scope="package", autouse=True)
def api_settings(api_data_dir: Path) -> Iterator[None]:
    """Point the portal at the session's data folder; plain static files."""
    from django.test import override_settings

    with override_settings(
        DATA_DIR=api_data_dir,
        FILES_DIR=api_data_dir / "files",
        STORAGES=STATIC_PLAIN,
        ALLOWED_HOSTS=["testserver", "127.0.0.1", "localhost"],
    ):
        yield


@pytest.fixture(scope="package")
def django_db_setup(
    django_db_setup: None,
    django_db_blocker: pytest.FixtureRequest,
    api_settings: None,
    api_data_dir: Path,
) -> Iterator[dict[str, object]]:
    """Import the real sample once, then archive every document in a log;
    forget the import after this folder's tests."""
    from openuitslag.portal.importer import import_paths

    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        forget_imports()
        summary = import_paths(
            [TK2023],
            extra=members(TK2021, TK2021_MEMBERS) + members(GR2022, GR2022_MEMBERS),
        )
        assert summary.ok, [str(p) for p in summary.problems]
        sizes = archive_documents(api_data_dir)
    yield {"summary": summary, "checkpoint_sizes": sizes}
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        forget_imports()


def forget_imports() -> None:
    """Remove every imported row, so the next suite imports into its own
    data folder (the test database is shared by the whole session)."""
    from openuitslag.portal import models as m

    m.Election.objects.all().delete()
    m.Document.objects.all().delete()


def archive_documents(data_dir: Path) -> tuple[int, int]:
    """Archive every imported document in the log, signing twice.

    Return the sizes of the two checkpoints: after the first half and
    after all documents (the importer may have logged some already).
    """
    from openuitslag.log import Archive, EntryMeta
    from openuitslag.portal import models as m
    from openuitslag.portal.importer import stored_file

    items = [
        (
            stored_file(d.sha256).read_bytes(),
            EntryMeta(
                election=d.election.identifier if d.election else "unknown",
                authority=d.authority_id or "unknown",
                document_type=d.kind,
                source_url=f"https://gemeente.test/api-suite/{d.sha256}/{d.name}",
            ),
        )
        for d in m.Document.objects.select_related("election").order_by("id")
    ]
    archive = Archive.open(data_dir, origin="openuitslag.test/log")
    try:
        half = len(items) // 2
        archive.add_many(items[:half])
        archive.checkpoint()
        first = archive.log.size
        archive.add_many(items[half:])
        archive.checkpoint()
        return first, archive.log.size
    finally:
        archive.close()


@pytest.fixture
def imported(django_db_setup: dict[str, object], db: None) -> dict[str, object]:
    """Give a test the database with the real sample imported and logged."""
    return django_db_setup
