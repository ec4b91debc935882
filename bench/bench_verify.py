"""Benchmark the verifier on the national-scale synthetic TK2021 election.

Target (issue B): all checks plus the apportionment over ~10,000
stembureaus in 345 municipal 510b files, 20 kieskring 510c files and the
510d take at most 10 s on this machine, measured after reading. Reading
is timed too, but belongs to the reader's own bench.

To show how the time grows, the same checks run on the first 5, 10 and
all 20 kieskringen of the one set that was read.

    python -m bench verify [--scale 1.0] [--workers 2]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

from bench.synthetic import ensure
from openuitslag.core.model import Count, Document
from openuitslag.core.read import read_paths
from openuitslag.core.verify import verify_documents

TARGET_SECONDS = 10.0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench verify")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=2)
    return parser.parse_args(argv)


def kieskring_of(document: Document) -> int | None:
    """Return the kieskring a count belongs to, None for national files."""
    if not isinstance(document, Count):
        return None
    ident = document.authority.id
    if ident.startswith("HSB"):
        return int(ident[3:])
    contest = document.contests[0].contest_id if document.contests else ""
    return int(contest) if contest.isdigit() else None


def subset(documents: list[Document], kieskringen: int) -> list[Document]:
    """Return the documents of the first kieskringen, and all non-counts."""
    return [d for d in documents if (k := kieskring_of(d)) is None or k <= kieskringen]


def stations(documents: Sequence[Document]) -> int:
    """Return the number of stembureau rows in the counts."""
    return sum(
        sum(u.station_number is not None for c in d.contests for u in c.units)
        for d in documents
        if isinstance(d, Count)
    )


def measure(documents: list[Document]) -> tuple[float, int, str]:
    """Return seconds, findings and the seat verdict of one verification."""
    started = time.perf_counter()
    report = verify_documents(documents)
    seconds = time.perf_counter() - started
    election = report.elections[0] if report.elections else None
    if election is None or election.apportionment is None:
        return seconds, len(report.findings), "not computed"
    matches = election.apportionment.matches_official
    verdict = "computed, no 520" if matches is None else f"matches 520: {matches}"
    return seconds, len(report.findings), verdict


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    folder = ensure(scale=args.scale)

    started = time.perf_counter()
    read = read_paths([folder], workers=args.workers)
    print(
        f"read {len(read.documents)} documents in "
        f"{time.perf_counter() - started:.1f} s ({len(read.problems)} problems)"
    )

    print("| kieskringen | stembureaus | verify s | findings | seats |")
    print("| ---: | ---: | ---: | ---: | --- |")
    for kieskringen in (5, 10, 20):
        documents = subset(read.documents, kieskringen)
        seconds, findings, verdict = measure(documents)
        print(
            f"| {kieskringen} | {stations(documents):,} | {seconds:.2f} | "
            f"{findings:,} | {verdict} |"
        )

    full, _, _ = measure(read.documents)
    ok = full <= TARGET_SECONDS
    print(
        f"all checks + apportionment: {full:.2f} s "
        f"(target ≤ {TARGET_SECONDS:.0f} s): {'OK' if ok else 'TOO SLOW'}"
    )
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
