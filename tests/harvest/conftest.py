"""Fixtures for the harvester: loopback sites, a fast client, a watch on
every socket the test process connects.

The audit hook is the proof that a refused address never sees a packet:
Python raises the ``socket.connect`` audit event before any connection
attempt, so a test can list every address the process tried to reach.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator

import django
import pytest

from openuitslag.harvest.client import ClientSettings, PoliteClient
from openuitslag.harvest.guard import ALLOW_ENV, AddressPolicy
from openuitslag.harvest.testing import Site, SiteServer

# The registry tests use the portal's settings, as the command line does.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openuitslag.portal.settings")
django.setup()

_connects: list[tuple[object, ...]] = []


def _audit(event: str, args: tuple[object, ...]) -> None:
    if event == "socket.connect":
        address = args[1]
        if isinstance(address, tuple):
            _connects.append(address)


sys.addaudithook(_audit)


@pytest.fixture
def connects() -> Callable[[], list[str]]:
    """Return a function listing the hosts connected to since the start."""
    start = len(_connects)
    return lambda: [str(address[0]) for address in _connects[start:]]


@pytest.fixture(autouse=True)
def allow_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the harvester reach the loopback test servers, nothing else."""
    monkeypatch.setenv(ALLOW_ENV, "127.0.0.0/8")


FAST = ClientSettings(
    connect_timeout=2.0,
    read_timeout=1.0,
    max_seconds_per_download=2.0,
    retries=2,
    backoff=0.05,
    backoff_cap=0.2,
    min_interval=0.0,
    max_file_bytes=5 * 1024 * 1024,
)


@pytest.fixture
def fast_settings() -> ClientSettings:
    """Return client settings that keep fault tests fast."""
    return FAST


@pytest.fixture
def client(fast_settings: ClientSettings) -> Iterator[PoliteClient]:
    """Return a polite client allowed onto loopback."""
    policy = AddressPolicy.from_items(["127.0.0.0/8"])
    with PoliteClient(fast_settings, policy) as c:
        yield c


@pytest.fixture
def server() -> Iterator[SiteServer]:
    """Return a running loopback server with an empty site."""
    server = SiteServer("127.0.0.1", Site("test")).start()
    yield server
    server.stop()
