"""Lijstengroepen: sharing seats (P 12) and double elections (P 18)."""

from __future__ import annotations

import numpy as np
import pytest

from openuitslag.core.model import (
    COUNTERS,
    MISSING,
    Affiliation,
    Authority,
    Candidate,
    CandidateLists,
    ContestCount,
    Count,
    DocumentInfo,
    DocumentKind,
    ElectionDefinition,
    ElectionIdentity,
    ReportingUnit,
    Tally,
)
from openuitslag.core.seats import Lots, compute_outcome
from openuitslag.core.seats.groups import (
    SubList,
    distribute_group,
    person,
    resolve_double_elections,
)
from openuitslag.core.seats.votes import VoteSource, kieskring_number


def sublist(kieskring: str, votes: int, people: list[tuple[str, int]]) -> SubList:
    """Return a kieskring's list with (ShortCode, votes) per candidate."""
    candidates = tuple(
        Candidate(i + 1, last_name=code, short_code=code)
        for i, (code, _) in enumerate(people)
    )
    return SubList(
        3,
        f"kieskring {kieskring}",
        [kieskring],
        candidates,
        votes,
        {i + 1: v for i, (_, v) in enumerate(people)},
    )


def test_group_seats_go_by_group_quota_and_remainders() -> None:
    lists = [sublist("1", 5000, []), sublist("2", 3000, []), sublist("3", 2000, [])]

    shares, steps = distribute_group(3, lists, 4, Lots())

    # group quota 2500: full 2, 1, 0; remainders 0, 500, 2000.
    assert shares == {"kieskring 1": 2, "kieskring 2": 1, "kieskring 3": 1}
    assert [s.article for s in steps] == ["P 12", "P 12 lid 5"]


def test_equal_remainders_in_a_group_go_to_lots() -> None:
    lists = [sublist("1", 3000, []), sublist("2", 1000, []), sublist("3", 1000, [])]
    lots = Lots([3])

    shares, steps = distribute_group(3, lists, 3, lots)

    # group quota 5000/3: full 1, 0, 0; remainders 4000/3, 1000, 1000.
    assert shares == {"kieskring 1": 2, "kieskring 2": 0, "kieskring 3": 1}
    assert lots.ties[0].tied == (2, 3)
    assert lots.ties[0].resolved_by == "given"
    assert "kieskring 2, kieskring 3" in steps[1].text_en


def refill_in_list_order(lists: list[SubList]):
    def refill(s: SubList, taken: set[str], count: int) -> list[int]:
        free = [c.number or 0 for c in s.candidates if person(c) not in taken]
        chosen = free[:count]
        taken.update(person(c) for c in s.candidates if c.number in chosen)
        return chosen

    return refill


def test_a_candidate_elected_twice_stays_where_most_voted_for() -> None:
    lists = [
        sublist("1", 100, [("LeaderA", 40), ("OneX", 5), ("OneY", 4)]),
        sublist("2", 100, [("LeaderA", 60), ("TwoX", 5), ("TwoY", 4)]),
    ]
    elected = {"kieskring 1": [1], "kieskring 2": [1]}
    seats = {"kieskring 1": 1, "kieskring 2": 1}

    steps = resolve_double_elections(
        3, lists, elected, seats, refill_in_list_order(lists)
    )

    assert elected == {"kieskring 1": [2], "kieskring 2": [1]}
    assert [s.article for s in steps] == ["P 18", "P 18 lid 2"]
    assert "kieskring 2" in steps[0].text_en


def test_equal_votes_keep_the_candidate_in_the_lowest_kieskring() -> None:
    lists = [
        sublist("7", 100, [("LeaderA", 50), ("SevenX", 5)]),
        sublist("2", 100, [("LeaderA", 50), ("TwoX", 5)]),
    ]
    elected = {"kieskring 7": [1], "kieskring 2": [1]}
    seats = {"kieskring 7": 1, "kieskring 2": 1}

    resolve_double_elections(3, lists, elected, seats, refill_in_list_order(lists))

    assert elected == {"kieskring 7": [2], "kieskring 2": [1]}


@pytest.mark.parametrize(
    ("contest_id", "number"),
    [("9", 9), ("IX", 9), ("XIV", 14), ("II", 2), ("geen", None), ("alle", None)],
)
def test_kieskring_numbers_may_be_roman(contest_id: str, number: int | None) -> None:
    assert kieskring_number(contest_id) == number


def provincial_records() -> tuple[ElectionDefinition, list[CandidateLists], Count]:
    """Two kieskringen I and II (as in Limburg); party 1 is a lijstengroep."""
    election = ElectionIdentity("PS2023_Voorbeeld", "Provinciale Staten", "PS")
    authority = Authority("CSB", "Voorbeeld")
    lead = Candidate(1, initials="A.", last_name="Leider", locality="Heerlen")

    def person_on(number: int, name: str) -> Candidate:
        return Candidate(number, initials="B.", last_name=name, locality="Venlo")

    lists = []
    for contest, local in (("I", "Noord"), ("II", "Zuid")):
        party_1 = Affiliation(
            1,
            "Partij",
            type="lijstengroep",
            candidates=(
                lead,
                person_on(2, f"{local}een"),
                person_on(3, f"{local}twee"),
            ),
        )
        party_2 = Affiliation(
            2,
            "Ander",
            type="stel gelijkluidende lijsten",
            belongs_to_set=1,
            candidates=(person_on(1, "Ander"), person_on(2, "Tweede")),
        )
        lists.append(
            CandidateLists(
                DocumentInfo(f"230b {contest}", "0" * 64, 0, DocumentKind.EML_230B),
                election,
                authority,
                contest,
                local,
                (party_1, party_2),
            )
        )

    # columns: list 1, its candidates 1-3, list 2, its candidates 1-2
    lists_col = [1, 1, 1, 1, 2, 2, 2]
    numbers = [0, 1, 2, 3, 0, 1, 2]
    rows = np.array(
        [[600, 500, 60, 40, 400, 390, 10], [300, 200, 70, 30, 700, 600, 100]],
        dtype=np.int64,
    )
    counters = np.full((2, len(COUNTERS)), MISSING, dtype=np.int64)
    contest = ContestCount(
        "alle", None, np.array(lists_col, dtype=np.int32),
        np.array(numbers, dtype=np.int32), (None,) * 7, {}, None,
        (ReportingUnit("HSB1", "Kieskring I"), ReportingUnit("HSB2", "Kieskring II")),
        Tally(rows, counters),
    )  # fmt: skip
    count = Count(
        DocumentInfo("510d", "0" * 64, 0, DocumentKind.EML_510D),
        election, authority, (contest,),
    )  # fmt: skip
    definition = ElectionDefinition(
        DocumentInfo("110a", "0" * 64, 0, DocumentKind.EML_110A),
        election, "alle", 4, 50, (),
    )  # fmt: skip
    return definition, lists, count


def test_a_group_over_roman_kieskringen_elects_its_leader_once() -> None:
    definition, lists, count = provincial_records()

    outcome = compute_outcome(definition, lists, count)

    # 2000 votes, 4 seats, quota 500: party 1 has 900 (1 full + LR 400),
    # party 2 has 1100 (2 full + LR 100): LR order 400, 100 -> 2 and 2.
    assert outcome.seats == {1: 2, 2: 2}
    assert outcome.list_seats[1] == {"kieskring I": 1, "kieskring II": 1}
    party_1 = [c.last_name for n, c in outcome.elected if n == 1]
    assert sorted(party_1) == ["Leider", "Zuideen"]
    party_2 = [c.last_name for n, c in outcome.elected if n == 2]
    assert party_2 == ["Ander", "Tweede"]


def code_count(codes: list[str], votes: list[int]) -> tuple[ContestCount, np.ndarray]:
    row = np.array([[sum(votes), *votes]], dtype=np.int64)
    contest = ContestCount(
        "alle", None, np.ones(len(codes) + 1, dtype=np.int32),
        np.zeros(len(codes) + 1, dtype=np.int32), (None, *codes), {}, None,
        (ReportingUnit("HSB1", "Kieskring 1"),),
        Tally(row, np.full((1, len(COUNTERS)), MISSING, dtype=np.int64)),
    )  # fmt: skip
    return contest, row


def source_for(contest: ContestCount) -> VoteSource:
    count = Count(
        DocumentInfo("510d", "0" * 64, 0, DocumentKind.EML_510D),
        ElectionIdentity("TK2021", "TK", "TK"), Authority("CSB", "NL"), (contest,),
    )  # fmt: skip
    return VoteSource(count, single_kieskring=False)


def test_short_codes_are_matched_by_name_in_any_column_order() -> None:
    contest, _ = code_count(["YeşilgözZegerD", "WoutB", "VosTG1"], [300, 200, 100])
    candidates = (
        Candidate(1, initials="B.", prefix="van 't", last_name="Wout"),
        Candidate(2, initials="T.G.", last_name="Vos"),
        Candidate(3, initials="D.", last_name="Yeşilgöz-Zegerius"),
    )

    found = source_for(contest).votes("1", 1, candidates)

    assert found.by_number == {1: 200, 2: 100, 3: 300}
    assert found.codes == {1: "WoutB", 2: "VosTG1", 3: "YeşilgözZegerD"}
    assert found.unmatched == found.by_order == []


def test_a_name_that_fits_two_codes_is_matched_by_order_and_noted() -> None:
    contest, _ = code_count(["JansenJ", "JansenJ1", "PietersP"], [30, 20, 10])
    candidates = (
        Candidate(1, initials="J.", last_name="Jansen"),
        Candidate(2, initials="J.", last_name="Jansen"),
        Candidate(3, initials="Q.", last_name="Quist"),
    )

    found = source_for(contest).votes("1", 1, candidates)

    assert found.by_number == {1: 30, 2: 20}
    assert found.by_order == ["Jansen, J. = JansenJ", "Jansen, J. = JansenJ1"]
    assert found.unmatched == ["Quist, Q."]
