"""Harvesting in the background: in-process by default, Redis at scale.

On election night the harvester runs without pause. The embedded default
needs nothing but this process: ``openuitslag harvest --watch`` repeats a
pass on an interval, with sites visited by a thread pool. At scale the
same work goes through Celery with Redis as broker
(``OPENUITSLAG_HARVEST_BROKER=redis://127.0.0.1:6379/0``): one task per
site, any number of worker processes (``openuitslag harvest worker``),
and a Redis lock per host so that no two workers ever fetch from the
same site at the same time.

Without a broker the Celery app runs its tasks eagerly, in-process, so
the task code is the same in both set-ups.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from celery import Celery, Task  # type: ignore[import-untyped]

from openuitslag.harvest.catalogue import Catalogue
from openuitslag.harvest.client import ClientSettings, PoliteClient
from openuitslag.harvest.harvester import Harvester, Target
from openuitslag.harvest.storage import Storage

log = logging.getLogger("openuitslag.harvest")

BROKER_ENV = "OPENUITSLAG_HARVEST_BROKER"
QUEUE_ENV = "OPENUITSLAG_HARVEST_QUEUE"
LOCK_PREFIX = "openuitslag:harvest:host:"
LOCK_SECONDS = 60  # renewed every 20 s while a visit lasts
LOCK_WAIT = 2.0


def configure(app: Celery, broker: str, queue: str | None = None) -> None:
    """Point the app at a Redis broker, or run tasks in-process if ''."""
    app.conf.update(
        broker_url=broker or "memory://",
        result_backend=broker or None,
        task_always_eager=not broker,
        task_eager_propagates=True,
        task_default_queue=queue or os.environ.get(QUEUE_ENV, "openuitslag-harvest"),
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True,
        result_expires=3600,
    )


app = Celery("openuitslag.harvest")
configure(app, os.environ.get(BROKER_ENV, ""))


@cache
def _redis() -> Any:
    import redis

    return redis.Redis.from_url(os.environ[BROKER_ENV])


@contextlib.contextmanager
def host_lock(host: str) -> Iterator[None]:
    """Hold the Redis lock of ``host``; raise HostBusy if another holds it.

    The lock expires ``LOCK_SECONDS`` after its last renewal, so a worker
    that dies frees the site soon; a live worker renews it in the
    background for as long as its visit lasts.
    """
    lock = _redis().lock(
        LOCK_PREFIX + host,
        timeout=LOCK_SECONDS,
        blocking_timeout=LOCK_WAIT,
        thread_local=False,  # the keeper thread renews it
    )
    if not lock.acquire():
        raise HostBusy(host)
    done = threading.Event()
    keeper = threading.Thread(target=_keep_renewing, args=(lock, done), daemon=True)
    keeper.start()
    try:
        yield
    finally:
        done.set()
        keeper.join()
        with contextlib.suppress(Exception):
            lock.release()


def _keep_renewing(lock: Any, done: threading.Event) -> None:
    while not done.wait(LOCK_SECONDS / 3):
        try:
            lock.reacquire()
        except Exception:  # the lock is lost; the visit ends soon anyway
            log.warning("lock lost name=%s", lock.name)
            return


class HostBusy(Exception):
    """Another worker is visiting this host; try the site again later."""


@cache
def harvester_for(data_dir: str) -> Harvester:
    """Return this process's harvester for a data folder (made once)."""
    folder = Path(data_dir)
    client = PoliteClient(ClientSettings.from_env())
    lock = host_lock if os.environ.get(BROKER_ENV) else None
    return Harvester(
        Catalogue(folder / "harvest.sqlite3"),
        Storage(folder),
        client,
        site_lock=lock,
    )


@app.task(  # type: ignore[untyped-decorator]
    bind=True, name="openuitslag.harvest.site", max_retries=None
)
def harvest_site(
    self: Task, election: str, municipality: str, url: str, data_dir: str
) -> dict[str, Any]:
    """Visit one site; come back later if another worker is on its host."""
    harvester = harvester_for(data_dir)
    target = Target(election, municipality, url)
    try:
        report = harvester.harvest_site(target)
    except HostBusy as exc:
        raise self.retry(countdown=1.0, exc=exc) from exc
    return {
        "election": election,
        "municipality": municipality,
        "url": url,
        "requests": report.requests,
        "bytes": report.bytes,
        "new_versions": report.new_versions,
        "errors": report.errors,
        "held": [report.held_from, report.held_until],
        "worker": f"{socket.gethostname()}:{os.getpid()}",
    }


@app.task(name="openuitslag.harvest.flush-log")  # type: ignore[untyped-decorator]
def flush_log(data_dir: str) -> int:
    """Append the versions stored since the last flush to the log."""
    return harvester_for(data_dir).flush_log()


def dispatch(
    targets: Iterable[Target], data_dir: Path, timeout: float = 3600
) -> list[dict[str, Any]]:
    """Run one task per target on the workers and wait for all of them."""
    from celery import group

    jobs = group(
        harvest_site.s(t.election, t.municipality, t.url, str(data_dir))
        for t in targets
    )
    results = list(jobs.apply_async().get(timeout=timeout, propagate=True))
    flush_log.delay(str(data_dir)).get(timeout=timeout)
    return results
