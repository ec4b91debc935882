"""Checking a log from scratch, and auditing files against it, offline.

Nobody has to trust the portal's own tree files: :func:`verify_log`
re-reads every entry, recomputes every hash and checks that each
checkpoint ever issued is a prefix of today's tree, so a changed,
removed or reordered entry, a forged or rolled-back checkpoint and a fork
are all found. :func:`audit_files` answers a citizen's question "is this
file, byte for byte, what the log committed to?" with an inclusion proof
under a signed checkpoint.

Both return :class:`~openuitslag.core.errors.Problem` lists whose messages
say what is wrong and where (the file, the entry index, the checkpoint);
an empty list means everything holds.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from openuitslag.core.digest import sha256_hex
from openuitslag.core.errors import Problem
from openuitslag.log import merkle
from openuitslag.log.entry import Entry, EntryError, decode
from openuitslag.log.note import NoteError, SignedCheckpoint, Verifier, open_checkpoint
from openuitslag.log.storage import HASH, Log, LogError
from openuitslag.log.store import ObjectStore
from openuitslag.log.tiles import (
    TILE_HEIGHT,
    TILE_WIDTH,
    TileLog,
    entries_path,
    tile_path,
    tile_spans,
)


@dataclass
class LogReport:
    """What :func:`verify_log` found."""

    size: int = 0
    root: bytes = merkle.EMPTY_ROOT
    checkpoints: int = 0
    objects: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return whether nothing is wrong."""
        return not self.problems


def _problem(code: str, source: str, message: str, where: str | None = None) -> Problem:
    return Problem(code=code, message=message, source=source, where=where)


# -- the whole log -----------------------------------------------------


def verify_log(
    log: Log,
    verifiers: Sequence[Verifier] | None = None,
    extra_checkpoints: Iterable[tuple[str, bytes]] = (),
    store: ObjectStore | None = None,
) -> LogReport:
    """Recompute the whole log and check every checkpoint against it.

    ``verifiers`` are the trusted keys (default: the log's published
    ones); ``extra_checkpoints`` are (source, note) pairs kept elsewhere,
    for example by a citizen or a witness; with ``store`` every archived
    file is also re-hashed.
    """
    report = LogReport(size=log.size)
    entries = _read_entries(log, report)
    tree = merkle.MemoryTree()
    for data in entries:
        tree.append_leaf_hash(merkle.leaf_hash(data))
    report.root = tree.root()

    _compare_leaves(log, tree, report)
    _compare_nodes(log, tree, report)
    keys = list(verifiers) if verifiers is not None else log.keys.verifiers()
    history = log.folder / "checkpoints"
    notes = [(str(history / name), note) for name, note in log.checkpoint_history()]
    notes += extra_checkpoints
    latest = log.latest_checkpoint()
    if latest is not None:
        notes.append((str(log.folder / "checkpoint"), latest))
    _check_checkpoints(log.origin, tree, keys, notes, report)
    if store is not None:
        _check_objects(log, entries, store, report)
    return report


def _read_entries(log: Log, report: LogReport) -> list[bytes]:
    """Return the entry bytes, read straight from the entries file."""
    path = log.folder / "entries"
    raw = path.read_bytes()
    entries: list[bytes] = []
    ends: list[int] = []
    seen: dict[tuple[object, ...], int] = {}
    position = 0
    while position < len(raw) and len(entries) < report.size:
        index = len(entries)
        (length,) = struct.unpack(">H", raw[position : position + 2].rjust(2, b"\0"))
        data = raw[position + 2 : position + 2 + length]
        where = f"entry {index} (byte offset {position})"
        if len(data) != length:
            report.problems.append(
                _problem(
                    "log.entry-torn",
                    str(path),
                    f"The entry is cut off: {length} bytes announced, "
                    f"{len(data)} present.",
                    where,
                )
            )
            break
        _check_entry(data, index, seen, str(path), where, report)
        entries.append(data)
        position += 2 + length
        ends.append(position)
    _compare_offsets(log, ends, report)
    if len(entries) != report.size:
        report.problems.append(
            _problem(
                "log.entries-missing",
                str(path),
                f"The log's size is {report.size} but the entries file holds "
                f"only {len(entries)} entries: entries were removed.",
            )
        )
    return entries


def _compare_offsets(log: Log, ends: list[int], report: LogReport) -> None:
    path = log.folder / "offsets"
    raw = path.read_bytes()[: 8 * len(ends)]
    stored = [end for (end,) in struct.iter_unpack(">Q", raw[: len(raw) // 8 * 8])]
    for index, (want, got) in enumerate(zip(ends, stored, strict=False)):
        if want != got:
            report.problems.append(
                _problem(
                    "log.offsets-changed",
                    str(path),
                    f"The offsets file says entry {index} ends at byte {got}, "
                    f"but it ends at byte {want}.",
                    f"entry {index}",
                )
            )
            return


def _check_entry(
    data: bytes,
    index: int,
    seen: dict[tuple[object, ...], int],
    source: str,
    where: str,
    report: LogReport,
) -> None:
    try:
        entry = decode(data)
    except EntryError as exc:
        report.problems.append(_problem("log.entry-invalid", source, str(exc), where))
        return
    first = seen.setdefault(entry.identity(), index)
    if first != index:
        report.problems.append(
            _problem(
                "log.entry-duplicate",
                source,
                f"The entry repeats entry {first} (same file and metadata).",
                where,
            )
        )


def _compare_leaves(log: Log, tree: merkle.MemoryTree, report: LogReport) -> None:
    path = log.folder / "tree" / "0"
    stored = path.read_bytes() if path.exists() else b""
    hashes = [stored[i : i + HASH] for i in range(0, len(stored), HASH)]
    position = {h: i for i, h in enumerate(hashes)}
    for index, leaf in enumerate(tree.levels[0]):
        if index < len(hashes) and hashes[index] == leaf:
            continue
        moved = position.get(leaf)
        if moved is not None:
            what = (
                f"The entry is the one logged as entry {moved}: entries were "
                "removed or reordered."
            )
        else:
            what = (
                "The entry does not match the leaf hash logged for it: it was "
                "changed after it was logged."
            )
        report.problems.append(
            _problem(
                "log.entry-changed", str(log.folder / "entries"), what, f"entry {index}"
            )
        )


def _compare_nodes(log: Log, tree: merkle.MemoryTree, report: LogReport) -> None:
    for level in range(1, len(tree.levels)):
        path = log.folder / "tree" / str(level)
        stored = path.read_bytes() if path.exists() else b""
        for index, node in enumerate(tree.levels[level]):
            if stored[index * HASH : (index + 1) * HASH] != node:
                report.problems.append(
                    _problem(
                        "log.node-changed",
                        str(path),
                        "The stored hash does not match the hash recomputed "
                        "from the entries.",
                        f"level {level}, node {index}",
                    )
                )
                break


def _check_checkpoints(
    origin: str,
    tree: merkle.MemoryTree,
    keys: Sequence[Verifier],
    notes: Sequence[tuple[str, bytes]],
    report: LogReport,
) -> None:
    roots: dict[int, tuple[str, bytes]] = {}
    for source, note in notes:
        try:
            head = open_checkpoint(note, keys, origin)
        except NoteError as exc:
            report.problems.append(_problem("log.checkpoint-forged", source, str(exc)))
            continue
        report.checkpoints += 1
        _check_head(head, source, tree, roots, report)


def _check_head(
    head: SignedCheckpoint,
    source: str,
    tree: merkle.MemoryTree,
    roots: dict[int, tuple[str, bytes]],
    report: LogReport,
) -> None:
    size, root = head.checkpoint.size, head.checkpoint.root
    earlier = roots.setdefault(size, (source, root))
    if earlier[1] != root:
        report.problems.append(
            _problem(
                "log.fork",
                source,
                f"This checkpoint and {earlier[0]} both sign size {size} with "
                "different roots: the log has forked (shown two different "
                "histories).",
            )
        )
        return
    if size > tree.size:
        report.problems.append(
            _problem(
                "log.rollback",
                source,
                f"The checkpoint covers {size} entries but the log has only "
                f"{tree.size}: the log was rolled back or entries were removed.",
            )
        )
        return

    # Append-only: the signed tree must be a prefix of today's tree.
    proof = merkle.consistency_proof(tree.read, size, tree.size)
    try:
        merkle.verify_consistency(size, tree.size, proof, root, report.root)
    except merkle.ProofError:
        report.problems.append(
            _problem(
                "log.inconsistent",
                source,
                f"The checkpoint's root {root.hex()} for size {size} is not the "
                f"root of the first {size} entries ({tree.root(size).hex()}): "
                f"an entry before index {size} was changed, removed or "
                "reordered after this checkpoint was signed.",
            )
        )


def _check_objects(
    log: Log, entries: Sequence[bytes], store: ObjectStore, report: LogReport
) -> None:
    for index, data in enumerate(entries):
        try:
            entry = decode(data)
        except EntryError:
            continue
        where = f"entry {index}"
        if not store.exists(entry.sha256):
            report.problems.append(
                _problem(
                    "archive.missing",
                    store.location(entry.sha256),
                    f"The archived file of {entry.source_url} is missing.",
                    where,
                )
            )
            continue
        actual = sha256_hex(store.get(entry.sha256))
        report.objects += 1
        if actual != entry.sha256:
            report.problems.append(
                _problem(
                    "archive.changed",
                    store.location(entry.sha256),
                    f"The archived file has SHA-256 {actual}, not the logged "
                    f"{entry.sha256}: it was changed after archiving.",
                    where,
                )
            )


# -- auditing files ----------------------------------------------------


class CheckpointRejected(LogError):
    """A checkpoint is forged, signed by an unknown key, or rolled back."""


class LogSource(Protocol):
    """What an audit needs from a log: a local :class:`Log` or a TileLog."""

    @property
    def where(self) -> str: ...
    @property
    def origin(self) -> str: ...
    @property
    def size(self) -> int: ...
    def latest_checkpoint(self) -> bytes | None: ...
    def published_verifiers(self) -> list[Verifier]: ...
    def find_sha256(self, sha256: str) -> list[int]: ...
    def entry_bytes(self, index: int) -> bytes: ...
    def inclusion_proof(self, index: int, size: int) -> list[bytes]: ...
    def read_node(self, level: int, index: int) -> bytes: ...


@dataclass(frozen=True, slots=True)
class AuditResult:
    """One file's audit: the entry that proves it, or the problem."""

    path: str
    sha256: str
    index: int | None = None
    entry: Entry | None = None
    problem: Problem | None = None


def load_head(
    log: LogSource, note: bytes | None, verifiers: Sequence[Verifier] | None
) -> SignedCheckpoint:
    """Return the checkpoint to audit against, verified.

    Raise :class:`CheckpointRejected` when it is forged, untrusted or
    covers more than the log holds (a rollback), and :class:`LogError`
    when there is none.
    """
    note = note if note is not None else log.latest_checkpoint()
    if note is None:
        raise LogError(f"The log in {log.where} has no signed checkpoint yet.")
    keys = list(verifiers) if verifiers is not None else log.published_verifiers()
    try:
        head = open_checkpoint(note, keys, log.origin)
    except NoteError as exc:
        raise CheckpointRejected(f"The checkpoint cannot be trusted: {exc}") from None
    if head.checkpoint.size > log.size:
        raise CheckpointRejected(
            f"The checkpoint covers {head.checkpoint.size} entries but the log "
            f"in {log.where} has only {log.size}: the log was rolled back."
        )
    return head


def audit_files(
    log: LogSource, paths: Iterable[Path], head: SignedCheckpoint
) -> list[AuditResult]:
    """Check each file is in the log under ``head``, by inclusion proof."""
    return [audit_one(log, path, head) for path in paths]


def audit_one(log: LogSource, path: Path, head: SignedCheckpoint) -> AuditResult:
    """Return the audit of one file against a verified checkpoint."""
    data = path.read_bytes()
    digest = sha256_hex(data)
    size, root = head.checkpoint.size, head.checkpoint.root
    indices = [i for i in log.find_sha256(digest) if i < size]
    if not indices:
        message = (
            f"No entry for SHA-256 {digest} among the {size} entries of the "
            "checkpoint: this file is not in the log, or it was changed after "
            "it was archived."
        )
        return AuditResult(
            str(path), digest, problem=_problem("audit.absent", str(path), message)
        )

    index = indices[0]
    entry_bytes = log.entry_bytes(index)
    try:
        entry = decode(entry_bytes)
        proof = log.inclusion_proof(index, size)
        merkle.verify_inclusion(merkle.leaf_hash(entry_bytes), index, size, proof, root)
    except (EntryError, merkle.ProofError, LogError) as exc:
        problem = _problem("audit.unproven", str(path), str(exc), f"entry {index}")
        return AuditResult(str(path), digest, index, problem=problem)
    if entry.size != len(data):
        message = f"The file is {len(data)} bytes but entry {index} says {entry.size}."
        problem = _problem("audit.size", str(path), message, f"entry {index}")
        return AuditResult(str(path), digest, index, entry, problem)
    return AuditResult(str(path), digest, index, entry)


# -- a log served as tiles -----------------------------------------------


def verify_tiles(
    tiles: TileLog,
    verifiers: Sequence[Verifier] | None = None,
    extra_checkpoints: Iterable[tuple[str, bytes]] = (),
) -> LogReport:
    """Recompute a tile log from its entry bundles and check every tile.

    This is :func:`verify_log` for someone who has only the static copy
    (a folder or a URL): every entry is re-hashed, every served hash tile
    compared with the recomputed tree, and the served checkpoint and
    ``extra_checkpoints`` checked against it.
    """
    report = LogReport(size=tiles.size)
    tree = merkle.MemoryTree()
    seen: dict[tuple[object, ...], int] = {}
    for number, width in tile_spans(tiles.size):
        source = f"{tiles.where}/{entries_path(number, width)}"
        bundle = tiles.bundle(number)
        if len(bundle) != width:
            message = f"The bundle holds {len(bundle)} entries, not {width}."
            report.problems.append(_problem("tiles.bundle-size", source, message))
        for offset, data in enumerate(bundle[:width]):
            index = number * TILE_WIDTH + offset
            _check_entry(data, index, seen, source, f"entry {index}", report)
            tree.append_leaf_hash(merkle.leaf_hash(data))
    report.root = tree.root()

    _compare_tiles(tiles, tree, report)
    keys = list(verifiers) if verifiers is not None else tiles.published_verifiers()
    notes = [
        (f"{tiles.where}/checkpoint", tiles.latest_checkpoint()),
        *extra_checkpoints,
    ]
    _check_checkpoints(tiles.origin, tree, keys, notes, report)
    return report


def _compare_tiles(tiles: TileLog, tree: merkle.MemoryTree, report: LogReport) -> None:
    for level in range(0, len(tree.levels), TILE_HEIGHT):
        hashes = tree.levels[level]
        for number, width in tile_spans(len(hashes)):
            path = tile_path(level // TILE_HEIGHT, number, width)
            served = tiles.tile(path)
            start = number * TILE_WIDTH
            if served != b"".join(hashes[start : start + width]):
                report.problems.append(
                    _problem(
                        "tiles.tile-changed",
                        f"{tiles.where}/{path}",
                        "The served hashes differ from those recomputed from "
                        "the entry bundles.",
                    )
                )
