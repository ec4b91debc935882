"""The JSON shapes of the API's resources, one function per resource.

Keys are camelCase; counters keep the names of the proces-verbaal fields
and are given once more under their letters A-J, so that a number in the
API can be put next to the paper form. Times are ISO 8601 with an offset
(Logius rule /core/date-time/timezone).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from openuitslag.portal import models as m
from openuitslag.portal import results

LETTERS = {name: letter for name, letter, _label in m.COUNTER_FIELDS if letter}


def camel(name: str) -> str:
    """Return a snake_case field name in camelCase."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def when(value: dt.datetime | dt.date | None) -> str | None:
    """Return a date or an aware time in ISO 8601, or None."""
    return value.isoformat() if value is not None else None


def link(request: HttpRequest, name: str, *args: object) -> str:
    """Return the absolute URL of a named API route."""
    return request.build_absolute_uri(reverse(f"api:{name}", args=args))


def counters(values: dict[str, Any]) -> dict[str, Any]:
    """Return counters by name and the proces-verbaal letters A-J."""
    named = {camel(name): values.get(name) for name in m.COUNTER_NAMES}
    by_letter = {LETTERS[name]: values.get(name) for name in LETTERS}
    parts = [values.get(k) for k in ("total_counted", "blanco", "ongeldig")]
    by_letter["H"] = None if None in parts else sum(parts)  # type: ignore[arg-type]
    return {"counters": named, "pvCounters": dict(sorted(by_letter.items()))}


def election(request: HttpRequest, row: m.Election) -> dict[str, Any]:
    """Return an election with its settings and verification status."""
    opens, closes = row.report_window
    e = row.identifier
    return {
        "id": e,
        "name": row.name,
        "category": row.category,
        "subcategory": row.subcategory,
        "date": when(row.date),
        "numberOfSeats": row.number_of_seats,
        "preferenceThreshold": row.preference_threshold,
        "csbSession": when(row.csb_session),
        "reportWindow": {"opens": when(opens), "closes": when(closes)},
        "publishedAt": when(row.published_at),
        "verification": verification(row),
        "links": {
            "self": link(request, "election", e),
            "result": link(request, "result", e),
            "kieskringen": link(request, "kieskringen", e),
            "municipalities": link(request, "municipalities", e),
            "lijsten": link(request, "lijsten", e),
            "findings": link(request, "findings", e),
            "documents": link(request, "documents", e),
            "page": request.build_absolute_uri(reverse("election", args=[e])),
        },
    }


def verification(row: m.Election) -> dict[str, Any]:
    """Return what the independent verifier said about an election."""
    if row.verified_at is None:
        status = "not-verified"
    elif row.error_count:
        status = "errors"
    elif row.warning_count:
        status = "warnings"
    else:
        status = "ok"
    return {
        "status": status,
        "verifiedAt": when(row.verified_at),
        "errors": row.error_count,
        "warnings": row.warning_count,
        "notices": row.notice_count,
        "seatsMatchOfficial": row.seats_match_official,
    }


def totals(values: results.Totals, names: dict[int, str]) -> dict[str, Any]:
    """Return summed counters and list votes of an area."""
    return {
        "units": values.units,
        **counters(values.counters),
        "turnout": values.turnout(),
        "lists": [
            {
                "number": number,
                "name": names.get(number, f"Lijst {number}"),
                "votes": votes,
                "share": values.share(number),
            }
            for number, votes in values.lists.items()
        ],
    }


def municipality(
    request: HttpRequest, row: m.Municipality, status: str = ""
) -> dict[str, Any]:
    """Return a municipality's identity and links."""
    e = row.election.identifier
    return {
        "code": row.code,
        "name": row.name,
        "kieskring": row.kieskring.number if row.kieskring else None,
        "electorate": row.electorate,
        "status": status or "not-published",
        "resultsUrl": row.results_url or None,
        "links": {
            "self": link(request, "municipality", e, row.code),
            "stembureaus": link(request, "stembureaus", e, row.code),
            "page": request.build_absolute_uri(
                reverse("municipality", args=[e, row.code])
            ),
        },
    }


def station(request: HttpRequest, row: m.PollingStation) -> dict[str, Any]:
    """Return a stembureau's identity and links."""
    place = row.municipality
    e = place.election.identifier
    return {
        "id": row.slug,
        "unitId": row.unit_id,
        "number": row.number,
        "name": row.name,
        "postcode": row.postcode,
        "electorate": row.electorate,
        "pvUrl": row.pv_url or None,
        "municipality": {"code": place.code, "name": place.name},
        "links": {
            "self": link(request, "stembureau", e, place.code, row.slug),
            "page": request.build_absolute_uri(
                reverse("station", args=[e, place.code, row.slug])
            ),
        },
    }


def finding(row: m.Finding) -> dict[str, Any]:
    """Return one finding of the verifier, in both languages."""
    return {
        "code": row.code,
        "severity": row.severity,
        "message": {"nl": row.message_nl, "en": row.message_en},
        "file": row.file or None,
        "authority": row.authority or None,
        "reportingUnit": row.reporting_unit or None,
        "municipality": row.municipality.code if row.municipality else None,
        "stembureau": row.station.slug if row.station else None,
        "lijst": row.list_number,
        "kandidaat": row.candidate or None,
        "expected": row.expected,
        "found": row.found,
    }


def document(request: HttpRequest, row: m.Document) -> dict[str, Any]:
    """Return a document's fingerprint, type and where to get it."""
    return {
        "sha256": row.sha256,
        "sha256Pv": row.sha256_pv,
        "size": row.size,
        "type": row.kind,
        "name": row.name,
        "authority": {"id": row.authority_id, "name": row.authority_name},
        "municipality": row.municipality.code if row.municipality else None,
        "creationTime": row.creation_time or None,
        "phase": row.phase or None,
        "importedAt": when(row.imported_at),
        "isCurrent": row.is_current,
        "downloadUrl": request.build_absolute_uri(
            reverse("download", args=[row.sha256])
        ),
        "links": {
            "self": link(request, "document", row.sha256),
            "inclusionProof": link(request, "log-inclusion", row.sha256),
            "tlogProof": link(request, "log-tlog-proof", row.sha256),
        },
    }


def kandidaat(row: m.Kandidaat, votes: int | None) -> dict[str, Any]:
    """Return a kandidaat as the ballot shows them, with their votes."""
    return {
        "contest": row.contest,
        "number": row.number,
        "name": row.name,
        "initials": row.initials,
        "firstName": row.first_name,
        "prefix": row.prefix,
        "lastName": row.last_name,
        "votes": votes,
    }
