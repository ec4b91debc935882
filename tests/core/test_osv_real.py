"""Every real OSV4-3 CSV we have reads, and says what the Kiesraad says.

The 329 GR2022 municipal files (re-saved by Open State: no quotes,
trailing ``;`` padding) and the 19 TK2023 files (18 kieskringen and
Rotterdam per stembureau, as the Kiesraad wrote them) come from the
bundled zips. Each file is one test case, named after the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from openuitslag.core.model import COUNTER_INDEX, COUNTERS, MISSING, Count, DocumentKind
from openuitslag.core.osv import looks_like_osv, read_osv_with_problems
from openuitslag.core.sources import Source, iter_sources

DATA = Path(__file__).resolve().parents[2] / "data"
GR2022 = DATA / "GR2022" / "osv4-3_csv_GR2022.zip"
TK2023 = DATA / "TK2023" / "osv4-3_csv_TK2023.zip"

# Rows whose Totaal differs from the sum of the area columns, per file.
# Checked on every real file: there are none. Any that appear must be
# added here with the Kiesraad's explanation, not hidden.
KNOWN_TOTAL_MISMATCHES: dict[str, set[str]] = {}


def _csvs(archive: Path) -> Iterator[Source]:
    for item in iter_sources([archive]):
        assert isinstance(item, Source), str(item)
        yield item


@pytest.fixture(scope="module")
def counts() -> dict[str, Count]:
    """Read every real CSV once; map its short name to its Count."""
    read: dict[str, Count] = {}
    for source in [*_csvs(GR2022), *_csvs(TK2023)]:
        count, problems = read_osv_with_problems(source.data, source.name)
        assert problems == [], "\n".join(map(str, problems))
        assert count is not None
        read[_short(source.name)] = count
    return read


def _short(name: str) -> str:
    return name.rpartition("!")[2].rpartition("/")[2]


def _names(archive: Path) -> list[str]:
    return [_short(source.name) for source in _csvs(archive)]


GR2022_NAMES = _names(GR2022)
TK2023_NAMES = _names(TK2023)


def test_the_bundle_holds_329_gr2022_and_19_tk2023_csvs() -> None:
    assert len(GR2022_NAMES) == len(set(GR2022_NAMES)) == 329
    assert len(TK2023_NAMES) == 19


@pytest.mark.parametrize("name", GR2022_NAMES + TK2023_NAMES)
def test_each_real_csv_reads_and_its_totals_add_up(
    name: str, counts: dict[str, Count]
) -> None:
    count = counts[name]
    contest = count.contests[0]

    assert count.info.kind is DocumentKind.OSV4_3
    assert len(contest.units) == contest.unit_tally.rows >= 1
    assert len({unit.id for unit in contest.units}) == len(contest.units)
    assert _total_mismatches(count) == KNOWN_TOTAL_MISMATCHES.get(name, set())


def _total_mismatches(count: Count) -> set[str]:
    """Name every row whose Totaal is not the sum of its area columns."""
    contest = count.contests[0]
    assert contest.total is not None
    wrong: set[str] = set()

    votes = contest.unit_tally.votes.sum(axis=0)
    for s in np.flatnonzero(votes != contest.total.votes[0]):
        lijst, kandidaat = contest.list_numbers[s], contest.candidate_numbers[s]
        wrong.add(f"lijst {lijst} kandidaat {kandidaat}")

    given = contest.unit_tally.counters != MISSING
    counters = np.where(given, contest.unit_tally.counters, 0).sum(axis=0)
    for c in np.flatnonzero(
        given.any(axis=0) & (counters != contest.total.counters[0])
    ):
        wrong.add(COUNTERS[c])
    return wrong


@pytest.mark.parametrize("name", GR2022_NAMES + TK2023_NAMES)
def test_lists_add_up_to_valid_votes_and_candidates_to_their_list(
    name: str, counts: dict[str, Count]
) -> None:
    contest = counts[name].contests[0]
    tally = contest.unit_tally
    lists = contest.list_columns

    valid = tally.counters[:, COUNTER_INDEX["total_counted"]]
    assert (tally.votes[:, lists].sum(axis=1) == valid).all()
    for s in np.flatnonzero(lists):
        own = (contest.list_numbers == contest.list_numbers[s]) & ~lists
        assert (tally.votes[:, own].sum(axis=1) == tally.votes[:, s]).all()


def test_gr2022_has_11965_stembureau_columns(counts: dict[str, Count]) -> None:
    columns = sum(len(counts[name].contests[0].units) for name in GR2022_NAMES)

    assert columns == 11_965


def test_gr2022_identities_are_derived_per_municipality(
    counts: dict[str, Count],
) -> None:
    pekela = counts["osv4-3_telling_gr2022_pekela.csv"]
    bergen = counts["osv4-3_telling_gr2022_bergen_nh.csv"]

    assert pekela.election.id == "GR2022_Pekela"
    assert pekela.election.domain_id == "0765"
    assert str(pekela.election.date) == "2022-03-16"
    assert pekela.authority.id == "0765"
    assert pekela.contests[0].contest_id == "geen"
    first = pekela.contests[0].units[0]
    assert (first.id, first.name, first.postcode) == (
        "0765::SB1",
        "MFC De Binding",
        "9665 HT",
    )
    assert bergen.election.id == "GR2022_Bergen_NH"
    assert bergen.authority.name == "Bergen (NH)"
    ids = {c.election.id for name, c in counts.items() if name in GR2022_NAMES}
    assert len(ids) == 329


def test_dordrecht_alblasserdam_column_has_the_documented_difference(
    counts: dict[str, Count],
) -> None:
    dordrecht = counts["osv4-3_telling_tk2023_kieskring_dordrecht.csv"]
    contest = dordrecht.contests[0]
    row = contest.unit_index()["0482"]

    assert dordrecht.election.id == "TK2023"
    assert dordrecht.authority.id == "HSB14"
    assert (contest.contest_id, contest.contest_name) == ("14", "Dordrecht")
    assert contest.units[row].name == "Alblasserdam"
    assert contest.unit_tally.counter(row, "total_counted") == 12_130
    assert contest.candidate_names[:2] == (None, "Yeşilgöz, D.")
    # The 510b says 0; the Kiesraad's notes: "Waarde was 0 maar is
    # overgenomen als 1".
    assert contest.unit_tally.counter(row, "te veel uitgereikte stembiljetten") == 1
    # Kieskring files carry no stempas or toegelaten-kiezers rows.
    assert contest.unit_tally.counter(row, "geldige stempassen") is None


def test_tk2023_kieskring_files_cover_341_municipalities(
    counts: dict[str, Count],
) -> None:
    kieskringen = [c for c in counts.values() if c.authority.id.startswith("HSB")]
    municipalities = {u.id for c in kieskringen for u in c.contests[0].units}

    assert len(kieskringen) == 18
    assert len(municipalities) == 341
    assert all(len(code) == 4 and code.isdigit() for code in municipalities)


def test_rotterdam_is_read_per_stembureau(counts: dict[str, Count]) -> None:
    rotterdam = counts["osv4-3_telling_tk2023_gemeente_rotterdam.csv"]
    contest = rotterdam.contests[0]

    assert rotterdam.authority.id == "0599"
    assert rotterdam.election.id == "TK2023"
    assert len(contest.units) == 378
    assert contest.units[0].id == "0599::SB1"
    assert all(unit.station_number for unit in contest.units)
    assert contest.contest_id == ""  # the file does not say its kieskring


def test_every_real_csv_is_recognised_by_its_content() -> None:
    for source in [*_csvs(GR2022), *_csvs(TK2023)]:
        assert looks_like_osv(source.data), source.name


def test_leeuwarden_was_re_saved_but_reads_the_same(counts: dict[str, Count]) -> None:
    """Its date is 22-11-2023 and its Gebiednummers lost their zeros."""
    leeuwarden = counts["osv4-3-telling-tk2023-kieskring-leeuwarden.csv"]
    contest = leeuwarden.contests[0]

    assert str(leeuwarden.election.date) == "2023-11-22"
    assert leeuwarden.authority.id == "HSB2"
    assert [unit.id for unit in contest.units[:2]] == ["0059", "0060"]
    assert contest.units[0].name == "Achtkarspelen"


# GR2022 files whose municipal 'opgeroepenen' (Cast, the electorate) is 0:
# the municipality did not fill it in. A real gap in the data, kept here
# so that a change in the reader or the data shows up.
GR2022_WITHOUT_ELECTORATE = {
    "Beverwijk", "Doetinchem", "Ede", "Epe", "Geertruidenberg", "Hoorn",
    "Houten", "Landsmeer", "Lansingerland", "Roosendaal", "Scherpenzeel",
    "Utrechtse Heuvelrug", "Weststellingwerf", "Zeewolde",
}  # fmt: skip


def test_gr2022_municipalities_without_an_electorate_are_as_recorded(
    counts: dict[str, Count],
) -> None:
    missing = set()
    for name in GR2022_NAMES:
        count = counts[name]
        assert count.contests[0].total is not None
        if count.contests[0].total.counter(0, "cast") == 0:
            missing.add(count.authority.name)

    assert missing == GR2022_WITHOUT_ELECTORATE
