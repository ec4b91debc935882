"""The registry in Django's admin, where operators maintain it.

A URL changed here goes through :meth:`ResultsPage.set_url`, so the admin
records who changed it and when, exactly like the CSV import does.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from openuitslag.harvest.models import (
    Municipality,
    Participation,
    ResultsPage,
    UrlChange,
)


class UrlChangeInline(admin.TabularInline):  # type: ignore[type-arg]
    model = UrlChange
    extra = 0
    can_delete = False
    readonly_fields = ("changed_at", "changed_by", "via", "old_url", "new_url")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ResultsPage)
class ResultsPageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("election", "municipality", "url", "updated_at")
    list_filter = ("election",)
    search_fields = ("municipality__name", "municipality__code", "url")
    readonly_fields = ("updated_at",)
    inlines = (UrlChangeInline,)

    def save_model(
        self, request: HttpRequest, obj: Any, form: Any, change: bool
    ) -> None:
        """Save through set_url so the change is recorded with its author."""
        url = obj.url
        if change:
            obj.url = ResultsPage.objects.get(pk=obj.pk).url
        if obj.set_url(url, by=request.user.get_username(), via="admin"):
            # The portal's pages show the registered page and its status.
            from openuitslag.portal.caching import bump_generation

            bump_generation()


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "cbs_code", "kind", "merged_into", "merged_on")
    list_filter = ("kind",)
    search_fields = ("code", "name", "cbs_code")


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("election", "municipality", "kieskring_number", "kieskring_name")
    list_filter = ("election", "kieskring_name")
    search_fields = ("municipality__name", "municipality__code")


@admin.register(UrlChange)
class UrlChangeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("changed_at", "page", "changed_by", "via", "old_url", "new_url")
    list_filter = ("via",)
    readonly_fields = ("page", "old_url", "new_url", "changed_by", "changed_at", "via")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
