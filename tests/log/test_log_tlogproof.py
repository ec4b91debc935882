"""A .tlog-proof lets a citizen check one file with nothing but a key."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from openuitslag.cli import main
from openuitslag.log import Archive
from openuitslag.log.note import Signer
from openuitslag.log.tlogproof import (
    HEADER,
    ProofFileError,
    TlogProof,
    check_proof,
    make_proof,
)


def test_a_proof_round_trips_and_verifies(
    archive: Archive, files: list[tuple[str, bytes]]
) -> None:
    proof = make_proof(archive.log, 3)
    lines = proof.decode().split("\n")

    assert lines[0] == HEADER
    assert lines[1].startswith("extra ") and lines[2] == "index 3"
    assert TlogProof.parse(proof).encode() == proof
    entry, head = check_proof(proof, files[3][1], archive.log.keys.verifiers())
    assert entry == archive.log.entry(3)
    assert head.checkpoint.size == 5


def test_a_changed_file_key_or_hash_fails(
    archive: Archive, files: list[tuple[str, bytes]]
) -> None:
    proof, data = make_proof(archive.log, 3), files[3][1]
    keys = archive.log.keys.verifiers()

    with pytest.raises(ProofFileError, match="but the proof is for"):
        check_proof(proof, data + b" ", keys)
    with pytest.raises(ProofFileError, match="not signed by a trusted key"):
        check_proof(proof, data, [Signer.generate("other").verifier])
    parsed = TlogProof.parse(proof)
    swapped = TlogProof(
        parsed.index, parsed.hashes[::-1], parsed.checkpoint, parsed.extra
    )
    with pytest.raises(ProofFileError, match="leads to root"):
        check_proof(swapped.encode(), data, keys)


def test_audit_with_proofs_and_no_log(
    tmp_path: Path, archive: Archive, files: list[tuple[str, bytes]]
) -> None:
    runner = CliRunner()
    env = {"OPENUITSLAG_DATA_DIR": str(archive.log.folder.parent)}
    name, data = files[1]
    (tmp_path / name).write_bytes(data)
    proof = runner.invoke(
        main, ["log", "proof", "--file", str(tmp_path / name), "--tlog-proof"], env=env
    )
    assert proof.exit_code == 0, proof.output
    (tmp_path / "file.tlog-proof").write_text(proof.output)
    key = archive.log.keys.verifiers()[0].encode()

    args = ["audit", str(tmp_path / name), "--proof", str(tmp_path / "file.tlog-proof")]
    nowhere = {"OPENUITSLAG_DATA_DIR": str(tmp_path / "none")}
    result = runner.invoke(main, [*args, "--key", key], env=nowhere)
    assert result.exit_code == 0, result.output
    assert "proven under checkpoint size 5" in result.output

    (tmp_path / name).write_bytes(data.replace(b"2023", b"2024", 1))
    result = runner.invoke(main, [*args, "--key", key], env=nowhere)
    assert result.exit_code == 1
    assert "No --proof is for this file (or it changed)." in result.output
    assert runner.invoke(main, args, env=nowhere).exit_code == 2  # no --key
