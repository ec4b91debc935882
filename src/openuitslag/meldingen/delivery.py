"""Deliver a melding to its committee through Django's e-mail backends.

By default mail is written as files into ``<data dir>/mail`` (nothing
leaves the machine until an operator configures SMTP), so a melding is
never lost: the admin shows each one with its delivery status either way.

Environment variables:

``OPENUITSLAG_EMAIL_BACKEND``
    A Django e-mail backend (default the file backend); for example
    ``django.core.mail.backends.smtp.EmailBackend``.
``OPENUITSLAG_SMTP_HOST``, ``OPENUITSLAG_SMTP_PORT``,
``OPENUITSLAG_SMTP_USER``, ``OPENUITSLAG_SMTP_PASSWORD``,
``OPENUITSLAG_SMTP_TLS``
    The SMTP server, when that backend is chosen.
``OPENUITSLAG_MELDINGEN_FROM``
    The sender address (default ``meldingen@openuitslag.invalid``).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from openuitslag.meldingen.models import Melding, Status

logger = logging.getLogger("openuitslag.meldingen")

FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


def mail_backend() -> Any:
    """Return the e-mail backend the environment asks for, configured.

    The backend is built directly rather than through Django's global
    mail settings, so that the portal's own settings need no e-mail part.
    """
    backend = os.environ.get("OPENUITSLAG_EMAIL_BACKEND", FILE_BACKEND)
    options: dict[str, Any] = {}
    if backend == FILE_BACKEND:
        folder = Path(settings.DATA_DIR) / "mail"
        folder.mkdir(parents=True, exist_ok=True)
        options["file_path"] = str(folder)
    elif backend.endswith("smtp.EmailBackend"):
        options.update(
            host=os.environ.get("OPENUITSLAG_SMTP_HOST", "localhost"),
            port=int(os.environ.get("OPENUITSLAG_SMTP_PORT", "25")),
            username=os.environ.get("OPENUITSLAG_SMTP_USER", ""),
            password=os.environ.get("OPENUITSLAG_SMTP_PASSWORD", ""),
            use_tls=os.environ.get("OPENUITSLAG_SMTP_TLS", "") in ("1", "true"),
            timeout=30,
        )
    return import_string(backend)(fail_silently=False, **options)


def deliver(melding: Melding, addresses: list[str]) -> bool:
    """Send a melding to the committee's addresses; record the outcome.

    Without an address the melding stays "niet bezorgd" for the operator
    to forward by hand; a failing mail server does the same.
    """
    melding.recipients = ", ".join(addresses)[:500]
    if not addresses:
        logger.warning(
            "melding undeliverable reference=%s committee=%s%s: no address",
            melding.reference,
            melding.committee_kind,
            melding.committee_code,
        )
        melding.status = Status.UNDELIVERED
        melding.save(update_fields=["recipients", "status"])
        return False

    try:
        mail_backend().send_messages([message(melding, addresses)])
    except OSError as error:
        logger.error(
            "melding delivery failed reference=%s error=%s", melding.reference, error
        )
        melding.status = Status.UNDELIVERED
    else:
        logger.info(
            "melding delivered reference=%s to=%d", melding.reference, len(addresses)
        )
        melding.status = Status.DELIVERED
        melding.delivered_at = timezone.now()
    melding.save(update_fields=["recipients", "status", "delivered_at"])
    return melding.status == Status.DELIVERED


def message(melding: Melding, addresses: list[str]) -> EmailMessage:
    """Return the e-mail to the committee, in Dutch, with reply-to."""
    with translation.override("nl"):
        body = render_to_string("meldingen/email.txt", {"melding": melding})
        subject = f"Melding {melding.reference}: {melding.get_category_display()}"
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=os.environ.get(
            "OPENUITSLAG_MELDINGEN_FROM", "meldingen@openuitslag.invalid"
        ),
        to=addresses,
        reply_to=[melding.email] if melding.email else None,
    )
