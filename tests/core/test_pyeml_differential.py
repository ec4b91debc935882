"""The same numbers as the Kiesraad's own bindings, for every real EML file.

``pyeml-bindings`` is the Kiesraad's xsdata model of EML_NL. It is slow
(about 25 s for all bundled files) but independent of our reader, so
every file is parsed once by each and every number compared: all
ValidVotes per unit and selection, every counter, the lists and
candidates of the 230b, the elected of the 520 and the seats and regions
of the 110a.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from pyeml_bindings import Eml110a, Eml230, Eml510, Eml520
from xsdata.formats.dataclass.parsers import XmlParser
from xsdata.formats.dataclass.parsers.config import ParserConfig

from openuitslag.core.model import (
    COUNTER_INDEX,
    MISSING,
    CandidateLists,
    ContestCount,
    Count,
    ElectionDefinition,
    Result,
    Tally,
)
from openuitslag.core.read import read_document

DATA = Path(__file__).resolve().parents[2] / "data"
ZIPS = (
    DATA / "TK2021" / "EML_bestanden_TK2021_deel_1.zip",
    DATA / "TK2023" / "EML_bestanden_TK2023_selectie.zip",
    DATA / "PS2023_AB2023" / "Verkiezingsdefinities_PS2023_AB2023.zip",
)
PARSER = XmlParser(ParserConfig(fail_on_unknown_properties=False))


def _entries() -> list[tuple[Path, str]]:
    found = []
    for archive in ZIPS:
        with zipfile.ZipFile(archive) as bundle:
            found += [(archive, n) for n in bundle.namelist() if n.endswith(".xml")]
    return found


ENTRIES = _entries()
CORPUS = Path(__file__).parent / "badinput" / "eml"
BASES = sorted(p.name for p in CORPUS.glob("valid_*.xml") if "110b" not in p.name)


def test_every_real_eml_file_is_compared() -> None:
    assert len(ENTRIES) == 42 + 4 + 4


@pytest.mark.parametrize(("archive", "entry"), ENTRIES, ids=[e for _, e in ENTRIES])
def test_the_kiesraad_bindings_read_the_same(archive: Path, entry: str) -> None:
    with zipfile.ZipFile(archive) as bundle:
        data = bundle.read(entry)
    ours = read_document(data, entry)

    if isinstance(ours, Count):
        _same_count(ours, PARSER.from_bytes(data, Eml510))
    elif isinstance(ours, CandidateLists):
        _same_lists(ours, PARSER.from_bytes(data, Eml230))
    elif isinstance(ours, Result):
        _same_result(ours, PARSER.from_bytes(data, Eml520))
    elif isinstance(ours, ElectionDefinition):
        _same_definition(ours, PARSER.from_bytes(data, Eml110a))
    else:
        pytest.fail(f"no comparison for {type(ours).__name__}")


@pytest.mark.parametrize("name", BASES)
def test_the_bindings_agree_on_the_small_bases_and_2026_additions(name: str) -> None:
    data = (CORPUS / name).read_bytes()
    ours = read_document(data, name)

    binding = {Count: Eml510, CandidateLists: Eml230, Result: Eml520}.get(
        type(ours), Eml110a
    )
    theirs = PARSER.from_bytes(data, binding)
    compare = {
        Count: _same_count,
        CandidateLists: _same_lists,
        Result: _same_result,
        ElectionDefinition: _same_definition,
    }[type(ours)]
    compare(ours, theirs)  # type: ignore[operator]


# -- 510 ------------------------------------------------------------------


def _same_count(ours: Count, theirs: Any) -> None:
    authority = theirs.managing_authority.authority_identifier
    assert (ours.authority.id, ours.authority.name) == (authority.id, authority.value)
    assert ours.election.id == theirs.count.election.election_identifier.id

    contests = theirs.count.election.contests.contest
    assert len(ours.contests) == len(contests)
    for contest, their_contest in zip(ours.contests, contests, strict=True):
        assert contest.contest_id == their_contest.contest_identifier.id
        if their_contest.total_votes is None:
            assert contest.total is None
        else:
            assert contest.total is not None
            _same_row(contest, contest.total, 0, their_contest.total_votes)
        units = their_contest.reporting_unit_votes
        assert [u.id for u in contest.units] == [
            u.reporting_unit_identifier.id for u in units
        ]
        for row, unit in enumerate(units):
            _same_row(contest, contest.unit_tally, row, unit)
            _same_unit(contest, row, unit)


def _same_row(contest: ContestCount, tally: Tally, row: int, theirs: Any) -> None:
    columns = _column_index(contest)
    given = 0
    current = None
    for selection in theirs.selection:
        if selection.affiliation_identifier is not None:
            current = int(selection.affiliation_identifier.id)
            key: tuple[object, ...] = ("L", current)
        else:
            identifier = selection.candidate.candidate_identifier
            code = identifier.short_code_attribute
            by_code = any(contest.candidate_codes)
            key = (
                ("S", current, code) if by_code else ("C", current, int(identifier.id))
            )
        assert tally.votes[row, columns[key]] == selection.valid_votes, key
        given += 1
    assert int((tally.votes[row] != MISSING).sum()) == given

    expected = {"cast": theirs.cast, "total_counted": theirs.total_counted}
    for counter in [*theirs.rejected_votes, *theirs.uncounted_votes]:
        expected[counter.reason_code.value] = counter.value
    for name, index in COUNTER_INDEX.items():
        assert tally.counters[row, index] == expected.get(name, MISSING), name
    _initial_row(contest, tally, row, theirs)


def _same_unit(contest: ContestCount, row: int, theirs: Any) -> None:
    unit = contest.units[row]
    kind = theirs.reporting_unit_type
    assert unit.type == (None if kind is None else kind.value.value)
    investigations = theirs.reporting_unit_investigations
    expected = {}
    if investigations is not None:
        for item in investigations.investigation:
            expected[item.reason_code.value] = item.value
    assert dict(unit.investigations) == expected


def _initial_row(contest: ContestCount, tally: Tally, row: int, theirs: Any) -> None:
    initial = {}
    if theirs.initial_cast is not None:
        initial["cast"] = theirs.initial_cast.value
    if theirs.initial_total_counted is not None:
        initial["total_counted"] = theirs.initial_total_counted.value
    for counter in [*theirs.initial_rejected_votes, *theirs.initial_uncounted_votes]:
        initial[counter.reason_code.value] = counter.value
    votes = [
        s.initial_valid_votes.value
        for s in theirs.selection
        if s.initial_valid_votes is not None
    ]
    if tally.initial_counters is None or tally.initial_votes is None:
        assert not initial and not votes
        return
    for name, index in COUNTER_INDEX.items():
        assert tally.initial_counters[row, index] == initial.get(name, MISSING), name
    given = tally.initial_votes[row][tally.initial_votes[row] != MISSING]
    assert [int(v) for v in given] == votes


def _column_index(contest: ContestCount) -> dict[tuple[object, ...], int]:
    index: dict[tuple[object, ...], int] = {}
    for s, (lijst, number, code) in enumerate(
        zip(
            contest.list_numbers,
            contest.candidate_numbers,
            contest.candidate_codes,
            strict=True,
        )
    ):
        if code is not None:
            index[("S", int(lijst), code)] = s
        elif number == 0:
            index[("L", int(lijst))] = s
        else:
            index[("C", int(lijst), int(number))] = s
    return index


# -- 230b, 520, 110a ------------------------------------------------------


def _person(candidate: Any) -> tuple[object, ...]:
    full = candidate.candidate_full_name
    person = None if full is None else full.person_name

    def part(value: Any) -> object:
        return None if value is None or not value.content else value.content[0]

    gender = candidate.gender
    if gender is not None:
        gender = getattr(gender, "value", gender)
        gender = getattr(gender, "value", gender)
    return (
        None if person is None else part(person.name_line),
        None if person is None else part(person.first_name),
        None if person is None else part(person.name_prefix),
        None if person is None else part(person.last_name),
        gender,
    )


def _same_lists(ours: CandidateLists, theirs: Any) -> None:
    election = theirs.candidate_list.election
    election = election[0] if isinstance(election, list) else election
    contest = election.contest
    contest = contest[0] if isinstance(contest, list) else contest
    assert ours.contest_id == contest.contest_identifier.id

    assert len(ours.affiliations) == len(contest.affiliation)
    for lijst, their_list in zip(ours.affiliations, contest.affiliation, strict=True):
        identifier = their_list.affiliation_identifier
        assert lijst.number == int(identifier.id)
        assert lijst.name == (identifier.registered_name or "")
        assert [c.number for c in lijst.candidates] == [
            int(c.candidate_identifier.id) for c in their_list.candidate
        ]
        for candidate, their in zip(
            lijst.candidates, their_list.candidate, strict=True
        ):
            mine = (
                candidate.initials,
                candidate.first_name,
                candidate.prefix,
                candidate.last_name,
                candidate.gender,
            )
            assert mine == _person(their)


def _same_result(ours: Result, theirs: Any) -> None:
    elected = []
    names = {}
    current = None
    for contest in theirs.result.election.contest:
        for selection in contest.selection:
            if selection.affiliation_identifier is not None:
                current = int(selection.affiliation_identifier.id)
                names[current] = selection.affiliation_identifier.registered_name
                continue
            identifier = selection.candidate.candidate_identifier
            ranking = (
                None if selection.ranking is None else int(selection.ranking.value)
            )
            elected.append(
                (current, int(identifier.id), identifier.short_code_attribute, ranking)
            )

    assert dict(ours.list_names) == names
    assert [
        (e.list_number, e.candidate.number, e.candidate.short_code, e.ranking)
        for e in ours.elected
    ] == elected


def _same_definition(ours: ElectionDefinition, theirs: Any) -> None:
    election = theirs.election_event.election
    election = election[0] if isinstance(election, list) else election
    assert ours.number_of_seats == election.number_of_seats.value
    assert ours.preference_threshold == election.preference_threshold.value
    assert ours.election.id == election.election_identifier.id

    def number(value: object) -> str | None:
        return None if value is None else str(value)

    assert [
        (r.number or None, r.category, r.name, r.superior_number, r.superior_category)
        for r in ours.regions
    ] == [
        (
            number(r.region_number),
            r.region_category.value,
            r.region_name.value,
            number(r.superior_region_number),
            None
            if r.superior_region_category is None
            else r.superior_region_category.value,
        )
        for r in election.election_tree.region
    ]
