"""Template filters for numbers as the pages show them."""

from __future__ import annotations

import functools

from django import template
from django.urls import translate_url
from django.utils.formats import number_format
from django.utils.translation import get_language

register = template.Library()


@register.filter
def n(value: int | None) -> str:
    """Show a count with thousands grouped, or a dash when unknown."""
    if value is None or value == "":
        return "–"
    return number_format(value, force_grouping=True)


@register.filter
def pct(value: float | None, digits: int = 1) -> str:
    """Show a share (0.123) as a percentage (12,3 %)."""
    if value is None:
        return "–"
    return number_format(value * 100, decimal_pos=digits) + " %"


@register.filter
def signed_pct(value: float | None) -> str:
    """Show a difference of shares in percentage points, with its sign."""
    if value is None:
        return "–"
    sign = "+" if value > 0 else ""
    return sign + number_format(value * 100, decimal_pos=1)


@register.filter
def filesize(value: int) -> str:
    """Show a size in bytes, kB or MB."""
    if value < 1000:
        return f"{value} B"
    if value < 1_000_000:
        return number_format(value / 1000, decimal_pos=1) + " kB"
    return number_format(value / 1_000_000, decimal_pos=1) + " MB"


@register.simple_tag(takes_context=True)
def translated_url(context: template.Context, language: str) -> str:
    """Return the current page's URL in another language."""
    request = context.get("request")
    if request is None:
        return "/"
    return url_in_language(request.get_full_path(), language, get_language())


@functools.lru_cache(maxsize=4096)
def url_in_language(path: str, language: str, active: str) -> str:
    """Return a path in another language; resolving it costs, so remember.

    The path is resolved in the ``active`` language, so that is part of
    what is remembered.
    """
    return translate_url(path, language)
