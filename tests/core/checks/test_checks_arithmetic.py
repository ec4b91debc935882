"""The proces-verbaal arithmetic, one rule at a time, on hand-built rows."""

from __future__ import annotations

import pytest
from checks_builders import Row, codes, count

from openuitslag.core.checks.arithmetic import check_arithmetic
from openuitslag.core.errors import Severity


def test_consistent_rows_give_no_findings() -> None:
    assert check_arithmetic(count([Row("0482::SB1"), Row("0482::SB2")])) == []


def test_admitted_voters_must_be_a_plus_b_plus_c() -> None:
    row = Row("0482::SB1", counters={"geldige stempassen": 90})

    findings = check_arithmetic(count([row], sum_total=False))

    assert codes(findings) == ["F.201"]
    assert (findings[0].expected, findings[0].found) == (90, 101)
    assert findings[0].reporting_unit == "0482::SB1"
    assert "A + B + C" in findings[0].message_nl


def test_list_totals_must_add_up_to_e() -> None:
    row = Row("0482::SB1", counters={"total_counted": 99, "toegelaten kiezers": 100})
    row.counters = {**row.counters, "geldige stempassen": 100}

    findings = check_arithmetic(count([row], sum_total=False))

    assert codes(findings) == ["F.202"]
    assert (findings[0].expected, findings[0].found) == (100, 99)


def test_zero_e_with_votes_on_lists_is_f204() -> None:
    row = Row(
        "0482::SB1",
        counters={"total_counted": 0, "toegelaten kiezers": 1, "geldige stempassen": 1},
    )

    assert "F.204" in codes(check_arithmetic(count([row], sum_total=False)))


@pytest.mark.parametrize(
    ("list_votes", "code", "expected", "found"),
    [((0, 10), "F.401", 90, 0), ((91, 10), "F.402", 90, 91)],
)
def test_list_total_must_be_the_sum_of_its_candidates(
    list_votes: tuple[int, int], code: str, expected: int, found: int
) -> None:
    row = Row("0482::SB1", list_votes=list_votes)
    e = sum(list_votes)
    row.counters = {
        "total_counted": e,
        "ongeldig": 0,
        "toegelaten kiezers": e,
        "geldige stempassen": e,
    }

    findings = [f for f in check_arithmetic(count([row], sum_total=False))]

    assert codes(findings) == [code]
    assert findings[0].list == 1
    assert (findings[0].expected, findings[0].found) == (expected, found)


@pytest.mark.parametrize(
    ("admitted", "more", "fewer", "expected_codes"),
    [
        (101, 1, 0, ["F.305"]),  # D = H, yet I is not 0
        (99, 1, 0, ["F.306"]),  # H > D by 2, I says 1
        (99, 2, 1, ["F.307"]),  # H > D, J must be 0
        (103, 0, 1, ["F.308"]),  # H < D by 2, J says 1
        (103, 1, 2, ["F.309"]),  # H < D, I must be 0
        (99, 2, 0, []),
        (103, 0, 2, []),
    ],
)
def test_station_differences(
    admitted: int, more: int, fewer: int, expected_codes: list[str]
) -> None:
    row = Row(
        "0482::SB1",
        counters={
            "toegelaten kiezers": admitted,
            "geldige stempassen": admitted,
            "meer getelde stembiljetten": more,
            "minder getelde stembiljetten": fewer,
        },
    )

    findings = check_arithmetic(count([row], sum_total=False))

    assert codes(findings) == expected_codes


def test_a_municipal_total_must_satisfy_d_is_h_minus_i_plus_j() -> None:
    total = Row(
        "0482",
        counters={
            "toegelaten kiezers": 101,
            "geldige stempassen": 101,
            "meer getelde stembiljetten": 5,
            "minder getelde stembiljetten": 3,
        },
    )

    findings = check_arithmetic(count([], total=total, sum_total=False))

    assert codes(findings) == ["F.312"]
    assert (findings[0].expected, findings[0].found) == (99, 101)
    assert findings[0].reporting_unit is None


@pytest.mark.parametrize(
    ("counters", "code"),
    [
        ({"blanco": 4}, "W.201"),
        ({"ongeldig": 4}, "W.202"),
    ],
)
def test_three_percent_blank_or_invalid_is_a_warning(
    counters: dict[str, int], code: str
) -> None:
    h = 100 + counters.get("blanco", 0) + counters.get("ongeldig", 1)
    row = Row(
        "0482::SB1",
        counters={**counters, "toegelaten kiezers": h, "geldige stempassen": h},
    )

    findings = check_arithmetic(count([row], sum_total=False))

    assert codes(findings) == [code]
    assert findings[0].severity is Severity.WARNING


def test_just_under_three_percent_is_fine() -> None:
    # 3 of 104 is 2.9 %: ceil(3 × 104 / 100) = 4 would be needed.
    row = Row(
        "0482::SB1",
        counters={"blanco": 3, "toegelaten kiezers": 104, "geldige stempassen": 104},
    )

    assert check_arithmetic(count([row], sum_total=False)) == []


@pytest.mark.parametrize(("admitted", "warned"), [(116, True), (114, False)])
def test_difference_of_fifteen_ballots_is_w203(admitted: int, warned: bool) -> None:
    # H = 101 and 2 % of it is 2.02, so only |D − H| ≥ 15 counts here
    # once the station is big; a small one trips the 2 % rule first.
    big = Row(
        "0482::SB1",
        candidates=(600, 300, 100),
        counters={
            "ongeldig": 0,
            "toegelaten kiezers": 1000 + admitted - 101,
            "geldige stempassen": 1000 + admitted - 101,
            "minder getelde stembiljetten": admitted - 101,
        },
    )

    found = codes(check_arithmetic(count([big], sum_total=False)))

    assert ("W.203" in found) is warned


def test_no_votes_is_w204() -> None:
    row = Row(
        "0482::SB1",
        candidates=(0, 0, 0),
        counters={"ongeldig": 0, "toegelaten kiezers": 0, "geldige stempassen": 0},
    )

    assert codes(check_arithmetic(count([row], sum_total=False))) == ["W.204"]


def test_zero_electorate_on_a_municipal_row_is_w205() -> None:
    rows = [
        Row("HSB10::0392", name="Haarlem", counters={"cast": 0}),
        Row("HSB10::0377", counters={"cast": 400}),
    ]
    kieskring = count(rows, authority="HSB10", authority_name="Haarlem")

    findings = check_arithmetic(kieskring)

    assert codes(findings) == ["W.205"]
    assert findings[0].reporting_unit == "HSB10::0392"


def test_zero_electorate_at_stations_is_one_notice() -> None:
    rows = [
        Row("0482::SB1", counters={"cast": 0}),
        Row("0482::SB2", counters={"cast": 0}),
    ]

    findings = check_arithmetic(count(rows, total=Row("0482")))

    assert codes(findings) == ["count.station-electorate-unknown"]
    assert findings[0].severity is Severity.NOTICE
    assert findings[0].found == 2


def test_more_ballots_than_electorate_names_the_rows_with_zero() -> None:
    rows = [
        Row("HSB10::0392", name="Haarlem", counters={"cast": 0}),
        Row("HSB10::0377", counters={"cast": 150}),
    ]

    findings = check_arithmetic(count(rows, authority="HSB10"))

    over = [f for f in findings if f.code == "count.votes-exceed-electorate"]
    assert len(over) == 1 and over[0].reporting_unit is None
    assert (over[0].expected, over[0].found) == ("<= 150", 202)
    assert "Haarlem" in over[0].message_nl and "Haarlem" in over[0].message_en


def test_differences_without_explanation_are_notices() -> None:
    row = Row(
        "0482::SB1",
        counters={
            "toegelaten kiezers": 104,
            "geldige stempassen": 104,
            "minder getelde stembiljetten": 3,
            "geen verklaring": 1,
            "meegenomen stembiljetten": 1,
        },
    )

    findings = check_arithmetic(count([row], sum_total=False))

    assert codes(findings) == [
        "W.203",  # 3 of 101 is more than 2 %
        "count.difference-unexplained",
        "count.explanation-mismatch",
    ]
    mismatch = next(f for f in findings if f.code.endswith("mismatch"))
    assert (mismatch.expected, mismatch.found) == (3, 2)


def test_no_invalid_votes_where_many_were_expected() -> None:
    many = (6000, 3000, 1000)
    rows = [
        Row(f"HSB19::{n:04d}", candidates=many, counters={"ongeldig": 30})
        for n in range(1, 5)
    ] + [Row("HSB19::0971", name="Stein", candidates=many, counters={"ongeldig": 0})]

    findings = check_arithmetic(count(rows, authority="HSB19"))

    stein = [f for f in findings if f.code == "count.no-invalid-votes"]
    assert [f.reporting_unit for f in stein] == ["HSB19::0971"]
    assert stein[0].found == 0 and stein[0].expected == 24


def test_every_finding_is_collected_not_just_the_first() -> None:
    rows = [Row(f"0482::SB{n}", counters={"geldige stempassen": 0}) for n in range(50)]

    assert codes(check_arithmetic(count(rows))) == ["F.201"] * 51


def test_a_list_with_0_votes_where_its_share_predicts_many() -> None:
    rows = [Row(f"HSB14::{n:04d}", candidates=(600, 300, 100)) for n in range(1, 4)]
    rows.append(Row("HSB14::0531", name="Hendrik-Ido-Ambacht", candidates=(0, 0, 1000)))
    for row in rows:
        e = sum(row.candidates)
        row.counters = {"toegelaten kiezers": e + 1, "geldige stempassen": e + 1}

    findings = check_arithmetic(count(rows, authority="HSB14"))

    zero = [f for f in findings if f.code == "count.list-zero-votes"]
    assert [(f.reporting_unit, f.list, f.found) for f in zero] == [
        ("HSB14::0531", 1, 0)
    ]
    assert zero[0].expected == 675  # 2700 of 4000 votes, times 1000
    deviates = {f.list for f in findings if f.code == "count.list-share-deviates"}
    assert deviates == {2}  # 100 % against 10 %; list 1 is reported as 0


def test_a_candidate_with_0_votes_where_a_typical_row_gives_many() -> None:
    rows = [Row(f"0482::SB{n}", candidates=(600, 300, 100)) for n in range(1, 5)]
    # The votes of list 1's candidate 1 were booked on candidate 2.
    rows.append(Row("0482::SB9", candidates=(0, 900, 100)))

    findings = check_arithmetic(count(rows))

    zero = [f for f in findings if f.code == "count.candidate-zero-votes"]
    assert [(f.reporting_unit, f.list, f.candidate, f.expected) for f in zero] == [
        ("0482::SB9", 1, "1", 600)
    ]
