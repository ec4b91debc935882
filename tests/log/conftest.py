"""Fixtures for the log tests: real Kiesraad files and fresh archives."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from log_testdata import meta_for, real_files

from openuitslag.log import Archive


@pytest.fixture(scope="session")
def files() -> list[tuple[str, bytes]]:
    """Return the real files, read once."""
    return real_files()


@pytest.fixture
def archive(tmp_path: Path, files: list[tuple[str, bytes]]) -> Iterator[Archive]:
    """Return an archive holding the real files, with one checkpoint."""
    archive = Archive.open(tmp_path / "data")
    for name, data in files:
        archive.add(data, meta_for(name))
    archive.checkpoint()
    yield archive
    archive.close()
