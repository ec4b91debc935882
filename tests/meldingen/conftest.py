"""Fixtures for meldingen: the real sample imported into the test database.

A melding is about real places, so the bundled real files are imported
once per session through the portal's importer; each test runs in a
transaction that is rolled back, with an empty cache (rate limits).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from django_support import (
    GR2022,
    TK2021,
    TK2023,
    forget_imports,
    members,
    portal_settings_for,
)
from openuitslag.core.sources import Source

EXTRA = (
    (TK2021, "Verkiezingsdefinitie_TK2021.eml.xml"),
    (TK2021, "Kandidatenlijsten_TK2021_Amsterdam.eml.xml"),
    (TK2021, "Telling_TK2021_kieskring_Amsterdam.eml.xml"),
    (GR2022, "01_Groningen/osv4-3_telling_gr2022_pekela.csv"),
)


def sources() -> list[Source]:
    """Return the extra real files, named as the walker names them."""
    return [source for archive, name in EXTRA for source in members(archive, (name,))]


@pytest.fixture(scope="package")
def melding_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the session's data folder (stored files, mail)."""
    return tmp_path_factory.mktemp("meldingen-data")


@pytest.fixture(scope="package", autouse=True)
def melding_settings(melding_data_dir: Path) -> Iterator[None]:
    """Point the portal at the session's data folder; plain static files."""
    with portal_settings_for(melding_data_dir):
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


@pytest.fixture
def imported(django_db_setup: None, db: None) -> Iterator[None]:
    """Give a test the imported database and an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
