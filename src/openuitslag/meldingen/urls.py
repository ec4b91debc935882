"""URLs of the melding pages (inside the portal's language prefixes)."""

from __future__ import annotations

from django.urls import path

from openuitslag.meldingen import views

app_name = "meldingen"

urlpatterns = [
    path("melden/", views.index, name="index"),
    path("melden/ontvangst/<str:reference>/", views.receipt, name="receipt"),
    path("melden/<str:election>/", views.form, name="form"),
]
