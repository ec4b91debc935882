"""The transparency log on the web: checkpoint, entries, proofs, tiles.

The portal only serves what the log engineer's :mod:`openuitslag.log`
computes; nothing here is trusted by a careful reader, who checks every
proof against a checkpoint signed by a key they pinned (see
docs/transparency-log.md). Two forms are offered:

* JSON under ``/api/v1/log``: entries, the inclusion proof of a file by
  its SHA-256, the consistency proof between two tree sizes, plus the
  signed checkpoint, the verifier keys and a self-contained C2SP
  ``.tlog-proof`` as text;
* the C2SP tlog-tiles layout under ``/log/`` (``checkpoint``,
  ``verifiers``, ``tile/…``), so that ``openuitslag audit --log URL`` and
  any tlog-tiles client work against the portal as against a static copy.

The log changes without an import (the harvester appends), so these
answers bypass the page cache; immutable tiles may be cached for a year.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from openuitslag.api import shapes
from openuitslag.api.problems import ApiProblem, api_view, json_response
from openuitslag.api.query import Query
from openuitslag.log import merkle
from openuitslag.log.storage import Log, LogError
from openuitslag.log.tiles import TILE_HEIGHT, TILE_WIDTH
from openuitslag.log.tlogproof import make_proof

SHA256 = re.compile(r"[0-9a-f]{64}")
TILE = re.compile(r"tile/(entries|\d)/((?:x\d{3}/)*\d{3})(?:\.p/(\d{1,3}))?")
IMMUTABLE = "public, max-age=31536000, immutable"
FRESH = "public, max-age=5, must-revalidate"


@contextmanager
def opened_log() -> Iterator[Log]:
    """Open the portal's log read-only, or answer 503 when it has none."""
    folder = Path(settings.DATA_DIR) / "log"
    try:
        log = Log(folder, create=False)
    except (LogError, OSError):
        raise ApiProblem(
            503, "This portal has no transparency log yet: nothing was archived."
        ) from None
    try:
        yield log
    finally:
        log.close()


def signed_size(log: Log) -> tuple[bytes, int]:
    """Return the latest checkpoint note and its tree size."""
    note = log.latest_checkpoint()
    if note is None:
        raise ApiProblem(503, "The transparency log has no signed checkpoint yet.")
    return note, log.open_checkpoint(note).checkpoint.size


def checkpoint_of_size(log: Log, size: int) -> str | None:
    """Return the text of a checkpoint the log issued at ``size``, if any."""
    for name, note in reversed(log.checkpoint_history()):
        if int(name.split("-", 1)[0]) == size:
            return note.decode("utf-8")
    return None


def text(body: bytes | str, cache: str = FRESH) -> HttpResponse:
    """Return plain text (a signed note, keys, a tlog-proof)."""
    response = HttpResponse(body, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = cache
    return response


def fresh(response: HttpResponse) -> HttpResponse:
    """Mark a log answer as short-lived: the log grows at any time."""
    response["Cache-Control"] = FRESH
    return response


def tree_size(query: Query, name: str, default: int, log: Log) -> int:
    """Return a tree size parameter, at most the log's committed size."""
    size = query.integer(name, default, minimum=0, maximum=log.size)
    assert size is not None
    return size


@api_view()
def log_index(request: HttpRequest) -> HttpResponse:
    """Describe the log: origin, sizes, keys and where everything is."""
    Query(request)
    with opened_log() as log:
        note = log.latest_checkpoint()
        head = log.open_checkpoint(note).checkpoint if note else None
        body = {
            "origin": log.origin,
            "size": log.size,
            "checkpoint": None
            if head is None
            else {"size": head.size, "rootHash": head.root.hex()},
            "verifierKeys": [v.encode() for v in log.keys.verifiers()],
            "links": {
                "checkpoint": shapes.link(request, "log-checkpoint"),
                "keys": shapes.link(request, "log-keys"),
                "entries": shapes.link(request, "log-entries"),
                "consistencyProof": shapes.link(request, "log-consistency"),
                "tiles": request.build_absolute_uri("/log/"),
            },
        }
    return fresh(json_response(body))


@api_view()
def checkpoint(request: HttpRequest) -> HttpResponse:
    """Return the latest signed checkpoint, as the signed note itself."""
    Query(request)
    with opened_log() as log:
        note, _size = signed_size(log)
    return text(note)


@api_view()
def keys(request: HttpRequest) -> HttpResponse:
    """Return the log's public verifier keys, one a line."""
    Query(request)
    with opened_log() as log:
        lines = "".join(v.encode() + "\n" for v in log.keys.verifiers())
    return text(lines)


@api_view()
def entries(request: HttpRequest) -> HttpResponse:
    """Return a page of entries with their leaf hashes."""
    query = Query(request, {"start", "limit"})
    start = query.integer("start", 0)
    limit = query.integer("limit", 100, minimum=1, maximum=1000)
    assert start is not None and limit is not None
    with opened_log() as log:
        size = log.size
        end = min(size, start + limit)
        items = [entry_json(log, index) for index in range(start, end)]
    body: dict[str, Any] = {"size": size, "start": start, "entries": items}
    if end < size:
        body["next"] = request.build_absolute_uri(
            f"{request.path}?start={end}&limit={limit}"
        )
    return fresh(json_response(body))


def entry_json(log: Log, index: int) -> dict[str, Any]:
    """Return one entry: its fields, canonical text and leaf hash."""
    data = log.entry_bytes(index)
    return {
        "index": index,
        "leafHash": merkle.leaf_hash(data).hex(),
        "canonical": data.decode("utf-8"),
        "entry": log.entry(index).as_dict(),
    }


@api_view()
def entry(request: HttpRequest, index: int) -> HttpResponse:
    """Return the canonical bytes of one entry: exactly what is hashed."""
    Query(request)
    with opened_log() as log:
        if index >= log.size:
            raise ApiProblem(
                404, f"The log has no entry {index}; its size is {log.size}."
            )
        data = log.entry_bytes(index)
    response = HttpResponse(data, content_type="application/json")
    response["Cache-Control"] = IMMUTABLE
    return response


def found_indices(log: Log, sha256: str, size: int) -> list[int]:
    """Return the entries of a file within the first ``size``, or 404."""
    if not SHA256.fullmatch(sha256):
        raise ApiProblem(400, f"{sha256!r} is not a SHA-256 in lowercase hex.")
    indices = [i for i in log.find_sha256(sha256) if i < size]
    if not indices:
        raise ApiProblem(
            404,
            f"No file with SHA-256 {sha256} is among the first {size} entries "
            "of the log.",
        )
    return indices


@api_view()
def inclusion(request: HttpRequest, sha256: str) -> HttpResponse:
    """Return the inclusion proofs of a file, by default under the latest
    signed checkpoint, or in the tree of ``treeSize``."""
    query = Query(request, {"treeSize"})
    with opened_log() as log:
        note, signed = signed_size(log)
        size = tree_size(query, "treeSize", signed, log)
        indices = found_indices(log, sha256, size)
        body = {
            "sha256": sha256,
            "treeSize": size,
            "rootHash": log.root(size).hex(),
            "checkpoint": note.decode()
            if size == signed
            else checkpoint_of_size(log, size),
            "proofs": [
                {
                    **entry_json(log, index),
                    "auditPath": [h.hex() for h in log.inclusion_proof(index, size)],
                }
                for index in indices
            ],
        }
    return fresh(json_response(body))


@api_view()
def tlog_proof(request: HttpRequest, sha256: str) -> HttpResponse:
    """Return a self-contained C2SP tlog-proof of a file (latest entry)."""
    Query(request)
    with opened_log() as log:
        note, size = signed_size(log)
        index = found_indices(log, sha256, size)[-1]
        proof = make_proof(log, index, note)
    response = text(proof)
    response["Content-Disposition"] = f'attachment; filename="{sha256}.tlog-proof"'
    return response


@api_view()
def consistency(request: HttpRequest) -> HttpResponse:
    """Return the proof that tree ``secondSize`` extends tree ``firstSize``."""
    query = Query(request, {"firstSize", "secondSize"})
    if "firstSize" not in request.GET:
        raise query.invalid("firstSize", "a tree size (it is required)")
    with opened_log() as log:
        _note, signed = signed_size(log)
        first = tree_size(query, "firstSize", 0, log)
        second = tree_size(query, "secondSize", signed, log)
        if first > second:
            raise ApiProblem(
                400,
                f"firstSize ({first}) must not be larger than secondSize ({second}).",
            )
        body = {
            "firstSize": first,
            "secondSize": second,
            "firstRootHash": log.root(first).hex(),
            "secondRootHash": log.root(second).hex(),
            "firstCheckpoint": checkpoint_of_size(log, first),
            "secondCheckpoint": checkpoint_of_size(log, second),
            "proof": [h.hex() for h in log.consistency_proof(first, second)],
        }
    return fresh(json_response(body))


# -- the C2SP tlog-tiles layout ------------------------------------------


@api_view()
def tiles_checkpoint(request: HttpRequest) -> HttpResponse:
    """Serve ``/log/checkpoint`` of the tile layout."""
    return checkpoint(request)


@api_view()
def tiles_verifiers(request: HttpRequest) -> HttpResponse:
    """Serve ``/log/verifiers`` of the tile layout."""
    return keys(request)


@api_view()
def tile(request: HttpRequest, path: str) -> HttpResponse:
    """Serve one hash tile or entry bundle, within the latest checkpoint."""
    match = TILE.fullmatch(path)
    if match is None:
        raise ApiProblem(404, f"{path!r} is not a tlog-tiles path.")
    kind, groups, partial = match.groups()
    number = int(groups.replace("x", "").replace("/", ""))
    with opened_log() as log:
        _note, size = signed_size(log)
        if kind == "entries":
            body = entry_bundle(log, size, number, partial)
        else:
            body = hash_tile(log, size, int(kind), number, partial)
    response = HttpResponse(body, content_type="application/octet-stream")
    response["Cache-Control"] = IMMUTABLE
    return response


def tile_width(count: int, number: int, partial: str | None) -> int:
    """Return how many items a tile request covers, or raise a 404."""
    available = min(TILE_WIDTH, count - number * TILE_WIDTH)
    width = TILE_WIDTH if partial is None else int(partial)
    if (
        available < 1
        or not 1 <= width <= available
        or (partial is not None and width == TILE_WIDTH)
    ):
        raise ApiProblem(
            404, f"Tile {number} of width {width} is not in the signed tree yet."
        )
    return width


def hash_tile(
    log: Log, size: int, level: int, number: int, partial: str | None
) -> bytes:
    """Return the hashes of a tile: tree level 8 x ``level``."""
    width = tile_width(size >> (TILE_HEIGHT * level), number, partial)
    start = number * TILE_WIDTH
    return b"".join(
        log.read_node(TILE_HEIGHT * level, i) for i in range(start, start + width)
    )


def entry_bundle(log: Log, size: int, number: int, partial: str | None) -> bytes:
    """Return an entry bundle: each entry as a 2-byte length and its bytes."""
    width = tile_width(size, number, partial)
    start = number * TILE_WIDTH
    return b"".join(
        struct.pack(">H", len(data)) + data
        for _index, data in log.scan(start, start + width)
    )
