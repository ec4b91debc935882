"""The public pages, from the nation down to one stembureau.

Pages are rendered on the server from the stored counts; every number on
them comes from a current document whose SHA-256 is shown on the
municipality page. Views only gather data; the templates lay it out.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from openuitslag.portal import charts, geo, publication, results, tables
from openuitslag.portal import models as m
from openuitslag.portal.importer import stored_file

SEVERITIES = ("error", "warning", "notice")
CATEGORY_NAMES = {
    "TK": gettext_lazy("Tweede Kamer"),
    "EK": gettext_lazy("Eerste Kamer"),
    "EP": gettext_lazy("Europees Parlement"),
    "PS": gettext_lazy("Provinciale Staten"),
    "AB": gettext_lazy("Waterschappen"),
    "GR": gettext_lazy("Gemeenteraden"),
}


def election_or_404(identifier: str) -> m.Election:
    """Return the election with this identifier, or answer 404."""
    return get_object_or_404(m.Election, identifier=identifier)


def message(finding: m.Finding) -> str:
    """Return a finding's explanation in the page's language."""
    return finding.message_en if get_language() == "en" else finding.message_nl


def findings_context(findings: Any) -> list[dict[str, Any]]:
    """Return findings as template rows with the explanation to show."""
    return [{"row": f, "message": message(f)} for f in findings]


@require_safe
def health(request: HttpRequest) -> HttpResponse:
    """Answer 200 when the database answers: for load balancers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """List the elections and what of each is published."""
    municipalities = dict(
        m.Municipality.objects.values_list("election").annotate(n=Count("id"))
    )
    documents = dict(
        m.Document.objects.filter(is_current=True)
        .values_list("election")
        .annotate(n=Count("id"))
    )
    groups: dict[str, list[m.Election]] = defaultdict(list)
    for election in m.Election.objects.order_by("-date", "identifier"):
        election.municipalities = municipalities.get(election.pk, 0)  # type: ignore[attr-defined]
        election.documents = documents.get(election.pk, 0)  # type: ignore[attr-defined]
        year = election.date.year if election.date else ""
        groups[
            f"{CATEGORY_NAMES.get(election.category, election.category)} {year}"
        ].append(election)
    return render(request, "portal/home.html", {"groups": dict(groups)})


@require_safe
def election(request: HttpRequest, election: str) -> HttpResponse:
    """Show an election: seats, turnout, party shares, map, areas."""
    row = election_or_404(election)
    totals, level = results.election_totals(row)
    names = results.list_names(row)
    seats = list(m.Seats.objects.filter(election=row))
    municipalities = list(
        m.Municipality.objects.filter(election=row).select_related("kieskring")
    )
    status = results.municipality_status(row)
    for municipality in municipalities:
        municipality.status = status.get(municipality.code, "")  # type: ignore[attr-defined]

    party_rows = party_rows_of(totals, names)
    context = {
        "election": row,
        "totals": totals,
        "level": level,
        "party_table": tables.party_table(
            row.identifier, _("Stemmen per lijst"), party_rows, compare=False
        ),
        "party_chart": party_chart(party_rows),
        "seats": seats,
        "seat_chart": seat_chart(seats),
        "municipalities": municipalities,
        "published": sum(1 for mu in municipalities if mu.status),  # type: ignore[attr-defined]
        "kieskringen": sorted(
            m.Region.objects.filter(election=row, category="KIESKRING"),
            key=lambda r: r.sort_number,
        ),
        "documents": m.Document.objects.filter(election=row, municipality=None),
        "publication": publication.election_publication(
            row.identifier,
            [(mu.code, mu.name) for mu in municipalities],
            row.report_window[1],
        ),
        "report_window": row.report_window,
        "now": timezone.now(),
    }
    return render(request, "portal/election.html", context)


def party_rows_of(
    totals: results.Totals, names: dict[int, str]
) -> list[dict[str, Any]]:
    """Return one row per lijst: number, name, votes and share."""
    return [
        {
            "number": number,
            "name": names.get(number, f"Lijst {number}"),
            "votes": votes,
            "share": totals.share(number),
        }
        for number, votes in totals.lists.items()
    ]


def party_chart(rows: list[dict[str, Any]]) -> str:
    """Return the SVG bar chart of the party shares."""
    ordered = sorted(rows, key=lambda r: -r["votes"])[:20]
    bars = [
        (r["name"], float(r["share"] or 0), f"{(r['share'] or 0) * 100:.1f}%")
        for r in ordered
    ]
    return charts.bar_chart(
        _("Stemmen per lijst"),
        _(
            "Aandeel van de stemmen per lijst, grootste eerst. "
            "De tabel geeft alle getallen."
        ),
        bars,
    )


def seat_chart(seats: list[m.Seats]) -> str:
    """Return the SVG bar chart of the recomputed seats."""
    bars = [
        (s.list_name, float(s.recomputed or 0), str(s.recomputed or 0))
        for s in sorted(seats, key=lambda s: -(s.recomputed or 0))
        if s.recomputed
    ]
    return charts.bar_chart(
        _("Zetels per lijst"),
        _("Herberekende zetels per lijst. De tabel geeft ook de officiële uitslag."),
        bars,
    )


@require_safe
def election_map(request: HttpRequest, election: str) -> HttpResponse:
    """Return the SVG map of municipalities coloured by status."""
    row = election_or_404(election)
    svg = geo.municipality_map(
        row.date,
        results.municipality_status(row),
        _("Kaart van gemeenten: %(name)s") % {"name": row.name},
        _(
            "Grijs: nog niets gepubliceerd; groen: gepubliceerd zonder "
            "bevindingen; geel: waarschuwingen; rood: fouten."
        ),
    )
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


@require_safe
def kieskring(request: HttpRequest, election: str, number: str) -> HttpResponse:
    """Show a kieskring: its totals and its municipalities."""
    row = election_or_404(election)
    region = get_object_or_404(
        m.Region, election=row, category="KIESKRING", number=number
    )
    counts = m.UnitCount.objects.filter(election=row).filter(
        Q(kieskring=region) | Q(municipality__kieskring=region)
    )
    totals, level = results.area_totals(
        counts, (m.Level.KIESKRING, m.Level.MUNICIPALITY, m.Level.STATION)
    )
    municipalities = m.Municipality.objects.filter(kieskring=region)
    status = results.municipality_status(row)
    rows = [(mu, status.get(mu.code, "")) for mu in municipalities]
    party_rows = party_rows_of(totals, results.list_names(row))
    context = {
        "election": row,
        "region": region,
        "totals": totals,
        "level": level,
        "party_table": tables.party_table(
            row.identifier, _("Stemmen per lijst in de kieskring"), party_rows, False
        ),
        "party_chart": party_chart(party_rows),
        "municipalities": rows,
        "documents": m.Document.objects.filter(
            election=row, key__contains=f"|HSB{number}|"
        ),
    }
    return render(request, "portal/kieskring.html", context)


@require_safe
def municipality(request: HttpRequest, election: str, code: str) -> HttpResponse:
    """Show a municipality: documents, results, stations and findings."""
    row = election_or_404(election)
    place = get_object_or_404(
        m.Municipality.objects.select_related("kieskring"), election=row, code=code
    )
    counts = m.UnitCount.objects.filter(election=row, municipality=place)
    totals, level = results.area_totals(counts, (m.Level.MUNICIPALITY, m.Level.STATION))
    names = results.list_names(row)
    party_rows = party_rows_of(totals, names)
    stations = station_rows(row, place)
    candidates = candidate_tables(row, counts, level, names)
    context = {
        "election": row,
        "place": place,
        "totals": totals,
        "level": level,
        "party_table": tables.party_table(
            row.identifier, _("Stemmen per lijst in de gemeente"), party_rows, False
        ),
        "party_chart": party_chart(party_rows),
        "candidate_tables": tables.candidate_tables(row.identifier, candidates),
        "stations": stations,
        "documents": document_history(row, place),
        "publication": publication.municipality_publication(
            row.identifier, code, row.report_window[1]
        ),
        "findings": findings_context(
            m.Finding.objects.filter(election=row, municipality=place)
            .select_related("station")
            .order_by("severity", "code")[:200]
        ),
    }
    return render(request, "portal/municipality.html", context)


def station_rows(row: m.Election, place: m.Municipality) -> list[dict[str, Any]]:
    """Return the municipality's stembureaus with their main counters."""
    counts = {
        c["station_id"]: c
        for c in results.chosen_counts(
            m.UnitCount.objects.filter(election=row, municipality=place),
            m.Level.STATION,
        )
    }
    rows = []
    for station in m.PollingStation.objects.filter(municipality=place):
        count = counts.get(station.pk, {})
        cast = [count.get(k) for k in ("total_counted", "blanco", "ongeldig")]
        rows.append(
            {
                "station": station,
                "electorate": count.get("cast") or station.electorate,
                "admitted": count.get("toegelaten"),
                "votes_cast": None if None in cast or not count else sum(cast),  # type: ignore[arg-type]
            }
        )
    return rows


def candidate_tables(
    row: m.Election, counts: Any, level: str | None, names: dict[int, str]
) -> list[dict[str, Any]]:
    """Return per lijst its candidates with their votes in an area."""
    if level is None:
        return []
    chosen = results.chosen_counts(counts, level)
    votes = results.candidate_votes([c["id"] for c in chosen])
    contests = set(
        counts.filter(id__in=[c["id"] for c in chosen]).values_list(
            "contest", flat=True
        )
    )
    people = results.candidate_names(row, contests)
    contest = sorted(contests)[0] if contests else ""
    tables = []
    for number, per_candidate in sorted(votes.items()):
        rows = []
        for candidate, count in per_candidate.items():
            pk_name = people.get((number, candidate))
            rows.append(
                {
                    "number": candidate,
                    "name": pk_name[1] if pk_name else "",
                    "votes": count,
                    "contest": contest,
                }
            )
        tables.append({"number": number, "name": names.get(number, ""), "rows": rows})
    return tables


def document_history(row: m.Election, place: m.Municipality) -> list[dict[str, Any]]:
    """Return the municipality's documents, each with its older versions."""
    documents = list(m.Document.objects.filter(election=row, municipality=place))
    current = [d for d in documents if d.is_current]
    return [
        {
            "document": d,
            "history": [o for o in documents if o.key == d.key and o.pk != d.pk],
        }
        for d in current
    ]


@require_safe
def station(
    request: HttpRequest, election: str, code: str, station: str
) -> HttpResponse:
    """Show one stembureau: votes, counters A-J, comparison, findings.

    This is the page election night hits most, so it reads only the
    station's own rows and takes shared data from the per-process memo.
    """
    unit = results.memo(
        ("station", election, code, station),
        lambda: find_station(election, code, station),
    )
    if unit is None:
        raise Http404(_("Dit stembureau bestaat niet."))
    place, row = unit.municipality, unit.municipality.election
    count = results.station_count(unit.pk)
    if count is None:
        raise Http404(_("Van dit stembureau is nog geen telling gepubliceerd."))

    lists, packed = results.unit_votes_packed(count["id"])
    totals = results.Totals(
        counters={k: count[k] for k in m.COUNTER_NAMES}, lists=lists, units=1
    )
    area = results.memo(("area", place.pk), lambda: municipal_totals(row, place))
    names = results.memo(("lists", row.pk), lambda: results.list_names(row))
    contest = count["contest"]
    starts = results.memo(
        ("candidate rows", row.pk, contest, get_language()),
        lambda: tables.candidate_row_starts(
            row.identifier, contest, station_people(row, contest)
        ),
    )
    context = {
        "election": row,
        "place": place,
        "unit": unit,
        "totals": totals,
        "counter_rows": tables.counter_rows(counter_rows(totals)),
        "party_table": tables.party_table(
            row.identifier,
            _("Stemmen per lijst in dit stembureau en het aandeel in de hele gemeente"),
            comparison_rows(totals, area, names),
            compare=True,
        ),
        "candidate_tables": tables.unit_candidate_tables(
            row.identifier, contest, packed, names, starts
        ),
        "findings": station_findings(row, unit),
        "scan": station_scan(row, place, unit),
    }
    return render(request, "portal/station.html", context)


def station_scan(
    row: m.Election, place: m.Municipality, unit: m.PollingStation
) -> dict[str, Any] | None:
    """Return the PV scan the harvester found for a stembureau, if any."""
    if unit.number is None:
        return None
    scans = results.memo(
        ("scans", row.identifier, place.code),
        lambda: publication.station_scans(row.identifier, place.code),
    )
    return scans.get(unit.number)


def station_people(
    row: m.Election, contest: str
) -> dict[tuple[int, int], tuple[int, str]]:
    """Return a contest's candidates with their names escaped."""
    return results.memo(
        ("people", row.pk, contest),
        lambda: {
            key: (pk, escape(name))
            for key, (pk, name) in results.candidate_names(row, [contest]).items()
        },
    )


def find_station(election: str, code: str, slug: str) -> m.PollingStation | None:
    """Return a stembureau with its municipality and election, or None."""
    return (
        m.PollingStation.objects.select_related("municipality__election")
        .defer("municipality__election__apportionment")
        .filter(
            municipality__election__identifier=election,
            municipality__code=code,
            slug=slug,
        )
        .first()
    )


def station_findings(row: m.Election, unit: m.PollingStation) -> list[dict[str, Any]]:
    """Return a stembureau's findings; for most, known to be none already."""
    with_findings = results.memo(
        ("stations with findings", row.pk),
        lambda: set(
            m.Finding.objects.filter(election=row, station__isnull=False).values_list(
                "station_id", flat=True
            )
        ),
    )
    if unit.pk not in with_findings:
        return []
    return findings_context(
        m.Finding.objects.filter(station=unit).select_related(
            "election", "municipality", "station"
        )
    )


def municipal_totals(row: m.Election, place: m.Municipality) -> results.Totals:
    """Return a municipality's totals, from its own count or its stations."""
    totals, _level = results.area_totals(
        m.UnitCount.objects.filter(election=row, municipality=place),
        (m.Level.MUNICIPALITY, m.Level.STATION),
    )
    return totals


def comparison_rows(
    totals: results.Totals, area: results.Totals, names: dict[int, str]
) -> list[dict[str, Any]]:
    """Return per lijst the unit's share next to the municipality's."""
    rows = party_rows_of(totals, names)
    for party in rows:
        average = area.share(party["number"])
        party["average"] = average
        party["difference"] = (party["share"] or 0) - (average or 0)
    return rows


def counter_rows(totals: results.Totals) -> list[dict[str, Any]]:
    """Return the proces-verbaal counters A-J (and the rest) of a unit."""
    rows = []
    for name, letter, label in m.COUNTER_FIELDS:
        value = totals.counters.get(name)
        if value is None and not letter:
            continue
        rows.append({"letter": letter, "label": label, "value": value})
    rows.append(
        {
            "letter": "H",
            "label": _("uitgebrachte stemmen (E+F+G)"),
            "value": totals.votes_cast,
        }
    )
    order = "ABCDEFGHIJ"
    rows.sort(key=lambda r: order.index(r["letter"]) if r["letter"] else 99)
    return rows


@require_safe
def lijst(request: HttpRequest, election: str, number: int) -> HttpResponse:
    """Show a lijst: votes per municipality and its candidates."""
    row = election_or_404(election)
    party = get_object_or_404(m.Lijst, election=row, number=number)
    per_municipality = votes_per_area(row, number, m.Level.MUNICIPALITY)
    kandidaten = m.Kandidaat.objects.filter(lijst=party).order_by("contest", "number")
    people: dict[tuple[str, str, str], m.Kandidaat] = {}
    for kandidaat in kandidaten:
        people.setdefault(kandidaat.person_key, kandidaat)
    context = {
        "election": row,
        "party": party,
        "municipalities": per_municipality,
        "total": sum(r["votes"] or 0 for r in per_municipality),
        "kandidaten": sorted(people.values(), key=lambda k: (k.contest, k.number)),
        "seats": m.Seats.objects.filter(election=row, list_number=number).first(),
    }
    return render(request, "portal/lijst.html", context)


def votes_per_area(row: m.Election, number: int, level: str) -> list[dict[str, Any]]:
    """Return a lijst's votes per municipality (chosen counts only)."""
    chosen = results.chosen_counts(m.UnitCount.objects.filter(election=row), level)
    by_id = {c["id"]: c for c in chosen}
    votes = dict(
        m.ListVotes.objects.filter(
            election=row, level=level, is_current=True, list_number=number
        ).values_list("count_id", "votes")
    )
    municipalities = {mu.pk: mu for mu in m.Municipality.objects.filter(election=row)}
    rows = []
    for count_id, count in by_id.items():
        if count_id not in votes:
            continue
        place = municipalities.get(count.get("municipality_id"))
        rows.append(
            {
                "place": place,
                "name": place.name if place else count["name"],
                "votes": votes[count_id],
            }
        )
    return sorted(rows, key=lambda r: r["name"])


@require_safe
def kandidaat(
    request: HttpRequest, election: str, number: int, contest: str, candidate: int
) -> HttpResponse:
    """Show a kandidaat: votes per municipality and per stembureau.

    The same person may stand on the lijst in several kieskringen, under
    a different number; all are shown together.
    """
    row = election_or_404(election)
    party = get_object_or_404(m.Lijst, election=row, number=number)
    person = get_object_or_404(
        m.Kandidaat, lijst=party, contest=contest, number=candidate
    )
    entries = [
        k
        for k in m.Kandidaat.objects.filter(lijst=party, last_name=person.last_name)
        if k.person_key == person.person_key
    ]
    per_municipality, per_station = candidate_areas(row, number, entries)
    context = {
        "election": row,
        "party": party,
        "person": person,
        "entries": entries,
        "municipalities": per_municipality,
        "stations": per_station,
        "total": sum(r["votes"] for r in per_municipality),
    }
    return render(request, "portal/kandidaat.html", context)


def candidate_areas(
    row: m.Election, number: int, entries: list[m.Kandidaat]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return a candidate's votes per municipality and per stembureau."""
    positions = {k.contest: k.number for k in entries}
    found: dict[str, list[dict[str, Any]]] = {}
    for level in (m.Level.MUNICIPALITY, m.Level.STATION):
        chosen = {
            c["id"]: c
            for c in results.chosen_counts(
                m.UnitCount.objects.filter(election=row, contest__in=list(positions)),
                level,
            )
        }
        rows = m.ListVotes.objects.filter(
            count_id__in=list(chosen), list_number=number
        ).values_list("count_id", "count__contest", "candidate_votes")
        found[level] = []
        for count_id, contest, blob in rows:
            values = m.unpack_votes(bytes(blob))
            position = positions.get(contest, 0)
            if 0 < position <= len(values) and values[position - 1] is not None:
                found[level].append(
                    {"count": chosen[count_id], "votes": values[position - 1]}
                )
    return annotate_places(row, found[m.Level.MUNICIPALITY], found[m.Level.STATION])


def annotate_places(
    row: m.Election, municipal: list[dict[str, Any]], stations: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Attach municipality and station objects to candidate vote rows."""
    municipalities = {mu.pk: mu for mu in m.Municipality.objects.filter(election=row)}
    units = {
        s.pk: s
        for s in m.PollingStation.objects.filter(
            pk__in=[r["count"]["station_id"] for r in stations]
        )
    }
    for r in municipal:
        r["place"] = municipalities.get(r["count"]["municipality_id"])
    for r in stations:
        r["unit"] = units.get(r["count"]["station_id"])
        r["place"] = r["unit"].municipality if r["unit"] else None
    municipal.sort(key=lambda r: r["place"].name if r["place"] else "")
    stations.sort(
        key=lambda r: (r["place"].name if r["place"] else "", r["unit"].number or 0)
    )
    return municipal, stations


@require_safe
def findings(request: HttpRequest, election: str) -> HttpResponse:
    """List findings, filtered by severity, code and area."""
    row = election_or_404(election)
    query = m.Finding.objects.filter(election=row).select_related(
        "municipality", "station"
    )
    severity = request.GET.get("ernst", "")
    code = request.GET.get("code", "")
    area = request.GET.get("gebied", "").strip()
    if severity in SEVERITIES:
        query = query.filter(severity=severity)
    if code:
        query = query.filter(code=code)
    if area:
        query = query.filter(
            Q(municipality__name__icontains=area)
            | Q(municipality__code=area.zfill(4))
            | Q(reporting_unit__icontains=area)
            | Q(authority__iexact=area)
        )
    page = Paginator(
        query.order_by("severity", "code", "reporting_unit"), 100
    ).get_page(request.GET.get("pagina"))
    codes = (
        m.Finding.objects.filter(election=row)
        .values("code")
        .annotate(n=Count("id"))
        .order_by("code")
    )
    context = {
        "election": row,
        "page": page,
        "findings": findings_context(page.object_list),
        "codes": codes,
        "severity": severity,
        "code": code,
        "area": area,
        "severities": SEVERITIES,
    }
    return render(request, "portal/findings.html", context)


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Find municipalities, stations, candidates and parties."""
    q = request.GET.get("q", "").strip()[:100]
    hits: dict[str, Any] = {}
    if len(q) >= 2:
        hits = search_hits(q)
    return render(request, "portal/search.html", {"q": q, "hits": hits})


def search_hits(q: str) -> dict[str, Any]:
    """Return search results per kind, at most 50 of each."""
    postcode = q.replace(" ", "").upper()
    station_filter = Q(name__icontains=q) | Q(postcode__iexact=q)
    if len(postcode) >= 4:
        station_filter |= Q(
            postcode__istartswith=f"{postcode[:4]} {postcode[4:]}".strip()
        )
        station_filter |= Q(postcode__istartswith=postcode)
    if q.isdigit():
        station_filter |= Q(number=int(q))
    return {
        "municipalities": m.Municipality.objects.filter(
            Q(name__icontains=q) | Q(code=q.zfill(4) if q.isdigit() else q)
        ).select_related("election")[:50],
        "stations": m.PollingStation.objects.filter(station_filter).select_related(
            "municipality__election"
        )[:50],
        "candidates": m.Kandidaat.objects.filter(
            Q(last_name__icontains=q) | Q(first_name__icontains=q)
        ).select_related("lijst__election")[:50],
        "parties": m.Lijst.objects.filter(name__icontains=q).select_related("election")[
            :50
        ],
    }


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    """Show the accessibility statement (toegankelijkheidsverklaring)."""
    return render(request, "portal/accessibility.html")


@require_safe
def download(request: HttpRequest, sha256: str) -> FileResponse:
    """Return the exact bytes of an imported document."""
    document = get_object_or_404(m.Document, sha256=sha256.lower())
    path = stored_file(document.sha256)
    if not path.exists():
        raise Http404(_("Het bestand is niet meer in de opslag."))
    response = FileResponse(path.open("rb"), as_attachment=True, filename=document.name)
    response["ETag"] = f'"{document.sha256}"'
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
