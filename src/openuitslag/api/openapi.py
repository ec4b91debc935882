"""The OpenAPI 3 document of the API, built from the route table.

Logius rules /core/doc-openapi and /core/publish-openapi ask for a valid
OpenAPI 3 document at a known place; this one is generated from
:data:`openuitslag.api.routes.ROUTES` on request, so it always matches
the URLs, and a test validates it with openapi-spec-validator.
"""

from __future__ import annotations

import os
import re
from typing import Any

from django.http import HttpRequest, HttpResponse

from openuitslag.api.problems import API_VERSION, api_view, json_response
from openuitslag.api.query import Query
from openuitslag.api.routes import ROUTES, Param, Route

PROBLEM = {"$ref": "#/components/responses/Problem"}
HEADERS = {
    "API-Version": {
        "description": "The version of the API that answered (semver).",
        "schema": {"type": "string", "example": API_VERSION},
    }
}


def build(server: str) -> dict[str, Any]:
    """Return the OpenAPI 3.0 document for a server base URL."""
    paths: dict[str, Any] = {}
    for route in ROUTES:
        item = paths.setdefault(route.path or "/", {})
        for method in route.methods:
            item[method.lower()] = operation(route, method)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "openuitslag open API",
            "version": API_VERSION,
            "description": (
                "Dutch election results as published by the committees, "
                "recomputed and verified independently, with the "
                "transparency log of every source file. Read-only except "
                "for meldingen (reports of suspected errors)."
            ),
            "contact": contact(server),
            "license": {"name": "EUPL-1.2"},
        },
        "servers": [{"url": server}],
        "paths": paths,
        "components": components(),
    }


def contact(server: str) -> dict[str, str]:
    """Return who runs this portal (Logius rule /core/doc-openapi-contact).

    Set by the operator: ``OPENUITSLAG_API_CONTACT_NAME``, ``…_EMAIL`` and
    ``…_URL``; the URL defaults to the portal's home page.
    """
    home = server.removesuffix("/api/v1") + "/"
    return {
        "name": os.environ.get("OPENUITSLAG_API_CONTACT_NAME", "openuitslag"),
        "email": os.environ.get(
            "OPENUITSLAG_API_CONTACT_EMAIL", "openuitslag@example.org"
        ),
        "url": os.environ.get("OPENUITSLAG_API_CONTACT_URL", home),
    }


def operation(route: Route, method: str) -> dict[str, Any]:
    """Return one operation of a path."""
    names = re.findall(r"\{(\w+)\}", route.path)
    parameters = [path_param(name, name in route.integers) for name in names]
    parameters += [query_param(p) for p in route.query if method == "GET"]
    operation_id = route.name.replace("-", "_") + (
        "" if method == "GET" else f"_{method.lower()}"
    )
    ok = "201" if method == "POST" else "200"
    body: dict[str, Any] = {
        "operationId": operation_id,
        "summary": route.summary,
        "tags": [route.tag],
        "parameters": parameters,
        "responses": {
            ok: {
                "description": "OK",
                "headers": HEADERS,
                "content": {route.media: {"schema": schema_of(route.media)}},
            },
            "400": PROBLEM,
            "404": PROBLEM,
        },
    }
    if method == "POST":
        body["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/MeldingInput"}
                }
            },
        }
        body["responses"].update({"403": PROBLEM, "413": PROBLEM, "429": PROBLEM})
    return body


def schema_of(media: str) -> dict[str, Any]:
    """Return the response schema for a media type."""
    if media == "application/json":
        return {"type": "object", "additionalProperties": True}
    return {"type": "string"}


def path_param(name: str, integer: bool) -> dict[str, Any]:
    """Return a path parameter."""
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 0} if integer else {"type": "string"},
    }


def query_param(param: Param) -> dict[str, Any]:
    """Return a query parameter."""
    schema: dict[str, Any] = {"type": param.kind}
    if param.kind == "integer":
        schema["minimum"] = 0
    if param.choices:
        schema["enum"] = list(param.choices)
    return {
        "name": param.name,
        "in": "query",
        "required": param.required,
        "description": param.description,
        "schema": schema,
    }


def components() -> dict[str, Any]:
    """Return the shared problem response and the melding input schema."""
    return {
        "responses": {
            "Problem": {
                "description": "An error, as RFC 9457 problem details.",
                "headers": HEADERS,
                "content": {
                    "application/problem+json": {
                        "schema": {"$ref": "#/components/schemas/Problem"}
                    }
                },
            }
        },
        "schemas": {
            "Problem": {
                "type": "object",
                "required": ["status", "title", "detail"],
                "properties": {
                    "type": {"type": "string"},
                    "title": {"type": "string"},
                    "status": {"type": "integer"},
                    "detail": {"type": "string"},
                    "instance": {"type": "string"},
                },
            },
            "MeldingInput": {
                "type": "object",
                "required": ["category", "description"],
                "properties": {
                    "category": {
                        "type": "string",
                        "enum": [
                            "stembureau-count",
                            "transcription",
                            "seats",
                            "missing-document",
                            "other",
                        ],
                    },
                    "municipality": {"type": "string", "description": "CBS code"},
                    "stembureau": {"type": "string"},
                    "kieskring": {"type": "string"},
                    "description": {"type": "string", "maxLength": 5000},
                    "email": {"type": "string", "format": "email"},
                },
            },
        },
    }


@api_view()
def document(request: HttpRequest) -> HttpResponse:
    """Serve the OpenAPI document."""
    Query(request)
    server = request.build_absolute_uri("/api/v1")
    return json_response(build(server))
