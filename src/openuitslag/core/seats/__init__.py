"""Seat allocation and elected candidates, recomputed under the Kieswet.

The public surface for the verifier and the portal:

- :func:`apportion` distributes seats over lists (P 5–P 10);
- :func:`nominate` picks the elected candidates of one list (P 15–P 19a);
- :func:`compute_outcome` does both for a whole election from the
  official records (110a, 230b, 510), including the Tweede Kamer's
  lijstengroepen and stellen gelijkluidende lijsten (P 12–P 18).

Every result carries its explained steps, the ties that need lots and the
rule version applied.
"""

from openuitslag.core.seats.apportion import Apportionment, apportion
from openuitslag.core.seats.explain import Lots, Step, Tie
from openuitslag.core.seats.nominate import (
    CandidateVotes,
    Nomination,
    nominate,
    preference_threshold,
)
from openuitslag.core.seats.outcome import Outcome, compute_outcome
from openuitslag.core.seats.rules import (
    DECENTRAAL,
    DECENTRAAL_KIESDELER,
    RULE_VERSIONS,
    TK,
    RuleVersion,
    rules_for,
)

__all__ = [
    "DECENTRAAL",
    "DECENTRAAL_KIESDELER",
    "RULE_VERSIONS",
    "TK",
    "Apportionment",
    "CandidateVotes",
    "Lots",
    "Nomination",
    "Outcome",
    "RuleVersion",
    "Step",
    "Tie",
    "apportion",
    "compute_outcome",
    "nominate",
    "preference_threshold",
    "rules_for",
]
