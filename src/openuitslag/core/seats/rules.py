"""Which version of the seat rules applies to an election.

The Kieswet's seat rules changed over time and differ per kind of
election, so a recomputation must say which rules it applied. A
:class:`RuleVersion` collects the parameters that vary; :func:`rules_for`
chooses one from the election's category and date.

Implemented versions (all texts of Kieswet chapter P, BWBR0004627):

``tk``
    Tweede Kamer (and, unverified, the European Parliament, which the
    Kieswet treats the same way in chapter Y): P 7 with the second
    paragraph: only lists that reached the kiesdeler take part in the
    residual seats. Lijstengroepen and stellen gelijkluidende lijsten
    (P 12, P 15–P 18) apply.
``decentraal-2017``
    Municipal councils, provincial states and water boards (GR, PS, AB)
    as in force for the elections of 2018–2026: 19 seats or more, highest
    averages without a threshold (P 7); fewer than 19, largest remainders
    for lists with at least 75 % of the kiesdeler, then highest averages
    giving no list more than one seat, then plain highest averages (P 8).
``decentraal-restzetels-kiesdeler``
    The bill "Wet aanscherping vereisten toewijzing restzetels" (Kamerstuk
    36 641, 2024): in GR, PS and AB elections too, only lists that reached
    the kiesdeler take part in the residual seats. Its date of entry into
    force is not known to this module, so it is never chosen by date; pass
    it explicitly to apply it.
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
    groups: bool = False  # lijstengroepen over kieskringen (P 12, P 18)


TK = RuleVersion(
    id="tk",
    title_nl="Kieswet, Tweede Kamer: restzetels alleen voor lijsten die de "
    "kiesdeler haalden (P 7 lid 2)",
    title_en="Elections Act, House of Representatives: residual seats only "
    "for lists that reached the quota (P 7(2))",
    residual_threshold_large=Fraction(1),
    residual_threshold_small=Fraction(1),
    small_threshold_all_phases=True,
    groups=True,
)

DECENTRAAL_2017 = RuleVersion(
    id="decentraal-2017",
    title_nl="Kieswet, gemeenteraad/provinciale staten/algemeen bestuur "
    "(P 7, P 8 met 75%-drempel en unieke grootste gemiddelden)",
    title_en="Elections Act, municipal/provincial/water board (P 7; P 8 "
    "with the 75 % threshold and unique highest averages)",
    residual_threshold_large=None,
    residual_threshold_small=Fraction(3, 4),
    groups=True,
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
    groups=True,
)

RULE_VERSIONS: dict[str, RuleVersion] = {
    rules.id: rules for rules in (TK, DECENTRAAL_2017, DECENTRAAL_KIESDELER)
}

NATIONAL = frozenset({"TK", "EP"})
DECENTRAL = frozenset({"GR", "PS", "AB"})


def rules_for(category: str, date: dt.date | None = None) -> RuleVersion:
    """Return the rule version for an election category on a date.

    The date is accepted for the record: every version implemented here
    that has a known date of entry into force covers all dates since 2017.
    """
    if category in NATIONAL:
        return TK
    if category in DECENTRAL:
        return DECENTRAAL_2017
    raise ValueError(
        f"Seat allocation for election category {category!r} is not "
        "implemented; only TK, EP and the decentral categories "
        f"({', '.join(sorted(DECENTRAL))}) are."
    )
