"""Fixtures for the open API: the real sample imported, and a real log.

The bundled real files are imported once per session through the
portal's importer (as ``openuitslag import`` does) and then archived in a
transparency log in the session's data folder, in two signed steps, so
that the log endpoints have two checkpoints to prove consistency between.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from django_support import (
    TK2023,
    forget_imports,
    portal_settings_for,
    sample_sources,
)


@pytest.fixture(scope="package")
def api_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the session's data folder (stored files, log, mail)."""
    return tmp_path_factory.mktemp("api-data")


@pytest.fixture(scope="package", autouse=True)
def api_settings(api_data_dir: Path) -> Iterator[None]:
    """Point the portal at the session's data folder; plain static files."""
    with portal_settings_for(api_data_dir):
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
            extra=sample_sources(),
        )
        assert summary.ok, [str(p) for p in summary.problems]
        sizes = archive_documents(api_data_dir)
    yield {"summary": summary, "checkpoint_sizes": sizes}
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        forget_imports()


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
