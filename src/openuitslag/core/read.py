"""Read official election files into the records of :mod:`core.model`.

This is the one entry point every part of openuitslag uses: give it bytes
and a name (:func:`read_document`) or paths to files, folders and zips
(:func:`read_paths`). A document is read whole or not at all, and every
problem in it is reported at once, with where it is and what was
expected, so whoever published the file can fix it.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import (
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
)
from pathlib import Path
from typing import Final

from openuitslag.core.detect import EML_IDS, looks_like_osv, looks_like_xml, sniff_kind
from openuitslag.core.digest import sha256_hex
from openuitslag.core.eml.candidates import read_candidate_lists
from openuitslag.core.eml.counts import NeedFullTree, read_count
from openuitslag.core.eml.definition import read_definition, read_polling_stations
from openuitslag.core.eml.header import read_creation_time
from openuitslag.core.eml.result import read_result
from openuitslag.core.eml.scan import SelectionScan, reduce
from openuitslag.core.eml.xml import EML_NS, Context, Element, local_name, parse
from openuitslag.core.errors import Problem, ReadError
from openuitslag.core.model import Document, DocumentInfo, DocumentKind, ReadReport
from openuitslag.core.sources import Source, iter_sources

log = logging.getLogger("openuitslag.read")

# Files handed to each worker before waiting for the oldest.
IN_FLIGHT: Final = 2
# Threads reading in one process: one parsing while one extracts.
THREADS: Final = 2

Reader = Callable[[Context, Element, DocumentInfo], Document]

READERS: Final[dict[DocumentKind, Reader]] = {
    DocumentKind.EML_110A: read_definition,
    DocumentKind.EML_110B: read_polling_stations,
    DocumentKind.EML_230B: read_candidate_lists,
    DocumentKind.EML_230C: read_candidate_lists,
    DocumentKind.EML_510A: read_count,
    DocumentKind.EML_510B: read_count,
    DocumentKind.EML_510C: read_count,
    DocumentKind.EML_510D: read_count,
    DocumentKind.EML_510Q: read_count,
    DocumentKind.EML_510R: read_count,
    DocumentKind.EML_510S: read_count,
    DocumentKind.EML_520: read_result,
}


def read_document(data: bytes, source: str) -> Document:
    """Read one document from its exact bytes.

    ``source`` is the name shown to users, e.g. ``TK2021.zip!Telling.xml``.
    Raises :class:`ReadError` listing every problem when the document
    cannot be used.
    """
    if not looks_like_xml(data) and looks_like_osv(data):
        return _read_osv(data, source)
    if not looks_like_xml(data):
        raise ReadError(source, [_unknown_type(data, source)])

    kind = sniff_kind(data)
    if kind is not None and kind.is_count:
        document = _read_reduced(data, source)
        if document is not None:
            return document
    return _read_eml(data, source, parse(data, source), Context(source, data))


def _read_eml(data: bytes, source: str, root: Element, ctx: Context) -> Document:
    kind = _eml_kind(ctx, root)
    ctx.raise_if_any()
    assert kind is not None

    info = DocumentInfo(
        source=source,
        sha256=sha256_hex(data),
        size=len(data),
        kind=kind,
        creation_time=read_creation_time(root),
    )
    document = READERS[kind](ctx, root, info)
    ctx.raise_if_any()
    return document


def _read_reduced(data: bytes, source: str) -> Document | None:
    """Read a 510 with its plain selections cut out, or return None.

    Parsing a tenth of the bytes is most of the speed of the reader on
    large counts (see :mod:`openuitslag.core.eml.scan`). None means: read
    the document whole, which also gives the exact problems.
    """
    reduction = reduce(data)
    if reduction is None:
        return None
    try:
        root = parse(reduction.data, source)
    except ReadError:
        return None
    ctx = Context(source, data)
    ctx.scan = SelectionScan.of_reduction(reduction, root)
    if ctx.scan is None:
        return None
    try:
        return _read_eml(data, source, root, ctx)
    except NeedFullTree:
        return None


def read_paths(paths: Iterable[str | Path], *, workers: int = 1) -> ReadReport:
    """Read every document below the given files, folders and zips.

    Problems are collected per file; a file with problems contributes no
    document and never stops the others. With ``workers`` > 1 the files
    are read in that many processes, as they are independent. In one
    process, two threads still overlap the parsing of one file (libxml2
    runs without the GIL) with the extraction from the one before.
    """
    report = ReadReport()
    sources = iter_sources(paths)
    if workers > 1:
        pool: Executor = ProcessPoolExecutor(max_workers=workers)
    else:
        pool = ThreadPoolExecutor(max_workers=THREADS)
    outcomes = _read_in_pool(sources, pool, max(workers, THREADS))
    for outcome in outcomes:
        if outcome is None:
            continue
        if isinstance(outcome, list):
            report.problems.extend(outcome)
        else:
            report.documents.append(outcome)
    log.info(
        "read documents=%d problems=%d", len(report.documents), len(report.problems)
    )
    return report


Outcome = Document | list[Problem]


# Files with these endings sit beside the documents in the Kiesraad's zips
# (notes, proces-verbaal PDFs); they are not documents, so not errors.
NOT_DOCUMENTS: Final = (".txt", ".pdf", ".md", ".json", ".xlsx", ".geojson", ".html")


def _read_source(name: str, data: bytes) -> Outcome | None:
    if name.lower().endswith(NOT_DOCUMENTS) and not looks_like_xml(data):
        log.debug("skipped source=%s reason=not-a-document", name)
        return None
    try:
        return read_document(data, name)
    except ReadError as exc:
        log.info("unreadable source=%s problems=%d", name, len(exc.problems))
        return exc.problems


def _read_in_pool(
    sources: Iterator[Source | Problem], pool: Executor, workers: int
) -> Iterator[Outcome | None]:
    """Read sources on a pool, yielding outcomes in order, a few at a time.

    At most ``IN_FLIGHT`` files per worker are held in memory at once, so
    a national set of hundreds of large files does not sit in RAM twice.
    """
    with pool:
        pending: deque[Problem | Future[Outcome | None]] = deque()
        for item in sources:
            if isinstance(item, Problem):
                pending.append(item)
            else:
                pending.append(pool.submit(_read_source, item.name, item.data))
            while len(pending) > IN_FLIGHT * workers:
                yield _settle(pending.popleft())
        while pending:
            yield _settle(pending.popleft())


def _settle(entry: Problem | Future[Outcome | None]) -> Outcome | None:
    return [entry] if isinstance(entry, Problem) else entry.result()


def _eml_kind(ctx: Context, root: Element) -> DocumentKind | None:
    namespace = root.tag.partition("}")[0].lstrip("{") if "}" in root.tag else ""
    if local_name(root.tag) != "EML":
        ctx.add(
            "eml.root",
            "The root element is not EML.",
            root,
            expected="<EML> in namespace " + EML_NS,
            found=f"<{local_name(root.tag)}>",
        )
        return None
    if namespace != EML_NS:
        ctx.add(
            "eml.namespace",
            "The root element EML is not in the EML namespace.",
            root,
            expected=EML_NS,
            found=namespace or "no namespace",
        )
        return None
    document_id = root.get("Id")
    kind = EML_IDS.get(document_id or "")
    if kind is None:
        ctx.add(
            "eml.unknown-id",
            "The EML document type (root Id) is not one openuitslag reads.",
            root,
            expected="one of " + ", ".join(EML_IDS),
            found=repr(document_id) if document_id is not None else "no Id",
        )
    return kind


def _unknown_type(data: bytes, source: str) -> Problem:
    return Problem(
        code="document.unknown-type",
        message="The file is neither EML_NL XML nor an OSV4-3 CSV.",
        source=source,
        line=1,
        expected="an XML document with root <EML> or an OSV4-3 CSV header",
        found=repr(data[:40]),
    )


def _read_osv(data: bytes, source: str) -> Document:
    from openuitslag.core.osv import read_osv  # only loaded when a CSV comes

    return read_osv(data, source)
