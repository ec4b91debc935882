"""The tile export serves the same tree, offline and over loopback HTTP."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from log_testdata import meta_for

from openuitslag.cli import main
from openuitslag.log import Archive, Entry, EntryMeta, Log
from openuitslag.log.tiles import TileLog, encode_index, export_tiles, tile_path

FOUND = datetime(2023, 3, 15, 21, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("index", "path"),
    [
        (0, "000"),
        (7, "007"),
        (999, "999"),
        (1000, "x001/000"),
        (1234067, "x001/x234/067"),
    ],
)
def test_tile_indices_are_written_in_groups_of_three(index: int, path: str) -> None:
    assert encode_index(index) == path


def test_tile_paths() -> None:
    assert tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert tile_path(1, 3, 8) == "tile/1/003.p/8"


@pytest.fixture(scope="module")
def big_log(tmp_path_factory: pytest.TempPathFactory) -> Log:
    """Return a log of 773 entries: three full level-0 tiles and a bit."""
    log = Log(tmp_path_factory.mktemp("tiles") / "log")
    log.append(
        [
            Entry.of(
                f"{i:064x}",
                i,
                EntryMeta("PS2023", f"GM{i}", "PV", f"https://x/{i}", FOUND),
            )
            for i in range(773)
        ]
    )
    log.checkpoint()
    return log


def test_tiles_hold_the_same_tree(big_log: Log, tmp_path: Path) -> None:
    written = export_tiles(big_log, tmp_path)
    tiles = TileLog.from_folder(tmp_path)

    assert written == 4 + 1 + 4 + 2  # level 0, level 1, bundles, keys+checkpoint
    assert (tmp_path / "tile/0/003.p/5").stat().st_size == 5 * 32
    assert (tmp_path / "tile/1/000.p/3").stat().st_size == 3 * 32
    assert tiles.size == 773
    for level in range(10):
        for index in range(773 >> level):
            assert tiles.read_node(level, index) == big_log.read_node(level, index)
    for index in (0, 255, 256, 500, 772):
        assert tiles.entry_bytes(index) == big_log.entry_bytes(index)
        assert tiles.inclusion_proof(index, 773) == big_log.inclusion_proof(index, 773)
    assert tiles.find_sha256(f"{700:064x}") == [700]
    assert export_tiles(big_log, tmp_path) == 2  # full tiles are immutable


@pytest.fixture
def served(
    tmp_path: Path, files: list[tuple[str, bytes]]
) -> Iterator[tuple[str, Path]]:
    """Serve a tile export of the real files on loopback; yield URL, files."""
    archive = Archive.open(tmp_path / "data")
    folder = tmp_path / "download"
    folder.mkdir()
    for name, data in files:
        archive.add(data, meta_for(name))
        (folder / name).write_bytes(data)
    archive.checkpoint()
    export_tiles(archive.log, tmp_path / "static")

    handler = functools.partial(
        SimpleHTTPRequestHandler, directory=str(tmp_path / "static")
    )
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", folder
    finally:
        server.shutdown()
        server.server_close()


def test_audit_against_tiles_over_http(
    served: tuple[str, Path], tmp_path: Path
) -> None:
    url, folder = served
    result = CliRunner().invoke(main, ["audit", str(folder), "--log", url])
    assert result.exit_code == 0, result.output
    assert result.output.count("OK   ") == 5

    # A swapped hash in a served tile makes the proofs fail.
    tile = tmp_path / "static" / "tile" / "0" / "000.p" / "5"
    data = tile.read_bytes()
    tile.write_bytes(data[32:64] + data[:32] + data[64:])
    result = CliRunner().invoke(main, ["audit", str(folder), "--log", url])
    assert result.exit_code == 1
    assert "does not lead to" in result.output or "leads to root" in result.output


def test_audit_against_a_tile_folder(served: tuple[str, Path], tmp_path: Path) -> None:
    _, folder = served
    static = str(tmp_path / "static")
    result = CliRunner().invoke(main, ["audit", str(folder), "--log", static])
    assert result.exit_code == 0, result.output


def test_verify_a_served_log_and_find_a_changed_bundle(
    served: tuple[str, Path], tmp_path: Path
) -> None:
    url, _ = served
    result = CliRunner().invoke(main, ["log", "verify", "--log", url])
    assert result.exit_code == 0, result.output
    assert "5 entries" in result.output and "0 problems" in result.output

    bundle = tmp_path / "static" / "tile" / "entries" / "000.p" / "5"
    bundle.write_bytes(bundle.read_bytes().replace(b"TK2023", b"TK2024", 1))
    result = CliRunner().invoke(main, ["log", "verify", "--log", url])
    assert result.exit_code == 1
    assert f"FAIL {url}/tile/0/000.p/5: The served hashes differ" in result.output
    assert "was changed, removed or reordered" in result.output
