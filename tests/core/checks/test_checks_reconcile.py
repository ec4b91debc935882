"""Reconciliation, coverage, corrigenda and the 520 comparison, by hand."""

from __future__ import annotations

import dataclasses

import numpy as np
from checks_builders import ELECTION, Row, codes, count, sum_row

from openuitslag.core.checks.corrigendum import check_corrigendum
from openuitslag.core.checks.outcome import compare_outcome
from openuitslag.core.checks.reconcile import check_across_documents, check_unit_sums
from openuitslag.core.checks.references import (
    check_against_definition,
    check_against_lists,
    check_against_stations,
)
from openuitslag.core.checks.report import ElectedEntry, SeatsAndElected
from openuitslag.core.errors import Severity
from openuitslag.core.model import (
    COUNTER_INDEX,
    Affiliation,
    Candidate,
    CandidateLists,
    Count,
    DocumentInfo,
    DocumentKind,
    ElectionDefinition,
    PollingStation,
    PollingStationList,
    Region,
    Tally,
)

STATIONS = [Row("0482::SB1"), Row("0482::SB2", candidates=(5, 6, 7))]


def info(kind: DocumentKind, source: str) -> DocumentInfo:
    return DocumentInfo(source=source, sha256="0" * 64, size=1, kind=kind)


def test_sum_mismatch_names_the_selection_and_both_numbers() -> None:
    total = Row("total", candidates=(65, 36, 18))  # list 2 has 17 in the rows

    findings = [f for f in check_unit_sums(count(STATIONS, total=total))]

    votes = {(f.list, f.candidate, f.expected, f.found) for f in findings}
    assert (2, None, 17, 18) in votes
    assert (2, "1", 17, 18) in votes
    assert all(f.code.startswith("reconcile.unit-sum") for f in findings)


def test_station_electorate_0_does_not_make_the_total_wrong() -> None:
    stations = [
        Row("0482::SB1", counters={"cast": 0}),
        Row("0482::SB2", counters={"cast": 0}),
    ]
    total = Row("total", counters={"cast": 15131})
    total.candidates = (120, 60, 20)
    total.counters = {"cast": 15131, "total_counted": 200, "ongeldig": 2,
                      "geldige stempassen": 202, "toegelaten kiezers": 202}  # fmt: skip

    assert check_unit_sums(count(stations, total=total)) == []


def test_a_municipal_total_against_its_row_in_the_kieskring() -> None:
    gemeente = count(STATIONS, source="Telling_gemeente.eml.xml")
    changed = sum_row(STATIONS, "HSB14::0482")
    changed.name = "Alblasserdam"
    changed.counters = {**changed.counters, "ongeldig": 3}
    other = Row("HSB14::0505", name="Dordrecht")
    kieskring = count(
        [changed, other],
        kind=DocumentKind.OSV4_3,
        authority="HSB14",
        authority_name="Dordrecht",
        source="osv4-3_dordrecht.csv",
    )

    findings = check_across_documents([gemeente, kieskring])

    got = {(f.code, f.severity, f.expected, f.found) for f in findings}
    assert all(f.file == "osv4-3_dordrecht.csv" for f in findings)
    assert all(f.reporting_unit == "HSB14::0482" for f in findings)
    assert got == {("reconcile.votes-differ", Severity.ERROR, 2, 3)}  # invalid
    assert "ongeldige stemmen (G)" in findings[0].message_nl


def test_an_explanation_counter_differing_is_a_warning() -> None:
    stations = [Row("0482::SB1", counters={"te veel uitgereikte stembiljetten": 0})]
    gemeente = count(stations, source="gemeente.eml.xml")
    row = Row("0482", counters={"te veel uitgereikte stembiljetten": 1})
    kieskring = count([row], kind=DocumentKind.OSV4_3, authority="HSB14",
                      source="kieskring.csv")  # fmt: skip

    findings = check_across_documents([gemeente, kieskring])

    assert [(f.code, f.severity, f.expected, f.found) for f in findings] == [
        ("reconcile.counter-differs", Severity.WARNING, 0, 1)
    ]
    assert "te veel uitgereikte stembiljetten" in findings[0].message_nl


def test_an_eml_and_a_csv_of_the_same_count_are_compared() -> None:
    eml = count(STATIONS, source="Telling.eml.xml")
    other = [Row("0482::SB1"), Row("0482::SB2", candidates=(5, 6, 8))]
    csv = count(other, kind=DocumentKind.OSV4_3, source="osv4-3.csv")

    findings = check_across_documents([eml, csv])

    got = {
        (f.reporting_unit, f.list, f.candidate, f.expected, f.found) for f in findings
    }
    assert got >= {
        (None, 2, None, 17, 18),  # the totals
        (None, 2, "1", 17, 18),
        ("0482::SB2", 2, None, 7, 8),  # and the station that differs
        ("0482::SB2", 2, "1", 7, 8),
    }
    assert {f.reporting_unit for f in findings} == {None, "0482::SB2"}
    assert all(f.file == "osv4-3.csv" for f in findings)


def definition() -> ElectionDefinition:
    regions = (
        Region("14", "KIESKRING", "Dordrecht"),
        Region("482", "GEMEENTE", "Alblasserdam", "14", "KIESKRING"),
        Region("505", "GEMEENTE", "Dordrecht", "14", "KIESKRING"),
        Region("9010", "GEMEENTE", "NBSB", "14", "KIESKRING"),
    )
    return ElectionDefinition(
        info(DocumentKind.EML_110A, "Verkiezingsdefinitie.eml.xml"),
        ELECTION, "alle", 150, 25, regions,
    )  # fmt: skip


def test_every_municipality_of_the_kieskring_must_have_a_row() -> None:
    kieskring = count([Row("HSB14::0482"), Row("HSB14::0999")],
                      kind=DocumentKind.EML_510C, authority="HSB14")  # fmt: skip

    findings = check_against_definition(definition(), [kieskring])

    got = {(f.code, f.reporting_unit, f.severity) for f in findings}
    assert got == {
        ("coverage.area-missing", "0505", Severity.ERROR),
        ("coverage.area-missing", "9010", Severity.NOTICE),  # NBSB: normal
        ("coverage.area-unexpected", "HSB14::0999", Severity.WARNING),
    }


def test_stations_of_the_110b_against_the_510b() -> None:
    stations = PollingStationList(
        info(DocumentKind.EML_110B, "Stembureaus.eml.xml"),
        ELECTION, None, "482", "Alblasserdam", 400,
        (PollingStation("1", "De Damsteen", electorate=200),
         PollingStation("3", "De Poort", electorate=150)),
    )  # fmt: skip

    findings = check_against_stations(stations, [count(STATIONS)])

    got = {(f.code, f.reporting_unit, f.expected, f.found) for f in findings}
    assert ("coverage.station-missing", "3", "3", None) in got
    assert ("coverage.station-unexpected", "0482::SB2", None, "0482::SB2") in got
    assert ("reconcile.electorate-differs", None, 400, 400) not in got


def candidate_lists(order: tuple[int, ...] = (1, 2)) -> CandidateLists:
    people = {1: (Candidate(1), Candidate(2)), 2: (Candidate(1),)}
    return CandidateLists(
        info(DocumentKind.EML_230B, "Kandidatenlijsten.eml.xml"),
        ELECTION, None, "14", "Dordrecht",
        tuple(Affiliation(n, f"Partij {n}", candidates=people[n]) for n in order),
    )  # fmt: skip


def test_lists_in_the_same_order_as_the_230b_are_fine() -> None:
    assert check_against_lists(candidate_lists(), [count(STATIONS)]) == []


def test_lists_in_another_order_than_the_230b() -> None:
    findings = check_against_lists(candidate_lists((2, 1)), [count(STATIONS)])

    assert codes(findings) == ["lists.order-differs"]
    assert (findings[0].expected, findings[0].found) == ([2, 1], [1, 2])


def test_a_missing_candidate_against_the_230b() -> None:
    lists = candidate_lists()
    three = dataclasses.replace(
        lists.affiliations[0],
        candidates=(Candidate(1), Candidate(2), Candidate(3)),
    )
    lists = dataclasses.replace(lists, affiliations=(three, lists.affiliations[1]))

    findings = check_against_lists(lists, [count(STATIONS)])

    assert codes(findings) == ["lists.candidates-differ"]
    assert findings[0].list == 1


def test_a_corrigendum_reports_each_changed_number() -> None:
    gemeente = count(STATIONS)
    contest = gemeente.contests[0]
    initial_votes = np.full_like(contest.unit_tally.votes, -1)
    initial_votes[1, 4] = 9  # list 2 candidate 1 was 9, now 7
    initial_counters = np.full_like(contest.unit_tally.counters, -1)
    initial_counters[1, COUNTER_INDEX["ongeldig"]] = 3
    tally = Tally(contest.unit_tally.votes, contest.unit_tally.counters,
                  initial_votes, initial_counters)  # fmt: skip
    contest = dataclasses.replace(contest, unit_tally=tally)
    corrected = dataclasses.replace(gemeente, contests=(contest,), phase="corrigendum")

    findings = check_corrigendum(corrected)

    got = {
        (f.reporting_unit, f.list, f.candidate, f.expected, f.found) for f in findings
    }
    assert got == {("0482::SB2", 2, "1", 9, 7), ("0482::SB2", None, None, 3, 1)}
    assert all(f.code == "corrigendum.changed" for f in findings)
    assert "van 9 in 7" in next(f.message_nl for f in findings if f.list == 2)


def test_recomputed_seats_and_elected_against_the_official_result() -> None:
    a, b, c, d = (
        ElectedEntry(n, x, x) for n, x in zip((1, 1, 2, 2), "ABCD", strict=True)
    )
    ours = SeatsAndElected({1: 2, 2: 1}, (a, b, c))
    theirs = SeatsAndElected({1: 1, 2: 2}, (a, c, d))

    findings = compare_outcome(
        ours, theirs, election="TK2099", file="Resultaat.eml.xml"
    )

    got = {(f.code, f.list, f.candidate) for f in findings}
    assert got == {
        ("seats.differs-from-official", 1, None),
        ("seats.differs-from-official", 2, None),
        ("elected.missing-from-official", 1, "B"),
        ("elected.not-recomputed", 2, "D"),
    }


def nbsb_set(nbsb_votes: tuple[int, int, int]) -> list[Count]:
    """Return a 510c of kieskring 12, the NBSB's 510b and the 510d."""
    gemeenten = [Row("HSB12::0518", name="'s-Gravenhage")]
    kieskring = count(
        gemeenten,
        kind=DocumentKind.EML_510C,
        authority="HSB12",
        authority_name="'s-Gravenhage",
        source="kieskring.eml.xml",
    )
    nbsb = count([Row("9010::SB1", candidates=nbsb_votes)], authority="9010",
                 authority_name="NBSB", source="Telling_NBSB.eml.xml")  # fmt: skip
    row = sum_row([gemeenten[0], Row("x", candidates=(5, 5, 5))], "HSB12")
    central = count([row], kind=DocumentKind.EML_510D, authority="CSB",
                    source="Totaaltelling.eml.xml")  # fmt: skip
    return [kieskring, nbsb, central]


def test_the_central_count_adds_the_nbsb_to_its_kieskring() -> None:
    assert check_across_documents(nbsb_set((5, 5, 5)), nbsb_kieskring="12") == []


def test_a_wrong_nbsb_addition_is_an_error() -> None:
    findings = check_across_documents(nbsb_set((5, 5, 6)), nbsb_kieskring="12")

    assert {(f.code, f.list, f.expected, f.found) for f in findings} >= {
        ("reconcile.votes-differ", 2, 16, 15)
    }
    assert "NBSB" in findings[0].message_nl


def test_without_the_nbsb_count_the_row_is_a_notice() -> None:
    kieskring, _, central = nbsb_set((5, 5, 5))

    findings = check_across_documents([kieskring, central], nbsb_kieskring="12")

    assert [(f.code, f.severity, f.reporting_unit) for f in findings] == [
        ("reconcile.nbsb-not-given", Severity.NOTICE, "HSB12")
    ]


def test_a_corrigendum_replaces_the_original_in_reconciliation() -> None:
    original = count(STATIONS, source="Telling.eml.xml")
    fixed = [Row("0482::SB1"), Row("0482::SB2", candidates=(5, 6, 8))]
    corrigendum = dataclasses.replace(
        count(fixed, source="Telling_corrigendum.eml.xml"), phase="corrigendum"
    )
    row = sum_row(fixed, "HSB14::0482")
    kieskring = count([row], kind=DocumentKind.EML_510C, authority="HSB14")

    assert check_across_documents([original, corrigendum, kieskring]) == []
    assert check_across_documents([original, kieskring]) != []


def test_a_municipal_count_in_the_wrong_kieskring() -> None:
    findings = check_against_definition(definition(), [count(STATIONS, contest_id="9")])

    assert [(f.code, f.expected, f.found) for f in findings] == [
        ("coverage.wrong-kieskring", "14", "9")
    ]
    assert check_against_definition(definition(), [count(STATIONS)]) == []


def test_a_municipality_the_110a_does_not_know() -> None:
    findings = check_against_definition(
        definition(), [count(STATIONS, authority="0999")]
    )

    assert codes(findings) == ["coverage.municipality-unknown"]


def test_a_station_given_twice() -> None:
    findings = check_unit_sums(count([*STATIONS, Row("0482::SB1")]))

    duplicate = [f for f in findings if f.code == "count.duplicate-unit"]
    assert [(f.reporting_unit, f.found) for f in duplicate] == [("0482::SB1", 2)]
