"""Which documents each municipality should publish, and which it did.

For every election and municipality the portal shows what is expected and
what was found: the 510b (EML), the OSV4-3 CSV, the PV of the
gemeentelijk stembureau (Na 31-1 or Na 31-2), and a PV of every
stembureau (N 10-1 or N 10-2). The stembureaus are taken from whatever
the municipality published that lists them (a 110b, its 510b or its CSV).
Each found item carries the time it was first seen; with a deadline, an
item first seen after it is late.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from openuitslag.harvest.catalogue import Catalogue, Version

STATION_MODELS = ("N 10-1", "N 10-2", "Na 14-1")
MUNICIPAL_MODELS = ("Na 31-1", "Na 31-2")


@dataclass(frozen=True)
class Item:
    """One expected document and the first version found of it."""

    label: str
    found: Version | None
    late: bool = False

    def as_dict(self) -> dict[str, object]:
        """Return the JSON shape."""
        return {
            "expected": self.label,
            "found": self.found is not None,
            "first_seen": self.found.found_at if self.found else None,
            "url": self.found.location if self.found else None,
            "late": self.late,
        }


@dataclass(frozen=True)
class Document:
    """One file found, as its latest version plus when it was first seen."""

    latest: Version
    first_seen: str
    versions: int

    def as_dict(self) -> dict[str, object]:
        """Return the JSON shape of ``harvest status``."""
        v = self.latest
        return {
            "type": v.document_type,
            "eml_id": v.eml_id,
            "model": v.model,
            "station": v.station,
            "sha256": v.sha256,
            "url": v.location,
            "page_url": v.page_url,
            "first_seen": self.first_seen,
            "versions": self.versions,
        }


@dataclass
class Completeness:
    """Expected versus found for one election and municipality."""

    election: str
    municipality: str
    stations: tuple[int, ...]
    items: list[Item] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        """Return the labels of the expected documents not found."""
        return [item.label for item in self.items if item.found is None]

    @property
    def late(self) -> list[str]:
        """Return the labels of the documents found after the deadline."""
        return [item.label for item in self.items if item.late]

    def as_dict(self) -> dict[str, object]:
        """Return the JSON shape of ``harvest status``."""
        return {
            "election": self.election,
            "municipality": self.municipality,
            "stations": list(self.stations),
            "expected": len(self.items),
            "found": len(self.items) - len(self.missing),
            "missing": self.missing,
            "late": self.late,
            "items": [item.as_dict() for item in self.items],
            "documents": [doc.as_dict() for doc in self.documents],
        }


def completeness(
    catalogue: Catalogue,
    election: str,
    municipality: str,
    deadline: dt.datetime | None = None,
) -> Completeness:
    """Compare what is expected with what the harvester found."""
    versions = catalogue.versions(election, municipality)
    return completeness_of(versions, election, municipality, deadline)


def completeness_by_municipality(
    catalogue: Catalogue, election: str, deadline: dt.datetime | None = None
) -> dict[str, Completeness]:
    """Return the completeness of every municipality of an election.

    One query for the whole election, so that a page listing all
    municipalities does not ask the catalogue once per municipality.
    """
    grouped: dict[str, list[Version]] = {}
    for version in catalogue.versions(election):
        grouped.setdefault(version.municipality, []).append(version)
    return {
        code: completeness_of(versions, election, code, deadline)
        for code, versions in grouped.items()
    }


def completeness_of(
    versions: list[Version],
    election: str,
    municipality: str,
    deadline: dt.datetime | None = None,
) -> Completeness:
    """Compare what is expected with the versions found, oldest first."""
    stations = tuple(sorted({n for v in versions for n in v.stations}))
    result = Completeness(election, municipality, stations)
    result.documents = _documents(versions)

    def first(match: list[Version]) -> Version | None:
        return min(match, key=lambda v: v.found_at, default=None)

    wanted: list[tuple[str, Version | None]] = [
        ("EML 510b", first([v for v in versions if v.eml_id == "510b"])),
        ("OSV4-3 CSV", first([v for v in versions if v.document_type == "OSV4-3 CSV"])),
        (
            "PV gemeentelijk stembureau (Na 31)",
            first([v for v in versions if v.model in MUNICIPAL_MODELS]),
        ),
    ]
    pvs: dict[int, list[Version]] = {}
    for v in versions:
        if v.model in STATION_MODELS and v.station is not None:
            pvs.setdefault(v.station, []).append(v)
    for number in stations:
        wanted.append((f"PV stembureau {number}", first(pvs.get(number, []))))

    for label, version in wanted:
        late = bool(deadline and version and _when(version) > deadline)
        result.items.append(Item(label, version, late))
    return result


def _documents(versions: list[Version]) -> list[Document]:
    by_place: dict[str, list[Version]] = {}
    for version in versions:
        by_place.setdefault(version.location, []).append(version)
    return [
        Document(group[-1], group[0].found_at, len(group))
        for group in by_place.values()
    ]


def _when(version: Version) -> dt.datetime:
    return dt.datetime.fromisoformat(version.found_at)
