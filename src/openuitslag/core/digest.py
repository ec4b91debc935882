"""The SHA-256 of a document, also in the form printed on a proces-verbaal.

The committees print the hash of the EML file they produced on the paper
proces-verbaal as 16 groups of 4 lowercase hex characters, so that anyone
holding the paper can check the digital file. We show both forms.
"""

from __future__ import annotations

import hashlib

PV_GROUPS = 16


def sha256_hex(data: bytes) -> str:
    """Return the SHA-256 of the exact bytes, as 64 lowercase hex digits."""
    return hashlib.sha256(data).hexdigest()


def pv_form(hex_digest: str) -> str:
    """Return a 64-digit hex digest as 16 space-separated groups of 4.

    >>> pv_form(sha256_hex(b"test"))[:19]
    '9f86 d081 884c 7d65'
    """
    if len(hex_digest) != 64:
        raise ValueError(f"expected 64 hex digits, got {len(hex_digest)}")
    size = len(hex_digest) // PV_GROUPS
    groups = [hex_digest[i : i + size] for i in range(0, len(hex_digest), size)]
    return " ".join(groups).lower()
