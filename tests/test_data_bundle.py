"""The bundled zips hold the real files, byte for byte.

The shared data folder lists the SHA-256 of every original file; every
election-data file from it must be inside one of our zips unchanged, so
that tests and the demo run on the real published bytes.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

BUNDLED_PREFIXES = ("TK2021/", "TK2023/", "GR2022/", "PS2023/", "AB2023/", "reference/")
LEFT_OUT = {"TK2023/stemlokalen/TweedeKamer-verkiezingen_2023.xlsx"}


def _listed(data_dir: Path) -> dict[str, str]:
    listed = {}
    for line in (data_dir / "SHA256SUMS.shared").read_text().splitlines():
        digest, _, name = line.partition("  ")
        name = name.strip()
        if name.startswith(BUNDLED_PREFIXES) and name not in LEFT_OUT:
            listed[name] = digest
    return listed


def _bundled_hashes(data_dir: Path) -> set[str]:
    hashes = set()
    for archive in data_dir.rglob("*.zip"):
        with zipfile.ZipFile(archive) as opened:
            for entry in opened.infolist():
                if not entry.is_dir():
                    hashes.add(hashlib.sha256(opened.read(entry)).hexdigest())
    return hashes


def test_every_shared_data_file_is_bundled_unchanged(data_dir: Path) -> None:
    listed = _listed(data_dir)
    bundled = _bundled_hashes(data_dir)

    missing = sorted(name for name, digest in listed.items() if digest not in bundled)

    assert len(listed) > 400
    assert missing == []
