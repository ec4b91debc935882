"""Which committee is competent for a melding, and where it receives it.

Under the Kieswet each committee determines its own part of the result:
the gemeentelijk stembureau (GSB) the counts of its municipality and its
stembureaus, the hoofdstembureau (HSB) the kieskring's totals, which it
transcribes from the GSBs, and the centraal stembureau (CSB) the totals,
the seats and who is elected. For a municipal council the municipality's
own centraal stembureau does all of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from openuitslag.meldingen.models import (
    Category,
    CommitteeAddress,
    CommitteeKind,
    Melding,
)
from openuitslag.portal import models as portal


@dataclass(frozen=True)
class Committee:
    """The committee a melding goes to."""

    kind: str
    code: str
    name: str


def competent(
    election: portal.Election,
    category: str,
    municipality: portal.Municipality | None,
    kieskring: portal.Region | None,
) -> Committee:
    """Return the committee that can act on a melding."""
    if election.category == "GR" and municipality is not None:
        return Committee(CommitteeKind.CSB, municipality.code, municipality.name)
    if kieskring is None and municipality is not None:
        kieskring = municipality.kieskring

    if category == Category.SEATS:
        return Committee(CommitteeKind.CSB, "", str(election))
    if category == Category.TRANSCRIPTION and kieskring is not None:
        return hsb(kieskring)
    if municipality is not None:
        return Committee(CommitteeKind.GSB, municipality.code, municipality.name)
    if kieskring is not None:
        return hsb(kieskring)
    return Committee(CommitteeKind.CSB, "", str(election))


def hsb(kieskring: portal.Region) -> Committee:
    """Return the hoofdstembureau of a kieskring."""
    return Committee(CommitteeKind.HSB, kieskring.number, kieskring.name)


def recipients_of(melding: Melding) -> list[str]:
    """Return the addresses the operator entered for a melding's committee."""
    return list(
        CommitteeAddress.objects.filter(
            election=melding.election,
            kind=melding.committee_kind,
            code=melding.committee_code,
        ).values_list("email", flat=True)
    )
