"""Signed notes and checkpoints in the C2SP formats, with Ed25519 keys.

A checkpoint is the log's signed statement "my first N entries have root
hash R". We use the formats the transparency ecosystem shares (C2SP
signed-note and tlog-checkpoint, as Go's sumdb, Sigstore and the Android
binary transparency logs do) so that existing verifiers and witnesses
can check our checkpoints without code of ours.

Keys are text in the signed-note encoding: a private signer key
``PRIVATE+KEY+<name>+<hash>+<base64(0x01 || seed)>`` and a public
verifier key ``<name>+<hash>+<base64(0x01 || public key)>``, where the
4-byte key hash is the first bytes of SHA-256(name || 0x0A || 0x01 ||
public key). Rotating a key means signing new checkpoints with a new
key; the old verifier key stays published, so old checkpoints still
verify.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519 = 0x01  # a note signature, e.g. the log's on its checkpoints
COSIGNATURE = 0x04  # a witness's timestamped cosignature (tlog-cosignature)
_KINDS = {ED25519: "Ed25519", COSIGNATURE: "Ed25519 cosignature/v1"}
SIGNATURE_PREFIX = "\u2014 "  # em dash and a space
_NAME = re.compile(r"[^\s+]+")
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,19}")


class NoteError(ValueError):
    """A key, note or checkpoint is malformed or does not verify."""


def key_hash(name: str, public_key: bytes, kind: int = ED25519) -> bytes:
    """Return the 4-byte key hash: SHA-256(name || 0x0A || kind || key)."""
    data = name.encode() + b"\n" + bytes([kind]) + public_key
    return hashlib.sha256(data).digest()[:4]


def cosigned_message(text: bytes, timestamp: int) -> bytes:
    """Return what a cosignature/v1 signs: header, time, checkpoint text."""
    return b"cosignature/v1\ntime %d\n" % timestamp + text


@dataclass(frozen=True, slots=True)
class Verifier:
    """A public key that checks signatures of one key name.

    ``kind`` is :data:`ED25519` for note signatures (the log's key) or
    :data:`COSIGNATURE` for a witness's cosignatures.
    """

    name: str
    public_key: bytes
    kind: int = ED25519

    @property
    def key_hash(self) -> bytes:
        """Return the 4-byte key hash that prefixes this key's signatures."""
        return key_hash(self.name, self.public_key, self.kind)

    def encode(self) -> str:
        """Return the verifier key text: ``name+hash+base64(kind||key)``."""
        material = base64.b64encode(bytes([self.kind]) + self.public_key).decode()
        return f"{self.name}+{self.key_hash.hex()}+{material}"

    @classmethod
    def decode(cls, text: str) -> Verifier:
        """Return the verifier of a verifier key text; check its hash."""
        name, hash_hex, kind, raw = _split_key(text.strip(), "verifier key")
        verifier = cls(name, raw, kind)
        if verifier.key_hash.hex() != hash_hex:
            raise NoteError(
                f"The verifier key for {name!r} says key hash {hash_hex}, but "
                f"its key has hash {verifier.key_hash.hex()}."
            )
        return verifier

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Return whether ``signature`` is this key's signature of ``text``."""
        if self.kind == COSIGNATURE:
            if len(signature) != 72:
                return False
            stamp = int.from_bytes(signature[:8], "big")
            text, signature = cosigned_message(text, stamp), signature[8:]
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, text)
        except InvalidSignature:
            return False
        return True

    def cosigned_at(self, signature: bytes) -> int | None:
        """Return the timestamp of a cosignature by this key, if it is one."""
        if self.kind != COSIGNATURE or len(signature) != 72:
            return None
        return int.from_bytes(signature[:8], "big")


@dataclass(frozen=True, slots=True)
class Signer:
    """A private Ed25519 key with its key name (and kind, see Verifier)."""

    name: str
    seed: bytes
    kind: int = ED25519

    @classmethod
    def generate(cls, name: str, kind: int = ED25519) -> Signer:
        """Return a new random key named ``name`` (for example the origin)."""
        if not _NAME.fullmatch(name):
            raise NoteError(
                f"The key name {name!r} may not be empty or contain spaces or '+'."
            )
        return cls(name, Ed25519PrivateKey.generate().private_bytes_raw(), kind)

    @property
    def verifier(self) -> Verifier:
        """Return the public half of this key."""
        public = Ed25519PrivateKey.from_private_bytes(self.seed).public_key()
        raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return Verifier(self.name, raw, self.kind)

    def encode(self) -> str:
        """Return the private key text ``PRIVATE+KEY+name+hash+base64``."""
        material = base64.b64encode(bytes([self.kind]) + self.seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_hash.hex()}+{material}"

    @classmethod
    def decode(cls, text: str) -> Signer:
        """Return the signer of a private key text; check its key hash."""
        text = text.strip()
        if not text.startswith("PRIVATE+KEY+"):
            raise NoteError("A private key text starts with PRIVATE+KEY+.")
        name, hash_hex, kind, seed = _split_key(text[12:], "private key")
        signer = cls(name, seed, kind)
        if signer.verifier.key_hash.hex() != hash_hex:
            raise NoteError(f"The private key for {name!r} has a wrong key hash.")
        return signer

    def sign(self, text: bytes, timestamp: int = 0) -> str:
        """Return one signature line for ``text`` (without the newline).

        A cosigner signs the cosignature/v1 message for ``timestamp``
        (POSIX seconds) and puts the timestamp before the signature.
        """
        key = Ed25519PrivateKey.from_private_bytes(self.seed)
        if self.kind == COSIGNATURE:
            stamp = timestamp.to_bytes(8, "big")
            signature = stamp + key.sign(cosigned_message(text, timestamp))
        else:
            signature = key.sign(text)
        blob = base64.b64encode(self.verifier.key_hash + signature).decode()
        return f"{SIGNATURE_PREFIX}{self.name} {blob}"


def _split_key(text: str, what: str) -> tuple[str, str, int, bytes]:
    fields = text.split("+", 2)
    if len(fields) != 3 or not _NAME.fullmatch(fields[0]):
        raise NoteError(f"The {what} {text[:40]!r}… is not name+hash+key.")
    name, hash_hex, material = fields
    try:
        raw = base64.b64decode(material, validate=True)
    except binascii.Error:
        raise NoteError(f"The {what} for {name!r} is not valid base64.") from None
    if len(raw) != 33 or raw[0] not in _KINDS:
        raise NoteError(f"The {what} for {name!r} is not an Ed25519 key.")
    return name, hash_hex, raw[0], raw[1:]


def sign_note(text: bytes, signers: Sequence[Signer]) -> bytes:
    """Return ``text`` as a signed note: text, blank line, signatures."""
    _check_text(text)
    lines = [signer.sign(text) + "\n" for signer in signers]
    return text + b"\n" + "".join(lines).encode()


def _check_text(text: bytes) -> None:
    if not text.endswith(b"\n") or b"\n\n" in text:
        raise NoteError("A note's text ends in one newline and has no blank line.")
    if any(byte < 0x20 and byte != 0x0A for byte in text):
        raise NoteError("A note's text may not contain control characters.")


@dataclass(frozen=True, slots=True)
class SignedNote:
    """A note's text and the signatures on it, as found."""

    text: bytes
    signatures: tuple[tuple[str, bytes, bytes], ...]  # name, hash, sig

    @classmethod
    def parse(cls, note: bytes) -> SignedNote:
        """Return the parts of a signed note; raise :class:`NoteError`."""
        try:
            note.decode("utf-8")
        except UnicodeDecodeError:
            raise NoteError("The note is not UTF-8.") from None
        cut = note.rfind(b"\n\n")
        if cut < 0 or not note.endswith(b"\n"):
            raise NoteError("The note has no blank line before its signatures.")
        text, block = note[: cut + 1], note[cut + 2 :]
        _check_text(text)
        signatures = tuple(_parse_signature(line) for line in block.splitlines())
        if not signatures:
            raise NoteError("The note has no signature lines.")
        return cls(text, signatures)

    def verified_by(self, verifiers: Iterable[Verifier]) -> list[Verifier]:
        """Return the known keys whose signature on the text is valid.

        A signature by a known key that does not verify makes the whole
        note invalid, as the signed-note spec requires.
        """
        known = {(v.name, v.key_hash): v for v in verifiers}
        good: list[Verifier] = []
        for name, hash4, signature in self.signatures:
            verifier = known.get((name, hash4))
            if verifier is None:
                continue
            if not verifier.verify(self.text, signature):
                raise NoteError(
                    f"The signature by key {name}+{hash4.hex()} does not "
                    "verify: the note was changed or forged."
                )
            good.append(verifier)
        return good


def _parse_signature(line: bytes) -> tuple[str, bytes, bytes]:
    text = line.decode("utf-8")
    if not text.startswith(SIGNATURE_PREFIX):
        raise NoteError(f"The signature line {text[:40]!r} has no em dash.")
    name, _, blob = text[len(SIGNATURE_PREFIX) :].partition(" ")
    try:
        raw = base64.b64decode(blob, validate=True)
    except binascii.Error:
        raise NoteError(f"The signature by {name!r} is not base64.") from None
    if len(raw) < 5:
        raise NoteError(f"The signature by {name!r} is too short.")
    return name, raw[:4], raw[4:]


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A tree head in tlog-checkpoint form: origin, size, root hash."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def body(self) -> bytes:
        """Return the checkpoint text that is signed."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode()]
        return ("\n".join([*lines, *self.extensions]) + "\n").encode()

    def sign(self, signers: Sequence[Signer]) -> bytes:
        """Return the signed checkpoint note."""
        return sign_note(self.body(), signers)

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict of the tree head."""
        return {"origin": self.origin, "size": self.size, "root": self.root.hex()}

    @classmethod
    def parse_body(cls, text: bytes) -> Checkpoint:
        """Return the checkpoint in a note text; raise :class:`NoteError`."""
        lines = text.decode("utf-8").split("\n")[:-1]
        if len(lines) < 3 or not lines[0]:
            raise NoteError("A checkpoint has an origin, a size and a root hash.")
        if not _DECIMAL.fullmatch(lines[1]):
            raise NoteError(f"The checkpoint size {lines[1]!r} is not a decimal.")
        try:
            root = base64.b64decode(lines[2], validate=True)
        except binascii.Error:
            root = b""
        if len(root) != 32:
            raise NoteError(f"The checkpoint root {lines[2]!r} is not a hash.")
        return cls(lines[0], int(lines[1]), root, tuple(lines[3:]))


@dataclass(frozen=True, slots=True)
class SignedCheckpoint:
    """A checkpoint together with the note that carried it."""

    checkpoint: Checkpoint
    note: bytes
    signed_by: tuple[Verifier, ...]


def open_checkpoint(
    note: bytes, verifiers: Iterable[Verifier], origin: str | None = None
) -> SignedCheckpoint:
    """Return a checkpoint whose signature by a trusted key verifies.

    Raise :class:`NoteError` saying why when the note is malformed, not
    signed by any of ``verifiers``, forged, or for another origin.
    """
    parsed = SignedNote.parse(note)
    good = parsed.verified_by(verifiers)
    if not good:
        names = ", ".join(f"{n}+{h.hex()}" for n, h, _ in parsed.signatures)
        raise NoteError(
            f"The checkpoint is not signed by a trusted key (signed by {names})."
        )
    checkpoint = Checkpoint.parse_body(parsed.text)
    if origin is not None and checkpoint.origin != origin:
        raise NoteError(
            f"The checkpoint is for log {checkpoint.origin!r}, not {origin!r}."
        )
    return SignedCheckpoint(checkpoint, note, tuple(good))
