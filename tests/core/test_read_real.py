"""The reader on every real EML file bundled with openuitslag.

The figures in these tables were published by the Kiesraad (proces-
verbaal totals, seats, list and candidate counts); if the reader loses a
number anywhere, one of these sums no longer matches.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from openuitslag.core.digest import pv_form, sha256_hex
from openuitslag.core.model import (
    CandidateLists,
    Count,
    Document,
    ElectionDefinition,
    ReadReport,
    Result,
)
from openuitslag.core.read import read_document, read_paths

DATA = Path(__file__).resolve().parents[2] / "data"
TK2021 = DATA / "TK2021" / "EML_bestanden_TK2021_deel_1.zip"
TK2023 = DATA / "TK2023" / "EML_bestanden_TK2023_selectie.zip"
DEFINITIONS = DATA / "PS2023_AB2023" / "Verkiezingsdefinities_PS2023_AB2023.zip"
EML_ZIPS = (TK2021, TK2023, DEFINITIONS)


@pytest.fixture(scope="module")
def report() -> ReadReport:
    """Read the three EML zips once, for every test of this module."""
    return read_paths(EML_ZIPS)


@pytest.fixture(scope="module")
def documents(report: ReadReport) -> dict[str, Document]:
    """Key each document read by its entry name in its zip."""
    assert report.ok, "\n".join(map(str, report.problems))
    return {doc.info.source.rpartition("!")[2]: doc for doc in report.documents}


def _doc[T](documents: dict[str, Document], name: str, kind: type[T]) -> T:
    document = documents[name]
    assert isinstance(document, kind)
    return document


@pytest.mark.parametrize(
    ("archive", "kinds"),
    [
        (TK2021, {"230b": 20, "510c": 19, "510d": 1, "520": 1, "110a": 1}),
        (TK2023, {"230b": 2, "510b": 1, "110a": 1}),
        (DEFINITIONS, {"110a": 4}),
    ],
)
def test_every_eml_file_of_an_archive_is_read(
    report: ReadReport, archive: Path, kinds: dict[str, int]
) -> None:
    prefix = f"{archive}!"
    mine = [d for d in report.documents if d.info.source.startswith(prefix)]

    assert report.ok, "\n".join(map(str, report.problems))
    assert Counter(str(d.info.kind) for d in mine) == kinds


def test_every_document_carries_the_sha256_of_its_exact_bytes(
    documents: dict[str, Document],
) -> None:
    checked = 0
    for archive in EML_ZIPS:
        with zipfile.ZipFile(archive) as bundle:
            for entry in bundle.namelist():
                if entry in documents:
                    digest = sha256_hex(bundle.read(entry))
                    assert documents[entry].info.sha256 == digest
                    assert documents[entry].info.sha256_pv == pv_form(digest)
                    checked += 1
    assert checked == len(documents) == 42 + 4 + 4


def test_the_510d_has_the_national_totals(documents: dict[str, Document]) -> None:
    count = _doc(documents, "Totaaltelling_TK2021.eml.xml", Count)
    contest = count.contests[0]

    assert contest.total is not None
    assert contest.total.counter(0, "total_counted") == 10_422_852
    assert contest.total.counter(0, "cast") == 13_187_770
    lists = contest.total.votes[0, contest.list_columns]
    assert int(lists.sum()) == 10_422_852
    assert count.authority.id == "CSB"
    assert len(contest.units) == 20
    assert contest.units[0].id == "HSB1"


def test_the_510d_names_candidates_by_short_code(
    documents: dict[str, Document],
) -> None:
    contest = _doc(documents, "Totaaltelling_TK2021.eml.xml", Count).contests[0]
    rutte = contest.candidate_codes.index("RutteM")

    assert contest.candidate_numbers[rutte] == 0
    assert contest.list_numbers[rutte] == 1
    assert contest.total is not None
    assert contest.total.votes[0, rutte] == 1_977_651
    assert len(contest.list_order()) == 37
    # A kieskring that lacks a kandidaat has no number for that column.
    assert (contest.unit_tally.votes == -1).any()
    present = contest.unit_tally.votes[:, rutte]
    assert int(present.sum()) == 1_977_651


KIESKRINGEN = sorted(
    name
    for name in zipfile.ZipFile(TK2021).namelist()
    if name.startswith("Telling_TK2021_kieskring_")
)


@pytest.mark.parametrize("name", KIESKRINGEN)
def test_a_kieskring_total_is_the_sum_of_its_municipalities(
    documents: dict[str, Document], name: str
) -> None:
    count = _doc(documents, name, Count)
    contest = count.contests[0]

    assert count.info.kind == "510c"
    assert contest.total is not None
    assert (contest.unit_tally.votes >= 0).all()
    sums = contest.unit_tally.votes.sum(axis=0)
    np.testing.assert_array_equal(contest.total.votes[0], sums)
    assert count.authority.id == f"HSB{contest.contest_id}"
    assert all(u.id.startswith(f"{count.authority.id}::") for u in contest.units)


def test_the_kieskring_totals_add_up_to_the_510d(
    documents: dict[str, Document],
) -> None:
    total = 0
    for name in KIESKRINGEN:
        tally = _doc(documents, name, Count).contests[0].total
        assert tally is not None
        total += tally.counter(0, "total_counted") or 0

    # Bonaire (kieskring 20) has no 510c in the set; the 510d has its row.
    national = _doc(documents, "Totaaltelling_TK2021.eml.xml", Count).contests[0]
    bonaire = national.unit_index()["HSB20"]
    assert total + (national.unit_tally.counter(bonaire, "total_counted") or 0) == (
        10_422_852
    )


def test_the_520_elects_150_on_17_lists(documents: dict[str, Document]) -> None:
    result = _doc(documents, "Resultaat_TK2021.eml.xml", Result)

    assert len(result.elected) == 150
    assert len(result.list_names) == 17
    assert sum(result.seats().values()) == 150
    first = result.elected[0]
    assert (first.list_number, first.candidate.name) == (1, "Rutte, M.")
    assert first.candidate.short_code == "RutteM"
    assert first.ranking == 1


@pytest.mark.parametrize(
    ("name", "election", "seats", "regions"),
    [
        (
            "Verkiezingsdefinitie_TK2021.eml.xml",
            "TK2021",
            150,
            {"STAAT": 1, "KIESKRING": 20, "GEMEENTE": 355},
        ),
        (
            "Verkiezingsdefinitie_TK2023.eml.xml",
            "TK2023",
            150,
            {"STAAT": 1, "KIESKRING": 20, "GEMEENTE": 346},
        ),
        (
            "PS2023/Verkiezingsdefinitie_PS2023_Drenthe.eml.xml",
            "PS2023_Drenthe",
            43,
            {"PROVINCIE": 1, "KIESKRING": 1, "GEMEENTE": 12},
        ),
        (
            "PS2023/Verkiezingsdefinitie_PS2023_Gelderland.eml.xml",
            "PS2023_Gelderland",
            55,
            {"PROVINCIE": 1, "KIESKRING": 2, "GEMEENTE": 51},
        ),
        (
            "PS2023/Verkiezingsdefinitie_PS2023_Limburg.eml.xml",
            "PS2023_Limburg",
            47,
            {"PROVINCIE": 1, "KIESKRING": 2, "GEMEENTE": 31},
        ),
        (
            "AB2023/Verkiezingsdefinitie_AB2023_Limburg.eml.xml",
            "AB2023_Limburg",
            26,
            {"WATERSCHAP": 1, "KIESKRING": 1, "GEMEENTE": 31},
        ),
    ],
)
def test_a_definition_has_its_seats_and_regions(
    documents: dict[str, Document],
    name: str,
    election: str,
    seats: int,
    regions: dict[str, int],
) -> None:
    definition = _doc(documents, name, ElectionDefinition)

    assert definition.election.id == election
    assert definition.number_of_seats == seats
    assert definition.preference_threshold == 25
    assert Counter(r.category for r in definition.regions) == regions


def test_the_tk2023_definition_numbers_municipalities_without_zeros(
    documents: dict[str, Document],
) -> None:
    definition = _doc(
        documents, "Verkiezingsdefinitie_TK2023.eml.xml", ElectionDefinition
    )
    codes = {r.municipality_code for r in definition.regions_of("GEMEENTE")}

    assert "0482" in codes  # Alblasserdam
    assert "9010" in codes  # the national postal-vote office
    assert len(definition.registered_parties) == 26


@pytest.mark.parametrize(
    ("name", "contest", "lists", "candidates"),
    [
        ("Kandidatenlijsten_TK2023_Amsterdam.eml.xml", "9", 26, 1005),
        ("Kandidatenlijsten_TK2023_Utrecht.eml.xml", "8", 26, 1005),
        ("Kandidatenlijsten_TK2021_Amsterdam.eml.xml", "9", 33, 1070),
        ("Kandidatenlijsten_TK2021_Bonaire.eml.xml", "20", 21, 892),
    ],
)
def test_a_230b_has_its_lists_and_candidates(
    documents: dict[str, Document],
    name: str,
    contest: str,
    lists: int,
    candidates: int,
) -> None:
    lijsten = _doc(documents, name, CandidateLists)

    assert lijsten.contest_id == contest
    assert len(lijsten.affiliations) == lists
    assert sum(len(a.candidates) for a in lijsten.affiliations) == candidates
    numbers = [a.number for a in lijsten.affiliations]
    assert numbers == sorted(numbers)


def test_a_230b_reads_names_with_accents(documents: dict[str, Document]) -> None:
    lijsten = _doc(
        documents, "Kandidatenlijsten_TK2023_Amsterdam.eml.xml", CandidateLists
    )
    first = lijsten.affiliations[0].candidates[0]

    assert lijsten.affiliations[0].name == "VVD"
    assert first.name == "Yeşilgöz, D."
    assert (first.first_name, first.gender, first.locality) == (
        "Dilan",
        "female",
        "Amsterdam",
    )


def test_the_tk2021_kieskring_matches_its_candidate_lists(
    documents: dict[str, Document],
) -> None:
    count = _doc(documents, "Telling_TK2021_kieskring_Amsterdam.eml.xml", Count)
    lijsten = _doc(
        documents, "Kandidatenlijsten_TK2021_Amsterdam.eml.xml", CandidateLists
    )
    contest = count.contests[0]

    assert contest.list_order() == tuple(a.number for a in lijsten.affiliations)
    for affiliation in lijsten.affiliations:
        mine = contest.candidate_numbers[contest.list_numbers == affiliation.number]
        assert tuple(int(n) for n in mine[1:]) == tuple(
            c.number for c in affiliation.candidates
        )


def test_alblasserdam_has_12_stembureaus_and_12130_valid_votes(
    documents: dict[str, Document],
) -> None:
    count = _doc(documents, "Telling_TK2023_gemeente_Alblasserdam.eml.xml", Count)
    contest = count.contests[0]

    assert count.info.kind == "510b"
    assert count.authority.id == "0482"
    assert contest.contest_id == "14"
    assert len(contest.units) == 12
    assert contest.total is not None
    assert contest.total.counter(0, "total_counted") == 12_130
    np.testing.assert_array_equal(
        contest.total.votes[0], contest.unit_tally.votes.sum(axis=0)
    )
    given = (contest.unit_tally.counters >= 0).all(axis=0)
    assert given.sum() == 15  # the other 5 reasons are not in the file
    np.testing.assert_array_equal(
        contest.total.counters[0, given],
        contest.unit_tally.counters[:, given].sum(axis=0),
    )


def test_a_stembureau_name_and_postcode_are_split(
    documents: dict[str, Document],
) -> None:
    count = _doc(documents, "Telling_TK2023_gemeente_Alblasserdam.eml.xml", Count)
    first = count.contests[0].units[0]

    assert first.id == "0482::SB1"
    assert first.station_number == 1
    assert (first.name, first.postcode) == ("Stembureau De Damsteen", "2951ED")


def test_read_document_and_read_paths_agree(documents: dict[str, Document]) -> None:
    with zipfile.ZipFile(TK2023) as bundle:
        data = bundle.read("Telling_TK2023_gemeente_Alblasserdam.eml.xml")
    alone = read_document(data, "Alblasserdam.xml")

    assert isinstance(alone, Count)
    walked = _doc(documents, "Telling_TK2023_gemeente_Alblasserdam.eml.xml", Count)
    assert alone.info.sha256 == walked.info.sha256
    np.testing.assert_array_equal(
        alone.contests[0].unit_tally.votes, walked.contests[0].unit_tally.votes
    )


def test_two_workers_read_the_same_as_one() -> None:
    one = read_paths([TK2023], workers=1)
    two = read_paths([TK2023], workers=2)

    assert [d.info.sha256 for d in one] == [d.info.sha256 for d in two]
    assert one.problems == two.problems
