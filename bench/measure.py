"""Measure wall time and peak memory the same way in every benchmark.

Peak RSS is only meaningful per process and per variant: a process that
has read once keeps its high-water mark, and a reader that forks workers
spreads its memory over several processes. So each measured variant runs
in a fresh child process, and the parent samples the resident memory of
the child *and all its descendants* while it runs, reporting the highest
sum it saw (beside the child's own ``VmHWM``, which is exact but misses
the workers).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1_000_000
SAMPLE_SECONDS = 0.01


@dataclass(frozen=True, slots=True)
class ChildRun:
    """What a measured child process printed, and the memory it used."""

    output: dict[str, object]
    peak_rss: int  # bytes, highest sampled sum over the process tree
    own_hwm: int  # bytes, the child's own VmHWM (exact, without workers)


def run_child(args: Sequence[str], timeout: float = 1800.0) -> ChildRun:
    """Run ``python -m …`` in a fresh process; return its JSON and memory.

    The child must print one JSON object as its last line of stdout, and
    may put ``own_hwm`` (its ``VmHWM`` in bytes) in it.
    """
    command = [sys.executable, *args]
    with subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, text=True, env=_child_env()
    ) as child:
        sampler = _TreeSampler(child.pid)
        sampler.start()
        try:
            stdout, _ = child.communicate(timeout=timeout)
        finally:
            sampler.stop()
    if child.returncode != 0:
        raise RuntimeError(
            f"The measured process {' '.join(args)} failed with exit status "
            f"{child.returncode}."
        )
    output = json.loads(stdout.strip().splitlines()[-1])
    own = int(output.get("own_hwm", 0))
    return ChildRun(output, max(sampler.peak, own), own)


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p
    )
    return env


class _TreeSampler(threading.Thread):
    """Poll the summed VmRSS of a process and its descendants."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            time.sleep(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._done.set()
        self.join()


def tree_rss(pid: int) -> int:
    """Return the resident memory of a process and its descendants, bytes."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        total += _status_kb(current, "VmRSS") * 1024
        pending.extend(_children(current))
    return total


def _children(pid: int) -> list[int]:
    children: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            text = Path(f"/proc/{pid}/task/{task}/children").read_text()
            children.extend(int(c) for c in text.split())
    except OSError:
        pass  # the process has just ended
    return children


def _status_kb(pid: int | str, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def own_hwm() -> int:
    """Return this process's peak resident memory (VmHWM), bytes."""
    return _status_kb("self", "VmHWM") * 1024


def cpu_seconds() -> float:
    """Return the CPU time of this process and its reaped children, seconds.

    CPU time is what a loaded, shared machine distorts least: wall time
    grows when other jobs take the cores, CPU time hardly does.
    """
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def load_note() -> str:
    """Return the machine's load, to read wall times against."""
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {one:.1f} (1 min), {five:.1f} (5 min)"


def median(values: Sequence[float]) -> float:
    """Return the median of some timings."""
    return float(statistics.median(values))


def timed(function: object, runs: int) -> list[float]:
    """Call ``function()`` ``runs`` times; return the wall time of each."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return times


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Return rows as an aligned text table, numbers to the right."""
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def verdict(ok: bool) -> str:
    """Return PASS or FAIL."""
    return "PASS" if ok else "FAIL"
