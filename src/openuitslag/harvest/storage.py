"""Keep harvested bytes by content hash, and log each file.

Every file the harvester keeps goes into the archive of the transparency
log (``openuitslag.log.Archive``): stored under its SHA-256 and appended
to the append-only log with its election, municipality, type, URL, time
found and version number, so that anyone can later prove it was
published and never changed.

Bytes are stored as soon as they arrive (from many threads at once); log
entries are appended in batches, because each commit of the log costs
several fsyncs. The catalogue marks which versions are logged, so a crash
between storing and logging is repaired by the next pass.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from pathlib import Path

from openuitslag.harvest.catalogue import Version
from openuitslag.harvest.registry import cbs_code
from openuitslag.log import Archive, EntryMeta
from openuitslag.log.entry import Entry


class Storage:
    """The archive, shared by the harvester's threads."""

    def __init__(self, data_dir: Path) -> None:
        self.archive = Archive.open(data_dir)
        self._lock = threading.Lock()

    def put(self, data: bytes) -> str:
        """Store bytes under their SHA-256 (safe from many threads)."""
        return self.archive.store.put(data)

    def log(self, versions: Sequence[Version]) -> None:
        """Append stored versions to the log, in one commit.

        Appending is idempotent (an entry already in the log is not added
        again), so versions left unlogged by a crash are simply logged by
        the next pass.
        """
        entries = [Entry.of(v.sha256, v.size, _meta(v)) for v in versions]
        with self._lock:
            self.archive.log.append(entries)

    def get(self, sha256: str) -> bytes:
        """Return stored bytes, checked against their hash."""
        return self.archive.get(sha256)

    def checkpoint(self) -> bytes:
        """Sign a checkpoint covering everything kept so far."""
        with self._lock:
            return self.archive.checkpoint()

    def close(self) -> None:
        """Close the log."""
        with self._lock:
            self.archive.close()


def _meta(version: Version) -> EntryMeta:
    return EntryMeta(
        election=version.election,
        authority=cbs_code(version.municipality) or version.municipality,
        document_type=version.document_type,
        source_url=version.location,
        found_at=dt.datetime.fromisoformat(version.found_at),
        version=version.number,
    )
