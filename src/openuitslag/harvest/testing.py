"""Imitation municipal websites on loopback, for tests and benchmarks.

The harvester's promises (politeness, safety, provenance) can only be
shown against real HTTP servers that behave like the real, varied
municipal sites: flat lists of links, nested pages, zips, CMS URLs with
query strings, odd file names, and the faults such sites have. This module
serves such sites from threads on 127.0.0.x with the standard library's
``http.server``, answers conditional requests like a real server, and
records every request so tests can check what the harvester did.

Nothing here listens on anything but loopback.
"""

from __future__ import annotations

import email.utils
import hashlib
import http.server
import io
import ipaddress
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LOOPBACK = ipaddress.ip_network("127.0.0.0/8")

Behaviour = Callable[["Handler", "Resource"], None]


@dataclass
class Resource:
    """What one path (with its query string) answers."""

    body: bytes = b""
    content_type: str = "application/octet-stream"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    modified: float = field(default_factory=time.time)
    behaviour: Behaviour | None = None
    hits: int = 0

    @property
    def etag(self) -> str:
        """Return a strong ETag over the body, as a real server would."""
        return '"' + hashlib.sha256(self.body).hexdigest()[:20] + '"'


@dataclass
class RequestRecord:
    """One request a site received (recorded as it arrives)."""

    path: str
    headers: dict[str, str]
    started: float
    status: int = 0
    ended: float = 0.0


class Site:
    """The pages and files of one imitation municipal website."""

    def __init__(self, name: str, robots: str | None = "User-agent: *\nAllow: /\n"):
        self.name = name
        self.resources: dict[str, Resource] = {}
        self.requests: list[RequestRecord] = []
        self.active = 0
        self.max_active = 0
        self._lock = threading.Lock()
        if robots is not None:
            self.put("/robots.txt", robots.encode(), "text/plain")

    def put(
        self,
        path: str,
        body: bytes,
        content_type: str = "application/octet-stream",
        **options: Any,
    ) -> Resource:
        """Serve ``body`` at ``path`` (which may carry a query string)."""
        resource = Resource(body=body, content_type=content_type, **options)
        self.resources[path] = resource
        return resource

    def page(self, path: str, title: str, links: list[tuple[str, str]]) -> Resource:
        """Serve an HTML page with the given (href, text) links."""
        items = "\n".join(
            f'<li><a href="{href}">{text}</a></li>' for href, text in links
        )
        html = (
            f"<!DOCTYPE html><html><head><title>{title}</title></head>"
            f"<body><h1>{title}</h1><ul>\n{items}\n</ul></body></html>"
        )
        return self.put(path, html.encode(), "text/html; charset=utf-8")

    def change(self, path: str, body: bytes) -> None:
        """Publish new bytes at an existing path, as a republication does."""
        resource = self.resources[path]
        resource.body = body
        resource.modified = time.time() + 1

    def paths_requested(self) -> list[str]:
        """Return the requested paths in order."""
        return [r.path for r in self.requests]

    def enter(self, record: RequestRecord) -> None:
        """Record a request and count it in progress, keeping the maximum."""
        with self._lock:
            self.requests.append(record)
            self.active += 1
            self.max_active = max(self.max_active, self.active)

    def leave(self) -> None:
        """Count a request done."""
        with self._lock:
            self.active -= 1


class Handler(http.server.BaseHTTPRequestHandler):
    """Answer from the server's site, conditionally where asked."""

    protocol_version = "HTTP/1.1"
    server: SiteServer

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet; the site records requests itself."""

    def do_GET(self) -> None:
        site = self.server.site_for(self)
        self.sent_status = 0
        record = RequestRecord(self.path, dict(self.headers), time.monotonic())
        site.enter(record)
        try:
            self._answer(site)
        finally:
            record.status = getattr(self, "sent_status", 0)
            record.ended = time.monotonic()
            site.leave()

    def send_response(self, code: int, message: str | None = None) -> None:
        """Send the status line, remembering the status for the record."""
        self.sent_status = code
        super().send_response(code, message)

    def _answer(self, site: Site) -> int:
        resource = site.resources.get(self.path)
        if resource is None:
            self.send_plain(404, b"not found")
            return 404
        resource.hits += 1
        if resource.behaviour is not None:
            resource.behaviour(self, resource)
            return resource.status
        if resource.status == 200 and self._not_modified(resource):
            self.send_response(304)
            self.send_header("ETag", resource.etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return 304
        self.send_resource(resource)
        return resource.status

    def _not_modified(self, resource: Resource) -> bool:
        match = self.headers.get("If-None-Match")
        if match is not None:
            return match == resource.etag
        since = self.headers.get("If-Modified-Since")
        if since is None:
            return False
        parsed = email.utils.parsedate_to_datetime(since).timestamp()
        return int(resource.modified) <= parsed

    def send_resource(self, resource: Resource, status: int | None = None) -> None:
        """Send a resource whole, with validators."""
        self.send_response(status or resource.status)
        self.send_header("Content-Type", resource.content_type)
        self.send_header("Content-Length", str(len(resource.body)))
        self.send_header("ETag", resource.etag)
        self.send_header(
            "Last-Modified", email.utils.formatdate(resource.modified, usegmt=True)
        )
        for name, value in resource.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(resource.body)

    def send_plain(self, status: int, body: bytes) -> None:
        """Send a short plain-text answer."""
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str, status: int = 302) -> None:
        """Send a redirect to ``location``."""
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


class SiteServer(http.server.ThreadingHTTPServer):
    """Serve sites on one loopback address, chosen by port or Host header."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, address: str = "127.0.0.1", site: Site | None = None):
        if ipaddress.ip_address(address) not in LOOPBACK:
            raise ValueError(f"Test servers listen on loopback only, not {address}.")
        super().__init__((address, 0), Handler)
        self.site = site or Site("default")
        self.by_host: dict[str, Site] = {}
        self._thread: threading.Thread | None = None

    @property
    def base(self) -> str:
        """Return ``http://address:port``."""
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        """Return the full URL of ``path`` on this server."""
        return self.base + path

    def site_for(self, handler: Handler) -> Site:
        """Return the site a request is for."""
        host = (handler.headers.get("Host") or "").split(":")[0]
        return self.by_host.get(host, self.site)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore clients that hang up early; the harvester does on purpose."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)

    def start(self) -> SiteServer:
        """Serve in a daemon thread."""
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.shutdown()
        self.server_close()


# -- faults ------------------------------------------------------------------


def slow_body(pause: float, pieces: int = 50) -> Behaviour:
    """Send headers at once, then the body one piece every ``pause`` s."""

    def behave(handler: Handler, resource: Resource) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", resource.content_type)
        handler.send_header("Content-Length", str(len(resource.body)))
        handler.end_headers()
        size = max(1, len(resource.body) // pieces)
        for start in range(0, len(resource.body), size):
            try:
                handler.wfile.write(resource.body[start : start + size])
                handler.wfile.flush()
            except OSError:
                return
            time.sleep(pause)

    return behave


def hang(seconds: float) -> Behaviour:
    """Say nothing for ``seconds``, then answer normally."""

    def behave(handler: Handler, resource: Resource) -> None:
        time.sleep(seconds)
        handler.send_resource(resource)

    return behave


def fail_first(times: int, status: int = 500) -> Behaviour:
    """Answer ``status`` the first ``times`` requests, then the resource."""

    def behave(handler: Handler, resource: Resource) -> None:
        if resource.hits <= times:
            handler.send_plain(status, b"temporarily broken")
        else:
            handler.send_resource(resource)

    return behave


def redirect_to(location: str, status: int = 302) -> Behaviour:
    """Always redirect to ``location``."""

    def behave(handler: Handler, resource: Resource) -> None:
        handler.redirect(location, status)

    return behave


# -- generated proces-verbaal PDFs -------------------------------------------


def make_pv_pdf(
    model: str, municipality: str, station: int | None = None, *, scanned=False
) -> bytes:
    """Return a one-page PV PDF, with a text layer or as a scan (image only).

    Needs reportlab (a development dependency). The scan is the same page
    drawn into a greyscale image, so only OCR can read it.
    """
    lines = [
        f"Model {model}",
        "Proces-verbaal van een stembureau"
        if station is not None
        else "Proces-verbaal van het gemeentelijk stembureau",
        f"Gemeente {municipality}",
    ]
    if station is not None:
        lines.append(f"Stembureau nummer {station}")
    lines.append("Verkiezing van de leden van de Tweede Kamer")
    return _scanned_pdf(lines) if scanned else _text_pdf(lines)


def _text_pdf(lines: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=True)
    y = A4[1] - 72
    for line in lines:
        page.setFont("Helvetica-Bold" if line.startswith("Model") else "Helvetica", 14)
        page.drawString(72, y, line)
        y -= 24
    page.showPage()
    page.save()
    return out.getvalue()


def _scanned_pdf(lines: list[str]) -> bytes:
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (1240, 700), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=44)
    for i, line in enumerate(lines):
        draw.text((80, 60 + i * 110), line, fill=0, font=font)

    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=True)
    width = A4[0] - 72
    page.drawImage(
        ImageReader(image),
        36,
        A4[1] - 36 - width * 700 / 1240,
        width,
        width * 700 / 1240,
    )
    page.showPage()
    page.save()
    return out.getvalue()
