"""When meldingen are accepted, and how often one sender may send them.

The window is the election's (``Election.report_window``, editable in the
admin): by default from publication until 48 hours before the session of
the centraal stembureau. The rate limit counts per hashed IP address in
Django's cache (Redis when configured), so no address is ever stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from openuitslag.portal import models as portal

RATE_LIMIT = int(os.environ.get("OPENUITSLAG_MELDINGEN_PER_HOUR", "5"))
RATE_WINDOW = 3600
MAX_DESCRIPTION = 5000
MAX_BODY = 20_000


def window_refusal(election: portal.Election, now: dt.datetime | None = None) -> str:
    """Return why meldingen are not accepted now, or "" when they are."""
    now = now or timezone.now()
    opens, closes = election.report_window
    if opens is None:
        return _(
            "Voor deze verkiezing is nog geen uitslag gepubliceerd; melden kan "
            "vanaf de publicatie."
        )
    if now < opens:
        return _("Melden kan vanaf %(when)s.") % {"when": shown(opens)}
    if closes is not None and now >= closes:
        return _(
            "De termijn om fouten te melden is voorbij: melden kon tot "
            "%(when)s, 48 uur voor de zitting van het centraal stembureau."
        ) % {"when": shown(closes)}
    return ""


def shown(moment: dt.datetime) -> str:
    """Return a moment in local time as pages show it."""
    return formats.date_format(timezone.localtime(moment), "j F Y H:i")


def sender_key(request: HttpRequest) -> str:
    """Return the rate-limit key of a request: a keyed hash of its IP."""
    address = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{address}".encode()).hexdigest()
    return f"meldingen:rate:{digest[:32]}"


def over_limit(request: HttpRequest) -> bool:
    """Count one melding for the sender; say whether it is one too many."""
    key = sender_key(request)
    cache.add(key, 0, RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, RATE_WINDOW)
        count = 1
    return count > RATE_LIMIT
