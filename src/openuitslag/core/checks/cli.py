"""``openuitslag verify``: check published election files from a terminal.

Anyone can run this on the files the Kiesraad and the municipalities
publish and get, without trusting us, every discrepancy with its numbers
and an explanation. The exit status makes it usable in scripts: 0 when
nothing is wrong, 1 when there are errors, 2 when the input is unusable.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from openuitslag.core.checks.render import render_html, render_json, render_text
from openuitslag.core.checks.report import Report
from openuitslag.core.errors import InputError, Severity

log = logging.getLogger("openuitslag.verify")

RENDERERS = {"text": render_text, "json": render_json, "html": render_html}

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE = 0, 1, 2


@click.command("verify")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(RENDERERS)),
    default="text",
    show_default=True,
    help="How to write the report.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the report to this file instead of standard output.",
)
@click.option(
    "--workers", type=click.IntRange(min=1), default=1, show_default=True,
    help="Read files in this many processes.",
)  # fmt: skip
@click.option(
    "--min-severity",
    type=click.Choice(["error", "warning", "notice"]),
    default="notice",
    show_default=True,
    help="Leave out findings below this severity (the exit status still "
    "counts every error).",
)
def verify_command(
    paths: tuple[Path, ...],
    output_format: str,
    output: Path | None,
    workers: int,
    min_severity: str,
) -> None:
    """Check election files (EML_NL, OSV4-3 CSV; files, folders or zips).

    Recomputes totals, reconciles every level with the next, compares with
    the election definition, polling stations and candidate lists, and
    reports every finding in Dutch and English.
    """
    from openuitslag.core.verify import verify_paths

    try:
        report = verify_paths(list(paths), workers=workers)
    except InputError as exc:
        click.echo(f"openuitslag verify: {exc}", err=True)
        sys.exit(EXIT_UNUSABLE)
    status = exit_status(report)
    shown = report.at_least(Severity(min_severity))
    _write(RENDERERS[output_format](shown), output)
    sys.exit(status)


def exit_status(report: Report) -> int:
    """Return 2 if nothing could be verified, 1 on errors, else 0."""
    if not report.usable:
        return EXIT_UNUSABLE
    return EXIT_ERRORS if report.has_errors else EXIT_OK


def _write(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    log.info("report written path=%s", output)
