"""The pages show exactly the numbers in the real files, and every page
kind answers with the right headers.

The numbers are compared with what the core reader makes of the same
bundled files, so a page and ``openuitslag inspect`` can never disagree.
"""

from __future__ import annotations

import re
import zipfile
from html import unescape

import pytest
from django.core.management import call_command
from django.test import Client

from django_support import GR2022, TK2023
from openuitslag.core import model as core
from openuitslag.core.read import read_document
from openuitslag.portal import models as m

pytestmark = pytest.mark.django_db

ALBLASSERDAM_510B = "Telling_TK2023_gemeente_Alblasserdam.eml.xml"
PEKELA = "01_Groningen/osv4-3_telling_gr2022_pekela.csv"


def read_member(archive: object, name: str) -> tuple[bytes, core.Count]:
    """Return a bundled file's bytes and the reader's record of it."""
    with zipfile.ZipFile(archive) as opened:  # type: ignore[arg-type]
        data = opened.read(name)
    record = read_document(data, name)
    assert isinstance(record, core.Count)
    return data, record


def cells(html: str, attribute: str) -> dict[str, int | None]:
    """Return the numbers of cells marked ``data-<attribute>="key"``."""
    found = {}
    pattern = rf'data-{attribute}="([^"]*)"[^>]*>([^<]*)<'
    for key, text in re.findall(pattern, html):
        text = unescape(text).strip().replace(".", "").replace(",", "")
        found[key] = None if text in ("–", "") else int(text)
    return found


def expected_row(contest: core.ContestCount, row: int) -> dict[str, dict[str, int]]:
    """Return the list and candidate votes of one unit as the file has them."""
    lists, candidates = {}, {}
    votes = contest.unit_tally.votes[row].tolist()
    for s, (lijst, candidate) in enumerate(
        zip(
            contest.list_numbers.tolist(),
            contest.candidate_numbers.tolist(),
            strict=True,
        )
    ):
        if candidate == 0:
            lists[str(lijst)] = votes[s]
        else:
            candidates[f"{lijst}-{candidate}"] = votes[s]
    return {"lists": lists, "candidates": candidates}


@pytest.mark.parametrize(
    ("archive", "member", "election"),
    [
        (TK2023, ALBLASSERDAM_510B, "TK2023"),
        (GR2022, PEKELA, "GR2022_Pekela"),
    ],
)
def test_station_pages_show_the_numbers_of_the_file(
    imported: object, client: Client, archive: object, member: str, election: str
) -> None:
    _data, record = read_member(archive, member)
    contest = record.contests[0]
    code = record.authority.id

    for row, unit in enumerate(contest.units):
        page = client.get(
            f"/verkiezing/{election}/gemeente/{code}/stembureau/{unit.station_number}/"
        )
        assert page.status_code == 200, unit.id
        html = page.content.decode()
        expected = expected_row(contest, row)
        assert cells(html, "list") == expected["lists"], unit.id
        assert cells(html, "candidate") == expected["candidates"], unit.id

        letters = cells(html, "letter")
        tally = contest.unit_tally
        assert letters["D"] == tally.counter(row, "toegelaten kiezers")
        assert letters["E"] == tally.counter(row, "total_counted")
        assert letters["F"] == tally.counter(row, "blanco")
        assert letters["G"] == tally.counter(row, "ongeldig")
        assert letters["A"] == tally.counter(row, "geldige stempassen")


def test_municipality_page_totals_equal_the_file(
    imported: object, client: Client
) -> None:
    _data, record = read_member(TK2023, ALBLASSERDAM_510B)
    contest = record.contests[0]
    assert contest.total is not None

    html = client.get("/verkiezing/TK2023/gemeente/0482/").content.decode()
    lists = cells(html, "list")
    for s, (lijst, candidate) in enumerate(
        zip(
            contest.list_numbers.tolist(),
            contest.candidate_numbers.tolist(),
            strict=True,
        )
    ):
        if candidate == 0:
            assert lists[str(lijst)] == int(contest.total.votes[0, s])
    counters = cells(html, "counter")
    assert counters["total_counted"] == contest.total.counter(0, "total_counted")
    assert counters["blanco"] == contest.total.counter(0, "blanco")


def test_municipality_page_lists_documents_with_hash_and_download(
    imported: object, client: Client
) -> None:
    data, record = read_member(TK2023, ALBLASSERDAM_510B)
    html = client.get("/verkiezing/TK2023/gemeente/0482/").content.decode()
    assert record.info.sha256_pv in html

    download = client.get(f"/document/{record.info.sha256}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data  # type: ignore[attr-defined]
    assert "attachment" in download["Content-Disposition"]


def test_candidate_page_sums_the_candidate_over_stations(
    imported: object, client: Client
) -> None:
    _data, record = read_member(GR2022, PEKELA)
    contest = record.contests[0]
    column = next(
        s
        for s, (lijst, candidate) in enumerate(
            zip(
                contest.list_numbers.tolist(),
                contest.candidate_numbers.tolist(),
                strict=True,
            )
        )
        if lijst == 1 and candidate == 1
    )
    html = client.get(
        "/verkiezing/GR2022_Pekela/lijst/1/kandidaat/geen/1/"
    ).content.decode()
    assert "Siegers" in html
    stations = cells(html, "station")
    expected = {
        f"0765::SB{u.station_number}": int(contest.unit_tally.votes[i, column])
        for i, u in enumerate(contest.units)
    }
    assert stations == expected


def test_every_page_kind_answers(imported: object, client: Client) -> None:
    pages = [
        "/",
        "/en/",
        "/verkiezing/TK2021/",
        "/verkiezing/TK2021/kaart.svg",
        "/verkiezing/TK2021/kieskring/1/",
        "/verkiezing/TK2021/gemeente/0363/",
        "/verkiezing/TK2021/lijst/1/",
        "/verkiezing/TK2021/bevindingen/",
        "/verkiezing/TK2021/bevindingen/?ernst=warning&gebied=Amsterdam",
        "/verkiezing/TK2023/",
        "/verkiezing/TK2023/gemeente/0482/stembureau/1/",
        "/en/verkiezing/TK2023/gemeente/0482/stembureau/1/",
        "/zoeken/?q=Pekela",
        "/toegankelijkheid/",
        "/gezondheid/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    assert client.get("/verkiezing/XX1999/").status_code == 404


def test_election_page_shows_official_seats(imported: object, client: Client) -> None:
    html = client.get("/verkiezing/TK2021/").content.decode()
    official = m.Seats.objects.filter(election__identifier="TK2021")
    assert sum(s.official or 0 for s in official) == 150
    assert "Zetelverdeling" in html


def test_search_finds_each_kind(imported: object, client: Client) -> None:
    def found(q: str) -> str:
        return client.get("/zoeken/", {"q": q}).content.decode()

    assert "/verkiezing/TK2023/gemeente/0482/" in found("Alblasserdam")
    assert "stembureau/1/" in found("2951ED") or "stembureau/1/" in found("2951 ED")
    assert "kandidaat/geen/1/" in found("Siegers")
    assert "/lijst/" in found("Socialistische")


def test_findings_filter_by_severity(imported: object, client: Client) -> None:
    election = m.Election.objects.get(identifier="TK2021")
    total = m.Finding.objects.filter(election=election).count()
    warnings = m.Finding.objects.filter(election=election, severity="warning").count()
    html = client.get("/verkiezing/TK2021/bevindingen/?ernst=warning").content.decode()
    assert f"{warnings} bevinding" in html
    assert total >= warnings


def test_security_headers(imported: object, client: Client) -> None:
    response = client.get("/verkiezing/TK2023/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response


def test_hsts_behind_tls(imported: object, settings: object) -> None:
    settings.SECURE_HSTS_SECONDS = 31_536_000  # type: ignore[attr-defined]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # type: ignore[attr-defined]
    response = Client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert "max-age=31536000" in response["Strict-Transport-Security"]


def test_pages_carry_validators_and_answer_304(
    imported: object, client: Client
) -> None:
    first = client.get("/verkiezing/TK2023/")
    assert first["ETag"]
    assert first["Last-Modified"]
    assert "public" in first["Cache-Control"]

    again = client.get("/verkiezing/TK2023/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_page_cache_is_invalidated_on_import(imported: object, client: Client) -> None:
    from openuitslag.portal.caching import bump_generation

    election = m.Election.objects.get(identifier="GR2022_Pekela")
    before = client.get("/verkiezing/GR2022_Pekela/").content.decode()
    election.name = "Gewijzigde naam"
    election.save()
    assert (
        "Gewijzigde naam"
        not in client.get("/verkiezing/GR2022_Pekela/").content.decode()
    )

    bump_generation()
    after = client.get("/verkiezing/GR2022_Pekela/").content.decode()
    assert "Gewijzigde naam" in after
    assert before != after


def test_tables_have_captions_and_header_cells(
    imported: object, client: Client
) -> None:
    for url in (
        "/verkiezing/TK2021/",
        "/verkiezing/TK2023/gemeente/0482/",
        "/verkiezing/TK2023/gemeente/0482/stembureau/1/",
        "/verkiezing/GR2022_Pekela/lijst/1/kandidaat/geen/1/",
    ):
        html = client.get(url).content.decode()
        tables = re.findall(r"<table.*?</table>", html, flags=re.S)
        assert tables, url
        for table in tables:
            assert "<caption>" in table, url
            assert "<th " in table, url


def test_migrations_are_checked_in(db: None) -> None:
    call_command("makemigrations", "portal", "--check", "--dry-run", verbosity=0)


def test_report_window_defaults_to_48_hours_before_the_csb_session(
    imported: object,
) -> None:
    import datetime as dt

    election = m.Election.objects.get(identifier="TK2021")
    election.csb_session = dt.datetime(2021, 3, 26, 10, tzinfo=dt.UTC)
    opens, closes = election.report_window
    assert closes == dt.datetime(2021, 3, 24, 10, tzinfo=dt.UTC)
    assert opens == election.published_at


def test_admin_edits_election_settings(imported: object, admin_client: Client) -> None:
    election = m.Election.objects.get(identifier="GR2022_Pekela")
    page = admin_client.get(f"/admin/portal/election/{election.pk}/change/")
    assert page.status_code == 200
    assert "csb_session" in page.content.decode()


def test_english_pages_are_translated(imported: object, client: Client) -> None:
    html = client.get("/en/verkiezing/TK2023/gemeente/0482/stembureau/1/").content
    text = html.decode()
    assert '<html lang="en">' in text
    assert "Skip to content" in text
    assert "admitted voters" in text
    dutch = client.get(
        "/verkiezing/TK2023/gemeente/0482/stembureau/1/"
    ).content.decode()
    assert "Naar de inhoud" in dutch


@pytest.mark.parametrize("election", ["TK2023", "GR2022_Pekela"])
def test_fast_station_tables_equal_the_generic_tables(
    imported: object, client: Client, election: str
) -> None:
    from openuitslag.portal import results, tables, views

    client.get("/")  # activates the page language, as a request does
    count_row = m.UnitCount.objects.filter(
        election__identifier=election, level=m.Level.STATION, is_current=True
    ).first()
    assert count_row is not None and count_row.station is not None
    row = count_row.election
    count = results.station_count(count_row.station.pk)
    assert count is not None
    _lists, packed = results.unit_votes_packed(count["id"])
    contest, names = count["contest"], results.list_names(row)
    people = views.station_people(row, contest)

    starts = tables.candidate_row_starts(row.identifier, contest, people)
    fast = tables.unit_candidate_tables(row.identifier, contest, packed, names, starts)
    generic = [
        {
            "number": number,
            "name": names.get(number, ""),
            "rows": [
                {
                    "number": n,
                    "name": people.get((number, n), (0, ""))[1],
                    "escaped": True,
                    "votes": votes,
                    "contest": contest,
                }
                for n, votes in enumerate(values, 1)
                if votes != core.MISSING
            ],
        }
        for number, values in packed.items()
    ]
    assert fast == tables.candidate_tables(row.identifier, generic)
    assert "data-candidate=" in fast
