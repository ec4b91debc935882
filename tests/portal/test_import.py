"""The import: idempotent by hash, atomic per document, corrigenda
supersede the version before them and leave it in the history."""

from __future__ import annotations

import zipfile

import pytest
from django.test import Client

from django_support import GR2022, TK2023, sample_sources
from openuitslag.core.sources import Source
from openuitslag.portal import models as m
from openuitslag.portal.importer import import_paths

pytestmark = pytest.mark.django_db

PEKELA = "01_Groningen/osv4-3_telling_gr2022_pekela.csv"
ALBLASSERDAM = "Telling_TK2023_gemeente_Alblasserdam.eml.xml"


def member(archive: object, name: str) -> bytes:
    """Return the bytes of one file in a bundled zip."""
    with zipfile.ZipFile(archive) as opened:  # type: ignore[arg-type]
        return opened.read(name)


def test_importing_again_adds_nothing(imported: object) -> None:
    documents = m.Document.objects.count()
    votes = m.ListVotes.objects.count()

    summary = import_paths([TK2023], extra=sample_sources())

    assert summary.imported == []
    assert len(summary.skipped) >= documents
    assert m.Document.objects.count() == documents
    assert m.ListVotes.objects.count() == votes


def test_a_corrigendum_supersedes_and_keeps_the_history(
    imported: object, client: Client
) -> None:
    original = member(GR2022, PEKELA)
    old_row = ";blanco stembiljetten;;;20;2;4;"
    assert old_row in original.decode("utf-8-sig")
    corrected = original.replace(
        b";blanco stembiljetten;;;20;2;4;", b";blanco stembiljetten;;;21;3;4;"
    )

    summary = import_paths([], extra=[Source(f"corrigendum!{PEKELA}", corrected)])

    assert len(summary.imported) == 1, summary.problems
    versions = m.Document.objects.filter(
        election__identifier="GR2022_Pekela", kind="osv4-3"
    ).order_by("imported_at")
    assert [v.is_current for v in versions] == [False, True]
    assert versions[1].supersedes_id == versions[0].pk

    page = client.get("/verkiezing/GR2022_Pekela/gemeente/0765/stembureau/1/")
    assert 'data-letter="F">3<' in page.content.decode()
    history = client.get("/verkiezing/GR2022_Pekela/gemeente/0765/").content.decode()
    assert versions[0].sha256_pv in history
    assert versions[1].sha256_pv in history
    assert "vervangen" in history


def test_a_failing_document_leaves_nothing_behind(imported: object) -> None:
    original = member(TK2023, ALBLASSERDAM)
    broken = original.replace(b'Id="0482::SB1"', b'Id="0482::XB1"')
    before = {
        "documents": m.Document.objects.count(),
        "counts": m.UnitCount.objects.count(),
        "votes": m.ListVotes.objects.count(),
        "stations": m.PollingStation.objects.count(),
    }
    current = m.Document.objects.get(name=ALBLASSERDAM, is_current=True)

    summary = import_paths([], extra=[Source(f"broken!{ALBLASSERDAM}", broken)])

    assert summary.imported == []
    [problem] = summary.problems
    assert problem.source == f"broken!{ALBLASSERDAM}"
    assert "0482::XB1" in problem.message
    assert "stembureau" in problem.message
    after = {
        "documents": m.Document.objects.count(),
        "counts": m.UnitCount.objects.count(),
        "votes": m.ListVotes.objects.count(),
        "stations": m.PollingStation.objects.count(),
    }
    assert after == before
    current.refresh_from_db()
    assert current.is_current


def test_a_file_that_is_not_a_count_is_reported_by_name(imported: object) -> None:
    summary = import_paths([], extra=[Source("rommel.xml", b"<EML><nothing/></EML>")])
    assert summary.imported == []
    assert summary.problems or summary.skipped == ["rommel.xml"]
    assert all(p.source == "rommel.xml" for p in summary.problems)


def test_imported_files_are_in_the_transparency_log(imported: object) -> None:
    from django.conf import settings

    from openuitslag.log.archive import Archive

    archive = Archive.open(settings.DATA_DIR)
    try:
        logged = {archive.log.entry(i).sha256 for i in range(archive.log.size)}
    finally:
        archive.close()
    documents = set(m.Document.objects.values_list("sha256", flat=True))
    assert documents <= logged


def test_import_signs_a_checkpoint_covering_its_files(imported: object) -> None:
    from django.conf import settings

    from openuitslag.log.archive import Archive

    archive = Archive.open(settings.DATA_DIR)
    try:
        note = archive.log.latest_checkpoint()
        assert note is not None, "the import signed no checkpoint"
        head = archive.log.open_checkpoint(note)
        assert head.checkpoint.size == archive.log.size
        assert head.checkpoint.root == archive.log.root(head.checkpoint.size)
    finally:
        archive.close()


def test_reverify_task_replaces_the_findings(imported: object) -> None:
    from openuitslag.portal.tasks import reverify_election

    election = m.Election.objects.get(identifier="TK2023")
    before = m.Finding.objects.filter(election=election).count()
    m.Finding.objects.filter(election=election).delete()

    result = reverify_election.enqueue("TK2023")

    assert result.return_value == before
    assert m.Finding.objects.filter(election=election).count() == before
