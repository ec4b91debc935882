"""The citizen's and operator's commands, on the real TK2023 files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from openuitslag.cli import main
from openuitslag.log import merkle


@pytest.fixture
def folder(tmp_path: Path, files: list[tuple[str, bytes]]) -> Path:
    """Return a folder holding the real files, as a citizen downloaded them."""
    target = tmp_path / "download"
    target.mkdir()
    for name, data in files:
        (target / name).write_bytes(data)
    return target


def run(data: Path, *args: str) -> Result:
    env = {"OPENUITSLAG_DATA_DIR": str(data)}
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def archive_folder(data: Path, folder: Path) -> Result:
    files = [str(p) for p in sorted(folder.iterdir())]
    return run(
        data,
        "log",
        "append",
        *files,
        "--election=TK2023",
        "--authority=Kiesraad",
        "--document-type=EML",
    )


def test_archive_verify_and_audit(tmp_path: Path, folder: Path) -> None:
    data = tmp_path / "var"
    keygen = run(data, "log", "keygen")
    assert keygen.exit_code == 0
    assert keygen.output.startswith("openuitslag.local/log+")

    appended = archive_folder(data, folder)
    assert appended.exit_code == 0, appended.output
    assert "\n5\n" in appended.output  # the checkpoint's size line
    assert archive_folder(data, folder).output.count("\t") == 10  # no new

    verified = run(data, "log", "verify")
    assert verified.exit_code == 0, verified.output
    assert "5 entries" in verified.output and "0 problems" in verified.output

    audited = run(data, "audit", str(folder))
    assert audited.exit_code == 0, audited.output
    assert audited.output.count("OK   ") == 5
    assert "proven under checkpoint size 5" in audited.output


def test_audit_fails_for_a_changed_file_and_names_it(
    tmp_path: Path, folder: Path
) -> None:
    data = tmp_path / "var"
    archive_folder(data, folder)
    target = folder / "Verkiezingsdefinitie_TK2023.eml.xml"
    target.write_bytes(target.read_bytes().replace(b"TK2023", b"TK2024", 1))

    audited = run(data, "audit", str(folder))
    assert audited.exit_code == 1
    assert f"FAIL {target}: No entry for SHA-256" in audited.output
    assert audited.output.count("OK   ") == 4


def test_rotation_keeps_old_checkpoints_valid_and_pinned_keys_work(
    tmp_path: Path, folder: Path
) -> None:
    data = tmp_path / "var"
    archive_folder(data, folder)
    old_checkpoint = tmp_path / "saved.checkpoint"
    old_checkpoint.write_bytes((data / "log" / "checkpoint").read_bytes())
    old_key = run(data, "log", "keys").output.strip()

    new_key = run(data, "log", "rotate-key").output.strip()
    assert new_key != old_key
    assert run(data, "log", "checkpoint").exit_code == 0  # same size, new key
    assert run(data, "log", "keys").output.split() == [old_key, new_key]

    assert run(data, "log", "verify").exit_code == 0
    pinned = run(
        data,
        "audit",
        str(folder),
        "--checkpoint",
        str(old_checkpoint),
        "--key",
        old_key,
    )
    assert pinned.exit_code == 0, pinned.output
    wrong = run(
        data,
        "audit",
        str(folder),
        "--checkpoint",
        str(old_checkpoint),
        "--key",
        new_key,
    )
    assert wrong.exit_code == 1
    assert "FAIL The checkpoint cannot be trusted" in wrong.output
    assert "not signed by a trusted key" in wrong.output


def test_proofs_printed_as_json_verify_independently(
    tmp_path: Path, folder: Path
) -> None:
    data = tmp_path / "var"
    archive_folder(data, folder)
    some_file = sorted(folder.iterdir())[2]

    answer = json.loads(run(data, "log", "proof", "--file", str(some_file)).output)
    proof = answer["proofs"][0]
    merkle.verify_inclusion(
        bytes.fromhex(proof["leaf_hash"]),
        proof["index"],
        proof["size"],
        [bytes.fromhex(h) for h in proof["proof"]],
        bytes.fromhex(proof["root"]),
    )
    assert (
        merkle.leaf_hash(proof["entry"]["canonical"].encode()).hex()
        == (proof["leaf_hash"])
    )

    consistency = json.loads(run(data, "log", "proof", "--from", "2").output)
    merkle.verify_consistency(
        2,
        5,
        [bytes.fromhex(h) for h in consistency["proof"]],
        bytes.fromhex(consistency["old_root"]),
        bytes.fromhex(consistency["new_root"]),
    )


def test_unusable_input_exits_2_with_a_sentence(tmp_path: Path, folder: Path) -> None:
    missing = run(tmp_path / "nothing", "audit", str(folder))
    assert missing.exit_code == 2
    assert "is not an openuitslag log" in missing.output

    data = tmp_path / "var"
    archive_folder(data, folder)
    assert run(data, "log", "proof").exit_code == 2
    beyond = run(data, "log", "proof", "--index", "9")
    assert beyond.exit_code == 2
    assert "The log has no entry 9; its size is 5." in beyond.output


def test_a_log_with_a_missing_file_fails_with_a_sentence(
    tmp_path: Path, folder: Path
) -> None:
    data = tmp_path / "var"
    archive_folder(data, folder)
    (data / "log" / "tree" / "0").unlink()

    verified = run(data, "log", "verify")
    assert verified.exit_code == 1
    assert "FAIL " in verified.output
    audited = run(data, "audit", str(folder))
    assert audited.exit_code == 1
    assert "FAIL The log cannot be read through" in audited.output
