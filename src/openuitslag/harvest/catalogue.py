"""What the harvester has seen: every version of every file, and why.

The catalogue is the harvester's memory between passes. It keeps, per URL,
the validators the server gave (so the next pass can ask "changed since?")
and, per version of a file, its provenance: the page it was linked from,
the URL after redirects, when it was first found, the HTTP status, ETag
and Last-Modified, size and SHA-256, and what the classifier made of it.
A new version never replaces an old one; both stay, and the change is a
finding.

It is a SQLite file (WAL mode, so several worker processes can share it)
with no Django, so the harvester runs the same from the command line, in
a worker and in tests. The bytes themselves live in a content-addressed
store under their SHA-256.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from openuitslag.harvest.classify import Classification
from openuitslag.harvest.client import Validators

SCHEMA = """
CREATE TABLE IF NOT EXISTS fetch (
    scope TEXT NOT NULL,
    url TEXT NOT NULL,
    final_url TEXT,
    status INTEGER,
    etag TEXT,
    last_modified TEXT,
    sha256 TEXT,
    checked_at TEXT,
    links TEXT,
    PRIMARY KEY (scope, url)
);
CREATE TABLE IF NOT EXISTS version (
    id INTEGER PRIMARY KEY,
    election TEXT NOT NULL,
    municipality TEXT NOT NULL,
    page_url TEXT NOT NULL,
    url TEXT NOT NULL,
    member TEXT NOT NULL DEFAULT '',
    final_url TEXT NOT NULL,
    status INTEGER NOT NULL,
    etag TEXT,
    last_modified TEXT,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    found_at TEXT NOT NULL,
    document_type TEXT NOT NULL,
    eml_id TEXT,
    model TEXT,
    station INTEGER,
    stations TEXT NOT NULL DEFAULT '[]',
    authority TEXT,
    document_election TEXT,
    ocr INTEGER NOT NULL DEFAULT 0,
    number INTEGER NOT NULL DEFAULT 1,
    logged INTEGER NOT NULL DEFAULT 0,
    UNIQUE (election, municipality, url, member, sha256)
);
CREATE INDEX IF NOT EXISTS version_unlogged ON version (logged) WHERE logged = 0;
CREATE INDEX IF NOT EXISTS version_place ON version (election, municipality);
CREATE TABLE IF NOT EXISTS finding (
    id INTEGER PRIMARY KEY,
    election TEXT NOT NULL,
    municipality TEXT NOT NULL,
    code TEXT NOT NULL,
    severity TEXT NOT NULL,
    url TEXT,
    at TEXT NOT NULL,
    message_nl TEXT NOT NULL,
    message_en TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS finding_place ON finding (election, municipality);
"""


@dataclass(frozen=True)
class FetchState:
    """What the last fetch of a URL gave, for the next conditional one."""

    url: str
    final_url: str | None
    status: int | None
    validators: Validators
    sha256: str | None
    links: tuple[str, ...]


@dataclass(frozen=True)
class Version:
    """One version of one harvested file, with its provenance."""

    election: str
    municipality: str
    page_url: str
    url: str
    final_url: str
    status: int
    size: int
    sha256: str
    found_at: str
    document_type: str
    member: str = ""
    etag: str | None = None
    last_modified: str | None = None
    eml_id: str | None = None
    model: str | None = None
    station: int | None = None
    stations: tuple[int, ...] = ()
    authority: str | None = None
    document_election: str | None = None
    ocr: bool = False
    number: int = 1

    @classmethod
    def of(cls, kind: Classification, **provenance: object) -> Version:
        """Return a version from its provenance and its classification."""
        return cls(
            document_type=kind.document_type,
            eml_id=kind.eml_id,
            model=kind.model,
            station=kind.station,
            stations=kind.stations,
            authority=kind.authority,
            document_election=kind.election,
            ocr=kind.ocr,
            **provenance,  # type: ignore[arg-type]
        )

    @property
    def location(self) -> str:
        """Return the URL, with ``!member`` for a file inside a zip."""
        return f"{self.url}!{self.member}" if self.member else self.url

    def as_dict(self) -> dict[str, object]:
        """Return the JSON shape used by ``harvest status``."""
        data = asdict(self)
        data["stations"] = list(self.stations)
        return data


@dataclass(frozen=True)
class HarvestFinding:
    """Something the harvester noticed: a republication, a failure, …"""

    election: str
    municipality: str
    code: str
    severity: str
    message_nl: str
    message_en: str
    url: str | None = None
    at: str = ""
    details: str = "{}"

    def as_dict(self) -> dict[str, object]:
        """Return the JSON shape, with details decoded."""
        data = asdict(self)
        data["details"] = json.loads(self.details)
        return data


_VERSION_FIELDS = tuple(Version.__dataclass_fields__)


class Catalogue:
    """The SQLite catalogue; one instance may be shared among threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(
            self.path, check_same_thread=False, timeout=30, isolation_level=None
        )
        self._lock = threading.RLock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- conditional-request state ------------------------------------------

    def fetch_state(self, scope: str, url: str) -> FetchState | None:
        """Return what the last successful fetch of ``url`` gave.

        ``scope`` (election and municipality) keeps apart two results
        pages that link to the same file: each must record it once.
        """
        with self._lock:
            row = self._db.execute(
                "SELECT url, final_url, status, etag, last_modified, sha256, links"
                " FROM fetch WHERE scope = ? AND url = ?",
                (scope, url),
            ).fetchone()
        if row is None:
            return None
        return FetchState(
            url=row[0],
            final_url=row[1],
            status=row[2],
            validators=Validators(row[3], row[4]),
            sha256=row[5],
            links=tuple(json.loads(row[6] or "[]")),
        )

    def remember_fetch(
        self,
        scope: str,
        url: str,
        final_url: str,
        status: int,
        validators: Validators,
        sha256: str | None,
        links: Sequence[str] = (),
    ) -> None:
        """Keep the validators and hash of a fetch for the next pass."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO fetch VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (scope, url) DO UPDATE SET"
                " final_url = excluded.final_url,"
                " status = excluded.status, etag = excluded.etag,"
                " last_modified = excluded.last_modified,"
                " sha256 = excluded.sha256, checked_at = excluded.checked_at,"
                " links = excluded.links",
                (
                    scope,
                    url,
                    final_url,
                    status,
                    validators.etag,
                    validators.last_modified,
                    sha256,
                    _now(),
                    json.dumps(list(links)),
                ),
            )

    # -- versions -------------------------------------------------------------

    def add_version(self, version: Version) -> bool:
        """Record a version; return False when it was already known."""
        values = [getattr(version, name) for name in _VERSION_FIELDS]
        values[_VERSION_FIELDS.index("stations")] = json.dumps(list(version.stations))
        columns = ", ".join(_VERSION_FIELDS)
        marks = ", ".join("?" for _ in _VERSION_FIELDS)
        with self._tx() as db:
            cursor = db.execute(
                f"INSERT OR IGNORE INTO version ({columns}) VALUES ({marks})", values
            )
            return cursor.rowcount == 1

    def versions(
        self,
        election: str | None = None,
        municipality: str | None = None,
        url: str | None = None,
        member: str | None = None,
    ) -> list[Version]:
        """Return versions, oldest first, filtered by what is given."""
        where, args = _where(
            election=election, municipality=municipality, url=url, member=member
        )
        with self._lock:
            rows = self._db.execute(
                f"SELECT {', '.join(_VERSION_FIELDS)} FROM version{where}"
                " ORDER BY found_at, id",
                args,
            ).fetchall()
        return [_version(row) for row in rows]

    def unlogged(self) -> list[Version]:
        """Return the versions not yet appended to the transparency log."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {', '.join(_VERSION_FIELDS)} FROM version"
                " WHERE logged = 0 ORDER BY id"
            ).fetchall()
        return [_version(row) for row in rows]

    def mark_logged(self, versions: Sequence[Version]) -> None:
        """Note that these versions are in the transparency log."""
        with self._tx() as db:
            db.executemany(
                "UPDATE version SET logged = 1 WHERE election = ? AND"
                " municipality = ? AND url = ? AND member = ? AND sha256 = ?",
                [
                    (v.election, v.municipality, v.url, v.member, v.sha256)
                    for v in versions
                ],
            )

    def places(self) -> list[tuple[str, str]]:
        """Return every (election, municipality) with versions or findings."""
        with self._lock:
            rows = self._db.execute(
                "SELECT election, municipality FROM version"
                " UNION SELECT election, municipality FROM finding ORDER BY 1, 2"
            ).fetchall()
        return [(str(a), str(b)) for a, b in rows]

    # -- findings -------------------------------------------------------------

    def add_finding(self, finding: HarvestFinding) -> None:
        """Record a finding."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO finding (election, municipality, code, severity, url,"
                " at, message_nl, message_en, details)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    finding.election,
                    finding.municipality,
                    finding.code,
                    finding.severity,
                    finding.url,
                    finding.at or _now(),
                    finding.message_nl,
                    finding.message_en,
                    finding.details,
                ),
            )

    def findings(
        self, election: str | None = None, municipality: str | None = None
    ) -> list[HarvestFinding]:
        """Return findings in the order they were made."""
        where, args = _where(election=election, municipality=municipality)
        with self._lock:
            rows = self._db.execute(
                "SELECT election, municipality, code, severity, message_nl,"
                f" message_en, url, at, details FROM finding{where} ORDER BY id",
                args,
            ).fetchall()
        return [HarvestFinding(*row) for row in rows]


def _where(**filters: str | None) -> tuple[str, list[str]]:
    given = {name: value for name, value in filters.items() if value is not None}
    if not given:
        return "", []
    clause = " AND ".join(f"{name} = ?" for name in given)
    return f" WHERE {clause}", list(given.values())


def _version(row: Sequence[object]) -> Version:
    data = dict(zip(_VERSION_FIELDS, row, strict=True))
    data["stations"] = tuple(json.loads(str(data["stations"])))
    data["ocr"] = bool(data["ocr"])
    return Version(**data)  # type: ignore[arg-type]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
