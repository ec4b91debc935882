"""Witnesses cosign only consistent checkpoints, and audits can require them.

The cosignature format is checked from the C2SP tlog-cosignature text:
key ID over (name, 0x0A, 0x04, key), a big-endian 8-byte timestamp before
the Ed25519 signature, which covers "cosignature/v1", the time line and
the checkpoint text.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from log_testdata import FOUND

from openuitslag.cli import main
from openuitslag.log import Archive, Entry, EntryMeta, Log
from openuitslag.log.note import NoteError, SignedNote
from openuitslag.log.witness import Witness, WitnessRefused, cosigners, require_quorum


def entry(i: int, authority: str = "GM0363") -> Entry:
    meta = EntryMeta("TK2023", authority, "EML 510b", f"https://x/{i}", FOUND)
    return Entry.of(f"{i:064x}", i, meta)


def test_a_cosignature_follows_the_c2sp_format(tmp_path: Path) -> None:
    log = Log(tmp_path / "log")
    log.append([entry(i) for i in range(3)])
    log.checkpoint()
    witness = Witness(tmp_path / "w", "witness.example/w1")

    note = witness.cosign(log, log.keys.verifiers(), now=1679315147)
    line = note.decode().splitlines()[-1]
    name, blob = line.removeprefix("\u2014 ").split(" ")
    raw = base64.b64decode(blob)
    public = witness.verifier.public_key
    text = SignedNote.parse(note).text

    assert name == "witness.example/w1"
    assert raw[:4] == hashlib.sha256(name.encode() + b"\n\x04" + public).digest()[:4]
    assert int.from_bytes(raw[4:12], "big") == 1679315147
    message = b"cosignature/v1\ntime 1679315147\n" + text
    Ed25519PublicKey.from_public_bytes(public).verify(raw[12:], message)
    assert base64.b64decode(witness.verifier.encode().split("+", 2)[2])[0] == 0x04
    assert cosigners(note, [witness.verifier]) == [witness.verifier]


def test_a_witness_refuses_a_fork_and_a_rollback(tmp_path: Path) -> None:
    log = Log(tmp_path / "log")
    log.append([entry(i) for i in range(5)])
    log.checkpoint()
    witness = Witness(tmp_path / "w")
    witness.cosign(log, log.keys.verifiers())

    # A second history, signed with the same key, shown to the witness.
    fork = Log(tmp_path / "fork", origin=log.origin)
    fork.append([entry(i, "GM0000" if i == 2 else "GM0363") for i in range(6)])
    fork.checkpoint(log.keys.signer())
    with pytest.raises(WitnessRefused, match="the log has forked"):
        witness.cosign(fork, log.keys.verifiers())

    short = Log(tmp_path / "short", origin=log.origin)
    short.append([entry(i) for i in range(3)])
    short.checkpoint(log.keys.signer())
    with pytest.raises(WitnessRefused, match="the log was rolled back"):
        witness.cosign(short, log.keys.verifiers())

    log.append([entry(5), entry(6)])
    log.checkpoint()
    assert witness.cosign(log, log.keys.verifiers())  # a real extension


def test_audit_requires_a_quorum_of_witnesses(
    tmp_path: Path, archive: Archive, files: list[tuple[str, bytes]]
) -> None:
    one, two = (
        Witness(tmp_path / "w1", "w1.example"),
        Witness(tmp_path / "w2", "w2.example"),
    )
    keys = archive.log.keys.verifiers()
    note = archive.log.add_cosignatures(one.cosign(archive.log, keys), [one.verifier])
    require_quorum(note, [one.verifier, two.verifier], 1)
    with pytest.raises(NoteError, match="cosigned by 1 of the 2 trusted witnesses; 2"):
        require_quorum(note, [one.verifier, two.verifier], 2)

    folder = tmp_path / "download"
    folder.mkdir()
    for name, data in files:
        (folder / name).write_bytes(data)
    env = {"OPENUITSLAG_DATA_DIR": str(archive.log.folder.parent)}
    args = ["audit", str(folder), "--witness", one.verifier.encode()]
    assert CliRunner().invoke(main, args, env=env).exit_code == 0
    both = [*args, "--witness", two.verifier.encode(), "--quorum", "2"]
    result = CliRunner().invoke(main, both, env=env)
    assert result.exit_code == 1
    assert "FAIL The checkpoint is cosigned by 1 of the 2 trusted witnesses" in (
        result.output
    )


def test_witness_and_add_cosignature_commands(tmp_path: Path, archive: Archive) -> None:
    runner = CliRunner()
    log_folder = str(archive.log.folder)
    log_key = archive.log.keys.verifiers()[0].encode()
    state = str(tmp_path / "witness")

    cosigned = runner.invoke(
        main,
        ["log", "witness", "--log", log_folder, "--state", state, "--log-key", log_key],
    )
    assert cosigned.exit_code == 0, cosigned.output
    witness_key = Witness(tmp_path / "witness").verifier.encode()
    (tmp_path / "cosigned").write_text(cosigned.stdout)
    added = runner.invoke(
        main,
        [
            *("log", "add-cosignature", str(tmp_path / "cosigned")),
            *("--log", log_folder, "--witness", witness_key),
        ],
    )
    assert added.exit_code == 0, added.output
    latest = archive.log.latest_checkpoint() or b""
    assert latest.count("\u2014".encode()) == 2
    assert Log(archive.log.folder).open_checkpoint(latest).checkpoint.size == 5
