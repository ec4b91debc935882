"""Read an EML 110a (Verkiezingsdefinitie) and a 110b (stembureaus).

The 110a says how many seats there are and draws the election tree from
the state down to the municipalities; the 110b lists a municipality's
stembureaus. Both come before the counts, and the checks use them to
know which units to expect.
"""

from __future__ import annotations

from openuitslag.core.eml.header import (
    read_authority,
    read_election,
    text_of,
)
from openuitslag.core.eml.xml import XAL_NS, Context, Element, e, kr
from openuitslag.core.model import (
    DocumentInfo,
    ElectionDefinition,
    ElectionIdentity,
    PollingStation,
    PollingStationList,
    Region,
)


def read_definition(
    ctx: Context, root: Element, info: DocumentInfo
) -> ElectionDefinition:
    """Return the election definition of a 110a."""
    election = _election_element(ctx, root)
    identity = read_election(ctx, election)

    contest = ctx.child(election, e("Contest"))
    contest_id = ""
    if contest is not None:
        identifier = ctx.child(contest, e("ContestIdentifier"))
        if identifier is not None:
            contest_id = ctx.attribute(identifier, "Id") or ""

    seats = _number(ctx, election, kr("NumberOfSeats"), "number of seats")
    threshold = _number(
        ctx, election, kr("PreferenceThreshold"), "preference threshold"
    )
    tree = ctx.child(election, kr("ElectionTree"))
    regions = () if tree is None else tuple(_regions(ctx, tree))
    parties = tuple(
        text_of(p) or ""
        for p in election.iterfind(
            f"{kr('RegisteredParties')}/{kr('RegisteredParty')}"
            f"/{kr('RegisteredAppellation')}"
        )
    )
    return ElectionDefinition(
        info=info,
        election=identity,
        contest_id=contest_id,
        number_of_seats=seats,
        preference_threshold=threshold,
        regions=regions,
        registered_parties=parties,
        authority=read_authority(ctx, root, required=False),
    )


def read_polling_stations(
    ctx: Context, root: Element, info: DocumentInfo
) -> PollingStationList:
    """Return the stembureaus of a 110b."""
    election = _election_element(ctx, root)
    identity = read_election(ctx, election)
    contest = ctx.child(election, e("Contest"))
    if contest is None:
        return _empty_station_list(ctx, root, info, identity)

    unit = ctx.child(contest, e("ReportingUnit"))
    unit_id = None if unit is None else ctx.child(unit, e("ReportingUnitIdentifier"))
    max_votes = contest.find(e("MaxVotes"))
    electorate = None
    if max_votes is not None and text_of(max_votes) is not None:
        electorate = ctx.text_number(max_votes, "electorate (MaxVotes)", "eml")
    stations = tuple(_stations(ctx, contest))
    return PollingStationList(
        info=info,
        election=identity,
        authority=read_authority(ctx, root, required=False),
        municipality_id="" if unit_id is None else (ctx.attribute(unit_id, "Id") or ""),
        municipality_name="" if unit_id is None else (text_of(unit_id) or ""),
        electorate=electorate,
        stations=stations,
    )


def _election_element(ctx: Context, root: Element) -> Element:
    event = ctx.child(root, e("ElectionEvent"))
    election = None if event is None else ctx.child(event, e("Election"))
    return root if election is None else election


def _number(ctx: Context, parent: Element, tag: str, what: str) -> int:
    element = ctx.child(parent, tag)
    if element is None:
        return 0
    return ctx.text_number(element, what, "eml") or 0


def _regions(ctx: Context, tree: Element) -> list[Region]:
    regions = []
    for region in tree.iterchildren(kr("Region")):
        committee = region.find(kr("Committee"))
        regions.append(
            Region(
                number=region.get("RegionNumber") or "",
                category=ctx.attribute(region, "RegionCategory") or "",
                name=text_of(region.find(kr("RegionName"))) or "",
                superior_number=region.get("SuperiorRegionNumber"),
                superior_category=region.get("SuperiorRegionCategory"),
                committee_category=None
                if committee is None
                else committee.get("CommitteeCategory"),
                committee_name=None
                if committee is None
                else committee.get("CommitteeName"),
            )
        )
    return regions


def _stations(ctx: Context, contest: Element) -> list[PollingStation]:
    stations: list[PollingStation] = []
    seen: set[str] = set()
    for place in contest.iterchildren(e("PollingPlace")):
        station = place.find(f".//{e('PollingStation')}")
        if station is None:
            ctx.child(place, e("PollingStation"), "the stembureau")
            continue
        locality = place.find(f".//{e('Locality')}")
        name = postcode = None
        if locality is not None:
            name = text_of(locality.find(f"{{{XAL_NS}}}LocalityName"))
            postcode = text_of(locality.find(f".//{{{XAL_NS}}}PostalCodeNumber"))
        electorate = None
        if text_of(station) is not None:
            electorate = ctx.text_number(station, "electorate of the stembureau", "eml")
        station_id = ctx.attribute(station, "Id") or ""
        if station_id in seen:
            ctx.add(
                "eml.duplicate-unit",
                f"Stembureau {station_id} is listed twice.",
                station,
                expected="each PollingStation Id once",
                found=station_id,
            )
        seen.add(station_id)
        stations.append(
            PollingStation(
                id=station_id,
                name=name or "",
                postcode=postcode,
                electorate=electorate,
                type=text_of(place.find(f".//{kr('ReportingUnitType')}")),
            )
        )
    return stations


def _empty_station_list(
    ctx: Context, root: Element, info: DocumentInfo, identity: ElectionIdentity
) -> PollingStationList:
    return PollingStationList(
        info=info,
        election=identity,
        authority=read_authority(ctx, root, required=False),
        municipality_id="",
        municipality_name="",
        electorate=None,
        stations=(),
    )
