"""The on-disk log: same hashes as the definitions, idempotent, recoverable."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from log_testdata import FOUND, meta_for

from openuitslag.log import Archive, Log, merkle
from openuitslag.log.entry import Entry, EntryError, EntryMeta
from openuitslag.log.store import LocalObjectStore
from openuitslag.log.verify import verify_log


def entry(i: int, version: int = 1) -> Entry:
    sha = f"{i:064x}"
    meta = EntryMeta("TK2021", f"GM{i:04d}", "EML 510b", f"https://x/{i}", FOUND)
    return Entry.of(sha, i, EntryMeta(**{**_as_kwargs(meta), "version": version}))


def _as_kwargs(meta: EntryMeta) -> dict[str, object]:
    return {name: getattr(meta, name) for name in meta.__slots__}


def test_stored_tree_matches_an_in_memory_tree(tmp_path: Path) -> None:
    log = Log(tmp_path / "log")
    memory = merkle.MemoryTree()
    index = 0
    for batch in (1, 1, 2, 5, 8, 13, 1, 40, 3):
        log.append([entry(index + i) for i in range(batch)])
        for i in range(batch):
            memory.append_leaf_hash(merkle.leaf_hash(entry(index + i).encode()))
        index += batch
        assert log.size == memory.size
        assert log.root() == memory.root()

    for size in (1, 7, 32, 50, index):
        for i in range(0, size, 7):
            assert log.inclusion_proof(i, size) == merkle.inclusion_proof(
                memory.read, i, size
            )
        assert log.consistency_proof(size // 3, size) == merkle.consistency_proof(
            memory.read, size // 3, size
        )
    assert log.entry(17) == entry(17)


def test_adding_the_same_file_twice_adds_it_once(
    tmp_path: Path, files: list[tuple[str, bytes]]
) -> None:
    archive = Archive.open(tmp_path)
    name, data = files[0]
    first = archive.add(data, meta_for(name))
    again = archive.add(
        data, EntryMeta(**{**_as_kwargs(meta_for(name)), "found_at": None})
    )
    newer = archive.add(data, meta_for(name, version=2))

    assert again == first  # same identity: the first entry, its time kept
    assert newer.version == 2
    assert archive.log.size == 2
    assert archive.get(first.sha256) == data
    assert archive.log.find_sha256(first.sha256) == [0, 1]


def test_a_torn_tail_is_cut_off_and_the_rerun_adds_it(tmp_path: Path) -> None:
    log = Log(tmp_path / "log")
    log.append([entry(i) for i in range(10)])
    log.checkpoint()

    # An append that died before its commit: half a record, stray hashes.
    record = entry(10).encode()
    for name, junk in (
        ("entries", len(record).to_bytes(2, "big") + record[:30]),
        ("offsets", b"\x00\x00\x00"),
        ("tree/0", os.urandom(45)),
        ("tree/1", os.urandom(32)),
    ):
        with (tmp_path / "log" / name).open("ab") as handle:
            handle.write(junk)

    reopened = Log(tmp_path / "log")
    assert reopened.size == 10
    assert reopened.append([entry(9), entry(10), entry(11)]) == [9, 10, 11]
    assert verify_log(reopened).problems == []
    assert reopened.size == 12


def test_two_writers_share_one_log(tmp_path: Path) -> None:
    one, two = Log(tmp_path / "log"), Log(tmp_path / "log")
    for i in range(0, 20, 2):
        one.append([entry(i)])
        two.append([entry(i + 1), entry(i)])

    assert one.size == two.size == 20
    assert verify_log(one).problems == []


def test_a_checkpoint_is_reused_until_the_log_grows(tmp_path: Path) -> None:
    log = Log(tmp_path / "log", origin="example.org/uitslag")
    log.append([entry(0)])
    first = log.checkpoint()

    assert log.checkpoint() == first
    log.append([entry(1)])
    second = log.checkpoint()
    assert second != first
    assert second.startswith(b"example.org/uitslag\n2\n")
    assert len(log.checkpoint_history()) == 2


def test_the_log_package_does_not_import_django() -> None:
    code = (
        "import sys, pkgutil, importlib, openuitslag.log as l\n"
        "for m in pkgutil.walk_packages(l.__path__, 'openuitslag.log.'):\n"
        "    importlib.import_module(m.name)\n"
        "assert 'django' not in sys.modules, 'openuitslag.log imported django'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_read_only_copy_opens_without_writing(tmp_path: Path) -> None:
    log = Log(tmp_path / "log")
    log.append([entry(0), entry(1)])
    log.checkpoint()
    before = _snapshot(tmp_path / "log")

    copy = Log(tmp_path / "log", create=False)
    assert copy.size == 2 and copy.root() == log.root()
    assert verify_log(copy).problems == []
    assert _snapshot(tmp_path / "log") == before


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def test_bad_metadata_stores_nothing(
    tmp_path: Path, files: list[tuple[str, bytes]]
) -> None:
    archive = Archive.open(tmp_path)
    (name, data), (_, more) = files[:2]
    bad = EntryMeta("TK2023", "Kiesraad", "EML", " ", FOUND)

    with pytest.raises(EntryError, match="source_url of an entry must be non-empty"):
        archive.add_many([(data, meta_for(name)), (more, bad)])
    assert archive.log.size == 0
    assert not any((tmp_path / "archive").rglob("*"))


def test_a_torn_object_is_written_again(
    tmp_path: Path, files: list[tuple[str, bytes]]
) -> None:
    store = LocalObjectStore(tmp_path / "archive")
    data = files[0][1]
    digest = store.put_many([data])[0]
    torn = store.path(digest)
    torn.chmod(0o644)
    torn.write_bytes(data[:100])  # what a power loss before the sync leaves

    assert store.put(data) == digest
    assert store.get(digest) == data


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=300), min_size=1, max_size=6))
def test_any_sequence_of_commits_gives_the_rfc_tree(batches: list[int]) -> None:
    with tempfile.TemporaryDirectory() as temp:
        log = Log(Path(temp) / "log")
        memory, start = merkle.MemoryTree(), 0
        for batch in batches:
            items = [entry(start + i) for i in range(batch)]
            log.append(items)
            for item in items:
                memory.append_leaf_hash(merkle.leaf_hash(item.encode()))
            start += batch
            old = start // 2
            assert log.root() == memory.root()
            merkle.verify_consistency(
                old, start, log.consistency_proof(old), log.root(old), log.root()
            )
        index = start * 7 // 11
        merkle.verify_inclusion(
            memory.read(0, index), index, start, log.inclusion_proof(index), log.root()
        )
        log.close()
