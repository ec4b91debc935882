"""A kill -9 at any moment leaves a log that verifies, and reruns resume.

A child process archives the same 1,500 files in random batches and signs
checkpoints now and then; the test kills it with SIGKILL at a random
moment, checks the log from scratch, and starts it again. The last run
finishes: every file is in the log exactly once.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from openuitslag.log import Archive, Log
from openuitslag.log.verify import verify_log

FILES = 1500
WRITER = """
import random, sys
from datetime import UTC, datetime
from openuitslag.log import Archive, EntryMeta

archive = Archive.open(sys.argv[1])
rng = random.Random(int(sys.argv[2]))
items = []
for i in range(int(sys.argv[3])):
    meta = EntryMeta("TK2021", f"GM{i % 400:04d}", "EML 510b",
                     f"https://gemeente.example/{i}.xml", datetime.now(UTC))
    items.append((f"<Count n='{i}'/>".encode() * (1 + i % 7), meta))
position = 0
while position < len(items):
    step = rng.randint(1, 60)
    archive.add_many(items[position : position + step])
    position += step
    if rng.random() < 0.2:
        archive.checkpoint()
archive.checkpoint()
print("done", flush=True)
"""


def run_writer(data: Path, seed: int, kill_after: float | None) -> bool:
    """Run the writer; kill it after ``kill_after`` seconds; True if done."""
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(data), str(seed), str(FILES)],
        stdout=subprocess.PIPE,
    )
    if kill_after is None:
        out, _ = child.communicate(timeout=240)
        return child.returncode == 0 and b"done" in out
    try:
        child.wait(timeout=kill_after)
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGKILL)
        child.wait()
        return False
    return child.returncode == 0


def check(data: Path) -> int:
    log = Log(data / "log")
    report = verify_log(log, store=Archive.open(data).store)
    assert report.problems == [], "\n".join(map(str, report.problems))
    log.close()
    return report.size


def test_kill_9_at_random_moments_then_resume(tmp_path: Path) -> None:
    rng = random.Random(20231122)
    data = tmp_path / "data"
    sizes: list[int] = []
    deadline = time.monotonic() + 90
    for round_ in range(8):
        if time.monotonic() > deadline:
            break
        finished = run_writer(data, round_, kill_after=rng.uniform(0.4, 2.0))
        if (data / "log" / "size").exists():
            sizes.append(check(data))
        if finished:
            break

    assert run_writer(data, 99, kill_after=None)
    assert check(data) == FILES
    assert sizes == sorted(sizes), "the log shrank after a crash"
    log = Log(data / "log")
    identities = {entry.identity() for entry in log.entries()}
    assert len(identities) == FILES
