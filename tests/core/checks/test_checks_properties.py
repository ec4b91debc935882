"""Properties: consistent counts give no errors; any change is found."""

from __future__ import annotations

from checks_builders import Row, count
from hypothesis import given, settings
from hypothesis import strategies as st

from openuitslag.core.checks.arithmetic import check_arithmetic
from openuitslag.core.checks.reconcile import check_unit_sums
from openuitslag.core.errors import Severity
from openuitslag.core.findings import Finding

votes = st.tuples(*[st.integers(0, 5_000)] * 3)
stations = st.lists(votes, min_size=1, max_size=30)


def rows(candidates: list[tuple[int, int, int]]) -> list[Row]:
    return [Row(f"0482::SB{i + 1}", c) for i, c in enumerate(candidates)]


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]


@settings(max_examples=60, deadline=None)
@given(stations)
def test_consistent_stations_and_their_sum_give_no_errors(
    candidates: list[tuple[int, int, int]],
) -> None:
    document = count(rows(candidates))

    assert errors(check_arithmetic(document) + check_unit_sums(document)) == []


@settings(max_examples=60, deadline=None)
@given(stations, st.data())
def test_one_changed_candidate_vote_is_found_where_it_is(
    candidates: list[tuple[int, int, int]], data: st.DataObject
) -> None:
    document = count(rows(candidates))
    station = data.draw(st.integers(0, len(candidates) - 1))
    column = data.draw(st.sampled_from([1, 2, 4]))  # a candidate's column
    delta = data.draw(st.sampled_from([-1, 1, 7]))
    tally = document.contests[0].unit_tally
    if tally.votes[station, column] + delta < 0:
        delta = 1
    tally.votes[station, column] += delta

    found = errors(check_arithmetic(document) + check_unit_sums(document))

    at_station = {f.code for f in found if f.reporting_unit == f"0482::SB{station + 1}"}
    # The list total no longer adds up (F.401 when that total is 0).
    assert at_station in ({"F.401"}, {"F.402"})
    assert "reconcile.unit-sum" in {f.code for f in found}
