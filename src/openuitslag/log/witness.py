"""Witnesses: independent cosigners that refuse to sign a split view.

A signed log can still lie by showing one history to the Kiesraad and
another to a journalist (a *split view*): both histories are signed and
each is append-only on its own. Witnesses close that gap (C2SP
tlog-cosignature): a witness remembers the latest checkpoint it cosigned
for the log, checks that every new checkpoint is a consistent extension
of it, and only then adds its timestamped Ed25519 cosignature. A citizen
who requires cosignatures from a quorum of independent witnesses (a
university, a newspaper, a political party) knows that everyone was
shown the same history.

The witness needs no trust in the log's server: it verifies the log's
signature with a key it was given and the consistency proof against the
root it remembers.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from openuitslag.log import merkle
from openuitslag.log.note import (
    COSIGNATURE,
    NoteError,
    SignedCheckpoint,
    SignedNote,
    Signer,
    Verifier,
    open_checkpoint,
)
from openuitslag.log.store import atomic_write

logger = logging.getLogger("openuitslag.log")


class WitnessRefused(Exception):
    """The witness will not cosign: the log forked or rolled back."""


class NodeSource(Protocol):
    """Where a witness reads the tree: a Log or a TileLog."""

    def latest_checkpoint(self) -> bytes | None: ...
    def read_node(self, level: int, index: int) -> bytes: ...


class Witness:
    """A cosigner with its key and its memory, in one folder."""

    def __init__(self, folder: Path, name: str | None = None) -> None:
        self.folder = Path(folder)
        key_file = self.folder / "witness.key"
        if key_file.exists():
            self.signer = Signer.decode(key_file.read_text("ascii"))
        else:
            default = f"witness.openuitslag/{socket.gethostname()}"
            self.signer = Signer.generate(name or default, COSIGNATURE)
            atomic_write(key_file, self.signer.encode().encode() + b"\n", 0o600)
            logger.info("WITNESS_KEY_CREATED key=%s", self.signer.verifier.encode())

    @property
    def verifier(self) -> Verifier:
        """Return the public key to publish (type 0x04)."""
        return self.signer.verifier

    def _memory(self, origin: str) -> Path:
        return self.folder / "seen" / origin.replace("/", "_")

    def cosign(
        self, source: NodeSource, log_keys: Sequence[Verifier], now: int | None = None
    ) -> bytes:
        """Check the log's latest checkpoint and return it cosigned.

        Raise :class:`WitnessRefused` when it is not a consistent
        extension of the last checkpoint this witness cosigned.
        """
        note = source.latest_checkpoint()
        if note is None:
            raise WitnessRefused("The log has no checkpoint to cosign.")
        try:
            head = open_checkpoint(note, log_keys)
        except NoteError as exc:
            raise WitnessRefused(f"The log's checkpoint is not valid: {exc}") from None

        memory = self._memory(head.checkpoint.origin)
        if memory.exists():
            seen = open_checkpoint(memory.read_bytes(), log_keys)
            _check_extends(source, seen, head)
        line = self.signer.sign(head.checkpoint.body(), now or int(time.time()))
        atomic_write(memory, note)
        logger.info(
            "COSIGNED origin=%s size=%d",
            head.checkpoint.origin,
            head.checkpoint.size,
        )
        return note + line.encode() + b"\n"


def _check_extends(
    source: NodeSource, seen: SignedCheckpoint, head: SignedCheckpoint
) -> None:
    old, new = seen.checkpoint, head.checkpoint
    if new.size < old.size:
        raise WitnessRefused(
            f"The log now shows {new.size} entries, but this witness already "
            f"cosigned {old.size}: the log was rolled back."
        )
    proof = merkle.consistency_proof(source.read_node, old.size, new.size)
    try:
        merkle.verify_consistency(old.size, new.size, proof, old.root, new.root)
    except merkle.ProofError as exc:
        raise WitnessRefused(
            f"The checkpoint of size {new.size} does not extend the one of "
            f"size {old.size} this witness cosigned: the log has forked "
            f"({exc})."
        ) from None


def cosigners(note: bytes, witnesses: Sequence[Verifier]) -> list[Verifier]:
    """Return the witnesses whose cosignature on the checkpoint is valid."""
    return SignedNote.parse(note).verified_by(witnesses)


def require_quorum(note: bytes, witnesses: Sequence[Verifier], quorum: int) -> None:
    """Raise NoteError unless ``quorum`` of ``witnesses`` cosigned ``note``."""
    good = cosigners(note, witnesses)
    if len(good) < quorum:
        raise NoteError(
            f"The checkpoint is cosigned by {len(good)} of the "
            f"{len(witnesses)} trusted witnesses; {quorum} are required to "
            "rule out that different people are shown different logs."
        )


def merge_cosignatures(
    note: bytes, cosigned: bytes, witnesses: Sequence[Verifier]
) -> bytes:
    """Return ``note`` with the valid cosignatures found in ``cosigned``.

    ``cosigned`` must carry the same checkpoint text; only signature lines
    of ``witnesses`` that verify are taken over.
    """
    ours, theirs = SignedNote.parse(note), SignedNote.parse(cosigned)
    if ours.text != theirs.text:
        raise NoteError("The cosigned note is for a different checkpoint.")
    good = {(v.name, v.key_hash) for v in theirs.verified_by(witnesses)}
    if not good:
        raise NoteError("The note carries no valid cosignature of a known witness.")
    lines = note.decode("utf-8").splitlines(keepends=True)
    blank = cosigned.rindex(b"\n\n") + 2
    for line in cosigned[blank:].decode("utf-8").splitlines(keepends=True):
        if line not in lines and _signer_of(line) in good:
            lines.append(line)
    return "".join(lines).encode()


def _signer_of(line: str) -> tuple[str, bytes]:
    parsed = SignedNote.parse(b"x\n\n" + line.encode())
    name, key_hash, _ = parsed.signatures[0]
    return name, key_hash
