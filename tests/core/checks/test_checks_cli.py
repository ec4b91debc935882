"""``openuitslag verify`` end to end: real files in, report and status out."""

from __future__ import annotations

import json
import zipfile
from html.parser import HTMLParser
from pathlib import Path

from click.testing import CliRunner

from openuitslag.cli import main

TK2023_EML = "TK2023/EML_bestanden_TK2023_selectie.zip"
ALBLASSERDAM = "Telling_TK2023_gemeente_Alblasserdam.eml.xml"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["verify", *args])
    return result.exit_code, result.output


def test_consistent_files_exit_0_with_a_readable_text_report(data_dir: Path) -> None:
    status, output = run(str(data_dir / TK2023_EML))

    assert status == 0, output
    assert "TK2023" in output
    assert "Bevindingen / findings: 0 fouten / errors" in output
    assert "count.explanation-mismatch" in output


def test_a_changed_number_exits_1_and_names_it(data_dir: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(data_dir / TK2023_EML) as archive:
        data = archive.read(ALBLASSERDAM)
    changed = data.replace(
        b"<TotalCounted>12130</TotalCounted>", b"<TotalCounted>12131</TotalCounted>", 1
    )
    (tmp_path / ALBLASSERDAM).write_bytes(changed)

    status, output = run(str(tmp_path / ALBLASSERDAM), "--format", "json")

    report = json.loads(output)
    assert status == 1
    errors = {(f["code"], f["expected"], f["found"]) for f in report["findings"]}
    assert ("F.202", 12130, 12131) in errors
    assert ("reconcile.unit-sum", 12130, 12131) in errors


def test_json_has_elections_apportionment_and_findings(data_dir: Path) -> None:
    status, output = run(str(data_dir / TK2023_EML), "--format", "json")

    report = json.loads(output)
    assert status == 0
    assert [e["id"] for e in report["elections"]] == ["TK2023"]
    assert "apportionment" in report["elections"][0]
    finding = report["findings"][0]
    assert set(finding) >= {
        "code",
        "severity",
        "election",
        "file",
        "authority",
        "reporting_unit",
        "list",
        "candidate",
        "expected",
        "found",
        "message_nl",
        "message_en",
    }


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)


def test_html_is_one_accessible_self_contained_file(
    data_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "rapport.html"

    status, _ = run(
        str(data_dir / TK2023_EML), "--format", "html", "--output", str(out)
    )

    page = _Page()
    page.feed(out.read_text(encoding="utf-8"))
    assert status == 0
    assert ("lang", "nl") in page.attrs and ("lang", "en") in page.attrs
    assert "caption" in page.tags and "th" in page.tags
    assert not {"script", "link", "img", "iframe"} & set(page.tags)
    assert not [v for k, v in page.attrs if k in ("src", "href")]


def test_nothing_to_verify_exits_2(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("Geen verkiezingsbestand.\n")

    status, output = run(str(tmp_path))

    assert status == 2, output


def test_a_missing_path_exits_2(tmp_path: Path) -> None:
    status, _ = run(str(tmp_path / "absent.zip"))

    assert status == 2


def test_min_severity_leaves_out_notices_but_not_the_exit_status(
    data_dir: Path,
) -> None:
    status, output = run(
        str(data_dir / TK2023_EML), "--format", "json", "--min-severity", "warning"
    )

    report = json.loads(output)
    assert status == 0
    assert report["findings"] == []
    assert report["summary"]["notice"] == 0
