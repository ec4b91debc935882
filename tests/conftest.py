"""Shared fixtures: where the bundled real data lives."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """Return the folder of bundled real Kiesraad data (zipped)."""
    return DATA
