"""The admin: where an operator sets an election's dates and links.

Counts are never edited here: they come only from imported files, so the
number rows are read-only and only the settings of an election, and the
links of municipalities and stembureaus, can be changed.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from openuitslag.portal import models as m
from openuitslag.portal.caching import bump_generation
from openuitslag.portal.tasks import reverify_election


@admin.register(m.Election)
class ElectionAdmin(admin.ModelAdmin):
    """Dates, CSB session, report window and links of an election."""

    list_display = ("identifier", "name", "date", "csb_session", "error_count")
    search_fields = ("identifier", "name")
    actions = ("reverify",)
    readonly_fields = (
        "identifier",
        "category",
        "number_of_seats",
        "published_at",
        "verified_at",
        "seats_match_official",
        "error_count",
        "warning_count",
        "notice_count",
    )
    fieldsets = (
        (None, {"fields": ("identifier", "name", "category", "date")}),
        (
            "Centraal stembureau en meldingen",
            {"fields": ("csb_session", "report_opens", "report_closes", "report_url")},
        ),
        ("Links", {"fields": ("info_url", "results_url")}),
        (
            "Uit de bestanden",
            {
                "fields": (
                    "number_of_seats",
                    "published_at",
                    "verified_at",
                    "seats_match_official",
                    "error_count",
                    "warning_count",
                    "notice_count",
                )
            },
        ),
    )

    @admin.action(description="Opnieuw narekenen uit de huidige bestanden")
    def reverify(self, request: HttpRequest, queryset: QuerySet[m.Election]) -> None:
        """Enqueue a new verification of each chosen election."""
        for election in queryset:
            reverify_election.enqueue(election.identifier)
        self.message_user(request, f"{queryset.count()} verkiezing(en) ingepland.")

    def save_model(
        self, request: HttpRequest, obj: m.Election, form: object, change: bool
    ) -> None:
        """Save, then let every cached page show the change."""
        super().save_model(request, obj, form, change)  # type: ignore[arg-type]
        bump_generation()


@admin.register(m.Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    """The link to a municipality's own results page."""

    list_display = ("name", "code", "election")
    list_filter = ("election",)
    search_fields = ("name", "code")
    fields = ("name", "code", "election", "results_url")
    readonly_fields = ("name", "code", "election")


@admin.register(m.PollingStation)
class PollingStationAdmin(admin.ModelAdmin):
    """The link to a stembureau's proces-verbaal scan."""

    list_display = ("name", "unit_id", "municipality")
    search_fields = ("name", "unit_id", "postcode")
    fields = ("name", "unit_id", "postcode", "municipality", "pv_url")
    readonly_fields = ("name", "unit_id", "postcode", "municipality")


@admin.register(m.Document)
class DocumentAdmin(admin.ModelAdmin):
    """Imported documents, read-only: the files are the source of truth."""

    list_display = ("name", "kind", "election", "is_current", "imported_at")
    list_filter = ("kind", "is_current")
    search_fields = ("name", "sha256")

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        """Refuse edits: a document changes only by importing a new file."""
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Refuse additions: documents come in through the import."""
        return False
