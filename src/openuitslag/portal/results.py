"""Answer the questions pages ask of the stored counts.

The same unit can be counted in more than one document: a municipality's
total is in its own 510b and again as a row of the kieskring's 510c. A
page shows one number per unit, chosen by :func:`chosen_counts`: the
committee's own total when there is one, else the row of the document
imported last. Everything here reads current documents only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import QuerySet

from openuitslag.core.model import MISSING
from openuitslag.portal import models as m
from openuitslag.portal.caching import current_generation

UNIT_KEY = {
    m.Level.STATION: "station_id",
    m.Level.MUNICIPALITY: "municipality_id",
    m.Level.KIESKRING: "kieskring_id",
    m.Level.NATION: "election_id",
}
LEVELS_TOP_DOWN = (
    m.Level.NATION,
    m.Level.KIESKRING,
    m.Level.MUNICIPALITY,
    m.Level.STATION,
)


_memo: dict[Any, Any] = {}
_memo_generation = [-1]


def memo[T](key: Any, compute: Callable[[], T]) -> T:
    """Return a value computed once per data generation in this process.

    Reference data that many pages share (list and candidate names, a
    municipality's totals) changes only on import, so each server
    process keeps it until the next import.
    """
    generation = current_generation()
    if generation != _memo_generation[0]:
        _memo.clear()
        _memo_generation[0] = generation
    if key not in _memo:
        _memo[key] = compute()
    return _memo[key]  # type: ignore[no-any-return]


@dataclass
class Totals:
    """Counters and list votes of one unit or of a sum of units."""

    counters: dict[str, int | None] = field(default_factory=dict)
    lists: dict[int, int] = field(default_factory=dict)
    units: int = 0

    @property
    def votes_cast(self) -> int | None:
        """Return H = E + F + G (ballots counted), if all are known."""
        parts = [self.counters.get(k) for k in ("total_counted", "blanco", "ongeldig")]
        return None if any(p is None for p in parts) else sum(parts)  # type: ignore[arg-type]

    @property
    def list_sum(self) -> int:
        """Return the votes on all lists together."""
        return sum(self.lists.values())

    def turnout(self) -> float | None:
        """Return H as a share of the electorate, when both are known."""
        cast, electorate = self.votes_cast, self.counters.get("cast")
        if not cast or not electorate:
            return None
        return cast / electorate

    def share(self, number: int) -> float | None:
        """Return a lijst's share of all list votes."""
        total = self.list_sum
        return self.lists.get(number, 0) / total if total else None


def chosen_counts(queryset: QuerySet[m.UnitCount], level: str) -> list[dict[str, Any]]:
    """Return one current count row per unit of ``level``.

    The committee's own total wins over the same unit in a higher
    committee's document; otherwise the later document wins.
    """
    key = UNIT_KEY[level]
    rows = (
        queryset.filter(level=level, is_current=True)
        .order_by("is_total", "document_id")
        .values("id", key, "unit_id", "name", "contest", *m.COUNTER_NAMES)
    )
    chosen: dict[Any, dict[str, Any]] = {}
    for row in rows:
        chosen[row[key] or row["unit_id"]] = row
    return list(chosen.values())


def station_count(station_id: int) -> dict[str, Any] | None:
    """Return the chosen current count row of one stembureau, or None.

    The same choice as :func:`chosen_counts` (the row of the document
    imported last), in plain SQL: the stembureau page is the one election
    night hits, and building the ORM query cost more than running it.
    """
    quote = connection.ops.quote_name
    columns = ["id", "unit_id", "name", "contest", *m.COUNTER_NAMES]
    sql = (
        f"SELECT {', '.join(quote(c) for c in columns)} "
        f"FROM {quote(m.UnitCount._meta.db_table)} "
        "WHERE station_id = %s AND level = %s AND is_current "
        "ORDER BY is_total DESC, document_id DESC LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [station_id, str(m.Level.STATION)])
        found = cursor.fetchone()
    return dict(zip(columns, found, strict=True)) if found else None


def totals_of(rows: Iterable[dict[str, Any]]) -> Totals:
    """Sum the counters and list votes of chosen count rows."""
    rows = list(rows)
    totals = Totals(units=len(rows))
    for name in m.COUNTER_NAMES:
        values = [r[name] for r in rows]
        totals.counters[name] = None if not values or None in values else sum(values)

    ids = [r["id"] for r in rows]
    lists: dict[int, int] = defaultdict(int)
    for chunk in chunks(ids, 900):
        query = m.ListVotes.objects.filter(count_id__in=chunk).values_list(
            "list_number", "votes"
        )
        for number, votes in query:
            lists[number] += votes or 0
    totals.lists = dict(sorted(lists.items()))
    return totals


def chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    """Yield slices of at most ``size`` items (SQLite limits parameters)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def election_totals(election: m.Election) -> tuple[Totals, str | None]:
    """Return the election's totals from the highest level that has data.

    The second value is the level used, None when nothing is counted yet.
    """
    base = m.UnitCount.objects.filter(election=election)
    for level in LEVELS_TOP_DOWN:
        rows = chosen_counts(base, level)
        if rows:
            return totals_of(rows), level
    return Totals(), None


def area_totals(
    queryset: QuerySet[m.UnitCount], levels: Iterable[str]
) -> tuple[Totals, str | None]:
    """Return the totals of an area from the first level that has rows."""
    for level in levels:
        rows = chosen_counts(queryset, level)
        if rows:
            return totals_of(rows), level
    return Totals(), None


def unit_votes(count_id: int) -> tuple[dict[int, int], dict[int, dict[int, int]]]:
    """Return one count row's list votes and candidate votes per lijst."""
    lists, packed = unit_votes_packed(count_id)
    candidates = {
        number: {i + 1: v for i, v in enumerate(values) if v != MISSING}
        for number, values in packed.items()
    }
    return lists, candidates


def unit_votes_packed(count_id: int) -> tuple[dict[int, int], dict[int, list[int]]]:
    """Return one count row's list votes and raw candidate vote arrays.

    The arrays are indexed by candidate number - 1, with ``MISSING`` for
    candidates not in the file; the stembureau page walks them directly.
    """
    lists: dict[int, int] = {}
    candidates: dict[int, list[int]] = {}
    sql = (
        "SELECT list_number, votes, candidate_votes FROM "
        f"{connection.ops.quote_name(m.ListVotes._meta.db_table)} "
        "WHERE count_id = %s ORDER BY list_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [count_id])
        rows = cursor.fetchall()
    for number, votes, blob in rows:
        lists[number] = votes or 0
        candidates[number] = np.frombuffer(bytes(blob), dtype="<i4").tolist()
    return lists, candidates


def candidate_votes(count_ids: list[int]) -> dict[int, dict[int, int]]:
    """Return per lijst the summed votes per candidate number."""
    sums: dict[int, np.ndarray] = {}
    for chunk in chunks(count_ids, 900):
        query = m.ListVotes.objects.filter(count_id__in=chunk).values_list(
            "list_number", "candidate_votes"
        )
        for number, blob in query:
            values = np.frombuffer(bytes(blob), dtype="<i4").astype(np.int64)
            values[values == MISSING] = 0
            current = sums.get(number)
            if current is None or len(current) < len(values):
                grown = np.zeros(len(values), dtype=np.int64)
                if current is not None:
                    grown[: len(current)] = current
                current = grown
            current[: len(values)] += values
            sums[number] = current
    return {
        number: {i + 1: int(v) for i, v in enumerate(array.tolist())}
        for number, array in sums.items()
    }


def candidate_names(
    election: m.Election, contests: Iterable[str]
) -> dict[tuple[int, int], tuple[int, str]]:
    """Return (lijst, number) -> (kandidaat id, name) for some contests."""
    rows = m.Kandidaat.objects.filter(
        lijst__election=election, contest__in=list(contests)
    ).values_list("id", "lijst__number", "number", "last_name", "initials", "prefix")
    names = {}
    for pk, lijst, number, last, initials, prefix in rows:
        rest = " ".join(p for p in (initials, prefix) if p)
        names[(lijst, number)] = (pk, f"{last}, {rest}" if rest else last)
    return names


def list_names(election: m.Election) -> dict[int, str]:
    """Return lijst number -> name (or "Lijst N") of an election."""
    return {
        number: name or f"Lijst {number}"
        for number, name in m.Lijst.objects.filter(election=election).values_list(
            "number", "name"
        )
    }


def municipality_status(election: m.Election) -> dict[str, str]:
    """Return per municipality code: published / errors / warnings / none."""
    published = set(
        m.UnitCount.objects.filter(
            election=election,
            is_current=True,
            level__in=[m.Level.MUNICIPALITY, m.Level.STATION],
        )
        .values_list("municipality__code", flat=True)
        .distinct()
    )
    worst: dict[str, str] = {}
    findings = m.Finding.objects.filter(election=election, municipality__isnull=False)
    for code, severity in findings.values_list("municipality__code", "severity"):
        if severity == "error" or worst.get(code) != "error":
            worst[code] = "error" if severity == "error" else worst.get(code, severity)
    status = {}
    for code in published:
        severity = worst.get(code)
        status[code] = {"error": "errors", "warning": "warnings"}.get(
            severity or "", "published"
        )
    return status
