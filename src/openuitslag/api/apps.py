"""Django app configuration of the open API."""

from __future__ import annotations

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The open API: JSON views only, no models of its own."""

    name = "openuitslag.api"
    label = "api"
    verbose_name = "Open API"
