"""Lijstengroepen: sharing seats (P 12) and double elections (P 18)."""

from __future__ import annotations

from openuitslag.core.model import Candidate
from openuitslag.core.seats import Lots
from openuitslag.core.seats.groups import (
    SubList,
    distribute_group,
    person,
    resolve_double_elections,
)


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
