"""Counts against the documents that set them up: 110a, 110b and 230b.

Before election day the Kiesraad and the municipalities publish what will
be counted: the election tree (110a: which municipality belongs to which
kieskring), the stembureaus (110b) and the kandidatenlijsten (230b). A
count that leaves out a municipality or a stembureau, or lists the
candidates differently, is either incomplete or belongs to another
document; either way the reader of the result should know.

Known exceptions are notices, not errors: the national postal-vote office
(NBSB, region 9010) is merged into kieskring 's-Gravenhage by the central
committee, and Saba and Sint Eustatius have no count file of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from openuitslag.core.checks.common import CAST, Where, area_key, en, nl
from openuitslag.core.checks.reconcile import has_codes
from openuitslag.core.errors import Severity
from openuitslag.core.findings import Finding
from openuitslag.core.model import (
    MISSING,
    CandidateLists,
    ContestCount,
    Count,
    DocumentKind,
    ElectionDefinition,
    PollingStationList,
    Region,
)

ERROR, WARNING, NOTICE = Severity.ERROR, Severity.WARNING, Severity.NOTICE

NBSB = "9010"  # the national postal-vote office (briefstembureau)
CARIBBEAN = frozenset({"9001", "9002", "9003"})  # Bonaire, St Eustatius, Saba

KIESKRING_KINDS = frozenset({DocumentKind.EML_510C, DocumentKind.OSV4_3})
MUNICIPAL = frozenset({DocumentKind.EML_510B, DocumentKind.OSV4_3})

# Says why an area may be missing, in Dutch and English; None if not.
NoteFunction = Callable[[str], tuple[str, str] | None]


def kieskring_number(count: Count) -> str | None:
    """Return the kieskring a count of an HSB is about, e.g. "10"."""
    ident = count.authority.id
    if ident.startswith("HSB") and ident[3:].isdigit():
        return str(int(ident[3:]))
    return None


# -- 110a: every municipality of the kieskring is there --------------------


def check_against_definition(
    definition: ElectionDefinition, counts: Iterable[Count]
) -> list[Finding]:
    """Return findings where a count misses or adds areas of the 110a."""
    counts = [c for c in counts if c.election.id == definition.election.id]
    findings: list[Finding] = []
    for count in counts:
        number = kieskring_number(count)
        if count.info.kind in KIESKRING_KINDS and number is not None:
            expected = _municipalities_of(definition, number)
            findings.extend(_coverage(count, expected, _municipality_note))
        elif count.info.kind is DocumentKind.EML_510D:
            expected = {
                f"HSB{int(r.number)}": r.name
                for r in definition.regions_of("KIESKRING")
                if r.number.isdigit()
            }
            findings.extend(_coverage(count, expected, _no_note))
        elif count.authority.id.isdigit():
            findings.extend(_municipality_known(definition, count))
    findings.extend(_missing_kieskring_files(definition, counts))
    return findings


def _municipality_known(
    definition: ElectionDefinition, count: Count
) -> Iterator[Finding]:
    """A municipality's count: in the 110a, and in the right kieskring."""
    code = count.authority.id.zfill(4)
    regions = {r.municipality_code: r for r in definition.regions_of("GEMEENTE")}
    where = Where.of(count)
    region = regions.get(code)
    if region is None:
        if regions:
            yield _unknown_municipality(where, definition, code)
        return
    if region.superior_category != "KIESKRING":
        return
    kieskring = (region.superior_number or "").lstrip("0")
    for contest in count.contests:
        counted = contest.contest_id.lstrip("0")
        if counted.isdigit() and counted != kieskring:
            yield _wrong_kieskring(where, definition, region, counted)


def _unknown_municipality(
    where: Where, definition: ElectionDefinition, code: str
) -> Finding:
    return where.finding(
        "coverage.municipality-unknown",
        WARNING,
        f"Gemeente {code} ({where.authority_name}) komt niet voor in de "
        f"verkiezingsdefinitie ({definition.info.source}).",
        f"Municipality {code} ({where.authority_name}) is not in the election "
        f"definition ({definition.info.source}).",
        found=code,
    )


def _wrong_kieskring(
    where: Where, definition: ElectionDefinition, region: Region, counted: str
) -> Finding:
    return where.finding(
        "coverage.wrong-kieskring",
        ERROR,
        f"{where.file} telt {region.name} als deel van kieskring {counted}, "
        f"maar volgens de verkiezingsdefinitie ({definition.info.source}) hoort "
        f"{region.name} bij kieskring {region.superior_number}; dan staan er "
        f"andere lijsten en kandidaten op het stembiljet.",
        f"{where.file} counts {region.name} as part of kieskring {counted}, but "
        f"according to the election definition ({definition.info.source}) it "
        f"belongs to kieskring {region.superior_number}, which has other lists "
        f"and candidates on the ballot.",
        expected=region.superior_number,
        found=counted,
    )


def _municipalities_of(
    definition: ElectionDefinition, kieskring: str
) -> dict[str, str]:
    return {
        r.municipality_code: r.name
        for r in definition.regions_of("GEMEENTE")
        if r.superior_category in (None, "KIESKRING")
        and (r.superior_number or "").lstrip("0") == kieskring
    }


def _coverage(
    count: Count,
    expected: dict[str, str],
    note: NoteFunction,
) -> Iterator[Finding]:
    where = Where.of(count)
    for contest in count.contests:
        present = {area_key(u.id) for u in contest.units}
        for code, name in sorted(expected.items()):
            if code not in present:
                yield _missing_area(where, code, name, note(code))
        for unit in contest.units:
            key = area_key(unit.id)
            if key is not None and key not in expected:
                yield _extra_area(where, unit.id, unit.name)


def _municipality_note(code: str) -> tuple[str, str] | None:
    if code == NBSB:
        return (
            "Dat is normaal: de stemmen van het briefstembureau voor kiezers "
            "in het buitenland (NBSB) telt het centraal stembureau zelf bij "
            "deze kieskring op.",
            "That is normal: the central committee adds the votes of the "
            "postal-vote office for voters abroad (NBSB) to this kieskring "
            "itself.",
        )
    if code in CARIBBEAN:
        return (
            "Dat komt voor: Saba en Sint Eustatius maken geen eigen "
            "tellingsbestand; hun uitslag staat in dat van kieskring Bonaire.",
            "That happens: Saba and Sint Eustatius make no count file of their "
            "own; their result is in that of kieskring Bonaire.",
        )
    return None


def _no_note(code: str) -> tuple[str, str] | None:
    return None


def _missing_area(
    where: Where, code: str, name: str, note: tuple[str, str] | None
) -> Finding:
    extra_nl, extra_en = note or ("", "")
    return where.finding(
        "coverage.area-missing",
        NOTICE if note else ERROR,
        f"{name} ({code}) hoort volgens de verkiezingsdefinitie (110a) bij "
        f"{where.authority_name or where.authority}, maar heeft geen rij in "
        f"{where.file}. {extra_nl}".rstrip(),
        f"{name} ({code}) belongs to {where.authority_name or where.authority} "
        f"according to the election definition (110a), but has no row in "
        f"{where.file}. {extra_en}".rstrip(),
        unit=code,
        expected=code,
        found=None,
    )


def _extra_area(where: Where, unit: str, name: str) -> Finding:
    return where.finding(
        "coverage.area-unexpected",
        WARNING,
        f"{where.file} heeft een rij voor {name} ({unit}), maar volgens de "
        f"verkiezingsdefinitie (110a) hoort dat gebied niet bij "
        f"{where.authority_name or where.authority}.",
        f"{where.file} has a row for {name} ({unit}), but according to the "
        f"election definition (110a) that area is not part of "
        f"{where.authority_name or where.authority}.",
        unit=unit,
        expected=None,
        found=unit,
    )


def _missing_kieskring_files(
    definition: ElectionDefinition, counts: list[Count]
) -> Iterator[Finding]:
    """Say which kieskringen have no count file when others do."""
    have = {kieskring_number(c) for c in counts if c.info.kind in KIESKRING_KINDS}
    have.discard(None)
    if not have:
        return
    for region in definition.regions_of("KIESKRING"):
        if region.number.lstrip("0") not in have:
            yield _missing_file(definition, region)


def _missing_file(definition: ElectionDefinition, region: Region) -> Finding:
    return Finding(
        code="coverage.document-missing",
        severity=NOTICE,
        message_nl=(
            f"Er is geen telling van kieskring {region.name} ({region.number}) "
            f"meegegeven; wat de gemeenten van die kieskring doorgaven, is dus "
            f"niet nagerekend."
        ),
        message_en=(
            f"No count of kieskring {region.name} ({region.number}) was given, "
            f"so what its municipalities passed on was not checked."
        ),
        election=definition.election.id,
        file=definition.info.source,
        reporting_unit=f"HSB{region.number.lstrip('0')}",
        expected=region.number,
    )


# -- 110b: every stembureau is there, with its electorate ------------------


def check_against_stations(
    stations: PollingStationList, counts: Iterable[Count]
) -> list[Finding]:
    """Return findings where a municipality's count and its 110b differ."""
    code = stations.municipality_id.zfill(4)
    findings: list[Finding] = []
    for count in counts:
        if count.election.id != stations.election.id:
            continue
        if count.authority.id.zfill(4) != code or count.info.kind not in MUNICIPAL:
            continue
        for contest in count.contests:
            findings.extend(_stations(stations, count, contest))
            findings.extend(_municipal_electorate(stations, count, contest))
    return findings


def _station_number(ident: str) -> int | None:
    tail = ident.rpartition("::")[2]
    tail = tail[2:] if tail.startswith("SB") else tail
    return int(tail) if tail.isdigit() else None


def _stations(
    stations: PollingStationList, count: Count, contest: ContestCount
) -> Iterator[Finding]:
    where = Where.of(count)
    listed = {_station_number(s.id): s for s in stations.stations}
    counted = {u.station_number: (i, u) for i, u in enumerate(contest.units)}
    for number, station in sorted(listed.items(), key=lambda kv: kv[0] or 0):
        if number not in counted:
            yield _station_missing(where, stations, station.id, station.name)
            continue
        row, unit = counted[number]
        cast = int(contest.unit_tally.counters[row, CAST])
        if station.electorate and cast not in (MISSING, 0, station.electorate):
            yield _station_electorate(where, unit.id, station.electorate, cast)
    for number, (_, unit) in counted.items():
        if number is not None and number not in listed:
            yield _station_extra(where, stations, unit.id, unit.name)


def _station_missing(
    where: Where, stations: PollingStationList, ident: str, name: str
) -> Finding:
    return where.finding(
        "coverage.station-missing",
        ERROR,
        f"Stembureau {ident} ({name}) staat in de stembureaulijst (110b, "
        f"{stations.info.source}), maar heeft geen uitslag in {where.file}.",
        f"Polling station {ident} ({name}) is in the list of polling stations "
        f"(110b, {stations.info.source}), but has no result in {where.file}.",
        unit=ident,
        expected=ident,
    )


def _station_extra(
    where: Where, stations: PollingStationList, ident: str, name: str
) -> Finding:
    return where.finding(
        "coverage.station-unexpected",
        WARNING,
        f"{where.file} geeft een uitslag voor stembureau {name} ({ident}), maar "
        f"dat staat niet in de stembureaulijst (110b, {stations.info.source}).",
        f"{where.file} gives a result for polling station {name} ({ident}), "
        f"which is not in the list of polling stations (110b, "
        f"{stations.info.source}).",
        unit=ident,
        found=ident,
    )


def _station_electorate(where: Where, unit: str, listed: int, cast: int) -> Finding:
    return where.finding(
        "reconcile.electorate-differs",
        WARNING,
        f"Volgens de stembureaulijst (110b) heeft stembureau {unit} "
        f"{nl(listed)} kiesgerechtigden, maar de telling noemt er {nl(cast)}.",
        f"According to the list of polling stations (110b) polling station "
        f"{unit} has an electorate of {en(listed)}, but the count gives "
        f"{en(cast)}.",
        unit=unit,
        expected=listed,
        found=cast,
    )


def _municipal_electorate(
    stations: PollingStationList, count: Count, contest: ContestCount
) -> Iterator[Finding]:
    if contest.total is None or not stations.electorate:
        return
    cast = int(contest.total.counters[0, CAST])
    if cast in (MISSING, stations.electorate):
        return
    where = Where.of(count)
    yield where.finding(
        "reconcile.electorate-differs",
        WARNING,
        f"Volgens de stembureaulijst (110b) heeft {stations.municipality_name} "
        f"{nl(stations.electorate)} kiesgerechtigden, maar de telling "
        f"({where.file}) noemt er {nl(cast)}.",
        f"According to the list of polling stations (110b) "
        f"{stations.municipality_name} has an electorate of "
        f"{en(stations.electorate)}, but the count ({where.file}) gives "
        f"{en(cast)}.",
        expected=stations.electorate,
        found=cast,
    )


# -- 230b: the same lists and candidates, in the same order ----------------


def check_against_lists(
    lists: CandidateLists, counts: Iterable[Count]
) -> list[Finding]:
    """Return findings where a count's lists or candidates differ from 230b."""
    findings: list[Finding] = []
    for count in counts:
        if count.election.id != lists.election.id:
            continue
        for contest in count.contests:
            if _contest_of(count, contest) == lists.contest_id.lstrip("0"):
                findings.extend(_compare_lists(lists, count, contest))
    return findings


def _contest_of(count: Count, contest: ContestCount) -> str | None:
    """Return the kieskring a contest counts, as the 230b numbers it."""
    if contest.contest_id.isdigit():
        return contest.contest_id.lstrip("0")
    return kieskring_number(count)


def _compare_lists(
    lists: CandidateLists, count: Count, contest: ContestCount
) -> Iterator[Finding]:
    where = Where.of(count)
    published = [a.number for a in lists.affiliations]
    counted = list(contest.list_order())
    if published != counted:
        yield _list_order(where, lists, published, counted)
    candidates = _candidates_per_list(contest)
    for affiliation in lists.affiliations:
        want = [c.number for c in affiliation.candidates]
        got = candidates.get(affiliation.number)
        if got is not None and got and got != want:
            yield _candidate_order(where, lists, affiliation.number, want, got)


def _candidates_per_list(contest: ContestCount) -> dict[int, list[int | None]]:
    """Return the candidate numbers of each list, in count order."""
    result: dict[int, list[int | None]] = {}
    if has_codes(contest):
        return {}  # identified by short code: order not comparable
    for ln, cn in zip(
        contest.list_numbers.tolist(), contest.candidate_numbers.tolist(), strict=True
    ):
        entries = result.setdefault(ln, [])
        if cn:
            entries.append(cn)
    return result


def _list_order(
    where: Where, lists: CandidateLists, published: list[int], counted: list[int]
) -> Finding:
    return where.finding(
        "lists.order-differs",
        ERROR,
        f"De lijsten in {where.file} ({_short(counted)}) zijn niet dezelfde, of "
        f"niet in dezelfde volgorde, als in de kandidatenlijsten "
        f"({lists.info.source}: {_short(published)}).",
        f"The lists in {where.file} ({_short(counted)}) are not the same, or "
        f"not in the same order, as in the candidate lists "
        f"({lists.info.source}: {_short(published)}).",
        expected=list(published),
        found=list(counted),
    )


def _candidate_order(
    where: Where,
    lists: CandidateLists,
    list_number: int,
    want: list[int | None],
    got: list[int | None],
) -> Finding:
    return where.finding(
        "lists.candidates-differ",
        ERROR,
        f"Lijst {list_number} heeft in {where.file} {len(got)} kandidaten "
        f"({_short(got)}), maar in de kandidatenlijst ({lists.info.source}) "
        f"{len(want)} ({_short(want)}).",
        f"List {list_number} has {len(got)} candidates in {where.file} "
        f"({_short(got)}), but {len(want)} in the candidate list "
        f"({lists.info.source}: {_short(want)}).",
        list_number=list_number,
        expected=[n for n in want if n is not None],
        found=[n for n in got if n is not None],
    )


def _short(numbers: list[int] | list[int | None]) -> str:
    shown = ", ".join(str(n) for n in numbers[:12])
    return shown + (", …" if len(numbers) > 12 else "")
