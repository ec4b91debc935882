"""One way for the API to say what went wrong: RFC 9457 problem details.

The Logius API Design Rules ask for ``application/problem+json`` with
``status``, ``title`` and ``detail`` on every error, 400 for invalid input
and 404 for what does not exist. Views raise :class:`ApiProblem` (or
Django's ``Http404``); :func:`api_view` turns either into that shape, so
no view builds an error response by hand.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger("openuitslag.api")

API_VERSION = "1.0.0"
PROBLEM_TYPE = "application/problem+json"
TITLES = {
    400: "Invalid input",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    413: "Content too large",
    415: "Unsupported media type",
    429: "Too many requests",
    503: "Service unavailable",
}


class ApiProblem(Exception):
    """An error the client should see, with its HTTP status."""

    def __init__(
        self, status: int, detail: str, *, title: str = "", **extra: Any
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title or TITLES.get(status, "Error")
        self.extra = extra


def problem_response(
    request: HttpRequest, problem: ApiProblem, headers: dict[str, str] | None = None
) -> HttpResponse:
    """Return the problem as ``application/problem+json``."""
    body = {
        "type": "about:blank",
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": request.path,
        **problem.extra,
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=problem.status,
        content_type=f"{PROBLEM_TYPE}; charset=utf-8",
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def json_response(data: object, status: int = 200) -> JsonResponse:
    """Return data as JSON, UTF-8 and not ASCII-escaped."""
    return JsonResponse(
        data,
        status=status,
        safe=False,
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )


View = Callable[..., HttpResponse]


def api_view(methods: Iterable[str] = ("GET",)) -> Callable[[View], View]:
    """Wrap an API view: allowed methods, errors as problem details."""
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                allow = ", ".join(sorted(allowed))
                problem = ApiProblem(
                    405,
                    f"This path answers {allow}, not {request.method}.",
                )
                return problem_response(request, problem, {"Allow": allow})
            try:
                return view(request, *args, **kwargs)
            except ApiProblem as problem:
                logger.info(
                    "api problem status=%d path=%s", problem.status, request.path
                )
                return problem_response(request, problem)
            except Http404 as missing:
                detail = str(missing) or f"There is nothing at {request.path}."
                return problem_response(request, ApiProblem(404, detail))

        # No API call rides on a login cookie, so CSRF does not apply; a
        # refused method must be a 405, not the CSRF page.
        wrapped.csrf_exempt = True  # type: ignore[attr-defined]
        wrapped.api_methods = allowed  # type: ignore[attr-defined]
        return wrapped

    return decorate
