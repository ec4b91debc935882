"""Properties every apportionment must have, checked on generated elections.

Ties are avoided where a property would otherwise depend on the lot: a
generated election with an unresolved tie is skipped with ``assume``.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from openuitslag.core.seats import (
    DECENTRAAL,
    TK,
    CandidateVotes,
    Lots,
    RuleVersion,
    apportion,
    nominate,
)

votes_lists = st.lists(st.integers(0, 50_000), min_size=1, max_size=12)
seat_counts = st.integers(1, 60)
rule_versions = st.sampled_from([DECENTRAAL, TK])


def numbered(values: list[int]) -> dict[int, int]:
    return {i + 1: v for i, v in enumerate(values)}


@settings(max_examples=300, deadline=None)
@given(votes=votes_lists, seats=seat_counts, rules=rule_versions)
def test_seats_sum_to_the_total(
    votes: list[int], seats: int, rules: RuleVersion
) -> None:
    assume(sum(votes) > 0)
    # Under P 7(2) a residual seat needs a list that reached the quota.
    assume(rules is not TK or max(votes) * seats >= sum(votes))
    result = apportion(numbered(votes), seats, rules)

    assert sum(result.seats.values()) == seats
    assert result.unassigned == 0


@settings(max_examples=300, deadline=None)
@given(
    votes=votes_lists,
    seats=seat_counts,
    cands=st.lists(st.integers(0, 8), min_size=12, max_size=12),
)
def test_exhausted_lists_leave_seats_only_when_all_are_full(
    votes: list[int], seats: int, cands: list[int]
) -> None:
    assume(sum(votes) > 0)
    counts = numbered(cands[: len(votes)])
    result = apportion(numbered(votes), seats, DECENTRAAL, candidates=counts)

    assert sum(result.seats.values()) + result.unassigned == seats
    assert all(result.seats[n] <= counts[n] for n in counts)
    if result.unassigned:
        open_lists = [
            n for n in counts if votes[n - 1] > 0 and result.seats[n] < counts[n]
        ]
        assert open_lists == []


@settings(max_examples=300, deadline=None)
@given(
    votes=votes_lists,
    seats=st.integers(19, 60),
    extra=st.integers(1, 5_000),
    which=st.integers(0, 11),
)
def test_more_votes_never_lose_a_seat_under_highest_averages(
    votes: list[int], seats: int, extra: int, which: int
) -> None:
    assume(sum(votes) > 0)
    index = which % len(votes)
    more = list(votes)
    more[index] += extra
    before = apportion(numbered(votes), seats, DECENTRAAL)
    after = apportion(numbered(more), seats, DECENTRAAL)
    assume(not before.ties and not after.ties)

    assert after.seats[index + 1] >= before.seats[index + 1]


@settings(max_examples=300, deadline=None)
@given(
    votes=votes_lists,
    seats=seat_counts,
    rules=rule_versions,
    order=st.randoms(use_true_random=False),
)
def test_permuting_the_lists_permutes_the_seats(
    votes: list[int], seats: int, rules: RuleVersion, order: object
) -> None:
    assume(sum(votes) > 0)
    numbers = list(range(1, len(votes) + 1))
    shuffled = list(numbers)
    order.shuffle(shuffled)  # type: ignore[attr-defined]
    relabel = dict(zip(numbers, shuffled, strict=True))

    plain = apportion(numbered(votes), seats, rules)
    permuted = apportion(
        {relabel[n]: v for n, v in numbered(votes).items()}, seats, rules
    )
    assume(not plain.ties and not permuted.ties)

    assert {relabel[n]: s for n, s in plain.seats.items()} == permuted.seats


@settings(max_examples=300, deadline=None)
@given(
    votes=st.lists(st.integers(0, 500), min_size=1, max_size=30),
    dead=st.sets(st.integers(1, 30), max_size=5),
    seats=st.integers(0, 30),
    threshold=st.fractions(min_value=0, max_value=400),
)
def test_nomination_elects_living_candidates_up_to_the_seats(
    votes: list[int], dead: set[int], seats: int, threshold: Fraction
) -> None:
    candidates = [CandidateVotes(i + 1, v, i + 1 in dead) for i, v in enumerate(votes)]
    living = [c for c in candidates if not c.deceased]

    result = nominate(1, candidates, seats, threshold, lots=Lots())

    assert len(result.elected) == min(seats, len(living))
    assert len(set(result.elected)) == len(result.elected)
    assert not set(result.elected) & dead
    assert all(votes[n - 1] > threshold for n in result.preference)
    assert sorted(result.ranking) == [c.number for c in living]
    preferred = [votes[n - 1] for n in result.preference]
    assert preferred == sorted(preferred, reverse=True)
