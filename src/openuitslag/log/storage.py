"""The append-only log on disk: entries, tree levels, checkpoints.

Everything the log knows lives in one folder of append-only files, so
that a kill -9 or a power loss at any moment leaves a log that verifies::

    entries        the entries, each as a 2-byte big-endian length and the
                   canonical entry bytes (the tlog-tiles entry bundle form)
    offsets        8-byte big-endian end offset of each entry in entries
    tree/<level>   the hash of every complete subtree of 2**level leaves,
                   32 bytes each, in order (level 0: the leaf hashes)
    size           the committed number of entries, in decimal
    checkpoints/   every checkpoint ever issued, <size>-<keyhash>
    checkpoint     the latest checkpoint (a C2SP signed note)
    origin         the log's name, the first line of its checkpoints
    keys/          the signing key (0600) and the public verifier keys

An append writes entries, offsets and tree levels, syncs the filesystem
(one ``syncfs``), and only then replaces ``size`` atomically. ``size`` is
the commit point: readers never look beyond it, and the next writer
truncates every file back to it, so a torn or unacknowledged tail simply
disappears and is appended again by the rerun (an entry is added once per
identity). Writers take an exclusive lock on ``lock``, so importer and
harvester may run together.
"""

from __future__ import annotations

import fcntl
import logging
import os
import struct
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from openuitslag.log import merkle
from openuitslag.log.entry import Entry, decode, identity_of
from openuitslag.log.keys import Keyring
from openuitslag.log.note import (
    Checkpoint,
    SignedCheckpoint,
    SignedNote,
    Signer,
    Verifier,
    open_checkpoint,
)
from openuitslag.log.store import atomic_write, sync_filesystem
from openuitslag.log.witness import merge_cosignatures

logger = logging.getLogger("openuitslag.log")

DEFAULT_ORIGIN = "openuitslag.local/log"
HASH = merkle.HASH_SIZE
Identity = tuple[str, str, str, str, str, int]


class LogError(Exception):
    """The log cannot be opened or used; the message says where."""


class Log:
    """An append-only Merkle log of archived files in one folder.

    Several processes may append at once (they take turns on a file
    lock); one ``Log`` object is not meant to be shared between threads
    without a lock of your own. ``create=False`` opens an existing log
    without writing anything, e.g. a citizen's read-only copy.
    """

    def __init__(
        self, folder: Path, origin: str | None = None, create: bool = True
    ) -> None:
        self.folder = Path(folder)
        self.keys = Keyring(self.folder / "keys")
        self._fds: dict[str, int] = {}
        self._index: dict[Identity, int] = {}
        self._by_sha256: dict[str, list[int]] = {}
        self._indexed = 0
        if create:
            self._init_folder(origin)
        elif not (self.folder / "size").is_file():
            raise LogError(
                f"{self.folder} is not an openuitslag log (it has no 'size' file)."
            )
        self.origin = (self.folder / "origin").read_text("utf-8").strip()

    def _init_folder(self, origin: str | None) -> None:
        (self.folder / "tree").mkdir(parents=True, exist_ok=True)
        (self.folder / "checkpoints").mkdir(exist_ok=True)
        origin_file = self.folder / "origin"
        if not origin_file.exists():
            name = origin or os.environ.get("OPENUITSLAG_LOG_ORIGIN", DEFAULT_ORIGIN)
            atomic_write(origin_file, name.encode() + b"\n")
        for name in ("entries", "offsets"):
            (self.folder / name).touch(exist_ok=True)
        if not (self.folder / "size").exists():
            atomic_write(self.folder / "size", b"0\n")

    # -- closing -------------------------------------------------------

    def close(self) -> None:
        """Close the files this log keeps open for reading."""
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()

    def __enter__(self) -> Log:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- reading -------------------------------------------------------

    @property
    def where(self) -> str:
        """Return where the log is, for messages."""
        return str(self.folder)

    def published_verifiers(self) -> list[Verifier]:
        """Return every verifier key the log has published."""
        return self.keys.verifiers()

    @property
    def size(self) -> int:
        """Return the committed number of entries (re-read every time)."""
        text = (self.folder / "size").read_text("ascii").strip()
        if not text.isdigit():
            raise LogError(f"{self.folder / 'size'} does not hold a number.")
        return int(text)

    def _fd(self, name: str) -> int:
        fd = self._fds.get(name)
        if fd is None:
            fd = os.open(self.folder / name, os.O_RDONLY)
            self._fds[name] = fd
        return fd

    def _pread(self, name: str, length: int, offset: int) -> bytes:
        data = os.pread(self._fd(name), length, offset)
        if len(data) != length:
            raise LogError(
                f"{self.folder / name} is too short: wanted {length} bytes at "
                f"offset {offset}, got {len(data)}. The log is damaged; run "
                "'openuitslag log verify'."
            )
        return data

    def read_node(self, level: int, index: int) -> bytes:
        """Return the stored hash of subtree ``index`` at ``level``."""
        return self._pread(f"tree/{level}", HASH, index * HASH)

    def leaf_hash(self, index: int) -> bytes:
        """Return the stored leaf hash of entry ``index``."""
        return self.read_node(0, index)

    def _span(self, index: int) -> tuple[int, int]:
        start = 0
        if index > 0:
            (start,) = struct.unpack(">Q", self._pread("offsets", 8, 8 * index - 8))
        (end,) = struct.unpack(">Q", self._pread("offsets", 8, 8 * index))
        return start, end

    def entry_bytes(self, index: int) -> bytes:
        """Return the canonical bytes of entry ``index`` (the leaf data)."""
        self._check_index(index)
        start, end = self._span(index)
        record = self._pread("entries", end - start, start)
        (length,) = struct.unpack(">H", record[:2])
        if length != len(record) - 2:
            raise LogError(
                f"Entry {index} in {self.folder / 'entries'} at offset {start} "
                f"says it is {length} bytes long but its record holds "
                f"{len(record) - 2}."
            )
        return record[2:]

    def entry(self, index: int) -> Entry:
        """Return entry ``index``, decoded and checked."""
        return decode(self.entry_bytes(index))

    def entries(self, start: int = 0, end: int | None = None) -> Iterator[Entry]:
        """Yield the entries [start, end) (default: up to the size)."""
        for index in range(start, self.size if end is None else end):
            yield self.entry(index)

    def _check_index(self, index: int, size: int | None = None) -> None:
        size = self.size if size is None else size
        if not 0 <= index < size:
            raise LogError(f"The log has no entry {index}; its size is {size}.")

    def root(self, size: int | None = None) -> bytes:
        """Return the root hash of the first ``size`` entries (default all)."""
        size = self.size if size is None else size
        self._check_size(size)
        return merkle.root_hash(self.read_node, size)

    def _check_size(self, size: int) -> None:
        if not 0 <= size <= self.size:
            raise LogError(
                f"The log has {self.size} entries, so it has no tree of size {size}."
            )

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """Return the audit path of entry ``index`` in the tree of ``size``."""
        size = self.size if size is None else size
        self._check_size(size)
        self._check_index(index, size)
        return merkle.inclusion_proof(self.read_node, index, size)

    def consistency_proof(self, old: int, new: int | None = None) -> list[bytes]:
        """Return the proof that tree ``new`` extends tree ``old``."""
        new = self.size if new is None else new
        self._check_size(new)
        if not 0 <= old <= new:
            raise LogError(
                f"No consistency proof from size {old} to size {new}; it needs "
                "0 <= old <= new."
            )
        return merkle.consistency_proof(self.read_node, old, new)

    # -- finding entries -----------------------------------------------

    def _catch_up(self) -> None:
        size = self.size
        for index, data in self.scan(self._indexed, size):
            identity = identity_of(data)
            self._index.setdefault(identity, index)
            self._by_sha256.setdefault(identity[0], []).append(index)
        self._indexed = max(self._indexed, size)

    def scan(
        self, start: int, end: int, chunk: int = 8192
    ) -> Iterator[tuple[int, bytes]]:
        """Yield (index, entry bytes) for [start, end), reading in bulk."""
        for first in range(start, end, chunk):
            last = min(end, first + chunk)
            begin = self._span(first)[0]
            ends = self._pread("offsets", 8 * (last - first), 8 * first)
            stop = struct.unpack(">Q", ends[-8:])[0]
            block = self._pread("entries", stop - begin, begin)
            position = 0
            for index, (end_offset,) in enumerate(
                struct.iter_unpack(">Q", ends), first
            ):
                yield index, block[position + 2 : end_offset - begin]
                position = end_offset - begin

    def find(self, entry: Entry) -> int | None:
        """Return the index of an entry with the same identity, if any."""
        self._catch_up()
        return self._index.get(entry.identity())

    def find_sha256(self, sha256: str) -> list[int]:
        """Return the indices of every entry for the file ``sha256``."""
        self._catch_up()
        return list(self._by_sha256.get(sha256, []))

    # -- writing -------------------------------------------------------

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the writers' lock, after recovering from any crash."""
        fd = os.open(self.folder / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            self.recover()
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def recover(self) -> None:
        """Cut every file back to the committed size (call under the lock).

        Anything past ``size`` is the tail of an append that did not
        commit; it was never acknowledged nor checkpointed.
        """
        size = self.size
        end = 0
        if size:
            end = struct.unpack(">Q", self._pread("offsets", 8, 8 * size - 8))[0]
        cut = [("entries", end), ("offsets", 8 * size)]
        level = 0
        while (self.folder / "tree" / str(level)).exists():
            cut.append((f"tree/{level}", (size >> level) * HASH))
            level += 1
        for name, length in cut:
            path = self.folder / name
            if path.stat().st_size > length:
                logger.warning("RECOVER file=%s truncate_to=%d", path, length)
                os.truncate(path, length)
        for folder in (self.folder, self.folder / "checkpoints"):
            for temp in folder.glob(".tmp-*"):
                temp.unlink(missing_ok=True)  # an atomic write that died
        if self._indexed > size:
            self._forget_index()

    def append(self, entries: Sequence[Entry]) -> list[int]:
        """Append entries not yet in the log; return every entry's index.

        One call is one commit: all new entries become durable together,
        with one filesystem sync. An entry whose identity is already in the
        log (or earlier in ``entries``) is not appended again; its existing
        index is returned.
        """
        with self.locked():
            return self._append_locked(entries)

    def _append_locked(self, entries: Sequence[Entry]) -> list[int]:
        self._catch_up()
        size = self.size
        indices: list[int] = []
        fresh: list[bytes] = []
        for entry in entries:
            known = self._index.get(entry.identity())
            if known is None:
                known = size + len(fresh)
                self._index[entry.identity()] = known
                self._by_sha256.setdefault(entry.sha256, []).append(known)
                fresh.append(entry.encode())
            indices.append(known)
        if fresh:
            try:
                self._write(size, fresh)
            except BaseException:
                self._forget_index()  # it holds entries that did not commit
                raise
            self._indexed = size + len(fresh)
        return indices

    def _forget_index(self) -> None:
        self._index.clear()
        self._by_sha256.clear()
        self._indexed = 0

    def _write(self, size: int, encoded: list[bytes]) -> None:
        # The entry records and their end offsets.
        end = 0
        if size:
            end = struct.unpack(">Q", self._pread("offsets", 8, 8 * size - 8))[0]
        records, offsets = bytearray(), bytearray()
        for data in encoded:
            records += struct.pack(">H", len(data)) + data
            end += 2 + len(data)
            offsets += struct.pack(">Q", end)
        writes = {"entries": bytes(records), "offsets": bytes(offsets)}

        # The new complete subtrees, level by level.
        levels = self._new_nodes(size, [merkle.leaf_hash(d) for d in encoded])
        for level, hashes in enumerate(levels):
            if hashes:
                writes[f"tree/{level}"] = b"".join(hashes)

        # Make everything durable before the commit point moves.
        for name, data in writes.items():
            _append(self.folder / name, data)
        sync_filesystem(self.folder)
        atomic_write(self.folder / "size", f"{size + len(encoded)}\n".encode())
        logger.debug("APPEND from=%d count=%d", size, len(encoded))

    def _new_nodes(self, size: int, leaves: list[bytes]) -> list[list[bytes]]:
        new: list[list[bytes]] = [leaves]
        level = 0
        while True:
            first = size >> level  # index of the first new node at level
            total = first + len(new[level])
            start = first // 2
            parents: list[bytes] = []
            for parent in range(start, total // 2):
                left = self._node_at(new[level], first, level, 2 * parent)
                right = self._node_at(new[level], first, level, 2 * parent + 1)
                parents.append(merkle.node_hash(left, right))
            if not parents:
                return new
            new.append(parents)
            level += 1

    def _node_at(self, fresh: list[bytes], first: int, level: int, i: int) -> bytes:
        return fresh[i - first] if i >= first else self.read_node(level, i)

    # -- checkpoints ---------------------------------------------------

    def checkpoint(self, signer: Signer | None = None) -> bytes:
        """Sign and record a checkpoint of the current tree; return the note.

        Without ``signer`` the log's own key is used (created on first
        use). If the latest checkpoint already covers the current size
        and carries this key's signature, it is returned unchanged.
        """
        with self.locked():
            signer = signer or self.keys.ensure(self.origin)
            self.keys.publish(signer.verifier)
            size = self.size
            latest = self.latest_checkpoint()
            if latest and _same_head(latest, size, signer):
                return latest
            note = Checkpoint(self.origin, size, self.root(size)).sign([signer])
            name = f"{size:012d}-{signer.verifier.key_hash.hex()}"
            atomic_write(self.folder / "checkpoints" / name, note)
            atomic_write(self.folder / "checkpoint", note)
            logger.info("CHECKPOINT origin=%s size=%d", self.origin, size)
            return note

    def add_cosignatures(self, cosigned: bytes, witnesses: Sequence[Verifier]) -> bytes:
        """Add witnesses' cosignatures to a checkpoint this log issued.

        Return the updated note; raise LogError if the log never issued
        that checkpoint, NoteError if no cosignature of ``witnesses``
        verifies.
        """
        text = SignedNote.parse(cosigned).text
        updated: bytes | None = None
        with self.locked():
            history = sorted((self.folder / "checkpoints").iterdir())
            for path in [*history, self.folder / "checkpoint"]:
                note = path.read_bytes() if path.exists() else b""
                if note and SignedNote.parse(note).text == text:
                    updated = merge_cosignatures(note, cosigned, witnesses)
                    atomic_write(path, updated)
        if updated is None:
            raise LogError(
                f"The log in {self.folder} never issued the checkpoint that "
                "was cosigned."
            )
        logger.info("COSIGNATURES_ADDED origin=%s", self.origin)
        return updated

    def latest_checkpoint(self) -> bytes | None:
        """Return the latest signed checkpoint note, if any."""
        path = self.folder / "checkpoint"
        return path.read_bytes() if path.exists() else None

    def checkpoint_history(self) -> list[tuple[str, bytes]]:
        """Return every checkpoint issued as (name, note), oldest first."""
        folder = self.folder / "checkpoints"
        if not folder.is_dir():
            return []
        return [(p.name, p.read_bytes()) for p in sorted(folder.iterdir())]

    def open_checkpoint(self, note: bytes) -> SignedCheckpoint:
        """Return a checkpoint of this log verified with its published keys."""
        return open_checkpoint(note, self.keys.verifiers(), self.origin)


def _same_head(note: bytes, size: int, signer: Signer) -> bool:
    try:
        head = open_checkpoint(note, [signer.verifier])
    except ValueError:
        return False
    return head.checkpoint.size == size


def _append(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    finally:
        os.close(fd)
