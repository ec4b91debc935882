"""The log as static files in the C2SP tlog-tiles layout.

On election night the portal must not compute proofs per visitor. In the
tlog-tiles layout (https://github.com/C2SP/C2SP/blob/main/tlog-tiles.md)
a log is a folder of immutable files that any web server or CDN can
serve, from which clients compute every proof themselves; only
``checkpoint`` changes. :func:`export_tiles` writes that folder from a
:class:`~openuitslag.log.storage.Log`, and :class:`TileLog` reads one,
from a folder or through any ``fetch(path) -> bytes`` (for example over
HTTP), so that ``openuitslag audit --log URL`` works on the static copy.

Layout: ``tile/<L>/<N>[.p/<W>]`` holds 32-byte hashes of tree level
``8 * L``, 256 to a full tile, index ``N`` written as 3-digit groups with
all but the last prefixed ``x`` (1234067 → ``x001/x234/067``);
``tile/entries/<N>[.p/<W>]`` holds the entries, each as a 2-byte
big-endian length and the canonical entry bytes.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

from openuitslag.log import merkle
from openuitslag.log.entry import identity_of
from openuitslag.log.note import Checkpoint, NoteError, SignedNote, Verifier
from openuitslag.log.storage import HASH, Log, LogError
from openuitslag.log.store import atomic_write, sync_filesystem

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT

Fetch = Callable[[str], bytes]


def encode_index(index: int) -> str:
    """Return a tile index as path groups: 1234067 → ``x001/x234/067``."""
    digits = str(index)
    digits = digits.zfill(-(-len(digits) // 3) * 3)
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return "/".join([*(f"x{g}" for g in groups[:-1]), groups[-1]])


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """Return the path of a hash tile (``level`` is the tile level)."""
    partial = f".p/{width}" if width < TILE_WIDTH else ""
    return f"tile/{level}/{encode_index(index)}{partial}"


def entries_path(index: int, width: int = TILE_WIDTH) -> str:
    """Return the path of an entry bundle."""
    partial = f".p/{width}" if width < TILE_WIDTH else ""
    return f"tile/entries/{encode_index(index)}{partial}"


def tile_spans(count: int) -> list[tuple[int, int]]:
    """Return (index, width) of the tiles over ``count`` hashes or entries."""
    return [
        (n, min(TILE_WIDTH, count - n * TILE_WIDTH))
        for n in range(-(-count // TILE_WIDTH))
    ]


def export_tiles(log: Log, out: Path) -> int:
    """Write the log up to its latest checkpoint as tiles; count the files.

    Tiles already present with the right content are left alone (full
    tiles never change), a tile torn by a power loss is rewritten, and
    the checkpoint is written last, after one sync, so a reader never
    sees a checkpoint whose tiles are missing.
    """
    note = log.latest_checkpoint()
    if note is None:
        raise LogError(f"The log in {log.folder} has no checkpoint to export.")
    size = log.open_checkpoint(note).checkpoint.size
    out.mkdir(parents=True, exist_ok=True)
    written = 0

    # Hash tiles: tile level L holds tree level 8L.
    level = 0
    while size >> (TILE_HEIGHT * level):
        count = size >> (TILE_HEIGHT * level)
        for index, width in tile_spans(count):
            start = index * TILE_WIDTH
            nodes = range(start, start + width)
            data = b"".join(log.read_node(TILE_HEIGHT * level, i) for i in nodes)
            written += _write_if_new(out / tile_path(level, index, width), data)
        level += 1

    # Entry bundles, then the public keys and the checkpoint.
    for index, width in tile_spans(size):
        start = index * TILE_WIDTH
        bundle = b"".join(
            struct.pack(">H", len(data)) + data
            for _, data in log.scan(start, start + width)
        )
        written += _write_if_new(out / entries_path(index, width), bundle)
    sync_filesystem(out)
    verifiers = "".join(v.encode() + "\n" for v in log.keys.verifiers())
    atomic_write(out / "verifiers", verifiers.encode())
    atomic_write(out / "checkpoint", note)
    return written + 2


def _write_if_new(path: Path, data: bytes) -> int:
    if path.is_file() and path.read_bytes() == data:
        return 0
    atomic_write(path, data, durable=False)
    return 1


class TileLog:
    """A read-only log served as tiles, from a folder or over HTTP.

    Its size is that of the checkpoint it serves; nothing here is trusted
    until the checkpoint's signature and the proofs are verified.
    """

    def __init__(self, fetch: Fetch, where: str) -> None:
        self.fetch = fetch
        self.where = where
        self._note = self._get("checkpoint")
        try:
            head = Checkpoint.parse_body(SignedNote.parse(self._note).text)
        except NoteError as exc:
            raise LogError(f"{where}/checkpoint: {exc}") from None
        self.origin = head.origin
        self.size = head.size
        self._cache: dict[str, bytes] = {}
        self._by_sha256: dict[str, list[int]] | None = None

    @classmethod
    def from_folder(cls, folder: Path) -> TileLog:
        """Return the tile log in a local folder."""
        return cls(lambda path: (folder / path).read_bytes(), str(folder))

    def _get(self, path: str) -> bytes:
        try:
            return self.fetch(path)
        except (OSError, ValueError) as exc:
            raise LogError(f"Could not read {self.where}/{path}: {exc}") from None

    def _cached(self, path: str) -> bytes:
        if path not in self._cache:
            self._cache[path] = self._get(path)
        return self._cache[path]

    def latest_checkpoint(self) -> bytes:
        """Return the checkpoint note the log serves."""
        return self._note

    def published_verifiers(self) -> list[Verifier]:
        """Return the verifier keys the log serves (pin your own instead)."""
        text = self._get("verifiers").decode("utf-8")
        return [Verifier.decode(line) for line in text.splitlines() if line.strip()]

    def tile(self, path: str) -> bytes:
        """Return a served tile (cached)."""
        return self._cached(path)

    def read_node(self, level: int, index: int) -> bytes:
        """Return a complete subtree hash, from its tile's bottom row."""
        tile_level, height = divmod(level, TILE_HEIGHT)
        first = index << height  # in the tile's bottom row
        number, offset = divmod(first, TILE_WIDTH)
        count = self.size >> (TILE_HEIGHT * tile_level)
        width = min(TILE_WIDTH, count - number * TILE_WIDTH)
        tile = self._cached(tile_path(tile_level, number, width))
        row = [
            tile[(offset + i) * HASH : (offset + i + 1) * HASH]
            for i in range(1 << height)
        ]
        if any(len(h) != HASH for h in row):
            raise LogError(
                f"{self.where}: tile {tile_path(tile_level, number, width)} is short."
            )
        while len(row) > 1:
            row = [merkle.node_hash(row[i], row[i + 1]) for i in range(0, len(row), 2)]
        return row[0]

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """Return the audit path of entry ``index`` in the tree of ``size``."""
        if size > self.size:
            raise LogError(f"{self.where} serves {self.size} entries, not {size}.")
        return merkle.inclusion_proof(self.read_node, index, size)

    def bundle(self, number: int) -> list[bytes]:
        """Return the entries of entry bundle ``number``."""
        width = min(TILE_WIDTH, self.size - number * TILE_WIDTH)
        raw = self._cached(entries_path(number, width))
        entries, position = [], 0
        while position < len(raw):
            (length,) = struct.unpack(">H", raw[position : position + 2])
            entries.append(raw[position + 2 : position + 2 + length])
            position += 2 + length
        return entries

    def entry_bytes(self, index: int) -> bytes:
        """Return the canonical bytes of entry ``index``."""
        number, offset = divmod(index, TILE_WIDTH)
        bundle = self.bundle(number)
        if offset >= len(bundle):
            raise LogError(f"{self.where}: entry bundle {number} lacks entry {index}.")
        return bundle[offset]

    def find_sha256(self, sha256: str) -> list[int]:
        """Return the indices of the entries of a file (reads every bundle)."""
        if self._by_sha256 is None:
            self._by_sha256 = {}
            for number, _ in tile_spans(self.size):
                for offset, data in enumerate(self.bundle(number)):
                    index = number * TILE_WIDTH + offset
                    self._by_sha256.setdefault(identity_of(data)[0], []).append(index)
        return list(self._by_sha256.get(sha256, []))
