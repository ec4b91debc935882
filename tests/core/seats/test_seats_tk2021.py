"""The Tweede Kamer 2021 result, recomputed from the bundled real files.

Must show (issue B): the seats of all 17 lists with seats equal the
official 520, and the 150 elected candidates equal the official ones by
ShortCode, across lijstengroepen, stellen gelijkluidende lijsten and
candidates standing in several kieskringen.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from tk2021_records import load

from openuitslag.core.model import Result
from openuitslag.core.seats import Outcome, compute_outcome

OFFICIAL_SEATS = {1: 34, 2: 17, 3: 15, 4: 24, 5: 8, 6: 9, 7: 9, 8: 5, 9: 6,
                  10: 1, 11: 3, 12: 3, 13: 8, 14: 1, 15: 3, 17: 3, 23: 1}  # fmt: skip


@pytest.fixture(scope="module")
def tk2021() -> tuple[Outcome, Result]:
    definition, lists, count, result = load()
    return compute_outcome(definition, lists, count, official=result), result


def test_seats_per_list_equal_the_official_result(
    tk2021: tuple[Outcome, Result],
) -> None:
    outcome, official = tk2021

    ours = {n: s for n, s in outcome.seats.items() if s}
    assert ours == OFFICIAL_SEATS
    assert official.seats() == OFFICIAL_SEATS
    assert len(ours) == 17
    assert sum(ours.values()) == 150


def test_the_150_elected_equal_the_official_ones_by_short_code(
    tk2021: tuple[Outcome, Result],
) -> None:
    outcome, official = tk2021

    ours = sorted((n, c.short_code or "") for n, c in outcome.elected)
    theirs = sorted(
        (e.list_number, e.candidate.short_code or "") for e in official.elected
    )
    assert len(ours) == 150
    assert ours == theirs
    assert outcome.matches_official is True


def test_preference_elected_equal_the_official_ranking_1(
    tk2021: tuple[Outcome, Result],
) -> None:
    outcome, official = tk2021

    theirs = {
        (e.list_number, e.candidate.short_code or "")
        for e in official.elected
        if e.ranking == 1
    }
    assert len(theirs) == 43
    assert outcome.by_preference == theirs


def test_the_calculation_is_explained_and_needs_no_lots(
    tk2021: tuple[Outcome, Result],
) -> None:
    outcome, _ = tk2021

    assert outcome.rule_version.id == "tk"
    assert outcome.ties == ()
    assert outcome.notes == ()
    assert outcome.preference_threshold == outcome.apportionment.quota / 4
    assert isinstance(outcome.apportionment.quota, Fraction)
    articles = {step.article.split(" lid")[0] for step in outcome.steps}
    assert {"P 5", "P 6", "P 7", "P 12", "P 15", "P 17", "P 18"} <= articles


def test_lijstengroepen_share_their_seats_over_their_lists(
    tk2021: tuple[Outcome, Result],
) -> None:
    outcome, _ = tk2021

    groups = {n: s for n, s in outcome.list_seats.items() if len(s) > 1}
    assert sorted(groups) == [3, 4, 6, 7]  # CDA, D66, SP, PvdA
    assert all(sum(s.values()) == outcome.seats[n] for n, s in groups.items())
    assert sorted(groups[6]) == ["stel 1", "stel 2", "stel 3", "stel 4", "stel 5"]


def test_a_candidate_in_every_kieskring_is_elected_once(
    tk2021: tuple[Outcome, Result],
) -> None:
    outcome, _ = tk2021

    codes = [c.short_code for _, c in outcome.elected]
    assert len(set(codes)) == 150
    assert "HoekstraWB" in codes
    assert "OmtzigtPH" in codes
