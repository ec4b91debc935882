"""Read an EML 520 (Resultaat): which lists won seats and who is elected.

The 520 is the last word of the centraal stembureau; the checks compare
it with the seats and the elected they compute themselves.
"""

from __future__ import annotations

from openuitslag.core.eml.candidates import (
    read_candidate,
    read_contest_identifier,
    read_list_number,
)
from openuitslag.core.eml.header import read_authority, read_election, text_of
from openuitslag.core.eml.xml import Context, Element, e, whole_number
from openuitslag.core.model import Authority, DocumentInfo, ElectedCandidate, Result


def read_result(ctx: Context, root: Element, info: DocumentInfo) -> Result:
    """Return the lists and elected kandidaten of a 520."""
    result = ctx.child(root, e("Result"))
    election = None if result is None else ctx.child(result, e("Election"))
    election = root if election is None else election
    identity = read_election(ctx, election)

    contest_id = ""
    list_names: dict[int, str] = {}
    elected: list[ElectedCandidate] = []
    contests = list(election.iterchildren(e("Contest")))
    if not contests:
        ctx.child(election, e("Contest"))
    for index, contest in enumerate(contests):
        identifier, _ = read_contest_identifier(ctx, contest)
        contest_id = identifier if index == 0 else contest_id
        _read_selections(ctx, contest, list_names, elected)

    authority = read_authority(ctx, root, required=True)
    return Result(
        info=info,
        election=identity,
        authority=authority or Authority(id="", name=""),
        contest_id=contest_id,
        list_names=list_names,
        elected=tuple(elected),
    )


def _read_selections(
    ctx: Context,
    contest: Element,
    list_names: dict[int, str],
    elected: list[ElectedCandidate],
) -> None:
    list_number: int | None = None
    for selection in contest.iterchildren(e("Selection")):
        affiliation = selection.find(e("AffiliationIdentifier"))
        if affiliation is not None:
            list_number = read_list_number(ctx, affiliation)
            if list_number is not None:
                name = text_of(affiliation.find(e("RegisteredName"))) or ""
                list_names[list_number] = name
            continue

        candidate = selection.find(e("Candidate"))
        if candidate is None:
            ctx.child(selection, e("Candidate"), "a lijst or a kandidaat")
            continue
        if list_number is None:
            ctx.add(
                "eml.list-order",
                "A kandidaat comes before any lijst.",
                selection,
                expected="an AffiliationIdentifier selection first",
                found="Candidate",
            )
            continue
        ranking = text_of(selection.find(e("Ranking")))
        elected.append(
            ElectedCandidate(
                list_number=list_number,
                candidate=read_candidate(ctx, candidate),
                ranking=whole_number(ranking),
            )
        )
