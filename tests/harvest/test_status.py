"""Completeness and ``openuitslag harvest`` / ``harvest status`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from openuitslag.cli import main
from openuitslag.harvest.testing import Site, SiteServer

from .sites import ALBLASSERDAM_STATIONS, flat_list


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_harvest_then_status_from_a_registry_csv(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("OPENUITSLAG_HARVEST_MIN_INTERVAL", "0")
    site = Site("0482")
    flat_list(site)
    server = SiteServer("127.0.0.20", site).start()
    registry = tmp_path / "pages.csv"
    registry.write_text(
        "election,municipality_code,url\n"
        f"TK2023,0482,{server.url('/uitslag/')}\n"
        "TK2023,0505,\n"
    )
    data = str(tmp_path / "data")
    try:
        out = run("harvest", "--registry", str(registry), "--data-dir", data)
        again = run(
            "harvest",
            "--registry",
            str(registry),
            "--data-dir",
            data,
            "--watch",
            "--interval",
            "0",
            "--passes",
            "2",
        )
    finally:
        server.stop()

    assert "1 sites" in out and "13 new files" in out and "0 problems" in out
    assert again.count("0 new files") == 2

    status = json.loads(
        run(
            "harvest",
            "status",
            "--format",
            "json",
            "--data-dir",
            data,
            "--registry",
            str(registry),
        )
    )
    place, nothing = status["municipalities"]
    assert nothing["municipality"] == "0505" and nothing["documents"] == []
    assert nothing["missing"] == [
        "EML 510b",
        "OSV4-3 CSV",
        "PV gemeentelijk stembureau (Na 31)",
    ]
    assert place["election"] == "TK2023" and place["municipality"] == "0482"
    assert place["stations"] == list(ALBLASSERDAM_STATIONS)
    assert place["expected"] == 3 + len(ALBLASSERDAM_STATIONS)
    assert place["missing"] == ["OSV4-3 CSV", "PV stembureau 19"]
    eml = next(d for d in place["documents"] if d["type"] == "EML 510b")
    assert eml["eml_id"] == "510b" and eml["station"] is None
    assert len(eml["sha256"]) == 64 and eml["url"].endswith(".eml.xml")
    assert eml["first_seen"].startswith("20")
    pv = next(d for d in place["documents"] if d["station"] == 18)
    assert (pv["type"], pv["model"]) == ("PV N 10-2", "N 10-2")

    text = run("harvest", "status", "--data-dir", data, "--deadline", "2000-01-01")
    assert "TK2023 0482: 13 of 15 expected documents found" in text
    assert "  missing: PV stembureau 19" in text
    assert "  late: EML 510b" in text
