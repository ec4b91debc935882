"""Read and check query parameters, so bad input is a 400 that says why.

Query keys are camelCase (Logius rule /core/query-keys-camel-case); an
unknown key is refused rather than silently ignored, so a typo such as
``?pagesize=10`` does not quietly return the default page.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest

from openuitslag.api.problems import ApiProblem

PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


class Query:
    """The query parameters of one request, checked against a list."""

    def __init__(self, request: HttpRequest, allowed: Iterable[str] = ()) -> None:
        self.params = request.GET
        allowed = set(allowed)
        unknown = sorted(set(self.params) - allowed)
        if unknown:
            known = ", ".join(sorted(allowed)) or "none"
            raise ApiProblem(
                400,
                f"Unknown query parameter {unknown[0]!r}; this path accepts: {known}.",
                invalidParams=[{"name": unknown[0], "reason": "unknown parameter"}],
            )

    def text(self, name: str, default: str = "", max_length: int = 200) -> str:
        """Return a text parameter, stripped."""
        value = self.params.get(name, default).strip()
        if len(value) > max_length:
            raise self.invalid(name, f"at most {max_length} characters")
        return value

    def integer(
        self,
        name: str,
        default: int | None = None,
        minimum: int = 0,
        maximum: int | None = None,
    ) -> int | None:
        """Return a whole-number parameter within bounds, or the default."""
        raw = self.params.get(name)
        if raw is None or raw == "":
            return default
        if not raw.isdigit():
            raise self.invalid(name, "a whole number")
        value = int(raw)
        if value < minimum or (maximum is not None and value > maximum):
            upper = "" if maximum is None else f" and at most {maximum}"
            raise self.invalid(name, f"a whole number of at least {minimum}{upper}")
        return value

    def choice(self, name: str, choices: Iterable[str]) -> str:
        """Return a parameter that must be one of ``choices`` (or empty)."""
        value = self.text(name)
        options = list(choices)
        if value and value not in options:
            raise self.invalid(name, "one of " + ", ".join(options))
        return value

    def page(self) -> tuple[int, int]:
        """Return the ``page`` (from 1) and ``pageSize`` parameters."""
        page = self.integer("page", 1, minimum=1)
        size = self.integer("pageSize", PAGE_SIZE, minimum=1, maximum=MAX_PAGE_SIZE)
        assert page is not None and size is not None
        return page, size

    def invalid(self, name: str, expected: str) -> ApiProblem:
        """Return the 400 problem for a parameter that is not as expected."""
        value = self.params.get(name, "")
        return ApiProblem(
            400,
            f"The query parameter {name}={value!r} is not valid: expected {expected}.",
            invalidParams=[{"name": name, "reason": f"expected {expected}"}],
        )
