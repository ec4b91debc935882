"""Two Celery worker processes on Redis never visit one site at once."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from openuitslag.harvest import queue
from openuitslag.harvest.catalogue import Catalogue
from openuitslag.harvest.harvester import Target
from openuitslag.harvest.testing import Site, SiteServer, hang, make_pv_pdf
from openuitslag.log import Archive

REDIS = "redis://127.0.0.1:6379/14"

pytestmark = pytest.mark.redis


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[str]:
    """Start two single-process workers on a queue of this test's own."""
    name = f"openuitslag-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        queue.BROKER_ENV: REDIS,
        queue.QUEUE_ENV: name,
        "OPENUITSLAG_HARVEST_MIN_INTERVAL": "0",
        "OPENUITSLAG_HARVEST_ALLOW_HOSTS": "127.0.0.0/8",
    }
    command = [sys.executable, "-m", "openuitslag", "harvest", "worker"]
    processes = [
        subprocess.Popen(
            [*command, "--name", f"w{i}@test"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(tmp_path / f"w{i}.log", "wb"),  # noqa: SIM115
        )
        for i in (1, 2)
    ]
    queue.configure(queue.app, REDIS, name)
    yield name
    queue.configure(queue.app, "")
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=20)


def test_two_workers_share_the_sites_but_never_one_site_at_once(workers, tmp_path):
    servers = []
    for i in range(3):
        site = Site(f"site{i}")
        links = []
        for n in range(1, 5):
            path = f"/pv/sb{n}.pdf"
            site.put(path, make_pv_pdf("N 10-1", "Vlieland", n), behaviour=None)
            site.resources[path].behaviour = hang(0.05)
            links.append((path, f"Stembureau {n}"))
        site.page("/", "Uitslag", links)
        servers.append(SiteServer(f"127.0.0.{30 + i}", site).start())
    try:
        targets = [
            Target("GR2022", f"{i:04d}", server.url("/"))
            for i, server in enumerate(servers)
        ] * 3

        results = queue.dispatch(targets, tmp_path, timeout=120)
    finally:
        for server in servers:
            server.stop()

    assert len(results) == 9
    assert {r["worker"] for r in results} and len({r["worker"] for r in results}) == 2
    assert sum(r["new_versions"] for r in results) == 12
    assert all(r["errors"] == [] for r in results)
    for url in {r["url"] for r in results}:
        spans = sorted(r["held"] for r in results if r["url"] == url)
        for before, after in itertools.pairwise(spans):
            assert after[0] >= before[1], f"two visits of {url} overlap"
    # Every request of a visit lies inside the span in which it held the
    # site; the server's own in-flight count can only lag behind (it
    # counts a request done after the client already has the answer).
    for server in servers:
        assert server.site.max_active <= 2, server.site.name
    archive = Archive.open(tmp_path)
    assert archive.log.size == 12
    assert Catalogue(tmp_path / "harvest.sqlite3").unlogged() == []


def test_host_lock_is_exclusive_and_renewed(monkeypatch):
    monkeypatch.setenv(queue.BROKER_ENV, REDIS)
    monkeypatch.setattr(queue, "LOCK_SECONDS", 0.6)
    monkeypatch.setattr(queue, "LOCK_WAIT", 0.1)
    queue._redis.cache_clear()
    host = f"lock-test-{uuid.uuid4().hex[:8]}.invalid"

    with queue.host_lock(host):
        time.sleep(1.5)  # past the lock's lifetime: only renewal keeps it
        with pytest.raises(queue.HostBusy), queue.host_lock(host):
            pass
    with queue.host_lock(host):
        pass
    queue._redis.cache_clear()
