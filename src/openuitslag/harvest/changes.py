"""List the numbers that changed between two versions of a count file.

When a municipality republishes its 510b or its OSV4-3 CSV, the portal
must say more than "the file changed": which vote counts went from what
to what. Both formats are flattened into a map from a readable key (the
reporting unit and the selection or counter) to the number, and the two
maps are compared. Structure is taken from the file itself, so the list
works for any election and needs nothing but the two byte strings.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from openuitslag.harvest.classify import EML_NS, _decode

_SAFE_XML = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
)
MAX_LISTED = 500


@dataclass(frozen=True)
class NumberChange:
    """One number that differs between two versions."""

    key: str
    old: int | None
    new: int | None

    def as_dict(self) -> dict[str, object]:
        """Return the JSON shape."""
        return {"key": self.key, "old": self.old, "new": self.new}


def changed_numbers(old: bytes, new: bytes) -> list[NumberChange]:
    """Return the numbers that differ, in the new file's order."""
    before, after = numbers_of(old), numbers_of(new)
    changes = [
        NumberChange(key, before.get(key), value)
        for key, value in after.items()
        if before.get(key) != value
    ]
    changes += [
        NumberChange(key, value, None)
        for key, value in before.items()
        if key not in after
    ]
    return changes[:MAX_LISTED]


def numbers_of(data: bytes) -> dict[str, int]:
    """Flatten a 510 EML or an OSV4-3 CSV into key -> number."""
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        return _eml_numbers(data)
    return _csv_numbers(data)


def _eml_numbers(data: bytes) -> dict[str, int]:
    try:
        root = etree.fromstring(data, _SAFE_XML)
    except etree.XMLSyntaxError:
        return {}
    numbers: dict[str, int] = {}
    for group in root.iter(
        f"{{{EML_NS}}}TotalVotes", f"{{{EML_NS}}}ReportingUnitVotes"
    ):
        unit = group.find(f"{{{EML_NS}}}ReportingUnitIdentifier")
        place = unit.get("Id") if unit is not None else "totaal"
        _eml_group(group, str(place), numbers)
    return numbers


def _eml_group(group: etree._Element, place: str, numbers: dict[str, int]) -> None:
    lijst = ""
    for child in group:
        tag = etree.QName(child).localname
        if tag == "Selection":
            affiliation = child.find(f"{{{EML_NS}}}AffiliationIdentifier")
            candidate = child.find(f".//{{{EML_NS}}}CandidateIdentifier")
            if affiliation is not None:
                lijst = f"lijst {affiliation.get('Id')}"
                key = lijst
            else:
                number = candidate.get("Id") if candidate is not None else "?"
                key = f"{lijst} kandidaat {number}"
            votes = child.find(f"{{{EML_NS}}}ValidVotes")
            _put(numbers, f"{place} {key}", votes.text if votes is not None else None)
        elif tag in ("Cast", "TotalCounted"):
            _put(numbers, f"{place} {tag}", child.text)
        elif tag in ("RejectedVotes", "UncountedVotes"):
            _put(numbers, f"{place} {child.get('ReasonCode')}", child.text)


def _csv_numbers(data: bytes) -> dict[str, int]:
    rows = [line.split(";") for line in _decode(data).splitlines()]
    rows = [[cell.strip().strip('"') for cell in row] for row in rows]
    header = next(
        (row for row in rows if row[:2] == ["Lijstnummer", "Aanduiding"]), None
    )
    if header is None:
        return {}
    columns = header[4:]
    areas = next((row for row in rows if row[:1] == ["Gebiednummer"]), None)
    if areas is not None:
        columns = [
            f"{name} [{number}]" if number else name
            for name, number in zip(
                columns, [*areas[4:], *[""] * len(columns)], strict=False
            )
        ]
    numbers: dict[str, int] = {}
    for row in rows[rows.index(header) + 1 :]:
        if row[:1] == ["Gebiednummer"]:
            continue
        label = " ".join(cell for cell in row[:4] if cell)
        for column, cell in zip(columns, row[4:], strict=False):
            if label and column:
                _put(numbers, f"{column} | {label}", cell)
    return numbers


def _put(numbers: dict[str, int], key: str, text: str | None) -> None:
    text = (text or "").strip()
    if text.lstrip("-").isdigit():
        numbers[key] = int(text)
