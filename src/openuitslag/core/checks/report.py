"""The verifier's report: one model for the terminal, JSON, HTML and portal.

The command line renders it as text, JSON or a self-contained HTML page;
the portal shows the same model on its pages. Keeping it a plain data
structure in the pure core means every view says exactly the same thing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from openuitslag.core.errors import Severity
from openuitslag.core.findings import (
    SEVERITY_ORDER,
    Finding,
    JsonValue,
    has_errors,
    sort_findings,
)
from openuitslag.core.model import DocumentInfo, Result


@dataclass(frozen=True, slots=True)
class ElectedEntry:
    """One elected kandidaat, as the report names them."""

    list: int
    short_code: str | None
    name: str

    def as_dict(self) -> dict[str, JsonValue]:
        """Return the JSON shape."""
        return {
            "list": str(self.list),
            "short_code": self.short_code,
            "name": self.name,
        }


@dataclass(frozen=True, slots=True)
class SeatsAndElected:
    """Seats per list and the elected kandidaten, recomputed or official."""

    seats: Mapping[int, int]
    elected: tuple[ElectedEntry, ...]

    @classmethod
    def from_result(cls, result: Result) -> SeatsAndElected:
        """Return the official outcome of a 520."""
        elected = tuple(
            ElectedEntry(e.list_number, e.candidate.short_code, e.candidate.name)
            for e in result.elected
        )
        seats = {n: s for n, s in result.seats().items() if s}
        return cls(seats, elected)

    def as_dict(self) -> dict[str, JsonValue]:
        """Return the JSON shape: list ids as strings, lists with seats."""
        return {
            "seats": {str(n): s for n, s in sorted(self.seats.items()) if s},
            "elected": [e.as_dict() for e in self.elected],
        }


@dataclass(frozen=True, slots=True)
class Apportionment:
    """The recomputed outcome of one election, next to the official one."""

    computed: SeatsAndElected
    official: SeatsAndElected | None
    rule_version: str | None = None
    steps: tuple[dict[str, JsonValue], ...] = ()  # each cites its article
    ties: tuple[dict[str, JsonValue], ...] = ()

    @property
    def matches_official(self) -> bool | None:
        """Say whether seats and elected equal the 520; None without one."""
        if self.official is None:
            return None
        same_seats = _nonzero(self.computed.seats) == _nonzero(self.official.seats)
        return same_seats and _who(self.computed) == _who(self.official)

    def as_dict(self) -> dict[str, JsonValue]:
        """Return the JSON shape of the issue: seats, elected, official."""
        shape = self.computed.as_dict()
        shape["official"] = None if self.official is None else self.official.as_dict()
        shape["matches_official"] = self.matches_official
        shape["rule_version"] = self.rule_version
        shape["ties"] = list(self.ties)
        shape["steps"] = list(self.steps)
        return shape


def _nonzero(seats: Mapping[int, int]) -> dict[int, int]:
    return {n: s for n, s in seats.items() if s}


def _who(outcome: SeatsAndElected) -> set[tuple[int, str]]:
    """Return the elected as comparable keys: by short code, else by name."""
    return {(e.list, e.short_code or e.name) for e in outcome.elected}


@dataclass(frozen=True, slots=True)
class ElectionReport:
    """What the verifier says about one election."""

    id: str
    name: str | None
    documents: tuple[DocumentInfo, ...]
    apportionment: Apportionment | None = None
    official: SeatsAndElected | None = None
    list_names: Mapping[int, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, JsonValue]:
        """Return the JSON shape."""
        return {
            "id": self.id,
            "name": self.name,
            "documents": [_document(d) for d in self.documents],
            "apportionment": (
                None if self.apportionment is None else self.apportionment.as_dict()
            ),
        }


def _document(info: DocumentInfo) -> dict[str, JsonValue]:
    return {
        "source": info.source,
        "kind": info.kind.value,
        "sha256": info.sha256,
        "size": info.size,
    }


@dataclass
class Report:
    """The whole answer of ``openuitslag verify``."""

    elections: list[ElectionReport] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.findings = sort_findings(self.findings)

    @property
    def has_errors(self) -> bool:
        """Say whether any finding has error severity."""
        return has_errors(self.findings)

    @property
    def usable(self) -> bool:
        """Say whether there was anything to verify at all."""
        return bool(self.elections)

    def at_least(self, severity: Severity) -> Report:
        """Return the report with only findings of this severity or worse."""
        limit = SEVERITY_ORDER[severity]
        kept = [f for f in self.findings if SEVERITY_ORDER[f.severity] <= limit]
        return Report(elections=self.elections, findings=kept)

    def counts(self) -> dict[str, int]:
        """Return the number of findings per severity."""
        tally = Counter(str(f.severity) for f in self.findings)
        return {str(s): tally.get(str(s), 0) for s in Severity}

    def counts_by_code(self) -> dict[str, int]:
        """Return the number of findings per code, most frequent first."""
        return dict(Counter(f.code for f in self.findings).most_common())

    def as_dict(self) -> dict[str, JsonValue]:
        """Return the JSON shape of the verifier's report."""
        return {
            "elections": [e.as_dict() for e in self.elections],
            "findings": [f.as_dict() for f in self.findings],
            "summary": {k: v for k, v in self.counts().items()},
        }
