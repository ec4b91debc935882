"""Findings: what the verifier has to say about the published files.

A finding is one discrepancy, anomaly or note, located as precisely as the
files allow and explained in plain Dutch and English, so that a journalist
can understand it and a committee can act on it. Checks never stop at the
first finding: they return all of them.

Codes are stable. Where the Kiesraad has a code for the same check
(F.201, W.203, …) we use it; our own codes are dotted words such as
``reconcile.unit-sum`` or ``seats.differs-from-official``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from openuitslag.core.errors import Severity

JsonValue = int | str | float | bool | None | list["JsonValue"] | dict[str, "JsonValue"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the verifier found, with the numbers on both sides."""

    code: str
    severity: Severity
    message_nl: str
    message_en: str
    election: str | None = None
    file: str | None = None
    authority: str | None = None
    reporting_unit: str | None = None
    list: int | None = None
    candidate: str | None = None
    expected: JsonValue = None
    found: JsonValue = None

    def as_dict(self) -> dict[str, JsonValue]:
        """Return the JSON shape of the verifier's report."""
        return {
            "code": self.code,
            "severity": str(self.severity),
            "election": self.election,
            "file": self.file,
            "authority": self.authority,
            "reporting_unit": self.reporting_unit,
            "list": self.list,
            "candidate": self.candidate,
            "expected": self.expected,
            "found": self.found,
            "message_nl": self.message_nl,
            "message_en": self.message_en,
        }


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.NOTICE: 2}


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Return findings ordered by severity, then election, file and unit."""
    return sorted(
        findings,
        key=lambda f: (
            SEVERITY_ORDER[f.severity],
            f.election or "",
            f.file or "",
            f.reporting_unit or "",
            f.code,
        ),
    )


def has_errors(findings: Iterable[Finding]) -> bool:
    """Say whether any finding has error severity."""
    return any(f.severity is Severity.ERROR for f in findings)
