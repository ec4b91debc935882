"""compute_outcome on a municipal election built from model records.

The records are built by hand from the real GR2022 case of the domain
notes (15 seats, P 9) so that the whole path the verifier takes
(definition, candidate lists, count, official result) is exercised for a
single-kieskring election too.
"""

from __future__ import annotations

import datetime as dt

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
    ElectedCandidate,
    ElectionDefinition,
    ElectionIdentity,
    ReportingUnit,
    Result,
    Tally,
)
from openuitslag.core.seats import DECENTRAAL_KIESDELER, compute_outcome

GR2022_CANDIDATE_VOTES = [
    [1069, 303, 321, 210, 36, 101, 79, 121, 150, 149, 15, 17],
    [452, 39, 81, 76, 35, 109, 29, 25, 17, 6, 18, 9, 25, 30, 5, 18, 3],
    [229, 63, 65, 9, 10, 58, 29, 50, 6, 11, 37],
    [347, 33, 14, 82, 30, 30],
    [266, 36, 39, 36, 38, 38],
]
EXPECTED = {
    1: [1, 3, 2, 4, 5, 6, 7, 8],
    2: [1, 2, 3],
    3: [1, 2],
    4: [1],
    5: [1],
}
ELECTION = ElectionIdentity(
    "GR2022_Voorbeeld", "Gemeenteraad 2022", "GR", "GR1", date=dt.date(2022, 3, 16)
)
GSB = Authority("0001", "Voorbeeld")


def info(kind: DocumentKind) -> DocumentInfo:
    return DocumentInfo(f"hand-built {kind.value}", "0" * 64, 0, kind)


def candidate(list_number: int, number: int) -> Candidate:
    return Candidate(
        number, initials="A.", last_name=f"Kandidaat{list_number}x{number}"
    )


def definition(seats: int = 15) -> ElectionDefinition:
    return ElectionDefinition(
        info(DocumentKind.EML_110A), ELECTION, "geen", seats, 50, ()
    )


def candidate_lists(table: list[list[int]] = GR2022_CANDIDATE_VOTES) -> CandidateLists:
    affiliations = tuple(
        Affiliation(
            n + 1,
            f"Partij {n + 1}",
            candidates=tuple(candidate(n + 1, i + 1) for i in range(len(votes))),
        )
        for n, votes in enumerate(table)
    )
    return CandidateLists(
        info(DocumentKind.EML_230B), ELECTION, GSB, "geen", None, affiliations
    )


def count(
    with_total: bool = True, table: list[list[int]] = GR2022_CANDIDATE_VOTES
) -> Count:
    lists, numbers, values = [], [], []
    for n, votes in enumerate(table):
        lists.append(n + 1), numbers.append(0), values.append(sum(votes))
        for i, v in enumerate(votes):
            lists.append(n + 1), numbers.append(i + 1), values.append(v)
    row = np.array([values], dtype=np.int64)
    counters = np.full((1, len(COUNTERS)), MISSING, dtype=np.int64)
    contest = ContestCount(
        contest_id="geen",
        contest_name=None,
        list_numbers=np.array(lists, dtype=np.int32),
        candidate_numbers=np.array(numbers, dtype=np.int32),
        candidate_codes=(None,) * len(lists),
        list_names={},
        total=Tally(row, counters) if with_total else None,
        units=(ReportingUnit("0001::SB1", "Stembureau 1"),),
        unit_tally=Tally(row.copy(), counters.copy()),
    )
    return Count(info(DocumentKind.EML_510B), ELECTION, GSB, (contest,))


def official(expected: dict[int, list[int]]) -> Result:
    elected = tuple(
        ElectedCandidate(n, candidate(n, c)) for n, cs in expected.items() for c in cs
    )
    names = {n: f"Partij {n}" for n in expected}
    return Result(info(DocumentKind.EML_520), ELECTION, GSB, "geen", names, elected)


@pytest.mark.parametrize("with_total", [True, False])
def test_gr2022_real_case_through_compute_outcome(with_total: bool) -> None:
    outcome = compute_outcome(
        definition(),
        [candidate_lists()],
        count(with_total),
        official=official(EXPECTED),
    )

    assert outcome.seats == {1: 8, 2: 3, 3: 2, 4: 1, 5: 1}
    elected: dict[int, list[int]] = {}
    for n, c in outcome.elected:
        elected.setdefault(n, []).append(c.number or 0)
    assert elected == EXPECTED
    assert outcome.rule_version.id == "decentraal"
    assert outcome.matches_official is True
    assert any(step.article == "P 9" for step in outcome.steps)


def test_a_difference_with_the_official_result_is_reported() -> None:
    other = dict(EXPECTED)
    other[1] = [1, 3, 2, 4, 5, 6, 7, 9]

    outcome = compute_outcome(
        definition(), [candidate_lists()], count(), official=official(other)
    )

    assert outcome.matches_official is False


def test_deceased_candidate_is_passed_over() -> None:
    outcome = compute_outcome(
        definition(), [candidate_lists()], count(), deceased={"1.3"}
    )

    list_1 = [c.number for n, c in outcome.elected if n == 1]
    assert list_1 == [1, 2, 4, 5, 6, 7, 8, 9]
    assert outcome.matches_official is None


def test_rules_can_be_chosen_explicitly() -> None:
    outcome = compute_outcome(
        definition(), [candidate_lists()], count(), rules=DECENTRAAL_KIESDELER
    )

    assert outcome.rule_version is DECENTRAAL_KIESDELER
    assert sum(outcome.seats.values()) == 15


def test_json_shape_for_the_verifier() -> None:
    outcome = compute_outcome(definition(), [candidate_lists()], count())

    shape = outcome.as_dict()
    assert shape["seats"] == {"1": 8, "2": 3, "3": 2, "4": 1, "5": 1}
    assert isinstance(shape["elected"], list)
    assert len(shape["elected"]) == 15


def test_lists_in_several_kieskringen_need_the_central_count() -> None:
    second = CandidateLists(
        info(DocumentKind.EML_230B), ELECTION, GSB, "2", None,
        candidate_lists().affiliations,
    )  # fmt: skip
    first = CandidateLists(
        info(DocumentKind.EML_230B), ELECTION, GSB, "1", None,
        candidate_lists().affiliations,
    )  # fmt: skip

    with pytest.raises(ValueError, match="has no row for kieskring 1"):
        compute_outcome(definition(), [first, second], count())


def test_an_election_category_without_rules_is_refused() -> None:
    eerste_kamer = ElectionIdentity("EK2023", "Eerste Kamer", "EK")
    bad = ElectionDefinition(
        info(DocumentKind.EML_110A), eerste_kamer, "alle", 75, 0, ()
    )

    with pytest.raises(ValueError, match="'EK' on an unknown date is not implemented"):
        compute_outcome(bad, [candidate_lists()], count())


# The real GR2026 case: lists 3 and 9 tie at average 617 for the last of
# 33 seats; the lot went to list 9. Each list's votes sit on its first
# candidate here, as only the list totals are known.
GR2026_TABLE = [
    [v] + [0] * 19 for v in [8268, 4892, 1851, 2586, 1074, 1852, 1337, 573, 617]
]
GR2026_SEATS = {1: 13, 2: 7, 3: 2, 4: 4, 5: 1, 6: 3, 7: 2, 8: 0, 9: 1}


def gr2026_official() -> Result:
    return official({n: list(range(1, s + 1)) for n, s in GR2026_SEATS.items() if s})


def test_gr2026_lot_is_read_back_from_the_official_result() -> None:
    outcome = compute_outcome(
        definition(33),
        [candidate_lists(GR2026_TABLE)],
        count(table=GR2026_TABLE),
        official=gr2026_official(),
    )

    assert outcome.seats == GR2026_SEATS
    assert [(t.tied, t.chosen, t.resolved_by) for t in outcome.ties] == [
        ((3, 9), (9,), "official")
    ]
    assert outcome.matches_official is True


def test_gr2026_lot_given_by_the_user() -> None:
    outcome = compute_outcome(
        definition(33),
        [candidate_lists(GR2026_TABLE)],
        count(table=GR2026_TABLE),
        lots=[3],
        official=gr2026_official(),
    )

    assert outcome.seats[3] == 3
    assert outcome.seats[9] == 0
    assert outcome.ties[0].resolved_by == "given"
    assert outcome.matches_official is False


# A generated case where P 9 must take back one of two residual seats given
# at the same average (lists 2 and 3): only a lot can say which.
P9_TIE_TABLE = [[63] + [0] * 19, [24] + [0] * 19, [24] + [0] * 19, [13] + [0] * 19]


@pytest.mark.parametrize("loser", [2, 3])
def test_p9_lot_is_read_back_from_the_official_result(loser: int) -> None:
    seats = {1: 11, 2: 4, 3: 4, 4: 2}
    seats[loser] = 3
    result = official({n: list(range(1, s + 1)) for n, s in seats.items()})

    outcome = compute_outcome(
        definition(20),
        [candidate_lists(P9_TIE_TABLE)],
        count(table=P9_TIE_TABLE),
        official=result,
    )

    assert outcome.seats == seats
    assert outcome.ties[0].article == "P 9"
    assert outcome.ties[0].chosen == (loser,)
    assert outcome.ties[0].resolved_by == "official"


def test_two_candidate_lists_for_one_kieskring_are_refused() -> None:
    first = candidate_lists()
    second = CandidateLists(
        DocumentInfo("another 230b", "1" * 64, 0, DocumentKind.EML_230B),
        ELECTION, GSB, "geen", None, first.affiliations,
    )  # fmt: skip

    with pytest.raises(ValueError, match="Two candidate lists"):
        compute_outcome(definition(), [first, second], count())


def test_votes_for_a_list_without_candidate_list_are_noted() -> None:
    lists = candidate_lists()
    fewer = CandidateLists(
        lists.info, ELECTION, GSB, "geen", None, lists.affiliations[:4]
    )

    outcome = compute_outcome(definition(), [fewer], count())

    assert len(outcome.notes) == 1
    assert "453 votes to lijst 5" in outcome.notes[0]
    assert 5 not in outcome.seats
