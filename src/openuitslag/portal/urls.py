"""URLs of the portal: Dutch paths, the English pages under ``/en/``."""

from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, register_converter

from openuitslag.portal import views


class AnySegment:
    """A path segment that may hold colons (``0363::SB1``) and dots."""

    regex = r"[^/]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(AnySegment, "seg")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("document/<str:sha256>/", views.download, name="download"),
    path("gezondheid/", views.health, name="health"),
    path("", include("openuitslag.api.urls")),
]
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("zoeken/", views.search, name="search"),
    path("toegankelijkheid/", views.accessibility, name="accessibility"),
    path("verkiezing/<seg:election>/", views.election, name="election"),
    path("verkiezing/<seg:election>/kaart.svg", views.election_map, name="map"),
    path(
        "verkiezing/<seg:election>/kieskring/<seg:number>/",
        views.kieskring,
        name="kieskring",
    ),
    path(
        "verkiezing/<seg:election>/gemeente/<seg:code>/",
        views.municipality,
        name="municipality",
    ),
    path(
        "verkiezing/<seg:election>/gemeente/<seg:code>/stembureau/<seg:station>/",
        views.station,
        name="station",
    ),
    path("verkiezing/<seg:election>/lijst/<int:number>/", views.lijst, name="lijst"),
    path(
        "verkiezing/<seg:election>/lijst/<int:number>/kandidaat/<seg:contest>/"
        "<int:candidate>/",
        views.kandidaat,
        name="kandidaat",
    ),
    path("verkiezing/<seg:election>/bevindingen/", views.findings, name="findings"),
    path("", include("openuitslag.meldingen.urls")),
    prefix_default_language=False,
)
