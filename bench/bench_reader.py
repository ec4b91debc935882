"""Benchmark the reader against plain XML loops, on real and national data.

Issue A asks for a reader that is fast enough to re-read a whole national
election on a small machine: on the real TK2021 kieskring files at least
five times faster than the Kiesraad's own tools and no slower than a
plain ``lxml.etree.iterparse`` loop, and the national-scale set in 20 s
with at most 1.5 GB of memory. This bench measures three variants doing
the same extraction (every ValidVotes per reporting unit and selection,
and the counters, into numpy arrays):

(a) openuitslag's reader (``openuitslag.core.read.read_paths``),
(b) a plain ``lxml.etree.iterparse`` loop,
(c) the same loop on the standard library's ``xml.etree.ElementTree``,

each in a fresh process (so that peak memory is its own), and prints the
median wall time, MB/s and peak RSS, as ratios to (b), and PASS/FAIL
against the targets. Figures for the Kiesraad's tools are quoted from
issue A (measured there on the same 19 files), not measured here.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
import zipfile
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from lxml import etree

from bench import measure, synthetic
from bench.measure import MB

REAL_PREFIX = "Telling_TK2021_kieskring_"
REAL_DIR = synthetic.OUT / "TK2021-kieskring-510c"

# Quoted in issue A: median wall time on the 19 TK2021 kieskring files,
# measured by the author, not by this bench.
QUOTED_SECONDS = {
    "Kiesraad HCP parser": 10.0,
    "Kiesraad eml2csv core": 8.0,
    "xsdata bindings (pyeml-bindings)": 21.0,
    "C++ pugixml walk": 0.2,
}
SPEEDUP_OVER_KIESRAAD = 5.0
NATIONAL_SECONDS = 20.0
NATIONAL_PEAK_MB = 1500.0
NATIONAL_WORKERS = 2

VARIANTS = {
    "openuitslag": "(a) openuitslag read_paths",
    "lxml": "(b) lxml.etree.iterparse loop",
    "etree": "(c) xml.etree.ElementTree loop",
}

NS = "{urn:oasis:names:tc:evs:schema:eml}"
VALID = NS + "ValidVotes"
AFFILIATION = NS + "AffiliationIdentifier"
CANDIDATE = NS + "CandidateIdentifier"
UNIT = NS + "ReportingUnitIdentifier"
ROWS = (NS + "TotalVotes", NS + "ReportingUnitVotes")
COUNTER_TAGS = (NS + "Cast", NS + "TotalCounted")
REASON_TAGS = (NS + "RejectedVotes", NS + "UncountedVotes")
TAGS = (VALID, AFFILIATION, CANDIDATE, UNIT, *ROWS, *COUNTER_TAGS, *REASON_TAGS)
COUNTERS = ("Cast", "TotalCounted", *synthetic.REASONS, "kwijtgeraakte stembiljetten")
COUNTER_AT = {name: i for i, name in enumerate(COUNTERS)} | {
    "geen briefstembiljetten": len(COUNTERS),
    "te veel briefstembiljetten": len(COUNTERS) + 1,
}
WIDTH = len(COUNTERS) + 2
TAG_SET = frozenset(TAGS)


# ---------------------------------------------------------------------------
# The extraction, as a plain loop on each XML library


@dataclass(slots=True)
class Extracted:
    """The numbers of one file: flat votes, row widths, counters per row."""

    votes: np.ndarray  # every ValidVotes, row after row
    keys: np.ndarray  # per selection: -list number, or candidate number
    widths: np.ndarray  # selections per row
    counters: np.ndarray  # (rows, WIDTH), -1 where absent
    units: list[tuple[str, str]]  # reporting unit id and name


class _Rows:
    """Collect values while a loop walks the elements of one file."""

    def __init__(self) -> None:
        self.votes = array("q")
        self.keys = array("q")
        self.widths = array("q")
        self.counters = array("q")
        self.row = [-1] * WIDTH
        self.start = 0
        self.units: list[tuple[str, str]] = []

    def end_row(self) -> None:
        self.widths.append(len(self.votes) - self.start)
        self.start = len(self.votes)
        self.counters.extend(self.row)
        self.row = [-1] * WIDTH

    def result(self) -> Extracted:
        return Extracted(
            votes=np.frombuffer(self.votes, dtype=np.int64),
            keys=np.frombuffer(self.keys, dtype=np.int64),
            widths=np.frombuffer(self.widths, dtype=np.int64),
            counters=np.frombuffer(self.counters, dtype=np.int64).reshape(-1, WIDTH),
            units=self.units,
        )


def extract_lxml(path: Path) -> Extracted:
    """Extract a file's numbers with a plain ``lxml.etree.iterparse`` loop."""
    rows = _Rows()
    events = etree.iterparse(
        str(path), tag=TAGS, resolve_entities=False, no_network=True, huge_tree=True
    )
    for _, element in events:
        _visit(rows, element.tag, element)
        if element.tag in ROWS:
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    return rows.result()


def extract_etree(path: Path) -> Extracted:
    """Extract a file's numbers with ``xml.etree.ElementTree.iterparse``."""
    rows = _Rows()
    for _, element in ElementTree.iterparse(path):
        tag = element.tag
        if tag in TAG_SET:
            _visit(rows, tag, element)
            if tag in ROWS:
                element.clear()
    return rows.result()


def _visit(
    rows: _Rows, tag: str, element: etree._Element | ElementTree.Element
) -> None:
    if tag == VALID:
        rows.votes.append(int(element.text or ""))
    elif tag == CANDIDATE:
        rows.keys.append(int(element.get("Id") or 0))
    elif tag == AFFILIATION:
        rows.keys.append(-int(element.get("Id") or 0))
    elif tag in REASON_TAGS:
        rows.row[COUNTER_AT[element.get("ReasonCode") or ""]] = int(element.text or "")
    elif tag in COUNTER_TAGS:
        rows.row[0 if tag == COUNTER_TAGS[0] else 1] = int(element.text or "")
    elif tag == UNIT:
        rows.units.append((element.get("Id") or "", element.text or ""))
    else:
        rows.end_row()


def _extract_all(extract: Callable[[Path], Extracted]) -> Callable[[list[Path]], dict]:
    def run(paths: list[Path]) -> dict[str, int]:
        results = [extract(path) for path in paths]
        return {
            "rows": sum(len(r.widths) for r in results),
            "votes": sum(int(r.votes.sum()) for r in results),
        }

    return run


def _read_openuitslag(workers: int) -> Callable[[list[Path]], dict]:
    def run(paths: list[Path]) -> dict[str, int]:
        from openuitslag.core.model import Count
        from openuitslag.core.read import read_paths

        report = read_paths(paths, workers=workers)
        if report.problems:
            first = report.problems[0]
            raise SystemExit(
                f"The reader reported {len(report.problems)} problems: {first}"
            )
        rows = votes = 0
        for document in report.documents:
            if not isinstance(document, Count):
                continue
            for contest in document.contests:
                tallies = [contest.unit_tally]
                tallies += [contest.total] if contest.total is not None else []
                rows += sum(t.rows for t in tallies)
                votes += sum(int(t.votes[t.votes > 0].sum()) for t in tallies)
        return {"rows": rows, "votes": votes}

    return run


# ---------------------------------------------------------------------------
# The measured child process


def child(variant: str, paths_file: Path, runs: int, workers: int) -> None:
    """Read the listed files ``runs`` times; print timings as JSON."""
    paths = [Path(p) for p in paths_file.read_text().splitlines()]
    reader = {
        "openuitslag": lambda: _read_openuitslag(workers),
        "lxml": lambda: _extract_all(extract_lxml),
        "etree": lambda: _extract_all(extract_etree),
    }[variant]()
    times: list[float] = []
    cpu: list[float] = []
    summary: dict[str, int] = {}
    for _ in range(runs):
        gc.collect()
        started, started_cpu = time.perf_counter(), measure.cpu_seconds()
        summary = reader(paths)
        times.append(time.perf_counter() - started)
        cpu.append(measure.cpu_seconds() - started_cpu)
        gc.collect()
    own = measure.own_hwm()
    print(json.dumps({"times": times, "cpu": cpu, **summary, "own_hwm": own}))


# ---------------------------------------------------------------------------
# The parent: sets, variants, table


@dataclass(frozen=True, slots=True)
class Measured:
    """One variant on one set."""

    variant: str
    workers: int
    seconds: float  # median wall
    cpu: float  # median CPU, workers included
    runs: int
    peak_mb: float
    rows: int
    votes: int


def real_files(folder: Path = REAL_DIR) -> list[Path]:
    """Return the 19 real TK2021 kieskring 510c files, unzipped once."""
    with zipfile.ZipFile(synthetic.TK2021_ZIP) as archive:
        names = sorted(n for n in archive.namelist() if n.startswith(REAL_PREFIX))
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            target = folder / name
            if (
                not target.exists()
                or target.stat().st_size != archive.getinfo(name).file_size
            ):
                target.write_bytes(archive.read(name))
    return [folder / name for name in names]


def reader_available() -> bool:
    """Say whether openuitslag's reader is there to measure."""
    try:
        return importlib.util.find_spec("openuitslag.core.read") is not None
    except ModuleNotFoundError:
        return False


def measure_set(
    paths: Sequence[Path], variants: Iterable[tuple[str, int, int]]
) -> list[Measured]:
    """Measure each (variant, workers, runs) in a fresh process."""
    results = []
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(str(p) for p in paths))
    for variant, workers, runs in variants:
        args = [
            "-m",
            "bench.bench_reader",
            "--child",
            variant,
            "--paths-file",
            listing.name,
            "--runs",
            str(runs),
            "--workers",
            str(workers),
        ]
        print(f"  measuring {VARIANTS[variant]} ({runs} runs) …", flush=True)
        run = measure.run_child(args)
        results.append(_measured(variant, workers, runs, run))
    Path(listing.name).unlink()
    return results


def _measured(variant: str, workers: int, runs: int, run: measure.ChildRun) -> Measured:
    output: dict[str, Any] = run.output
    return Measured(
        variant=variant,
        workers=workers,
        seconds=measure.median(output["times"]),
        cpu=measure.median(output["cpu"]),
        runs=runs,
        peak_mb=run.peak_rss / MB,
        rows=int(output["rows"]),
        votes=int(output["votes"]),
    )


HEADERS = ("variant", "wall s", "CPU s", "MB/s", "peak RSS MB", "speed vs (b)",
           "RSS vs (b)", "runs")  # fmt: skip


def render(title: str, size: int, results: Sequence[Measured]) -> str:
    """Return one set's results as a table with ratios to the lxml loop."""
    base = next((r for r in results if r.variant == "lxml"), results[0])
    rows = [_cells(r, base, size) for r in results]
    lines = [title, measure.table(HEADERS, rows)]
    lines.append(
        "  wall and CPU are medians; CPU includes worker processes; speed vs (b)"
        " is (b)'s wall time over this one's (above 1 is faster)."
    )
    lines.append(_agreement(results))
    return "\n".join(lines)


def _cells(r: Measured, base: Measured, size: int) -> list[str]:
    workers = f", {r.workers} workers" if r.workers > 1 else ""
    return [
        VARIANTS[r.variant] + workers,
        f"{r.seconds:.2f}",
        f"{r.cpu:.2f}",
        f"{size / MB / r.seconds:.1f}",
        f"{r.peak_mb:,.0f}",
        f"{base.seconds / r.seconds:.2f}×",
        f"{r.peak_mb / base.peak_mb:.2f}×",
        str(r.runs),
    ]


def _agreement(results: Sequence[Measured]) -> str:
    first = results[0]
    if len({(r.rows, r.votes) for r in results}) == 1:
        return (
            f"  every variant extracted the same {first.rows:,} rows with "
            f"Σ ValidVotes {first.votes:,}."
        )
    found = "; ".join(f"{r.variant}: {r.rows:,} rows, Σ {r.votes:,}" for r in results)
    return f"  THE VARIANTS DISAGREE on what the files hold: {found}."


def real_targets(results: Sequence[Measured]) -> str:
    """Return the issue A targets on the real files, judged."""
    ours = next((r for r in results if r.variant == "openuitslag"), None)
    base = next(r for r in results if r.variant == "lxml")
    lines = ["Quoted from issue A, NOT measured here (median wall, same 19 files):"]
    for name, seconds in QUOTED_SECONDS.items():
        ratio = f"; (a) takes {ours.seconds / seconds:.2f}× its time" if ours else ""
        lines.append(f"  {name:34} ≈ {seconds:g} s{ratio}")
    if ours is None:
        lines.append("Targets: openuitslag's reader is not available yet; not judged.")
        return "\n".join(lines)

    lines.append("Targets on the real files, (a) in one process:")
    for name in ("Kiesraad HCP parser", "Kiesraad eml2csv core"):
        limit = QUOTED_SECONDS[name] / SPEEDUP_OVER_KIESRAAD
        quoted = QUOTED_SECONDS[name]
        goal = (
            f"≥ {SPEEDUP_OVER_KIESRAAD:g}× faster than {name} (≤ {limit:.1f} s; "
            f"(a) is {quoted / ours.seconds:.1f}× by wall, "
            f"{quoted / ours.cpu:.1f}× by CPU)"
        )
        lines.append(_judged(goal, ours.seconds, ours.cpu, limit, limit))
    goal = "no slower than the plain lxml loop (b)"
    lines.append(_judged(goal, ours.seconds, ours.cpu, base.seconds, base.cpu))
    return "\n".join(lines)


def _judged(
    goal: str, wall: float, cpu: float, wall_limit: float, cpu_limit: float
) -> str:
    """Return a target judged on wall time, with the CPU view beside it.

    On a shared machine wall time also counts other people's work, so the
    line says what CPU time alone (the idle-machine view) would conclude.
    """
    return (
        f"  {goal}: wall {wall:.2f} s → {measure.verdict(wall <= wall_limit)}"
        f" (CPU {cpu:.2f} s against {cpu_limit:.2f} → "
        f"{measure.verdict(cpu <= cpu_limit)})"
    )


def national_targets(results: Sequence[Measured]) -> str:
    """Return the issue A targets on the national set, judged."""
    ours = next((r for r in results if r.variant == "openuitslag"), None)
    if ours is None:
        return "Targets: openuitslag's reader is not available yet; not judged."
    # With both cores busy, an idle machine would take at least CPU / workers.
    idle = ours.cpu / ours.workers
    return "\n".join(
        [
            f"Targets on the national set, (a) with {ours.workers} workers:",
            f"  wall ≤ {NATIONAL_SECONDS:g} s: {ours.seconds:.1f} s "
            f"→ {measure.verdict(ours.seconds <= NATIONAL_SECONDS)} (CPU "
            f"{ours.cpu:.1f} s; idle-machine estimate CPU/{ours.workers} = "
            f"{idle:.1f} s → {measure.verdict(idle <= NATIONAL_SECONDS)})",
            f"  peak RSS ≤ {NATIONAL_PEAK_MB:,.0f} MB (all processes together): "
            f"{ours.peak_mb:,.0f} MB "
            f"→ {measure.verdict(ours.peak_mb <= NATIONAL_PEAK_MB)}",
        ]
    )


def _size(paths: Sequence[Path]) -> int:
    return sum(p.stat().st_size for p in paths)


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench reader", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--runs", type=int, default=5, help="runs per variant, real files"
    )
    parser.add_argument(
        "--national-runs",
        type=int,
        default=None,
        help="runs per variant on the national set "
        "(default: 3 for openuitslag, 1 for the loops)",
    )
    parser.add_argument("--scale", type=float, default=1.0, help="national set scale")
    parser.add_argument(
        "--kieskringen",
        type=_numbers,
        default=None,
        help="limit the synthetic set to these kieskringen, e.g. 9,14 (quick runs)",
    )
    parser.add_argument(
        "--real-files", type=int, default=None, help="use only the first N real files"
    )
    parser.add_argument("--skip-national", action="store_true")
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument(
        "--variants", default=",".join(VARIANTS), help="comma-separated"
    )
    parser.add_argument("--out", type=Path, default=synthetic.OUT, help="cache folder")
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--paths-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def run_real(
    wanted: Sequence[str], runs: int, out: Path, limit: int | None = None
) -> None:
    """Measure and print the variants on the real TK2021 kieskring files."""
    paths = real_files(out / REAL_DIR.name)[:limit]
    size = _size(paths)
    title = f"Reader on the real TK2021 kieskring files ({len(paths)} files, "
    title += f"{size / MB:.1f} MB)"
    print(title, flush=True)
    print(f"  machine: {measure.load_note()}")

    results = measure_set(paths, [(v, 1, runs) for v in wanted])
    print(render("\n" + title, size, results))
    if "lxml" in wanted:
        print(real_targets(results))


def run_national(
    wanted: Sequence[str],
    runs: int | None,
    scale: float,
    out: Path,
    kieskringen: tuple[int, ...] | None = None,
) -> None:
    """Measure and print the variants on the synthetic national set."""
    folder = synthetic.ensure(scale, base=out, kieskringen=kieskringen)
    paths = sorted(folder.glob("*.eml.xml"))
    manifest = synthetic.read_manifest(folder)
    assert manifest is not None
    size = _size(paths)
    title = f"Reader on the synthetic national set ×{scale:g} ({len(paths)} files, "
    title += f"{manifest.stations:,} stembureaus, {size / MB:,.0f} MB)"
    if kieskringen:
        title += f", only kieskringen {', '.join(map(str, kieskringen))}"
    print(title, flush=True)
    print(f"  machine: {measure.load_note()}")

    plan = [
        (
            variant,
            NATIONAL_WORKERS if variant == "openuitslag" else 1,
            runs or (3 if variant == "openuitslag" else 1),
        )
        for variant in wanted
    ]
    results = measure_set(paths, plan)
    print(render("\n" + title, size, results))
    print("  (b) and (c) run in one process; (a) uses both cores.")
    print(national_targets(results))


def main(argv: Sequence[str] | None = None) -> None:
    """Print the reader's figures on the real files and the national set."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.child:
        child(args.child, args.paths_file, args.runs, args.workers)
        return

    wanted = [v for v in args.variants.split(",") if v]
    if "openuitslag" in wanted and not reader_available():
        print("openuitslag.core.read is not available yet: measuring the loops only.")
        wanted.remove("openuitslag")
    if not args.skip_real:
        run_real(wanted, args.runs, args.out, args.real_files)
    if not args.skip_national:
        print()
        run_national(wanted, args.national_runs, args.scale, args.out, args.kieskringen)


if __name__ == "__main__":
    main()
