"""Turn what a user names (files, folders, zips) into documents to read.

The Kiesraad and the municipalities publish their files in zips, often
zips inside zips, so every tool of openuitslag accepts a file, a folder or
an archive and sees the same stream of named byte strings.

TODO: size and ratio limits against zip bombs, entries that escape their
folder, and nested zips are hardened in issue A's source work; this first
version reads plain files, folders and one level of zip.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from openuitslag.core.errors import Problem

ZIP_SEPARATOR = "!"


@dataclass(frozen=True, slots=True)
class Source:
    """A document's bytes with the name users see, e.g. ``a.zip!b.xml``."""

    name: str
    data: bytes


def iter_sources(paths: Iterable[str | Path]) -> Iterator[Source | Problem]:
    """Yield every document below the given paths, or a Problem per failure.

    Folders are walked in sorted order; zips are opened and their entries
    yielded as ``archive.zip!entry``.
    """
    for path in map(Path, paths):
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                yield from _from_file(child)
        elif path.is_file():
            yield from _from_file(path)
        else:
            yield Problem(
                code="source.not-found",
                message="No such file or folder.",
                source=str(path),
            )


def _from_file(path: Path) -> Iterator[Source | Problem]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Problem("source.unreadable", f"Cannot read: {exc}.", str(path))
        return
    if zipfile.is_zipfile(io.BytesIO(data)):
        yield from _from_zip(str(path), data)
    else:
        yield Source(str(path), data)


def _from_zip(name: str, data: bytes) -> Iterator[Source | Problem]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for entry in archive.infolist():
            if entry.is_dir():
                continue
            yield Source(f"{name}{ZIP_SEPARATOR}{entry.filename}", archive.read(entry))
