"""JSON-ready answers about the log, for the portal and the command line.

The portal's endpoints (latest checkpoint, entries, inclusion proof of a
file, consistency proof between two sizes) and ``openuitslag log proof``
return exactly these dicts, so a proof fetched from the website and one
printed offline look the same. Hashes are lowercase hex; the checkpoint
is included as its signed-note text so the reader can verify it.
"""

from __future__ import annotations

from openuitslag.log import merkle
from openuitslag.log.storage import Log, LogError

MAX_PAGE = 1000


def checkpoint_dict(log: Log) -> dict[str, object]:
    """Return the latest checkpoint, parsed and as its note text."""
    note = log.latest_checkpoint()
    if note is None:
        raise LogError(f"The log in {log.folder} has no signed checkpoint yet.")
    head = log.open_checkpoint(note)
    return {
        **head.checkpoint.as_dict(),
        "note": note.decode("utf-8"),
        "verifier_keys": [v.encode() for v in log.keys.verifiers()],
    }


def entries_page(log: Log, start: int = 0, limit: int = 100) -> dict[str, object]:
    """Return up to ``limit`` entries from ``start``, with leaf hashes."""
    size = log.size
    if start < 0 or limit < 1:
        raise LogError("A page of entries needs start >= 0 and limit >= 1.")
    end = min(size, start + min(limit, MAX_PAGE))
    items = [entry_dict(log, index) for index in range(start, end)]
    return {"size": size, "start": start, "entries": items}


def entry_dict(log: Log, index: int) -> dict[str, object]:
    """Return one entry with its index, canonical bytes and leaf hash."""
    data = log.entry_bytes(index)
    return {
        "index": index,
        "leaf_hash": merkle.leaf_hash(data).hex(),
        "canonical": data.decode("utf-8"),
        **log.entry(index).as_dict(),
    }


def inclusion_dict(log: Log, index: int, size: int | None = None) -> dict[str, object]:
    """Return the inclusion proof of entry ``index`` in tree ``size``."""
    size = log.size if size is None else size
    proof = log.inclusion_proof(index, size)
    return {
        "index": index,
        "size": size,
        "leaf_hash": log.leaf_hash(index).hex(),
        "root": log.root(size).hex(),
        "proof": [node.hex() for node in proof],
        "entry": entry_dict(log, index),
    }


def inclusion_for_sha256(log: Log, sha256: str) -> dict[str, object]:
    """Return the inclusion proofs of a file under the latest checkpoint.

    The proofs are for the checkpoint's size, so that they verify
    against its signed root; a file logged after it has no proof yet.
    """
    note = log.latest_checkpoint()
    if note is None:
        raise LogError(f"The log in {log.folder} has no signed checkpoint yet.")
    head = log.open_checkpoint(note)
    size = head.checkpoint.size
    indices = [i for i in log.find_sha256(sha256) if i < size]
    if not indices:
        raise LogError(
            f"No file with SHA-256 {sha256} is in the log under its latest "
            f"checkpoint (size {size})."
        )
    return {
        "sha256": sha256,
        "checkpoint": note.decode("utf-8"),
        "proofs": [inclusion_dict(log, i, size) for i in indices],
    }


def consistency_dict(log: Log, old: int, new: int | None = None) -> dict[str, object]:
    """Return the proof that the tree of ``new`` extends that of ``old``."""
    new = log.size if new is None else new
    proof = log.consistency_proof(old, new)
    return {
        "old_size": old,
        "new_size": new,
        "old_root": log.root(old).hex(),
        "new_root": log.root(new).hex(),
        "proof": [node.hex() for node in proof],
    }
