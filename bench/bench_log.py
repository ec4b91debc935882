"""Benchmark the transparency log at national scale: 100,000 entries.

Issue E asks for a log that takes every file of a national election
(about 100,000: scans, EML and CSV of 9,500 stembureaus and 342
gemeenten) and still answers proofs fast, because the portal serves them
per request. This bench measures, in a fresh temporary folder:

- appending 100,000 entries (batched commits, as the importer does),
  archiving files one ``Archive.add`` at a time and in ``add_many``
  batches (every fsync of the stored files included);
- the root hash, and inclusion and consistency proof generation and
  verification at that size (with the node reads each proof costs, which
  must grow as log n, not n);
- the static tlog-tiles export and proofs computed from its tiles;
- ``verify_log``, which recomputes the whole tree and every checkpoint.

``python -m bench log [--entries N] [--batch B] [--proofs P]``
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from openuitslag.log import Archive, Entry, EntryMeta, Log, merkle
from openuitslag.log.tiles import TileLog, export_tiles
from openuitslag.log.verify import verify_log

FOUND = datetime(2025, 10, 29, 21, 0, 0, tzinfo=UTC)


def make_entry(i: int) -> Entry:
    """Return a plausible entry for file number ``i``."""
    meta = EntryMeta(
        election="TK2025",
        authority=f"GM{i % 342:04d}",
        document_type=("EML 510b", "PV N 10-1", "OSV4-3 CSV")[i % 3],
        source_url=f"https://www.gemeente{i % 342}.nl/verkiezingen/tk2025/{i}.xml",
        found_at=FOUND,
    )
    return Entry.of(f"{i:064x}", 1000 + i, meta)


def timed(action: Callable[[], object]) -> tuple[float, object]:
    """Return how long ``action`` took, and what it returned."""
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def clock() -> float:
    """Return a monotonic time in seconds."""
    return time.perf_counter()


def micro(samples: list[float]) -> str:
    """Return median and p99 of durations in microseconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"median {statistics.median(ordered) * 1e6:8.1f} µs, p99 {p99 * 1e6:8.1f} µs"


def bench_append(folder: Path, entries: int, batch: int) -> Log:
    log = Log(folder / "log")
    items = [make_entry(i) for i in range(entries)]
    seconds, _ = timed(
        lambda: [log.append(items[i : i + batch]) for i in range(0, entries, batch)]
    )
    print(
        f"append {entries:,} entries in commits of {batch}: {seconds:.2f} s "
        f"({entries / seconds:,.0f} entries/s)"
    )
    disk = sum(p.stat().st_size for p in log.folder.rglob("*") if p.is_file())
    print(f"log on disk: {disk / 1e6:.1f} MB ({disk / entries:.0f} bytes/entry)")
    seconds, _ = timed(log.checkpoint)
    print(f"sign a checkpoint at {entries:,}: {seconds * 1e3:.1f} ms")
    return log


def bench_archive_add_many(folder: Path, count: int, batch: int) -> None:
    archive = Archive.open(folder / "many")
    items = [
        (
            f"<Count n='{i}'/>".encode() * 40,
            EntryMeta("TK2025", "GM0363", "EML 510b", f"https://x/{i}", FOUND),
        )
        for i in range(count)
    ]
    started = clock()
    for i in range(0, count, batch):
        archive.add_many(items[i : i + batch])
    seconds = clock() - started
    print(
        f"Archive.add_many {count:,} files (~1 kB) in commits of {batch}: "
        f"{seconds:.2f} s ({count / seconds:,.0f} files/s, files made durable)"
    )


def bench_archive_add(folder: Path, count: int) -> None:
    archive = Archive.open(folder / "single")
    durations = []
    for i in range(count):
        meta = EntryMeta("TK2025", "GM0363", "EML 510b", f"https://x/{i}", FOUND)
        started = clock()
        archive.add(f"<Count n='{i}'/>".encode(), meta)
        durations.append(clock() - started)
    print(f"Archive.add one file per commit (x{count}): {micro(durations)}")


def bench_proofs(log: Log, proofs: int) -> None:
    size, rng = log.size, random.Random(6962)
    reads = 0

    def counting(level: int, index: int) -> bytes:
        nonlocal reads
        reads += 1
        return log.read_node(level, index)

    seconds, root = timed(lambda: merkle.root_hash(counting, size))
    print(f"root hash at {size:,}: {seconds * 1e6:.0f} µs ({reads} node reads)")
    assert isinstance(root, bytes)

    make, check, reads = [], [], 0
    for _ in range(proofs):
        index = rng.randrange(size)
        started = clock()
        path = merkle.inclusion_proof(counting, index, size)
        make.append(clock() - started)
        leaf = log.leaf_hash(index)
        started = clock()
        merkle.verify_inclusion(leaf, index, size, path, root)
        check.append(clock() - started)
    print(f"inclusion proof, generate: {micro(make)} ({reads / proofs:.0f} reads)")
    print(f"inclusion proof, verify:   {micro(check)} ({len(path)} hashes)")

    make, check, reads = [], [], 0
    for _ in range(proofs):
        old = rng.randrange(1, size)
        old_root = log.root(old)
        started = clock()
        proof = merkle.consistency_proof(counting, old, size)
        make.append(clock() - started)
        started = clock()
        merkle.verify_consistency(old, size, proof, old_root, root)
        check.append(clock() - started)
    print(f"consistency proof, generate: {micro(make)} ({reads / proofs:.0f} reads)")
    print(f"consistency proof, verify:   {micro(check)}")


def bench_tiles(log: Log, folder: Path, proofs: int) -> None:
    started = clock()
    written = export_tiles(log, folder / "static")
    print(f"export tlog-tiles: {written:,} files in {clock() - started:.2f} s")
    tiles, rng = TileLog.from_folder(folder / "static"), random.Random(9162)
    durations = []
    for _ in range(proofs):
        index = rng.randrange(tiles.size)
        started = clock()
        tiles.inclusion_proof(index, tiles.size)
        durations.append(clock() - started)
    print(f"inclusion proof from tiles (cached after first read): {micro(durations)}")


def bench_verify(log: Log) -> None:
    seconds, report = timed(lambda: verify_log(Log(log.folder)))
    assert not getattr(report, "problems", True)
    print(f"verify_log (recompute all {log.size:,} entries): {seconds:.2f} s")
    seconds, _ = timed(lambda: Log(log.folder).find_sha256("0" * 64))
    print(f"open + index all entries (first lookup by SHA-256): {seconds:.2f} s")


def main() -> None:
    """Run the log benchmark and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m bench log")
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--proofs", type=int, default=1000)
    parser.add_argument("--single", type=int, default=200)
    parser.add_argument("--files", type=int, default=5000)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-log-") as temp:
        folder = Path(temp)
        log = bench_append(folder, options.entries, options.batch)
        bench_archive_add(folder, options.single)
        bench_archive_add_many(folder, options.files, options.batch)
        bench_proofs(log, options.proofs)
        bench_tiles(log, folder, options.proofs)
        bench_verify(log)
        log.close()


if __name__ == "__main__":
    main()
