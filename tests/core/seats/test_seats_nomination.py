"""Candidate nomination: preference threshold, order, deceased and ties."""

from __future__ import annotations

from fractions import Fraction

import pytest

from openuitslag.core.seats import DECENTRAAL, apportion
from openuitslag.core.seats.nominate import (
    CandidateVotes,
    nominate,
    preference_threshold,
)


def in_list_order(votes: list[int], deceased: frozenset[int] = frozenset()):
    """Return candidates numbered 1.. with these votes."""
    return [CandidateVotes(i + 1, v, i + 1 in deceased) for i, v in enumerate(votes)]


GR2022_LIST_1 = [1069, 303, 321, 210, 36, 101, 79, 121, 150, 149, 15, 17]


def test_gr2022_real_case_nomination_order() -> None:
    votes = {1: 2571, 2: 977, 3: 567, 4: 536, 5: 453}
    seats = apportion(votes, 15, DECENTRAAL)
    threshold = preference_threshold(seats.quota, 15)

    result = nominate(1, in_list_order(GR2022_LIST_1), seats.seats[1], threshold)

    assert threshold == Fraction(5104, 30)
    assert result.preference == (1, 3, 2, 4)
    assert result.others == (5, 6, 7, 8)
    assert result.elected == (1, 3, 2, 4, 5, 6, 7, 8)
    assert result.ranking == (1, 3, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12)


# GR2026 real case: list 1 won 13 of 33 seats; the domain notes give its
# preference order (1, 26, 3, 2, 8, 5, 4, 11, 9, 12, 25) but not the
# candidate votes, so these votes are constructed to have that order.
GR2026_ORDER = [1, 26, 3, 2, 8, 5, 4, 11, 9, 12, 25]


def test_gr2026_real_case_nomination_order() -> None:
    votes = {1: 8268, 2: 4892, 3: 1851, 4: 2586, 5: 1074, 6: 1852, 7: 1337,
             8: 573, 9: 617}  # fmt: skip
    seats = apportion(votes, 33, DECENTRAAL, lots=[9])
    threshold = preference_threshold(seats.quota, 33)
    candidate_votes = dict.fromkeys(range(1, 31), 20)
    for rank, number in enumerate(GR2026_ORDER):
        candidate_votes[number] = 3000 - 200 * rank
    candidates = [CandidateVotes(n, v) for n, v in candidate_votes.items()]

    result = nominate(1, candidates, seats.seats[1], threshold)

    assert seats.seats[1] == 13
    assert threshold == Fraction(23050, 132)
    assert result.preference == tuple(GR2026_ORDER)
    assert result.others == (6, 7)


def test_votes_equal_to_the_threshold_do_not_qualify() -> None:
    result = nominate(1, in_list_order([10, 50, 51]), 2, Fraction(50))

    assert result.preference == (3,)
    assert result.others == (1,)


def test_deceased_candidates_are_skipped() -> None:
    cands = in_list_order([500, 10, 10, 10], deceased=frozenset({1, 2}))

    result = nominate(1, cands, 2, Fraction(100))

    assert result.elected == (3, 4)
    assert [s.article for s in result.steps] == ["P 17"]


def test_seats_beyond_the_living_candidates_stay_vacant() -> None:
    cands = in_list_order([5, 5], deceased=frozenset({2}))

    result = nominate(1, cands, 2, Fraction(100))

    assert result.elected == (1,)
    assert result.vacant == 1
    assert result.steps[-1].article == "P 19a"


def test_more_qualifiers_than_seats_go_by_votes() -> None:
    result = nominate(1, in_list_order([500, 0, 600, 700]), 2, Fraction(100))

    assert result.preference == (4, 3)
    assert result.others == ()
    assert result.ranking == (4, 3, 1, 2)


def test_tie_at_the_cut_off_is_reported() -> None:
    result = nominate(1, in_list_order([300, 200, 200]), 2, Fraction(100))

    assert result.preference == (1, 2)
    assert len(result.ties) == 1
    assert result.ties[0].tied == (2, 3)
    assert not result.ties[0].resolved


@pytest.mark.parametrize(("drawn", "elected"), [([3], (1, 3)), ([2], (1, 2))])
def test_tie_at_the_cut_off_takes_the_drawn_candidate(
    drawn: list[int], elected: tuple[int, ...]
) -> None:
    cands = in_list_order([300, 200, 200])

    result = nominate(1, cands, 2, Fraction(100), lots=drawn)

    assert result.preference == elected
    assert result.ties[0].resolved_by == "given"
