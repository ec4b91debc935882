"""What can go wrong when reading official files, said so a user can act.

Bad input is the normal case for a portal that reads what 342
municipalities publish, so it is never an exception that escapes: every
problem becomes a :class:`Problem` that names the file, the place in it
(line, element path or CSV row) and what was expected. A reader collects
all problems in a file before it gives up on it.

Hierarchy::

    OpenuitslagError            base of every error we raise on purpose
     +-- InputError             the user's input cannot be used
          +-- ReadError         one document could not be read; has problems
          +-- SourceError       a path, folder or zip could not be opened

Anything else that escapes is a bug in openuitslag, not in the input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """How bad a problem or finding is."""

    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input file, located as precisely as we can.

    ``code`` is stable and machine-readable (for example
    ``xml.not-well-formed`` or ``count.negative``); ``message`` is a full
    English sentence. ``where`` is an element path such as
    ``/EML/Count/Election/Contests/Contest[1]/TotalVotes/Selection[3]`` or
    a CSV row description.
    """

    code: str
    message: str
    source: str
    line: int | None = None
    where: str | None = None
    expected: str | None = None
    found: str | None = None
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        place = self.source
        if self.line is not None:
            place += f":{self.line}"
        if self.where:
            place += f" ({self.where})"
        text = f"{place}: {self.message}"
        if self.expected is not None:
            text += f" Expected {self.expected}"
            text += f", found {self.found}." if self.found is not None else "."
        return text

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict of this problem."""
        return {
            "code": self.code,
            "severity": str(self.severity),
            "source": self.source,
            "line": self.line,
            "where": self.where,
            "expected": self.expected,
            "found": self.found,
            "message": self.message,
        }


class OpenuitslagError(Exception):
    """Base class for the errors openuitslag raises on purpose."""


class InputError(OpenuitslagError):
    """The user's input cannot be used as it is."""


@dataclass
class ReadError(InputError):
    """A document could not be read; ``problems`` says everything wrong."""

    source: str
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.source)

    def __str__(self) -> str:
        if not self.problems:
            return f"{self.source}: could not be read."
        lines = [str(p) for p in self.problems[:20]]
        if len(self.problems) > 20:
            lines.append(f"... and {len(self.problems) - 20} more problems.")
        return "\n".join(lines)


class SourceError(InputError):
    """A path, folder or archive could not be opened or is unsafe."""

    def __init__(self, source: str, message: str, code: str = "source") -> None:
        super().__init__(f"{source}: {message}")
        self.problem = Problem(code=code, message=message, source=source)
