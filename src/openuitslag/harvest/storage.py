"""Keep harvested bytes by content hash, and log each file.

Every file the harvester keeps goes into the archive of the transparency
log (``openuitslag.log.Archive``): stored under its SHA-256 and appended
to the append-only log with its election, municipality, type, URL, time
found and version number, so that anyone can later prove it was
published and never changed.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from openuitslag.harvest.catalogue import Version
from openuitslag.log import Archive, EntryMeta


class Storage:
    """The archive, shared by the harvester's threads."""

    def __init__(self, data_dir: Path) -> None:
        self.archive = Archive.open(data_dir)
        self._lock = threading.Lock()

    def keep(self, data: bytes, version: Version, number: int) -> None:
        """Store and log one version of a file."""
        meta = EntryMeta(
            election=version.election,
            authority=f"GM{version.municipality}",
            document_type=version.document_type,
            source_url=version.location,
            found_at=dt.datetime.fromisoformat(version.found_at),
            version=number,
        )
        with self._lock:
            self.archive.add(data, meta)

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
