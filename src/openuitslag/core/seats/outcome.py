"""The whole result of an election recomputed from its official records.

:func:`compute_outcome` is what the verifier calls: from the election
definition (110a), the candidate lists (230b, one per kieskring) and the
count (510) it recomputes the seats per list and the elected candidates,
and, given the official result (520), says whether they match. Ties the
law settles by lot are resolved from the official result where it shows
the outcome, and reported either way.

Steps, in the order of chapter P: the national apportionment over lists
and lijstengroepen (P 5–P 10), the distribution of a group's seats over
its lists (P 12), the elected candidates per list (P 15–P 17, P 19a), and
candidates elected on several lists of a group (P 18).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from openuitslag.core.findings import JsonValue
from openuitslag.core.model import (
    Affiliation,
    Candidate,
    CandidateLists,
    Count,
    ElectionDefinition,
    Result,
)
from openuitslag.core.seats.apportion import Apportionment, apportion
from openuitslag.core.seats.explain import Lots, Preference, Step, Tie
from openuitslag.core.seats.groups import (
    SubList,
    distribute_group,
    person,
    resolve_double_elections,
)
from openuitslag.core.seats.nominate import (
    CandidateVotes,
    nominate,
    preference_threshold,
)
from openuitslag.core.seats.rules import RuleVersion, rules_for
from openuitslag.core.seats.votes import VoteSource, kieskring_number

log = logging.getLogger("openuitslag.seats")


@dataclass(frozen=True, slots=True)
class Outcome:
    """Seats per list and elected candidates, with the explanation.

    ``seats`` is keyed by the list number the 520 uses (for the Tweede
    Kamer: the national number of the list or lijstengroep). ``elected``
    holds (list number, candidate) in order of list, then election.
    ``list_seats`` gives, per lijstengroep, the seats of each of its lists
    (P 12); ``by_preference`` the (list number, person) pairs elected on
    preference votes (the 520's Ranking 1), a person being the ShortCode
    where known. ``notes`` are data problems met on the way (for example
    a candidate whose votes could not be found), each a full sentence.
    """

    election_id: str
    rule_version: RuleVersion
    seats: dict[int, int]
    elected: list[tuple[int, Candidate]]
    steps: tuple[Step, ...]
    ties: tuple[Tie, ...]
    apportionment: Apportionment
    preference_threshold: Fraction
    list_seats: dict[int, dict[str, int]]
    by_preference: frozenset[tuple[int, str]]
    notes: tuple[str, ...]
    matches_official: bool | None

    def as_dict(self) -> dict[str, JsonValue]:
        """Return the JSON shape of the verifier's "apportionment"."""
        return {
            "rule_version": self.rule_version.id,
            "seats": {str(n): s for n, s in self.seats.items() if s},
            "elected": [
                {"list": str(n), "short_code": c.short_code, "name": c.name}
                for n, c in self.elected
            ],
            "by_preference": [
                {"list": str(n), "candidate": who}
                for n, who in sorted(self.by_preference)
            ],
            "ties": [t.as_dict() for t in self.ties],
            "steps": [s.as_dict() for s in self.steps],
            "matches_official": self.matches_official,
        }


def compute_outcome(
    definition: ElectionDefinition,
    candidate_lists: Sequence[CandidateLists],
    count: Count,
    *,
    official: Result | None = None,
    rules: RuleVersion | None = None,
    deceased: Collection[str] = (),
    lots: Sequence[int] = (),
) -> Outcome:
    """Recompute seats and elected candidates of one election.

    ``deceased`` names candidates who died before the result was
    determined (P 19a), by ShortCode or as ``"<list>.<candidate number>"``.
    ``lots`` are the list numbers drawn for ties in the apportionment, in
    the order the ties arise; ties left open are settled as the official
    result shows, if given.
    """
    if not candidate_lists:
        raise ValueError("The seat calculation needs at least one 230b.")
    election = definition.election
    chosen = rules or rules_for(election.category, election.date)
    parties, notes = _parties(candidate_lists, count)
    national = _national(definition, parties, chosen, official, deceased, lots)
    threshold = preference_threshold(national.quota, definition.number_of_seats)

    parts = [_Party(n, subs, national.seats.get(n, 0), threshold, official, deceased)
             for n, subs in parties.items()]  # fmt: skip
    elected = [pair for party in parts for pair in party.elect()]

    outcome = Outcome(
        election.id,
        chosen,
        dict(national.seats),
        elected,
        (
            _rules_step(chosen, election.category, election.date),
            *national.steps,
            *(step for party in parts for step in party.steps),
        ),
        (*national.ties, *(tie for party in parts for tie in party.lots.ties)),
        national,
        threshold,
        {p.number: p.shares for p in parts if p.seats},
        frozenset((p.number, who) for p in parts for who in p.by_preference),
        tuple(notes),
        None,
    )
    return _compare(outcome, official)


def _rules_step(rules: RuleVersion, category: str, date: dt.date | None) -> Step:
    return Step(
        "Kieswet hoofdstuk P",
        f"Toegepaste regels ({category}, {date or 'datum onbekend'}): "
        f"{rules.title_nl} [{rules.id}].",
        f"Rules applied ({category}, {date or 'date unknown'}): "
        f"{rules.title_en} [{rules.id}].",
        {"rule_version": rules.id},
    )


# -- building the lists ---------------------------------------------------


def _parties(
    candidate_lists: Sequence[CandidateLists], count: Count
) -> tuple[dict[int, list[SubList]], list[str]]:
    """Group every kieskring's lists into parties and their (sub)lists."""
    _check_one_per_kieskring(candidate_lists)
    source = VoteSource(count, single_kieskring=len(candidate_lists) == 1)
    parties: dict[int, dict[str, SubList]] = {}
    notes: list[str] = []
    ordered = sorted(candidate_lists, key=lambda d: _kieskring_order(d.contest_id))
    for document in ordered:
        kieskring = document.contest_id
        for affiliation in document.affiliations:
            sublist = _sublist(parties, affiliation, kieskring)
            found = source.votes(kieskring, affiliation.number, affiliation.candidates)
            sublist.votes += found.list_votes
            for number, votes in found.by_number.items():
                sublist.candidate_votes[number] = (
                    sublist.candidate_votes.get(number, 0) + votes
                )
            _add_codes(sublist, found.codes)
            notes.extend(
                f"The votes of kandidaat {name} (lijst {affiliation.number}, "
                f"kieskring {kieskring}) were not found in {count.info.source}."
                for name in found.unmatched
            )
            notes.extend(
                f"Kandidaat {pair} (lijst {affiliation.number}, kieskring "
                f"{kieskring}): the name fits several ShortCodes in "
                f"{count.info.source}; the first in the file's order was taken."
                for pair in found.by_order
            )
    notes.extend(_uncovered_lists(source, parties, count))
    return {n: list(subs.values()) for n, subs in sorted(parties.items())}, notes


def _check_one_per_kieskring(candidate_lists: Sequence[CandidateLists]) -> None:
    seen: dict[str, str] = {}
    for document in candidate_lists:
        earlier = seen.setdefault(document.contest_id, document.info.source)
        if earlier != document.info.source:
            raise ValueError(
                f"Two candidate lists (230b) were given for kieskring "
                f"{document.contest_id}: {earlier} and {document.info.source}; "
                "give one per kieskring."
            )


def _uncovered_lists(
    source: VoteSource, parties: Mapping[int, object], count: Count
) -> list[str]:
    """Return a note for each list with votes but no candidate list."""
    totals = source.list_totals()
    return [
        f"The count {count.info.source} gives {votes} votes to lijst {number}, "
        "which is on none of the candidate lists (230b); they are left out."
        for number, votes in totals.items()
        if number not in parties and votes > 0
    ]


def _kieskring_order(contest_id: str) -> tuple[int, str]:
    return kieskring_number(contest_id) or 0, contest_id


def _sublist(
    parties: dict[int, dict[str, SubList]], affiliation: Affiliation, kieskring: str
) -> SubList:
    """Return the (sub)list this kieskring's list belongs to."""
    if affiliation.belongs_to_set is not None:
        key = f"stel {affiliation.belongs_to_set}"
    elif affiliation.type == "stel gelijkluidende lijsten":
        key = "stel"
    else:
        key = f"kieskring {kieskring}"
    subs = parties.setdefault(affiliation.number, {})
    if key not in subs:
        subs[key] = SubList(affiliation.number, key, [], affiliation.candidates)
    subs[key].kieskringen.append(kieskring)
    return subs[key]


def _add_codes(sublist: SubList, codes: Mapping[int, str]) -> None:
    if not codes:
        return
    sublist.candidates = tuple(
        replace(c, short_code=codes[c.number])
        if c.number is not None and c.number in codes and not c.short_code
        else c
        for c in sublist.candidates
    )


# -- the national apportionment -------------------------------------------


def _national(
    definition: ElectionDefinition,
    parties: Mapping[int, list[SubList]],
    rules: RuleVersion,
    official: Result | None,
    deceased: Collection[str],
    lots: Sequence[int],
) -> Apportionment:
    votes = {n: sum(s.votes for s in subs) for n, subs in parties.items()}
    candidates = {n: _living(subs, deceased) for n, subs in parties.items()}
    seats = definition.number_of_seats
    result = apportion(votes, seats, rules, candidates=candidates, lots=lots)
    if official is None or not result.needs_lots:
        return result
    return _follow_official(
        votes, seats, rules, candidates, official.seats(), list(lots)
    )


def _living(sublists: list[SubList], deceased: Collection[str]) -> int:
    people = {
        person(c)
        for s in sublists
        for c in s.candidates
        if not _is_deceased(s.list_number, c, deceased)
    }
    return len(people)


def _is_deceased(
    list_number: int, candidate: Candidate, deceased: Collection[str]
) -> bool:
    if not deceased:
        return False
    return (
        candidate.short_code in deceased
        or f"{list_number}.{candidate.number}" in deceased
    )


def _follow_official(
    votes: Mapping[int, int],
    seats: int,
    rules: RuleVersion,
    candidates: Mapping[int, int],
    official: Mapping[int, int],
    given: list[int],
) -> Apportionment:
    """Redo the apportionment, drawing open lots as the official result did."""
    drawn: list[int] = []
    result = apportion(votes, seats, rules, candidates=candidates, lots=given)
    while result.needs_lots:
        tie = next(t for t in result.ties if not t.resolved)
        options = {
            n: apportion(
                votes,
                seats,
                rules,
                candidates=candidates,
                lots=_Draws(given, [*drawn, n]),
            )
            for n in tie.tied
        }
        fitting = _fitting(tie.tied, options, official)
        if fitting is None:
            return result
        drawn.append(fitting)
        result = options[fitting]
    return result


def _fitting(
    tied: tuple[int, ...],
    options: Mapping[int, Apportionment],
    official: Mapping[int, int],
) -> int | None:
    """Return the drawn number whose outcome agrees with the 520, if any.

    Best is an outcome that gives every tied list its official seats;
    failing that (a later lot may still change them), one that gives the
    drawn list no more than its official seats.
    """
    exact = [
        n
        for n, result in options.items()
        if all(result.seats[m] == official.get(m, 0) for m in tied)
    ]
    if len(exact) == 1:
        return exact[0]
    within = [n for n, r in options.items() if r.seats[n] <= official.get(n, 0)]
    return within[0] if len(within) == 1 else None


class _Draws(Lots):
    """Draws given by the user first, then those read from the 520."""

    def __init__(self, given: list[int], official: list[int]) -> None:
        super().__init__(given)
        self._official = list(official)

    def _choose(
        self, tied: tuple[int, ...], prefer: Preference | None
    ) -> tuple[int, str]:
        if self._drawn or not self._official:
            return super()._choose(tied, prefer)
        return self._official.pop(0), "official"


# -- one party ------------------------------------------------------------


class _Party:
    """Elect the candidates of one list or lijstengroep."""

    def __init__(
        self,
        number: int,
        sublists: list[SubList],
        seats: int,
        threshold: Fraction,
        official: Result | None,
        deceased: Collection[str],
    ) -> None:
        self.number = number
        self.sublists = sublists
        self.seats = seats
        self.threshold = threshold
        self.deceased = deceased
        self.official = _official_people(official, number)
        self.lots = Lots()
        self.steps: list[Step] = []
        self.shares: dict[str, int] = {}
        self.totals = _group_totals(sublists)
        self.by_preference: set[str] = set()

    def elect(self) -> list[tuple[int, Candidate]]:
        """Return this party's elected candidates, in list order."""
        if self.seats == 0:
            return []
        self.shares = self._share_seats()
        elected = {s.key: self._nominate(s) for s in self.sublists}
        if len(self.sublists) > 1:
            self.steps.extend(
                resolve_double_elections(
                    self.number, self.sublists, elected, self.shares, self._refill
                )
            )
        self.by_preference = {
            person(_candidate(s, n))
            for s in self.sublists
            for n in elected[s.key]
            if self.totals[person(_candidate(s, n))] > self.threshold
        }
        return [
            (self.number, _candidate(s, n))
            for s in self.sublists
            for n in elected[s.key]
        ]

    def _share_seats(self) -> dict[str, int]:
        if len(self.sublists) == 1:
            return {self.sublists[0].key: self.seats}
        shares, steps = distribute_group(
            self.number, self.sublists, self.seats, self.lots
        )
        self.steps.extend(steps)
        self.steps.append(
            Step(
                "P 15",
                f"Lijstengroep {self.number}: voor de voorkeurdrempel tellen "
                "de stemmen op een kandidaat op alle lijsten van de groep "
                "samen.",
                f"List group {self.number}: for the preference threshold the "
                "votes a candidate got on all lists of the group are added up.",
                list_number=self.number,
            )
        )
        return shares

    def _nominate(self, sublist: SubList) -> list[int]:
        seats = self.shares[sublist.key]
        if seats == 0:
            return []
        votes = [
            CandidateVotes(
                c.number or 0,
                self.totals[person(c)],
                _is_deceased(self.number, c, self.deceased),
                c.name,
            )
            for c in sublist.candidates
        ]
        nomination = nominate(
            self.number,
            votes,
            seats,
            self.threshold,
            lots=self.lots,
            prefer=self._prefer(sublist),
            label=_label(self.number, sublist, len(self.sublists)),
        )
        self.steps.extend(nomination.steps)
        return list(nomination.elected)

    def _prefer(self, sublist: SubList) -> Callable[[tuple[int, ...]], int | None]:
        def prefer(tied: tuple[int, ...]) -> int | None:
            named = [n for n in tied if person(_candidate(sublist, n)) in self.official]
            return named[0] if len(named) == 1 else None

        return prefer

    def _refill(self, sublist: SubList, taken: set[str], count: int) -> list[int]:
        free = [
            c.number or 0
            for c in sublist.candidates
            if person(c) not in taken
            and not _is_deceased(self.number, c, self.deceased)
        ]
        chosen = free[:count]
        taken.update(person(_candidate(sublist, n)) for n in chosen)
        return chosen


def _label(number: int, sublist: SubList, lists_in_group: int) -> str:
    """Return how the explanation names a list: "6" or "6 (stel 2)"."""
    return str(number) if lists_in_group == 1 else f"{number} ({sublist.key})"


def _group_totals(sublists: list[SubList]) -> dict[str, int]:
    """Return each person's votes on all lists of the group together.

    For P 15 the votes a candidate got on the different lists of a
    lijstengroep are added up; P 18 then looks at each list apart.
    """
    totals: dict[str, int] = {}
    for sublist in sublists:
        for c in sublist.candidates:
            votes = sublist.candidate_votes.get(c.number or 0, 0)
            totals[person(c)] = totals.get(person(c), 0) + votes
    return totals


def _candidate(sublist: SubList, number: int) -> Candidate:
    return next(c for c in sublist.candidates if c.number == number)


def _official_people(official: Result | None, number: int) -> set[str]:
    if official is None:
        return set()
    return {person(e.candidate) for e in official.elected if e.list_number == number}


# -- comparison with the official result ----------------------------------


def _compare(outcome: Outcome, official: Result | None) -> Outcome:
    if official is None:
        return outcome
    ours = {n: s for n, s in outcome.seats.items() if s}
    theirs = {n: s for n, s in official.seats().items() if s}
    elected = {(n, person(c)) for n, c in outcome.elected}
    named = {(e.list_number, person(e.candidate)) for e in official.elected}
    matches = ours == theirs and elected == named
    log.info(
        "seats.compared election=%s matches_official=%s", outcome.election_id, matches
    )
    return replace(outcome, matches_official=matches)
