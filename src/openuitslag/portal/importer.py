"""Load what the readers make of official files into the portal's database.

The import is built for election night: documents are read (in parallel
when asked), their bytes are kept content-addressed in the data folder for
downloads, and their numbers are written in bulk, ``COPY`` on PostgreSQL
and large ``bulk_create`` batches on SQLite, never one ORM save per number.
Each document is loaded in its own transaction, so a failure leaves
nothing of that document behind, and a file already imported (same
SHA-256) is skipped. A newer version of a document (a corrigendum)
supersedes the current one, which stays in the history.

After loading, the verifier recomputes every touched election from the
current files and its findings and seats replace the stored ones.
"""

from __future__ import annotations

import collections
import csv
import io
import itertools
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from openuitslag.core import model as core
from openuitslag.core.digest import sha256_hex
from openuitslag.core.errors import Problem, ReadError
from openuitslag.core.sources import Source, iter_sources
from openuitslag.portal import models as m
from openuitslag.portal.caching import bump_generation

logger = logging.getLogger("openuitslag.portal")

# Counts that name kandidaten by short code, and results, wait for the
# kandidatenlijsten; the rest is loaded as it is read.
LOAD_LAST = frozenset({core.DocumentKind.EML_510D, core.DocumentKind.EML_520})
KIND_ORDER = {
    core.DocumentKind.EML_110A: 0,
    core.DocumentKind.EML_110B: 1,
    core.DocumentKind.EML_230B: 2,
    core.DocumentKind.EML_230C: 2,
    core.DocumentKind.EML_520: 9,
}
SKIPPED_SUFFIXES = (".txt", ".md", ".pdf", ".png", ".jpg", ".html", ".json")
SQLITE_BATCH = 5_000
MUNICIPALITY_ID = re.compile(r"^(?:HSB\d+::)?(\d{4})$")
STATION_ID = re.compile(r"^(?:(?:HSB\d+::)?(\d{4})::)?SB(\d+)$")
KIESKRING_ID = re.compile(r"^HSB(\d+)$")


@dataclass
class ImportSummary:
    """What an import did, for the command line and the tests."""

    imported: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    elections: set[str] = field(default_factory=set)
    findings: int = 0

    @property
    def ok(self) -> bool:
        """Say whether every input could be used."""
        return not self.problems


@dataclass
class ReadDocument:
    """A document the readers made of one file, with its fingerprint."""

    source: str
    sha256: str
    size: int
    record: core.Document
    names: dict[tuple[int, int], str] = field(default_factory=dict)


class DocumentRejected(Exception):
    """A document cannot be loaded as it is; the message says why."""


# -- reading ---------------------------------------------------------------


def read_one(source: Source) -> ReadDocument | ReadError:
    """Read one file's bytes into a record, or return why it cannot be."""
    from openuitslag.core.read import read_document

    try:
        record = read_document(source.data, source.name)
    except ReadError as exc:
        return exc
    names = {}
    if record.info.kind is core.DocumentKind.OSV4_3:
        names = osv_candidate_names(source.data)
    return ReadDocument(
        source.name, sha256_hex(source.data), len(source.data), record, names
    )


def osv_candidate_names(data: bytes) -> dict[tuple[int, int], str]:
    """Return (lijst, number) -> name from an OSV4-3 CSV.

    The records carry no names (a count names candidates by number), but
    an OSV4-3 file prints them beside the votes, and without a 230b they
    are the only names there are. The reader has accepted the file, so
    this reads only the first four columns and trusts their layout.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")

    names: dict[tuple[int, int], str] = {}
    lijst = 0
    for row in csv.reader(io.StringIO(text), delimiter=";"):
        cells = [*row[:4], "", "", "", ""][:4]
        first, third, name = cells[0].strip(), cells[2].strip(), cells[3].strip()
        if first.isdigit():
            lijst = int(first)
        elif not first and third.isdigit() and lijst and name:
            names[(lijst, int(third))] = name
    return names


def split_name(name: str) -> dict[str, str]:
    """Split "Ark, T. van" into last name, initials and prefix."""
    last, _, rest = name.partition(",")
    words = rest.split()
    initials = " ".join(w for w in words if w.endswith("."))
    prefix = " ".join(w for w in words if not w.endswith("."))
    return {
        "last_name": last.strip()[:200],
        "initials": initials[:64],
        "prefix": prefix[:32],
    }


def store_file(sha256: str, data: bytes) -> Path:
    """Keep a file's exact bytes in the data folder, named by its hash."""
    path = Path(settings.FILES_DIR) / sha256[:2] / sha256
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".part")
        temporary.write_bytes(data)
        temporary.replace(path)
    return path


def stored_file(sha256: str) -> Path:
    """Return where the bytes of an imported document are kept."""
    return Path(settings.FILES_DIR) / sha256[:2] / sha256


def new_sources(
    items: Iterable[Source | Problem], summary: ImportSummary
) -> Iterator[Source]:
    """Yield the files that are not imported yet, storing their bytes."""
    known = set(m.Document.objects.values_list("sha256", flat=True))
    for item in items:
        if isinstance(item, Problem):
            summary.problems.append(item)
            continue
        if item.name.lower().endswith(SKIPPED_SUFFIXES):
            summary.skipped.append(item.name)
            continue
        digest = sha256_hex(item.data)
        if digest in known:
            summary.skipped.append(item.name)
            continue
        known.add(digest)
        store_file(digest, item.data)
        yield item


def read_iter(
    sources: Iterable[Source], workers: int, summary: ImportSummary
) -> Iterator[ReadDocument]:
    """Read files, in ``workers`` processes when more than one."""
    results = bounded_map(read_one, sources, workers) if workers > 1 else None
    for result in results or map(read_one, sources):
        if isinstance(result, ReadError) and not_a_document(result):
            summary.skipped.append(result.source)
        elif isinstance(result, ReadError):
            summary.problems.extend(result.problems or [problem_of(result)])
        else:
            yield result


def bounded_map(
    function: Callable[[Source], ReadDocument | ReadError],
    sources: Iterable[Source],
    workers: int,
) -> Iterator[ReadDocument | ReadError]:
    """Map over sources in worker processes, a few files in flight at once.

    ``ProcessPoolExecutor.map`` would take every file's bytes up front; a
    national election is more than a gigabyte of XML, so only twice as
    many files as workers are held in memory at any moment.
    """
    window = workers * 2
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: collections.deque[Future[ReadDocument | ReadError]] = (
            collections.deque()
        )
        for source in sources:
            pending.append(pool.submit(function, source))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def not_a_document(error: ReadError) -> bool:
    """Say whether a file is simply no election document (a note, say)."""
    return bool(error.problems) and all(
        p.code == "document.unknown-type" for p in error.problems
    )


def problem_of(error: ReadError) -> Problem:
    """Return a Problem for a ReadError that carries none."""
    return Problem(
        code="read", message="The file could not be read.", source=error.source
    )


# -- the import as a whole -------------------------------------------------


def import_paths(
    paths: Iterable[str | Path],
    *,
    extra: Iterable[Source] = (),
    workers: int = 1,
    progress: Callable[[Iterable[Any], str], Iterable[Any]] | None = None,
    verify: bool = True,
) -> ImportSummary:
    """Import every new document below ``paths`` and verify what changed."""
    summary = ImportSummary()
    wrap = progress or (lambda items, _label: items)
    forget_known()
    if connection.vendor == "postgresql":
        # Each document commits on its own; waiting for every commit to
        # reach the disk would cost more than the load. A crash loses at
        # most the last documents, never their consistency.
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")

    # Documents are loaded while the workers read the next ones. Only the
    # central count (510d, candidates by short code) and the result (520)
    # wait until every kandidatenlijst is in.
    items = itertools.chain(iter_sources(paths), extra)
    sources = wrap(new_sources(items, summary), "importeren")
    documents, deferred = [], []
    archiver = Archiver(summary, enabled=settings.ARCHIVE_IMPORTS)
    for document in read_iter(sources, workers, summary):
        documents.append(document)
        if document.record.info.kind in LOAD_LAST:
            deferred.append(document)
        else:
            load_one(document, summary, archiver.pending)
            archiver.send_full_batch()
    deferred.sort(key=lambda d: (KIND_ORDER.get(d.record.info.kind, 5), d.source))
    for document in deferred:
        load_one(document, summary, archiver.pending)
    archiver.finish()

    if verify and summary.elections:
        in_memory = {d.sha256: d.record for d in documents}
        for identifier in sorted(summary.elections):
            summary.findings += verify_election(identifier, in_memory)
    forget_known()
    if summary.imported:
        bump_generation()
    return summary


def load_one(
    document: ReadDocument, summary: ImportSummary, loaded: list[ReadDocument]
) -> None:
    """Load one document, recording the outcome in the summary."""
    try:
        election = load_document(document)
    except DocumentRejected as exc:
        summary.problems.append(
            Problem(code="import.rejected", message=str(exc), source=document.source)
        )
        return
    loaded.append(document)
    summary.imported.append(document.source)
    summary.elections.add(election)
    logger.info("document imported source=%s", document.source)


class Archiver:
    """Add loaded documents to the transparency log, in the background.

    The log writes and syncs every file, which is disk work; one thread
    does it in batches while the import goes on loading, and
    :meth:`finish` waits for it and signs one checkpoint over all of it.
    """

    BATCH = 50

    def __init__(self, summary: ImportSummary, enabled: bool = True) -> None:
        self.summary = summary
        self.enabled = enabled
        self.pending: list[ReadDocument] = []
        self.batches: list[Future[bool]] = []
        self.pool = ThreadPoolExecutor(max_workers=1) if enabled else None

    def send_full_batch(self) -> None:
        """Hand the loaded documents to the thread once a batch is full."""
        if len(self.pending) >= self.BATCH:
            self.send()

    def send(self) -> None:
        """Hand every loaded document not yet sent to the thread."""
        if self.pool is not None and self.pending:
            batch, self.pending = self.pending, []
            self.batches.append(
                self.pool.submit(archive_documents, batch, self.summary)
            )

    def finish(self) -> None:
        """Log what is left, wait for the thread and sign a checkpoint."""
        self.send()
        if self.pool is None:
            return
        self.pool.shutdown(wait=True)
        if any(batch.result() for batch in self.batches):
            sign_checkpoint(self.summary)


def sign_checkpoint(summary: ImportSummary) -> None:
    """Sign a checkpoint of the log, so proofs cover the new entries."""
    from openuitslag.log.archive import Archive

    try:
        archive = Archive.open(settings.DATA_DIR)
        try:
            archive.checkpoint()
        finally:
            archive.close()
    except Exception as exc:  # the log has its own error types; report all
        logger.error("checkpoint failed error=%s", exc)
        summary.problems.append(
            Problem(
                code="import.checkpoint",
                message="The files were imported and logged, but no checkpoint "
                f"could be signed: {exc}",
                source=str(settings.DATA_DIR),
            )
        )


def archive_documents(documents: list[ReadDocument], summary: ImportSummary) -> bool:
    """Add imported files to the transparency log (one commit).

    The log is what lets anyone prove later that a published number came
    from exactly these bytes. Return whether the log grew; a failure to
    log is reported, and the import itself stands.
    """
    from openuitslag.log.archive import Archive
    from openuitslag.log.entry import EntryMeta

    def items() -> Iterator[tuple[bytes, EntryMeta]]:
        for document in documents:
            record = document.record
            authority = getattr(record, "authority", None)
            meta = EntryMeta(
                election=record.election.id,
                # Definitions may name no committee; the election stands in.
                authority=authority.id if authority else record.election.id,
                document_type=str(record.info.kind),
                source_url=f"file:{document.source}",
            )
            yield stored_file(document.sha256).read_bytes(), meta

    try:
        archive = Archive.open(settings.DATA_DIR)
        try:
            size = archive.log.size
            archive.add_many(items())
            grew = archive.log.size > size
        finally:
            archive.close()
    except Exception as exc:  # the log has its own error types; report all
        logger.error("archive failed error=%s", exc)
        summary.problems.append(
            Problem(
                code="import.archive",
                message=f"The files were imported but not added to the log: {exc}",
                source=str(settings.DATA_DIR),
            )
        )
        return False
    logger.info("documents archived count=%d", len(documents))
    return grew


def load_document(document: ReadDocument) -> str:
    """Load one document atomically; return its election's identifier."""
    record = document.record
    election_id = None
    try:
        with transaction.atomic():
            election = upsert_election(record.election)
            election_id = election.pk
            row = create_document_row(document, election)
            loader = LOADERS[type(record)]
            loader(record, election, row)
            if isinstance(record, core.Count):
                name_candidates(record, election, document.names)
            else:
                forget_known(election_id)
    except BaseException:
        forget_known(election_id)
        raise
    return election.identifier


# -- elections, documents and history --------------------------------------


def upsert_election(identity: core.ElectionIdentity) -> m.Election:
    """Return the election, created or completed from a document's header."""
    election, created = m.Election.objects.get_or_create(
        identifier=identity.id,
        defaults={
            "name": identity.name or identity.id,
            "category": identity.category,
            "subcategory": identity.subcategory or "",
            "domain_name": identity.domain_name or "",
            "date": identity.date,
        },
    )
    if not created and election.date is None and identity.date is not None:
        election.date = identity.date
        election.save(update_fields=["date"])
    return election


def document_key(record: core.Document) -> str:
    """Return what stays the same between versions of one document."""
    info = record.info
    authority = getattr(record, "authority", None)
    contests: list[str] = []
    if isinstance(record, core.Count):
        contests = [c.contest_id for c in record.contests]
    elif isinstance(record, core.CandidateLists | core.Result):
        contests = [record.contest_id]
    elif isinstance(record, core.PollingStationList):
        contests = [record.municipality_id]
    return "|".join(
        [
            "count" if info.kind.is_count else str(info.kind),
            record.election.id,
            authority.id if authority else "",
            ",".join(contests),
        ]
    )


def create_document_row(document: ReadDocument, election: m.Election) -> m.Document:
    """Create the Document row, superseding the version it replaces."""
    record = document.record
    authority = getattr(record, "authority", None)
    key = document_key(record)
    row = m.Document(
        sha256=document.sha256,
        size=document.size,
        kind=str(record.info.kind),
        source=document.source[:500],
        name=document.source.rpartition("!")[2].rpartition("/")[2][:300],
        key=key,
        election=election,
        authority_id=authority.id if authority else "",
        authority_name=(authority.name if authority else "")[:200],
        creation_time=record.info.creation_time or "",
        phase=getattr(record, "phase", None) or "",
    )
    previous = m.Document.objects.filter(key=key, is_current=True).first()
    if previous is not None and not is_newer(row, previous):
        row.is_current = False
    elif previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current"])
        m.UnitCount.objects.filter(document=previous).update(is_current=False)
        m.ListVotes.objects.filter(count__document=previous).update(is_current=False)
        row.supersedes = previous
    row.save()
    return row


def is_newer(candidate: m.Document, current: m.Document) -> bool:
    """Say whether a document version is newer than the current one.

    The files say when they were made (``kr:CreationDateTime``); without
    that, the version imported last wins.
    """
    if candidate.creation_time and current.creation_time:
        return candidate.creation_time >= current.creation_time
    return True


# -- definitions -----------------------------------------------------------


def load_definition(
    record: core.ElectionDefinition, election: m.Election, row: m.Document
) -> None:
    """Load a 110a: seats, threshold and the tree of regions."""
    election.name = record.election.name or election.name
    election.number_of_seats = record.number_of_seats
    election.preference_threshold = record.preference_threshold
    election.save()

    regions = {}
    for region in record.regions:
        if region.category == "GEMEENTE":
            continue
        regions[(region.category, region.number)], _ = (
            m.Region.objects.update_or_create(
                election=election,
                category=region.category,
                number=region.number,
                defaults={"name": region.name},
            )
        )
    for region in record.regions_of("GEMEENTE"):
        superior = regions.get(
            (region.superior_category or "", region.superior_number or "")
        )
        m.Municipality.objects.update_or_create(
            election=election,
            code=region.municipality_code,
            defaults={
                "name": region.name,
                "kieskring": superior
                if superior and superior.category == "KIESKRING"
                else None,
            },
        )


def load_stations(
    record: core.PollingStationList, election: m.Election, row: m.Document
) -> None:
    """Load a 110b: the municipality's stembureaus and electorates."""
    code = record.municipality_id.zfill(4)
    municipality = municipality_for(election, code, record.municipality_name)
    municipality.electorate = record.electorate
    municipality.save(update_fields=["electorate"])
    row.municipality = municipality
    row.save(update_fields=["municipality"])

    for station in record.stations:
        unit_id = f"{code}::SB{station.id}"
        m.PollingStation.objects.update_or_create(
            municipality=municipality,
            unit_id=unit_id,
            defaults={
                "slug": station.id,
                "number": int(station.id) if station.id.isdigit() else None,
                "name": station.name[:300],
                "postcode": station.postcode or "",
                "electorate": station.electorate,
            },
        )


def load_candidates(
    record: core.CandidateLists, election: m.Election, row: m.Document
) -> None:
    """Load a 230b: the lijsten and kandidaten of one contest."""
    kandidaten = []
    for affiliation in record.affiliations:
        lijst = lijst_for(election, affiliation.number, affiliation.name)
        for candidate in affiliation.candidates:
            if candidate.number is None:
                continue
            kandidaten.append(
                m.Kandidaat(
                    lijst=lijst,
                    contest=record.contest_id,
                    number=candidate.number,
                    initials=(candidate.initials or "")[:64],
                    first_name=(candidate.first_name or "")[:100],
                    prefix=(candidate.prefix or "")[:32],
                    last_name=(candidate.last_name or "")[:200],
                    short_code=(candidate.short_code or "")[:64],
                )
            )
    m.Kandidaat.objects.bulk_create(
        kandidaten,
        batch_size=2_000,
        update_conflicts=True,
        unique_fields=["lijst", "contest", "number"],
        update_fields=["initials", "first_name", "prefix", "last_name", "short_code"],
    )


def load_result(record: core.Result, election: m.Election, row: m.Document) -> None:
    """Load a 520: the official seats per lijst."""
    for number, seats in record.seats().items():
        lijst = lijst_for(election, number, record.list_names.get(number, ""))
        m.Seats.objects.update_or_create(
            election=election,
            list_number=number,
            defaults={"official": seats, "list_name": lijst.label},
        )


def lijst_for(election: m.Election, number: int, name: str) -> m.Lijst:
    """Return the lijst, created, and named when the file names it."""
    lijst, created = m.Lijst.objects.get_or_create(
        election=election, number=number, defaults={"name": name[:300]}
    )
    if not created and name and not lijst.name:
        lijst.name = name[:300]
        lijst.save(update_fields=["name"])
    return lijst


def ensure_lijsten(election: m.Election, names: Mapping[int, str]) -> None:
    """Create or name the lijsten a count mentions, once per import run."""
    known = KNOWN_LISTS.get(election.pk)
    if known is None:
        known = KNOWN_LISTS[election.pk] = dict(
            m.Lijst.objects.filter(election=election).values_list("number", "name")
        )
    for number, name in names.items():
        if number not in known or (name and not known[number]):
            known[number] = lijst_for(election, number, name).name


def municipality_for(election: m.Election, code: str, name: str) -> m.Municipality:
    """Return the municipality by code, created when first seen."""
    municipality, _ = m.Municipality.objects.get_or_create(
        election=election, code=code, defaults={"name": name[:200] or code}
    )
    return municipality


# -- counts ----------------------------------------------------------------


@dataclass
class UnitPlace:
    """Where a reporting unit sits: its level and the rows it belongs to."""

    level: str
    municipality: m.Municipality | None = None
    station: m.PollingStation | None = None
    kieskring: m.Region | None = None


Places = tuple[
    dict[str, m.Municipality],
    dict[str, m.Region],
    dict[tuple[str, str], m.PollingStation],
]

# What the database holds per election during one import run, so that a
# national import of 400 counts does not load 10,000 stations 400 times.
# Dropped whenever a document fails (its rows were rolled back) or a
# definition changes the places.
KNOWN_PLACES: dict[int, Places] = {}
KNOWN_CODES: dict[int, dict[tuple[int, str], int]] = {}
KNOWN_LISTS: dict[int, dict[int, str]] = {}
KNOWN_CANDIDATES: dict[int, set[tuple[int, str, int]]] = {}


def forget_known(election_id: int | None = None) -> None:
    """Drop the per-run caches of one election, or of all."""
    caches: tuple[dict[int, Any], ...] = (
        KNOWN_PLACES,
        KNOWN_CODES,
        KNOWN_LISTS,
        KNOWN_CANDIDATES,
    )
    for cache in caches:
        if election_id is None:
            cache.clear()
        else:
            cache.pop(election_id, None)


def known_places(election: m.Election) -> Places:
    """Load an election's municipalities, kieskringen and stations."""
    municipalities = {
        mu.code: mu for mu in m.Municipality.objects.filter(election=election)
    }
    kieskringen = {
        r.number: r
        for r in m.Region.objects.filter(election=election, category="KIESKRING")
    }
    stations = {
        (s.municipality.code, s.unit_id): s
        for s in m.PollingStation.objects.filter(
            municipality__election=election
        ).select_related("municipality")
    }
    return municipalities, kieskringen, stations


class PlaceFinder:
    """Find or create the municipality, station or kieskring of a unit."""

    def __init__(self, election: m.Election, record: core.Count):
        self.election = election
        self.record = record
        known = KNOWN_PLACES.get(election.pk)
        if known is None:
            known = KNOWN_PLACES[election.pk] = known_places(election)
        self.municipalities, self.kieskringen, self.stations = known

    def authority_code(self) -> str | None:
        """Return the 4-digit municipality code of the committee, if any."""
        identifier = self.record.authority.id
        return identifier if MUNICIPALITY_ID.match(identifier) else None

    def total(self, contest: core.ContestCount) -> UnitPlace:
        """Return the place of a document's TotalVotes."""
        authority = self.record.authority
        code = self.authority_code()
        if code is not None:
            return UnitPlace(
                m.Level.MUNICIPALITY, self.municipality(code, authority.name)
            )
        kieskring = KIESKRING_ID.match(authority.id)
        if kieskring:
            return UnitPlace(
                m.Level.KIESKRING,
                kieskring=self.kieskring(kieskring[1], authority.name),
            )
        if (
            self.record.info.kind is core.DocumentKind.EML_510C
            and contest.contest_id.isdigit()
        ):
            return UnitPlace(
                m.Level.KIESKRING,
                kieskring=self.kieskring(contest.contest_id, authority.name),
            )
        return UnitPlace(m.Level.NATION)

    def unit(self, unit: core.ReportingUnit) -> UnitPlace:
        """Return the place of one ReportingUnitVotes row."""
        station = STATION_ID.match(unit.id)
        if station:
            code = station[1] or self.authority_code() or ""
            municipality = self.municipality(code, code)
            return UnitPlace(
                m.Level.STATION, municipality, station=self.station(municipality, unit)
            )
        municipality = MUNICIPALITY_ID.match(unit.id)
        if municipality:
            return UnitPlace(
                m.Level.MUNICIPALITY, self.municipality(municipality[1], unit.name)
            )
        kieskring = KIESKRING_ID.match(unit.id)
        if kieskring:
            return UnitPlace(
                m.Level.KIESKRING, kieskring=self.kieskring(kieskring[1], unit.name)
            )
        if unit.id.isdigit() and unit.id in self.kieskringen:
            return UnitPlace(m.Level.KIESKRING, kieskring=self.kieskringen[unit.id])
        raise DocumentRejected(
            f"Reporting unit {unit.id!r} ({unit.name}) is neither a stembureau "
            "(…SB<n>), a municipality (4 digits) nor a kieskring (HSB<n>)."
        )

    def add_stations(self, units: Iterable[core.ReportingUnit]) -> None:
        """Create, in one batch, the stembureaus not seen before."""
        new = {}
        for unit in units:
            match = STATION_ID.match(unit.id)
            if not match:
                continue
            municipality = self.municipality(
                match[1] or self.authority_code() or "", ""
            )
            key = (municipality.code, canonical_station_id(municipality.code, unit.id))
            if key in self.stations or key in new:
                continue
            number = unit.station_number
            new[key] = m.PollingStation(
                municipality=municipality,
                unit_id=key[1],
                slug=str(number) if number is not None else key[1].replace(":", "-"),
                number=number,
                name=unit.name[:300],
                postcode=unit.postcode or "",
            )
        created = m.PollingStation.objects.bulk_create(new.values(), batch_size=2_000)
        self.stations.update(zip(new, created, strict=True))

    def municipality(self, code: str, name: str) -> m.Municipality:
        """Return a municipality of the election, created when first seen."""
        if code not in self.municipalities:
            self.municipalities[code] = municipality_for(self.election, code, name)
        return self.municipalities[code]

    def kieskring(self, number: str, name: str) -> m.Region:
        """Return a kieskring of the election, created when first seen."""
        if number not in self.kieskringen:
            self.kieskringen[number], _ = m.Region.objects.get_or_create(
                election=self.election,
                category="KIESKRING",
                number=number,
                defaults={"name": name[:200] or f"Kieskring {number}"},
            )
        return self.kieskringen[number]

    def station(
        self, municipality: m.Municipality, unit: core.ReportingUnit
    ) -> m.PollingStation:
        """Return the stembureau of a unit, created when the 110b lacks it."""
        key = (municipality.code, canonical_station_id(municipality.code, unit.id))
        if key not in self.stations:
            number = unit.station_number
            self.stations[key], _ = m.PollingStation.objects.get_or_create(
                municipality=municipality,
                unit_id=key[1],
                defaults={
                    "slug": str(number)
                    if number is not None
                    else key[1].replace(":", "-"),
                    "number": number,
                    "name": unit.name[:300],
                    "postcode": unit.postcode or "",
                },
            )
        return self.stations[key]


def canonical_station_id(code: str, unit_id: str) -> str:
    """Return ``<code>::SB<n>`` for any way a file writes a station id."""
    match = STATION_ID.match(unit_id)
    return f"{code}::SB{match[2]}" if match else unit_id


def load_count(record: core.Count, election: m.Election, row: m.Document) -> None:
    """Load a 510 or OSV4-3 count: unit counters and votes, in bulk."""
    finder = PlaceFinder(election, record)
    code = finder.authority_code()
    if code is not None:
        row.municipality = finder.municipality(code, record.authority.name)
        row.save(update_fields=["municipality"])
    if election.published_at is None:
        election.published_at = timezone.now()
        election.save(update_fields=["published_at"])

    short_codes = KNOWN_CODES.get(election.pk)
    if short_codes is None:
        short_codes = KNOWN_CODES[election.pk] = candidate_numbers_by_code(election)
    for contest in record.contests:
        ensure_lijsten(election, contest.list_names)
        places, tally = contest_rows(finder, contest)
        counts = create_unit_counts(row, election, contest, places, tally)
        write_list_votes(counts, election, contest, tally, short_codes, row.is_current)


def contest_rows(
    finder: PlaceFinder, contest: core.ContestCount
) -> tuple[list[tuple[UnitPlace, str, str]], core.Tally]:
    """Return the place, id and name of each row: total first, then units."""
    finder.add_stations(contest.units)
    places = [(finder.unit(u), u.id, u.name) for u in contest.units]
    tally = contest.unit_tally
    if contest.total is not None:
        total_place = finder.total(contest)
        places.insert(
            0, (total_place, finder.record.authority.id, finder.record.authority.name)
        )
        tally = core.Tally(
            votes=np.vstack([contest.total.votes, contest.unit_tally.votes]),
            counters=np.vstack([contest.total.counters, contest.unit_tally.counters]),
        )
    return places, tally


def create_unit_counts(
    row: m.Document,
    election: m.Election,
    contest: core.ContestCount,
    places: list[tuple[UnitPlace, str, str]],
    tally: core.Tally,
) -> list[m.UnitCount]:
    """Insert one UnitCount per row and return them with their ids."""
    counters = tally.counters.tolist()
    counts = []
    has_total = contest.total is not None
    for index, ((place, unit_id, name), values) in enumerate(
        zip(places, counters, strict=True)
    ):
        numbers = {
            field_name: (None if v == core.MISSING else v)
            for field_name, v in zip(m.COUNTER_NAMES, values, strict=True)
        }
        counts.append(
            m.UnitCount(
                document=row,
                election=election,
                is_current=row.is_current,
                contest=contest.contest_id,
                level=place.level,
                is_total=has_total and index == 0,
                unit_id=unit_id[:64],
                name=name[:300],
                municipality=place.municipality,
                station=place.station,
                kieskring=place.kieskring,
                **numbers,
            )
        )
    return insert_unit_counts(counts)


def insert_unit_counts(counts: list[m.UnitCount]) -> list[m.UnitCount]:
    """Insert count rows, with COPY on PostgreSQL; return them with ids.

    COPY returns no ids, so they are taken from the table's sequence
    first; the vote rows that follow need them.
    """
    if connection.vendor != "postgresql" or not counts:
        return m.UnitCount.objects.bulk_create(counts, batch_size=SQLITE_BATCH)

    table = m.UnitCount._meta.db_table
    fields = [f for f in m.UnitCount._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in ["id", *(f.column for f in fields)])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
            "FROM generate_series(1, %s)",
            [table, len(counts)],
        )
        for count, (pk,) in zip(counts, cursor.fetchall(), strict=True):
            count.pk = pk
        names = [f.attname for f in fields]
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for count in counts:
                values = count.__dict__
                copy.write_row([count.pk, *(values[name] for name in names)])
    return counts


def candidate_numbers_by_code(election: m.Election) -> dict[tuple[int, str], int]:
    """Map (list, short code) to a candidate number, for 510d files."""
    rows = m.Kandidaat.objects.filter(lijst__election=election).exclude(short_code="")
    return {
        (lijst, code): number
        for lijst, code, number in rows.values_list(
            "lijst__number", "short_code", "number"
        )
    }


def list_layout(
    contest: core.ContestCount, short_codes: dict[tuple[int, str], int]
) -> list[tuple[int, int | None, np.ndarray, np.ndarray]]:
    """Return per lijst: number, its column, candidate columns and numbers."""
    columns: dict[int, tuple[list[int], list[int]]] = {}
    list_column: dict[int, int] = {}
    for s, (lijst, candidate, code) in enumerate(
        zip(
            contest.list_numbers.tolist(),
            contest.candidate_numbers.tolist(),
            contest.candidate_codes,
            strict=True,
        )
    ):
        if candidate == 0 and code is None:
            list_column[lijst] = s
            continue
        number = candidate or short_codes.get((lijst, code or ""))
        if number:
            cols, numbers = columns.setdefault(lijst, ([], []))
            cols.append(s)
            numbers.append(number)

    layout = []
    for lijst in sorted(set(list_column) | set(columns)):
        cols, numbers = columns.get(lijst, ([], []))
        layout.append(
            (
                lijst,
                list_column.get(lijst),
                np.array(cols, dtype=np.intp),
                np.array(numbers),
            )
        )
    return layout


def write_list_votes(
    counts: list[m.UnitCount],
    election: m.Election,
    contest: core.ContestCount,
    tally: core.Tally,
    short_codes: dict[tuple[int, str], int],
    is_current: bool,
) -> None:
    """Insert one ListVotes row per unit and lijst, candidates packed."""
    rows: list[tuple[Any, ...]] = []
    for lijst, list_col, cols, numbers in list_layout(contest, short_codes):
        width = int(numbers.max()) if len(numbers) else 0
        packed = np.full((tally.rows, width), core.MISSING, dtype="<i4")
        if width:
            packed[:, numbers - 1] = tally.votes[:, cols]
        totals = (
            tally.votes[:, list_col].tolist()
            if list_col is not None
            else [None] * tally.rows
        )
        for count, total, candidates in zip(counts, totals, packed, strict=True):
            votes = None if total is None or total == core.MISSING else total
            rows.append(
                (
                    count.pk,
                    election.pk,
                    count.level,
                    is_current,
                    lijst,
                    votes,
                    candidates.tobytes(),
                )
            )
    insert_list_votes(rows)


LIST_VOTES_COLUMNS = (
    "count_id",
    "election_id",
    "level",
    "is_current",
    "list_number",
    "votes",
    "candidate_votes",
)


def insert_list_votes(rows: list[tuple[Any, ...]]) -> None:
    """Insert vote rows with COPY on PostgreSQL, in batches elsewhere."""
    if not rows:
        return
    table = m.ListVotes._meta.db_table
    if connection.vendor == "postgresql":
        columns = ", ".join(LIST_VOTES_COLUMNS)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return

    objects = (
        m.ListVotes(**dict(zip(LIST_VOTES_COLUMNS, row, strict=True))) for row in rows
    )
    while batch := list(next_batch(objects, SQLITE_BATCH)):
        m.ListVotes.objects.bulk_create(batch)


def next_batch(items: Iterator[Any], size: int) -> Iterator[Any]:
    """Yield up to ``size`` items of an iterator."""
    for _ in range(size):
        try:
            yield next(items)
        except StopIteration:
            return


def name_candidates(
    record: core.Count, election: m.Election, names: dict[tuple[int, int], str]
) -> None:
    """Make sure every counted kandidaat has a row, named when known.

    A kandidatenlijst (230b) names them; without one, the names an OSV4-3
    file prints are used, and otherwise the kandidaat has only a number.
    """
    lijsten = dict(
        m.Lijst.objects.filter(election=election).values_list("number", "id")
    )
    known = KNOWN_CANDIDATES.get(election.pk)
    if known is None:
        known = KNOWN_CANDIDATES[election.pk] = set(
            m.Kandidaat.objects.filter(lijst__election=election).values_list(
                "lijst__number", "contest", "number"
            )
        )
    rows = []
    for contest in record.contests:
        pairs = zip(
            contest.list_numbers.tolist(),
            contest.candidate_numbers.tolist(),
            strict=True,
        )
        for lijst, number in pairs:
            key = (lijst, contest.contest_id, number)
            if number and lijst in lijsten and key not in known:
                known.add(key)
                name = names.get((lijst, number), "")
                rows.append(
                    m.Kandidaat(
                        lijst_id=lijsten[lijst],
                        contest=contest.contest_id,
                        number=number,
                        **split_name(name),
                    )
                )
    m.Kandidaat.objects.bulk_create(rows, batch_size=2_000, ignore_conflicts=True)


LOADERS: dict[type, Callable[[Any, m.Election, m.Document], None]] = {
    core.ElectionDefinition: load_definition,
    core.PollingStationList: load_stations,
    core.CandidateLists: load_candidates,
    core.Count: load_count,
    core.Result: load_result,
}


# -- verification ----------------------------------------------------------


def verify_election(identifier: str, in_memory: dict[str, core.Document]) -> int:
    """Verify an election from its current files; store findings and seats.

    Return the number of findings stored.
    """
    from openuitslag.portal import verification

    election = m.Election.objects.get(identifier=identifier)
    records = []
    current = m.Document.objects.filter(election=election, is_current=True)
    for sha256, source in current.values_list("sha256", "source"):
        record = in_memory.get(sha256)
        if record is None:
            outcome = read_one(Source(source, stored_file(sha256).read_bytes()))
            if isinstance(outcome, ReadError):
                continue
            record = outcome.record
        records.append(record)

    outcome = verification.verify_records(records, identifier)
    with transaction.atomic():
        return verification.store(election, outcome)
