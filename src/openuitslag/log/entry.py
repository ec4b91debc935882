"""One log entry per archived file, and its canonical byte encoding.

A leaf of the log is the hash of an entry's bytes, so those bytes must be
exactly reproducible by anyone from the facts they can see: the file's
SHA-256 and size, and where, when and as what it was found. We encode an
entry as canonical JSON in the sense of RFC 8785 (JCS), which for the
strings and non-negative integers used here means: UTF-8, keys sorted,
no whitespace, only ``"``, ``\\`` and control characters escaped. A
citizen can rebuild the bytes with any JCS library, or by hand.

The field ``v`` is the encoding version; a later version may add fields,
but the bytes of a version-1 entry never change. Decoding re-encodes and
compares, so a non-canonical entry in a log is refused rather than read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

ENCODING_VERSION = 1
MAX_ENTRY_BYTES = 65535  # the tlog-tiles entry bundle's 2-byte length limit

_HEX64 = re.compile(r"[0-9a-f]{64}")
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
_FIELDS = (
    "authority",
    "document_type",
    "election",
    "found_at",
    "sha256",
    "size",
    "source_url",
    "v",
    "version",
)


class EntryError(ValueError):
    """An entry's fields or bytes are not valid; the message says which."""


@dataclass(frozen=True, slots=True)
class EntryMeta:
    """What the archive is told about a file besides its bytes.

    ``election`` is an election id such as ``TK2023`` or ``GR2022``;
    ``authority`` names the municipality or committee that published the
    file (for example ``GM0363`` or ``HSB Amsterdam``); ``document_type``
    says what it is (``EML 510b``, ``OSV4-3 CSV``, ``PV N 10-1``);
    ``source_url`` is where it was found (a URL, or ``file:`` + a path for
    files imported by hand); ``found_at`` is when (UTC, default now);
    ``version`` counts republications of the same document, from 1.
    """

    election: str
    authority: str
    document_type: str
    source_url: str
    found_at: datetime | None = None
    version: int = 1


@dataclass(frozen=True, slots=True)
class Entry:
    """One log entry: a file's fingerprint plus its :class:`EntryMeta`."""

    sha256: str
    size: int
    election: str
    authority: str
    document_type: str
    source_url: str
    found_at: str  # RFC 3339 UTC to the second, e.g. 2023-11-23T01:02:03Z
    version: int = 1

    @classmethod
    def of(cls, sha256: str, size: int, meta: EntryMeta) -> Entry:
        """Return the entry for a file with this digest, size and meta."""
        when = meta.found_at or datetime.now(UTC)
        entry = cls(
            sha256=sha256,
            size=size,
            election=meta.election,
            authority=meta.authority,
            document_type=meta.document_type,
            source_url=meta.source_url,
            found_at=format_time(when),
            version=meta.version,
        )
        entry.check()
        return entry

    def identity(self) -> tuple[str, str, str, str, str, int]:
        """Return what makes two entries the same file, ignoring when.

        Adding a file twice with the same identity returns the first entry;
        this is what makes a rerun after a crash free of duplicates.
        """
        return (
            self.sha256,
            self.election,
            self.authority,
            self.document_type,
            self.source_url,
            self.version,
        )

    def check(self) -> None:
        """Raise :class:`EntryError` naming the first field that is wrong."""
        if not _HEX64.fullmatch(self.sha256):
            raise EntryError(
                f"The sha256 {self.sha256!r} is not 64 lowercase hex digits."
            )
        for name, value, least in (
            ("size", self.size, 0),
            ("version", self.version, 1),
        ):
            if type(value) is not int or value < least:
                raise EntryError(
                    f"The {name} {value!r} is not a whole number >= {least}."
                )
        if not _TIME.fullmatch(self.found_at):
            raise EntryError(
                f"The found_at {self.found_at!r} is not a UTC time like "
                "2023-11-23T01:02:03Z."
            )
        for name in ("election", "authority", "document_type", "source_url"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise EntryError(f"The {name} of an entry must be non-empty text.")
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise EntryError(f"The {name} is not valid Unicode text.") from None

    def as_dict(self) -> dict[str, object]:
        """Return the entry as a JSON-ready dict, with the encoding version."""
        return {
            "v": ENCODING_VERSION,
            "sha256": self.sha256,
            "size": self.size,
            "election": self.election,
            "authority": self.authority,
            "document_type": self.document_type,
            "source_url": self.source_url,
            "found_at": self.found_at,
            "version": self.version,
        }

    def encode(self) -> bytes:
        """Return the canonical bytes (RFC 8785 JSON) that the leaf hashes."""
        data = json.dumps(
            self.as_dict(),
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
            allow_nan=False,
        ).encode("utf-8")
        if len(data) > MAX_ENTRY_BYTES:
            raise EntryError(
                f"The entry for {self.sha256} is {len(data)} bytes long; the "
                f"limit is {MAX_ENTRY_BYTES} (is the source URL that long?)."
            )
        return data


def decode(data: bytes) -> Entry:
    """Return the entry encoded in ``data``; refuse anything not canonical."""
    try:
        fields = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EntryError(f"The entry is not UTF-8 JSON: {exc}.") from None
    if not isinstance(fields, dict) or tuple(sorted(fields)) != _FIELDS:
        raise EntryError(
            f"The entry does not have exactly the fields {', '.join(_FIELDS)}."
        )
    if fields["v"] != ENCODING_VERSION:
        raise EntryError(f"The entry has encoding version {fields['v']!r}, not 1.")
    return _rebuild(fields, data)


def identity_of(data: bytes) -> tuple[str, str, str, str, str, int]:
    """Return the identity of encoded entry bytes, quickly and unchecked.

    For indexing a log that :func:`decode` or ``verify_log`` checks.
    """
    fields = json.loads(data)
    return (
        fields["sha256"],
        fields["election"],
        fields["authority"],
        fields["document_type"],
        fields["source_url"],
        fields["version"],
    )


def _rebuild(fields: dict[str, object], data: bytes) -> Entry:
    del fields["v"]
    try:
        entry = Entry(**fields)  # type: ignore[arg-type]
    except TypeError as exc:
        raise EntryError(f"The entry has wrong fields: {exc}.") from None
    entry.check()
    if entry.encode() != data:
        raise EntryError("The entry's bytes are not in canonical form.")
    return entry


def format_time(when: datetime) -> str:
    """Return ``when`` as RFC 3339 UTC to the second, e.g. ...T01:02:03Z."""
    if when.tzinfo is None:
        raise EntryError(f"The time {when.isoformat()} has no time zone.")
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
