"""Benchmark the verifier on the national-scale synthetic election.

Issue B promises that ``openuitslag verify`` checks a whole Tweede Kamer
election (every stembureau's arithmetic, the reconciliation of all levels,
seats and elected kandidaten) within 10 seconds once the files are read,
and asks how that time grows with the input. This bench reads the
synthetic set at 1/8, 1/4, 1/2 and the full 10,000 stembureaus, times
``openuitslag.core.verify.verify_documents`` on what was read (reading is
timed apart, as issue A's bench covers it), and fits the growth: the time
ratio per doubling of the input and the exponent k of time ∝ size^k.

Every scale runs in a fresh process so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import itertools
import json
import math
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench import measure, synthetic
from bench.measure import MB

SCALES = (0.125, 0.25, 0.5, 1.0)
TARGET_SECONDS = 10.0
READ_WORKERS = 2
RESULT = "Resultaat_TK2021.eml.xml"


# ---------------------------------------------------------------------------
# The measured child process


def child(folder: Path, runs: int, workers: int) -> None:
    """Read a set once, verify it ``runs`` times; print figures as JSON."""
    from openuitslag.core.read import read_paths
    from openuitslag.core.verify import verify_documents

    paths = sorted(folder.glob("*.eml.xml"))
    started = time.perf_counter()
    read = read_paths(paths, workers=workers)
    read_seconds = time.perf_counter() - started

    times: list[float] = []
    cpu: list[float] = []
    report: Any = None
    for _ in range(runs):
        report = None
        gc.collect()
        started, started_cpu = time.perf_counter(), measure.cpu_seconds()
        report = verify_documents(read.documents, read.problems)
        times.append(time.perf_counter() - started)
        cpu.append(measure.cpu_seconds() - started_cpu)

    summary = {
        "read": read_seconds,
        "documents": len(read.documents),
        "read_problems": len(read.problems),
        "times": times,
        "cpu": cpu,
        **_summary(report),
        "own_hwm": measure.own_hwm(),
    }
    print(json.dumps(summary))


def _summary(report: Any) -> dict[str, Any]:
    """Return what the report found: severities, top codes and seats."""
    findings = list(report.findings)
    severities = Counter(str(f.severity) for f in findings)
    codes = Counter(f.code for f in findings).most_common(6)
    seats: dict[str, int] = {}
    for election in report.elections:
        apportionment = getattr(election, "apportionment", None)
        computed = getattr(apportionment, "computed", None)
        for number, count in getattr(computed, "seats", {}).items():
            if count:
                seats[str(number)] = int(count)
    return {"severities": dict(severities), "codes": codes, "seats": seats}


# ---------------------------------------------------------------------------
# The parent: scales, table, growth


@dataclass(frozen=True, slots=True)
class Measured:
    """The verifier on one scale of the synthetic set."""

    scale: float
    stations: int
    size: int  # bytes of the set
    read: float
    seconds: float  # median wall of verify_documents
    cpu: float
    peak_mb: float
    output: dict[str, Any]


def verifier_available() -> bool:
    """Say whether the reader and the verifier are there to measure."""
    try:
        return all(
            importlib.util.find_spec(name) is not None
            for name in ("openuitslag.core.read", "openuitslag.core.verify")
        )
    except ModuleNotFoundError:
        return False


def measure_scale(
    scale: float, runs: int, out: Path, kieskringen: tuple[int, ...] | None
) -> Measured:
    """Generate (if needed) and verify one scale in a fresh process."""
    folder = synthetic.ensure(scale, base=out, kieskringen=kieskringen)
    manifest = synthetic.read_manifest(folder)
    assert manifest is not None
    print(
        f"  scale ×{scale:g}: {manifest.stations:,} stembureaus, "
        f"{manifest.bytes / MB:,.0f} MB; reading and verifying …",
        flush=True,
    )

    args = ["-m", "bench.bench_verify", "--child", str(folder)]
    args += ["--runs", str(runs), "--workers", str(READ_WORKERS)]
    run = measure.run_child(args)
    output = run.output
    return Measured(
        scale=scale,
        stations=manifest.stations,
        size=manifest.bytes,
        read=float(output["read"]),
        seconds=measure.median(output["times"]),
        cpu=measure.median(output["cpu"]),
        peak_mb=run.peak_rss / MB,
        output=output,
    )


def growth(results: Sequence[Measured], cpu: bool = False) -> tuple[list[float], float]:
    """Return the time ratio of each doubling and the fitted exponent k.

    k is the slope of log(time) against log(stembureaus): 1 means time
    grows in proportion to the input, 2 quadratically, and well below 1
    that a fixed cost still dominates. ``cpu`` fits CPU instead of wall
    time, which other jobs on a shared machine distort far less.
    """
    times = [r.cpu if cpu else r.seconds for r in results]
    stations = [r.stations for r in results]
    ratios = [
        (t2 / t1) ** (1 / math.log2(n2 / n1))
        for (n1, t1), (n2, t2) in itertools.pairwise(zip(stations, times, strict=True))
        if n2 > n1
    ]
    if len(results) < 2:
        return ratios, math.nan
    logs = np.log([max(t, 1e-9) for t in times])
    slope = float(np.polyfit(np.log(stations), logs, 1)[0])
    return ratios, slope


def render(results: Sequence[Measured], official: dict[str, int] | None) -> str:
    """Return the table, the growth and the target, judged."""
    headers = ("scale", "stembureaus", "MB", "read s", "verify s", "verify CPU s",
               "peak RSS MB", "errors", "warnings", "notices")  # fmt: skip
    rows = [_cells(r) for r in results]
    lines = [measure.table(headers, rows)]
    lines.append(
        "  verify s / CPU s: median of verify_documents on what was read (reading"
        f" apart, {READ_WORKERS} workers); peak RSS covers reading and verifying."
    )
    lines.extend(_growth(results))
    lines.append(_findings(results[-1], official))
    lines.append(_target(results[-1]))
    return "\n".join(lines)


def _growth(results: Sequence[Measured]) -> list[str]:
    lines = []
    for label, cpu in (("wall", False), ("CPU", True)):
        ratios, slope = growth(results, cpu=cpu)
        if ratios:
            shown = ", ".join(f"{r:.2f}×" for r in ratios)
            lines.append(
                f"Growth ({label}): time ratio per doubling of the input {shown}; "
                f"fitted time ∝ stembureaus^{slope:.2f} ({_kind(slope)})."
            )
    if len(results) >= 2:
        stations = [r.stations for r in results]
        per_station, fixed = np.polyfit(stations, [r.cpu for r in results], 1)
        lines.append(
            f"Linear fit (CPU): {fixed:.2f} s fixed + {per_station * 1000:.3f} s "
            "per 1,000 stembureaus."
        )
    return lines


def _cells(r: Measured) -> list[str]:
    severities = r.output.get("severities", {})
    return [
        f"×{r.scale:g}",
        f"{r.stations:,}",
        f"{r.size / MB:,.0f}",
        f"{r.read:.1f}",
        f"{r.seconds:.2f}",
        f"{r.cpu:.2f}",
        f"{r.peak_mb:,.0f}",
        *(f"{severities.get(s, 0):,}" for s in ("error", "warning", "notice")),
    ]


def _kind(slope: float) -> str:
    if math.isnan(slope):
        return "not enough points"
    if slope < 0.8:
        return "less than linear: a fixed cost still dominates at these sizes"
    if slope < 1.2:
        return "about linear"
    if slope < 1.6:
        return "worse than linear"
    return "about quadratic or worse"


def _findings(r: Measured, official: dict[str, int] | None) -> str:
    codes = ", ".join(f"{code} × {count:,}" for code, count in r.output["codes"])
    seats = r.output.get("seats", {})
    text = f"Findings at ×{r.scale:g}: {codes or 'none'}."
    if seats:
        shown = ", ".join(f"{n}: {s}" for n, s in sorted(seats.items(), key=_key))
        text += f"\nRecomputed seats (list: seats; Σ {sum(seats.values())}): {shown}."
    if seats and official:
        differ = sorted(set(seats.items()) ^ set(official.items()), key=_key)
        text += "\nEqual to the official TK2021 seats (the real 520): " + (
            "yes, every list." if not differ else f"no: {differ}."
        )
    if r.output.get("read_problems"):
        text += f"\nThe reader reported {r.output['read_problems']} problems."
    return text


def official_seats() -> dict[str, int] | None:
    """Return the real TK2021 seats per list (its 520), to compare with.

    The synthetic votes scatter around the real shares, so the recomputed
    seats should, but need not, equal the real ones.
    """
    from openuitslag.core.model import Result
    from openuitslag.core.read import read_document

    with zipfile.ZipFile(synthetic.TK2021_ZIP) as archive:
        data = archive.read(RESULT)
    try:
        result = read_document(data, RESULT)
    except Exception as exc:  # the bench must not fail on someone else's bug
        print(f"  (could not read the official 520: {exc})")
        return None
    if not isinstance(result, Result):
        return None
    return {str(n): s for n, s in result.seats().items() if s}


def _key(item: tuple[str, int]) -> tuple[int, str]:
    number = item[0]
    return (int(number), number) if number.isdigit() else (0, number)


def _target(r: Measured) -> str:
    return (
        f"Target: all checks plus apportionment on the national set in ≤ "
        f"{TARGET_SECONDS:g} s after reading (scale ×{r.scale:g}): wall "
        f"{r.seconds:.2f} s → {measure.verdict(r.seconds <= TARGET_SECONDS)} "
        f"(CPU {r.cpu:.2f} s → {measure.verdict(r.cpu <= TARGET_SECONDS)})"
    )


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part)


def _scales(text: str) -> tuple[float, ...]:
    return tuple(float(part) for part in text.split(",") if part)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Return the command line's options."""
    parser = argparse.ArgumentParser(
        prog="python -m bench verify", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--runs", type=int, default=3, help="verify runs per scale")
    parser.add_argument(
        "--scales", type=_scales, default=SCALES, help="e.g. 0.125,0.25,0.5,1"
    )
    parser.add_argument(
        "--kieskringen",
        type=_numbers,
        default=None,
        help="limit the synthetic set to these kieskringen, e.g. 9,14 (quick runs)",
    )
    parser.add_argument("--out", type=Path, default=synthetic.OUT, help="cache folder")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Print the verifier's time per scale, its growth and the target."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.child:
        child(args.child, args.runs, args.workers)
        return
    if not verifier_available():
        print(
            "openuitslag.core.read or openuitslag.core.verify is not available "
            "yet: nothing to measure."
        )
        return

    print("Verifier on the synthetic national set (all checks plus apportionment)")
    print(f"  machine: {measure.load_note()}")
    results = [
        measure_scale(scale, args.runs, args.out, args.kieskringen)
        for scale in sorted(args.scales)
    ]
    print()
    print(render(results, official_seats()))


if __name__ == "__main__":
    main()
