"""Headers every API answer carries, also when it comes from the cache.

The portal's page cache rebuilds cached responses from their body and
type only, so headers set in a view would be lost on the second request.
This middleware sits outside the page cache and adds, to everything under
``/api/`` and ``/log/``: the ``API-Version`` header (Logius rule
/core/version-header) and CORS headers that let any web page read the
open data; it also answers CORS preflight requests.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase

from openuitslag.api.problems import API_VERSION

API_PREFIXES = ("/api/", "/log/")


class ApiHeadersMiddleware:
    """Add version and CORS headers to API and log responses."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path.startswith(API_PREFIXES):
            return self.get_response(request)

        if request.method == "OPTIONS" and "HTTP_ORIGIN" in request.META:
            response: HttpResponseBase = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = "If-None-Match, Accept"
            response["Access-Control-Max-Age"] = "86400"
        else:
            response = self.get_response(request)

        response["API-Version"] = API_VERSION
        if request.method in ("GET", "HEAD", "OPTIONS"):
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = "API-Version, ETag"
        return response
