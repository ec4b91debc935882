"""Run the whole portal suite again on PostgreSQL.

pytest-django sets up one database per session, so the PostgreSQL run is
a child pytest with ``DATABASE_URL`` pointing at the local server
(127.0.0.1:5432, user postgres); pytest-django creates and drops its
test database there. The browser tests run only once, in the parent.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/openuitslag_portal"
CHILD = "OPENUITSLAG_PORTAL_POSTGRES_CHILD"


def postgres_reachable() -> bool:
    """Say whether the local PostgreSQL server accepts connections."""
    try:
        psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3
        ).close()
    except psycopg.OperationalError:
        return False
    return True


@pytest.mark.postgres
@pytest.mark.timeout(900)
@pytest.mark.skipif(bool(os.environ.get(CHILD)), reason="already the PostgreSQL run")
def test_portal_suite_passes_on_postgresql() -> None:
    assert postgres_reachable(), (
        "PostgreSQL must run on 127.0.0.1:5432 (user postgres)."
    )
    env = {**os.environ, "DATABASE_URL": POSTGRES_URL, CHILD: "1"}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/portal",
            "-q",
            "-x",
            "-p",
            "no:cacheprovider",
            "-m",
            "not browser",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in run.stdout
