"""The harvester's Django app: the registry of municipal results pages.

The harvesting itself is plain Python (``openuitslag.harvest.harvester``);
this app only gives operators the registry in the admin and a history of
every change to it.
"""

from __future__ import annotations

from django.apps import AppConfig


class HarvestConfig(AppConfig):
    """Registry of municipalities and their results pages."""

    name = "openuitslag.harvest"
    label = "harvest"
    verbose_name = "Registry and harvester"
    default_auto_field = "django.db.models.BigAutoField"
