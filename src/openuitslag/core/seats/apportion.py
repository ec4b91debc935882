"""Distribute seats over lists exactly as Kieswet articles P 5 to P 10 say.

This is the heart of the independent recomputation: given the votes per
list (the stemcijfers), the number of seats and how many candidates each
list can still seat, it returns the seats per list and every step taken.
All arithmetic is on :class:`fractions.Fraction`; a float would eventually
decide a seat by a rounding error.

Order of work: kiesdeler (P 5), full seats (P 6), residual seats by
highest averages (P 7, 19 seats or more) or by largest remainders and
then averages (P 8, fewer than 19), the absolute-majority rule (P 9), and
finally exhausted lists (P 10), whose surplus seats are handed out again
by the residual method. Candidates who died before the result was
determined do not count as candidates (P 19a); the caller passes the
counts without them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from openuitslag.core.seats.explain import Lots, Preference, Step, Tie, show
from openuitslag.core.seats.rules import LARGE_BODY, RuleVersion


@dataclass(frozen=True, slots=True)
class Apportionment:
    """The seats per list and how they were reached."""

    seats: dict[int, int]
    full_seats: dict[int, int]
    residual_seats: dict[int, int]
    quota: Fraction
    total_votes: int
    total_seats: int
    unassigned: int
    steps: tuple[Step, ...]
    ties: tuple[Tie, ...]
    rule_version: str

    @property
    def needs_lots(self) -> bool:
        """Say whether a tie was met whose lot is not known."""
        return any(not tie.resolved for tie in self.ties)


@dataclass(slots=True)
class _Standing:
    """One list during the calculation."""

    number: int
    votes: int
    candidates: int | None
    full: int = 0
    residual: int = 0
    remainder: Fraction = Fraction(0)
    had_remainder_seat: bool = False
    had_unique_average_seat: bool = False

    @property
    def seats(self) -> int:
        return self.full + self.residual

    @property
    def average(self) -> Fraction:
        return Fraction(self.votes, self.seats + 1)

    @property
    def exhausted(self) -> bool:
        return self.candidates is not None and self.seats >= self.candidates


@dataclass(frozen=True, slots=True)
class _Award:
    """One residual seat as it was given, for P 9 and the explanation."""

    number: int
    method: str  # "remainder", "unique-average", "average"
    value: Fraction


@dataclass
class _Run:
    """The state of one apportionment."""

    rules: RuleVersion
    total_seats: int
    total_votes: int
    quota: Fraction
    lists: dict[int, _Standing]
    lots: Lots
    prefer: Preference | None
    steps: list[Step] = field(default_factory=list)
    awards: list[_Award] = field(default_factory=list)
    first_tie: int = 0

    @property
    def large(self) -> bool:
        return self.total_seats >= LARGE_BODY

    def step(
        self,
        article: str,
        nl: str,
        en: str,
        numbers: Mapping[str, int | str] | None = None,
        list_number: int | None = None,
    ) -> None:
        self.steps.append(Step(article, nl, en, dict(numbers or {}), list_number))


def apportion(
    votes: Mapping[int, int],
    seats: int,
    rules: RuleVersion,
    *,
    candidates: Mapping[int, int] | None = None,
    lots: Sequence[int] | Lots = (),
    prefer: Preference | None = None,
) -> Apportionment:
    """Distribute ``seats`` over the lists in ``votes`` (list number → votes).

    ``candidates`` gives per list the number of living candidates (P 10,
    P 19a); a list missing from it is never exhausted. ``lots`` are the
    numbers drawn for ties, in the order the ties arise; ``prefer`` may
    pick a tied list the official result implies.
    """
    _check_input(votes, seats, candidates)
    run = _start(votes, seats, rules, candidates, lots, prefer)
    if run.total_votes == 0:
        run.step(
            "P 5",
            "Er zijn geen stemmen op lijsten uitgebracht; geen zetel wordt toegewezen.",
            "No votes were cast on any list; no seat is assigned.",
        )
        return _finish(run, seats)

    _full_seats(run)
    _explain_threshold(run)
    left = _residual_seats(run, seats - sum(s.full for s in run.lists.values()))
    _absolute_majority(run)
    unassigned = left + _exhausted_lists(run)
    return _finish(run, unassigned)


def _check_input(
    votes: Mapping[int, int], seats: int, candidates: Mapping[int, int] | None
) -> None:
    if seats < 1:
        raise ValueError(f"The number of seats must be positive, not {seats}.")
    negative = [n for n, v in votes.items() if v < 0]
    if negative:
        raise ValueError(f"Lists {negative} have a negative number of votes.")
    if candidates is not None and any(c < 0 for c in candidates.values()):
        raise ValueError("A list cannot have a negative number of candidates.")


def _start(
    votes: Mapping[int, int],
    seats: int,
    rules: RuleVersion,
    candidates: Mapping[int, int] | None,
    lots: Sequence[int] | Lots,
    prefer: Preference | None,
) -> _Run:
    total = sum(votes.values())
    quota = Fraction(total, seats) if total else Fraction(0)
    lists = {
        n: _Standing(n, votes[n], None if candidates is None else candidates.get(n))
        for n in sorted(votes)
    }
    drawer = lots if isinstance(lots, Lots) else Lots(lots)
    run = _Run(rules, seats, total, quota, lists, drawer, prefer)
    run.first_tie = len(drawer.ties)
    run.step(
        "P 5",
        f"De kiesdeler is het totaal van de stemcijfers ({total}) gedeeld "
        f"door het aantal te verdelen zetels ({seats}): {show(quota)}.",
        f"The quota (kiesdeler) is the total of the list votes ({total}) "
        f"divided by the number of seats ({seats}): {show(quota)}.",
        {"total_votes": total, "seats": seats, "quota": show(quota)},
    )
    return run


def _full_seats(run: _Run) -> None:
    """Give each list one seat per time its votes contain the quota (P 6)."""
    for standing in run.lists.values():
        full = standing.votes * run.total_seats // run.total_votes
        standing.full = full
        standing.remainder = standing.votes - full * run.quota
        run.step(
            "P 6",
            f"Lijst {standing.number}: {standing.votes} stemmen bevatten de "
            f"kiesdeler {full} maal: {full} volle zetel(s), overschot "
            f"{show(standing.remainder)}.",
            f"List {standing.number}: {standing.votes} votes contain the "
            f"quota {full} time(s): {full} full seat(s), remainder "
            f"{show(standing.remainder)}.",
            {
                "votes": standing.votes,
                "full_seats": full,
                "remainder": show(standing.remainder),
            },
            standing.number,
        )


def _explain_threshold(run: _Run) -> None:
    """Say which lists the residual-seat threshold leaves out, if any."""
    share = (
        run.rules.residual_threshold_large
        if run.large
        else run.rules.residual_threshold_small
    )
    if share is None:
        return
    minimum = share * run.quota
    below = [s.number for s in run.lists.values() if 0 < s.votes < minimum]
    if not below:
        return
    article = "P 7 lid 2" if share == 1 else "P 8 lid 2"
    run.step(
        article,
        f"Lijsten met minder dan {show(minimum)} stemmen ({share * 100}% van "
        f"de kiesdeler) komen niet in aanmerking voor een restzetel door "
        f"{'grootste gemiddelden' if run.large else 'grootste overschotten'}"
        f": {below}.",
        f"Lists with fewer than {show(minimum)} votes ({share * 100}% of the "
        "quota) do not qualify for a residual seat by "
        f"{'highest averages' if run.large else 'largest remainders'}: {below}.",
        {"minimum": show(minimum), "lists": str(below)},
    )


def _residual_seats(run: _Run, count: int) -> int:
    """Assign ``count`` residual seats; return how many found no list."""
    for position in range(count):
        award = _next_award(run, count - position)
        if award is None:
            return count - position
        _give(run, award)
    return 0


def _give(run: _Run, award: _Award) -> None:
    standing = run.lists[award.number]
    standing.residual += 1
    if award.method == "remainder":
        standing.had_remainder_seat = True
    elif award.method == "unique-average":
        standing.had_unique_average_seat = True
    run.awards.append(award)
    _explain_award(run, award)


def _next_award(run: _Run, remaining: int) -> _Award | None:
    """Return the next residual seat under P 7 or P 8, or None."""
    if run.large:
        return _best(
            run,
            "average",
            _eligible(run, run.rules.residual_threshold_large),
            remaining,
        )

    threshold = run.rules.residual_threshold_small
    later = threshold if run.rules.small_threshold_all_phases else None
    remainders = [s for s in _eligible(run, threshold) if not s.had_remainder_seat]
    if remainders:
        return _best(run, "remainder", remainders, remaining)

    unique = [s for s in _eligible(run, later) if not s.had_unique_average_seat]
    if unique:
        return _best(run, "unique-average", unique, remaining)

    return _best(run, "average", _eligible(run, later), remaining)


def _eligible(run: _Run, threshold: Fraction | None) -> list[_Standing]:
    """Return the lists that may still receive a residual seat."""
    minimum = Fraction(0) if threshold is None else threshold * run.quota
    return [
        s
        for s in run.lists.values()
        if s.votes > 0 and not s.exhausted and s.votes >= minimum
    ]


def _best(
    run: _Run, method: str, pool: list[_Standing], remaining: int
) -> _Award | None:
    """Return the award to the best list of ``pool``, drawing lots if due."""
    if not pool:
        return None

    def value(s: _Standing) -> Fraction:
        return s.remainder if method == "remainder" else s.average

    top = max(value(s) for s in pool)
    tied = tuple(s.number for s in pool if value(s) == top)
    if len(tied) <= remaining:
        return _Award(tied[0], method, top)

    article = "P 7" if method == "average" and run.large else "P 8"
    chosen = run.lots.draw(
        tied,
        article=article,
        what="residual-seat",
        value=top,
        prefer=run.prefer,
    )
    run.step(
        article,
        f"Lijsten {list(tied)} staan gelijk ({show(top)}) voor "
        f"{remaining} zetel(s); het lot beslist: lijst {chosen}.",
        f"Lists {list(tied)} tie ({show(top)}) for {remaining} seat(s); "
        f"lots decide: list {chosen}.",
        {"tied": str(list(tied)), "value": show(top), "chosen": chosen},
    )
    return _Award(chosen, method, top)


def _explain_award(run: _Run, award: _Award) -> None:
    n, value = award.number, show(award.value)
    if award.method == "remainder":
        run.step(
            "P 8 lid 1",
            f"Restzetel naar lijst {n}: grootste overschot ({value}).",
            f"Residual seat to list {n}: largest remainder ({value}).",
            {"remainder": value},
            n,
        )
    elif award.method == "unique-average":
        run.step(
            "P 8 lid 3",
            f"Restzetel naar lijst {n}: grootste gemiddelde ({value}) onder "
            "lijsten die in deze ronde nog geen zetel kregen.",
            f"Residual seat to list {n}: highest average ({value}) among "
            "lists that got no seat in this round yet.",
            {"average": value},
            n,
        )
    else:
        article = "P 7" if run.large else "P 7 lid 1 (na P 8 lid 3)"
        run.step(
            article,
            f"Restzetel naar lijst {n}: grootste gemiddelde ({value}).",
            f"Residual seat to list {n}: highest average ({value}).",
            {"average": value},
            n,
        )


def _absolute_majority(run: _Run) -> None:
    """Give a list with over half the votes over half the seats (P 9)."""
    for standing in run.lists.values():
        if 2 * standing.votes <= run.total_votes:
            continue
        if 2 * standing.seats > run.total_seats or not run.awards:
            return
        loser = _last_award_loser(run, standing.number)
        if loser is None:
            return
        _move_seat(run, loser, standing)
        return


def _last_award_loser(run: _Run, majority: int) -> _Award | None:
    """Return the award P 9 takes back: the last one, by lot if tied."""
    last = run.awards[-1]
    block: list[_Award] = []
    for award in reversed(run.awards):  # the trailing run of equal awards
        if award.method != last.method or award.value != last.value:
            break
        if award.number != majority:
            block.insert(0, award)
    if not block:
        return None
    tied = tuple(sorted({a.number for a in block}))
    if len(tied) == 1:
        return block[-1]

    chosen = run.lots.draw(
        tied,
        article="P 9",
        what="majority-seat-loser",
        value=last.value,
        prefer=None,
    )
    return next(a for a in reversed(block) if a.number == chosen)


def _move_seat(run: _Run, award: _Award, to: _Standing) -> None:
    loser = run.lists[award.number]
    loser.residual -= 1
    if award.method == "remainder":
        loser.had_remainder_seat = False
    elif award.method == "unique-average":
        loser.had_unique_average_seat = False
    run.awards.remove(award)
    to.residual += 1
    run.step(
        "P 9",
        f"Lijst {to.number} heeft meer dan de helft van de stemmen "
        f"({to.votes} van {run.total_votes}) maar niet meer dan de helft van "
        f"de zetels; de laatst toegewezen restzetel gaat van lijst "
        f"{loser.number} naar lijst {to.number}.",
        f"List {to.number} has more than half of the votes ({to.votes} of "
        f"{run.total_votes}) but not more than half of the seats; the last "
        f"residual seat moves from list {loser.number} to list {to.number}.",
        {
            "votes": to.votes,
            "total_votes": run.total_votes,
            "from": loser.number,
            "to": to.number,
        },
        to.number,
    )


def _exhausted_lists(run: _Run) -> int:
    """Take surplus seats from exhausted lists and hand them out (P 10)."""
    freed = 0
    for standing in run.lists.values():
        if standing.candidates is None or standing.seats <= standing.candidates:
            continue
        excess = standing.seats - standing.candidates
        from_residual = min(excess, standing.residual)
        standing.residual -= from_residual
        standing.full -= excess - from_residual
        freed += excess
        run.step(
            "P 10",
            f"Lijst {standing.number} heeft {standing.candidates} kandidaten "
            f"voor {standing.candidates + excess} zetels; {excess} zetel(s) "
            "worden opnieuw verdeeld.",
            f"List {standing.number} has {standing.candidates} candidates "
            f"for {standing.candidates + excess} seats; {excess} seat(s) are "
            "distributed again.",
            {"candidates": standing.candidates, "excess": excess},
            standing.number,
        )
    if not freed:
        return 0

    unassigned = _residual_seats(run, freed)
    _explain_unassigned(run, unassigned)
    return unassigned


def _explain_unassigned(run: _Run, unassigned: int) -> None:
    if unassigned:
        run.step(
            "P 10",
            f"{unassigned} zetel(s) blijven onvervuld: geen lijst met "
            "kandidaten over komt ervoor in aanmerking.",
            f"{unassigned} seat(s) stay vacant: no list with candidates "
            "left qualifies.",
            {"unassigned": unassigned},
        )
    majority = [s for s in run.lists.values() if 2 * s.votes > run.total_votes]
    if majority and 2 * majority[0].seats <= run.total_seats:
        run.step(
            "P 9",
            f"Lijst {majority[0].number} heeft meer dan de helft van de "
            "stemmen maar door uitputting niet meer dan de helft van de "
            "zetels.",
            f"List {majority[0].number} has more than half of the votes but, "
            "being exhausted, not more than half of the seats.",
            list_number=majority[0].number,
        )


def _finish(run: _Run, unassigned: int) -> Apportionment:
    lists = run.lists.values()
    return Apportionment(
        seats={s.number: s.seats for s in lists},
        full_seats={s.number: s.full for s in lists},
        residual_seats={s.number: s.residual for s in lists},
        quota=run.quota,
        total_votes=run.total_votes,
        total_seats=run.total_seats,
        unassigned=unassigned,
        steps=tuple(run.steps),
        ties=tuple(run.lots.ties[run.first_tie :]),
        rule_version=run.rules.id,
    )
