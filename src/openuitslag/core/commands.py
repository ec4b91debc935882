"""``openuitslag inspect``: say what official files contain, and what is wrong.

The first thing anyone does with a downloaded file is look inside: which
election, which committee, how many units and votes, and the hash that
must match the one on the paper proces-verbaal. This command shows that
for every document below the given paths, and lists every problem.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable

import click
import numpy as np

from openuitslag.core.model import (
    COUNTER_INDEX,
    MISSING,
    CandidateLists,
    ContestCount,
    Count,
    Document,
    ElectionDefinition,
    PollingStationList,
    ReadReport,
    Result,
)
from openuitslag.core.read import read_paths

__all__ = ["inspect_command", "render_text", "report_as_dict", "summarise"]

JsonDict = dict[str, object]


@click.command("inspect")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How to print the summary.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Read files in this many processes.",
)
def inspect_command(paths: tuple[str, ...], output: str, workers: int) -> None:
    """Show what each official document below PATHS contains.

    PATHS may be EML_NL or OSV4-3 files, folders or zips. Exits with
    status 2 when any input could not be used.
    """
    report = read_paths(paths, workers=workers)
    if output == "json":
        click.echo(json.dumps(report_as_dict(report), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(report), nl=False)
    if report.problems:
        sys.exit(2)


def report_as_dict(report: ReadReport) -> JsonDict:
    """Return the summary of a read as a JSON-ready dict."""
    return {
        "documents": [summarise(doc) for doc in report.documents],
        "problems": [problem.as_dict() for problem in report.problems],
    }


def summarise(document: Document) -> JsonDict:
    """Return what a person wants to know first about one document."""
    info = document.info
    summary: JsonDict = {
        "source": info.source,
        "type": str(info.kind),
        "election": document.election.id,
        "election_name": document.election.name,
        "authority": _authority(document),
        "sha256": info.sha256,
        "sha256_pv": info.sha256_pv,
        "size": info.size,
        "created": info.creation_time,
    }
    summary.update(_details(document))
    return summary


def render_text(report: ReadReport) -> str:
    """Return the summary of a read as lines for a terminal."""
    lines: list[str] = []
    for document in report.documents:
        lines.extend(_text_block(summarise(document)))
        lines.append("")
    kinds = Counter(str(d.info.kind) for d in report.documents)
    overview = ", ".join(f"{n} × {kind}" for kind, n in sorted(kinds.items()))
    lines.append(f"{len(report.documents)} documents read ({overview or 'none'}).")
    if report.problems:
        lines.append(
            f"{len(report.problems)} problems; these inputs could not be used:"
        )
        lines.extend(f"  {problem}" for problem in report.problems)
    return "\n".join(lines) + "\n"


def _authority(document: Document) -> str | None:
    authority = document.authority
    return None if authority is None else f"{authority.id} {authority.name}".strip()


def _details(document: Document) -> JsonDict:
    if isinstance(document, Count):
        contests = [_contest(c) for c in document.contests]
        return {
            "counting_method": document.counting_method,
            "phase": document.phase,
            "contests": contests,
        }
    if isinstance(document, ElectionDefinition):
        regions = Counter(r.category for r in document.regions)
        return {
            "contest": document.contest_id,
            "seats": document.number_of_seats,
            "preference_threshold": document.preference_threshold,
            "regions": dict(regions),
            "registered_parties": len(document.registered_parties),
        }
    if isinstance(document, CandidateLists):
        return {
            "contest": document.contest_id,
            "contest_name": document.contest_name,
            "lists": len(document.affiliations),
            "candidates": sum(len(a.candidates) for a in document.affiliations),
        }
    if isinstance(document, PollingStationList):
        return {
            "municipality": f"{document.municipality_id} {document.municipality_name}",
            "stations": len(document.stations),
            "electorate": document.electorate,
        }
    return _result(document)


def _result(result: Result) -> JsonDict:
    seats = result.seats()
    return {
        "contest": result.contest_id,
        "lists": len(result.list_names),
        "elected": len(result.elected),
        "seats": {str(number): n for number, n in sorted(seats.items())},
    }


def _contest(contest: ContestCount) -> JsonDict:
    lists = contest.list_columns
    tally = contest.total if contest.total is not None else None
    if tally is not None:
        valid = tally.counter(0, "total_counted")
        cast = tally.counter(0, "cast")
        list_votes = int(tally.votes[0, lists].clip(min=0).sum())
    else:
        valid = _sum_counter(contest, "total_counted")
        cast = _sum_counter(contest, "cast")
        list_votes = int(contest.unit_tally.votes[:, lists].clip(min=0).sum())
    return {
        "contest": contest.contest_id,
        "contest_name": contest.contest_name,
        "units": len(contest.units),
        "lists": int(lists.sum()),
        "candidates": int((~lists).sum()),
        "valid_votes": valid,
        "list_votes": list_votes,
        "cast": cast,
    }


def _sum_counter(contest: ContestCount, name: str) -> int | None:
    values = contest.unit_tally.counters[:, COUNTER_INDEX[name]]
    if not len(values) or (values == MISSING).any():
        return None
    return int(np.sum(values))


def _text_block(summary: JsonDict) -> Iterable[str]:
    yield f"{summary['source']}"
    yield f"  type        {summary['type']}"
    yield f"  election    {summary['election']} ({summary['election_name']})"
    if summary.get("authority"):
        yield f"  authority   {summary['authority']}"
    for key in ("contest", "seats", "regions", "lists", "candidates", "stations"):
        if key in summary and summary[key] is not None:
            yield f"  {key:<11} {_plain(summary[key])}"
    for key in ("elected", "electorate", "counting_method", "phase"):
        if summary.get(key) is not None:
            yield f"  {key:<11} {_plain(summary[key])}"
    contests = summary.get("contests")
    for contest in contests if isinstance(contests, list) else []:
        yield (
            f"  contest     {contest['contest']}: {contest['units']} units, "
            f"{contest['lists']} lists, {contest['candidates']} candidates, "
            f"valid votes {_plain(contest['valid_votes'])}, "
            f"cast (electorate) {_plain(contest['cast'])}"
        )
    yield f"  sha256      {summary['sha256']}"
    yield f"  on the PV   {summary['sha256_pv']}"


def _plain(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_plain(v)}" for k, v in value.items())
    return "-" if value is None else str(value)
