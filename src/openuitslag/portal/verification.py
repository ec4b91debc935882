"""Run the independent verifier for the portal and store what it says.

The verifier (``openuitslag.core.verify``) is pure core and knows nothing
of the database; this module hands it the records of an election's current
documents and turns its report into Finding and Seats rows, so the pages
show exactly what ``openuitslag verify`` prints for the same files.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from openuitslag.core import model as core
from openuitslag.core.checks.report import ElectionReport
from openuitslag.core.errors import Severity
from openuitslag.core.findings import Finding as CoreFinding
from openuitslag.portal import models as m

logger = logging.getLogger("openuitslag.portal")

STATION_UNIT = re.compile(r"(\d{4})::SB(\d+)$")
MUNICIPALITY_UNIT = re.compile(r"(?:^|::)(\d{4})$")


@dataclass
class Outcome:
    """What the verifier said about one election."""

    findings: list[CoreFinding] = field(default_factory=list)
    seats: dict[int, int] | None = None
    official: dict[int, int] | None = None
    matches_official: bool | None = None
    apportionment: dict[str, Any] | None = None


def verify_records(records: list[core.Document], identifier: str) -> Outcome:
    """Return the verifier's findings and seats for one election."""
    from openuitslag.core.verify import verify_documents

    report = verify_documents(records)
    outcome = Outcome(
        findings=[f for f in report.findings if f.election in (None, identifier)]
    )
    for election in report.elections:
        if election.id == identifier:
            fill_apportionment(outcome, election)
    return outcome


def fill_apportionment(outcome: Outcome, election: ElectionReport) -> None:
    """Copy recomputed and official seats from the verifier's report."""
    if election.official is not None:
        outcome.official = dict(election.official.seats)
    apportionment = election.apportionment
    if apportionment is None:
        return
    outcome.seats = dict(apportionment.computed.seats)
    outcome.matches_official = apportionment.matches_official
    outcome.apportionment = apportionment.as_dict()


def store(election: m.Election, outcome: Outcome) -> int:
    """Replace an election's findings and seats; return the finding count."""
    m.Finding.objects.filter(election=election).delete()
    places = Places(election)
    rows = [finding_row(election, f, places) for f in outcome.findings]
    m.Finding.objects.bulk_create(rows, batch_size=2_000)

    store_seats(election, outcome)
    severities = [f.severity for f in outcome.findings]
    election.error_count = severities.count(Severity.ERROR)
    election.warning_count = severities.count(Severity.WARNING)
    election.notice_count = severities.count(Severity.NOTICE)
    election.apportionment = outcome.apportionment
    election.seats_match_official = outcome.matches_official
    election.verified_at = timezone.now()
    election.save()
    logger.info(
        "election verified election=%s findings=%d", election.identifier, len(rows)
    )
    return len(rows)


def store_seats(election: m.Election, outcome: Outcome) -> None:
    """Write the recomputed (and official) seats per lijst."""
    if outcome.seats is None and outcome.official is None:
        return
    names = dict(
        m.Lijst.objects.filter(election=election).values_list("number", "name")
    )
    numbers = set(outcome.seats or {}) | set(outcome.official or {})
    for number in sorted(numbers):
        defaults: dict[str, Any] = {
            "recomputed": None
            if outcome.seats is None
            else outcome.seats.get(number, 0),
            "list_name": names.get(number, "") or f"Lijst {number}",
        }
        if outcome.official is not None:
            defaults["official"] = outcome.official.get(number, 0)
        m.Seats.objects.update_or_create(
            election=election, list_number=number, defaults=defaults
        )


class Places:
    """Find the municipality or station a finding is about."""

    def __init__(self, election: m.Election):
        self.municipalities = {
            mu.code: mu for mu in m.Municipality.objects.filter(election=election)
        }
        self.stations = {
            s.unit_id: s
            for s in m.PollingStation.objects.filter(municipality__election=election)
        }

    def locate(
        self, finding: CoreFinding
    ) -> tuple[m.Municipality | None, m.PollingStation | None]:
        """Return the municipality and station named by a finding."""
        unit = finding.reporting_unit or ""
        station = STATION_UNIT.search(unit)
        if station:
            found = self.stations.get(f"{station[1]}::SB{station[2]}")
            return self.municipalities.get(station[1]), found
        municipality = MUNICIPALITY_UNIT.search(unit) or MUNICIPALITY_UNIT.search(
            finding.authority or ""
        )
        if municipality:
            return self.municipalities.get(municipality[1]), None
        return None, None


def finding_row(
    election: m.Election, finding: CoreFinding, places: Places
) -> m.Finding:
    """Return the database row of one verifier finding."""
    municipality, station = places.locate(finding)
    return m.Finding(
        election=election,
        code=finding.code[:64],
        severity=str(finding.severity),
        message_nl=finding.message_nl,
        message_en=finding.message_en,
        file=(finding.file or "")[:500],
        authority=(finding.authority or "")[:32],
        reporting_unit=(finding.reporting_unit or "")[:64],
        municipality=municipality,
        station=station,
        list_number=finding.list,
        candidate=(finding.candidate or "")[:200],
        expected=finding.expected,
        found=finding.found,
    )
