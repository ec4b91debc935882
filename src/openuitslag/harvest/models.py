"""The registry: municipalities and the pages where they publish results.

One national place for the links to every municipality's published
results is the point of the harvester, so the registry is kept with care:
municipalities with their CBS code, kind (gemeente, Caribbean public body,
postal-vote office) and mergers; per election the kieskring of each
municipality and the URL of its results page; and a record of every
change to a URL, with who made it, when, and the old and new value.
"""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone


class Municipality(models.Model):
    """A gemeente, openbaar lichaam or the postal-vote office (9010)."""

    KINDS = (
        ("gemeente", "gemeente"),
        ("openbaar lichaam", "openbaar lichaam (Caribisch Nederland)"),
        ("briefstembureau", "briefstembureau (kiezers buiten Nederland)"),
    )

    code = models.CharField(
        max_length=4, unique=True, help_text="As in the EML, e.g. 0482."
    )
    name = models.CharField(max_length=100)
    cbs_code = models.CharField(max_length=6, blank=True, help_text="e.g. GM0482.")
    kind = models.CharField(max_length=20, choices=KINDS, default="gemeente")
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    merged_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ("name",)
        verbose_name_plural = "municipalities"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Participation(models.Model):
    """A municipality in one election, with its kieskring."""

    election = models.CharField(max_length=40, db_index=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="participations"
    )
    kieskring_number = models.CharField(max_length=8, blank=True)
    kieskring_name = models.CharField(max_length=100, blank=True)

    class Meta:
        unique_together = (("election", "municipality"),)
        ordering = (
            "election",
            "municipality__name",
        )

    def __str__(self) -> str:
        return f"{self.election} {self.municipality} kieskring {self.kieskring_number}"


class ResultsPage(models.Model):
    """Where one municipality publishes its results of one election."""

    election = models.CharField(max_length=40, db_index=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="results_pages"
    )
    url = models.URLField(max_length=1000, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        unique_together = (("election", "municipality"),)
        ordering = (
            "election",
            "municipality__name",
        )

    def __str__(self) -> str:
        return f"{self.election} {self.municipality}: {self.url or '(none)'}"

    def set_url(self, url: str, *, by: str, via: str) -> bool:
        """Change the URL and record the change; return whether it changed."""
        if self.pk is not None and url == self.url:
            return False
        with transaction.atomic():
            old = self.url if self.pk is not None else ""
            self.url = url
            self.updated_at = timezone.now()
            self.save()
            UrlChange.objects.create(
                page=self, old_url=old, new_url=url, changed_by=by, via=via
            )
        return True


class UrlChange(models.Model):
    """One change of a results page's URL: who, when, old and new."""

    page = models.ForeignKey(
        ResultsPage, on_delete=models.CASCADE, related_name="changes"
    )
    old_url = models.URLField(max_length=1000, blank=True)
    new_url = models.URLField(max_length=1000, blank=True)
    changed_by = models.CharField(max_length=150)
    changed_at = models.DateTimeField(default=timezone.now)
    via = models.CharField(max_length=20, help_text="admin, import, seed")

    class Meta:
        ordering = (
            "-changed_at",
            "-id",
        )

    def __str__(self) -> str:
        return f"{self.changed_at:%Y-%m-%d %H:%M} {self.changed_by}: {self.new_url}"
