"""The tamper-evident archive: content-addressed files in a Merkle log.

Every file the portal publishes is stored under its SHA-256 and recorded
in an append-only Merkle log (RFC 9162) whose signed checkpoints (C2SP
tlog-checkpoint) let anyone prove, offline, that no published file was
changed or removed afterwards. This package is pure Python: no Django.

The importer and harvester use :class:`Archive`; the portal reads a
:class:`Log` through :mod:`openuitslag.log.api`.
"""

from openuitslag.log.archive import Archive, Logged, default_data_dir
from openuitslag.log.entry import Entry, EntryError, EntryMeta
from openuitslag.log.storage import Log, LogError

__all__ = [
    "Archive",
    "Entry",
    "EntryError",
    "EntryMeta",
    "Log",
    "LogError",
    "Logged",
    "default_data_dir",
]
