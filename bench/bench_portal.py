"""Load-test the portal with wrk and time the national import.

Election night is a few pages hit by very many people, so what matters is
how many requests per second one 2-core machine answers for a stembureau
page, and how fast the page is at the 99th percentile. The portal is served
exactly as in production (``openuitslag serve``: granian, one process per
core) on loopback, and ``wrk`` (64 connections) measures it

- *warm*: the page cache on, as in production after the first visitor;
- *cold*: the page cache off (``OPENUITSLAG_PAGE_CACHE=0``), so every
  request is rendered from the database: the worst case just after an
  import.

Both for the demo database (the bundled real sample, SQLite) and for the
national-scale synthetic election (``bench/synthetic.py``, 10,000
stembureaus) imported into PostgreSQL; that import, verification included,
is timed with its peak memory (targets: 60 s, 2 GB).

Next to each cold run, the CPU time of one cold render is measured
in-process with Django's test client: unlike wrk's figures it hardly moves
with the load of the shared machine, so it is what to compare between
runs.

Targets: warm >= 1,500 req/s with p99 <= 50 ms; cold >= 200 req/s.
Run ``python -m bench portal [--seconds N] [--skip-national]``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench import measure

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "portal"
OPENUITSLAG = [sys.executable, "-m", "openuitslag"]
DEMO_PAGE = "/verkiezing/TK2023/gemeente/0482/stembureau/1/"
POSTGRES = "postgresql://postgres@127.0.0.1:5432/openuitslag_bench"
CONNECTIONS = 64
RENDER_WARMUP = 20
RENDERS = 200


def free_port() -> int:
    """Return a free TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(data_dir: Path, database: str | None, cache: bool) -> dict[str, str]:
    """Return the environment of a portal process."""
    env = {**os.environ, "OPENUITSLAG_DATA_DIR": str(data_dir)}
    env["OPENUITSLAG_PAGE_CACHE"] = "1" if cache else "0"
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if database:
        env["DATABASE_URL"] = database
    else:
        env.pop("DATABASE_URL", None)
    return env


def wait_until_up(url: str, seconds: float = 120) -> None:
    """Wait until the server answers ``url`` with 200."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"The portal did not answer {url} within {seconds} s.")


def parse_wrk(output: str) -> dict[str, float]:
    """Return requests/s and latency percentiles (ms) from wrk --latency."""
    figures: dict[str, float] = {}
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    figures["rps"] = float(rate[1]) if rate else 0.0
    for percentile, value, unit in re.findall(
        r"\s(50|75|90|99)%\s+([\d.]+)(us|ms|s)\b", output
    ):
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
        figures[f"p{percentile}"] = float(value) * scale
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    figures["errors"] = float(errors[1]) if errors else 0.0
    return figures


def load_test(
    data_dir: Path, database: str | None, page: str, cache: bool, seconds: int
) -> dict[str, float]:
    """Serve the portal and run wrk against one page; return its figures."""
    port = free_port()
    server = subprocess.Popen(
        [*OPENUITSLAG, "serve", "--port", str(port)],
        cwd=ROOT,
        env=environment(data_dir, database, cache),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}{page}"
    try:
        wait_until_up(url)
        subprocess.run(
            ["wrk", "-t2", "-c8", "-d2s", url], capture_output=True, check=True
        )
        run = subprocess.run(
            ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", url],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return parse_wrk(run.stdout)


def prepare_demo() -> Path:
    """Return a data folder with the demo database, made when missing."""
    folder = OUT / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [*OPENUITSLAG, "demo", "--no-serve"],
        cwd=ROOT,
        env=environment(folder, None, True),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return folder


def drop_database(url: str) -> None:
    """Drop the bench database so the import starts from nothing."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def child_import(folder: str, data_dir: str) -> None:
    """Import a folder as a measured child; print one JSON line."""
    os.environ["OPENUITSLAG_DATA_DIR"] = data_dir
    os.environ["DATABASE_URL"] = POSTGRES
    from openuitslag.portal.commands import ensure_database, setup_django

    setup_django()
    started = time.perf_counter()
    ensure_database()
    from openuitslag.portal.importer import import_paths

    summary = import_paths([folder], workers=os.cpu_count() or 1)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": seconds,
                "imported": len(summary.imported),
                "problems": len(summary.problems),
                "findings": summary.findings,
                "own_hwm": measure.own_hwm(),
            }
        )
    )


def child_render(data_dir: str, page: str, database: str) -> None:
    """Render a page cold in-process and print its CPU cost as JSON.

    wrk's figures depend on how busy the shared machine is; the CPU time
    one render takes hardly does, so it is what to compare between runs.
    """
    os.environ["OPENUITSLAG_DATA_DIR"] = data_dir
    os.environ["OPENUITSLAG_PAGE_CACHE"] = "0"
    if database:
        os.environ["DATABASE_URL"] = database
    from openuitslag.portal.commands import setup_django

    setup_django()
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    for _ in range(RENDER_WARMUP):
        assert client.get(page).status_code == 200, page
    started = time.process_time()
    for _ in range(RENDERS):
        client.get(page)
    cpu = (time.process_time() - started) / RENDERS
    print(json.dumps({"cpu_ms": cpu * 1000}))


def render_cost(data_dir: Path, page: str, database: str | None) -> list[str]:
    """Return a table row: CPU per cold render of a page, in-process."""
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.bench_portal",
            "--child-render",
            str(data_dir),
            page,
            database or "",
        ],
        cwd=ROOT,
        env=environment(data_dir, database, False),
        capture_output=True,
        text=True,
        check=True,
    )
    cpu = json.loads(run.stdout.strip().splitlines()[-1])["cpu_ms"]
    return [
        "  CPU per cold render, in-process",
        f"{cpu:.2f} ms",
        f"mean of {RENDERS} renders with Django's test client",
        f"bound: {1000 / cpu * (os.cpu_count() or 1):,.0f} req/s on idle cores",
    ]


def national(seconds: int) -> list[list[str]]:
    """Import the national synthetic set into PostgreSQL and load-test it."""
    from bench import synthetic

    folder = synthetic.ensure(scale=1.0)
    data_dir = OUT / "national"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    drop_database(POSTGRES)

    run = measure.run_child(
        ["-m", "bench.bench_portal", "--child-import", str(folder), str(data_dir)]
    )
    rows = [
        [
            "national import into PostgreSQL, verification included",
            f"{run.output['seconds']:.1f} s",
            f"{run.peak_rss / measure.MB:,.0f} MB peak RSS",
            f"{run.output['imported']} documents, {run.output['findings']} findings",
        ]
    ]
    page = first_station_page(data_dir)
    for label, cache in (("cold", False), ("warm", True)):
        figures = load_test(data_dir, POSTGRES, page, cache, seconds)
        rows.append(wrk_row(f"national stembureau page, {label}", figures))
        if not cache:
            rows.append(render_cost(data_dir, page, POSTGRES))
    return rows


def first_station_page(data_dir: Path) -> str:
    """Return the URL of a stembureau page in an imported database."""
    env = environment(data_dir, POSTGRES, True)
    code = (
        "from openuitslag.portal.commands import setup_django; setup_django();"
        "from openuitslag.portal.models import PollingStation as P;"
        "s = P.objects.select_related('municipality__election').order_by('id')[500];"
        "print(f'/verkiezing/{s.municipality.election.identifier}/gemeente/"
        "{s.municipality.code}/stembureau/{s.slug}/')"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    return out.stdout.strip().splitlines()[-1]


def wrk_row(label: str, figures: dict[str, float]) -> list[str]:
    """Return one table row of wrk figures."""
    return [
        label,
        f"{figures['rps']:,.0f} req/s",
        f"p50 {figures.get('p50', 0):.1f} ms, p90 {figures.get('p90', 0):.1f} ms, "
        f"p99 {figures.get('p99', 0):.1f} ms",
        f"{figures['errors']:.0f} errors",
    ]


def main() -> None:
    """Run the load tests and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench portal")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration")
    parser.add_argument("--skip-national", action="store_true")
    parser.add_argument("--child-import", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--child-render", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_import:
        child_import(*args.child_import)
        return
    if args.child_render:
        child_render(*args.child_render)
        return
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: run `make system-deps` (as root).")

    print(measure.load_note(), flush=True)
    demo = prepare_demo()
    rows = []
    for label, cache in (("cold", False), ("warm", True)):
        figures = load_test(demo, None, DEMO_PAGE, cache, args.seconds)
        rows.append(wrk_row(f"demo stembureau page, {label}", figures))
        if not cache:
            rows.append(render_cost(demo, DEMO_PAGE, None))
    if not args.skip_national:
        rows += national(args.seconds)
    print(measure.table(["what", "figure", "detail", "note"], rows), flush=True)
    print(
        f"wrk: 2 threads, {CONNECTIONS} connections, {args.seconds} s, loopback; "
        "targets: warm >= 1,500 req/s and p99 <= 50 ms, cold >= 200 req/s, "
        "national import <= 60 s and <= 2 GB."
    )


if __name__ == "__main__":
    main()
