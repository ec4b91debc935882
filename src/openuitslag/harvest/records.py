"""Read and change the registry in the database (needs Django set up).

The command line and the tests use these functions; the admin uses the
models directly. Every URL change goes through ``ResultsPage.set_url`` so
it is recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from openuitslag.core.errors import Problem, ReadError
from openuitslag.core.model import ElectionDefinition
from openuitslag.harvest.harvester import Target
from openuitslag.harvest.models import Municipality, Participation, ResultsPage
from openuitslag.harvest.registry import (
    MERGERS,
    RegistryRow,
    TableRow,
    cbs_code,
    municipality_kind,
)


def seed_from_definition(definition: ElectionDefinition) -> int:
    """Add a 110a's municipalities with their kieskring; return how many."""
    kieskringen = {r.number: r.name for r in definition.regions_of("KIESKRING")}
    rows = [
        TableRow(
            election=definition.election.id,
            code=region.municipality_code,
            name=region.name,
            kieskring_number=region.superior_number or "",
            kieskring_name=kieskringen.get(region.superior_number or "", ""),
        )
        for region in definition.regions_of("GEMEENTE")
    ]
    return seed_from_table(rows)


@transaction.atomic
def seed_from_table(rows: Iterable[TableRow]) -> int:
    """Add municipalities with their kieskring; return how many."""
    count = 0
    for row in rows:
        municipality, _ = Municipality.objects.update_or_create(
            code=row.code,
            defaults={
                "name": row.name,
                "cbs_code": cbs_code(row.code),
                "kind": municipality_kind(row.code),
            },
        )
        Participation.objects.update_or_create(
            election=row.election,
            municipality=municipality,
            defaults={
                "kieskring_number": row.kieskring_number,
                "kieskring_name": row.kieskring_name,
            },
        )
        ResultsPage.objects.get_or_create(
            election=row.election, municipality=municipality
        )
        count += 1
    _record_mergers()
    return count


def _record_mergers() -> None:
    for new_code, day, old_codes in MERGERS:
        new = Municipality.objects.filter(code=new_code).first()
        if new is None:
            continue
        Municipality.objects.filter(code__in=old_codes).update(
            merged_into=new, merged_on=dt.date.fromisoformat(day)
        )


def import_rows(rows: Iterable[RegistryRow], source: str, by: str) -> dict[str, int]:
    """Store registry rows; refuse them all if a municipality is unknown."""
    rows = list(rows)
    known = dict(Municipality.objects.values_list("code", "id"))
    problems = [
        Problem(
            "registry.unknown-municipality",
            f"Municipality {row.municipality_code} is not in the registry; "
            "seed it first with `openuitslag registry seed`.",
            source,
            line=line,
            where="municipality_code",
        )
        for line, row in enumerate(rows, start=2)
        if row.municipality_code not in known
    ]
    if problems:
        raise ReadError(source, problems)

    counts = {"added": 0, "changed": 0, "unchanged": 0}
    with transaction.atomic():
        for row in rows:
            page, _ = ResultsPage.objects.get_or_create(
                election=row.election,
                municipality_id=known[row.municipality_code],
            )
            old = page.url
            if not page.set_url(row.url, by=by, via="import"):
                counts["unchanged"] += 1
            else:
                counts["changed" if old else "added"] += 1
    return counts


def export_rows(election: str | None = None) -> list[tuple[RegistryRow, str]]:
    """Return the registry as (row, municipality name) pairs."""
    pages = ResultsPage.objects.select_related("municipality").order_by(
        "election", "municipality__code"
    )
    if election:
        pages = pages.filter(election=election)
    return [
        (RegistryRow(p.election, p.municipality.code, p.url), p.municipality.name)
        for p in pages
    ]


def targets(
    election: str | None = None, municipality: str | None = None
) -> list[Target]:
    """Return the results pages to harvest, as targets."""
    pages = ResultsPage.objects.select_related("municipality").exclude(url="")
    if election:
        pages = pages.filter(election=election)
    if municipality:
        pages = pages.filter(municipality__code=municipality.zfill(4))
    return [Target(p.election, p.municipality.code, p.url) for p in pages]
