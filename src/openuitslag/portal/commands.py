"""The portal's commands: import, serve, demo and Django's own manage.

``openuitslag demo`` is what the README's main command runs: it prepares
the database in the data folder, imports the bundled real sample, verifies
it and serves the portal, and it does nothing twice when run again.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import click

logger = logging.getLogger("openuitslag.portal")

REPO_DIR = Path(__file__).resolve().parents[3]
DATA = REPO_DIR / "data"
DEMO_PATHS = (
    DATA / "TK2021" / "EML_bestanden_TK2021_deel_1.zip",
    DATA / "TK2023" / "EML_bestanden_TK2023_selectie.zip",
)
DEMO_GR2022 = DATA / "GR2022" / "osv4-3_csv_GR2022.zip"
DEMO_GR2022_MUNICIPALITIES = (
    "09_Zuid-Holland/osv4-3_telling_gr2022_alblasserdam.csv",
    "09_Zuid-Holland/osv4-3_telling_gr2022_dordrecht.csv",
    "01_Groningen/osv4-3_telling_gr2022_pekela.csv",
    "07_Utrecht/osv4-3_telling_gr2022_utrecht.csv",
    "08_Noord-Holland/osv4-3_telling_gr2022_haarlem.csv",
)
NLDS_FILES = {
    "design-tokens/index.css": "@utrecht/design-tokens/dist/index.css",
    "component-library-css/index.css": "@utrecht/component-library-css/dist/index.css",
}


def setup_django() -> None:
    """Configure Django with the portal's settings (once)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openuitslag.portal.settings")
    import django

    django.setup()


def ensure_database() -> None:
    """Create the database if needed and bring its schema up to date."""
    from django.conf import settings
    from django.core.management import call_command

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        create_postgres_database(database)
    call_command("migrate", interactive=False, verbosity=0)


def create_postgres_database(database: dict[str, Any]) -> None:
    """Create the PostgreSQL database named in DATABASE_URL if missing."""
    import psycopg
    from psycopg import sql

    options = {
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
    }
    name = database["NAME"]
    try:
        psycopg.connect(dbname=name, **options).close()
        return
    except psycopg.OperationalError:
        pass
    with psycopg.connect(dbname="postgres", autocommit=True, **options) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    logger.info("database created name=%s", name)


def ensure_static() -> None:
    """Copy the NL Design System CSS and collect static files."""
    from django.conf import settings
    from django.core.management import call_command

    vendor = Path(settings.VENDOR_DIR)
    for target, source in NLDS_FILES.items():
        origin = Path(settings.NODE_MODULES) / source
        destination = vendor / target
        if origin.exists():
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(origin, destination)
        elif not destination.exists():
            click.echo(
                f"Warning: {origin} is missing; run `npm ci` (make setup) for the "
                "NL Design System styles. The portal works without them, unstyled.",
                err=True,
            )
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_text("/* NL Design System CSS not installed */\n")
    call_command("collectstatic", interactive=False, verbosity=0)


def progress(items: Iterable[Any], label: str) -> Iterator[Any]:
    """Show a tqdm progress bar on a terminal, nothing elsewhere."""
    from tqdm import tqdm

    total = len(items) if hasattr(items, "__len__") else None
    yield from tqdm(
        items, desc=label, unit=" doc", total=total, disable=not sys.stderr.isatty()
    )


def report(summary: Any) -> None:
    """Print what an import did and every problem, one per line."""
    click.echo(
        f"{len(summary.imported)} documents imported, {len(summary.skipped)} "
        f"skipped (already imported or not a count), {summary.findings} findings "
        f"stored for {len(summary.elections)} elections."
    )
    for problem in summary.problems:
        click.echo(f"Problem: {problem}", err=True)


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--workers", default=1, show_default=True, help="Processes for reading.")
@click.option("--no-verify", is_flag=True, help="Load only; do not run the verifier.")
def import_command(paths: tuple[str, ...], workers: int, no_verify: bool) -> None:
    """Import election files (EML, OSV4-3 CSV, zips, folders)."""
    setup_django()
    ensure_database()
    from openuitslag.portal.importer import import_paths

    summary = import_paths(
        paths, workers=workers, progress=progress, verify=not no_verify
    )
    report(summary)
    if not summary.ok:
        sys.exit(1)


def serve(host: str, port: int, workers: int) -> None:
    """Serve the portal with granian (WSGI) until interrupted."""
    from django.db import connections
    from granian import Granian
    from granian.constants import Interfaces

    # The server's worker processes open their own database connections.
    connections.close_all()
    click.echo(f"Serving openuitslag on http://{host}:{port}/ (Ctrl-C stops).")
    Granian(
        "openuitslag.portal.wsgi:application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=1,
        backlog=2048,
        log_level="warning",  # type: ignore[arg-type]
    ).serve()


def default_workers() -> int:
    """Return the number of server processes: one per CPU."""
    return int(os.environ.get("OPENUITSLAG_WORKERS", os.cpu_count() or 1))


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=None, type=int, help="Server processes [CPUs].")
def serve_command(host: str, port: int, workers: int | None) -> None:
    """Serve the portal with a production-grade server (granian)."""
    setup_django()
    ensure_database()
    ensure_static()
    serve(host, port, workers or default_workers())


def gr2022_sources() -> Iterator[Any]:
    """Yield the demo's GR2022 municipalities from the bundled zip."""
    from openuitslag.core.sources import Source

    with zipfile.ZipFile(DEMO_GR2022) as archive:
        for member in DEMO_GR2022_MUNICIPALITIES:
            yield Source(f"{DEMO_GR2022.name}!{member}", archive.read(member))


def import_demo(workers: int = 1) -> Any:
    """Import the bundled real sample; return the import summary."""
    from openuitslag.portal.importer import import_paths

    return import_paths(
        DEMO_PATHS,
        extra=gr2022_sources(),
        workers=workers,
        progress=progress,
    )


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=None, type=int, help="Server processes [CPUs].")
@click.option("--no-serve", is_flag=True, help="Set up and import only.")
def demo_command(host: str, port: int, workers: int | None, no_serve: bool) -> None:
    """Import the bundled real sample, verify it and serve the portal."""
    setup_django()
    ensure_database()
    ensure_static()
    summary = import_demo(workers=min(2, os.cpu_count() or 1))
    report(summary)
    if not no_serve:
        serve(host, port, workers or default_workers())


@click.command(
    "manage",
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    add_help_option=False,
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage_command(args: tuple[str, ...]) -> None:
    """Run a Django management command (createsuperuser, migrate, …)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openuitslag.portal.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["openuitslag manage", *args])
