"""Proofs fetched over real HTTP from the portal verify offline, with the
log package's own verifier and a key pinned beforehand; a tampered answer
does not.

The portal runs in a real WSGI server on loopback in a thread (it shares
the in-memory test database); the client is httpx, as a citizen's script
would be.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Iterator
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import httpx
import pytest

from django_support import TK2023, read_member
from openuitslag.log import merkle
from openuitslag.log.keys import Keyring
from openuitslag.log.note import NoteError, Verifier, open_checkpoint
from openuitslag.log.tiles import TileLog
from openuitslag.log.tlogproof import check_proof
from openuitslag.log.verify import verify_tiles

ALBLASSERDAM_510B = "Telling_TK2023_gemeente_Alblasserdam.eml.xml"

pytestmark = pytest.mark.django_db


class ThreadingServer(ThreadingMixIn, WSGIServer):
    """A WSGI server that answers each request in its own thread."""

    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    """Do not print a line per request."""

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def portal(imported: dict[str, object]) -> Iterator[str]:
    """Serve the portal on a free loopback port; return its base URL."""
    from django.core.wsgi import get_wsgi_application

    server = make_server(
        "127.0.0.1",
        0,
        get_wsgi_application(),
        server_class=ThreadingServer,
        handler_class=QuietHandler,
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def pinned(api_data_dir: Path) -> Verifier:
    """Return the log's public key as a citizen pins it: out of band."""
    return Keyring(api_data_dir / "log" / "keys").verifiers()[0]


@pytest.fixture(scope="module")
def origin(api_data_dir: Path) -> str:
    """Return the log's name, the first line of its checkpoints."""
    return (api_data_dir / "log" / "origin").read_text().strip()


def fetch(portal: str, path: str) -> httpx.Response:
    """GET a path of the portal and check the answer is a success."""
    response = httpx.get(portal + path, timeout=30)
    assert response.status_code == 200, (path, response.text[:300])
    return response


def verify_inclusion_answer(
    body: dict[str, Any], data: bytes, key: Verifier, origin: str
) -> None:
    """Check an inclusion answer offline, as docs/api.md describes.

    Raise NoteError or ProofError (or AssertionError) when it does not hold.
    """
    head = open_checkpoint(body["checkpoint"].encode(), [key], origin).checkpoint
    assert head.size == body["treeSize"]
    for proof in body["proofs"]:
        canonical = proof["canonical"].encode()
        assert f'"sha256":"{hashlib.sha256(data).hexdigest()}"' in proof["canonical"]
        assert f'"size":{len(data)},' in proof["canonical"]
        merkle.verify_inclusion(
            merkle.leaf_hash(canonical),
            proof["index"],
            head.size,
            [bytes.fromhex(h) for h in proof["auditPath"]],
            head.root,
        )


def test_inclusion_proof_over_http_verifies_offline(
    portal: str, pinned: Verifier, origin: str
) -> None:
    data = read_member(TK2023, ALBLASSERDAM_510B)
    sha256 = hashlib.sha256(data).hexdigest()
    answer = fetch(portal, f"/api/v1/log/inclusion-proofs/{sha256}")

    assert answer.headers["api-version"] == "1.0.0"
    assert answer.headers["access-control-allow-origin"] == "*"
    verify_inclusion_answer(answer.json(), data, pinned, origin)


def test_tampered_inclusion_answers_fail(
    portal: str, pinned: Verifier, origin: str
) -> None:
    data = read_member(TK2023, ALBLASSERDAM_510B)
    sha256 = hashlib.sha256(data).hexdigest()
    body = fetch(portal, f"/api/v1/log/inclusion-proofs/{sha256}").json()

    path = [dict(p) for p in body["proofs"]]
    first = path[0]["auditPath"][0]
    flipped = f"{int(first[0], 16) ^ 1:x}" + first[1:]
    path[0]["auditPath"] = [flipped, *path[0]["auditPath"][1:]]
    with pytest.raises(merkle.ProofError):
        verify_inclusion_answer({**body, "proofs": path}, data, pinned, origin)

    lying = [
        {**p, "canonical": p["canonical"].replace('"size":', '"size":1')}
        for p in body["proofs"]
    ]
    with pytest.raises((merkle.ProofError, AssertionError)):
        verify_inclusion_answer({**body, "proofs": lying}, data, pinned, origin)

    lines = body["checkpoint"].split("\n")
    lines[2] = base64.b64encode(bytes(32)).decode()
    with pytest.raises(NoteError):
        verify_inclusion_answer(
            {**body, "checkpoint": "\n".join(lines)}, data, pinned, origin
        )

    changed = data.replace(b"<", b" <", 1)
    with pytest.raises(AssertionError):
        verify_inclusion_answer(body, changed, pinned, origin)


def test_consistency_between_the_two_checkpoints(
    portal: str, pinned: Verifier, origin: str, imported: dict[str, Any]
) -> None:
    old, new = imported["checkpoint_sizes"]
    body = fetch(
        portal, f"/api/v1/log/consistency-proof?firstSize={old}&secondSize={new}"
    ).json()

    first = open_checkpoint(body["firstCheckpoint"].encode(), [pinned], origin)
    second = open_checkpoint(body["secondCheckpoint"].encode(), [pinned], origin)
    proof = [bytes.fromhex(h) for h in body["proof"]]
    merkle.verify_consistency(
        old, new, proof, first.checkpoint.root, second.checkpoint.root
    )
    assert proof, "the two checkpoints differ, so the proof has hashes"
    tampered = [bytes([proof[0][0] ^ 1]) + proof[0][1:], *proof[1:]]
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(
            old, new, tampered, first.checkpoint.root, second.checkpoint.root
        )


def test_tile_layout_verifies_and_tlog_proof_checks(
    portal: str, pinned: Verifier, origin: str
) -> None:
    data = read_member(TK2023, ALBLASSERDAM_510B)
    sha256 = hashlib.sha256(data).hexdigest()

    tiles = TileLog(lambda path: fetch(portal, f"/log/{path}").content, portal)
    report = verify_tiles(tiles, [pinned])
    assert report.ok, [str(p) for p in report.problems]
    assert tiles.find_sha256(sha256)

    proof = fetch(portal, f"/api/v1/log/tlog-proofs/{sha256}").content
    entry, head = check_proof(proof, data, [pinned])
    assert entry.sha256 == sha256 and head.checkpoint.origin == origin

    note = fetch(portal, "/api/v1/log/checkpoint")
    assert note.headers["content-type"].startswith("text/plain")
    assert note.content == tiles.latest_checkpoint()
    assert fetch(portal, "/api/v1/log/keys").text.strip() == pinned.encode()
