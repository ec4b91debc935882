"""HTTP caching of public pages, so that a CDN and the portal itself can
carry election night.

Every public page depends only on its URL and on the imported data. The
data changes only when ``openuitslag import`` runs, which touches the
*generation* file in the data folder. Rendered pages are kept in Django's
cache under that generation, so an import invalidates all of them at once,
also in server processes other than the importing one (each request costs
one ``stat``). Responses carry an ``ETag``, ``Last-Modified`` (the time of
the last import) and ``Cache-Control``; conditional requests get a 304.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase

logger = logging.getLogger("openuitslag.portal")

# The transparency log grows without an import, so its answers (under
# /api/v1/log and the tile layout under /log/) set their own caching; the
# melding pages depend on the time and carry a CSRF token.
UNCACHED_PREFIXES = (
    "/admin/",
    "/static/",
    "/en/admin/",
    "/api/v1/log",
    "/log/",
    "/melden/",
    "/en/melden/",
)


def generation_path() -> Path:
    """Return the file whose modification time is the data generation."""
    return Path(settings.DATA_DIR) / "generation"


def current_generation() -> int:
    """Return the data generation: the time of the last import, in ns."""
    try:
        return os.stat(generation_path()).st_mtime_ns
    except FileNotFoundError:
        return 0


def bump_generation() -> None:
    """Mark the data as changed: every cached page becomes stale."""
    path = generation_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    os.utime(path)
    cache.clear()
    logger.info("page cache invalidated")


class PageCacheMiddleware:
    """Serve public GET pages from Django's cache, with validators."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method not in ("GET", "HEAD") or request.path.startswith(
            UNCACHED_PREFIXES
        ):
            return self.get_response(request)

        generation = current_generation()
        key = f"page:{generation}:{request.get_full_path()}"
        entry = cache.get(key) if settings.PAGE_CACHE else None
        if entry is None:
            response = self.get_response(request)
            if not self.cacheable(request, response):
                return response
            entry = self.entry(response, generation)
            if settings.PAGE_CACHE:
                cache.set(key, entry)
        return self.respond(request, entry)

    @staticmethod
    def cacheable(request: HttpRequest, response: HttpResponseBase) -> bool:
        """Say whether a response is a public page that may be cached."""
        return (
            isinstance(response, HttpResponse)
            and response.status_code == 200
            and not response.cookies
            and not request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        )

    @staticmethod
    def entry(response: HttpResponseBase, generation: int) -> dict[str, object]:
        """Return what is kept of a rendered page."""
        assert isinstance(response, HttpResponse)
        body = response.content
        return {
            "body": body,
            "type": response.get("Content-Type", "text/html; charset=utf-8"),
            "language": response.get("Content-Language", ""),
            "etag": '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"',
            "modified": generation // 1_000_000_000,
            "disposition": response.get("Content-Disposition", ""),
        }

    @staticmethod
    def respond(request: HttpRequest, entry: dict[str, object]) -> HttpResponse:
        """Build the response for a page, or a 304 when the client has it."""
        etag = str(entry["etag"])
        modified = int(entry["modified"])  # type: ignore[call-overload]
        if not_modified(request, etag, modified):
            response = HttpResponse(status=304)
        else:
            response = HttpResponse(entry["body"], content_type=str(entry["type"]))
            if entry["language"]:
                response["Content-Language"] = str(entry["language"])
            if entry["disposition"]:
                response["Content-Disposition"] = str(entry["disposition"])
        response["ETag"] = etag
        response["Last-Modified"] = formatdate(modified, usegmt=True)
        response["Cache-Control"] = (
            f"public, max-age={settings.PAGE_MAX_AGE}, "
            f"stale-while-revalidate={settings.PAGE_MAX_AGE * 5}"
        )
        return response


def not_modified(request: HttpRequest, etag: str, modified: int) -> bool:
    """Say whether a conditional request already has this version."""
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return etag in tags or "*" in tags

    if_modified_since = request.META.get("HTTP_IF_MODIFIED_SINCE")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError):
            return False
        return modified <= since
    return False
