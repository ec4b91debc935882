"""The table of API routes: one row gives the URL and the OpenAPI entry.

Keeping URL patterns and their documentation in one table means the
OpenAPI document cannot list a path that does not exist or miss one that
does (a test compares the two).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from openuitslag.api import logviews, views
from openuitslag.meldingen import views as melding_views


@dataclass(frozen=True)
class Param:
    """A query parameter of a route."""

    name: str
    kind: str  # "integer" or "string"
    description: str
    choices: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class Route:
    """One API path: its view, name, summary and parameters."""

    path: str  # OpenAPI form, relative to /api/v1: /elections/{election}
    view: Callable[..., object]
    name: str
    summary: str
    tag: str
    query: tuple[Param, ...] = ()
    media: str = "application/json"
    integers: tuple[str, ...] = field(default=())  # path params that are ints
    methods: tuple[str, ...] = ("GET",)


PAGE = (
    Param("page", "integer", "Page number, from 1."),
    Param("pageSize", "integer", "Items per page, 1 to 1000 (default 100)."),
)

ROUTES: tuple[Route, ...] = (
    Route("", views.index, "index", "What the API offers.", "meta"),
    Route("/elections", views.elections, "elections", "List elections.", "results"),
    Route(
        "/elections/{election}",
        views.election,
        "election",
        "One election with its settings and verification status.",
        "results",
    ),
    Route(
        "/elections/{election}/result",
        views.result,
        "result",
        "Totals, and seats recomputed next to the official ones.",
        "results",
    ),
    Route(
        "/elections/{election}/kieskringen",
        views.kieskringen,
        "kieskringen",
        "List the kieskringen.",
        "results",
    ),
    Route(
        "/elections/{election}/kieskringen/{number}",
        views.kieskring,
        "kieskring",
        "One kieskring: totals and municipalities.",
        "results",
    ),
    Route(
        "/elections/{election}/municipalities",
        views.municipalities,
        "municipalities",
        "List the municipalities with their publication status.",
        "results",
    ),
    Route(
        "/elections/{election}/municipalities/{code}",
        views.municipality,
        "municipality",
        "One municipality: totals and documents.",
        "results",
    ),
    Route(
        "/elections/{election}/municipalities/{code}/stembureaus",
        views.stembureaus,
        "stembureaus",
        "A municipality's stembureaus with counters A-J and list votes.",
        "results",
    ),
    Route(
        "/elections/{election}/municipalities/{code}/stembureaus/{station}",
        views.stembureau,
        "stembureau",
        "One stembureau: counters A-J, list and candidate votes, findings.",
        "results",
    ),
    Route(
        "/elections/{election}/lijsten",
        views.lijsten,
        "lijsten",
        "List the lijsten with votes and seats.",
        "results",
    ),
    Route(
        "/elections/{election}/lijsten/{number}/kandidaten",
        views.kandidaten,
        "kandidaten",
        "A lijst's kandidaten per contest, with their votes.",
        "results",
        query=(Param("contest", "string", "Only this contest (kieskring)."),),
        integers=("number",),
    ),
    Route(
        "/elections/{election}/findings",
        views.findings,
        "findings",
        "Findings of the independent verifier, filtered and paged.",
        "verification",
        query=(
            Param(
                "severity",
                "string",
                "Only this severity.",
                ("error", "warning", "notice"),
            ),
            Param("code", "string", "Only this finding code."),
            Param(
                "area",
                "string",
                "Municipality name or CBS code, reporting unit or authority.",
            ),
            *PAGE,
        ),
    ),
    Route(
        "/elections/{election}/documents",
        views.documents,
        "documents",
        "The election's source documents, paged.",
        "documents",
        query=(
            Param("municipality", "string", "Only this municipality (CBS code)."),
            Param(
                "current",
                "string",
                "Only current or superseded versions.",
                ("true", "false"),
            ),
            *PAGE,
        ),
    ),
    Route(
        "/documents/{sha256}",
        views.document,
        "document",
        "One document by SHA-256, with every version of it.",
        "documents",
    ),
    Route(
        "/elections/{election}/meldingen",
        melding_views.api_create,
        "meldingen",
        "Report a suspected error to the competent committee.",
        "meldingen",
        methods=("POST",),
    ),
    Route("/log", logviews.log_index, "log", "The transparency log.", "log"),
    Route(
        "/log/checkpoint",
        logviews.checkpoint,
        "log-checkpoint",
        "The latest signed checkpoint (C2SP signed note).",
        "log",
        media="text/plain",
    ),
    Route(
        "/log/keys",
        logviews.keys,
        "log-keys",
        "The log's public verifier keys, one a line.",
        "log",
        media="text/plain",
    ),
    Route(
        "/log/entries",
        logviews.entries,
        "log-entries",
        "A page of log entries with leaf hashes.",
        "log",
        query=(
            Param("start", "integer", "First entry index (default 0)."),
            Param("limit", "integer", "Entries to return, 1 to 1000 (default 100)."),
        ),
    ),
    Route(
        "/log/entries/{index}",
        logviews.entry,
        "log-entry",
        "The canonical bytes of one entry (what the leaf hashes).",
        "log",
        integers=("index",),
    ),
    Route(
        "/log/inclusion-proofs/{sha256}",
        logviews.inclusion,
        "log-inclusion",
        "Inclusion proof of a file, by SHA-256.",
        "log",
        query=(
            Param(
                "treeSize",
                "integer",
                "Prove against this tree size (default: the latest checkpoint).",
            ),
        ),
    ),
    Route(
        "/log/tlog-proofs/{sha256}",
        logviews.tlog_proof,
        "log-tlog-proof",
        "A self-contained C2SP tlog-proof of a file.",
        "log",
        media="text/plain",
    ),
    Route(
        "/log/consistency-proof",
        logviews.consistency,
        "log-consistency",
        "Proof that one tree size extends another.",
        "log",
        query=(
            Param("firstSize", "integer", "The older tree size.", required=True),
            Param(
                "secondSize",
                "integer",
                "The newer tree size (default: the latest checkpoint).",
            ),
        ),
    ),
)
