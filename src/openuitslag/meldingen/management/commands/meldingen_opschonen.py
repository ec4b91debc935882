"""Erase contact addresses of meldingen older than the retention period.

Run it daily (``openuitslag manage meldingen_opschonen``): the page
promises that an address is kept no longer than that.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from openuitslag.meldingen.models import RETENTION_DAYS, Melding


class Command(BaseCommand):
    """Erase e-mail addresses older than the retention period."""

    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = timezone.now() - dt.timedelta(days=RETENTION_DAYS)
        erased = (
            Melding.objects.filter(created_at__lt=cutoff)
            .exclude(email="")
            .update(email="", email_erased_at=timezone.now())
        )
        self.stdout.write(
            f"{erased} e-mailadressen gewist (ouder dan {RETENTION_DAYS} dagen)."
        )
