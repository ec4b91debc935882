"""Seat apportionment against every acceptance case of the domain notes.

The cases are the abacus acceptance cases listed in
``eml-and-rules.md`` §3, including the real GR2022 cases (P 9, P 10) and
the real GR2026 case that needed lots.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from openuitslag.core.seats import (
    DECENTRAAL,
    DECENTRAAL_KIESDELER,
    TK,
    apportion,
    rules_for,
)


def numbered(values: list[int]) -> dict[int, int]:
    """Return list number (1-based) → value."""
    return {i + 1: v for i, v in enumerate(values)}


CASES = [
    # id, seats, votes, candidates (None: 50 each), expected seats
    ("lt19-basic", 15, [480, 160, 160, 160, 80, 80, 80], None, [6, 2, 2, 2, 1, 1, 1]),
    (
        "lt19-zero-seat",
        15,
        [540, 160, 160, 80, 80, 80, 60, 40],
        None,
        [7, 2, 2, 1, 1, 1, 1, 0],
    ),
    (
        "lt19-only-one-meets-75pct",
        15,
        [808, 59, 58, 57, 56, 55, 54, 53],
        None,
        [12, 1, 1, 1, 0, 0, 0, 0],
    ),
    (
        "lt19-large-lists",
        15,
        [480, 240, 240, 55, 50, 45, 45, 45],
        None,
        [7, 4, 4, 0, 0, 0, 0, 0],
    ),
    (
        "lt19-three-seats",
        3,
        [8, 7, 6, 5, 4, 3, 2, 1, 1, 1],
        None,
        [1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
    ),
    ("gr2022-p9", 15, [2571, 977, 567, 536, 453], None, [8, 3, 2, 1, 1]),
    ("exactly-half-no-p9", 15, [2552, 987, 570, 539, 456], None, [7, 3, 2, 2, 1]),
    (
        "gr2022-p10",
        17,
        [1116, 485, 832, 658, 601, 649, 606, 326, 1184, 716, 380],
        [17, 6, 11, 11, 10, 8, 13, 14, 12, 1, 6],
        [3, 1, 2, 2, 1, 2, 1, 0, 3, 1, 1],
    ),
    ("p9-and-p10", 15, [2571, 977, 567, 536, 453], [7, 4, 2, 2, 2], [7, 3, 2, 2, 1]),
    (
        "p10-in-full-seats",
        15,
        [2000, 1600, 1200, 800, 400],
        [4, 4, 3, 2, 2],
        [4, 4, 3, 2, 2],
    ),
    (
        "p10-seat-left-empty",
        15,
        [2000, 1600, 1200, 800, 400],
        [4, 4, 3, 2, 1],
        [4, 4, 3, 2, 1],
    ),
    ("ge19-basic", 25, [576, 288, 96, 96, 96, 48], None, [12, 6, 2, 2, 2, 1]),
    ("ge19-below-quota-gets-seat", 23, [600, 302, 98, 99, 101], None, [12, 6, 1, 2, 2]),
    (
        "ge19-many-small",
        19,
        [808, 57, 56, 55, 54, 53, 52, 51, 14],
        None,
        [15, 1, 1, 1, 1, 0, 0, 0, 0],
    ),
    (
        "ge19-p9",
        24,
        [7501, 1249, 1249, 1249, 1249, 1249, 1248, 7],
        None,
        [13, 2, 2, 2, 2, 2, 1, 0],
    ),
    ("ge19-p10", 19, [1599, 1598, 1598, 1598, 1004], [5, 5, 5, 5, 2], [5, 4, 4, 4, 2]),
    ("zero-votes-no-seats", 10, [500, 0, 0, 0, 0], [5, 1, 1, 1, 1], [5, 0, 0, 0, 0]),
    ("api-15", 15, [808, 59, 58, 57, 56, 55, 54, 53], None, [12, 1, 1, 1, 0, 0, 0, 0]),
    ("api-23", 23, [600, 302, 98, 99, 101], None, [12, 6, 1, 2, 2]),
]


@pytest.mark.parametrize(
    ("seats", "votes", "candidates", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_acceptance_case(
    seats: int, votes: list[int], candidates: list[int] | None, expected: list[int]
) -> None:
    counts = numbered(candidates or [50] * len(votes))
    result = apportion(numbered(votes), seats, DECENTRAAL, candidates=counts)

    assert result.seats == numbered(expected)
    assert result.unassigned == seats - sum(expected)
    assert not result.ties


def test_gr2022_p9_explains_the_moved_seat() -> None:
    result = apportion(numbered([2571, 977, 567, 536, 453]), 15, DECENTRAAL)

    assert result.quota == Fraction(5104, 15)
    assert result.full_seats == numbered([7, 2, 1, 1, 1])
    moved = [s for s in result.steps if s.article == "P 9"]
    assert len(moved) == 1
    assert moved[0].numbers["from"] == 4
    assert moved[0].numbers["to"] == 1


def test_gr2022_p10_moves_list_10_seat_to_list_6() -> None:
    votes = numbered([1116, 485, 832, 658, 601, 649, 606, 326, 1184, 716, 380])
    cands = numbered([17, 6, 11, 11, 10, 8, 13, 14, 12, 1, 6])
    unlimited = apportion(votes, 17, DECENTRAAL)
    result = apportion(votes, 17, DECENTRAAL, candidates=cands)

    assert unlimited.seats[10] == 2
    assert unlimited.seats[6] == 1
    assert result.residual_seats[10] == 0
    assert result.residual_seats[6] == 1


def test_api_29_seats_leaves_the_rest_unassigned() -> None:
    result = apportion(
        numbered([1000, 1000]), 29, DECENTRAAL, candidates=numbered([2, 2])
    )

    assert result.seats == {1: 2, 2: 2}
    assert result.unassigned == 25


GR2026 = [8268, 4892, 1851, 2586, 1074, 1852, 1337, 573, 617]


def test_gr2026_tie_without_a_draw_is_reported_unresolved() -> None:
    result = apportion(numbered(GR2026), 33, DECENTRAAL)

    assert len(result.ties) == 1
    tie = result.ties[0]
    assert tie.tied == (3, 9)
    assert tie.value == 617
    assert not tie.resolved
    assert result.needs_lots


def test_gr2026_tie_with_the_drawn_list() -> None:
    result = apportion(numbered(GR2026), 33, DECENTRAAL, lots=[9])

    assert result.seats == numbered([13, 7, 2, 4, 1, 3, 2, 0, 1])
    assert result.ties[0].chosen == (9,)
    assert result.ties[0].resolved_by == "given"


def test_gr2026_tie_resolved_from_the_official_result() -> None:
    official = numbered([13, 7, 2, 4, 1, 3, 2, 0, 1])

    def prefer(tied: tuple[int, ...]) -> int | None:
        wanted = [n for n in tied if official[n] > (2 if n == 3 else 0)]
        return wanted[0] if len(wanted) == 1 else None

    result = apportion(numbered(GR2026), 33, DECENTRAAL, prefer=prefer)

    assert result.seats == official
    assert result.ties[0].resolved_by == "official"


def test_a_draw_that_is_not_in_the_tie_is_refused() -> None:
    with pytest.raises(ValueError, match="not one of the tied numbers"):
        apportion(numbered(GR2026), 33, DECENTRAAL, lots=[4])


def test_tk_rules_give_no_residual_seat_below_the_quota() -> None:
    # 23 seats, quota 1200/23 ≈ 52.2: list 3 (50 votes) is below it.
    votes = numbered([710, 440, 50])
    decentral = apportion(votes, 23, DECENTRAAL)
    national = apportion(votes, 23, TK)

    assert decentral.seats[3] == 1
    assert national.seats[3] == 0
    assert sum(national.seats.values()) == 23


def test_bill_36641_applies_the_quota_to_small_bodies_too() -> None:
    votes = numbered([480, 160, 160, 160, 80, 80, 80])
    result = apportion(votes, 15, DECENTRAAL_KIESDELER)

    # quota 80: lists 5-7 have exactly the quota and keep their full seat.
    assert result.seats == numbered([6, 2, 2, 2, 1, 1, 1])
    assert result.rule_version == "decentraal-restzetels-kiesdeler"


def test_no_votes_assigns_no_seat() -> None:
    result = apportion(numbered([0, 0]), 5, DECENTRAAL)

    assert result.seats == {1: 0, 2: 0}
    assert result.unassigned == 5


@pytest.mark.parametrize(
    ("votes", "seats", "message"),
    [
        ({1: -1}, 5, "negative number of votes"),
        ({1: 10}, 0, "must be positive"),
    ],
)
def test_bad_input_is_refused_with_a_sentence(
    votes: dict[int, int], seats: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        apportion(votes, seats, DECENTRAAL)


@pytest.mark.parametrize(
    ("category", "date", "expected"),
    [
        ("TK", dt.date(2021, 3, 17), "tk"),
        ("EP", None, "tk"),
        ("GR", dt.date(2022, 3, 16), "decentraal"),
        ("GR", dt.date(2026, 3, 18), "decentraal"),
        ("PS", dt.date(2023, 3, 15), "decentraal"),
        ("AB", dt.date(2023, 3, 15), "decentraal"),
    ],
)
def test_rule_version_is_chosen_by_category_and_date(
    category: str, date: dt.date | None, expected: str
) -> None:
    assert rules_for(category, date).id == expected


def test_tk_rules_before_the_1989_kieswet_are_not_implemented() -> None:
    with pytest.raises(ValueError, match="'TK' on 1986-05-21 is not implemented"):
        rules_for("TK", dt.date(1986, 5, 21))
