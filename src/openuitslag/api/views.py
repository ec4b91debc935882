"""The data endpoints of the open API (v1), read-only.

Each view gathers rows the way the portal's pages do (through
:mod:`openuitslag.portal.results`, so the API and the pages can never
disagree) and returns a shape from :mod:`openuitslag.api.shapes`.
Responses go through the portal's page cache like any page, so they get
an ``ETag``, ``Last-Modified`` and ``Cache-Control`` and are invalidated
by the next import.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse

from openuitslag.api import shapes
from openuitslag.api.problems import ApiProblem, api_view, json_response
from openuitslag.api.query import Query
from openuitslag.portal import models as m
from openuitslag.portal import results

SEVERITIES = ("error", "warning", "notice")


def election_or_404(identifier: str) -> m.Election:
    """Return the election, or raise a 404 that names it."""
    row = m.Election.objects.filter(identifier=identifier).first()
    if row is None:
        raise ApiProblem(404, f"There is no election {identifier!r}.")
    return row


def paged(request: HttpRequest, query: Query, items: Any, shape: Any) -> dict[str, Any]:
    """Return one page of ``items`` with its position and neighbours."""
    number, size = query.page()
    paginator = Paginator(items, size)
    if number > max(paginator.num_pages, 1):
        raise query.invalid("page", f"a page from 1 to {paginator.num_pages}")
    page = paginator.page(number)

    def url(n: int) -> str:
        params = request.GET.copy()
        params["page"] = str(n)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    return {
        "page": number,
        "pageSize": size,
        "total": paginator.count,
        "next": url(number + 1) if page.has_next() else None,
        "previous": url(number - 1) if page.has_previous() else None,
        "items": [shape(row) for row in page.object_list],
    }


@api_view()
def index(request: HttpRequest) -> HttpResponse:
    """Say what the API offers."""
    Query(request)
    return json_response(
        {
            "name": "openuitslag open API",
            "version": "v1",
            "links": {
                "openapi": shapes.link(request, "openapi"),
                "elections": shapes.link(request, "elections"),
                "log": shapes.link(request, "log"),
            },
        }
    )


@api_view()
def elections(request: HttpRequest) -> HttpResponse:
    """List every election the portal holds."""
    Query(request)
    rows = m.Election.objects.order_by("-date", "identifier")
    return json_response({"items": [shapes.election(request, e) for e in rows]})


@api_view()
def election(request: HttpRequest, election: str) -> HttpResponse:
    """Return one election."""
    Query(request)
    return json_response(shapes.election(request, election_or_404(election)))


@api_view()
def result(request: HttpRequest, election: str) -> HttpResponse:
    """Return the result: totals, and seats recomputed next to official."""
    Query(request)
    row = election_or_404(election)
    values, level = results.election_totals(row)
    names = results.list_names(row)
    seats = [
        {
            "lijst": s.list_number,
            "name": s.list_name,
            "votes": s.votes,
            "recomputed": s.recomputed,
            "official": s.official,
            "matches": s.matches,
        }
        for s in m.Seats.objects.filter(election=row)
    ]
    return json_response(
        {
            "election": row.identifier,
            "level": level,
            "totals": shapes.totals(values, names),
            "seats": seats,
            "seatsTotal": {
                "recomputed": sum(s["recomputed"] or 0 for s in seats),
                "official": sum(s["official"] or 0 for s in seats),
            },
            "verification": shapes.verification(row),
        }
    )


def kieskring_rows(row: m.Election) -> list[m.Region]:
    """Return the kieskringen of an election in number order."""
    regions = m.Region.objects.filter(election=row, category="KIESKRING")
    return sorted(regions, key=lambda r: r.sort_number)


@api_view()
def kieskringen(request: HttpRequest, election: str) -> HttpResponse:
    """List the kieskringen of an election."""
    Query(request)
    row = election_or_404(election)
    items = [
        {
            "number": r.number,
            "name": r.name,
            "links": {"self": shapes.link(request, "kieskring", election, r.number)},
        }
        for r in kieskring_rows(row)
    ]
    return json_response({"items": items})


@api_view()
def kieskring(request: HttpRequest, election: str, number: str) -> HttpResponse:
    """Return a kieskring: its totals and its municipalities."""
    Query(request)
    row = election_or_404(election)
    region = m.Region.objects.filter(
        election=row, category="KIESKRING", number=number
    ).first()
    if region is None:
        raise ApiProblem(404, f"Election {election} has no kieskring {number!r}.")
    counts = m.UnitCount.objects.filter(election=row).filter(
        Q(kieskring=region) | Q(municipality__kieskring=region)
    )
    values, level = results.area_totals(
        counts, (m.Level.KIESKRING, m.Level.MUNICIPALITY, m.Level.STATION)
    )
    places = m.Municipality.objects.filter(kieskring=region).select_related(
        "election", "kieskring"
    )
    return json_response(
        {
            "number": region.number,
            "name": region.name,
            "level": level,
            "totals": shapes.totals(values, results.list_names(row)),
            "municipalities": [shapes.municipality(request, p) for p in places],
        }
    )


@api_view()
def municipalities(request: HttpRequest, election: str) -> HttpResponse:
    """List the municipalities of an election with their status."""
    Query(request)
    row = election_or_404(election)
    status = results.municipality_status(row)
    places = m.Municipality.objects.filter(election=row).select_related(
        "election", "kieskring"
    )
    items = [shapes.municipality(request, p, status.get(p.code, "")) for p in places]
    return json_response({"items": items})


def municipality_or_404(election: str, code: str) -> m.Municipality:
    """Return a municipality of an election, or raise a 404."""
    row = election_or_404(election)
    place = (
        m.Municipality.objects.filter(election=row, code=code)
        .select_related("election", "kieskring")
        .first()
    )
    if place is None:
        raise ApiProblem(404, f"Election {election} has no municipality {code!r}.")
    return place


@api_view()
def municipality(request: HttpRequest, election: str, code: str) -> HttpResponse:
    """Return a municipality: totals, documents, link to its stations."""
    Query(request)
    place = municipality_or_404(election, code)
    row = place.election
    counts = m.UnitCount.objects.filter(election=row, municipality=place)
    values, level = results.area_totals(counts, (m.Level.MUNICIPALITY, m.Level.STATION))
    status = results.municipality_status(row).get(place.code, "")
    documents = m.Document.objects.filter(election=row, municipality=place)
    return json_response(
        {
            **shapes.municipality(request, place, status),
            "level": level,
            "totals": shapes.totals(values, results.list_names(row)),
            "documents": [shapes.document(request, d) for d in documents],
        }
    )


@api_view()
def stembureaus(request: HttpRequest, election: str, code: str) -> HttpResponse:
    """List a municipality's stembureaus with their counters and votes."""
    Query(request)
    place = municipality_or_404(election, code)
    chosen = {
        c["station_id"]: c
        for c in results.chosen_counts(
            m.UnitCount.objects.filter(municipality=place), m.Level.STATION
        )
    }
    lists = list_votes_by_count([c["id"] for c in chosen.values()])
    items = []
    for unit in m.PollingStation.objects.filter(municipality=place).select_related(
        "municipality__election"
    ):
        count = chosen.get(unit.pk)
        item = shapes.station(request, unit)
        if count is not None:
            item.update(shapes.counters(count))
            item["lists"] = lists.get(count["id"], {})
        items.append(item)
    return json_response({"items": items})


def list_votes_by_count(count_ids: list[int]) -> dict[int, dict[str, int | None]]:
    """Return per count row its votes per lijst (keys are list numbers)."""
    found: dict[int, dict[str, int | None]] = {}
    for chunk in results.chunks(count_ids, 900):
        query = m.ListVotes.objects.filter(count_id__in=chunk).values_list(
            "count_id", "list_number", "votes"
        )
        for count_id, number, votes in query.order_by("list_number"):
            found.setdefault(count_id, {})[str(number)] = votes
    return found


@api_view()
def stembureau(
    request: HttpRequest, election: str, code: str, station: str
) -> HttpResponse:
    """Return one stembureau: counters A-J, list and candidate votes."""
    Query(request)
    place = municipality_or_404(election, code)
    unit = m.PollingStation.objects.filter(municipality=place, slug=station).first()
    if unit is None:
        raise ApiProblem(404, f"Municipality {code} has no stembureau {station!r}.")
    item = shapes.station(request, unit)
    counts = results.chosen_counts(
        m.UnitCount.objects.filter(station=unit), m.Level.STATION
    )
    if not counts:
        return json_response({**item, "counted": False})

    count = counts[0]
    source = m.UnitCount.objects.select_related("document").get(pk=count["id"])
    lists, candidates = results.unit_votes(count["id"])
    names = results.list_names(place.election)
    people = results.candidate_names(place.election, [count["contest"]])
    item.update(
        {
            "counted": True,
            "contest": count["contest"],
            "document": shapes.document(request, source.document),
            **shapes.counters(count),
            "lists": [
                unit_list(number, names, votes, candidates[number], people)
                for number, votes in lists.items()
            ],
            "findings": [
                shapes.finding(f)
                for f in m.Finding.objects.filter(station=unit).select_related(
                    "municipality", "station"
                )
            ],
        }
    )
    return json_response(item)


def unit_list(
    number: int,
    names: dict[int, str],
    votes: int,
    candidates: dict[int, int],
    people: dict[tuple[int, int], tuple[int, str]],
) -> dict[str, Any]:
    """Return one lijst of a unit with its candidates' votes."""
    return {
        "number": number,
        "name": names.get(number, f"Lijst {number}"),
        "votes": votes,
        "candidates": [
            {
                "number": candidate,
                "name": people.get((number, candidate), (0, ""))[1],
                "votes": count,
            }
            for candidate, count in candidates.items()
        ],
    }


@api_view()
def lijsten(request: HttpRequest, election: str) -> HttpResponse:
    """List the lijsten with their total votes and seats."""
    Query(request)
    row = election_or_404(election)
    values, _level = results.election_totals(row)
    seats = {s.list_number: s for s in m.Seats.objects.filter(election=row)}
    items = []
    for party in m.Lijst.objects.filter(election=row):
        seat = seats.get(party.number)
        items.append(
            {
                "number": party.number,
                "name": party.label,
                "votes": values.lists.get(party.number),
                "seats": {
                    "recomputed": seat.recomputed if seat else None,
                    "official": seat.official if seat else None,
                },
                "links": {
                    "kandidaten": shapes.link(
                        request, "kandidaten", election, party.number
                    )
                },
            }
        )
    return json_response({"items": items})


@api_view()
def kandidaten(request: HttpRequest, election: str, number: int) -> HttpResponse:
    """List a lijst's kandidaten per contest with their votes there."""
    query = Query(request, {"contest"})
    row = election_or_404(election)
    party = m.Lijst.objects.filter(election=row, number=number).first()
    if party is None:
        raise ApiProblem(404, f"Election {election} has no lijst {number}.")
    people = m.Kandidaat.objects.filter(lijst=party)
    contest = query.text("contest", max_length=16)
    if contest:
        people = people.filter(contest=contest)

    votes = {c: contest_votes(row, c, number) for c in {p.contest for p in people}}
    items = [shapes.kandidaat(p, votes[p.contest].get(p.number)) for p in people]
    return json_response({"lijst": number, "name": party.label, "kandidaten": items})


def contest_votes(row: m.Election, contest: str, number: int) -> dict[int, int]:
    """Return a lijst's candidate votes in one contest (kieskring).

    The votes come from the highest level counted for that contest, as
    on the pages: the kieskring's own count when there is one.
    """
    counts = m.UnitCount.objects.filter(election=row, contest=contest)
    for level in (m.Level.KIESKRING, m.Level.MUNICIPALITY, m.Level.STATION):
        chosen = results.chosen_counts(counts, level)
        if chosen:
            sums = results.candidate_votes([c["id"] for c in chosen])
            return sums.get(number, {})
    return {}


@api_view()
def findings(request: HttpRequest, election: str) -> HttpResponse:
    """List findings, filtered by severity, code and area, paged."""
    query = Query(request, {"severity", "code", "area", "page", "pageSize"})
    row = election_or_404(election)
    rows = m.Finding.objects.filter(election=row).select_related(
        "municipality", "station"
    )
    rows = filter_findings(rows, query)
    ordered = rows.order_by("severity", "code", "reporting_unit", "id")
    return json_response(paged(request, query, ordered, shapes.finding))


def filter_findings(rows: QuerySet[m.Finding], query: Query) -> QuerySet[m.Finding]:
    """Apply the severity, code and area filters of a findings request."""
    severity = query.choice("severity", SEVERITIES)
    code = query.text("code", max_length=64)
    area = query.text("area", max_length=100)
    if severity:
        rows = rows.filter(severity=severity)
    if code:
        rows = rows.filter(code=code)
    if area:
        rows = rows.filter(
            Q(municipality__name__iexact=area)
            | Q(municipality__code=area.zfill(4) if area.isdigit() else area)
            | Q(reporting_unit__iexact=area)
            | Q(authority__iexact=area)
        )
    return rows


@api_view()
def documents(request: HttpRequest, election: str) -> HttpResponse:
    """List an election's documents, optionally of one municipality."""
    query = Query(request, {"municipality", "current", "page", "pageSize"})
    row = election_or_404(election)
    rows = m.Document.objects.filter(election=row).select_related("municipality")
    code = query.text("municipality", max_length=4)
    current = query.choice("current", ("true", "false"))
    if code:
        rows = rows.filter(municipality__code=code)
    if current:
        rows = rows.filter(is_current=current == "true")
    ordered = rows.order_by("kind", "name", "id")
    return json_response(
        paged(request, query, ordered, lambda d: shapes.document(request, d))
    )


@api_view()
def document(request: HttpRequest, sha256: str) -> HttpResponse:
    """Return a document by SHA-256, with every version of it."""
    Query(request)
    row = m.Document.objects.select_related("municipality").filter(
        sha256=sha256.lower()
    )
    found = row.first()
    if found is None:
        raise ApiProblem(404, f"No document has SHA-256 {sha256}.")
    versions = m.Document.objects.filter(key=found.key).order_by("imported_at", "id")
    return json_response(
        {
            **shapes.document(request, found),
            "election": found.election.identifier if found.election else None,
            "supersedes": found.supersedes.sha256 if found.supersedes else None,
            "history": [
                {
                    "sha256": v.sha256,
                    "isCurrent": v.is_current,
                    "creationTime": v.creation_time or None,
                    "importedAt": shapes.when(v.imported_at),
                    "links": {"self": shapes.link(request, "document", v.sha256)},
                }
                for v in versions
            ],
        }
    )


@api_view(("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"))
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Answer any path under /api/v1 that names no resource."""
    hint = " API paths have no trailing slash." if request.path.endswith("/") else ""
    raise ApiProblem(404, f"There is no API resource at {request.path}.{hint}")
