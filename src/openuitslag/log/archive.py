"""The archive: store a published file and log it, in one call.

This is the one entry point the importer and the harvester use::

    from openuitslag.log import Archive, EntryMeta

    archive = Archive.open()                 # $OPENUITSLAG_DATA_DIR or ./var
    entry = archive.add(data, EntryMeta(
        election="TK2023", authority="GM0363", document_type="EML 510b",
        source_url="https://…/Telling_TK2023_gemeente_Amsterdam.eml.xml",
    ))
    archive.checkpoint()                     # sign once at the end of a run

The bytes are stored first and logged second, so a logged file is always
in the store; a crash in between leaves an unlogged object that the rerun
logs. Adding the same file with the same metadata again returns the entry
already in the log, so reruns never make duplicates.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from openuitslag.core.digest import sha256_hex
from openuitslag.log import merkle
from openuitslag.log.entry import Entry, EntryMeta
from openuitslag.log.storage import Log
from openuitslag.log.store import ObjectStore, store_from_env


def default_data_dir() -> Path:
    """Return the data folder: $OPENUITSLAG_DATA_DIR, or ./var."""
    return Path(os.environ.get("OPENUITSLAG_DATA_DIR", "var"))


@dataclass(frozen=True, slots=True)
class Logged:
    """An entry and where it is in the log."""

    index: int
    entry: Entry

    @property
    def leaf_hash(self) -> str:
        """Return the entry's leaf hash in hex."""
        return merkle.leaf_hash(self.entry.encode()).hex()


class Archive:
    """A content-addressed store plus the log of everything in it.

    The log lives in ``<data_dir>/log`` and local objects in
    ``<data_dir>/archive``; set ``OPENUITSLAG_ARCHIVE_S3_BUCKET`` (see
    :func:`openuitslag.log.store.store_from_env`) to keep objects in S3.
    """

    def __init__(self, log: Log, store: ObjectStore) -> None:
        self.log = log
        self.store = store

    @classmethod
    def open(
        cls,
        data_dir: Path | str | None = None,
        store: ObjectStore | None = None,
        origin: str | None = None,
    ) -> Archive:
        """Return the archive in ``data_dir`` (created when missing)."""
        root = Path(data_dir) if data_dir is not None else default_data_dir()
        log = Log(root / "log", origin=origin)
        return cls(log, store or store_from_env(root / "archive"))

    def close(self) -> None:
        """Close the log's open files."""
        self.log.close()

    def add(self, data: bytes, meta: EntryMeta) -> Entry:
        """Store ``data``, log it with ``meta`` and return the log entry.

        If an entry with the same SHA-256 and metadata (``found_at``
        aside) is already in the log, that entry is returned and nothing
        is appended.
        """
        return self.add_many([(data, meta)])[0].entry

    def add_many(self, items: Iterable[tuple[bytes, EntryMeta]]) -> list[Logged]:
        """Store and log several files in one commit (one fsync per file).

        Use it for bulk imports; it is much faster than :meth:`add` in a
        loop, and just as crash-safe. If any item's metadata is invalid,
        :class:`~openuitslag.log.entry.EntryError` names it and nothing is
        stored or logged.
        """
        # Check every entry before storing anything: all or nothing.
        pairs = [
            (data, Entry.of(sha256_hex(data), len(data), meta)) for data, meta in items
        ]
        self.store.put_many([data for data, _ in pairs])
        indices = self.log.append([entry for _, entry in pairs])
        return [Logged(i, self.log.entry(i)) for i in indices]

    def get(self, sha256: str) -> bytes:
        """Return the archived bytes of a file (checked against the hash)."""
        data = self.store.get(sha256)
        if sha256_hex(data) != sha256:
            raise ValueError(
                f"The archived file {self.store.location(sha256)} does not "
                f"have SHA-256 {sha256}: it was changed after archiving."
            )
        return data

    def checkpoint(self) -> bytes:
        """Sign a checkpoint of the log as it is now; return the note."""
        return self.log.checkpoint()
