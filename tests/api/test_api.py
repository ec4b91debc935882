"""The open API gives exactly the numbers of the real files, and follows
the Logius API Design Rules: version header, problem details, camelCase
query keys, no trailing slash, CORS, caching and a valid OpenAPI 3 document.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver

from django_support import GR2022, TK2021, TK2023, read_member
from openuitslag.core import model as core
from openuitslag.core.digest import pv_form
from openuitslag.core.read import read_document

pytestmark = pytest.mark.django_db

ALBLASSERDAM_510B = "Telling_TK2023_gemeente_Alblasserdam.eml.xml"
PEKELA = "01_Groningen/osv4-3_telling_gr2022_pekela.csv"


def get_json(client: Client, url: str, status: int = 200) -> Any:
    """Return the JSON of a GET, checking status and the version header."""
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:300])
    assert response["API-Version"] == "1.0.0"
    return response.json()


def count_of(archive: object, name: str) -> core.Count:
    """Return the reader's record of a bundled count file."""
    record = read_document(read_member(archive, name), name)  # type: ignore[arg-type]
    assert isinstance(record, core.Count)
    return record


def file_votes(
    contest: core.ContestCount, votes: Any
) -> tuple[dict[int, int], dict[tuple[int, int], int]]:
    """Return list votes and candidate votes of one row of a tally."""
    lists, candidates = {}, {}
    is_list = contest.list_columns.tolist()
    pairs = zip(
        contest.list_numbers.tolist(), contest.candidate_numbers.tolist(), strict=True
    )
    for s, (lijst, candidate) in enumerate(pairs):
        if is_list[s]:
            lists[lijst] = int(votes[s])
        elif candidate:
            candidates[(lijst, candidate)] = int(votes[s])
    return lists, candidates


@pytest.mark.parametrize(
    ("archive", "member", "election"),
    [(TK2023, ALBLASSERDAM_510B, "TK2023"), (GR2022, PEKELA, "GR2022_Pekela")],
)
def test_stembureau_numbers_equal_the_file(
    imported: object, client: Client, archive: object, member: str, election: str
) -> None:
    record = count_of(archive, member)
    contest = record.contests[0]
    code = record.authority.id
    tally = contest.unit_tally

    for row, unit in enumerate(contest.units):
        url = (
            f"/api/v1/elections/{election}/municipalities/{code}"
            f"/stembureaus/{unit.station_number}"
        )
        body = get_json(client, url)
        lists, candidates = file_votes(contest, tally.votes[row])
        assert {lijst["number"]: lijst["votes"] for lijst in body["lists"]} == lists
        found = {
            (lijst["number"], c["number"]): c["votes"]
            for lijst in body["lists"]
            for c in lijst["candidates"]
        }
        assert found == candidates, unit.id
        pv = body["pvCounters"]
        assert pv["A"] == tally.counter(row, "geldige stempassen")
        assert pv["D"] == tally.counter(row, "toegelaten kiezers")
        assert pv["E"] == tally.counter(row, "total_counted")
        assert pv["F"] == tally.counter(row, "blanco")
        assert pv["G"] == tally.counter(row, "ongeldig")
        assert pv["H"] == pv["E"] + pv["F"] + pv["G"]
        assert body["document"]["sha256"] == record.info.sha256


def test_stembureau_list_has_the_counters_of_each_station(
    imported: object, client: Client
) -> None:
    record = count_of(TK2023, ALBLASSERDAM_510B)
    contest = record.contests[0]
    body = get_json(client, "/api/v1/elections/TK2023/municipalities/0482/stembureaus")
    by_number = {item["number"]: item for item in body["items"]}

    for row, unit in enumerate(contest.units):
        item = by_number[unit.station_number]
        lists, _candidates = file_votes(contest, contest.unit_tally.votes[row])
        assert {int(k): v for k, v in item["lists"].items()} == lists
        assert item["pvCounters"]["E"] == contest.unit_tally.counter(
            row, "total_counted"
        )


def test_municipality_totals_and_documents_equal_the_file(
    imported: object, client: Client
) -> None:
    data = read_member(TK2023, ALBLASSERDAM_510B)
    record = count_of(TK2023, ALBLASSERDAM_510B)
    contest = record.contests[0]
    assert contest.total is not None
    body = get_json(client, "/api/v1/elections/TK2023/municipalities/0482")

    lists, _candidates = file_votes(contest, contest.total.votes[0])
    assert {x["number"]: x["votes"] for x in body["totals"]["lists"]} == lists
    counters = body["totals"]["counters"]
    assert counters["totalCounted"] == contest.total.counter(0, "total_counted")
    assert counters["blanco"] == contest.total.counter(0, "blanco")

    document = next(d for d in body["documents"] if d["sha256"] == record.info.sha256)
    assert document["size"] == len(data)
    assert document["sha256Pv"] == pv_form(hashlib.sha256(data).hexdigest())
    download = client.get(document["downloadUrl"].removeprefix("http://testserver"))
    assert b"".join(download.streaming_content) == data  # type: ignore[attr-defined]


def test_result_equals_the_national_count_and_the_official_seats(
    imported: object, client: Client
) -> None:
    total = count_of(TK2021, "Totaaltelling_TK2021.eml.xml").contests[0]
    official = read_document(
        read_member(TK2021, "Resultaat_TK2021.eml.xml"), "Resultaat_TK2021.eml.xml"
    )
    assert isinstance(official, core.Result) and total.total is not None
    body = get_json(client, "/api/v1/elections/TK2021/result")

    lists, _candidates = file_votes(total, total.total.votes[0])
    assert {x["number"]: x["votes"] for x in body["totals"]["lists"]} == lists
    seats = {s["lijst"]: s for s in body["seats"]}
    for number, count in official.seats().items():
        assert seats[number]["official"] == count
        assert seats[number]["recomputed"] == count
    assert body["seatsTotal"] == {"recomputed": 150, "official": 150}
    assert body["verification"]["seatsMatchOfficial"] is True


def test_kandidaten_votes_equal_the_kieskring_count(
    imported: object, client: Client
) -> None:
    contest = count_of(TK2021, "Telling_TK2021_kieskring_Amsterdam.eml.xml").contests[0]
    assert contest.total is not None
    _lists, candidates = file_votes(contest, contest.total.votes[0])
    body = get_json(client, "/api/v1/elections/TK2021/lijsten/1/kandidaten?contest=9")

    assert body["kandidaten"]
    for kandidaat in body["kandidaten"]:
        assert kandidaat["votes"] == candidates[(1, kandidaat["number"])]


def test_findings_filter_and_page(imported: object, client: Client) -> None:
    everything = get_json(client, "/api/v1/elections/TK2021/findings?pageSize=1000")
    severities = {f["severity"] for f in everything["items"]}
    assert everything["total"] == len(everything["items"]) > 0

    for severity in severities:
        body = get_json(
            client, f"/api/v1/elections/TK2021/findings?severity={severity}"
        )
        assert {f["severity"] for f in body["items"]} == {severity}
    code = everything["items"][0]["code"]
    body = get_json(client, f"/api/v1/elections/TK2021/findings?code={code}")
    assert body["total"] == sum(1 for f in everything["items"] if f["code"] == code)

    first = get_json(client, "/api/v1/elections/TK2021/findings?pageSize=2")
    assert len(first["items"]) == 2 and first["next"].endswith("page=2")


@pytest.mark.parametrize(
    ("url", "status", "detail"),
    [
        ("/api/v1/elections/TK2021/findings?severity=fatal", 400, "severity='fatal'"),
        ("/api/v1/elections/TK2021/findings?pageSize=0", 400, "pageSize='0'"),
        ("/api/v1/elections/TK2021/findings?page=999", 400, "page='999'"),
        ("/api/v1/elections/TK2021/findings?page_size=5", 400, "Unknown query"),
        ("/api/v1/elections/XX2099", 404, "no election 'XX2099'"),
        ("/api/v1/elections/TK2023/municipalities/9999", 404, "no municipality"),
        ("/api/v1/documents/" + "0" * 64, 404, "No document"),
        ("/api/v1/elections/", 404, "no trailing slash"),
        ("/api/v1/log/entries?limit=abc", 400, "limit='abc'"),
        ("/api/v1/log/inclusion-proofs/xyz", 400, "not a SHA-256"),
        ("/api/v1/log/consistency-proof", 400, "firstSize"),
    ],
)
def test_errors_are_problem_details(
    imported: object, client: Client, url: str, status: int, detail: str
) -> None:
    response = client.get(url)

    assert response.status_code == status
    assert response["Content-Type"].startswith("application/problem+json")
    assert response["API-Version"] == "1.0.0"
    body = response.json()
    assert body["status"] == status and body["title"]
    assert detail in body["detail"]


def test_other_methods_are_refused_with_allow(imported: object, client: Client) -> None:
    response = client.post("/api/v1/elections")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json()["status"] == 405


def test_headers_cors_and_conditional_requests(
    imported: object, client: Client
) -> None:
    first = client.get("/api/v1/elections/TK2023")
    again = client.get("/api/v1/elections/TK2023", HTTP_IF_NONE_MATCH=first["ETag"])
    preflight = client.options("/api/v1/elections", HTTP_ORIGIN="https://example.org")

    assert first["Access-Control-Allow-Origin"] == "*"
    assert "max-age" in first["Cache-Control"]
    assert again.status_code == 304
    assert again["API-Version"] == "1.0.0"
    assert again["Access-Control-Allow-Origin"] == "*"
    assert preflight.status_code == 204
    assert "GET" in preflight["Access-Control-Allow-Methods"]


def test_document_history_and_links(imported: object, client: Client) -> None:
    listing = get_json(client, "/api/v1/elections/TK2021/documents")
    sha256 = listing["items"][0]["sha256"]
    body = get_json(client, f"/api/v1/documents/{sha256}")

    assert body["history"][-1]["sha256"] == sha256 or body["isCurrent"] is False
    assert body["links"]["inclusionProof"].endswith(
        f"/api/v1/log/inclusion-proofs/{sha256}"
    )
    assert body["type"] and body["size"] > 0


def test_openapi_document_is_valid_and_lists_every_path(
    imported: object, client: Client
) -> None:
    from openapi_spec_validator import validate

    spec = get_json(client, "/api/v1/openapi.json")
    validate(spec)

    documented = {"/api/v1" + (p if p != "/" else "") for p in spec["paths"]}
    served = set()
    for pattern in get_resolver().url_patterns:
        for inner in getattr(pattern, "url_patterns", []):
            if (
                isinstance(inner, URLPattern)
                and inner.name
                and str(inner.pattern).startswith("api/v1")
                and inner.name not in ("openapi", "not-found")
            ):
                served.add(
                    "/"
                    + str(inner.pattern)
                    .replace("<str:", "{")
                    .replace("<int:", "{")
                    .replace(">", "}")
                )
    assert served == documented
    for path in spec["paths"]:
        assert not path.endswith("/") or path == "/"
        assert path == path.lower() or "{" in path


def test_pages_link_to_the_proof_and_to_meldingen(
    imported: object, client: Client
) -> None:
    sha256 = hashlib.sha256(read_member(TK2023, ALBLASSERDAM_510B)).hexdigest()
    municipality = client.get("/verkiezing/TK2023/gemeente/0482/").text
    station = client.get("/verkiezing/TK2023/gemeente/0482/stembureau/1/").text

    assert pv_form(sha256) in municipality
    assert f'href="/api/v1/log/inclusion-proofs/{sha256}"' in municipality
    assert f'href="/api/v1/log/tlog-proofs/{sha256}"' in municipality
    assert 'href="/melden/TK2023/?gemeente=0482"' in municipality
    assert "/melden/TK2023/?gemeente=0482&amp;stembureau=1" in station
    assert 'href="/melden/"' in station
