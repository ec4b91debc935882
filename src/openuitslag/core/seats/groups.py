"""Lijstengroepen: one party's lists in several kieskringen (P 12, P 18).

In a Tweede Kamer (or multi-kieskring provincial) election a party may
hand in different lists in different kieskringen. Its seats are won
nationally by the group, then shared over its lists by largest remainders
of the group quota (P 12). Identical lists in several kieskringen form a
stel gelijkluidende lijsten and count as one list, whose candidate votes
are added up. A candidate elected on more than one list of the group is
elected on the list where he or she got the most votes, and the seat
freed on the other list goes to the next candidate in list order (P 18).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from openuitslag.core.model import Candidate
from openuitslag.core.seats.explain import Lots, Step, show
from openuitslag.core.seats.votes import kieskring_number


@dataclass
class SubList:
    """One list of a party: a kieskring's list or a stel of equal lists.

    ``kieskringen`` are the contest ids of the 230b files that carry it;
    ``candidates`` are in list order; ``candidate_votes`` is the sum over
    those kieskringen, by candidate number.
    """

    list_number: int
    key: str
    kieskringen: list[str]
    candidates: tuple[Candidate, ...]
    votes: int = 0
    candidate_votes: dict[int, int] = field(default_factory=dict)

    @property
    def first_kieskring(self) -> int:
        """Return the lowest kieskring number, for P 18's tie rule."""
        numbers = [kieskring_number(k) or 0 for k in self.kieskringen]
        return min(numbers) if numbers else 0


def person(candidate: Candidate) -> str:
    """Return what identifies one person across the lists of a group."""
    if candidate.short_code:
        return candidate.short_code
    return "|".join(
        part or ""
        for part in (
            candidate.last_name,
            candidate.initials,
            candidate.first_name,
            candidate.locality,
        )
    )


def distribute_group(
    list_number: int, sublists: list[SubList], seats: int, lots: Lots
) -> tuple[dict[str, int], list[Step]]:
    """Share a group's seats over its lists by the group quota (P 12)."""
    total = sum(s.votes for s in sublists)
    if seats == 0 or total == 0:
        return {s.key: 0 for s in sublists}, []

    quota = Fraction(total, seats)
    result = {s.key: s.votes * seats // total for s in sublists}
    remainders = {s.key: s.votes - result[s.key] * quota for s in sublists}
    steps = [_group_quota_step(list_number, total, seats, quota, result)]
    left = seats - sum(result.values())
    order, tie_steps = _by_remainder(list_number, sublists, remainders, left, lots)
    steps.extend(tie_steps)
    for key in order[:left]:
        result[key] += 1
        steps.append(_group_residual_step(list_number, key, remainders[key]))
    return result, steps


def _by_remainder(
    list_number: int,
    sublists: list[SubList],
    remainders: Mapping[str, Fraction],
    left: int,
    lots: Lots,
) -> tuple[list[str], list[Step]]:
    """Return list keys by remainder, breaking a tie at the cut by lot.

    The lot is drawn between the lists' positions in the group (1 = the
    first list), which the step spells out as list names.
    """
    order = sorted(remainders, key=lambda k: -remainders[k])
    if left == 0 or left >= len(order):
        return order, []
    cut = remainders[order[left - 1]]
    if remainders[order[left]] != cut:
        return order, []

    index = {s.key: i + 1 for i, s in enumerate(sublists)}
    tied = tuple(index[k] for k in order if remainders[k] == cut)
    sure = [k for k in order if remainders[k] > cut]
    pool = list(tied)
    chosen: list[str] = []
    for _ in range(left - len(sure)):
        pick = lots.draw(
            tuple(pool),
            article="P 12 lid 5",
            what="group-residual-seat",
            value=cut,
            list_number=list_number,
        )
        pool.remove(pick)
        chosen.append(sublists[pick - 1].key)
    names = [sublists[i - 1].key for i in tied]
    step = Step(
        "P 12 lid 5",
        f"Lijstengroep {list_number}: de lijsten van {', '.join(names)} "
        f"(posities {list(tied)}) hebben een gelijk overschot ({show(cut)}); "
        f"het lot beslist: {', '.join(chosen)}.",
        f"List group {list_number}: the lists of {', '.join(names)} "
        f"(positions {list(tied)}) have equal remainders ({show(cut)}); "
        f"lots decide: {', '.join(chosen)}.",
        {"tied": str(names), "chosen": str(chosen)},
        list_number,
    )
    return sure + chosen, [step]


def _group_quota_step(
    list_number: int,
    total: int,
    seats: int,
    quota: Fraction,
    full: Mapping[str, int],
) -> Step:
    shares = ", ".join(f"{k}: {n}" for k, n in full.items() if n)
    return Step(
        "P 12",
        f"Lijstengroep {list_number}: groepskiesdeler {total} / {seats} = "
        f"{show(quota)}; volle zetels per lijst: {shares or 'geen'}.",
        f"List group {list_number}: group quota {total} / {seats} = "
        f"{show(quota)}; full seats per list: {shares or 'none'}.",
        {"votes": total, "seats": seats, "group_quota": show(quota)},
        list_number,
    )


def _group_residual_step(list_number: int, key: str, remainder: Fraction) -> Step:
    return Step(
        "P 12 lid 5",
        f"Lijstengroep {list_number}: restzetel naar de lijst van {key} "
        f"(overschot {show(remainder)}).",
        f"List group {list_number}: residual seat to the list of {key} "
        f"(remainder {show(remainder)}).",
        {"remainder": show(remainder), "list": key},
        list_number,
    )


Refill = Callable[[SubList, set[str], int], list[int]]


def resolve_double_elections(
    list_number: int,
    sublists: list[SubList],
    elected: dict[str, list[int]],
    seats: Mapping[str, int],
    refill: Refill,
) -> list[Step]:
    """Keep each person on one list of the group and refill (P 18).

    ``elected`` maps a list key to its elected candidate numbers and is
    updated in place; ``refill(sublist, taken, count)`` returns the next
    ``count`` candidate numbers in list order that are not in ``taken``.
    """
    steps: list[Step] = []
    by_key = {s.key: s for s in sublists}
    for _ in range(sum(seats.values()) + 1):
        doubles = _doubles(by_key, elected)
        if not doubles:
            return steps
        for who, places in doubles.items():
            keep = max(places, key=lambda p: _preference(by_key[p[0]], p[1]))
            for key, number in places:
                if (key, number) != keep:
                    elected[key].remove(number)
            steps.append(_double_step(list_number, who, places, keep, by_key))
        added = _refill_all(by_key, elected, seats, refill)
        steps.extend(_refill_step(list_number, by_key[key], new) for key, new in added)
    return steps


def _preference(sublist: SubList, number: int) -> tuple[int, int]:
    """Most votes first; on equal votes the lowest kieskring (P 18 lid 1)."""
    return sublist.candidate_votes.get(number, 0), -sublist.first_kieskring


def _doubles(
    by_key: Mapping[str, SubList], elected: Mapping[str, list[int]]
) -> dict[str, list[tuple[str, int]]]:
    places: dict[str, list[tuple[str, int]]] = {}
    for key, numbers in elected.items():
        candidates = {c.number: c for c in by_key[key].candidates}
        for number in numbers:
            places.setdefault(person(candidates[number]), []).append((key, number))
    return {who: where for who, where in places.items() if len(where) > 1}


def _refill_all(
    by_key: Mapping[str, SubList],
    elected: dict[str, list[int]],
    seats: Mapping[str, int],
    refill: Refill,
) -> list[tuple[str, list[int]]]:
    taken = {
        person(c)
        for key, numbers in elected.items()
        for c in by_key[key].candidates
        if c.number in numbers
    }
    added = []
    for key, numbers in elected.items():
        missing = seats[key] - len(numbers)
        if missing > 0:
            new = refill(by_key[key], taken, missing)
            numbers.extend(new)
            added.append((key, new))
    return added


def _refill_step(list_number: int, sublist: SubList, numbers: list[int]) -> Step:
    names = {c.number: c.name for c in sublist.candidates}
    shown = ", ".join(f"{n} ({names.get(n, '?')})" for n in numbers)
    key = sublist.key
    return Step(
        "P 18 lid 2",
        f"Lijstengroep {list_number}, lijst van {key}: de vrijgekomen zetel(s) "
        f"gaan in lijstvolgorde naar kandidaten {shown}.",
        f"List group {list_number}, list of {key}: the freed seat(s) go in "
        f"list order to candidates {shown}.",
        {"list": key, "elected": shown},
        list_number,
    )


def _double_step(
    list_number: int,
    who: str,
    places: list[tuple[str, int]],
    keep: tuple[str, int],
    by_key: Mapping[str, SubList],
) -> Step:
    votes = {key: by_key[key].candidate_votes.get(n, 0) for key, n in places}
    shown = ", ".join(f"{k}: {v}" for k, v in votes.items())
    return Step(
        "P 18",
        f"Lijstengroep {list_number}: {who} is gekozen op meer lijsten "
        f"({shown}) en geldt als gekozen op de lijst van {keep[0]}, met de "
        "meeste stemmen; de andere zetels gaan naar de volgende kandidaten "
        "in lijstvolgorde.",
        f"List group {list_number}: {who} is elected on several lists "
        f"({shown}) and counts as elected on the list of {keep[0]}, with the "
        "most votes; the other seats go to the next candidates in list order.",
        {"candidate": who, "kept": keep[0]},
        list_number,
    )
