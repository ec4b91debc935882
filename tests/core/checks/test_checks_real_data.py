"""The verifier on the bundled real Kiesraad files.

The Kiesraad documents, next to its TK2021 and TK2023 files, where those
files disagree with each other or with the paper record. Each of those
that the bundled files can show must be reported at the right level with
the right numbers, and nothing in the files may be reported as an error
when the files are consistent.
"""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path

import pytest

from openuitslag.core.checks.references import check_against_lists
from openuitslag.core.checks.report import Report
from openuitslag.core.errors import Severity
from openuitslag.core.findings import Finding
from openuitslag.core.model import CandidateLists, Count, ReadReport
from openuitslag.core.read import read_document, read_paths
from openuitslag.core.verify import verify_documents

TK2021 = "TK2021/EML_bestanden_TK2021_deel_1.zip"
TK2023_EML = "TK2023/EML_bestanden_TK2023_selectie.zip"
TK2023_CSV = "TK2023/osv4-3_csv_TK2023.zip"


def verify(data_dir: Path, *names: str) -> Report:
    read = read_paths([data_dir / name for name in names])
    return verify_documents(read.documents, read.problems)


@pytest.fixture(scope="module")
def tk2021_read(data_dir: Path) -> ReadReport:
    return read_paths([data_dir / TK2021])


@pytest.fixture(scope="module")
def tk2021(tk2021_read: ReadReport) -> Report:
    return verify_documents(tk2021_read.documents, tk2021_read.problems)


@pytest.fixture(scope="module")
def tk2023(data_dir: Path) -> Report:
    return verify(data_dir, TK2023_EML, TK2023_CSV)


def where(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def test_six_municipalities_with_electorate_0_in_the_kieskring_files(
    tk2021: Report,
) -> None:
    zero = where(tk2021.findings, "W.205")

    named = sorted(f.message_nl.split("gemeente ")[1].split(" (")[0] for f in zero)
    assert named == [
        "Berg en Dal",
        "Bloemendaal",
        "Haarlem",
        "Leidschendam-Voorburg",
        "Weststellingwerf",
        "Zandvoort",
    ]
    assert all("kieskring" in f.file for f in zero if f.file)
    assert all(f.found == 0 and f.severity is Severity.WARNING for f in zero)
    assert {f.reporting_unit for f in zero} == {
        "HSB6::1945",
        "HSB10::0377",
        "HSB10::0392",
        "HSB15::1916",
        "HSB2::0098",
        "HSB10::0473",
    }


def test_kieskring_haarlem_has_fewer_electorate_than_votes(tk2021: Report) -> None:
    over = [
        f
        for f in where(tk2021.findings, "count.votes-exceed-electorate")
        if f.reporting_unit is None
    ]

    assert len(over) == 1
    assert over[0].file and over[0].file.endswith(
        "Telling_TK2021_kieskring_Haarlem.eml.xml"
    )
    assert over[0].authority == "HSB10"
    assert over[0].expected == "<= 578393"
    assert "578.393" in over[0].message_nl and "585.660" in over[0].message_nl
    assert "Bloemendaal, Haarlem, Zandvoort" in over[0].message_en


def test_steins_invalid_votes_are_0_in_kieskring_maastricht(tk2021: Report) -> None:
    stein = where(tk2021.findings, "count.no-invalid-votes")

    assert [(f.authority, f.reporting_unit, f.found) for f in stein] == [
        ("HSB19", "HSB19::0971", 0)
    ]
    assert "Stein" in stein[0].message_nl


def test_the_central_count_corrected_haarlems_electorate(tk2021: Report) -> None:
    rows = {
        f.reporting_unit: (f.expected, f.found)
        for f in where(tk2021.findings, "reconcile.counter-differs")
    }

    assert rows["HSB10"] == (578393, 726342)


def test_alblasserdam_too_many_ballots_issued_0_against_1(tk2023: Report) -> None:
    differs = [
        f
        for f in where(tk2023.findings, "reconcile.counter-differs")
        if f.reporting_unit == "0482"
    ]

    assert len(differs) == 1
    assert differs[0].file and differs[0].file.endswith(
        "osv4-3_telling_tk2023_kieskring_dordrecht.csv"
    )
    assert (differs[0].expected, differs[0].found) == (0, 1)
    assert "te veel uitgereikte stembiljetten" in differs[0].message_nl
    assert "Alblasserdam" in differs[0].message_nl


def test_alblasserdam_510b_leaves_one_ballot_unexplained(tk2023: Report) -> None:
    total = [
        f
        for f in where(tk2023.findings, "count.explanation-mismatch")
        if f.authority == "0482" and f.reporting_unit is None
    ]

    assert [(f.expected, f.found) for f in total] == [(2, 1)]


def test_the_postal_vote_office_is_a_notice_not_an_error(tk2023: Report) -> None:
    nbsb = [f for f in where(tk2023.findings, "coverage.area-missing")]

    assert [(f.reporting_unit, f.severity) for f in nbsb] == [("9010", Severity.NOTICE)]


def test_consistent_real_files_give_no_errors(
    data_dir: Path, tk2021: Report, tk2023: Report
) -> None:
    others = verify(
        data_dir,
        "TK2023/stemlokalen_TK2023.zip",
        "PS2023_AB2023/Verkiezingsdefinities_PS2023_AB2023.zip",
    )
    findings = tk2021.findings + tk2023.findings + others.findings

    assert [f for f in findings if f.severity is Severity.ERROR] == []
    assert len(others.elections) == 4  # the four PS2023/AB2023 definitions


def test_every_municipality_of_tk2021_is_in_its_kieskring_file(tk2021: Report) -> None:
    assert where(tk2021.findings, "coverage.area-missing") == []
    missing = where(tk2021.findings, "coverage.document-missing")
    assert [f.reporting_unit for f in missing] == ["HSB20"]  # Bonaire is not in deel 1


def test_gr2022_stations_add_up_and_swapped_differences_are_errors(
    data_dir: Path,
) -> None:
    report = verify(data_dir, "GR2022/osv4-3_csv_GR2022.zip")
    amsterdam = [
        (f.code, f.expected, f.found)
        for f in report.findings
        if f.reporting_unit == "0363::SB220"
    ]

    # Every station column adds up to its municipality's total ...
    assert len(report.elections) > 300
    assert not [f for f in report.findings if f.code.startswith("reconcile.")]
    # ... but this station books its 1 missing ballot as "more counted".
    assert ("F.308", 1, 0) in amsterdam and ("F.309", 0, 1) in amsterdam


def test_tk2021_seats_and_elected_equal_the_official_result(tk2021: Report) -> None:
    [election] = tk2021.elections
    apportionment = election.apportionment

    assert apportionment is not None and apportionment.official is not None
    assert apportionment.matches_official is True
    assert len([n for n, s in apportionment.computed.seats.items() if s]) == 17
    assert len(apportionment.computed.elected) == 150
    assert not [f for f in tk2021.findings if f.code.startswith(("seats.", "elected."))]
    shape = election.as_dict()["apportionment"]
    assert isinstance(shape, dict) and shape["matches_official"] is True
    assert isinstance(shape["seats"], dict) and shape["seats"]["1"] == 34


def test_each_230b_is_compared_with_its_own_kieskring_count(
    tk2021_read: ReadReport,
) -> None:
    documents = tk2021_read.documents
    counts = [d for d in documents if isinstance(d, Count)]
    lists = [d for d in documents if isinstance(d, CandidateLists)]

    for document in lists:
        reversed_ = dataclasses.replace(
            document, affiliations=document.affiliations[::-1]
        )
        findings = check_against_lists(reversed_, counts)
        files = [f.file or "" for f in findings]
        if document.contest_id == "20":  # Bonaire has no 510c in deel 1
            assert files == []
        else:
            assert [f.code for f in findings] == ["lists.order-differs"]
            assert "Telling_TK2021_kieskring_" in files[0]
    assert len(lists) == 20


def alblasserdam(data_dir: Path) -> bytes:
    with zipfile.ZipFile(data_dir / TK2023_EML) as archive:
        return archive.read("Telling_TK2023_gemeente_Alblasserdam.eml.xml")


def as_corrigendum(data: bytes, initial: int, new: int | None = None) -> bytes:
    """Return the 510b as a corrigendum of its first station's VVD total.

    The file has 121; ``initial`` is what the corrigendum says it was, and
    ``new`` (if given) what it says it is now.
    """
    data = data.replace(
        b"<EventIdentifier></EventIdentifier>",
        b'<EventIdentifier></EventIdentifier><kr:Phase PhaseCode="corrigendum">'
        b"</kr:Phase>",
        1,
    )
    first = data.index(b"<ValidVotes>", data.index(b"<ReportingUnitVotes>"))
    claim = b"<kr:InitialValidVotes>%d</kr:InitialValidVotes>" % initial
    data = data[:first] + claim + data[first:]
    if new is not None:
        at = first + len(claim)
        data = data[:at] + data[at:].replace(
            b"<ValidVotes>121</ValidVotes>", b"<ValidVotes>%d</ValidVotes>" % new, 1
        )
    return data


def test_a_corrigendum_of_alblasserdam_says_what_changed(data_dir: Path) -> None:
    data = as_corrigendum(alblasserdam(data_dir), initial=120)

    report = verify_documents([read_document(data, "corrigendum.eml.xml")])

    changed = where(report.findings, "corrigendum.changed")
    assert [(f.reporting_unit, f.list, f.expected, f.found) for f in changed] == [
        ("0482::SB1", 1, 120, 121)
    ]
    assert "van 120 in 121" in changed[0].message_nl


def test_a_corrigendum_must_state_the_original_values(data_dir: Path) -> None:
    original = alblasserdam(data_dir)
    honest = as_corrigendum(original, initial=121, new=122)
    wrong = as_corrigendum(original, initial=119, new=122)
    before = read_document(original, "Telling_Alblasserdam.eml.xml")

    fine = verify_documents([before, read_document(honest, "corrigendum.eml.xml")])
    bad = verify_documents([before, read_document(wrong, "corrigendum.eml.xml")])

    assert where(fine.findings, "corrigendum.initial-differs") == []
    misstated = where(bad.findings, "corrigendum.initial-differs")
    assert [(f.reporting_unit, f.list, f.expected, f.found) for f in misstated] == [
        ("0482::SB1", 1, 121, 119)
    ]
