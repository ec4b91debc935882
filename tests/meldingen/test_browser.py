"""A citizen files a melding in headless Chromium, without JavaScript on
the page, and axe-core finds no accessibility violations in the form.

The portal runs in a real WSGI server on loopback in a thread (it shares
the in-memory test database); Chromium is the system's, driven by
Playwright, as in the portal's browser tests.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from openuitslag.meldingen.models import Melding

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]

pytestmark = [pytest.mark.browser]


class ThreadingServer(ThreadingMixIn, WSGIServer):
    """A WSGI server that answers each request in its own thread."""

    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    """Do not print a line per request."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def portal_url(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """Serve the portal on a free loopback port; return its base URL.

    The test holds no transaction of its own (SQLite would then lock the
    server's writes); the meldingen the browser files are deleted after.
    """
    from django.core.wsgi import get_wsgi_application

    server = make_server(
        "127.0.0.1",
        0,
        get_wsgi_application(),
        server_class=ThreadingServer,
        handler_class=QuietHandler,
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    with django_db_blocker.unblock():
        thread.start()
        yield f"http://127.0.0.1:{server.server_port}"
        server.shutdown()
        server.server_close()
        Melding.objects.all().delete()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Launch the system's Chromium through Playwright.

    Playwright's sync API keeps an event loop in this thread, which makes
    Django refuse database calls from the test itself; they are plain
    synchronous calls here, so that guard is lifted for this module only.
    """
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def test_file_a_melding_in_the_browser(portal_url: str, browser: Any) -> None:
    page = browser.new_page(java_script_enabled=False)
    page.goto(f"{portal_url}/melden/TK2023/?gemeente=0482&stembureau=1")

    page.get_by_label("de telling van een stembureau").check()
    page.get_by_label("Omschrijving").fill("Lijst 3 heeft 12 stemmen, het PV zegt 21.")
    page.get_by_label("Uw e-mailadres (niet verplicht)").fill("kiezer@example.test")
    page.get_by_role("button", name="Melding versturen").click()

    page.wait_for_load_state()
    assert page.locator("#kenmerk").count() == 1, page.content()[:3000]
    reference = page.inner_text("#kenmerk")
    melding = Melding.objects.select_related("station").get(reference=reference)
    assert melding.station is not None and melding.station.slug == "1"
    # No address was entered for this committee, so it waits in the admin.
    assert page.inner_text("#status") == "niet bezorgd"
    page.close()


def test_axe_finds_no_violations_in_the_form(portal_url: str, browser: Any) -> None:
    page = browser.new_page(bypass_csp=True)
    violations = {}
    for path in ("/melden/", "/melden/TK2023/", "/en/melden/TK2023/"):
        page.goto(portal_url + path)
        page.add_script_tag(path=str(AXE))
        found = page.evaluate(
            "async () => (await axe.run(document)).violations"
            ".map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' '))"
        )
        if found:
            violations[path] = found
    page.close()

    assert violations == {}
