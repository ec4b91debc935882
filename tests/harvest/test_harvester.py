"""Harvest passes over five differently built loopback sites of real data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from openuitslag.harvest.catalogue import Catalogue
from openuitslag.harvest.client import ClientSettings, PoliteClient
from openuitslag.harvest.guard import AddressPolicy
from openuitslag.harvest.harvester import Harvester, Target
from openuitslag.harvest.storage import Storage
from openuitslag.harvest.testing import Site, SiteServer, make_pv_pdf, redirect_to

from .sites import ALBLASSERDAM_STATIONS, SITES, gr2022_csv


@pytest.fixture
def harvester(tmp_path: Path, fast_settings: ClientSettings) -> Iterator[Harvester]:
    """Return a harvester with its catalogue and archive in tmp_path."""
    client = PoliteClient(fast_settings, AddressPolicy.from_items(["127.0.0.0/8"]))
    catalogue = Catalogue(tmp_path / "harvest.sqlite3")
    storage = Storage(tmp_path)
    yield Harvester(catalogue, storage, client, workers=4)
    client.close()
    storage.close()
    catalogue.close()


@pytest.fixture(scope="module")
def five_sites() -> Iterator[list[tuple[Target, SiteServer, set]]]:
    """Serve the five imitation sites, each on its own loopback address."""
    running = []
    for i, (code, election, path, build) in enumerate(SITES):
        site = Site(code)
        expected = build(site)
        server = SiteServer(f"127.0.0.{10 + i}", site).start()
        running.append((Target(election, code, server.url(path)), server, expected))
    yield running
    for _, server, _ in running:
        server.stop()


def found(catalogue: Catalogue, target: Target) -> set[tuple[str, int | None]]:
    return {
        (v.document_type, v.station)
        for v in catalogue.versions(target.election, target.municipality)
    }


def test_five_kinds_of_site_give_every_document(harvester, five_sites):
    targets = [target for target, _, _ in five_sites]

    report = harvester.harvest(targets)

    assert report.errors == []
    for target, _, expected in five_sites:
        assert found(harvester.catalogue, target) == expected, target.url


def test_provenance_of_each_file(harvester, five_sites):
    target, server, _ = five_sites[0]
    harvester.harvest([target])

    eml = next(
        v for v in harvester.catalogue.versions() if v.document_type == "EML 510b"
    )
    assert eml.page_url == target.url
    assert eml.final_url == server.url(
        "/uitslag/Telling_TK2023_gemeente_Alblasserdam.eml.xml"
    )
    assert eml.status == 200
    assert eml.etag and eml.last_modified
    assert eml.size == 1651983
    assert eml.eml_id == "510b"
    assert eml.authority == "0482"
    assert eml.stations == ALBLASSERDAM_STATIONS
    assert harvester.storage.get(eml.sha256)[:5] == b"<EML "
    log = harvester.storage.archive.log
    assert log.size == len(harvester.catalogue.versions())
    assert log.latest_checkpoint() is not None


def test_redirected_download_keeps_both_urls(harvester, five_sites):
    target, server, _ = five_sites[3]
    harvester.harvest([target])

    [pv] = [v for v in harvester.catalogue.versions() if v.station == 5]
    assert pv.url == server.url("/document.aspx?id=4805&download=1")
    assert pv.final_url == server.url("/media/2022/03/pv-5.pdf")
    assert pv.page_url == target.url


def test_nested_pages_go_one_level_deep(harvester, five_sites):
    target, server, _ = five_sites[1]
    harvester.harvest([target])

    requested = server.site.paths_requested()
    assert "/verkiezingen/tk2023/noord/" in requested
    assert "/verkiezingen/tk2023/noord/meer/" not in requested


def test_scanned_pv_is_read_by_ocr(harvester, five_sites):
    target, _, _ = five_sites[4]
    harvester.harvest([target])

    scan = next(v for v in harvester.catalogue.versions() if "Scan" in v.url)
    assert scan.ocr and scan.model == "N 10-1" and scan.station == 1


def test_second_pass_without_changes_asks_conditionally(harvester, five_sites):
    targets = [target for target, _, _ in five_sites]
    harvester.harvest(targets)
    before = {server: len(server.site.requests) for _, server, _ in five_sites}

    again = harvester.harvest(targets)

    assert again.new_versions == 0
    assert again.bytes < 5_000
    for _, server, _ in five_sites:
        newer = server.site.requests[before[server] :]
        assert {r.status for r in newer} <= {302, 304}, server.site.name
        assert all(
            "If-None-Match" in r.headers for r in newer if r.path != "/robots.txt"
        )


@pytest.fixture
def server_site(server: SiteServer) -> Site:
    return server.site


def test_file_changed_between_two_runs_is_a_new_version_and_a_finding(
    harvester, server
):
    site = server.site
    csv = gr2022_csv("vlieland")
    site.put("/uitslag.csv", csv, "text/csv")
    site.page("/", "Uitslag", [("/uitslag.csv", "CSV")])
    target = Target("GR2022", "0096", server.url("/"))
    harvester.harvest([target])

    site.change("/uitslag.csv", csv.replace(b";1045;0;0;1045", b";1046;0;1;1045"))
    harvester.harvest([target])

    versions = harvester.catalogue.versions(url=server.url("/uitslag.csv"))
    assert len(versions) == 2
    assert versions[0].sha256 != versions[1].sha256
    for version in versions:
        assert harvester.storage.get(version.sha256)
    [finding] = harvester.catalogue.findings("GR2022", "0096")
    assert finding.code == "harvest.republished"
    assert "republished on" in finding.message_en
    details = json.loads(finding.details)
    assert {"key": "Totaal | opgeroepenen", "old": 1045, "new": 1046} in details[
        "changed_numbers"
    ]
    change = {"key": "Flidunen dinsdag [2] | opgeroepenen", "old": 0, "new": 1}
    assert change in details["changed_numbers"]
    assert len(details["changed_numbers"]) == 2


def test_faults_become_findings_and_the_rest_is_harvested(harvester, server):
    site = server.site
    site.put("/robots.txt", b"User-agent: *\nDisallow: /intern/\n")
    site.put("/pv1.pdf", make_pv_pdf("N 10-1", "Vlieland", 1), "text/html")
    site.put("/groot.pdf", b"%PDF-1.4" + b"\0" * (6 * 1024 * 1024))
    site.put("/intern/pv2.pdf", make_pv_pdf("N 10-1", "Vlieland", 2))
    site.put("/lus.pdf", b"", behaviour=redirect_to("/lus.pdf"))
    site.put("/meta.pdf", b"", behaviour=redirect_to("http://169.254.169.254/pv.pdf"))
    links = ["/pv1.pdf", "/groot.pdf", "/intern/pv2.pdf", "/weg.pdf", "/lus.pdf"]
    site.page("/", "Uitslag", [(link, link) for link in [*links, "/meta.pdf"]])
    target = Target("GR2022", "0096", server.url("/"))

    report = harvester.harvest([target])

    assert found(harvester.catalogue, target) == {("PV N 10-1", 1)}
    codes = sorted(f.code for f in harvester.catalogue.findings())
    assert codes == [
        "fetch.redirect",
        "fetch.refused",
        "fetch.robots",
        "fetch.status",
        "fetch.too-large",
    ]
    assert len(report.errors) == 5


def test_registered_url_may_be_a_document_itself(harvester, server):
    server.site.put("/alles.csv", gr2022_csv("ameland"), "application/octet-stream")
    target = Target("GR2022", "0060", server.url("/alles.csv"))

    harvester.harvest([target])

    assert found(harvester.catalogue, target) == {("OSV4-3 CSV", None)}


def test_stored_but_unlogged_versions_are_logged_by_the_next_flush(
    harvester, five_sites
):
    target, _, _ = five_sites[2]
    log = harvester.storage.archive.log

    harvester.harvest_site(target)  # stores and catalogues, as if then killed
    assert log.size == 0
    pending = harvester.catalogue.unlogged()

    assert harvester.flush_log() == len(pending) == 6
    assert harvester.flush_log() == 0
    assert log.size == 6
    assert harvester.catalogue.unlogged() == []

    # Killed after the log append but before the catalogue noted it:
    with harvester.catalogue._tx() as db:
        db.execute("UPDATE version SET logged = 0")
    assert harvester.flush_log() == 6
    assert log.size == 6


def test_two_municipalities_linking_one_file_each_record_it(harvester, server):
    server.site.put("/gedeeld/uitslag.csv", gr2022_csv("ameland"), "text/csv")
    server.site.page("/a", "A", [("/gedeeld/uitslag.csv", "CSV")])
    server.site.page("/b", "B", [("/gedeeld/uitslag.csv", "CSV")])
    first = Target("GR2022", "0060", server.url("/a"))
    second = Target("GR2022", "0088", server.url("/b"))

    harvester.harvest([first])
    harvester.harvest([second])

    assert found(harvester.catalogue, first) == {("OSV4-3 CSV", None)}
    assert found(harvester.catalogue, second) == {("OSV4-3 CSV", None)}
