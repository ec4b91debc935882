"""Django app configuration of meldingen."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeldingenConfig(AppConfig):
    """Reports of suspected errors, routed to the competent committee."""

    name = "openuitslag.meldingen"
    label = "meldingen"
    verbose_name = _("Meldingen")
    default_auto_field = "django.db.models.BigAutoField"
