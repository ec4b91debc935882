"""Explained steps, ties and lots: how a seat calculation tells its story.

A recomputed result is only worth publishing if a reader can follow it, so
every decision the calculation takes is recorded as a :class:`Step` that
cites the article of the Kieswet (chapter P) it applies, in Dutch and in
English, with the exact numbers. Ties that the law settles by lot are
recorded as a :class:`Tie`; :class:`Lots` decides them from a given draw
(for example the official result) or says plainly that it could not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from openuitslag.core.findings import JsonValue

Numbers = Mapping[str, JsonValue]


def show(value: Fraction | int) -> str:
    """Return an exact number as text: "17", or "5104/15 (≈ 340.2667)"."""
    if isinstance(value, int) or value.denominator == 1:
        return str(int(value))
    approx = f"{float(value):.4f}"
    return f"{value.numerator}/{value.denominator} (≈ {approx})"


@dataclass(frozen=True, slots=True)
class Step:
    """One decision of the calculation, with the article that requires it."""

    article: str  # e.g. "P 7", "P 18 lid 1"
    text_nl: str
    text_en: str
    numbers: Numbers = field(default_factory=dict)
    list_number: int | None = None

    def as_dict(self) -> dict[str, JsonValue]:
        """Return the JSON shape of a step."""
        return {
            "article": self.article,
            "list": self.list_number,
            "text_nl": self.text_nl,
            "text_en": self.text_en,
            "numbers": dict(self.numbers),
        }


@dataclass(frozen=True, slots=True)
class Tie:
    """A tie that only lots can break, and how it was broken here.

    ``tied`` are list numbers (or candidate numbers for a tie between
    candidates), ``chosen`` the ones that got the seat (or, for P 9, lost
    it). ``resolved_by`` is ``"given"`` (a draw passed in), ``"official"``
    (read back from the official result), or ``"unresolved"`` (nothing was
    known: the lowest number was taken only to continue the calculation).
    """

    article: str
    what: str
    tied: tuple[int, ...]
    chosen: tuple[int, ...]
    value: Fraction
    resolved_by: str
    list_number: int | None = None

    @property
    def resolved(self) -> bool:
        """Say whether the outcome of this tie is known, not assumed."""
        return self.resolved_by != "unresolved"

    def as_dict(self) -> dict[str, JsonValue]:
        """Return the JSON shape of a tie."""
        return {
            "article": self.article,
            "what": self.what,
            "list": self.list_number,
            "tied": list(self.tied),
            "chosen": list(self.chosen),
            "value": show(self.value),
            "resolved_by": self.resolved_by,
        }


Preference = Callable[[tuple[int, ...]], int | None]


class Lots:
    """Decide ties that the Kieswet settles by drawing lots.

    ``drawn`` is the outcome of real draws, in the order the ties arise:
    each entry is the number that was drawn. A ``prefer`` callback may pick
    the outcome the official result implies. Without either, the lowest
    number is taken and the tie is marked unresolved.
    """

    def __init__(self, drawn: Sequence[int] = (), *, source: str = "given") -> None:
        self._drawn = list(drawn)
        self._source = source
        self.ties: list[Tie] = []

    def draw(
        self,
        tied: tuple[int, ...],
        *,
        article: str,
        what: str,
        value: Fraction,
        prefer: Preference | None = None,
        list_number: int | None = None,
    ) -> int:
        """Return the one number of ``tied`` that the lot picks."""
        chosen, how = self._choose(tied, prefer)
        self.ties.append(Tie(article, what, tied, (chosen,), value, how, list_number))
        return chosen

    def _choose(
        self, tied: tuple[int, ...], prefer: Preference | None
    ) -> tuple[int, str]:
        if self._drawn:
            drawn = self._drawn.pop(0)
            if drawn not in tied:
                raise ValueError(
                    f"The drawn number {drawn} is not one of the tied "
                    f"numbers {list(tied)}; give the draws in the order the "
                    "ties arise."
                )
            return drawn, self._source

        if prefer is not None:
            preferred = prefer(tied)
            if preferred is not None:
                return preferred, "official"

        return min(tied), "unresolved"
