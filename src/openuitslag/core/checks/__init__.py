"""The verifier's checks: everything that can be wrong in published results.

Each module is one family of checks, returning every finding it sees:

- :mod:`.arithmetic`: the proces-verbaal of each row (F.201 … W.206, and
  the control protocol's plausibility notices);
- :mod:`.reconcile`: totals against their rows, and documents against
  their copies one level up (510b → 510c/OSV4-3 → 510d);
- :mod:`.references`: counts against the 110a, 110b and 230b;
- :mod:`.corrigendum`: what a corrigendum changed;
- :mod:`.outcome`: recomputed seats and elected against the 520.

:mod:`openuitslag.core.verify` decides which checks run on which
documents; :mod:`.report` and :mod:`.render` turn the findings into the
report people read. Every code is explained in ``docs/checks.md``.
"""

from openuitslag.core.checks.arithmetic import check_arithmetic
from openuitslag.core.checks.corrigendum import check_corrigendum
from openuitslag.core.checks.outcome import compare_outcome
from openuitslag.core.checks.reconcile import check_across_documents, check_unit_sums
from openuitslag.core.checks.references import (
    check_against_definition,
    check_against_lists,
    check_against_stations,
)
from openuitslag.core.checks.report import (
    Apportionment,
    ElectedEntry,
    ElectionReport,
    Report,
    SeatsAndElected,
)

__all__ = [
    "Apportionment",
    "ElectedEntry",
    "ElectionReport",
    "Report",
    "SeatsAndElected",
    "check_across_documents",
    "check_against_definition",
    "check_against_lists",
    "check_against_stations",
    "check_arithmetic",
    "check_corrigendum",
    "check_unit_sums",
    "compare_outcome",
]
