"""The numbers listed when a real count file is republished changed."""

from __future__ import annotations

from openuitslag.harvest.changes import changed_numbers, numbers_of

from .sites import TK2023_EML, member

ALBLASSERDAM = "Telling_TK2023_gemeente_Alblasserdam.eml.xml"
SB1_VVD = (
    b'<ReportingUnitIdentifier Id="0482::SB1">Stembureau De Damsteen (postcode: '
    b"2951ED)</ReportingUnitIdentifier><Selection><AffiliationIdentifier "
    b'Id="1"><RegisteredName>VVD</RegisteredName></AffiliationIdentifier>'
    b"<ValidVotes>121</ValidVotes>"
)


def test_a_corrected_510b_lists_exactly_the_changed_numbers():
    old = member(TK2023_EML, ALBLASSERDAM)
    new = old.replace(SB1_VVD, SB1_VVD.replace(b">121<", b">122<")).replace(
        b"<ValidVotes>1392</ValidVotes>", b"<ValidVotes>1393</ValidVotes>"
    )

    changes = [c.as_dict() for c in changed_numbers(old, new)]

    assert changes == [
        {"key": "totaal lijst 1", "old": 1392, "new": 1393},
        {"key": "0482::SB1 lijst 1", "old": 121, "new": 122},
    ]


def test_the_real_510b_flattens_to_every_unit_and_counter():
    numbers = numbers_of(member(TK2023_EML, ALBLASSERDAM))

    assert numbers["totaal lijst 1"] == 1392
    assert numbers["0482::SB1 lijst 1"] == 121
    assert "0482::SB19 blanco" in numbers
    assert "0482::SB1 geldige stempassen" in numbers
