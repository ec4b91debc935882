"""The operator's view of meldingen: read, route again, set the status."""

from __future__ import annotations

from typing import ClassVar

from django.contrib import admin

from openuitslag.meldingen.models import CommitteeAddress, Melding


@admin.register(Melding)
class MeldingAdmin(admin.ModelAdmin):
    """Meldingen with their committee and delivery status."""

    list_display: ClassVar = (
        "reference",
        "election",
        "category",
        "committee_kind",
        "committee_name",
        "status",
        "created_at",
    )
    list_filter: ClassVar = ("status", "category", "committee_kind", "election")
    search_fields: ClassVar = ("reference", "description", "committee_name")
    readonly_fields: ClassVar = (
        "reference",
        "election",
        "category",
        "municipality",
        "station",
        "kieskring",
        "description",
        "email",
        "committee_kind",
        "committee_code",
        "committee_name",
        "recipients",
        "created_at",
        "delivered_at",
        "email_erased_at",
    )
    fields: ClassVar = (*readonly_fields, "status", "notes")


@admin.register(CommitteeAddress)
class CommitteeAddressAdmin(admin.ModelAdmin):
    """Where each committee receives meldingen."""

    list_display: ClassVar = ("election", "kind", "code", "name", "email")
    list_filter: ClassVar = ("election", "kind")
    search_fields: ClassVar = ("name", "code", "email")
