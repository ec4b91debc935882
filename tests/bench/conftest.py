"""Make the ``bench`` folder importable: it is part of the repository, not
of the installed package, so the smoke tests find it from the root."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
