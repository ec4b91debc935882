"""Read the bundled TK2021 files with the project's reader, for seat tests.

The seat tests run on the real data through the real reader: the 110a,
the twenty 230b, the central count (510d) and the official result (520)
from the Kiesraad's zip as bundled under ``data/``.
"""

from __future__ import annotations

from pathlib import Path

from openuitslag.core.model import (
    CandidateLists,
    Count,
    DocumentKind,
    ElectionDefinition,
    Result,
)
from openuitslag.core.read import read_paths

ZIP = (
    Path(__file__).resolve().parents[3] / "data/TK2021/EML_bestanden_TK2021_deel_1.zip"
)


def load() -> tuple[ElectionDefinition, list[CandidateLists], Count, Result]:
    """Return the 110a, the twenty 230b, the 510d and the 520 of TK2021."""
    report = read_paths([ZIP])
    definitions = [d for d in report if isinstance(d, ElectionDefinition)]
    lists = [d for d in report if isinstance(d, CandidateLists)]
    central = [
        d for d in report if isinstance(d, Count) and d.level is DocumentKind.EML_510D
    ]
    results = [d for d in report if isinstance(d, Result)]
    assert len(definitions) == 1, report.problems
    assert len(lists) == 20, report.problems
    assert len(central) == 1, report.problems
    assert len(results) == 1, report.problems
    return definitions[0], lists, central[0], results[0]
