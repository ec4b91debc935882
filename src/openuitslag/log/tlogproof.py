"""Self-contained proofs of one file, in the C2SP tlog-proof format.

A citizen who downloads a proces-verbaal should not need the whole log to
check it: a ``.tlog-proof`` file (https://c2sp.org/tlog-proof) carries the
signed checkpoint, the entry's index and its inclusion proof, and, in the
format's ``extra`` line, our canonical entry bytes. With the file, the
proof and the log's public key, anyone can verify offline that the file's
SHA-256 and size are what the log recorded, under a signed tree head::

    c2sp.org/tlog-proof@v1
    extra <base64 of the canonical entry>
    index <decimal>
    <base64 hash, one a line, nearest the leaf first>

    <the checkpoint: a signed note>
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass

from openuitslag.core.digest import sha256_hex
from openuitslag.log import merkle
from openuitslag.log.entry import Entry, EntryError, decode
from openuitslag.log.note import NoteError, SignedCheckpoint, Verifier, open_checkpoint
from openuitslag.log.storage import Log, LogError

HEADER = "c2sp.org/tlog-proof@v1"
_INDEX = re.compile(r"index (0|[1-9][0-9]*)")


class ProofFileError(ValueError):
    """A .tlog-proof is malformed or does not prove what it claims."""


@dataclass(frozen=True, slots=True)
class TlogProof:
    """The parts of a tlog-proof."""

    index: int
    hashes: tuple[bytes, ...]
    checkpoint: bytes
    extra: bytes | None = None

    def encode(self) -> bytes:
        """Return the proof in the tlog-proof text format."""
        lines = [HEADER]
        if self.extra is not None:
            lines.append(f"extra {base64.b64encode(self.extra).decode()}")
        lines.append(f"index {self.index}")
        lines += [base64.b64encode(h).decode() for h in self.hashes]
        return ("\n".join(lines) + "\n\n").encode() + self.checkpoint

    @classmethod
    def parse(cls, data: bytes) -> TlogProof:
        """Return the parts of a tlog-proof; raise ProofFileError."""
        head, blank, checkpoint = data.partition(b"\n\n")
        lines = head.decode("utf-8", "replace").split("\n")
        if not blank or lines[0] != HEADER:
            raise ProofFileError(f"A tlog-proof starts with the line {HEADER}.")
        extra = None
        if len(lines) > 1 and lines[1].startswith("extra "):
            extra = _b64(lines.pop(1)[6:], "extra data")
        match = _INDEX.fullmatch(lines[1]) if len(lines) > 1 else None
        if match is None:
            raise ProofFileError("The tlog-proof has no 'index N' line.")
        hashes = tuple(_b64(line, "proof hash") for line in lines[2:])
        if any(len(h) != merkle.HASH_SIZE for h in hashes):
            raise ProofFileError("A proof hash in the tlog-proof is not 32 bytes.")
        return cls(int(match.group(1)), hashes, checkpoint, extra)


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        raise ProofFileError(f"The {what} {text[:20]!r} is not base64.") from None


def make_proof(log: Log, index: int, checkpoint: bytes | None = None) -> bytes:
    """Return the tlog-proof of entry ``index`` under a checkpoint.

    The default checkpoint is the log's latest; the entry must be in it.
    """
    note = checkpoint if checkpoint is not None else log.latest_checkpoint()
    if note is None:
        raise LogError(f"The log in {log.folder} has no signed checkpoint yet.")
    size = log.open_checkpoint(note).checkpoint.size
    if index >= size:
        raise LogError(f"Entry {index} is not in the checkpoint of size {size}.")
    hashes = tuple(log.inclusion_proof(index, size))
    return TlogProof(index, hashes, note, log.entry_bytes(index)).encode()


def proven_sha256(proof: bytes) -> str:
    """Return the SHA-256 of the file a tlog-proof is about."""
    extra = TlogProof.parse(proof).extra
    try:
        return decode(extra or b"").sha256
    except EntryError as exc:
        raise ProofFileError(f"The tlog-proof's entry is unreadable: {exc}") from None


def check_proof(
    proof: bytes, data: bytes, verifiers: Sequence[Verifier]
) -> tuple[Entry, SignedCheckpoint]:
    """Check offline that ``data`` is the file a tlog-proof proves.

    Return the entry and the verified checkpoint; raise ProofFileError
    saying what does not hold.
    """
    parsed = TlogProof.parse(proof)
    if parsed.extra is None:
        raise ProofFileError("The tlog-proof carries no log entry (no extra).")
    try:
        head = open_checkpoint(parsed.checkpoint, verifiers)
        entry = decode(parsed.extra)
    except (NoteError, EntryError) as exc:
        raise ProofFileError(str(exc)) from None

    digest = sha256_hex(data)
    if (entry.sha256, entry.size) != (digest, len(data)):
        raise ProofFileError(
            f"The file has SHA-256 {digest} and {len(data)} bytes, but the "
            f"proof is for {entry.sha256} of {entry.size} bytes."
        )
    leaf = merkle.leaf_hash(parsed.extra)
    size, root = head.checkpoint.size, head.checkpoint.root
    try:
        merkle.verify_inclusion(leaf, parsed.index, size, parsed.hashes, root)
    except merkle.ProofError as exc:
        raise ProofFileError(str(exc)) from None
    return entry, head
