"""Completeness on the pages: harvest loopback sites, then read the portal.

Two imitation municipal sites on loopback, registered in the registry:
Alblasserdam (TK2023) publishes its real 510b, the PV of the
gemeentelijk stembureau and the PVs of all stembureaus but 19; Dordrecht
registers a page with nothing on it. ``openuitslag harvest`` visits both
into a temporary data folder and imports what it found; the municipality,
election and stembureau pages must then show what was found and missing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from harvest.sites import ALBLASSERDAM_STATIONS, TK2023_EML, flat_list
from openuitslag.cli import main
from openuitslag.harvest.testing import Site, SiteServer

DEFINITION = f"{TK2023_EML}"
ELECTION = "/verkiezing/TK2023/"
ALBLASSERDAM = f"{ELECTION}gemeente/0482/"


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def harvested(imported, tmp_path: Path, monkeypatch, settings) -> Iterator[Path]:
    """Harvest two registered loopback sites into a fresh data folder."""
    from openuitslag.harvest.models import ResultsPage

    monkeypatch.setenv("OPENUITSLAG_HARVEST_ALLOW_HOSTS", "127.0.0.0/8")
    monkeypatch.setenv("OPENUITSLAG_HARVEST_MIN_INTERVAL", "0")
    settings.DATA_DIR = tmp_path
    settings.FILES_DIR = tmp_path / "files"
    settings.PAGE_CACHE = True

    alblasserdam, dordrecht = Site("0482"), Site("0505")
    flat_list(alblasserdam)
    dordrecht.page("/verkiezingen/", "Verkiezingen", [("/", "Home")])
    dordrecht.page("/", "Home", [])
    servers = [
        SiteServer("127.0.0.30", alblasserdam).start(),
        SiteServer("127.0.0.31", dordrecht).start(),
    ]
    run("registry", "seed", DEFINITION)
    for code, server, path in (
        ("0482", servers[0], "/uitslag/"),
        ("0505", servers[1], "/verkiezingen/"),
    ):
        page = ResultsPage.objects.get(election="TK2023", municipality__code=code)
        page.set_url(server.url(path), by="test", via="test")
    try:
        out = run("harvest", "--election", "TK2023", "--data-dir", str(tmp_path))
    finally:
        for server in servers:
            server.stop()
    assert "2 sites" in out and "13 new files" in out, out
    yield tmp_path


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_municipality_page_shows_found_and_missing_documents(harvested, client):
    page = text(client.get(ALBLASSERDAM))
    section = page[page.index('id="publicatie"') :]

    assert "onvolledig" in section
    assert "13 van 15 verwachte documenten gevonden" in section
    assert "http://127.0.0.30:" in section and "/uitslag/" in section

    # The 510b is found, with its model, time, source and log link.
    row = re.search(r"<th[^>]*>EML 510b</th>(.*?)</tr>", section, re.S)
    assert row and "gevonden" in row[1] and "510b" in row[1]
    assert "Telling_TK2023_gemeente_Alblasserdam.eml.xml" in row[1]
    assert re.search(r'<time datetime="20\d\d-', row[1])
    assert re.search(r"/log/[^\"]*[0-9a-f]{64}|[0-9a-f]{64}", row[1])

    # The PV of stembureau 18 is there, 19 and the CSV are missing.
    pv = re.search(r"<th[^>]*>PV stembureau 18</th>(.*?)</tr>", section, re.S)
    assert pv and "N 10-2" in pv[1] and "Model_N10-2_Stembureau_18.pdf" in pv[1]
    for missing in ("PV stembureau 19", "OSV4-3 CSV"):
        row = re.search(rf"<th[^>]*>{missing}</th>(.*?)</tr>", section, re.S)
        assert row and "ontbreekt" in row[1]


def test_municipality_pages_say_nothing_found_or_not_registered(harvested, client):
    dordrecht = text(client.get(f"{ELECTION}gemeente/0505/"))
    assert "niets gevonden" in dordrecht
    assert "Op de geregistreerde uitslagenpagina van de gemeente is nog niets" in (
        dordrecht
    )
    assert "http://127.0.0.31:" in dordrecht

    utrecht = text(client.get(f"{ELECTION}gemeente/0344/"))
    assert "niet geregistreerd" in utrecht
    assert "nog geen uitslagenpagina geregistreerd" in utrecht


def test_election_page_summarises_completeness(harvested, client):
    page = text(client.get(ELECTION))
    section = page[page.index('id="publicatie"') :]

    counts = dict(
        re.findall(
            r'status-badge[^"]*">([^<]+)</span>\s*</th>\s*<td[^>]*>([\d.]+)</td>',
            section,
        )
    )
    assert counts["compleet"] == "0"
    assert counts["onvolledig"] == "1"
    assert counts["niets gevonden"] == "1"
    assert int(counts["niet geregistreerd"].replace(".", "")) > 300

    missing = section[section.index("Gemeenten met ontbrekende documenten") :]
    assert "Alblasserdam" in missing and "13 van 15" in missing
    assert "PV stembureau 19, OSV4-3 CSV" in missing or (
        "OSV4-3 CSV, PV stembureau 19" in missing
    )
    assert "Dordrecht" in missing


def test_station_page_links_the_harvested_pv_scan(harvested, client):
    found = text(client.get(f"{ALBLASSERDAM}stembureau/18/"))
    assert re.search(
        r'href="http://127\.0\.0\.30:\d+/uitslag/Model_N10-2_Stembureau_18\.pdf"',
        found,
    )
    assert "scan van het proces-verbaal (N 10-2)" in found

    # Its SHA-256 links to the proof that the harvester logged these bytes.
    proof = re.search(r'href="(/api/v1/log/inclusion-proofs/([0-9a-f]{64}))"', found)
    assert proof
    answer = client.get(proof[1])
    assert answer.status_code == 200 and answer.json()["sha256"] == proof[2]

    assert str(ALBLASSERDAM_STATIONS[-1]) == "19"
    missing = text(client.get(f"{ALBLASSERDAM}stembureau/19/"))
    assert "nog geen scan gevonden" in missing


def test_english_pages_translate_the_publication_section(harvested, client):
    page = text(client.get(f"/en{ALBLASSERDAM}"))
    assert "Publication" in page and "incomplete" in page
    assert "PV polling station 19" in page and "missing" in page


def test_documents_first_seen_after_the_reporting_period_are_late(harvested, client):
    from openuitslag.portal import models as m

    m.Election.objects.filter(identifier="TK2023").update(
        report_closes=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    )

    page = text(client.get(ALBLASSERDAM))
    assert "13 documenten zijn te laat: eerst gezien na 1 januari 2000" in page
    row = re.search(r"<th[^>]*>EML 510b</th>(.*?)</tr>", page, re.S)
    assert row and "te laat" in row[1]

    election = text(client.get(ELECTION))
    assert "te laat: eerst gezien na 1 januari 2000" in election
    assert "EML 510b, PV gemeentelijk stembureau (Na 31), PV stembureau 1," in (
        election
    )

    english = text(client.get(f"/en{ALBLASSERDAM}"))
    assert "13 documents are late: first seen after" in english


def test_a_harvest_pass_invalidates_cached_pages(imported, tmp_path, settings):
    from openuitslag.harvest.commands import _invalidate_pages
    from openuitslag.portal.caching import current_generation

    settings.DATA_DIR = tmp_path
    before = current_generation()
    _invalidate_pages(tmp_path, django_ready=False)
    assert current_generation() != before
