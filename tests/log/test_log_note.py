"""Signed notes and checkpoints match the C2SP formats and Go's reference.

The known answer is the example of golang.org/x/mod/sumdb/note: its
private key, verifier key and the signature it prints. Ed25519 is
deterministic, so our signer must produce the very same line.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from openuitslag.log.keys import Keyring, SigningKeyError
from openuitslag.log.note import (
    Checkpoint,
    NoteError,
    Signer,
    Verifier,
    open_checkpoint,
    sign_note,
)

GO_SIGNER = (
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
)
GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    b"If you think cryptography is the answer to your problem,\n"
    b"then you don't know what your problem is.\n"
)
GO_SIGNATURE = (
    "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FF"
    "YC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def test_keys_and_signature_match_the_go_reference() -> None:
    signer = Signer.decode(GO_SIGNER)

    assert signer.encode() == GO_SIGNER
    assert signer.verifier.encode() == GO_VERIFIER
    assert Verifier.decode(GO_VERIFIER) == signer.verifier
    assert sign_note(GO_TEXT, [signer]) == GO_TEXT + b"\n" + GO_SIGNATURE.encode()


def test_a_wrong_key_hash_is_refused() -> None:
    with pytest.raises(NoteError, match="says key hash c74f20a4"):
        Verifier.decode(GO_VERIFIER.replace("c74f20a3", "c74f20a4"))


def test_a_checkpoint_is_origin_size_root_and_verifies() -> None:
    signer = Signer.generate("example.org/log")
    head = Checkpoint("example.org/log", 13, bytes(range(32)))
    note = head.sign([signer])

    text = note.decode()
    assert text.startswith(
        "example.org/log\n13\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n\n— "
    )
    opened = open_checkpoint(note, [signer.verifier], "example.org/log")
    assert opened.checkpoint == head


def test_a_forged_or_foreign_checkpoint_is_refused() -> None:
    signer, other = Signer.generate("example.org/log"), Signer.generate("x")
    note = Checkpoint("example.org/log", 13, bytes(32)).sign([signer])

    forged = note.replace(b"\n13\n", b"\n14\n")
    with pytest.raises(NoteError, match="does not verify: the note was changed"):
        open_checkpoint(forged, [signer.verifier])
    with pytest.raises(NoteError, match="not signed by a trusted key"):
        open_checkpoint(note, [other.verifier])
    with pytest.raises(NoteError, match=r"for log 'example\.org/log', not 'y'"):
        open_checkpoint(note, [signer.verifier], "y")


def test_keys_are_private_and_rotation_keeps_old_checkpoints_valid(
    tmp_path: Path,
) -> None:
    keys = Keyring(tmp_path / "keys")
    first = keys.generate("example.org/log")
    old_note = Checkpoint("example.org/log", 1, bytes(32)).sign([first])

    assert stat.S_IMODE(keys.signer_file.stat().st_mode) == 0o600
    with pytest.raises(SigningKeyError, match="already exists"):
        keys.generate("example.org/log")

    second = keys.rotate()
    assert keys.signer() == second != first
    assert keys.verifiers() == [first.verifier, second.verifier]
    retired = next((tmp_path / "keys" / "retired").iterdir())
    assert stat.S_IMODE(retired.stat().st_mode) == 0o600
    open_checkpoint(old_note, keys.verifiers(), "example.org/log")
    with pytest.raises(NoteError):
        open_checkpoint(old_note, [second.verifier])
