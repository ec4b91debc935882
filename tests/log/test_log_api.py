"""The JSON-ready answers the portal serves are complete and verifiable."""

from __future__ import annotations

import json

import pytest

from openuitslag.log import Archive, LogError, merkle
from openuitslag.log.api import (
    checkpoint_dict,
    consistency_dict,
    entries_page,
    inclusion_for_sha256,
)
from openuitslag.log.note import Verifier, open_checkpoint


def test_checkpoint_and_entries(archive: Archive) -> None:
    head = checkpoint_dict(archive.log)
    keys = [Verifier.decode(k) for k in head["verifier_keys"]]
    opened = open_checkpoint(str(head["note"]).encode(), keys)
    assert opened.checkpoint.size == head["size"] == 5

    page = entries_page(archive.log, start=3, limit=10)
    assert [e["index"] for e in page["entries"]] == [3, 4]
    first = page["entries"][0]
    assert merkle.leaf_hash(first["canonical"].encode()).hex() == first["leaf_hash"]
    json.dumps(page)  # JSON-ready as it is


def test_inclusion_for_a_file_and_consistency(archive: Archive) -> None:
    sha = archive.log.entry(4).sha256
    answer = inclusion_for_sha256(archive.log, sha)
    proof = answer["proofs"][0]
    merkle.verify_inclusion(
        bytes.fromhex(proof["leaf_hash"]),
        proof["index"],
        proof["size"],
        [bytes.fromhex(h) for h in proof["proof"]],
        bytes.fromhex(proof["root"]),
    )
    assert consistency_dict(archive.log, 5)["proof"] == []
    with pytest.raises(LogError, match="No file with SHA-256 0000"):
        inclusion_for_sha256(archive.log, "0" * 64)
    with pytest.raises(LogError, match="from size 4 to size 3"):
        consistency_dict(archive.log, 4, 3)
    with pytest.raises(LogError, match="has no tree of size 6"):
        consistency_dict(archive.log, 4, 6)
