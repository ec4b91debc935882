"""Turn what a user names (files, folders, zips) into documents to read.

The Kiesraad and the municipalities publish their files in zips, often
zips inside zips, so every tool of openuitslag accepts a file, a folder or
an archive and sees the same stream of named byte strings. A document
inside an archive is named by its path through the archives, for example
``outer.zip!inner.zip!Telling_TK2023_gemeente_Alblasserdam.eml.xml``.

Archives come from strangers, so nothing in them is trusted: the sizes in
a zip's headers may lie, entries may try to escape their folder, and a
small file may inflate to gigabytes. Every such case becomes a
:class:`~openuitslag.core.errors.Problem` with a stable code, never an
exception, and no entry is ever read past the limits in :class:`Limits`:
entries are decompressed in chunks and abandoned as soon as a limit is
crossed.

Problem codes::

    source.not-found         a named path does not exist
    source.unreadable        a file or folder cannot be read (permissions…)
    source.too-large         a plain file exceeds ``max_entry_bytes``
    zip.corrupt              an archive or entry cannot be decompressed
    zip.encrypted            an entry is password-protected
    zip.unsafe-path          an entry name escapes its folder
    zip.symlink              an entry is a symbolic link
    zip.duplicate-entry      two entries share one name
    zip.unsupported-compression
    zip.entry-too-large      an entry inflates beyond ``max_entry_bytes``
    zip.ratio                an entry inflates more than ``max_ratio`` times
    zip.total-too-large      an archive inflates beyond ``max_total_bytes``
    zip.too-many-entries     an archive holds more than ``max_entries``
    zip.too-deep             zips nest deeper than ``max_depth``

macOS leaves ``__MACOSX/`` folders, ``._*`` resource forks and
``.DS_Store`` files in zips made with Finder, and Windows ``Thumbs.db``
and ``desktop.ini``; they are skipped silently.
"""

from __future__ import annotations

import io
import logging
import re
import stat
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from openuitslag.core.errors import Problem

log = logging.getLogger("openuitslag.sources")

ZIP_SEPARATOR = "!"
MiB = 1024 * 1024
GiB = 1024 * MiB

# Local file header and (empty archive) end-of-central-directory magic.
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_CHUNK = 256 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_JUNK_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
_ZIP_DOCUMENTS = (".xlsx", ".xlsm", ".docx", ".pptx", ".ods", ".odt", ".odp", ".epub")
_ENCRYPTED_FLAG = 0x1


@dataclass(frozen=True, slots=True)
class Limits:
    """How much one input may make us read; override per call.

    The defaults fit everything the Kiesraad publishes with a wide margin:
    its largest set (all municipal 510b files of a Tweede Kamer election)
    is about 1 GB of XML, its largest single file (Amsterdam's 510b) about
    50 MB, and real zips compress EML about 10 to 60 times.

    ``max_total_bytes`` and ``max_entries`` count everything below one
    path the user named, nested archives included (a nested zip counts
    once as an entry and again through its own entries). ``max_ratio`` applies
    once an entry has inflated past ``ratio_floor`` bytes, so that tiny
    files of repeated characters do not trip it. ``max_depth`` is the
    number of archives around a document: a document in a zip in a zip
    has depth 2.
    """

    max_total_bytes: int = 8 * GiB
    max_entry_bytes: int = 512 * MiB
    max_ratio: int = 200
    ratio_floor: int = 1 * MiB
    max_entries: int = 100_000
    max_depth: int = 4


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class Source:
    """A document's bytes with the name users see, e.g. ``a.zip!b.xml``."""

    name: str
    data: bytes


@dataclass(slots=True)
class _Budget:
    """What is left of the limits for one path the user named."""

    limits: Limits
    bytes_read: int = 0
    entries: int = 0
    exhausted: bool = False  # the total was reached: read nothing more
    seen: set[str] = field(default_factory=set)


def iter_sources(
    paths: Iterable[str | Path], *, limits: Limits | None = None
) -> Iterator[Source | Problem]:
    """Yield every document below the given paths, or a Problem per failure.

    Folders are walked in sorted order; zips (recognised by their content
    or a ``.zip`` name) are opened and their entries yielded in the
    archive's own order as ``archive.zip!entry``, nested zips included.
    Nothing raises: a path that cannot be used gives a Problem and the
    walk goes on.
    """
    limits = limits or DEFAULT_LIMITS
    for path in map(Path, paths):
        budget = _Budget(limits)
        if path.is_dir():
            yield from _from_folder(path, budget)
        elif path.is_file():
            yield from _from_file(path, budget)
        else:
            yield Problem(
                code="source.not-found",
                message="There is no such file or folder.",
                source=str(path),
            )


def iter_data(
    name: str, data: bytes, *, limits: Limits | None = None
) -> Iterator[Source | Problem]:
    """Yield the documents in bytes already in memory (a download, say).

    A zip is opened as :func:`iter_sources` would; anything else is
    yielded as one :class:`Source` named ``name``.
    """
    budget = _Budget(limits or DEFAULT_LIMITS)
    if _is_zip(name, data):
        yield from _from_zip(name, io.BytesIO(data), depth=1, budget=budget)
    else:
        yield Source(name, data)


def is_junk(name: str) -> bool:
    """Say whether a path is operating-system litter, not a document."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if "__MACOSX" in parts:
        return True
    last = parts[-1] if parts else ""
    return last in _JUNK_NAMES or last.startswith("._")


def _from_folder(folder: Path, budget: _Budget) -> Iterator[Source | Problem]:
    try:
        children = sorted(p for p in folder.rglob("*") if p.is_file())
    except OSError as exc:
        yield Problem(
            "source.unreadable",
            f"The folder cannot be read: {exc.strerror or exc}.",
            str(folder),
        )
        return

    for child in children:
        if not is_junk(str(child.relative_to(folder))):
            yield from _from_file(child, budget)


def _from_file(path: Path, budget: _Budget) -> Iterator[Source | Problem]:
    name = str(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
            handle.seek(0)
            if _is_zip(name, head):
                yield from _from_zip(name, handle, depth=1, budget=budget)
                return
            data = handle.read(budget.limits.max_entry_bytes + 1)
    except OSError as exc:
        yield Problem(
            "source.unreadable",
            f"The file cannot be read: {exc.strerror or exc}.",
            name,
        )
        return

    if len(data) > budget.limits.max_entry_bytes:
        yield Problem(
            "source.too-large",
            f"The file is larger than the limit of "
            f"{budget.limits.max_entry_bytes:,} bytes.",
            name,
        )
        return
    yield Source(name, data)


def _is_zip(name: str, head: bytes) -> bool:
    """Say whether to open a file as an archive of documents.

    Office files (``.xlsx``, ``.ods``, …) are zips too, but one document
    each: they are passed on whole, for the readers to name.
    """
    lowered = name.lower()
    if lowered.endswith(_ZIP_DOCUMENTS):
        return False
    return head.startswith(_ZIP_MAGIC) or lowered.endswith(".zip")


def _from_zip(
    name: str, stream: IO[bytes], *, depth: int, budget: _Budget
) -> Iterator[Source | Problem]:
    """Yield the entries of one archive, descending into nested zips."""
    if depth > budget.limits.max_depth:
        yield _problem(
            "zip.too-deep",
            f"The archive {name} is nested {depth} zips deep; at most "
            f"{budget.limits.max_depth} levels are read.",
            name,
        )
        return

    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        yield _problem(
            "zip.corrupt",
            f"The file {name} is not a readable zip archive ({exc}).",
            name,
        )
        return

    with archive:
        entries = archive.infolist()
        budget.entries += len(entries)
        if budget.entries > budget.limits.max_entries:
            yield _problem(
                "zip.too-many-entries",
                f"The archive {name} holds {len(entries):,} entries, more than the "
                f"limit of {budget.limits.max_entries:,}; none was read.",
                name,
            )
            return
        for entry in entries:
            if budget.exhausted:
                return
            yield from _from_entry(name, archive, entry, depth, budget)


def _from_entry(
    archive_name: str,
    archive: zipfile.ZipFile,
    entry: zipfile.ZipInfo,
    depth: int,
    budget: _Budget,
) -> Iterator[Source | Problem]:
    name = f"{archive_name}{ZIP_SEPARATOR}{entry.filename}"
    if entry.is_dir() or is_junk(entry.filename):
        return

    refusal = _refuse_entry(archive_name, entry, name, budget)
    if refusal is not None:
        yield refusal
        return

    data = _read_entry(archive, entry, name, budget, archive_name)
    if isinstance(data, Problem):
        yield data
    elif _is_zip(entry.filename, data[:4]):
        yield from _from_zip(name, io.BytesIO(data), depth=depth + 1, budget=budget)
    else:
        yield Source(name, data)


def _refuse_entry(
    archive_name: str, entry: zipfile.ZipInfo, name: str, budget: _Budget
) -> Problem | None:
    """Return why an entry must not be read at all, judged by its header."""
    where = f"entry {entry.filename!r} of {archive_name}"
    unsafe = _unsafe_path(entry.filename)
    if unsafe:
        return _problem(
            "zip.unsafe-path",
            f"The {where} {unsafe}; it was not read.",
            name,
        )

    if stat.S_ISLNK(entry.external_attr >> 16):
        return _problem(
            "zip.symlink",
            f"The {where} is a symbolic link; links are not followed.",
            name,
        )
    if entry.flag_bits & _ENCRYPTED_FLAG:
        return _problem(
            "zip.encrypted",
            f"The {where} is encrypted; encrypted entries cannot be read.",
            name,
        )

    if name in budget.seen:
        return _problem(
            "zip.duplicate-entry",
            f"The {where} appears more than once; only the first was read.",
            name,
        )
    budget.seen.add(name)

    if entry.file_size > budget.limits.max_entry_bytes:
        return _too_large(where, name, entry.file_size, budget.limits, "declares")
    return None


def _unsafe_path(filename: str) -> str | None:
    """Say how an entry name escapes its folder, or None when it does not."""
    posix = filename.replace("\\", "/")
    if posix.startswith("/"):
        return "has an absolute path"
    if _DRIVE.match(posix):
        return "names a drive letter"
    if ".." in posix.split("/"):
        return "climbs out of its folder with '..'"
    if "\x00" in posix:
        return "has a NUL character in its name"
    return None


def _read_entry(
    archive: zipfile.ZipFile,
    entry: zipfile.ZipInfo,
    name: str,
    budget: _Budget,
    archive_name: str,
) -> bytes | Problem:
    """Decompress one entry in chunks, stopping at the first limit crossed.

    The sizes in the headers are not trusted: the count is of the bytes
    that actually come out of the decompressor.
    """
    where = f"entry {entry.filename!r} of {archive_name}"
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(entry) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                problem = _over_limit(where, name, size, entry, budget)
                if problem is not None:
                    return problem
                chunks.append(chunk)
    except NotImplementedError as exc:
        return _problem(
            "zip.unsupported-compression",
            f"The {where} uses a compression method that cannot be read ({exc}).",
            name,
        )
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
        return _problem(
            "zip.corrupt",
            f"The {where} is damaged and cannot be decompressed ({exc}).",
            name,
        )
    except RuntimeError as exc:  # zipfile's "password required"
        return _problem("zip.encrypted", f"The {where} is encrypted ({exc}).", name)

    budget.bytes_read += size
    return b"".join(chunks)


def _over_limit(
    where: str, name: str, size: int, entry: zipfile.ZipInfo, budget: _Budget
) -> Problem | None:
    limits = budget.limits
    if size > limits.max_entry_bytes:
        return _too_large(where, name, size, limits, "inflates to more than")

    ratio_size = max(entry.compress_size, 1) * limits.max_ratio
    if size > limits.ratio_floor and size > ratio_size:
        return _problem(
            "zip.ratio",
            f"The {where} inflates more than {limits.max_ratio} times its "
            f"compressed size of {entry.compress_size:,} bytes; it looks like "
            f"a zip bomb and was not read.",
            name,
        )

    if budget.bytes_read + size > limits.max_total_bytes:
        budget.exhausted = True
        return _problem(
            "zip.total-too-large",
            f"Reading the {where} would take the archive past the limit of "
            f"{limits.max_total_bytes:,} uncompressed bytes; it and the "
            f"entries after it were not read.",
            name,
        )
    return None


def _too_large(where: str, name: str, size: int, limits: Limits, verb: str) -> Problem:
    return _problem(
        "zip.entry-too-large",
        f"The {where} {verb} {size:,} bytes, over the limit of "
        f"{limits.max_entry_bytes:,} bytes per entry; it was not read.",
        name,
    )


def _problem(code: str, message: str, source: str) -> Problem:
    log.info("SOURCE_PROBLEM code=%s source=%s", code, source)
    return Problem(code=code, message=message, source=source)
