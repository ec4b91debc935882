"""The OSV4-3 reader on small hand-made files, one rule at a time.

The real files are in ``test_osv_real.py``; broken files in
``test_badinput_csv_zip.py``.
"""

from __future__ import annotations

import pytest

from openuitslag.core.errors import ReadError, Severity
from openuitslag.core.model import COUNTERS, MISSING, DocumentKind
from openuitslag.core.osv import (
    COUNTER_ROWS,
    looks_like_osv,
    read_osv,
    read_osv_with_problems,
)

MUNICIPAL = """\ufeffVerkiezing;;Gemeenteraad Súdwest-Fryslân 2022;;;
Datum;;2022-03-16;;;
Gebied;;Gemeente Súdwest-Fryslân;;;
Nummer;;1900;;;
;;;;;;
Lijstnummer;Aanduiding;Volgnummer;Naam kandidaat;Totaal;Stadhuis;Kerk
Gebiednummer;;;;;1;3
Postcode;;;;;8601 AA;
;opgeroepenen;;;100;60;40
;geldige stembiljetten;;;30;20;10
;blanco stembiljetten;;;1;1;0
;ongeldige stembiljetten;;;2;0;2
;aangetroffen stembiljetten;;;33;21;12
;er zijn te veel stembiljetten uitgereikt;;;1;0;1
1;Lijst A;;;18;12;6
;;1;Jansen, A.;15;10;5
;;2;de Vries, B.;3;2;1
3;Lijst C;;;12;8;4
;;1;Bakker, C.;12;8;4
"""


def _quoted(text: str) -> str:
    """Write a file the way the Kiesraad does: every cell in quotes."""
    lines = []
    for line in text.removeprefix("\ufeff").splitlines():
        cells = [f'"{cell}"' if cell else "" for cell in line.split(";")]
        lines.append(";".join(cells))
    return "\ufeff" + "\n".join(lines) + "\n"


def test_a_municipal_file_becomes_one_count_per_stembureau() -> None:
    count = read_osv(MUNICIPAL.encode(), "sudwest.csv")
    contest = count.contests[0]

    assert count.info.kind is DocumentKind.OSV4_3
    assert count.info.size == len(MUNICIPAL.encode())
    assert count.election.id == "GR2022_Súdwest-Fryslân"
    assert count.authority.id == "1900"
    assert [u.id for u in contest.units] == ["1900::SB1", "1900::SB3"]
    assert [u.postcode for u in contest.units] == ["8601 AA", None]
    assert contest.list_order() == (1, 3)
    assert contest.list_names == {1: "Lijst A", 3: "Lijst C"}
    assert contest.candidate_numbers.tolist() == [0, 1, 2, 0, 1]
    assert contest.candidate_names == (
        None,
        "Jansen, A.",
        "de Vries, B.",
        None,
        "Bakker, C.",
    )
    assert contest.unit_tally.votes.tolist() == [[12, 10, 2, 8, 8], [6, 5, 1, 4, 4]]
    assert contest.total is not None
    assert contest.total.votes.tolist() == [[18, 15, 3, 12, 12]]


def test_counters_land_in_the_eml_columns() -> None:
    tally = read_osv(MUNICIPAL.encode(), "sudwest.csv").contests[0].unit_tally

    assert tally.counter(0, "cast") == 60
    assert tally.counter(1, "total_counted") == 10
    assert tally.counter(1, "ongeldig") == 2
    assert tally.counter(1, "te veel uitgereikte stembiljetten") == 1
    assert tally.counter(0, "geldige stempassen") is None
    assert tally.counters.shape == (2, len(COUNTERS))
    assert (tally.counters[:, COUNTERS.index("geen verklaring")] == MISSING).all()


def test_every_counter_label_maps_to_a_model_counter() -> None:
    for label, counter in COUNTER_ROWS.items():
        assert counter in COUNTERS or label == "aangetroffen stembiljetten"


def test_quoted_and_unquoted_files_read_the_same() -> None:
    plain = read_osv(MUNICIPAL.encode(), "plain.csv").contests[0]
    quoted = read_osv(_quoted(MUNICIPAL).encode(), "quoted.csv").contests[0]

    assert quoted.units == plain.units
    assert (quoted.unit_tally.votes == plain.unit_tally.votes).all()
    assert (quoted.unit_tally.counters == plain.unit_tally.counters).all()


@pytest.mark.parametrize(
    ("verkiezing", "nummer", "election", "contest"),
    [
        ("Tweede Kamer der Staten-Generaal 2023", "HSB14", "TK2023", "14"),
        ("Tweede Kamer der Staten-Generaal 2023", "0599", "TK2023", ""),
        ("Gemeenteraad Nuenen, Gerwen en Nederwetten 2022", "0820",
         "GR2022_Nuenen_Gerwen_en_Nederwetten", "geen"),
        ("Provinciale Staten Drenthe 2023", "HSB1", "PS2023_Drenthe", "1"),
        ("Europees Parlement 2024", "0363", "EP2024", ""),
    ],
)  # fmt: skip
def test_identities_are_derived_from_the_metadata(
    verkiezing: str, nummer: str, election: str, contest: str
) -> None:
    text = MUNICIPAL.replace("Gemeenteraad Súdwest-Fryslân 2022", verkiezing)
    text = text.replace("Nummer;;1900", f"Nummer;;{nummer}")

    count = read_osv(text.encode(), "x.csv")

    assert count.election.id == election
    assert count.contests[0].contest_id == contest


def test_a_kieskring_file_uses_the_municipality_codes() -> None:
    text = MUNICIPAL.replace("Nummer;;1900", "Nummer;;HSB2")
    text = text.replace("Gemeente Súdwest-Fryslân", "Kieskring Leeuwarden")
    text = text.replace("Gebiednummer;;;;;1;3", "Gebiednummer;;;;;59;1900")

    count = read_osv(text.encode(), "kieskring.csv")

    assert [u.id for u in count.contests[0].units] == ["0059", "1900"]
    assert count.contests[0].contest_name == "Leeuwarden"


def test_without_area_numbers_columns_get_stable_ids_and_one_warning() -> None:
    text = MUNICIPAL.replace("Gebiednummer;;;;;1;3\n", "")

    count, problems = read_osv_with_problems(text.encode(), "nonumbers.csv")

    assert count is not None
    assert [u.id for u in count.contests[0].units] == ["1900::kolom6", "1900::kolom7"]
    assert [(p.code, p.severity) for p in problems] == [
        ("osv.area-number", Severity.WARNING)
    ]


def test_an_unknown_counter_is_a_warning_and_the_file_still_reads() -> None:
    text = MUNICIPAL.replace(";blanco", ";nieuwe teller;;;0;0;0\n;blanco")

    count, problems = read_osv_with_problems(text.encode(), "extra.csv")

    assert count is not None
    assert [p.code for p in problems] == ["osv.unknown-counter"]
    assert problems[0].severity is Severity.WARNING
    assert problems[0].line == 11
    assert "nieuwe teller" in str(problems[0])


def test_aangetroffen_must_be_the_sum_of_its_parts() -> None:
    text = MUNICIPAL.replace(
        "aangetroffen stembiljetten;;;33;21;12", "aangetroffen stembiljetten;;;34;22;12"
    )

    count, problems = read_osv_with_problems(text.encode(), "sum.csv")

    assert count is not None
    assert [(p.code, p.where) for p in problems] == [
        ("osv.aangetroffen", "row 13, column 5 (Totaal)"),
        ("osv.aangetroffen", "row 13, column 6 (Stadhuis)"),
    ]


def test_problems_are_collected_not_stopped_at_the_first() -> None:
    text = MUNICIPAL.replace(";;1;Jansen, A.;15;10;5", ";;1;Jansen, A.;15;tien;-5")
    text = text.replace(";opgeroepenen;;;100;60;40", ";opgeroepenen;;;100;60")

    with pytest.raises(ReadError) as raised:
        read_osv(text.encode(), "many.csv")

    codes = [p.code for p in raised.value.problems]
    assert codes == ["osv.row-width", "osv.not-a-number", "osv.negative"]
    assert "many.csv:16 (row 16, column 6 (Stadhuis))" in str(raised.value)


def test_looks_like_osv_judges_the_content_not_the_name() -> None:
    assert looks_like_osv(MUNICIPAL.encode())
    assert looks_like_osv(_quoted(MUNICIPAL).encode())
    assert looks_like_osv(b"junk\nLijstnummer;Aanduiding;Volgnummer\n")
    assert not looks_like_osv(b"<?xml version='1.0'?><EML Id='510b'/>")
    assert not looks_like_osv(b"a,b,c\n1,2,3\n")
