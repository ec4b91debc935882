"""Fixtures for the portal: a test database holding real bundled data.

The suite runs on SQLite by default and again on PostgreSQL: set
``DATABASE_URL`` (``test_postgres.py`` does so in a child pytest). The
real files are imported once per session into the test database, through
the same import the command line uses; every test then runs in a
transaction that is rolled back.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from django_support import TK2023, portal_settings_for, sample_sources


@pytest.fixture(scope="session")
def portal_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the session's data folder (stored files, generation)."""
    return tmp_path_factory.mktemp("portal-data")


@pytest.fixture(scope="session", autouse=True)
def portal_settings(portal_data_dir: Path) -> Iterator[None]:
    """Point the portal at the session's data folder; plain static files."""
    with portal_settings_for(portal_data_dir):
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
