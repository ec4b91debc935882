"""Every way of rewriting history is caught, with what and where.

Each test archives the real TK2023 files, signs a checkpoint, tampers
with the data folder the way an operator or intruder could, and checks
that ``verify_log`` or the audit names the problem and its place.
"""

from __future__ import annotations

import os
import shutil
import struct
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openuitslag.core.errors import Problem
from openuitslag.log import Archive, Log, LogError
from openuitslag.log.entry import decode
from openuitslag.log.note import Checkpoint
from openuitslag.log.verify import audit_one, load_head, verify_log


def records(log: Log) -> list[bytes]:
    """Return the entry bytes as stored, in order."""
    return [log.entry_bytes(i) for i in range(log.size)]


def rewrite_entries(log: Log, entries: list[bytes], offsets: bool = True) -> None:
    """Overwrite the entries file (and offsets) as an intruder would."""
    raw, ends, end = bytearray(), bytearray(), 0
    for data in entries:
        raw += struct.pack(">H", len(data)) + data
        end += 2 + len(data)
        ends += struct.pack(">Q", end)
    (log.folder / "entries").write_bytes(bytes(raw))
    if offsets:
        (log.folder / "offsets").write_bytes(bytes(ends))
    log.close()


def problems(archive: Archive, objects: bool = False) -> list[Problem]:
    log = Log(archive.log.folder)
    return verify_log(log, store=archive.store if objects else None).problems


def codes(found: list[Problem]) -> set[str]:
    return {p.code for p in found}


def test_an_untouched_archive_verifies(archive: Archive) -> None:
    report = verify_log(archive.log, store=archive.store)
    assert report.problems == []
    assert (report.size, report.objects) == (5, 5)


def test_a_changed_byte_in_an_archived_file(
    archive: Archive, tmp_path: Path, files: list[tuple[str, bytes]]
) -> None:
    name, data = files[3]
    sha = archive.log.entry(3).sha256
    path = Path(archive.store.location(sha))
    path.chmod(0o644)
    changed = data[:100] + b"X" + data[101:]
    path.write_bytes(changed)

    found = problems(archive, objects=True)
    assert [(p.code, p.where) for p in found] == [("archive.changed", "entry 3")]
    assert "it was changed after archiving" in found[0].message
    assert str(path) == found[0].source

    copy = tmp_path / name
    copy.write_bytes(changed)
    head = load_head(archive.log, None, None)
    result = audit_one(archive.log, copy, head)
    assert result.problem is not None and result.problem.code == "audit.absent"
    assert "not in the log, or it was changed" in str(result.problem)


def test_a_changed_entry(archive: Archive) -> None:
    entries = records(archive.log)
    entries[2] = entries[2].replace(b"TK2023", b"TK2024")
    rewrite_entries(archive.log, entries)

    found = problems(archive)
    assert ("log.entry-changed", "entry 2") in {(p.code, p.where) for p in found}
    assert "changed after it was logged" in str(found[0])
    assert "log.inconsistent" in codes(found)  # the signed root disagrees


def test_a_removed_entry(archive: Archive) -> None:
    entries = records(archive.log)
    del entries[1]
    rewrite_entries(archive.log, entries)
    (archive.log.folder / "size").write_text("4\n")

    found = problems(archive)
    messages = {(p.where, p.message) for p in found}
    assert (
        "entry 1",
        "The entry is the one logged as entry 2: entries were removed or reordered.",
    ) in messages
    assert "log.rollback" in codes(found)  # the checkpoint covered 5


def test_reordered_entries(archive: Archive) -> None:
    entries = records(archive.log)
    entries[1], entries[3] = entries[3], entries[1]
    rewrite_entries(archive.log, entries)

    found = problems(archive)
    assert {(p.where, p.code) for p in found} >= {
        ("entry 1", "log.entry-changed"),
        ("entry 3", "log.entry-changed"),
    }
    assert any("logged as entry 3" in p.message for p in found)


def test_a_rebuilt_log_is_caught_by_its_checkpoints(
    archive: Archive, tmp_path: Path
) -> None:
    # The intruder rewrites entry 0 and recomputes every derived file, but
    # cannot re-sign the checkpoints without... the key they do not have.
    entries = [decode(d) for d in records(archive.log)]
    entries[0] = decode(entries[0].encode().replace(b"Kiesraad", b"Kiesr44d"))
    forged = Log(tmp_path / "forged", origin=archive.log.origin)
    forged.append(entries)
    shutil.copytree(archive.log.folder / "keys", forged.folder / "keys")
    shutil.copytree(
        archive.log.folder / "checkpoints",
        forged.folder / "checkpoints",
        dirs_exist_ok=True,
    )
    (forged.folder / "keys" / "signer.key").unlink()

    found = verify_log(Log(forged.folder)).problems
    assert codes(found) == {"log.inconsistent"}
    assert "an entry before index 5 was changed, removed or reordered" in str(found[0])
    assert "checkpoints/000000000005-" in found[0].source


def test_a_forged_checkpoint(archive: Archive) -> None:
    path = archive.log.folder / "checkpoint"
    note = path.read_bytes()
    head = archive.log.open_checkpoint(note).checkpoint
    body = Checkpoint(head.origin, head.size, bytes(32)).body()
    path.write_bytes(body + note[len(head.body()) :])

    found = problems(archive)
    assert [(p.code, Path(p.source).name) for p in found] == [
        ("log.checkpoint-forged", "checkpoint")
    ]
    assert "does not verify: the note was changed or forged" in found[0].message


def test_a_rolled_back_log(archive: Archive, files: list[tuple[str, bytes]]) -> None:
    saved = archive.log.latest_checkpoint()
    assert saved is not None
    rewrite_entries(archive.log, records(archive.log)[:3])
    os.truncate(archive.log.folder / "offsets", 3 * 8)
    (archive.log.folder / "size").write_text("3\n")
    log = Log(archive.log.folder)
    log.append([])  # recovery trims the tree files to 3 leaves
    (log.folder / "checkpoint").unlink()
    log.checkpoint()  # the operator signs the shorter log

    found = verify_log(log).problems
    assert codes(found) == {"log.rollback"}
    assert "covers 5 entries but the log has only 3" in found[0].message
    with pytest.raises(LogError, match="the log was rolled back"):
        load_head(log, saved, None)


def test_a_fork(archive: Archive, files: list[tuple[str, bytes]]) -> None:
    # The operator signs a second size-5 tree for some visitors.
    other = Checkpoint(archive.log.origin, 5, b"\x07" * 32)
    note = other.sign([archive.log.keys.signer()])
    (archive.log.folder / "checkpoints" / "000000000005-fork").write_bytes(note)

    found = problems(archive)
    assert codes(found) == {"log.fork"}
    assert "both sign size 5 with different roots: the log has forked" in str(found[0])


def test_offsets_that_point_elsewhere(archive: Archive) -> None:
    entries = records(archive.log)
    entries[2] = entries[2].replace(b"Kiesraad", b"De Kiesraad")
    rewrite_entries(archive.log, entries, offsets=False)

    found = problems(archive)
    assert ("log.offsets-changed", "entry 2") in {(p.code, p.where) for p in found}
    assert "says entry 2 ends at byte" in str(found)


@pytest.fixture(scope="module")
def small_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the folder of a signed log of 21 entries (two checkpoints)."""
    folder = tmp_path_factory.mktemp("small") / "log"
    log = Log(folder)
    for batch in (range(0, 13), range(13, 21)):
        log.append(
            [
                decode(
                    f'{{"authority":"GM{i:04d}","document_type":"EML 510b",'
                    f'"election":"GR2022","found_at":"2022-03-17T01:03:04Z",'
                    f'"sha256":"{i:064x}","size":{i},"source_url":"https://x/{i}",'
                    f'"v":1,"version":1}}'.encode()
                )
                for i in batch
            ]
        )
        log.checkpoint()
    log.close()
    return folder


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(["entries", "offsets", "tree/0", "tree/2", "checkpoint"]),
    position=st.integers(min_value=0),
    bit=st.integers(min_value=0, max_value=7),
)
def test_any_flipped_bit_is_found(
    small_log: Path, name: str, position: int, bit: int
) -> None:
    with tempfile.TemporaryDirectory() as temp:
        copy = Path(temp) / "log"
        shutil.copytree(small_log, copy)
        path = copy / name
        data = bytearray(path.read_bytes())
        data[position % len(data)] ^= 1 << bit
        path.write_bytes(bytes(data))

        assert verify_log(Log(copy, create=False)).problems
