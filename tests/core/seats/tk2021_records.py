"""Load the bundled TK2021 files as model records, for the seat tests.

The project's reader (``openuitslag.core.read``) is used when it is
available; until it has landed this small loader builds the same records
(``model.py`` conventions: 510d columns taken from ``TotalVotes``, unit
rows MISSING where a kieskring has no such kandidaat) straight from the
bundled zip, so the seat tests run on the real data either way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from pathlib import Path

import numpy as np
from lxml import etree

from openuitslag.core.model import (
    COUNTERS,
    MISSING,
    Affiliation,
    Authority,
    Candidate,
    CandidateLists,
    ContestCount,
    Count,
    DocumentInfo,
    DocumentKind,
    ElectedCandidate,
    ElectionDefinition,
    ElectionIdentity,
    ReportingUnit,
    Result,
    Tally,
)

ZIP = (
    Path(__file__).resolve().parents[3] / "data/TK2021/EML_bestanden_TK2021_deel_1.zip"
)
NS = {
    "e": "urn:oasis:names:tc:evs:schema:eml",
    "kr": "http://www.kiesraad.nl/extensions",
    "xnl": "urn:oasis:names:tc:ciq:xsdschema:xNL:2.0",
    "xal": "urn:oasis:names:tc:ciq:xsdschema:xAL:2.0",
}
IDENTITY = ElectionIdentity(
    id="TK2021",
    name="Tweede Kamer der Staten-Generaal 2021",
    category="TK",
    subcategory="TK",
    date=dt.date(2021, 3, 17),
)
CSB = Authority("CSB", "Nederland")


def load() -> tuple[ElectionDefinition, list[CandidateLists], Count, Result]:
    """Return the 110a, the twenty 230b, the 510d and the 520 of TK2021."""
    try:
        return _with_reader()
    except ImportError:
        return _with_lxml()


def _with_reader() -> tuple[ElectionDefinition, list[CandidateLists], Count, Result]:
    from openuitslag.core.read import read_paths

    report = read_paths([ZIP])
    definition = next(d for d in report if isinstance(d, ElectionDefinition))
    lists = [d for d in report if isinstance(d, CandidateLists)]
    count = next(
        d for d in report if isinstance(d, Count) and d.level is DocumentKind.EML_510D
    )
    result = next(d for d in report if isinstance(d, Result))
    return definition, lists, count, result


def _with_lxml() -> tuple[ElectionDefinition, list[CandidateLists], Count, Result]:
    with zipfile.ZipFile(ZIP) as bundle:
        files = {name: bundle.read(name) for name in bundle.namelist()}
    definition = _definition(files["Verkiezingsdefinitie_TK2021.eml.xml"])
    lists = [
        _candidate_lists(name, data)
        for name, data in sorted(files.items())
        if name.startswith("Kandidatenlijsten_")
    ]
    count = _count(files["Totaaltelling_TK2021.eml.xml"])
    result = _result(files["Resultaat_TK2021.eml.xml"])
    return definition, lists, count, result


def _info(name: str, data: bytes, kind: DocumentKind) -> DocumentInfo:
    digest = hashlib.sha256(data).hexdigest()
    return DocumentInfo(f"TK2021.zip!{name}", digest, len(data), kind)


def _definition(data: bytes) -> ElectionDefinition:
    root = etree.fromstring(data)
    seats = int(root.findtext(".//kr:NumberOfSeats", namespaces=NS))
    threshold = int(root.findtext(".//kr:PreferenceThreshold", namespaces=NS))
    info = _info("Verkiezingsdefinitie_TK2021.eml.xml", data, DocumentKind.EML_110A)
    return ElectionDefinition(info, IDENTITY, "alle", seats, threshold, ())


def _candidate(element: etree._Element, code: str | None = None) -> Candidate:
    def text(path: str) -> str | None:
        return element.findtext(path, namespaces=NS) or None

    identifier = element.find("e:CandidateIdentifier", NS)
    return Candidate(
        number=int(identifier.get("Id")),
        initials=text(".//xnl:NameLine"),
        first_name=text(".//xnl:FirstName"),
        prefix=text(".//xnl:NamePrefix"),
        last_name=text(".//xnl:LastName"),
        gender=text("e:Gender"),
        locality=text(".//xal:LocalityName"),
        short_code=code or identifier.get("ShortCode"),
    )


def _candidate_lists(name: str, data: bytes) -> CandidateLists:
    root = etree.fromstring(data)
    contest = root.find(".//e:Contest", NS)
    identifier = contest.find("e:ContestIdentifier", NS)
    affiliations = []
    for element in contest.findall("e:Affiliation", NS):
        list_data = element.find("kr:ListData", NS)
        belongs = list_data.get("BelongsToSet") if list_data is not None else None
        affiliations.append(
            Affiliation(
                number=int(element.find("e:AffiliationIdentifier", NS).get("Id")),
                name=element.findtext(".//e:RegisteredName", namespaces=NS) or "",
                type=element.findtext("e:Type", namespaces=NS),
                belongs_to_set=int(belongs) if belongs else None,
                candidates=tuple(
                    _candidate(c) for c in element.findall("e:Candidate", NS)
                ),
            )
        )
    return CandidateLists(
        _info(name, data, DocumentKind.EML_230B),
        IDENTITY,
        CSB,
        identifier.get("Id"),
        identifier.findtext("e:ContestName", namespaces=NS),
        tuple(affiliations),
    )


def _selections(group: etree._Element) -> list[tuple[tuple[int, str | None], int]]:
    """Return ((list, code or None), votes) for each Selection, in order."""
    found = []
    current = 0
    for selection in group.findall("e:Selection", NS):
        votes = int(selection.findtext("e:ValidVotes", namespaces=NS))
        affiliation = selection.find("e:AffiliationIdentifier", NS)
        if affiliation is not None:
            current = int(affiliation.get("Id"))
            found.append(((current, None), votes))
        else:
            code = selection.find(".//e:CandidateIdentifier", NS).get("ShortCode")
            found.append(((current, code), votes))
    return found


def _count(data: bytes) -> Count:
    root = etree.fromstring(data)
    contest = root.find(".//e:Contest", NS)
    total = _selections(contest.find("e:TotalVotes", NS))
    columns = {key: i for i, (key, _) in enumerate(total)}
    unit_elements = contest.findall("e:ReportingUnitVotes", NS)
    votes = np.full((len(unit_elements), len(columns)), MISSING, dtype=np.int64)
    units = []
    for row, element in enumerate(unit_elements):
        identifier = element.find("e:ReportingUnitIdentifier", NS)
        units.append(ReportingUnit(identifier.get("Id"), identifier.text or ""))
        for key, value in _selections(element):
            votes[row, columns[key]] = value
    keys = [key for key, _ in total]
    counters = np.full((1, len(COUNTERS)), MISSING, dtype=np.int64)
    contest_count = ContestCount(
        contest_id="alle",
        contest_name=None,
        list_numbers=np.array([k[0] for k in keys], dtype=np.int32),
        candidate_numbers=np.zeros(len(keys), dtype=np.int32),
        candidate_codes=tuple(k[1] for k in keys),
        list_names={},
        total=Tally(np.array([[v for _, v in total]], dtype=np.int64), counters),
        units=tuple(units),
        unit_tally=Tally(
            votes, np.full((len(units), len(COUNTERS)), MISSING, dtype=np.int64)
        ),
    )
    info = _info("Totaaltelling_TK2021.eml.xml", data, DocumentKind.EML_510D)
    return Count(info, IDENTITY, CSB, (contest_count,))


def _result(data: bytes) -> Result:
    root = etree.fromstring(data)
    contest = root.find(".//e:Contest", NS)
    names: dict[int, str] = {}
    elected = []
    current = 0
    for selection in contest.findall("e:Selection", NS):
        affiliation = selection.find("e:AffiliationIdentifier", NS)
        if affiliation is not None:
            current = int(affiliation.get("Id"))
            names[current] = affiliation.findtext("e:RegisteredName", namespaces=NS)
            continue
        ranking = selection.findtext("e:Ranking", namespaces=NS)
        candidate = _candidate(selection.find("e:Candidate", NS))
        elected.append(
            ElectedCandidate(current, candidate, int(ranking) if ranking else None)
        )
    info = _info("Resultaat_TK2021.eml.xml", data, DocumentKind.EML_520)
    return Result(info, IDENTITY, CSB, "alle", names, tuple(elected))
