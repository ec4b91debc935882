"""The registry: seeding from a real 110a, CSV import/export, history."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from openuitslag.cli import main
from openuitslag.core.digest import sha256_hex
from openuitslag.core.errors import ReadError
from openuitslag.harvest.registry import parse_registry_csv

TK2023 = Path(__file__).resolve().parents[2] / "data" / "TK2023"
DEFINITION = TK2023 / "EML_bestanden_TK2023_selectie.zip"


def test_parse_refuses_a_file_with_bad_rows_naming_each():
    data = (
        b"election,municipality_code,url\n"
        b"TK2023,0482,https://www.alblasserdam.nl/uitslag\n"
        b"TK23,0482,https://x.nl/\n"
        b"TK2023,abc,ftp://x.nl/\n"
    )

    with pytest.raises(ReadError) as info:
        parse_registry_csv(data, "pages.csv")

    text = str(info.value)
    assert "pages.csv:3 (election): Row 3 has an unusable election." in text
    assert "pages.csv:4 (municipality_code)" in text
    assert "pages.csv:4 (url): Row 4 has an unusable url. Expected an http(s)" in text


def test_parse_refuses_missing_columns():
    with pytest.raises(ReadError, match="lacks the columns url"):
        parse_registry_csv(b"election,municipality_code\nTK2023,0482\n", "p.csv")


def test_parse_pads_codes_as_in_the_eml():
    [row] = parse_registry_csv(
        b"election,municipality_code,url\nTK2023,482,https://a.nl/\n", "p.csv"
    )
    assert row.municipality_code == "0482"


@pytest.fixture
def seeded(db):
    result = CliRunner().invoke(main, ["registry", "seed", str(DEFINITION)])
    assert result.exit_code == 0, result.output
    assert "TK2023: 346 municipalities" in result.output


def test_seed_from_the_tables_records_the_voorne_aan_zee_merger(seeded):
    from openuitslag.harvest.models import Municipality, Participation

    reference = TK2023.parent / "reference" / "reference.zip"
    result = CliRunner().invoke(main, ["registry", "seed", str(reference)])

    assert result.exit_code == 0, result.output
    assert "TK2021: 355 municipalities" in result.output
    assert "TK2023: 346 municipalities" in result.output
    for code in ("0501", "0530", "0614"):
        old = Municipality.objects.get(code=code)
        assert old.merged_into.code == "1992"
        assert str(old.merged_on) == "2023-01-01"
        assert Participation.objects.filter(municipality=old).count() == 1
    assert Municipality.objects.get(code="1992").name == "Voorne aan Zee"

    gone = Municipality.objects.exclude(participations__election="TK2023")
    assert gone.count() == 14
    assert not gone.filter(merged_into=None).exists()


def test_seed_gives_kieskring_kinds_and_mergers(seeded):
    from openuitslag.harvest.models import Municipality, Participation

    assert Municipality.objects.count() == 346
    bonaire = Municipality.objects.get(code="9001")
    assert (bonaire.kind, bonaire.cbs_code) == ("openbaar lichaam", "")
    assert Municipality.objects.get(code="9010").kind == "briefstembureau"
    voorne = Participation.objects.get(election="TK2023", municipality__code="1992")
    assert (voorne.kieskring_number, voorne.kieskring_name) == ("14", "Dordrecht")
    assert Municipality.objects.get(code="0482").cbs_code == "GM0482"


def test_import_export_and_every_change_recorded(seeded, tmp_path):
    from openuitslag.harvest.models import ResultsPage, UrlChange

    first = tmp_path / "first.csv"
    first.write_text(
        "election,municipality_code,url\n"
        "TK2023,0482,https://www.alblasserdam.nl/uitslag\n"
        "TK2023,9001,\n"
    )
    second = tmp_path / "second.csv"
    second.write_text(
        "election,municipality_code,url\n"
        "TK2023,0482,https://www.alblasserdam.nl/verkiezingen/uitslag\n"
    )
    runner = CliRunner()

    out = runner.invoke(main, ["registry", "import", str(first), "--by", "anna"])
    assert out.exit_code == 0, out.output
    assert out.output.strip() == "1 added, 0 changed, 1 unchanged"
    out = runner.invoke(main, ["registry", "import", str(second), "--by", "bram"])
    assert "1 changed" in out.output

    page = ResultsPage.objects.get(election="TK2023", municipality__code="0482")
    assert page.url.endswith("/verkiezingen/uitslag")
    changes = list(UrlChange.objects.filter(page=page).order_by("id"))
    assert [(c.changed_by, c.old_url, c.new_url) for c in changes] == [
        ("anna", "", "https://www.alblasserdam.nl/uitslag"),
        ("bram", "https://www.alblasserdam.nl/uitslag", page.url),
    ]

    exported = runner.invoke(main, ["registry", "export", "-"]).output.splitlines()
    assert len(exported) == 1 + 346
    assert exported[0] == "election,municipality_code,url,municipality_name"
    assert f"TK2023,0482,{page.url},Alblasserdam" in exported
    assert "TK2023,9001,,Bonaire" in exported


def test_import_refuses_unknown_municipality_and_stores_nothing(seeded, tmp_path):
    from openuitslag.harvest.models import ResultsPage

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "election,municipality_code,url\n"
        "TK2023,0482,https://a.nl/\n"
        "TK2023,0999,https://b.nl/\n"
    )

    out = CliRunner().invoke(main, ["registry", "import", str(bad)])

    assert out.exit_code == 1
    assert "bad.csv:3 (municipality_code): Municipality 0999 is not in" in out.output
    assert not ResultsPage.objects.exclude(url="").exists()


def test_admin_change_is_recorded_with_the_user(seeded, admin_client):
    from openuitslag.harvest.models import ResultsPage, UrlChange

    page = ResultsPage.objects.get(election="TK2023", municipality__code="0482")
    response = admin_client.post(
        f"/admin/harvest/resultspage/{page.pk}/change/",
        {
            "election": "TK2023",
            "municipality": page.municipality_id,
            "url": "https://www.alblasserdam.nl/tk2023",
            "changes-TOTAL_FORMS": "0",
            "changes-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content[:2000]
    change = UrlChange.objects.get(page=page)
    assert (change.changed_by, change.via) == ("admin", "admin")
    assert change.new_url == "https://www.alblasserdam.nl/tk2023"


def test_harvest_from_the_database_registry_imports_the_counts(
    seeded, tmp_path, monkeypatch, settings
):
    from openuitslag.harvest.models import ResultsPage
    from openuitslag.harvest.testing import Site, SiteServer
    from openuitslag.portal import models as portal

    from .sites import TK2023_EML, flat_list, member

    monkeypatch.setenv("OPENUITSLAG_HARVEST_MIN_INTERVAL", "0")
    settings.DATA_DIR = tmp_path / "portal"
    settings.FILES_DIR = tmp_path / "portal" / "files"
    site = Site("0482")
    flat_list(site)
    site.put(
        "/uitslag/Verkiezingsdefinitie_TK2023.eml.xml",
        member(TK2023_EML, "Verkiezingsdefinitie_TK2023.eml.xml"),
    )
    site.resources["/uitslag/"].body = site.resources["/uitslag/"].body.replace(
        b"</ul>", b'<li><a href="Verkiezingsdefinitie_TK2023.eml.xml">def</a></ul>'
    )
    server = SiteServer("127.0.0.21", site).start()
    page = ResultsPage.objects.get(election="TK2023", municipality__code="0482")
    page.set_url(server.url("/uitslag/"), by="test", via="test")
    try:
        out = CliRunner().invoke(
            main,
            ["harvest", "--election", "TK2023", "--data-dir", str(tmp_path)],
        )
    finally:
        server.stop()

    assert out.exit_code == 0, out.output
    assert "1 sites" in out.output and "14 new files" in out.output
    # Other tests may have imported the same real files already; then the
    # import skips them as known. Either way the portal has both now.
    assert re.search(r"imported (\d) documents, skipped (\d)", out.output)
    hashes = {
        sha256_hex(member(TK2023_EML, name))
        for name in (
            "Verkiezingsdefinitie_TK2023.eml.xml",
            "Telling_TK2023_gemeente_Alblasserdam.eml.xml",
        )
    }
    assert portal.Document.objects.filter(sha256__in=hashes).count() == 2
