"""What a melding is, and where each committee receives them.

The only personal data is the optional contact e-mail address; it is
erased after :data:`RETENTION_DAYS` (``manage meldingen_opschonen``), and
it is only sent to the committee. No IP address is stored.
"""

from __future__ import annotations

import os
import secrets
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from openuitslag.portal import models as portal

RETENTION_DAYS = int(os.environ.get("OPENUITSLAG_MELDINGEN_RETENTION_DAYS", "90"))
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class Category(models.TextChoices):
    """What seems to be wrong."""

    STEMBUREAU = "stembureau-count", _("de telling van een stembureau")
    TRANSCRIPTION = "transcription", _("de overname van gemeente naar kieskring")
    SEATS = "seats", _("de zetelberekening")
    MISSING = "missing-document", _("een ontbrekend document")
    OTHER = "other", _("iets anders")


class CommitteeKind(models.TextChoices):
    """The committees that determine a part of the result."""

    GSB = "GSB", _("gemeentelijk stembureau")
    HSB = "HSB", _("hoofdstembureau")
    CSB = "CSB", _("centraal stembureau")


class Status(models.TextChoices):
    """Where a melding is in its handling."""

    NEW = "nieuw", _("nieuw")
    DELIVERED = "doorgestuurd", _("doorgestuurd")
    UNDELIVERED = "niet-bezorgd", _("niet bezorgd")
    IN_PROGRESS = "in-behandeling", _("in behandeling")
    CLOSED = "afgehandeld", _("afgehandeld")


class CommitteeAddress(models.Model):
    """Where one committee of one election receives meldingen.

    ``code`` is the municipality's CBS code for a GSB, the kieskring
    number for an HSB, and empty for the CSB.
    """

    election = models.ForeignKey(portal.Election, on_delete=models.CASCADE)
    kind = models.CharField(_("stembureau"), max_length=3, choices=CommitteeKind)
    code = models.CharField(_("code"), max_length=16, blank=True)
    name = models.CharField(_("naam"), max_length=200)
    email = models.EmailField(_("e-mailadres"))

    class Meta:
        ordering: ClassVar = ["election", "kind", "code"]
        verbose_name = _("adres van een stembureau")
        verbose_name_plural = _("adressen van stembureaus")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["election", "kind", "code"], name="committee_address_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


def new_reference() -> str:
    """Return a reference number nobody can guess: M-XXXX-XXXX-XXXX."""
    letters = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(12))
    return f"M-{letters[:4]}-{letters[4:8]}-{letters[8:]}"


class Melding(models.Model):
    """One report of a suspected error, addressed to one committee."""

    reference = models.CharField(
        _("kenmerk"), max_length=20, unique=True, default=new_reference
    )
    election = models.ForeignKey(portal.Election, on_delete=models.CASCADE)
    category = models.CharField(_("soort"), max_length=32, choices=Category)
    municipality = models.ForeignKey(
        portal.Municipality, null=True, blank=True, on_delete=models.SET_NULL
    )
    station = models.ForeignKey(
        portal.PollingStation, null=True, blank=True, on_delete=models.SET_NULL
    )
    kieskring = models.ForeignKey(
        portal.Region, null=True, blank=True, on_delete=models.SET_NULL
    )
    description = models.TextField(_("omschrijving"))
    email = models.EmailField(_("e-mailadres voor contact"), blank=True)
    language = models.CharField(max_length=8, default="nl")

    committee_kind = models.CharField(
        _("bevoegd stembureau"), max_length=3, choices=CommitteeKind
    )
    committee_code = models.CharField(max_length=16, blank=True)
    committee_name = models.CharField(_("naam stembureau"), max_length=200)
    recipients = models.CharField(_("bezorgd aan"), max_length=500, blank=True)

    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.NEW
    )
    notes = models.TextField(_("aantekeningen"), blank=True)
    created_at = models.DateTimeField(_("ontvangen"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("doorgestuurd"), null=True, blank=True)
    email_erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")

    def __str__(self) -> str:
        return self.reference

    @property
    def where(self) -> str:
        """Return the place the melding is about, in words."""
        if self.station is not None:
            return f"{self.station.name} ({self.municipality})"
        if self.municipality is not None:
            return str(self.municipality)
        if self.kieskring is not None:
            return f"{_('kieskring')} {self.kieskring.number} {self.kieskring.name}"
        return str(self.election)
