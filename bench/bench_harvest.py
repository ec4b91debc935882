"""Bench the harvester on 345 municipal sites, one per TK2023 municipality.

Every gemeente and openbaar lichaam of TK2023 gets its own imitation
site on its own loopback address (127.0.1.1 …), served by a separate
process so that the servers and the harvester each have a core. A site
has a results page, a sub-page of stembureau PVs, the municipality's real
GR2022 OSV4-3 CSV where the bundle has one (Alblasserdam also its real
TK2023 510b), the municipal PV and three stembureau PVs (generated).

Two passes are timed: a full pass into an empty data folder, and an
incremental pass when nothing changed (every answer a 304). Targets:
full ≤ 60 s, incremental ≤ 5 s. Nothing leaves loopback.

    python -m bench harvest [--sites N] [--workers N]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
FULL_TARGET = 60.0
INCREMENTAL_TARGET = 5.0


def municipalities() -> list[tuple[str, str]]:
    """Return (code, name) of the 345 TK2023 gemeenten and public bodies."""
    with zipfile.ZipFile(DATA / "reference" / "reference.zip") as z:
        text = z.read("gemeenten_kieskringen_TK2023.csv").decode("utf-8")
    rows = csv.DictReader(io.StringIO(text))
    return [
        (row["eml_region_number"].zfill(4), row["naam"])
        for row in rows
        if row["type"] != "briefstembureau"
    ]


def gr2022_csvs() -> dict[str, bytes]:
    """Return the bundled GR2022 CSVs by municipality code."""
    from openuitslag.harvest.classify import classify_csv

    found: dict[str, bytes] = {}
    with zipfile.ZipFile(DATA / "GR2022" / "osv4-3_csv_GR2022.zip") as z:
        for name in z.namelist():
            data = z.read(name)
            kind = classify_csv(data)
            if kind is not None and kind.authority:
                found[kind.authority] = data
    return found


def build_site(code: str, name: str, csvs: dict[str, bytes]):  # type: ignore[no-untyped-def]
    """Return the imitation site of one municipality."""
    from openuitslag.harvest.testing import Site, make_pv_pdf

    site = Site(code)
    links = [("/verkiezingen/tk2023/stembureaus/", "Processen-verbaal stembureaus")]
    site.put("/verkiezingen/tk2023/Model_Na31-2.pdf", make_pv_pdf("Na 31-2", name))
    links.append(
        ("/verkiezingen/tk2023/Model_Na31-2.pdf", "PV gemeentelijk stembureau")
    )
    if code in csvs:
        site.put("/verkiezingen/tk2023/uitslag.csv", csvs[code], "text/csv")
        links.append(("/verkiezingen/tk2023/uitslag.csv", "Uitslag (CSV)"))
    if code == "0482":
        with zipfile.ZipFile(
            DATA / "TK2023" / "EML_bestanden_TK2023_selectie.zip"
        ) as z:
            eml = z.read("Telling_TK2023_gemeente_Alblasserdam.eml.xml")
        site.put("/verkiezingen/tk2023/telling.eml.xml", eml, "application/xml")
        links.append(("/verkiezingen/tk2023/telling.eml.xml", "Telling (EML)"))

    pvs = []
    for n in (1, 2, 3):
        path = f"/verkiezingen/tk2023/stembureaus/N10-2_sb{n}.pdf"
        site.put(path, make_pv_pdf("N 10-2", name, n), "application/pdf")
        pvs.append((path, f"Stembureau {n}"))
    site.page("/verkiezingen/tk2023/stembureaus/", "Stembureaus", pvs)
    site.page("/verkiezingen/tk2023/", f"Uitslag {name}", [*links, ("/", "Home")])
    return site


def address(index: int) -> str:
    """Return the loopback address of site ``index`` (127.0.1.1 …)."""
    return f"127.0.{1 + index // 250}.{1 + index % 250}"


def serve(count: int) -> None:
    """Serve ``count`` sites until stdin closes; print their URLs first."""
    from openuitslag.harvest.testing import SiteServer

    csvs = gr2022_csvs()
    servers = []
    for i, (code, name) in enumerate(municipalities()[:count]):
        server = SiteServer(address(i), build_site(code, name, csvs)).start()
        servers.append((code, server.url("/verkiezingen/tk2023/")))
    print(json.dumps(servers), flush=True)
    sys.stdin.read()


def run_pass(data_dir: Path, pages: list[tuple[str, str]], workers: int):  # type: ignore[no-untyped-def]
    """Run one harvest pass and return its report."""
    from openuitslag.harvest.catalogue import Catalogue
    from openuitslag.harvest.client import ClientSettings, PoliteClient
    from openuitslag.harvest.guard import AddressPolicy
    from openuitslag.harvest.harvester import Harvester, Target
    from openuitslag.harvest.storage import Storage

    settings = ClientSettings(min_interval=0.0, max_connections=workers * 2)
    policy = AddressPolicy.from_items(["127.0.0.0/8"])
    catalogue = Catalogue(data_dir / "harvest.sqlite3")
    storage = Storage(data_dir)
    targets = [Target("TK2023", code, url) for code, url in pages]
    with PoliteClient(settings, policy) as client:
        harvester = Harvester(catalogue, storage, client, workers=workers, ocr=False)
        report = harvester.harvest(targets)
    storage.close()
    catalogue.close()
    return report


def redis_passes(
    pages: list[tuple[str, str]], workers: int
) -> list[tuple[str, dict[str, float]]]:
    """Run a full and an incremental pass through Celery workers on Redis."""
    import os
    import uuid

    from openuitslag.harvest import queue
    from openuitslag.harvest.harvester import Target

    broker = "redis://127.0.0.1:6379/13"
    name = f"openuitslag-bench-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        queue.BROKER_ENV: broker,
        queue.QUEUE_ENV: name,
        "OPENUITSLAG_HARVEST_MIN_INTERVAL": "0",
        "OPENUITSLAG_HARVEST_ALLOW_HOSTS": "127.0.0.0/8",
    }
    command = [sys.executable, "-m", "openuitslag", "harvest", "worker"]
    processes = [
        subprocess.Popen(
            [*command, "--concurrency", "8", "--name", f"bench{i}@%h"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(workers)
    ]
    queue.configure(queue.app, broker, name)
    targets = [Target("TK2023", code, url) for code, url in pages]
    figures = []
    try:
        with tempfile.TemporaryDirectory(prefix="openuitslag-bench-redis-") as folder:
            queue.dispatch(targets[:workers], Path(folder) / "warm-up", timeout=600)
            for label in ("full pass", "incremental pass"):
                started = time.perf_counter()
                results = queue.dispatch(targets, Path(folder), timeout=600)
                figures.append(
                    (
                        label,
                        {
                            "seconds": time.perf_counter() - started,
                            "requests": sum(r["requests"] for r in results),
                            "bytes": sum(r["bytes"] for r in results),
                            "new": sum(r["new_versions"] for r in results),
                            "workers": len({r["worker"] for r in results}),
                        },
                    )
                )
    finally:
        queue.configure(queue.app, "")
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
    return figures


def main() -> None:
    """Print the figures of a full and an incremental pass."""
    parser = argparse.ArgumentParser(prog="python -m bench harvest")
    parser.add_argument("--sites", type=int, default=345)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument(
        "--redis-workers",
        type=int,
        default=0,
        help="Also run both passes through this many Celery worker processes.",
    )
    args = parser.parse_args(sys.argv[1:])

    started = time.perf_counter()
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from bench.bench_harvest import serve; serve({args.sites})",
        ],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None and server.stdin is not None
    pages = [tuple(p) for p in json.loads(server.stdout.readline())]
    print(f"{len(pages)} sites up on loopback in {time.perf_counter() - started:.1f} s")

    try:
        with tempfile.TemporaryDirectory(prefix="openuitslag-bench-harvest-") as folder:
            full = run_pass(Path(folder), pages, args.workers)
            incremental = run_pass(Path(folder), pages, args.workers)
        redis = redis_passes(pages, args.redis_workers) if args.redis_workers else []
    finally:
        server.stdin.close()
        server.wait(timeout=30)

    for label, report, target in (
        ("full pass", full, FULL_TARGET),
        ("incremental pass", incremental, INCREMENTAL_TARGET),
    ):
        verdict = "ok" if report.seconds <= target else "OVER TARGET"
        print(
            f"{label:<17} {report.seconds:6.2f} s (target ≤ {target:g} s, {verdict}); "
            f"{report.requests} requests, {report.bytes / 1e6:.2f} MB, "
            f"{report.new_versions} new files, {len(report.errors)} problems"
        )
    for label, f in redis:
        print(
            f"{label:<17} {f['seconds']:6.2f} s with {f['workers']:g} Celery workers "
            f"on Redis; {f['requests']:g} requests, {f['bytes'] / 1e6:.2f} MB, "
            f"{f['new']:g} new files"
        )
    for error in (full.errors + incremental.errors)[:5]:
        print(f"  problem: {error}")


if __name__ == "__main__":
    main()
