"""The CSV and the EML of one count say the same, read by two readers.

Alblasserdam's 510b (the municipality, GSB) and the Alblasserdam column of
the Dordrecht kieskring CSV (the HSB) describe the same votes. Reading both
into the shared records must give the same numbers, except where the
Kiesraad documents a difference: "In Alblasserdam is te veel uitgereikte
stembiljetten niet gelijk. Waarde was 0 maar is overgenomen als 1".
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from openuitslag.core.model import COUNTERS, MISSING, Count
from openuitslag.core.osv import read_osv

DATA = Path(__file__).resolve().parents[2] / "data" / "TK2023"


def _member(archive: str, name: str) -> bytes:
    with zipfile.ZipFile(DATA / archive) as opened:
        return opened.read(name)


@pytest.fixture(scope="module")
def both() -> tuple[Count, Count]:
    read = pytest.importorskip("openuitslag.core.read")
    eml = read.read_document(
        _member(
            "EML_bestanden_TK2023_selectie.zip",
            "Telling_TK2023_gemeente_Alblasserdam.eml.xml",
        ),
        "Telling_TK2023_gemeente_Alblasserdam.eml.xml",
    )
    csv = read_osv(
        _member(
            "osv4-3_csv_TK2023.zip", "osv4-3_telling_tk2023_kieskring_dordrecht.csv"
        ),
        "osv4-3_telling_tk2023_kieskring_dordrecht.csv",
    )
    assert isinstance(eml, Count)
    return eml, csv


def test_every_list_and_candidate_has_the_same_votes(both: tuple[Count, Count]) -> None:
    eml, csv = both
    municipal = eml.contests[0]
    kieskring = csv.contests[0]
    column = kieskring.unit_index()["0482"]
    assert municipal.total is not None

    assert eml.authority.id == "0482"
    assert municipal.contest_id == kieskring.contest_id == "14"
    assert (municipal.list_numbers == kieskring.list_numbers).all()
    assert (municipal.candidate_numbers == kieskring.candidate_numbers).all()
    assert (municipal.total.votes[0] == kieskring.unit_tally.votes[column]).all()
    assert int(municipal.list_columns.sum()) == 25
    assert int((~municipal.list_columns).sum()) == 994


def test_counters_agree_except_the_documented_one(both: tuple[Count, Count]) -> None:
    eml, csv = both
    assert eml.contests[0].total is not None
    gsb = eml.contests[0].total.counters[0]
    kieskring = csv.contests[0]
    hsb = kieskring.unit_tally.counters[kieskring.unit_index()["0482"]]

    differ = {
        COUNTERS[c]: (int(gsb[c]), int(hsb[c]))
        for c in np.flatnonzero(gsb != hsb)
        if hsb[c] != MISSING  # the kieskring CSV has no stempas/toegelaten rows
    }

    assert differ == {"te veel uitgereikte stembiljetten": (0, 1)}
    assert int(hsb[COUNTERS.index("total_counted")]) == 12_130
