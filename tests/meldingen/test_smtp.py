"""With OPENUITSLAG_EMAIL_BACKEND set to SMTP, a melding goes to a real
SMTP server on loopback; when the server is down it waits as "niet
bezorgd" instead of being lost.

The server is a minimal SMTP sink written here (the standard library no
longer ships one): enough of RFC 5321 for Django's SMTP backend.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator

import pytest
from django.test import Client

from openuitslag.meldingen.models import CommitteeAddress, Melding
from openuitslag.portal import models as portal

pytestmark = pytest.mark.django_db

DESCRIPTION = "Het totaal van lijst 2 in Alblasserdam is 10 te hoog."


class SmtpSink(socketserver.StreamRequestHandler):
    """Accept one SMTP session and keep the message data."""

    received: list[bytes]

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 sink ready")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.reply("250 sink")
            elif verb == b"DATA":
                self.reply("354 go on")
                self.received.append(self.read_data())
                self.reply("250 kept")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")

    def read_data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line)
        return b"".join(lines)


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bytes]]:
    """Run the sink on a free loopback port and point the backend at it."""
    received: list[bytes] = []
    handler = type("Sink", (SmtpSink,), {"received": received})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv(
        "OPENUITSLAG_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
    )
    monkeypatch.setenv("OPENUITSLAG_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("OPENUITSLAG_SMTP_PORT", str(server.server_address[1]))
    yield received
    server.shutdown()
    server.server_close()


def submit() -> dict[str, str]:
    """Send a melding about Alblasserdam through the API."""
    CommitteeAddress.objects.create(
        election=portal.Election.objects.get(identifier="TK2023"),
        kind="GSB",
        code="0482",
        name="GSB Alblasserdam",
        email="gsb@alblasserdam.test",
    )
    answer = Client().post(
        "/api/v1/elections/TK2023/meldingen",
        {"category": "other", "municipality": "0482", "description": DESCRIPTION},
        content_type="application/json",
    )
    assert answer.status_code == 201
    return answer.json()  # type: ignore[no-any-return]


def test_melding_is_sent_by_smtp(imported: None, smtp: list[bytes]) -> None:
    body = submit()

    assert body["status"] == "doorgestuurd"
    assert len(smtp) == 1
    assert body["reference"].encode() in smtp[0]
    assert b"To: gsb@alblasserdam.test" in smtp[0]


def test_a_server_that_is_down_leaves_the_melding_undelivered(
    imported: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv(
        "OPENUITSLAG_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
    )
    monkeypatch.setenv("OPENUITSLAG_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("OPENUITSLAG_SMTP_PORT", str(port))

    body = submit()

    assert body["status"] == "niet-bezorgd"
    assert Melding.objects.get().recipients == "gsb@alblasserdam.test"
