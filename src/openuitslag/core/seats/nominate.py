"""Pick the elected candidates of one list (Kieswet P 15 to P 19a).

Seats per list are only half of the result: who takes them is decided by
preference votes and list order. A candidate whose votes are strictly
greater than the preference threshold (a quarter of the kiesdeler with 19
seats or more, half of it otherwise; P 15) is elected first, in order of
votes (P 16); the remaining seats go to the others in list order (P 17).
Deceased candidates are skipped (P 19a). The new ranking of the list for
later vacancies follows P 19.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from openuitslag.core.seats.explain import Lots, Preference, Step, Tie, show
from openuitslag.core.seats.rules import LARGE_BODY


@dataclass(frozen=True, slots=True)
class CandidateVotes:
    """A candidate's number on the list, votes, and whether deceased."""

    number: int
    votes: int
    deceased: bool = False
    name: str = ""  # for the explanation only


@dataclass(frozen=True, slots=True)
class Nomination:
    """The elected candidates of one list, and why."""

    list_number: int
    seats: int
    threshold: Fraction
    preference: tuple[int, ...]  # elected on preference votes, vote order
    others: tuple[int, ...]  # elected in list order
    ranking: tuple[int, ...]  # P 19 ranking for later vacancies
    steps: tuple[Step, ...]
    ties: tuple[Tie, ...]

    @property
    def elected(self) -> tuple[int, ...]:
        """Return the elected candidate numbers: preference first."""
        return self.preference + self.others

    @property
    def vacant(self) -> int:
        """Return the seats no living candidate was left for."""
        return self.seats - len(self.elected)


@dataclass(frozen=True, slots=True)
class _Where:
    """The list being nominated: its number and its name in the text."""

    number: int
    name: str


def preference_threshold(quota: Fraction, total_seats: int) -> Fraction:
    """Return the preference threshold of P 15: 25 % or 50 % of the quota."""
    share = Fraction(1, 4) if total_seats >= LARGE_BODY else Fraction(1, 2)
    return quota * share


def nominate(
    list_number: int,
    candidates: Sequence[CandidateVotes],
    seats: int,
    threshold: Fraction,
    *,
    lots: Sequence[int] | Lots = (),
    prefer: Preference | None = None,
    label: str | None = None,
) -> Nomination:
    """Elect ``seats`` candidates of one list, in P 15–P 17 order.

    ``candidates`` must be in list order. ``lots`` are the candidate
    numbers drawn for a tie at the cut-off (P 16); ``prefer`` may pick the
    candidate the official result names. ``label`` names the list in the
    explanation when the list number alone is ambiguous (a lijstengroep).
    """
    where = _Where(list_number, label or str(list_number))
    drawer = lots if isinstance(lots, Lots) else Lots(lots)
    first_tie = len(drawer.ties)
    steps: list[Step] = []

    qualified = _qualified(candidates, threshold)
    preference = _by_preference(where, qualified, seats, drawer, prefer, steps)
    others = _in_list_order(candidates, preference, seats - len(preference))
    names = {c.number: c.name for c in candidates if c.name}
    _explain(where, threshold, _shown(preference, names), _shown(others, names),
             seats - len(preference) - len(others), steps)  # fmt: skip
    ranking = _ranking(candidates, qualified)
    return Nomination(
        list_number,
        seats,
        threshold,
        preference,
        others,
        ranking,
        tuple(steps),
        tuple(drawer.ties[first_tie:]),
    )


def _qualified(
    candidates: Sequence[CandidateVotes], threshold: Fraction
) -> list[CandidateVotes]:
    """Return living candidates over the threshold, most votes first."""
    over = [c for c in candidates if not c.deceased and c.votes > threshold]
    return sorted(over, key=lambda c: -c.votes)  # stable: list order on ties


def _by_preference(
    where: _Where,
    qualified: list[CandidateVotes],
    seats: int,
    lots: Lots,
    prefer: Preference | None,
    steps: list[Step],
) -> tuple[int, ...]:
    """Return the candidates elected on preference votes (P 15, P 16)."""
    if len(qualified) <= seats:
        return tuple(c.number for c in qualified)

    cut = qualified[seats - 1].votes if seats else None
    sure = [c.number for c in qualified if cut is not None and c.votes > cut]
    tied = tuple(c.number for c in qualified if c.votes == cut)
    chosen: list[int] = []
    open_seats = seats - len(sure)
    if len(tied) > open_seats:
        _draw_candidates(where.number, tied, open_seats, cut, lots, prefer, chosen)
        steps.append(_tie_step(where, tied, open_seats, chosen))
    else:
        chosen = list(tied)
    return tuple(sure + chosen)


def _draw_candidates(
    list_number: int,
    tied: tuple[int, ...],
    open_seats: int,
    votes: int | None,
    lots: Lots,
    prefer: Preference | None,
    chosen: list[int],
) -> None:
    pool = list(tied)
    for _ in range(open_seats):
        pick = lots.draw(
            tuple(pool),
            article="P 16",
            what="candidate",
            value=Fraction(votes or 0),
            prefer=prefer,
            list_number=list_number,
        )
        chosen.append(pick)
        pool.remove(pick)


def _tie_step(
    where: _Where, tied: tuple[int, ...], open_seats: int, chosen: list[int]
) -> Step:
    return Step(
        "P 16",
        f"Kandidaten {list(tied)} van lijst {where.name} hebben evenveel "
        f"stemmen voor {open_seats} zetel(s); het lot beslist: {chosen}.",
        f"Candidates {list(tied)} of list {where.name} have equal votes for "
        f"{open_seats} seat(s); lots decide: {chosen}.",
        {"tied": str(list(tied)), "chosen": str(chosen)},
        where.number,
    )


def _in_list_order(
    candidates: Sequence[CandidateVotes], taken: tuple[int, ...], count: int
) -> tuple[int, ...]:
    """Return the next ``count`` living candidates in list order (P 17)."""
    rest = [c.number for c in candidates if not c.deceased and c.number not in taken]
    return tuple(rest[: max(count, 0)])


def _shown(numbers: Sequence[int], names: Mapping[int, str]) -> str:
    """Return candidate numbers as text, with names where known."""
    return ", ".join(f"{n} ({names[n]})" if n in names else str(n) for n in numbers)


def _explain(
    where: _Where,
    threshold: Fraction,
    preference: str,
    others: str,
    vacant: int,
    steps: list[Step],
) -> None:
    if preference:
        steps.append(
            Step(
                "P 15",
                f"Lijst {where.name}: kandidaten {preference} hebben meer "
                f"stemmen dan de voorkeurdrempel {show(threshold)} en zijn "
                "gekozen, in volgorde van hun stemmen.",
                f"List {where.name}: candidates {preference} have more votes "
                f"than the preference threshold {show(threshold)} and are "
                "elected, in order of their votes.",
                {"threshold": show(threshold), "elected": preference},
                where.number,
            )
        )
    if others:
        steps.append(
            Step(
                "P 17",
                f"Lijst {where.name}: de overige zetels gaan naar kandidaten "
                f"{others} in de volgorde van de lijst.",
                f"List {where.name}: the other seats go to candidates "
                f"{others} in list order.",
                {"elected": others},
                where.number,
            )
        )
    if vacant > 0:
        steps.append(
            Step(
                "P 19a",
                f"Lijst {where.name}: {vacant} zetel(s) blijven open; er is "
                "geen levende kandidaat meer.",
                f"List {where.name}: {vacant} seat(s) stay open; no living "
                "candidate is left.",
                {"vacant": vacant},
                where.number,
            )
        )


def _ranking(
    candidates: Sequence[CandidateVotes], qualified: list[CandidateVotes]
) -> tuple[int, ...]:
    """Return the P 19 ranking: qualifiers by votes, then list order."""
    first = [c.number for c in qualified]
    rest = [c.number for c in candidates if c.number not in first and not c.deceased]
    return tuple(first + rest)
