"""Broken and hostile EML files give clear problems, never a crash.

Each file in ``badinput/eml/`` is a small valid base with one fault; the
table says which problem code it must give and where: the line (as
``file:line``) or the element path the message must name. Hostile files
(entity bombs, external entities and DTDs) must be refused before any
entity is expanded or any resource fetched.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from pathlib import Path

import pytest
from lxml import etree

from openuitslag.core.eml.xml import make_parser
from openuitslag.core.errors import ReadError
from openuitslag.core.model import (
    Count,
    ElectionDefinition,
    PollingStationList,
    Result,
)
from openuitslag.core.read import read_document, read_paths

CORPUS = Path(__file__).parent / "badinput" / "eml"
UNIT1 = "/EML/Count/Election/Contests/Contest/ReportingUnitVotes[1]"
UNIT2 = "/EML/Count/Election/Contests/Contest/ReportingUnitVotes[2]"
TOTAL = "/EML/Count/Election/Contests/Contest/TotalVotes"

# file, problem code, where: "file:line" or an element path in the problem
CASES = [
    # hostile XML: refused before parsing anything
    ("billion_laughs.xml", "xml.doctype", "billion_laughs.xml:2"),
    ("quadratic_blowup.xml", "xml.doctype", "quadratic_blowup.xml:2"),
    ("external_entity_file.xml", "xml.doctype", "external_entity_file.xml:2"),
    ("external_entity_http.xml", "xml.doctype", "external_entity_http.xml:2"),
    ("external_dtd_file.xml", "xml.doctype", "external_dtd_file.xml:2"),
    ("external_dtd_http.xml", "xml.doctype", "external_dtd_http.xml:2"),
    ("parameter_entity.xml", "xml.doctype", "parameter_entity.xml:2"),
    ("doctype_utf16.xml", "xml.doctype", "doctype_utf16.xml"),
    # not XML, or not well-formed
    ("truncated.xml", "xml.truncated", "truncated.xml:78"),
    ("not_well_formed.xml", "xml.not-well-formed", "not_well_formed.xml:108"),
    ("bad_encoding.xml", "xml.encoding", "bad_encoding.xml:70"),
    ("unknown_encoding.xml", "xml.encoding", "unknown_encoding.xml:1"),
    ("nul_bytes.xml", "xml.encoding", "nul_bytes.xml:22"),
    ("empty.xml", "document.unknown-type", "empty.xml:1"),
    ("binary_garbage.xml", "document.unknown-type", "binary_garbage.xml:1"),
    # XML, but not EML_NL
    ("wrong_namespace.xml", "eml.namespace", "wrong_namespace.xml:2 (/EML)"),
    ("no_namespace.xml", "eml.namespace", "no_namespace.xml:2 (/EML)"),
    ("wrong_root.xml", "eml.root", "wrong_root.xml:2 (/Count)"),
    ("unknown_id.xml", "eml.unknown-id", "unknown_id.xml:2 (/EML)"),
    ("missing_id.xml", "eml.unknown-id", "missing_id.xml:2 (/EML)"),
    # missing parts
    ("missing_count.xml", "eml.missing-element", "(/EML)"),
    ("missing_contests.xml", "eml.missing-element", "(/EML/Count/Election)"),
    ("missing_authority.xml", "eml.missing-element", "(/EML)"),
    ("missing_cast.xml", "eml.missing-element", f"{UNIT1})"),
    ("missing_valid_votes.xml", "eml.missing-element", f"{UNIT1}/Selection[2])"),
    (
        "missing_unit_id.xml",
        "eml.missing-attribute",
        f"{UNIT2}/ReportingUnitIdentifier)",
    ),
    ("def_missing_seats.xml", "eml.missing-element", "(/EML/ElectionEvent/Election)"),
    (
        "result_missing_list_id.xml",
        "eml.missing-attribute",
        "/EML/Result/Election/Contest/Selection[4]/AffiliationIdentifier",
    ),
    # numbers
    (
        "votes_not_a_number.xml",
        "count.not-a-number",
        f"{UNIT1}/Selection[2]/ValidVotes",
    ),
    ("votes_negative.xml", "count.negative", f"{UNIT1}/Selection[2]/ValidVotes"),
    ("votes_empty.xml", "count.missing", f"{UNIT1}/Selection[2]/ValidVotes"),
    ("votes_too_large.xml", "count.too-large", f"{UNIT1}/Selection[2]/ValidVotes"),
    ("counter_negative.xml", "count.negative", f"{UNIT2}/Cast"),
    ("counter_decimal.xml", "count.not-a-number", f"{UNIT1}/TotalCounted"),
    (
        "def_seats_not_a_number.xml",
        "eml.not-a-number",
        "/EML/ElectionEvent/Election/NumberOfSeats",
    ),
    (
        "cl_candidate_number_not_a_number.xml",
        "eml.not-a-number",
        "Affiliation[1]/Candidate[2]/CandidateIdentifier",
    ),
    (
        "stations_negative_electorate.xml",
        "eml.negative",
        "PollingPlace[2]/PhysicalLocation/PollingStation",
    ),
    ("bad_date.xml", "eml.bad-date", "ElectionIdentifier/ElectionDate"),
    # duplicates, order and unknown things
    ("duplicate_unit.xml", "eml.duplicate-unit", f"{UNIT2})"),
    ("stations_duplicate.xml", "eml.duplicate-unit", "PollingPlace[2]"),
    ("duplicate_counter.xml", "count.duplicate-counter", f"{UNIT1}/Cast[2]"),
    ("lists_out_of_order.xml", "eml.list-order", f"{TOTAL}/Selection[4]"),
    ("candidates_out_of_order.xml", "eml.candidate-order", f"{TOTAL}/Selection[3]"),
    ("candidate_before_list.xml", "eml.list-order", f"{TOTAL}/Selection[1]"),
    (
        "cl_lists_out_of_order.xml",
        "eml.list-order",
        "/EML/CandidateList/Election/Contest/Affiliation[2]",
    ),
    (
        "cl_candidates_out_of_order.xml",
        "eml.candidate-order",
        "Affiliation[1]/Candidate[2]",
    ),
    (
        "candidate_id_zero.xml",
        "eml.zero-id",
        f"{TOTAL}/Selection[2]/Candidate/CandidateIdentifier",
    ),
    ("unknown_selection.xml", "count.unknown-selection", f"{UNIT1}/Selection[3]"),
    ("unknown_reason_code.xml", "count.unknown-reason", f"{UNIT1}/UncountedVotes[3]"),
    ("referendum_option.xml", "eml.unsupported-selection", f"{TOTAL}/Selection[3]"),
]

VALID = [
    "valid_110a.xml",
    "valid_110b.xml",
    "valid_230b.xml",
    "valid_510b.xml",
    "valid_510b_2026.xml",
    "valid_520.xml",
]


def test_the_corpus_is_large_enough_and_every_file_has_a_row() -> None:
    broken = {p.name for p in CORPUS.glob("*.xml")} - set(VALID)
    tabled = {name for name, _, _ in CASES} | {"many_problems.xml"}

    assert broken == tabled
    assert len(broken) >= 30


@pytest.mark.parametrize("name", VALID)
def test_a_valid_base_reads_without_problems(name: str) -> None:
    read_document((CORPUS / name).read_bytes(), name)


@pytest.mark.parametrize(("name", "code", "where"), CASES)
def test_a_broken_file_gives_its_problem_naming_file_and_place(
    name: str, code: str, where: str
) -> None:
    with pytest.raises(ReadError) as caught:
        read_document((CORPUS / name).read_bytes(), name)

    problems = caught.value.problems
    assert code in {p.code for p in problems}, [str(p) for p in problems]
    mine = [str(p) for p in problems if p.code == code]
    assert any(text.startswith(name) and where in text for text in mine), mine
    assert all(p.source == name and p.message.endswith(".") for p in problems)
    assert all(p.line is not None or p.where is not None for p in problems) or (
        code == "xml.doctype"
    )


ONE_LINE_CASES = [case for case in CASES if case[1].startswith(("count.", "eml."))]


@pytest.mark.parametrize(("name", "code", "where"), ONE_LINE_CASES)
def test_a_broken_one_line_file_gives_the_same_problem(
    name: str, code: str, where: str
) -> None:
    """Files on one line are read with their selections cut out first."""
    data = re.sub(rb">\s+<", b"><", (CORPUS / name).read_bytes())

    with pytest.raises(ReadError) as caught:
        read_document(data, name)

    mine = [str(p) for p in caught.value.problems if p.code == code]
    path = where.rpartition("(")[2].rstrip(")")
    assert any(path in text for text in mine), [str(p) for p in caught.value.problems]


def test_all_problems_of_a_file_are_collected() -> None:
    with pytest.raises(ReadError) as caught:
        read_document((CORPUS / "many_problems.xml").read_bytes(), "many.xml")

    codes = {p.code for p in caught.value.problems}
    assert {"count.negative", "count.not-a-number", "eml.duplicate-unit"} <= codes


def test_a_broken_file_does_not_stop_the_others() -> None:
    report = read_paths(sorted(CORPUS.glob("*.xml")))

    assert len(report.documents) == len(VALID)
    unreadable = {p.source.rpartition("/")[2] for p in report.problems}
    assert unreadable == {name for name, _, _ in CASES} | {"many_problems.xml"}


def test_an_entity_bomb_is_refused_at_once() -> None:
    started = time.perf_counter()
    with pytest.raises(ReadError):
        read_document((CORPUS / "billion_laughs.xml").read_bytes(), "bomb.xml")

    assert time.perf_counter() - started < 1.0


def test_no_external_resource_is_fetched() -> None:
    """Listen on loopback and make sure nobody knocks, whatever the file."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.settimeout(0.5)
    knocked = threading.Event()

    def watch() -> None:
        try:
            listener.accept()
            knocked.set()
        except OSError:
            pass

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for name in ("external_entity_http.xml", "external_dtd_http.xml"):
            text = (CORPUS / name).read_text().replace(":9/", f":{port}/")
            with pytest.raises(ReadError):
                read_document(text.encode(), name)
            # Behind the DOCTYPE check, the parser itself never goes out.
            with contextlib.suppress(etree.XMLSyntaxError):
                etree.fromstring(text.encode(), make_parser())
    finally:
        watcher.join()
        listener.close()
    assert not knocked.is_set()


def test_the_2026_corrigendum_additions_are_read() -> None:
    count = read_document((CORPUS / "valid_510b_2026.xml").read_bytes(), "c.xml")
    assert isinstance(count, Count)
    contest = count.contests[0]
    tally = contest.unit_tally

    assert (count.counting_method, count.phase) == (
        "centrale stemopneming",
        "corrigendum",
    )
    assert contest.units[0].type == "FixedLocation"
    assert contest.units[0].investigations == {
        "toegelaten kiezers opnieuw vastgesteld": True,
        "onderzocht vanwege andere reden": False,
        "stembiljetten deels herteld": True,
    }
    assert tally.initial_votes is not None and tally.initial_counters is not None
    assert (tally.votes[0, 1], tally.initial_votes[0, 1]) == (115, 114)
    assert int((tally.initial_votes != -1).sum()) == 1
    assert tally.counter(0, "cast") == 1251
    assert tally.initial_counters[0, 0] == 1250  # InitialCast
    assert tally.initial_counters[0, 2] == 2  # InitialRejectedVotes blanco
    assert int((tally.initial_counters != -1).sum()) == 2


def test_the_small_bases_read_as_their_types() -> None:
    def read(name: str) -> object:
        return read_document((CORPUS / name).read_bytes(), name)

    stations = read("valid_110b.xml")
    assert isinstance(stations, PollingStationList)
    assert (stations.municipality_id, stations.electorate) == ("0482", 15131)
    assert [(s.id, s.postcode, s.electorate) for s in stations.stations] == [
        ("1", "2951 ED", 1251),
        ("3", "2951 AK", 1191),
    ]
    assert isinstance(read("valid_110a.xml"), ElectionDefinition)
    result = read("valid_520.xml")
    assert isinstance(result, Result)
    assert result.seats() == {1: 2, 2: 2}


def test_comments_and_processing_instructions_do_not_change_the_numbers() -> None:
    text = (CORPUS / "valid_510b.xml").read_text()
    noisy = text.replace("<Selection>", "<Selection><!-- note --><?pi x?>").replace(
        "<ValidVotes>", "<ValidVotes><!-- n -->"
    )
    plain = read_document(text.encode(), "plain.xml")
    commented = read_document(noisy.encode(), "noisy.xml")

    assert isinstance(plain, Count) and isinstance(commented, Count)
    assert (
        plain.contests[0].unit_tally.votes == commented.contests[0].unit_tally.votes
    ).all()
