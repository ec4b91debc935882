"""``openuitslag inspect`` on real files, on broken ones and as JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from openuitslag.cli import main

DATA = Path(__file__).resolve().parents[2] / "data"
TK2023 = DATA / "TK2023" / "EML_bestanden_TK2023_selectie.zip"
CORPUS = Path(__file__).parent / "badinput" / "eml"
ALBLASSERDAM = f"{TK2023}!Telling_TK2023_gemeente_Alblasserdam.eml.xml"


def _inspect(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["inspect", *args])
    return result.exit_code, result.output


def test_text_names_type_election_authority_counts_totals_and_hash() -> None:
    code, output = _inspect(str(TK2023))

    assert code == 0, output
    block = output.split(ALBLASSERDAM)[1].split("\n\n")[0]
    for expected in (
        "type        510b",
        "election    TK2023 (Tweede Kamer der Staten-Generaal 2023)",
        "authority   0482 Alblasserdam",
        "14: 12 units, 25 lists, 994 candidates, valid votes 12,130, "
        "cast (electorate) 15,131",
        "sha256      7279d088cbffab413bcdd791a4344759f3ff0354c0131c94bcbcf63966990060",
        "on the PV   7279 d088 cbff ab41 3bcd d791 a434 4759 f3ff 0354 c013 1c94",
    ):
        assert expected in block
    assert "4 documents read (1 × 110a, 2 × 230b, 1 × 510b)." in output


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            "Telling_TK2023_gemeente_Alblasserdam.eml.xml",
            {"type": "510b", "authority": "0482 Alblasserdam"},
        ),
        (
            "Verkiezingsdefinitie_TK2023.eml.xml",
            {"type": "110a", "seats": 150, "contest": "alle"},
        ),
        (
            "Kandidatenlijsten_TK2023_Amsterdam.eml.xml",
            {"type": "230b", "lists": 26, "candidates": 1005, "contest": "9"},
        ),
    ],
)
def test_json_gives_the_same_facts(entry: str, expected: dict[str, object]) -> None:
    code, output = _inspect("--format", "json", str(TK2023))

    assert code == 0
    summary = json.loads(output)
    documents = {d["source"].rpartition("!")[2]: d for d in summary["documents"]}
    document = documents[entry]
    assert expected.items() <= document.items()
    assert len(document["sha256"]) == 64
    assert summary["problems"] == []


def test_json_has_the_contest_totals_of_a_count() -> None:
    _, output = _inspect("--format", "json", str(TK2023))
    documents = json.loads(output)["documents"]
    count = next(d for d in documents if d["type"] == "510b")

    assert count["contests"] == [
        {
            "contest": "14",
            "contest_name": "Dordrecht",
            "units": 12,
            "lists": 25,
            "candidates": 994,
            "valid_votes": 12130,
            "list_votes": 12130,
            "cast": 15131,
        }
    ]


def test_problems_are_listed_and_exit_with_2() -> None:
    bad = CORPUS / "votes_negative.xml"
    code, output = _inspect(str(CORPUS / "valid_510b.xml"), str(bad))

    assert code == 2
    assert "1 documents read (1 × 510b)." in output
    assert "1 problems; these inputs could not be used:" in output
    assert f"{bad}:81 (/EML/Count/Election/Contests/Contest/ReportingUnitVotes[1]" in (
        output
    )
    assert "The number of valid votes is negative." in output


def test_json_lists_problems_with_code_and_place() -> None:
    code, output = _inspect("--format", "json", str(CORPUS / "truncated.xml"))
    problem = json.loads(output)["problems"][0]

    assert code == 2
    assert (problem["code"], problem["line"]) == ("xml.truncated", 78)
    assert problem["source"].endswith("truncated.xml")


def test_a_missing_path_is_a_problem_not_a_crash() -> None:
    code, output = _inspect("/nonexistent/nothing.xml")

    assert code == 2
    assert "/nonexistent/nothing.xml" in output


def test_the_installed_command_runs_and_does_not_load_django() -> None:
    code = (
        "import sys\n"
        "from openuitslag.cli import main\n"
        "try:\n"
        f"    main(['inspect', {str(TK2023)!r}])\n"
        "except SystemExit as exit:\n"
        "    assert exit.code in (0, None), exit.code\n"
        "assert 'django' not in sys.modules\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )

    assert done.returncode == 0, done.stderr
    assert "valid votes 12,130" in done.stdout
