"""What each municipality published on its own site, as the harvester saw it.

The harvester keeps every file it found, with where and when, in its
SQLite catalogue in the data folder (``openuitslag.harvest.catalogue``).
The municipality, election and stembureau pages read it here, so that a
visitor sees which documents were expected, which were found and when,
and what is still missing, next to the counts the portal imported.

Pages are cached per data generation and a harvest pass bumps it, so
this module runs once per page per pass: one catalogue query per page
(one for a whole election) and one registry query.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext as _

from openuitslag.harvest.catalogue import Catalogue, Version
from openuitslag.harvest.completeness import (
    STATION_MODELS,
    Completeness,
    completeness,
    completeness_by_municipality,
)

COMPLETE = "compleet"
INCOMPLETE = "onvolledig"
NOTHING = "niets gevonden"
UNREGISTERED = "niet geregistreerd"
STATUSES = (COMPLETE, INCOMPLETE, NOTHING, UNREGISTERED)


def catalogue_path() -> Path:
    """Return where the harvester keeps its catalogue."""
    return Path(settings.DATA_DIR) / "harvest.sqlite3"


@contextmanager
def open_catalogue() -> Iterator[Catalogue | None]:
    """Open the harvester's catalogue, or give None when nothing was harvested.

    A portal that never harvested has no catalogue file; reading must not
    create one.
    """
    path = catalogue_path()
    if not path.exists():
        yield None
        return
    catalogue = Catalogue(path)
    try:
        yield catalogue
    finally:
        catalogue.close()


def registered_urls(election: str, code: str | None = None) -> dict[str, str]:
    """Return the registered results-page URL per municipality code."""
    if not apps.is_installed("openuitslag.harvest"):
        return {}
    from openuitslag.harvest.models import ResultsPage

    pages = ResultsPage.objects.filter(election=election).exclude(url="")
    if code is not None:
        pages = pages.filter(municipality__code=code)
    return dict(pages.values_list("municipality__code", "url"))


def status_of(report: Completeness | None, registered: bool) -> str:
    """Return one of :data:`STATUSES` for a municipality."""
    if report is not None and report.documents:
        return INCOMPLETE if report.missing else COMPLETE
    return NOTHING if registered else UNREGISTERED


def municipality_publication(
    election: str, code: str, deadline: dt.datetime | None = None
) -> dict[str, Any]:
    """Return expected versus found documents of one municipality.

    A document first seen after ``deadline`` is late.
    """
    with open_catalogue() as catalogue:
        report = (
            completeness(catalogue, election, code, deadline) if catalogue else None
        )
    url = registered_urls(election, code).get(code, "")

    items = report.items if report else []
    documents = report.documents if report else []
    return {
        "status": status_of(report, bool(url)),
        "url": url,
        "expected": len(items),
        "found": sum(1 for item in items if item.found is not None),
        "late": sum(1 for item in items if item.late),
        "deadline": deadline,
        "items": [item_row(item.label, item.found, item.late) for item in items],
        "documents": [
            version_row(d.latest, first_seen=d.first_seen, versions=d.versions)
            for d in sorted(documents, key=document_order)
        ],
    }


def election_publication(
    election: str,
    municipalities: list[tuple[str, str]],
    deadline: dt.datetime | None = None,
) -> dict[str, Any]:
    """Return the completeness of every municipality of an election.

    ``municipalities`` are (code, name) pairs; the counts per status
    cover exactly these, and the rows list those still missing documents
    or with documents first seen after ``deadline``.
    """
    with open_catalogue() as catalogue:
        reports = (
            completeness_by_municipality(catalogue, election, deadline)
            if catalogue
            else {}
        )
    urls = registered_urls(election)

    counts: Counter[str] = Counter()
    rows = []
    for code, name in municipalities:
        report = reports.get(code)
        status = status_of(report, code in urls)
        counts[status] += 1
        if report is not None and (status == INCOMPLETE or report.late):
            rows.append(missing_row(code, name, status, report))
        elif status == NOTHING:
            rows.append({"code": code, "name": name, "status": status})
    return {
        "harvested": bool(reports),
        "deadline": deadline,
        "counts": [{"status": s, "n": counts[s]} for s in STATUSES],
        "rows": rows,
    }


def missing_row(
    code: str, name: str, status: str, report: Completeness
) -> dict[str, Any]:
    """Return one municipality row of the election's completeness table."""
    return {
        "code": code,
        "name": name,
        "status": status,
        "expected": len(report.items),
        "found": len(report.items) - len(report.missing),
        "missing": [label(text) for text in report.missing],
        "late": [label(text) for text in report.late],
    }


def station_scans(election: str, code: str) -> dict[int, dict[str, Any]]:
    """Return per stembureau number the newest PV the harvester found."""
    with open_catalogue() as catalogue:
        versions = catalogue.versions(election, code) if catalogue else []

    scans: dict[int, dict[str, Any]] = {}
    for version in versions:
        if version.model in STATION_MODELS and version.station is not None:
            scans[version.station] = version_row(version)
    return scans


def item_row(text: str, found: Version | None, late: bool) -> dict[str, Any]:
    """Return one expected document as a template row."""
    row = version_row(found) if found else {}
    row.update({"expected": label(text), "found": found is not None, "late": late})
    return row


def version_row(
    version: Version, first_seen: str | None = None, versions: int = 1
) -> dict[str, Any]:
    """Return a found file as a template row."""
    return {
        "kind": version.model or version.eml_id or version.document_type,
        "type": version.document_type,
        "station": version.station,
        "first_seen": when(first_seen or version.found_at),
        "url": version.location,
        "link": version.url,
        "page_url": version.page_url,
        "sha256": version.sha256,
        "versions": versions,
    }


def label(text: str) -> str:
    """Return a catalogue label of an expected document, translated."""
    prefix = "PV stembureau "
    if text.startswith(prefix):
        return _("PV stembureau %(number)s") % {"number": text.removeprefix(prefix)}
    if text == "PV gemeentelijk stembureau (Na 31)":
        return _("PV gemeentelijk stembureau (Na 31)")
    return text


def when(iso: str) -> dt.datetime | None:
    """Return a catalogue time as an aware datetime."""
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def document_order(document: Any) -> tuple[object, ...]:
    """Order found files: counts first, then PVs by stembureau number."""
    v = document.latest
    return (v.station is not None, v.station or 0, v.document_type, v.location)
