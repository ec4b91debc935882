"""The arithmetic of each proces-verbaal, as far as the files carry it.

A count file repeats, per stembureau or per municipality, the numbers of
the proces-verbaal: admitted voters (D), votes per list (E.x), blank (F)
and invalid (G) votes, and the counters that explain a difference between
ballots and admitted voters. The identities between them are the ones the
Kiesraad's own counting software enforces (codes F.201 … W.206), so a file
that breaks one was changed after entry, or entered without those checks.
The plausibility signals of the Kiesraad's control protocol (unexplained
differences, a list or candidate at 0 where many were expected, a share
far off the rest) follow as notices: they ask for a look, not a verdict.

Each check runs once over all rows of a contest with numpy, so a national
count of ~10,000 rows by ~1,300 selections takes a fraction of a second;
only the rows that fail become Python objects.

Not checkable from the files, and so not here: F.203 (the files do not
carry H, we derive it as E + F + G), F.301–F.304 and F.310 (tick boxes on
paper) and F.403 (the files carry one list total, not two).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from openuitslag.core.checks.common import (
    CAST,
    EXPLANATIONS,
    GEEN_VERKLARING,
    A,
    B,
    BoolArray,
    C,
    D,
    E,
    F,
    G,
    I,
    J,
    Stack,
    Where,
    en,
    hits,
    label_en,
    label_nl,
    nl,
    pct,
)
from openuitslag.core.errors import Severity
from openuitslag.core.findings import Finding
from openuitslag.core.model import MISSING, Count, Int64Array

ERROR, WARNING, NOTICE = Severity.ERROR, Severity.WARNING, Severity.NOTICE

# A value that should be there but is 0 is worth a notice only when at
# least this many were to be expected from the rest of the contest.
EXPECTED_AT_LEAST = 10

# Support for a list clusters (a party of one town or one community gets
# 0 elsewhere for good reasons), so 0 votes for a list is worth a notice
# only when its share in the rest of the file predicts far more.
LIST_EXPECTED_AT_LEAST = 50

RowCheck = Callable[[Stack, Where], Iterator[Finding]]


def check_arithmetic(count: Count) -> list[Finding]:
    """Return every arithmetic finding over every row of a count."""
    where = Where.of(count)
    findings: list[Finding] = []
    for contest in count.contests:
        stack = Stack.of(contest)
        for check in ROW_CHECKS:
            findings.extend(check(stack, where))
    return findings


def _votes_cast(stack: Stack) -> tuple[Int64Array, BoolArray]:
    """Return H = E + F + G per row, and where it is known."""
    known = stack.has(E, F, G)
    h: Int64Array = stack.col(E) + stack.col(F) + stack.col(G)
    return h, known


def _list_totals(stack: Stack) -> Int64Array:
    """Return Σ E.x per row: the sum of the list columns."""
    mask = stack.contest.list_columns
    votes = np.where(stack.votes == MISSING, 0, stack.votes)
    total: Int64Array = votes[:, mask].sum(axis=1)
    return total


def admitted_voters(stack: Stack, where: Where) -> Iterator[Finding]:
    """F.201: A + B + C = D (C absent for municipal elections)."""
    a, b, c, d = (stack.col(x) for x in (A, B, C, D))
    bad = stack.has(A, B, D) & (a + b + c != d)
    for i in hits(bad):
        row = stack.rows[i]
        total = int(a[i] + b[i] + c[i])
        yield where.finding(
            "F.201",
            ERROR,
            f"Bij {label_nl(row, where)} is het aantal toegelaten kiezers (D) "
            f"{nl(int(d[i]))}, maar stempassen, volmachtbewijzen en kiezerspassen "
            f"(A + B + C) tellen op tot {nl(total)}.",
            f"At {label_en(row, where)} the number of admitted voters (D) is "
            f"{en(int(d[i]))}, but poll cards, proxy certificates and voter cards "
            f"(A + B + C) add up to {en(total)}.",
            unit=row.id,
            expected=total,
            found=int(d[i]),
        )


def list_sum(stack: Stack, where: Where) -> Iterator[Finding]:
    """F.204 and F.202: the list totals add up to E, and E is not 0."""
    sums, e = _list_totals(stack), stack.col(E)
    known = stack.has(E)
    zero_e = known & (sums != 0) & (e == 0)
    wrong = known & ~zero_e & (sums != e)
    for i in hits(zero_e | wrong):
        row = stack.rows[i]
        code = "F.204" if zero_e[i] else "F.202"
        yield where.finding(
            code,
            ERROR,
            f"Bij {label_nl(row, where)} tellen de stemmen per lijst op tot "
            f"{nl(int(sums[i]))}, maar het totaal aantal stemmen op kandidaten "
            f"(E) is {nl(int(e[i]))}.",
            f"At {label_en(row, where)} the votes per list add up to "
            f"{en(int(sums[i]))}, but the total of votes on candidates (E) is "
            f"{en(int(e[i]))}.",
            unit=row.id,
            expected=int(sums[i]),
            found=int(e[i]),
        )


def candidate_sums(stack: Stack, where: Where) -> Iterator[Finding]:
    """F.401 and F.402: a list's total is the sum of its candidates."""
    contest = stack.contest
    starts = np.flatnonzero(contest.list_columns)
    if starts.size == 0 or starts[0] != 0:
        return
    votes = np.where(stack.votes == MISSING, 0, stack.votes)
    list_votes = votes[:, starts]
    candidates = np.add.reduceat(votes, starts, axis=1) - list_votes
    has_candidates = np.diff(np.append(starts, votes.shape[1])) > 1
    empty = (candidates > 0) & (list_votes == 0)
    wrong = ~empty & (candidates != list_votes) & has_candidates
    for i, k in zip(*np.nonzero(empty | wrong), strict=True):
        yield _candidate_finding(
            stack, where, int(i), int(contest.list_numbers[starts[k]]),
            int(list_votes[i, k]), int(candidates[i, k]), bool(empty[i, k]),
        )  # fmt: skip


def _candidate_finding(
    stack: Stack,
    where: Where,
    i: int,
    list_number: int,
    total: int,
    candidates: int,
    empty: bool,
) -> Finding:
    row = stack.rows[i]
    name = stack.contest.list_names.get(list_number, "")
    lijst = f"lijst {list_number}" + (f" ({name})" if name else "")
    list_en = f"list {list_number}" + (f" ({name})" if name else "")
    return where.finding(
        "F.401" if empty else "F.402",
        ERROR,
        f"Bij {label_nl(row, where)} heeft {lijst} als lijsttotaal {nl(total)}, "
        f"maar de stemmen op de kandidaten van die lijst tellen op tot "
        f"{nl(candidates)}.",
        f"At {label_en(row, where)} {list_en} has a list total of {en(total)}, "
        f"but the votes on its candidates add up to {en(candidates)}.",
        unit=row.id,
        list_number=list_number,
        expected=candidates,
        found=total,
    )


def station_differences(stack: Stack, where: Where) -> Iterator[Finding]:
    """F.305–F.309: at a stembureau, I and J say how D and H differ."""
    h, known_h = _votes_cast(stack)
    d, i_, j_ = stack.col(D), stack.col(I), stack.col(J)
    rows = stack.station_mask() & known_h & stack.has(D, I, J)
    rules = (
        ("F.305", (d == h) & ((i_ != 0) | (j_ != 0)), i_ + j_, 0),
        ("F.306", (h > d) & (i_ != h - d), i_, h - d),
        ("F.307", (h > d) & (j_ != 0), j_, 0),
        ("F.308", (h < d) & (j_ != d - h), j_, d - h),
        ("F.309", (h < d) & (i_ != 0), i_, 0),
    )
    for code, bad, found, expected in rules:
        for r in hits(rows & bad):
            yield _difference_finding(
                stack, where, code, r, int(d[r]), int(h[r]),
                int(i_[r]), int(j_[r]), _at(expected, r), int(found[r]),
            )  # fmt: skip


def _at(value: Int64Array | int, row: int) -> int:
    return int(value) if isinstance(value, int) else int(value[row])


def _difference_finding(
    stack: Stack,
    where: Where,
    code: str,
    r: int,
    d: int,
    h: int,
    i: int,
    j: int,
    expected: int,
    found: int,
) -> Finding:
    row = stack.rows[r]
    return where.finding(
        code,
        ERROR,
        f"Bij {label_nl(row, where)} zijn {nl(d)} kiezers toegelaten (D) en "
        f"{nl(h)} stembiljetten geteld (H = E + F + G), maar het proces-verbaal "
        f"noemt {nl(i)} meer getelde (I) en {nl(j)} minder getelde (J) "
        f"stembiljetten; dat past niet bij het verschil van {nl(h - d)}.",
        f"At {label_en(row, where)} {en(d)} voters were admitted (D) and "
        f"{en(h)} ballots counted (H = E + F + G), but the record gives "
        f"{en(i)} more counted (I) and {en(j)} fewer counted (J) ballots, "
        f"which does not match the difference of {en(h - d)}.",
        unit=row.id,
        expected=expected,
        found=found,
    )


def total_differences(stack: Stack, where: Where) -> Iterator[Finding]:
    """F.312: for a total of several stembureaus, D = H − I + J."""
    h, known_h = _votes_cast(stack)
    d, i_, j_ = stack.col(D), stack.col(I), stack.col(J)
    rows = ~stack.station_mask() & known_h & stack.has(D, I, J)
    for r in hits(rows & (d != h - i_ + j_)):
        row = stack.rows[r]
        derived = int(h[r] - i_[r] + j_[r])
        yield where.finding(
            "F.312",
            ERROR,
            f"Bij {label_nl(row, where)} zijn {nl(int(d[r]))} kiezers toegelaten "
            f"(D), maar uit de getelde stembiljetten ({nl(int(h[r]))}) min de "
            f"meer getelde ({nl(int(i_[r]))}) plus de minder getelde "
            f"({nl(int(j_[r]))}) volgt {nl(derived)}.",
            f"At {label_en(row, where)} {en(int(d[r]))} voters were admitted (D), "
            f"but the ballots counted ({en(int(h[r]))}) minus the more counted "
            f"({en(int(i_[r]))}) plus the fewer counted ({en(int(j_[r]))}) "
            f"give {en(derived)}.",
            unit=row.id,
            expected=derived,
            found=int(d[r]),
        )


def share_thresholds(stack: Stack, where: Where) -> Iterator[Finding]:
    """W.201 and W.202: blank or invalid votes are 3 % of H or more."""
    h, known = _votes_cast(stack)
    for code, column, word_nl, word_en in (
        ("W.201", F, "blanco", "blank"),
        ("W.202", G, "ongeldige", "invalid"),
    ):
        part = stack.col(column)
        for r in hits(known & (h > 0) & (100 * part >= 3 * h)):
            row, p, w = stack.rows[r], int(part[r]), int(h[r])
            yield where.finding(
                code,
                WARNING,
                f"Bij {label_nl(row, where)} zijn {nl(p)} van de {nl(w)} stemmen "
                f"{word_nl} ({pct(p, w)} %). Gewoonlijk is dat minder dan 1 %; "
                f"vanaf 3 % vraagt het controleprotocol om na te gaan of de "
                f"stemmen goed zijn ingedeeld.",
                f"At {label_en(row, where)} {en(p)} of the {en(w)} votes are "
                f"{word_en} ({pct(p, w)} %). Usually that is under 1 %; from 3 % "
                f"on, the control protocol asks to check the classification.",
                unit=row.id,
                expected=f"< 3 % ({(3 * w + 99) // 100})",
                found=p,
            )


def admitted_difference(stack: Stack, where: Where) -> Iterator[Finding]:
    """W.203: at a stembureau, |D − H| ≥ 2 % of H or ≥ 15."""
    h, known = _votes_cast(stack)
    d = stack.col(D)
    gap = np.abs(d - h)
    big = (50 * gap >= h) & (gap > 0) | (gap >= 15)
    for r in hits(stack.station_mask() & known & stack.has(D) & big):
        row = stack.rows[r]
        yield where.finding(
            "W.203",
            WARNING,
            f"Bij {label_nl(row, where)} verschillen het aantal toegelaten "
            f"kiezers ({nl(int(d[r]))}) en het aantal getelde stembiljetten "
            f"({nl(int(h[r]))}) {nl(int(gap[r]))}; vanaf 2 % of 15 stembiljetten "
            f"vraagt het controleprotocol om uitleg of hertelling.",
            f"At {label_en(row, where)} the admitted voters ({en(int(d[r]))}) and "
            f"the ballots counted ({en(int(h[r]))}) differ by {en(int(gap[r]))}; "
            f"from 2 % or 15 ballots on, the control protocol asks for an "
            f"explanation or a recount.",
            unit=row.id,
            expected=int(d[r]),
            found=int(h[r]),
        )


def no_votes(stack: Stack, where: Where) -> Iterator[Finding]:
    """W.204: no votes at all (H = 0)."""
    h, known = _votes_cast(stack)
    for r in hits(known & (h == 0)):
        row = stack.rows[r]
        yield where.finding(
            "W.204",
            WARNING,
            f"Bij {label_nl(row, where)} zijn geen stemmen geteld (H = 0). Dat "
            f"kan kloppen (bijvoorbeeld een stembureau dat niet open was), maar "
            f"vaker is een uitslag niet ingevoerd.",
            f"At {label_en(row, where)} no votes were counted (H = 0). That can "
            f"be right (a polling station that did not open, for example), but "
            f"more often a result was not entered.",
            unit=row.id,
            found=0,
        )


def electorate(stack: Stack, where: Where) -> Iterator[Finding]:
    """W.205 and W.206 on totals; a notice for stembureaus without one."""
    cast, a = stack.col(CAST), stack.col(A)
    stations = stack.station_mask()
    zero = stack.has(CAST) & (cast == 0)
    for r in hits(zero & ~stations):
        yield _zero_electorate(stack, where, r)
    below = ~stations & stack.has(CAST, A) & (cast > 0) & (cast < a)
    for r in hits(below):
        row = stack.rows[r]
        yield where.finding(
            "W.206",
            WARNING,
            f"Bij {label_nl(row, where)} is het aantal kiesgerechtigden "
            f"{nl(int(cast[r]))}, minder dan het aantal geldige stempassen "
            f"(A, {nl(int(a[r]))}).",
            f"At {label_en(row, where)} the electorate is {en(int(cast[r]))}, "
            f"less than the valid poll cards (A, {en(int(a[r]))}).",
            unit=row.id,
            expected=f">= {int(a[r])}",
            found=int(cast[r]),
        )
    if (zero & stations).any():
        yield _stations_without_electorate(stack, where, int((zero & stations).sum()))


def _zero_electorate(stack: Stack, where: Where, r: int) -> Finding:
    row = stack.rows[r]
    return where.finding(
        "W.205",
        WARNING,
        f"Bij {label_nl(row, where)} staat het aantal kiesgerechtigden op 0. "
        f"Daardoor is ook elk totaal waarin deze rij meetelt te laag, en lijkt "
        f"de opkomst hoger dan hij was. De uitslag zelf verandert niet.",
        f"At {label_en(row, where)} the electorate is given as 0. Every total "
        f"that includes this row is therefore too low and turnout looks higher "
        f"than it was. The result itself does not change.",
        unit=row.id,
        expected="> 0",
        found=0,
    )


def _stations_without_electorate(stack: Stack, where: Where, n: int) -> Finding:
    stations = int(stack.station_mask().sum())
    return where.finding(
        "count.station-electorate-unknown",
        NOTICE,
        f"Bij {nl(n)} van de {nl(stations)} stembureaus staat het aantal "
        f"kiesgerechtigden op 0. Dat is geen fout: kiezers mogen in elk "
        f"stembureau van hun gemeente stemmen, dus het aantal kiesgerechtigden "
        f"is vaak alleen per gemeente bekend.",
        f"At {en(n)} of the {en(stations)} polling stations the electorate is "
        f"given as 0. That is not an error: voters may vote at any polling "
        f"station of their municipality, so the electorate is often known per "
        f"municipality only.",
        expected=None,
        found=n,
    )


def votes_over_electorate(stack: Stack, where: Where) -> Iterator[Finding]:
    """More ballots than people entitled to vote, on a total row."""
    h, known = _votes_cast(stack)
    cast, e = stack.col(CAST), stack.col(E)
    rows = ~stack.station_mask() & known & stack.has(CAST) & (cast > 0)
    zero_rows = [
        unit.name
        for r in hits(stack.has(CAST) & (cast == 0))
        if (unit := stack.rows[r].unit) is not None
    ]
    for r in hits(rows & (h > cast)):
        numbers = (int(h[r]), int(e[r]), int(cast[r]))
        yield _over_electorate(stack, where, r, numbers, zero_rows)


def _over_electorate(
    stack: Stack,
    where: Where,
    r: int,
    numbers: tuple[int, int, int],
    zero_rows: list[str],
) -> Finding:
    row = stack.rows[r]
    h, e, cast = numbers
    why_nl, why_en = _why_over(row.unit is None, zero_rows)
    return where.finding(
        "count.votes-exceed-electorate",
        WARNING,
        f"Bij {label_nl(row, where)} zijn meer stembiljetten geteld "
        f"({nl(h)}, waarvan {nl(e)} stemmen op kandidaten) dan er "
        f"kiesgerechtigden zijn ({nl(cast)}); de opkomst zou {pct(h, cast)} % "
        f"zijn.{why_nl}",
        f"At {label_en(row, where)} more ballots were counted ({en(h)}, of "
        f"which {en(e)} votes on candidates) than there are people entitled to "
        f"vote ({en(cast)}); turnout would be {pct(h, cast)} %.{why_en}",
        unit=row.id,
        expected=f"<= {cast}",
        found=h,
    )


def _why_over(is_total: bool, zero_rows: list[str]) -> tuple[str, str]:
    """Return the likely reason, in Dutch and English."""
    if is_total and zero_rows:
        names = ", ".join(sorted(zero_rows))
        return (
            f" Dat komt doordat het aantal kiesgerechtigden op 0 staat bij: {names}.",
            f" This is because the electorate is given as 0 for: {names}.",
        )
    if not is_total:
        return (
            " Dat kan kloppen waar veel bezoekers met een kiezerspas of stempas "
            "stemmen, zoals op de Waddeneilanden.",
            " That can be right where many visitors vote with a voter card or "
            "poll card, as on the Wadden islands.",
        )
    return "", ""


def explanations(stack: Stack, where: Where) -> Iterator[Finding]:
    """Control protocol: differences without, or beyond, an explanation."""
    present = np.zeros(len(stack.rows), dtype=bool)
    for column in EXPLANATIONS:
        present |= stack.counters[:, column] != MISSING
    none = stack.col(GEEN_VERKLARING)
    for r in hits(present & (none > 0)):
        yield _no_explanation(stack, where, r, int(none[r]))
    explained: Int64Array = np.sum([stack.col(c) for c in EXPLANATIONS], axis=0)
    difference = stack.col(I) + stack.col(J)
    rest = difference - explained
    for r in hits(present & stack.has(I, J) & (rest != 0)):
        yield _unexplained(stack, where, r, int(difference[r]), int(explained[r]))


def _no_explanation(stack: Stack, where: Where, r: int, n: int) -> Finding:
    row = stack.rows[r]
    return where.finding(
        "count.difference-unexplained",
        NOTICE,
        f"Bij {label_nl(row, where)} is voor {_ballots_nl(n)} geen "
        f"verklaring gegeven voor het verschil tussen toegelaten kiezers en "
        f"getelde stembiljetten. Sinds 2023 is dat voor het centraal stembureau "
        f"reden om te laten hertellen of na te gaan.",
        f"At {label_en(row, where)} no explanation was given for "
        f"{_ballots_en(n)} of the difference between admitted voters and ballots "
        f"counted. Since 2023 the central committee has such differences "
        f"recounted or examined.",
        unit=row.id,
        expected=0,
        found=n,
    )


def _ballots_nl(n: int) -> str:
    return "1 stembiljet" if n == 1 else f"{nl(n)} stembiljetten"


def _ballots_en(n: int) -> str:
    return "1 ballot" if n == 1 else f"{en(n)} ballots"


def _unexplained(
    stack: Stack, where: Where, r: int, difference: int, explained: int
) -> Finding:
    row = stack.rows[r]
    return where.finding(
        "count.explanation-mismatch",
        NOTICE,
        f"Bij {label_nl(row, where)} tellen de meer en minder getelde "
        f"stembiljetten (I + J) op tot {nl(difference)}, maar de verklaringen "
        f"(inclusief 'geen verklaring') tot {nl(explained)}. Een deel van het "
        f"verschil is dus niet verantwoord.",
        f"At {label_en(row, where)} the more and fewer counted ballots (I + J) "
        f"add up to {en(difference)}, but the explanations (including 'no "
        f"explanation') to {en(explained)}. Part of the difference is not "
        f"accounted for.",
        unit=row.id,
        expected=difference,
        found=explained,
    )


def missing_where_expected(stack: Stack, where: Where) -> Iterator[Finding]:
    """Control protocol: 0 where the rest of the contest predicts many.

    A municipality with tens of thousands of votes and not one invalid
    vote is how Stein's 24 invalid votes got lost in TK2021: the row was
    copied without them.
    """
    h, known = _votes_cast(stack)
    if stack.contest.total is None or not known[0] or h[0] == 0:
        return
    for column, word_nl, word_en in ((G, "ongeldige", "invalid"),):
        part = stack.col(column)
        rate = part[0] / h[0]
        expected = rate * h
        rows = known & (part == 0) & (expected >= EXPECTED_AT_LEAST)
        rows[0] = False
        for r in hits(rows):
            yield _none_where_expected(
                stack, where, r, int(h[r]), float(expected[r]), word_nl, word_en
            )


def _none_where_expected(
    stack: Stack,
    where: Where,
    r: int,
    h: int,
    expected: float,
    word_nl: str,
    word_en: str,
) -> Finding:
    row = stack.rows[r]
    return where.finding(
        f"count.no-{word_en}-votes",
        NOTICE,
        f"Bij {label_nl(row, where)} zijn van de {nl(h)} stemmen er 0 {word_nl}; "
        f"naar het gemiddelde van het hele bestand zouden het er ongeveer "
        f"{round(expected)} zijn. Mogelijk is dit aantal niet overgenomen.",
        f"At {label_en(row, where)} none of the {en(h)} votes is {word_en}; "
        f"at the average of the whole file about {round(expected)} would be. "
        f"The number may not have been copied over.",
        unit=row.id,
        expected=round(expected),
        found=0,
    )


def list_plausibility(stack: Stack, where: Where) -> Iterator[Finding]:
    """Control protocol: a list with 0 votes, or far off its average.

    Compared with the rest of the same file: a list that gets 0 votes
    where its share elsewhere predicts 10 or more, or whose share in a row
    is 50 percentage points or more off its share in the other rows
    (rows of at least 100 votes). This is how parties left out when
    copying (TK2017 Hendrik-Ido-Ambacht) and swapped columns show.
    """
    if stack.contest.total is None or len(stack.rows) < 3:
        return
    columns = np.flatnonzero(stack.contest.list_columns)
    votes = np.where(stack.votes == MISSING, 0, stack.votes)[:, columns]
    e = votes.sum(axis=1)
    if e[0] == 0:
        return
    expected = e[:, None] * (votes[0] / e[0])[None, :]
    # A list not on the ballot in a row (a 510d's kieskring) is MISSING.
    on_ballot = stack.votes[:, columns] != MISSING
    zero = on_ballot & (votes == 0) & (expected >= LIST_EXPECTED_AT_LEAST)
    rest_e = (e[0] - e)[:, None]
    rest_share = (votes[0][None, :] - votes) / np.maximum(rest_e, 1)
    share = votes / np.maximum(e, 1)[:, None]
    off = (np.abs(share - rest_share) >= 0.5) & (e >= 100)[:, None] & (rest_e > 0)
    zero[0] = off[0] = False
    for r, k in zip(*np.nonzero(zero | off), strict=True):
        yield _list_finding(
            stack, where, int(r), int(stack.contest.list_numbers[columns[k]]),
            int(votes[r, k]), float(expected[r, k]), float(rest_share[r, k]),
            bool(zero[r, k]),
        )  # fmt: skip


def _list_finding(
    stack: Stack,
    where: Where,
    r: int,
    list_number: int,
    got: int,
    expected: float,
    rest_share: float,
    zero: bool,
) -> Finding:
    row = stack.rows[r]
    name = stack.contest.list_names.get(list_number, "")
    lijst = f"lijst {list_number}" + (f" ({name})" if name else "")
    list_en = f"list {list_number}" + (f" ({name})" if name else "")
    average = f"{100 * rest_share:.1f}"
    if zero:
        return where.finding(
            "count.list-zero-votes",
            NOTICE,
            f"Bij {label_nl(row, where)} heeft {lijst} 0 stemmen, terwijl het "
            f"aandeel van die lijst in de rest van het bestand er ongeveer "
            f"{round(expected)} voorspelt. Mogelijk is de lijst niet overgenomen.",
            f"At {label_en(row, where)} {list_en} has 0 votes, while its share "
            f"in the rest of the file predicts about {round(expected)}. The list "
            f"may not have been copied over.",
            unit=row.id,
            list_number=list_number,
            expected=round(expected),
            found=0,
        )
    return where.finding(
        "count.list-share-deviates",
        NOTICE,
        f"Bij {label_nl(row, where)} heeft {lijst} {nl(got)} stemmen; haar "
        f"aandeel wijkt 50 procentpunt of meer af van de rest van het bestand "
        f"({average} %). Het controleprotocol vraagt dan na te gaan of de "
        f"stemmen bij de goede lijst staan.",
        f"At {label_en(row, where)} {list_en} has {en(got)} votes; its share "
        f"is 50 percentage points or more off the rest of the file "
        f"({average} %). The control protocol then asks to check that the "
        f"votes are on the right list.",
        unit=row.id,
        list_number=list_number,
        expected=f"{average} %",
        found=got,
    )


def candidate_zero(stack: Stack, where: Where) -> Iterator[Finding]:
    """A kandidaat with 0 votes where the rest of the file predicts many.

    Swapped candidate results (the votes of number 49 booked on number
    50, or those of number 1 on number 51, first of the form's second
    page) leave one candidate at 0 in a row where the list did well.
    """
    contest = stack.contest
    if contest.total is None or len(stack.rows) < 3:
        return
    candidates = np.flatnonzero(~contest.list_columns)
    lists = np.flatnonzero(contest.list_columns)
    if candidates.size == 0:
        return
    owner = lists[np.searchsorted(lists, candidates, side="right") - 1]
    votes = np.where(stack.votes == MISSING, 0, stack.votes)
    cand, totals = votes[:, candidates], votes[:, owner]
    # The median row's share, not the pooled one: a local candidate with
    # thousands of votes in one town would otherwise be "expected" in all.
    share = np.median(cand[1:] / np.maximum(totals[1:], 1), axis=0)
    expected = share[None, :] * totals
    on_ballot = stack.votes[:, candidates] != MISSING
    zero = on_ballot & (cand == 0) & (expected >= LIST_EXPECTED_AT_LEAST)
    zero[0] = False
    for r, k in zip(*np.nonzero(zero), strict=True):
        s = int(candidates[k])
        yield _candidate_zero(stack, where, int(r), s, float(expected[r, k]))


def _candidate_zero(
    stack: Stack, where: Where, r: int, s: int, expected: float
) -> Finding:
    row, contest = stack.rows[r], stack.contest
    list_number = int(contest.list_numbers[s])
    who = contest.candidate_codes[s] or str(int(contest.candidate_numbers[s]))
    return where.finding(
        "count.candidate-zero-votes",
        NOTICE,
        f"Bij {label_nl(row, where)} heeft kandidaat {who} van lijst "
        f"{list_number} 0 stemmen, terwijl het aandeel dat de kandidaat in een "
        f"gewone rij van het bestand krijgt er ongeveer {round(expected)} "
        f"voorspelt. Mogelijk zijn de stemmen bij een andere kandidaat geboekt.",
        f"At {label_en(row, where)} candidate {who} of list {list_number} has 0 "
        f"votes, while the share the candidate gets in a typical row of the "
        f"file predicts about {round(expected)}. The votes may have been booked "
        f"on another candidate.",
        unit=row.id,
        list_number=list_number,
        candidate=who,
        expected=round(expected),
        found=0,
    )


ROW_CHECKS: tuple[RowCheck, ...] = (
    admitted_voters,
    list_sum,
    candidate_sums,
    station_differences,
    total_differences,
    share_thresholds,
    admitted_difference,
    no_votes,
    electorate,
    votes_over_electorate,
    explanations,
    missing_where_expected,
    list_plausibility,
    candidate_zero,
)
