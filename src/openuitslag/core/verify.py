"""Verify a set of election documents: findings and apportionment out.

This is the one place that decides which check runs on which documents,
so that ``openuitslag verify`` and the portal reach the same verdict on
the same files. It is pure: documents in, a :class:`Report` out, no
files written and no Django.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

from openuitslag.core.checks.arithmetic import check_arithmetic
from openuitslag.core.checks.corrigendum import (
    check_against_originals,
    check_corrigendum,
)
from openuitslag.core.checks.outcome import compare_outcome
from openuitslag.core.checks.reconcile import check_across_documents, check_unit_sums
from openuitslag.core.checks.references import (
    check_against_definition,
    check_against_lists,
    check_against_stations,
)
from openuitslag.core.checks.report import (
    Apportionment,
    ElectedEntry,
    ElectionReport,
    Report,
    SeatsAndElected,
)
from openuitslag.core.errors import Problem, Severity
from openuitslag.core.findings import Finding
from openuitslag.core.model import (
    CandidateLists,
    Count,
    Document,
    DocumentInfo,
    DocumentKind,
    ElectionDefinition,
    PollingStationList,
    Result,
)
from openuitslag.core.seats import Outcome, compute_outcome

log = logging.getLogger("openuitslag.verify")

# Problems that mean "not an election file", not "a broken one".
SKIPPED = frozenset({"document.unknown-type"})


def verify_paths(paths: Sequence[str | Path], *, workers: int = 1) -> Report:
    """Read files, folders or zips and verify everything in them."""
    from openuitslag.core.read import read_paths

    report = read_paths(paths, workers=workers)
    return verify_documents(report.documents, report.problems)


def verify_documents(
    documents: Iterable[Document], problems: Iterable[Problem] = ()
) -> Report:
    """Run every check that the given documents allow; return the report."""
    documents = list(documents)
    findings = [problem_finding(p) for p in problems]
    elections: list[ElectionReport] = []
    for election_id, group in _by_election(documents).items():
        findings.extend(check_election(group))
        report, outcome_findings = _election_report(election_id, group)
        elections.append(report)
        findings.extend(outcome_findings)
    log.info(
        "verified documents=%d elections=%d findings=%d",
        len(documents),
        len(elections),
        len(findings),
    )
    return Report(elections=elections, findings=findings)


def check_election(documents: Sequence[Document]) -> list[Finding]:
    """Return the findings of all checks on the documents of one election."""
    counts = [d for d in documents if isinstance(d, Count)]
    findings: list[Finding] = []
    for count in counts:
        findings.extend(check_arithmetic(count))
        findings.extend(check_unit_sums(count))
        findings.extend(check_corrigendum(count))
    findings.extend(
        check_across_documents(counts, nbsb_kieskring=_nbsb_kieskring(documents))
    )
    findings.extend(check_against_originals(counts))
    for document in documents:
        if isinstance(document, ElectionDefinition):
            findings.extend(check_against_definition(document, counts))
        elif isinstance(document, PollingStationList):
            findings.extend(check_against_stations(document, counts))
        elif isinstance(document, CandidateLists):
            findings.extend(check_against_lists(document, counts))
    return findings


def _nbsb_kieskring(documents: Sequence[Document]) -> str | None:
    """Return the kieskring the 110a puts the postal-vote office (9010) in."""
    for document in documents:
        if isinstance(document, ElectionDefinition):
            for region in document.regions_of("GEMEENTE"):
                if region.municipality_code == "9010":
                    return region.superior_number
    return None


def _by_election(documents: list[Document]) -> dict[str, list[Document]]:
    groups: dict[str, list[Document]] = {}
    for document in documents:
        groups.setdefault(document.election.id, []).append(document)
    return groups


def _election_report(
    election_id: str, documents: list[Document]
) -> tuple[ElectionReport, list[Finding]]:
    results = [d for d in documents if isinstance(d, Result)]
    official = SeatsAndElected.from_result(results[0]) if results else None
    apportionment, findings = recompute(documents, results[0] if results else None)
    if apportionment is not None and official is not None:
        findings += compare_outcome(
            apportionment.computed,
            official,
            election=election_id,
            file=results[0].info.source,
        )
    report = ElectionReport(
        id=election_id,
        name=documents[0].election.name,
        documents=tuple(sorted((d.info for d in documents), key=_document_order)),
        apportionment=apportionment,
        official=official,
        list_names=_list_names(documents),
    )
    return report, findings


def _list_names(documents: Sequence[Document]) -> dict[int, str]:
    """Return the lists' names: from the 520, else from any count."""
    names: dict[int, str] = {}
    for document in documents:
        if isinstance(document, Count):
            for contest in document.contests:
                names.update(contest.list_names)
    for document in documents:
        if isinstance(document, Result):
            names.update(document.list_names)
    return {n: name for n, name in names.items() if name}


def _document_order(info: DocumentInfo) -> tuple[str, str]:
    return (info.kind.value, info.source)


def recompute(
    documents: Sequence[Document], official: Result | None
) -> tuple[Apportionment | None, list[Finding]]:
    """Return the recomputed seats and elected, or None if not possible.

    Needs the election definition (110a) for the number of seats, the
    candidate lists (230b) and one count with every list's votes: the
    central count (510d) if given, else the only count there is.
    """
    definitions = [d for d in documents if isinstance(d, ElectionDefinition)]
    lists = [d for d in documents if isinstance(d, CandidateLists)]
    count = _count_for_seats(documents)
    if not definitions or not lists or count is None:
        return None, []
    try:
        outcome = compute_outcome(definitions[0], lists, count, official=official)
    except ValueError as exc:
        complete = count.info.kind is DocumentKind.EML_510D
        return None, [_not_computed(definitions[0], str(exc), complete)]
    official_shape = None if official is None else SeatsAndElected.from_result(official)
    apportionment = Apportionment(
        computed=SeatsAndElected(
            seats=dict(outcome.seats),
            elected=tuple(
                ElectedEntry(n, c.short_code, c.name) for n, c in outcome.elected
            ),
        ),
        official=official_shape,
        rule_version=outcome.rule_version.id,
        steps=tuple(step.as_dict() for step in outcome.steps),
        ties=tuple(tie.as_dict() for tie in outcome.ties),
    )
    return apportionment, _outcome_notes(definitions[0], outcome)


def _count_for_seats(documents: Sequence[Document]) -> Count | None:
    counts = [d for d in documents if isinstance(d, Count)]
    central = [c for c in counts if c.info.kind is DocumentKind.EML_510D]
    if central:
        return central[0]
    return counts[0] if len(counts) == 1 else None


def _not_computed(
    definition: ElectionDefinition, reason: str, complete: bool
) -> Finding:
    """Say why there are no seats: a notice if the input simply lacks them."""
    return Finding(
        code="seats.not-computed",
        severity=Severity.WARNING if complete else Severity.NOTICE,
        message_nl=(
            f"De zetelverdeling kon niet worden herberekend. De reden (in het "
            f"Engels): {reason}"
        ),
        message_en=f"The seat allocation could not be recomputed: {reason}",
        election=definition.election.id,
        file=definition.info.source,
    )


def _outcome_notes(definition: ElectionDefinition, outcome: Outcome) -> list[Finding]:
    """Return the ties settled by lot and the data problems met on the way."""
    findings = [
        Finding(
            code="seats.tie-by-lot",
            severity=Severity.NOTICE if tie.resolved else Severity.WARNING,
            message_nl=(
                f"Bij {tie.what} ({tie.article} Kieswet) staan {_numbers(tie.tied)} "
                f"gelijk; het lot besliste voor {_numbers(tie.chosen)} "
                f"({_RESOLVED_NL[tie.resolved_by]})."
            ),
            message_en=(
                f"At {tie.what} ({tie.article} Kieswet) {_numbers(tie.tied)} are "
                f"tied; lots decided for {_numbers(tie.chosen)} "
                f"({_RESOLVED_EN[tie.resolved_by]})."
            ),
            election=outcome.election_id,
            file=definition.info.source,
            list=tie.list_number,
            expected=list(tie.tied),
            found=list(tie.chosen),
        )
        for tie in outcome.ties
    ]
    findings.extend(
        Finding(
            code="seats.data-note",
            severity=Severity.WARNING,
            message_nl=f"Bij het herberekenen van de zetels (in het Engels): {note}",
            message_en=f"While recomputing the seats: {note}",
            election=outcome.election_id,
        )
        for note in outcome.notes
    )
    return findings


_RESOLVED_NL = {
    "given": "opgegeven loting",
    "official": "zoals in de officiële uitslag",
    "unresolved": "onbekend; hier is het laagste nummer genomen",
}
_RESOLVED_EN = {
    "given": "draw given",
    "official": "as in the official result",
    "unresolved": "unknown; the lowest number was taken here",
}


def _numbers(numbers: Sequence[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def problem_finding(problem: Problem) -> Finding:
    """Return an input problem as a finding, so one report holds both.

    A file that is no election document at all (the Kiesraad puts notes in
    .txt files beside the EML) is skipped with a notice, not an error.
    """
    if problem.code in SKIPPED:
        return Finding(
            code=problem.code,
            severity=Severity.NOTICE,
            message_nl="Dit bestand is geen verkiezingsdocument en is overgeslagen.",
            message_en="This file is not an election document and was skipped.",
            file=problem.source,
        )
    return Finding(
        code=problem.code,
        severity=problem.severity,
        message_nl=(
            f"Dit bestand kon niet goed gelezen worden. Wat er mis is (in het "
            f"Engels): {problem}"
        ),
        message_en=f"This file could not be read properly: {problem}",
        file=problem.source,
        expected=problem.expected,
        found=problem.found,
    )
