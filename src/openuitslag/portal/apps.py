"""The portal as one Django app: models, pages, import and admin."""

from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Register the portal's models under the label ``portal``."""

    name = "openuitslag.portal"
    label = "portal"
    verbose_name = "Uitslagen"
    default_auto_field = "django.db.models.BigAutoField"
