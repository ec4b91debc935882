"""URLs of the open API and of the log's tile layout.

Paths come from :data:`openuitslag.api.routes.ROUTES`; they have no
trailing slash (Logius rule /core/no-trailing-slash) and any other path
under ``/api/`` answers 404 as problem details.
"""

from __future__ import annotations

import re

from django.urls import URLPattern, path, re_path

from openuitslag.api import logviews, openapi, views
from openuitslag.api.routes import ROUTES, Route

app_name = "api"
PREFIX = "api/v1"


def django_path(route: Route) -> str:
    """Return the Django path of a route: {name} becomes <str:name>."""

    def convert(match: re.Match[str]) -> str:
        name = match.group(1)
        return f"<int:{name}>" if name in route.integers else f"<str:{name}>"

    return PREFIX + re.sub(r"\{(\w+)\}", convert, route.path)


urlpatterns: list[URLPattern] = [
    path(django_path(route), route.view, name=route.name)  # type: ignore[arg-type]
    for route in ROUTES
]
urlpatterns += [
    path(f"{PREFIX}/openapi.json", openapi.document, name="openapi"),
    path("log/checkpoint", logviews.tiles_checkpoint, name="tiles-checkpoint"),
    path("log/verifiers", logviews.tiles_verifiers, name="tiles-verifiers"),
    re_path(r"^log/(?P<path>tile/.+)$", logviews.tile, name="tile"),
    re_path(r"^api/(?P<rest>.*)$", views.not_found, name="not-found"),
]
