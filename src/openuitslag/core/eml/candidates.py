"""Read an EML 230b/230c (Kandidatenlijsten) and the candidates of a 520.

The kandidatenlijsten fix which lijst has which number and who stands on
it in which position; counts and results only refer to those numbers, so
names are only ever read here.
"""

from __future__ import annotations

from openuitslag.core.eml.header import read_authority, read_election, text_of
from openuitslag.core.eml.xml import (
    XAL_NS,
    XNL_NS,
    Context,
    Element,
    e,
    kr,
    whole_number,
)
from openuitslag.core.model import (
    Affiliation,
    Candidate,
    CandidateLists,
    DocumentInfo,
)


def read_candidate_lists(
    ctx: Context, root: Element, info: DocumentInfo
) -> CandidateLists:
    """Return the kandidatenlijsten of a 230b or 230c."""
    candidate_list = ctx.child(root, e("CandidateList"))
    election = None
    if candidate_list is not None:
        election = ctx.child(candidate_list, e("Election"))
    election = root if election is None else election
    identity = read_election(ctx, election)

    contest = ctx.child(election, e("Contest"))
    contest_id, contest_name = "", None
    affiliations: tuple[Affiliation, ...] = ()
    if contest is not None:
        contest_id, contest_name = read_contest_identifier(ctx, contest)
        affiliations = tuple(_affiliations(ctx, contest))
    return CandidateLists(
        info=info,
        election=identity,
        authority=read_authority(ctx, root, required=False),
        contest_id=contest_id,
        contest_name=contest_name,
        affiliations=affiliations,
    )


def read_contest_identifier(ctx: Context, contest: Element) -> tuple[str, str | None]:
    """Return the id and name of a Contest's ``ContestIdentifier``."""
    identifier = ctx.child(contest, e("ContestIdentifier"))
    if identifier is None:
        return "", None
    name = text_of(identifier.find(e("ContestName")))
    return ctx.attribute(identifier, "Id") or "", name


def read_candidate(ctx: Context, candidate: Element) -> Candidate:
    """Return a ``Candidate`` element's identity and name."""
    identifier = ctx.child(candidate, e("CandidateIdentifier"))
    number = code = None
    if identifier is not None:
        raw = identifier.get("Id")
        code = identifier.get("ShortCode") or text_of(identifier.find(e("ShortCode")))
        if raw is not None:
            number = read_id(ctx, identifier, raw, "candidate number (Id)")
        elif code is None:
            ctx.attribute(identifier, "Id")

    person = candidate.find(f"{e('CandidateFullName')}/{{{XNL_NS}}}PersonName")
    initials = first = prefix = last = None
    if person is not None:
        for line in person.iterchildren(f"{{{XNL_NS}}}NameLine"):
            if line.get("NameType") == "Initials":
                initials = text_of(line)
        first = text_of(person.find(f"{{{XNL_NS}}}FirstName"))
        prefix = text_of(person.find(f"{{{XNL_NS}}}NamePrefix"))
        last = text_of(person.find(f"{{{XNL_NS}}}LastName"))
    gender = text_of(candidate.find(e("Gender"))) or text_of(
        candidate.find(kr("GenderAnnex"))
    )
    locality = candidate.find(
        f"{e('QualifyingAddress')}/{{{XAL_NS}}}Locality/{{{XAL_NS}}}LocalityName"
    )
    return Candidate(
        number=number,
        initials=initials,
        first_name=first,
        prefix=prefix,
        last_name=last,
        gender=gender,
        locality=text_of(locality),
        short_code=code,
    )


def read_list_number(ctx: Context, affiliation_id: Element) -> int | None:
    """Return the lijstnummer of an ``AffiliationIdentifier``."""
    raw = ctx.attribute(affiliation_id, "Id")
    if raw is None:
        return None
    return read_id(ctx, affiliation_id, raw, "list number (Id)")


def read_id(ctx: Context, element: Element, raw: str, what: str) -> int | None:
    """Return a lijst or kandidaat number, which must be 1 or more."""
    number = ctx.number(element, raw, what, code="eml")
    if number == 0:
        ctx.add(
            "eml.zero-id",
            f"The {what} is 0; numbers start at 1.",
            element,
            expected="a whole number of 1 or more",
            found="0",
        )
        return None
    return number


def check_increasing(
    ctx: Context, element: Element, previous: int | None, number: int, what: str
) -> None:
    """Record a problem unless ``number`` comes after ``previous``."""
    if previous is not None and number <= previous:
        code = "eml.list-order" if what == "list" else "eml.candidate-order"
        ctx.add(
            code,
            f"The {what} numbers do not increase: {number} follows {previous}.",
            element,
            expected=f"a {what} number above {previous}",
            found=str(number),
        )


def _affiliations(ctx: Context, contest: Element) -> list[Affiliation]:
    affiliations = []
    previous: int | None = None
    for affiliation in contest.iterchildren(e("Affiliation")):
        identifier = ctx.child(affiliation, e("AffiliationIdentifier"))
        if identifier is None:
            continue
        number = read_list_number(ctx, identifier)
        if number is None:
            continue
        check_increasing(ctx, identifier, previous, number, "list")
        previous = number

        list_data = affiliation.find(kr("ListData"))
        belongs = None if list_data is None else list_data.get("BelongsToSet")
        affiliations.append(
            Affiliation(
                number=number,
                name=text_of(identifier.find(e("RegisteredName"))) or "",
                type=text_of(affiliation.find(e("Type"))),
                belongs_to_set=whole_number(belongs),
                candidates=tuple(_candidates(ctx, affiliation)),
            )
        )
    if not affiliations and contest.find(e("Affiliation")) is None:
        ctx.child(contest, e("Affiliation"), "at least one lijst")
    return affiliations


def _candidates(ctx: Context, affiliation: Element) -> list[Candidate]:
    candidates = []
    previous: int | None = None
    for element in affiliation.iterchildren(e("Candidate")):
        candidate = read_candidate(ctx, element)
        if candidate.number is not None:
            check_increasing(ctx, element, previous, candidate.number, "candidate")
            previous = candidate.number
        candidates.append(candidate)
    return candidates
