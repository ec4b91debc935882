"""``openuitslag harvest`` and ``openuitslag registry``.

``harvest`` visits every registered results page (or those of one
election or municipality) once, or again and again with ``--watch``;
``harvest status`` says per municipality what was expected, what was
found and when; ``harvest worker`` runs a Celery worker for the
Redis-backed set-up. ``registry`` seeds municipalities from an election
definition and imports or exports the results-page URLs as CSV.

The registry lives in the portal's database; with ``--registry FILE.csv``
the harvester runs from a CSV instead and needs no database at all.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from openuitslag.core.errors import ReadError
from openuitslag.harvest.registry import parse_registry_csv

if TYPE_CHECKING:
    from openuitslag.harvest.completeness import Completeness
    from openuitslag.harvest.harvester import PassReport, Target

log = logging.getLogger("openuitslag.harvest")


def _data_dir(value: str | None) -> Path:
    return Path(value or os.environ.get("OPENUITSLAG_DATA_DIR", "var"))


def _setup_django() -> None:
    """Set Django up with the portal's settings; migrate the registry."""
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openuitslag.portal.settings")
    django.setup()
    call_command("migrate", "harvest", verbosity=0, interactive=False)


def _targets(
    registry: str | None, election: str | None, municipality: str | None
) -> list[Target]:
    from openuitslag.harvest.harvester import Target

    if registry is None:
        _setup_django()
        from openuitslag.harvest.records import targets

        return targets(election, municipality)

    rows = parse_registry_csv(Path(registry).read_bytes(), registry)
    return [
        Target(r.election, r.municipality_code, r.url)
        for r in rows
        if r.url
        and (election is None or r.election == election)
        and (municipality is None or r.municipality_code == municipality.zfill(4))
    ]


# -- harvest ----------------------------------------------------------------


@click.group(name="harvest", invoke_without_command=True)
@click.option("--election", help="Only this election, e.g. TK2023.")
@click.option("--municipality", help="Only this municipality code, e.g. 0482.")
@click.option("--watch", is_flag=True, help="Repeat the pass on an interval.")
@click.option(
    "--interval", default=300.0, show_default=True, help="Seconds between passes."
)
@click.option("--passes", type=int, help="With --watch: stop after this many passes.")
@click.option(
    "--registry",
    type=click.Path(exists=True, dir_okay=False),
    help="Take the pages from this CSV instead of the database.",
)
@click.option(
    "--data-dir", help="Data folder (default $OPENUITSLAG_DATA_DIR or ./var)."
)
@click.option(
    "--workers",
    default=8,
    show_default=True,
    help="Sites visited at once (in-process).",
)
@click.option(
    "--import/--no-import",
    "import_",
    default=None,
    help="Import new EML and CSV files into the portal (default: when the "
    "registry comes from the database).",
)
@click.pass_context
def harvest_group(
    ctx: click.Context,
    election: str | None,
    municipality: str | None,
    watch: bool,
    interval: float,
    passes: int | None,
    registry: str | None,
    data_dir: str | None,
    workers: int,
    import_: bool | None,
) -> None:
    """Fetch every registered results page and keep what is new."""
    if ctx.invoked_subcommand is not None:
        return
    try:
        targets = _targets(registry, election, municipality)
    except ReadError as exc:
        raise click.ClickException(str(exc)) from exc
    if not targets:
        raise click.ClickException(
            "No results pages are registered for this selection."
        )

    if import_ is None:
        import_ = registry is None
    elif import_ and registry is not None:
        _setup_django()

    done = 0
    while True:
        started = dt.datetime.now(dt.UTC).replace(microsecond=0)
        new = _one_pass(targets, _data_dir(data_dir), workers)
        if import_:
            _import_new(_data_dir(data_dir), started)
        if new:
            _invalidate_pages(_data_dir(data_dir), django_ready=import_)
        done += 1
        if not watch or (passes is not None and done >= passes):
            return
        time.sleep(interval)


def _one_pass(targets: list[Target], data_dir: Path, workers: int) -> int:
    """Visit every target once; return the number of new files."""
    from openuitslag.harvest.queue import BROKER_ENV, dispatch

    started = time.monotonic()
    if os.environ.get(BROKER_ENV):
        results = dispatch(targets, data_dir)
        requests = sum(r["requests"] for r in results)
        size = sum(r["bytes"] for r in results)
        new = sum(r["new_versions"] for r in results)
        errors = [e for r in results for e in r["errors"]]
    else:
        report = _in_process(targets, data_dir, workers)
        requests, size, new, errors = (
            report.requests,
            report.bytes,
            report.new_versions,
            report.errors,
        )
    for error in errors:
        click.echo(f"warning: {error}", err=True)
    click.echo(
        f"{len(targets)} sites, {requests} requests, {size} bytes, {new} new files, "
        f"{len(errors)} problems, {time.monotonic() - started:.1f} s"
    )
    return int(new)


def _invalidate_pages(data_dir: Path, *, django_ready: bool) -> None:
    """Make the portal's cached pages stale: they show what was harvested.

    The portal keys its page cache by the modification time of the
    ``generation`` file in the data folder, so touching it is enough for
    every server process; with Django set up, its cache is cleared too.
    """
    if django_ready:
        from openuitslag.portal.caching import bump_generation

        bump_generation()
    data_dir.mkdir(parents=True, exist_ok=True)
    generation = data_dir / "generation"
    generation.touch()
    os.utime(generation)


def _in_process(targets: list[Target], data_dir: Path, workers: int) -> PassReport:
    from openuitslag.harvest.catalogue import Catalogue
    from openuitslag.harvest.client import ClientSettings, PoliteClient
    from openuitslag.harvest.harvester import Harvester
    from openuitslag.harvest.storage import Storage

    catalogue = Catalogue(data_dir / "harvest.sqlite3")
    storage = Storage(data_dir)
    with PoliteClient(ClientSettings.from_env()) as client:
        try:
            return Harvester(catalogue, storage, client, workers=workers).harvest(
                targets
            )
        finally:
            storage.close()
            catalogue.close()


def _import_new(data_dir: Path, since: dt.datetime) -> None:
    """Hand the EML and CSV files found since ``since`` to the import."""
    from openuitslag.core.sources import Source
    from openuitslag.harvest.catalogue import Catalogue
    from openuitslag.harvest.storage import Storage
    from openuitslag.portal.importer import import_paths

    catalogue = Catalogue(data_dir / "harvest.sqlite3")
    storage = Storage(data_dir)
    try:
        fresh = [
            v
            for v in catalogue.versions()
            if v.found_at >= since.isoformat()
            and v.document_type.startswith(("EML", "OSV4-3"))
        ]
        sources = [Source(v.location, storage.get(v.sha256)) for v in fresh]
    finally:
        storage.close()
        catalogue.close()
    if not sources:
        return

    summary = import_paths([], extra=sources)
    for problem in summary.problems:
        click.echo(f"import: {problem}", err=True)
    click.echo(
        f"imported {len(summary.imported)} documents, skipped "
        f"{len(summary.skipped)}, {len(summary.problems)} problems"
    )


@harvest_group.command(name="status")
@click.option("--election", help="Only this election.")
@click.option("--municipality", help="Only this municipality code.")
@click.option("--deadline", help="ISO time; documents first seen later are late.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option(
    "--data-dir", help="Data folder (default $OPENUITSLAG_DATA_DIR or ./var)."
)
@click.option(
    "--registry",
    type=click.Path(exists=True, dir_okay=False),
    help="Also list the municipalities of this registry CSV with nothing found.",
)
def status_command(
    election: str | None,
    municipality: str | None,
    deadline: str | None,
    fmt: str,
    data_dir: str | None,
    registry: str | None,
) -> None:
    """Say per municipality what was expected, found, missing and late."""
    from openuitslag.harvest.catalogue import Catalogue
    from openuitslag.harvest.completeness import completeness

    path = _data_dir(data_dir) / "harvest.sqlite3"
    if not path.exists():
        raise click.ClickException(f"Nothing harvested yet: {path} does not exist.")
    when = dt.datetime.fromisoformat(deadline) if deadline else None
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)

    catalogue = Catalogue(path)
    registered = []
    if registry is not None:
        rows = parse_registry_csv(Path(registry).read_bytes(), registry)
        registered = [(r.election, r.municipality_code) for r in rows]
    places = [
        (e, m)
        for e, m in sorted({*catalogue.places(), *registered})
        if (election is None or e == election)
        and (municipality is None or m == municipality.zfill(4))
    ]
    reports = [completeness(catalogue, e, m, when) for e, m in places]
    findings = {p: catalogue.findings(*p) for p in places}
    if fmt == "json":
        out = []
        for report in reports:
            data = report.as_dict()
            data["findings"] = [
                f.as_dict() for f in findings[(report.election, report.municipality)]
            ]
            out.append(data)
        click.echo(json.dumps({"municipalities": out}, indent=2, ensure_ascii=False))
        return
    for report in reports:
        place = findings[(report.election, report.municipality)]
        _print_status(report, len(place))
        for finding in place:
            click.echo(f"  finding {finding.code}: {finding.message_en}")


def _print_status(report: Completeness, findings: int) -> None:
    found = len(report.items) - len(report.missing)
    click.echo(
        f"{report.election} {report.municipality}: {found} of {len(report.items)} "
        f"expected documents found, {len(report.documents)} files, {findings} findings"
    )
    for label in report.missing:
        click.echo(f"  missing: {label}")
    for label in report.late:
        click.echo(f"  late: {label}")
    for doc in report.documents:
        v = doc.latest
        what = v.eml_id or v.model or v.document_type
        station = f" stembureau {v.station}" if v.station is not None else ""
        click.echo(
            f"  {v.document_type:<11} {what:<8}{station} {v.sha256[:16]}… "
            f"first seen {doc.first_seen} {v.location}"
        )


@harvest_group.command(name="worker")
@click.option(
    "--concurrency",
    default=1,
    show_default=True,
    help="Sites this worker visits at once (threads).",
)
@click.option("--name", default=None, help="Worker name (default: celery@host).")
def worker_command(concurrency: int, name: str | None) -> None:
    """Run a Celery worker (needs OPENUITSLAG_HARVEST_BROKER)."""
    from openuitslag.harvest.queue import BROKER_ENV, app

    if not os.environ.get(BROKER_ENV):
        raise click.ClickException(f"Set {BROKER_ENV}, e.g. redis://127.0.0.1:6379/0.")
    argv = ["worker", "--loglevel=INFO", f"--concurrency={concurrency}"]
    argv += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    argv += ["--pool=solo" if concurrency == 1 else "--pool=threads"]
    argv += [f"--hostname={name}"] if name else []
    app.worker_main(argv)


# -- registry ---------------------------------------------------------------


@click.group(name="registry")
def registry_group() -> None:
    """Keep the registry of municipal results pages."""


@registry_group.command(name="seed")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
def seed_command(paths: tuple[str, ...]) -> None:
    """Add municipalities from election definitions (110a) or tables.

    A table is a CSV shaped like ``gemeenten_kieskringen_TK2023.csv``;
    files, folders and zips are all fine.
    """
    from openuitslag.core.errors import Problem
    from openuitslag.core.model import ElectionDefinition
    from openuitslag.core.read import read_document
    from openuitslag.core.sources import iter_sources
    from openuitslag.harvest.registry import (
        is_municipality_table,
        parse_municipality_table,
    )

    _setup_django()
    from openuitslag.harvest.records import seed_from_definition, seed_from_table

    seeded = 0
    for item in iter_sources(paths):
        if isinstance(item, Problem):
            click.echo(f"warning: {item}", err=True)
            continue
        try:
            if is_municipality_table(item.data):
                rows = parse_municipality_table(item.data, item.name)
                count = seed_from_table(rows)
                election = rows[0].election if rows else "?"
            elif b"110a" in item.data[:2000]:
                document = read_document(item.data, item.name)
                if not isinstance(document, ElectionDefinition):
                    continue
                count = seed_from_definition(document)
                election = document.election.id
            else:
                continue
        except ReadError as exc:
            raise click.ClickException(str(exc)) from exc
        seeded += 1
        click.echo(f"{election}: {count} municipalities ({item.name})")
    if not seeded:
        raise click.ClickException(
            "No election definition (EML 110a) or municipality table in the "
            "given paths."
        )


@registry_group.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--by", default=None, help="Who makes the change (default: your user name)."
)
def import_command(file: str, by: str | None) -> None:
    """Set results-page URLs from a CSV: election,municipality_code,url."""
    _setup_django()
    from openuitslag.harvest.records import import_rows

    try:
        rows = parse_registry_csv(Path(file).read_bytes(), file)
        counts = import_rows(rows, file, by or getpass.getuser())
    except ReadError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(", ".join(f"{n} {what}" for what, n in counts.items()))

    # The portal's pages say which municipalities have a registered page.
    from openuitslag.portal.caching import bump_generation

    bump_generation()


@registry_group.command(name="export")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--election", help="Only this election.")
def export_command(file: str, election: str | None) -> None:
    """Write the registry as CSV (``-`` for standard output)."""
    _setup_django()
    from openuitslag.harvest.records import export_rows
    from openuitslag.harvest.registry import write_registry_csv

    text = write_registry_csv(export_rows(election))
    if file == "-":
        sys.stdout.write(text)
    else:
        Path(file).write_text(text, encoding="utf-8")
