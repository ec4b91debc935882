"""The recomputed seats and elected kandidaten against the official 520.

The central committee's result (EML 520) is what became law. If the
seats or the elected that anyone can recompute from the published counts
differ from it, either the counts, the rules applied, or the result file
is wrong, and every difference must be visible.
"""

from __future__ import annotations

from openuitslag.core.checks.report import ElectedEntry, SeatsAndElected
from openuitslag.core.errors import Severity
from openuitslag.core.findings import Finding


def compare_outcome(
    computed: SeatsAndElected,
    official: SeatsAndElected,
    *,
    election: str,
    file: str | None,
) -> list[Finding]:
    """Return a finding for every list and kandidaat that differs."""
    findings = _seats(computed, official, election, file)
    findings.extend(_elected(computed, official, election, file))
    return findings


def _seats(
    computed: SeatsAndElected,
    official: SeatsAndElected,
    election: str,
    file: str | None,
) -> list[Finding]:
    findings: list[Finding] = []
    for number in sorted(set(computed.seats) | set(official.seats)):
        ours = computed.seats.get(number, 0)
        theirs = official.seats.get(number, 0)
        if ours == theirs:
            continue
        findings.append(
            Finding(
                code="seats.differs-from-official",
                severity=Severity.ERROR,
                message_nl=(
                    f"Uit de tellingen volgen voor lijst {number} {ours} zetels, "
                    f"maar de officiële uitslag (520) geeft {theirs}."
                ),
                message_en=(
                    f"The counts give list {number} {ours} seats, but the "
                    f"official result (520) gives {theirs}."
                ),
                election=election,
                file=file,
                list=number,
                expected=ours,
                found=theirs,
            )
        )
    return findings


def _elected(
    computed: SeatsAndElected,
    official: SeatsAndElected,
    election: str,
    file: str | None,
) -> list[Finding]:
    ours = {(e.list, e.short_code or e.name): e for e in computed.elected}
    theirs = {(e.list, e.short_code or e.name): e for e in official.elected}
    findings = [
        _person("elected.missing-from-official", ours[k], election, file, True)
        for k in sorted(set(ours) - set(theirs))
    ]
    findings.extend(
        _person("elected.not-recomputed", theirs[k], election, file, False)
        for k in sorted(set(theirs) - set(ours))
    )
    return findings


def _person(
    code: str, entry: ElectedEntry, election: str, file: str | None, ours: bool
) -> Finding:
    who = f"{entry.name} ({entry.short_code})" if entry.short_code else entry.name
    if ours:
        nl_text = (
            f"Uit de tellingen volgt dat {who} van lijst {entry.list} gekozen "
            f"is, maar de officiële uitslag (520) noemt deze kandidaat niet."
        )
        en_text = (
            f"The counts elect {who} of list {entry.list}, but the official "
            f"result (520) does not name this candidate."
        )
    else:
        nl_text = (
            f"De officiële uitslag (520) noemt {who} van lijst {entry.list} als "
            f"gekozen, maar uit de tellingen volgt dat niet."
        )
        en_text = (
            f"The official result (520) names {who} of list {entry.list} as "
            f"elected, but the counts do not elect this candidate."
        )
    return Finding(
        code=code,
        severity=Severity.ERROR,
        message_nl=nl_text,
        message_en=en_text,
        election=election,
        file=file,
        list=entry.list,
        candidate=entry.short_code or entry.name,
        expected=who if ours else None,
        found=None if ours else who,
    )
