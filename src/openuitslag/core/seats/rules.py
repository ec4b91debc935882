"""Which version of the seat rules applies to an election.

The Kieswet's seat rules changed over time and differ per kind of
election, so a recomputation must say which rules it applied. A
:class:`RuleVersion` collects the parameters that vary; :func:`rules_for`
chooses one from the election's category and date.

Implemented versions (all texts of Kieswet chapter P, BWBR0004627):

``tk``
    Tweede Kamer (and the European Parliament, not checked against
    chapter Y of the Kieswet): P 7 with the second paragraph: only lists
    that reached the kiesdeler take part in the residual seats.
    Lijstengroepen and stellen gelijkluidende lijsten (P 12, P 15–P 18)
    apply.
``decentraal``
    Municipal councils, provincial states and water boards (GR, PS, AB):
    19 seats or more, highest averages without a threshold (P 7); fewer
    than 19, largest remainders for lists with at least 75 % of the
    kiesdeler, then highest averages giving no list more than one seat,
    then plain highest averages (P 8). Checked against the real GR2022 and
    GR2026 cases; earlier texts of P 8 are not modelled.
``decentraal-restzetels-kiesdeler``
    The bill "Wet aanscherping vereisten toewijzing restzetels" (Kamerstuk
    36 641, 2024): in GR, PS and AB elections too, only lists that reached
    the kiesdeler take part in the residual seats. Its date of entry into
    force is not known to this module, so it is never chosen by date; pass
    it explicitly to apply it.

:func:`rules_for` takes, among the versions for the category that are
chosen by date, the one most recently in force on the election date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

LARGE_BODY = 19  # P 7 / P 8: 19 seats or more is a "large" body


@dataclass(frozen=True, slots=True)
class RuleVersion:
    """The parameters of chapter P that differ between rule versions.

    ``residual_threshold_large`` / ``_small`` are the share of the
    kiesdeler a list's votes must reach to take part in the residual
    seats (None: no threshold). ``small_threshold_all_phases`` says whether
    the small-body threshold also holds after the largest remainders.
    """

    id: str
    title_nl: str
    title_en: str
    residual_threshold_large: Fraction | None
    residual_threshold_small: Fraction
    small_threshold_all_phases: bool = False
    categories: frozenset[str] = frozenset()
    in_force_from: dt.date | None = None  # None: no date limit modelled
    chosen_by_date: bool = True


TK = RuleVersion(
    id="tk",
    title_nl="Kieswet, Tweede Kamer: restzetels alleen voor lijsten die de "
    "kiesdeler haalden (P 7 lid 2)",
    title_en="Elections Act, House of Representatives: residual seats only "
    "for lists that reached the quota (P 7(2))",
    residual_threshold_large=Fraction(1),
    residual_threshold_small=Fraction(1),
    small_threshold_all_phases=True,
    categories=frozenset({"TK", "EP"}),
    in_force_from=dt.date(1989, 11, 1),  # the Kieswet of 1989
)

DECENTRAAL = RuleVersion(
    id="decentraal",
    title_nl="Kieswet, gemeenteraad/provinciale staten/algemeen bestuur "
    "(P 7, P 8 met 75%-drempel en unieke grootste gemiddelden)",
    title_en="Elections Act, municipal/provincial/water board (P 7; P 8 "
    "with the 75 % threshold and unique highest averages)",
    residual_threshold_large=None,
    residual_threshold_small=Fraction(3, 4),
    categories=frozenset({"GR", "PS", "AB"}),
)

DECENTRAAL_KIESDELER = RuleVersion(
    id="decentraal-restzetels-kiesdeler",
    title_nl="Wet aanscherping vereisten toewijzing restzetels (36 641): "
    "restzetels alleen voor lijsten die de kiesdeler haalden",
    title_en="Bill 36 641: residual seats only for lists that reached the "
    "quota, in decentral elections too",
    residual_threshold_large=Fraction(1),
    residual_threshold_small=Fraction(1),
    small_threshold_all_phases=True,
    categories=frozenset({"GR", "PS", "AB"}),
    chosen_by_date=False,  # entry into force unknown here
)

RULE_VERSIONS: dict[str, RuleVersion] = {
    rules.id: rules for rules in (TK, DECENTRAAL, DECENTRAAL_KIESDELER)
}


def rules_for(category: str, date: dt.date | None = None) -> RuleVersion:
    """Return the rule version in force for a category on a date."""
    versions = [
        rules
        for rules in RULE_VERSIONS.values()
        if category in rules.categories and rules.chosen_by_date
        if date is None or rules.in_force_from is None or rules.in_force_from <= date
    ]
    if not versions:
        known = sorted({c for r in RULE_VERSIONS.values() for c in r.categories})
        raise ValueError(
            f"Seat allocation for election category {category!r} on "
            f"{date or 'an unknown date'} is not implemented; only "
            f"{', '.join(known)} are."
        )
    return max(versions, key=lambda r: r.in_force_from or dt.date.min)
