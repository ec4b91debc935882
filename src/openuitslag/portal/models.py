"""The portal's database: what was imported, in a shape pages can query.

The numbers are stored the way pages read them and the way a national
election can be loaded in seconds: one :class:`UnitCount` row per reporting
unit and document (with the counters of the proces-verbaal as columns) and
one :class:`ListVotes` row per unit and lijst, whose candidate votes are a
packed array of 32-bit integers indexed by the candidate's number on the
list. A national election is about 10,000 units x 30 lists, so 300,000 vote
rows instead of 13 million one-number rows.

Every number row belongs to the :class:`Document` it was read from, so a
document is removed, replaced or superseded as a whole.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import numpy as np
from django.db import models
from django.utils.translation import gettext_lazy as _

from openuitslag.core.digest import pv_form
from openuitslag.core.model import MISSING

# Counter columns, in the order of openuitslag.core.model.COUNTERS, with the
# letter of the proces-verbaal where it has one.
COUNTER_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("cast", "", _("kiesgerechtigden")),
    ("total_counted", "E", _("stemmen op kandidaten")),
    ("blanco", "F", _("blanco stemmen")),
    ("ongeldig", "G", _("ongeldige stemmen")),
    ("stempassen", "A", _("geldige stempassen")),
    ("volmachtbewijzen", "B", _("geldige volmachtbewijzen")),
    ("kiezerspassen", "C", _("geldige kiezerspassen")),
    ("toegelaten", "D", _("toegelaten kiezers")),
    ("meer_geteld", "I", _("meer getelde stembiljetten")),
    ("minder_geteld", "J", _("minder getelde stembiljetten")),
    ("meegenomen", "", _("meegenomen stembiljetten")),
    ("te_weinig_uitgereikt", "", _("te weinig uitgereikte stembiljetten")),
    ("te_veel_uitgereikt", "", _("te veel uitgereikte stembiljetten")),
    ("geen_briefstembiljetten", "", _("geen briefstembiljetten")),
    ("te_veel_briefstembiljetten", "", _("te veel briefstembiljetten")),
    ("kwijtgeraakt", "", _("kwijtgeraakte stembiljetten")),
    ("geen_verklaring", "", _("geen verklaring")),
    ("andere_verklaring", "", _("andere verklaring")),
)
COUNTER_NAMES: tuple[str, ...] = tuple(name for name, _l, _t in COUNTER_FIELDS)


class Level(models.TextChoices):
    """How high a reporting unit sits in the count tree."""

    STATION = "station", _("stembureau")
    MUNICIPALITY = "gemeente", _("gemeente")
    KIESKRING = "kieskring", _("kieskring")
    NATION = "totaal", _("totaal")


class Election(models.Model):
    """One election as an ``ElectionIdentifier`` names it (TK2021, …).

    The dates and links are the operator's to edit in the admin; the
    import fills in what the files say.
    """

    identifier = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=8)
    subcategory = models.CharField(max_length=8, blank=True)
    domain_name = models.CharField(max_length=200, blank=True)
    date = models.DateField(null=True, blank=True)
    number_of_seats = models.PositiveIntegerField(null=True, blank=True)
    preference_threshold = models.PositiveIntegerField(null=True, blank=True)

    csb_session = models.DateTimeField(
        _("zitting centraal stembureau"), null=True, blank=True
    )
    report_opens = models.DateTimeField(
        _("melden mogelijk vanaf"),
        null=True,
        blank=True,
        help_text=_("Leeg: vanaf de eerste publicatie van uitslagen."),
    )
    report_closes = models.DateTimeField(
        _("melden mogelijk tot"),
        null=True,
        blank=True,
        help_text=_("Leeg: tot 48 uur voor de zitting van het centraal stembureau."),
    )
    report_url = models.URLField(_("meldpunt voor fouten"), blank=True)
    info_url = models.URLField(_("uitleg over de verkiezing"), blank=True)
    results_url = models.URLField(_("officiële uitslag"), blank=True)

    published_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    apportionment = models.JSONField(null=True, blank=True)
    seats_match_official = models.BooleanField(null=True, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    notice_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["-date", "identifier"]
        verbose_name = _("verkiezing")
        verbose_name_plural = _("verkiezingen")

    def __str__(self) -> str:
        return self.name or self.identifier

    @property
    def report_window(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """Return when errors can be reported: by default from publication
        until 48 hours before the session of the centraal stembureau."""
        opens = self.report_opens or self.published_at
        closes = self.report_closes
        if closes is None and self.csb_session is not None:
            closes = self.csb_session - dt.timedelta(hours=48)
        return opens, closes


class Region(models.Model):
    """A node of the election tree other than a municipality: a kieskring,
    a province, the nation."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE)
    category = models.CharField(max_length=32)
    number = models.CharField(max_length=16)
    name = models.CharField(max_length=200)

    class Meta:
        ordering: ClassVar = ["category", "number"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["election", "category", "number"], name="region_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def sort_number(self) -> int:
        """Return the number for sorting (kieskring 2 before 10)."""
        return int(self.number) if self.number.isdigit() else 0


class Municipality(models.Model):
    """A gemeente within one election, by its 4-digit CBS code."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE)
    code = models.CharField(max_length=4)
    name = models.CharField(max_length=200)
    kieskring = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.SET_NULL
    )
    electorate = models.PositiveIntegerField(null=True, blank=True)
    results_url = models.URLField(_("uitslagenpagina van de gemeente"), blank=True)

    class Meta:
        ordering: ClassVar = ["name"]
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["election", "code"], name="municipality_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class PollingStation(models.Model):
    """A stembureau: a reporting unit below the municipality."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE)
    unit_id = models.CharField(max_length=64)
    slug = models.CharField(max_length=64)
    number = models.PositiveIntegerField(null=True, blank=True)
    name = models.CharField(max_length=300)
    postcode = models.CharField(max_length=16, blank=True)
    electorate = models.PositiveIntegerField(null=True, blank=True)
    pv_url = models.URLField(_("scan van het proces-verbaal"), blank=True)

    class Meta:
        ordering: ClassVar = ["number", "unit_id"]
        verbose_name = _("stembureau")
        verbose_name_plural = _("stembureaus")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["municipality", "unit_id"], name="station_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Lijst(models.Model):
    """A kandidatenlijst (party) of an election, by its list number."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE)
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering: ClassVar = ["number"]
        verbose_name = _("lijst")
        verbose_name_plural = _("lijsten")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["election", "number"], name="lijst_unique")
        ]

    def __str__(self) -> str:
        return self.name or f"Lijst {self.number}"

    @property
    def label(self) -> str:
        """Return the name, or "Lijst N" when the list has none."""
        return str(self)


class Kandidaat(models.Model):
    """A kandidaat on a lijst in one contest (kieskring).

    Only what the ballot itself shows is kept: the name and the position.
    Gender and place of residence are left out on purpose.
    """

    lijst = models.ForeignKey(Lijst, on_delete=models.CASCADE)
    contest = models.CharField(max_length=16)
    number = models.PositiveIntegerField()
    initials = models.CharField(max_length=64, blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=32, blank=True)
    last_name = models.CharField(max_length=200, blank=True)
    short_code = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering: ClassVar = ["lijst__number", "contest", "number"]
        verbose_name = _("kandidaat")
        verbose_name_plural = _("kandidaten")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["lijst", "contest", "number"], name="kandidaat_unique"
            )
        ]
        indexes: ClassVar = [models.Index(fields=["last_name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """Return the name as the ballot prints it: "Ark, T. van"."""
        rest = " ".join(p for p in (self.initials, self.prefix) if p)
        return f"{self.last_name}, {rest}" if rest else self.last_name

    @property
    def person_key(self) -> tuple[str, str, str]:
        """Return what identifies one person on several kieskring lists."""
        return (self.last_name, self.initials, self.prefix)


class Document(models.Model):
    """One imported file, by its SHA-256; its bytes are kept on disk.

    ``key`` says which document this is a version of (kind, election,
    committee and contests), so that a corrigendum supersedes the version
    before it while that one stays in the history.
    """

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=16)
    source = models.CharField(max_length=500)
    name = models.CharField(max_length=300)
    key = models.CharField(max_length=300, db_index=True)
    election = models.ForeignKey(
        Election, null=True, blank=True, on_delete=models.CASCADE
    )
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.SET_NULL
    )
    authority_id = models.CharField(max_length=32, blank=True)
    authority_name = models.CharField(max_length=200, blank=True)
    creation_time = models.CharField(max_length=64, blank=True)
    phase = models.CharField(max_length=32, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    is_current = models.BooleanField(default=True)
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="superseded_by",
    )

    class Meta:
        ordering: ClassVar = ["kind", "name", "-imported_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documenten")

    def __str__(self) -> str:
        return self.name

    @property
    def sha256_pv(self) -> str:
        """Return the hash as a proces-verbaal prints it (16 x 4)."""
        return pv_form(self.sha256)


class UnitCount(models.Model):
    """The counters of one reporting unit as one document gives them.

    A document's ``TotalVotes`` is stored as a unit of the committee's own
    level (a 510b total is the municipality's row).
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE)
    election = models.ForeignKey(Election, on_delete=models.CASCADE)
    is_current = models.BooleanField(default=True)
    contest = models.CharField(max_length=16)
    level = models.CharField(max_length=16, choices=Level.choices)
    is_total = models.BooleanField(default=False)
    unit_id = models.CharField(max_length=64)
    name = models.CharField(max_length=300, blank=True)
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.CASCADE
    )
    station = models.ForeignKey(
        PollingStation, null=True, blank=True, on_delete=models.CASCADE
    )
    kieskring = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.CASCADE
    )
    cast = models.IntegerField(null=True)
    total_counted = models.IntegerField(null=True)
    blanco = models.IntegerField(null=True)
    ongeldig = models.IntegerField(null=True)
    stempassen = models.IntegerField(null=True)
    volmachtbewijzen = models.IntegerField(null=True)
    kiezerspassen = models.IntegerField(null=True)
    toegelaten = models.IntegerField(null=True)
    meer_geteld = models.IntegerField(null=True)
    minder_geteld = models.IntegerField(null=True)
    meegenomen = models.IntegerField(null=True)
    te_weinig_uitgereikt = models.IntegerField(null=True)
    te_veel_uitgereikt = models.IntegerField(null=True)
    geen_briefstembiljetten = models.IntegerField(null=True)
    te_veel_briefstembiljetten = models.IntegerField(null=True)
    kwijtgeraakt = models.IntegerField(null=True)
    geen_verklaring = models.IntegerField(null=True)
    andere_verklaring = models.IntegerField(null=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["election", "level", "is_current"]),
            models.Index(fields=["station", "is_current"]),
            models.Index(fields=["municipality", "level", "is_current"]),
        ]

    @property
    def votes_cast(self) -> int | None:
        """Return H, the ballots counted: E + F + G."""
        parts = (self.total_counted, self.blanco, self.ongeldig)
        return None if any(p is None for p in parts) else sum(parts)  # type: ignore[arg-type]


class ListVotes(models.Model):
    """The votes of one lijst in one reporting unit, candidates packed.

    ``candidate_votes`` holds little-endian int32 values: element ``k-1``
    is the ValidVotes of candidate number ``k``; -1 where the file gives
    none.
    """

    count = models.ForeignKey(UnitCount, on_delete=models.CASCADE)
    election = models.ForeignKey(Election, on_delete=models.CASCADE)
    level = models.CharField(max_length=16, choices=Level.choices)
    is_current = models.BooleanField(default=True)
    list_number = models.PositiveIntegerField()
    votes = models.IntegerField(null=True)
    candidate_votes = models.BinaryField()

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["election", "list_number", "level", "is_current"]),
        ]

    def candidates(self) -> list[int | None]:
        """Return the candidate votes by number - 1; None where missing."""
        return unpack_votes(bytes(self.candidate_votes))


def pack_votes(values: np.ndarray) -> bytes:
    """Pack candidate votes (MISSING allowed) as little-endian int32."""
    return np.asarray(values, dtype="<i4").tobytes()


def unpack_votes(blob: bytes) -> list[int | None]:
    """Return packed candidate votes as ints, None where MISSING."""
    array = np.frombuffer(blob, dtype="<i4")
    return [None if v == MISSING else int(v) for v in array.tolist()]


class Finding(models.Model):
    """One finding of the verifier, stored as the verifier reported it."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE)
    code = models.CharField(max_length=64, db_index=True)
    severity = models.CharField(max_length=8, db_index=True)
    message_nl = models.TextField()
    message_en = models.TextField()
    file = models.CharField(max_length=500, blank=True)
    authority = models.CharField(max_length=32, blank=True)
    reporting_unit = models.CharField(max_length=64, blank=True)
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.SET_NULL
    )
    station = models.ForeignKey(
        PollingStation, null=True, blank=True, on_delete=models.SET_NULL
    )
    list_number = models.PositiveIntegerField(null=True, blank=True)
    candidate = models.CharField(max_length=200, blank=True)
    expected = models.JSONField(null=True)
    found = models.JSONField(null=True)

    class Meta:
        ordering: ClassVar = ["severity", "code", "reporting_unit"]
        verbose_name = _("bevinding")
        verbose_name_plural = _("bevindingen")

    def __str__(self) -> str:
        return f"{self.code} {self.reporting_unit}"


class Seats(models.Model):
    """Seats of one lijst: recomputed by us and, if published, official."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE)
    list_number = models.PositiveIntegerField()
    list_name = models.CharField(max_length=300, blank=True)
    votes = models.BigIntegerField(null=True)
    recomputed = models.PositiveIntegerField(null=True)
    official = models.PositiveIntegerField(null=True)

    class Meta:
        ordering: ClassVar = ["list_number"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["election", "list_number"], name="seats_unique"
            )
        ]

    @property
    def matches(self) -> bool | None:
        """Say whether our seats equal the official ones (None: unknown)."""
        if self.official is None or self.recomputed is None:
            return None
        return self.official == self.recomputed
