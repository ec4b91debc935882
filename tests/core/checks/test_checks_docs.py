"""Every finding code the checks can produce is explained in docs/checks.md."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SOURCES = [
    *sorted((ROOT / "src/openuitslag/core/checks").glob("*.py")),
    ROOT / "src/openuitslag/core/verify.py",
]
CODE = re.compile(
    r'"((?:F|W)\.\d{3}|(?:count|reconcile|coverage|lists|corrigendum|seats|elected)'
    r'\.[a-z-]+)"'
)


def test_every_code_in_the_source_is_documented() -> None:
    docs = (ROOT / "docs/checks.md").read_text(encoding="utf-8")
    codes = {c for path in SOURCES for c in CODE.findall(path.read_text("utf-8"))}

    assert len(codes) > 30
    assert sorted(c for c in codes if f"`{c}`" not in docs) == []
