"""A melding is taken in only inside the election's window, with CSRF,
within limits, and reaches the competent committee by e-mail.

Everything runs on the real sample: real municipalities, stations and
kieskringen, the real form through Django's test client with CSRF checks
on, and the file e-mail backend writing into the data folder.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from openuitslag.meldingen.models import Category, CommitteeAddress, Melding
from openuitslag.meldingen.routing import competent
from openuitslag.portal import models as portal

pytestmark = pytest.mark.django_db

DESCRIPTION = "Bij stembureau 1 staan 12 stemmen op lijst 3, op het PV 21."


def csrf_client() -> Client:
    """Return a client that enforces CSRF, as a browser meets it."""
    return Client(enforce_csrf_checks=True)


def token(client: Client, url: str) -> str:
    """Open the form and return its CSRF token."""
    page = client.get(url)
    assert page.status_code == 200, page.content[:300]
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match
    return match.group(1)


def address(election: str, kind: str, code: str, email: str) -> None:
    """Enter a committee's address, as the operator does in the admin."""
    CommitteeAddress.objects.create(
        election=portal.Election.objects.get(identifier=election),
        kind=kind,
        code=code,
        name=f"{kind} {code}",
        email=email,
    )


def mails(data_dir: Path) -> str:
    """Return everything the file e-mail backend wrote."""
    folder = data_dir / "mail"
    return "".join(p.read_text() for p in folder.glob("*")) if folder.exists() else ""


def close_window(identifier: str) -> None:
    """Put the CSB session 24 hours ahead: the window closed a day ago."""
    election = portal.Election.objects.get(identifier=identifier)
    election.csb_session = timezone.now() + dt.timedelta(hours=24)
    election.save()


def test_form_is_prefilled_from_the_page(imported: None) -> None:
    page = Client().get("/melden/TK2023/?gemeente=0482&stembureau=1&soort=seats")

    assert page.status_code == 200
    assert '<option value="0482" selected>' in page.text
    assert 'value="1"' in page.text
    assert 'value="seats"' in page.text and "checked" in page.text
    assert "bewaren geen IP-adres" in page.text
    assert "<script" not in page.text


def test_melding_reaches_the_gsb_and_gets_a_receipt(
    imported: None, melding_data_dir: Path
) -> None:
    address("TK2023", "GSB", "0482", "verkiezingen@alblasserdam.test")
    client = csrf_client()
    url = "/melden/TK2023/?gemeente=0482&stembureau=1"
    form = {
        "csrfmiddlewaretoken": token(client, url),
        "category": Category.STEMBUREAU,
        "municipality": "0482",
        "stembureau": "1",
        "description": DESCRIPTION,
        "email": "kiezer@example.test",
    }

    answer = client.post(url, form)
    assert answer.status_code == 303
    receipt = client.get(answer["Location"])
    melding = Melding.objects.get()
    assert receipt.status_code == 200
    assert melding.reference in receipt.text
    assert "kiezer@example.test" not in receipt.text
    assert (melding.committee_kind, melding.committee_code) == ("GSB", "0482")
    assert melding.station is not None and melding.station.slug == "1"
    assert melding.status == "doorgestuurd"
    mail = mails(melding_data_dir)
    assert melding.reference in mail and DESCRIPTION in mail
    assert "To: verkiezingen@alblasserdam.test" in mail
    assert "Reply-To: kiezer@example.test" in mail


def test_post_without_csrf_token_is_refused(imported: None) -> None:
    answer = csrf_client().post(
        "/melden/TK2023/", {"category": "other", "description": DESCRIPTION}
    )

    assert answer.status_code == 403
    assert not Melding.objects.exists()


def test_outside_the_window_page_and_api_refuse(imported: None) -> None:
    close_window("TK2023")
    client = Client()

    page = client.get("/melden/TK2023/")
    posted = client.post("/melden/TK2023/", {"category": "other"})
    api = client.post(
        "/api/v1/elections/TK2023/meldingen",
        {"category": "other", "description": DESCRIPTION},
        content_type="application/json",
    )

    assert page.status_code == 403 and "termijn" in page.text
    assert posted.status_code == 403
    assert api.status_code == 403
    assert api["Content-Type"].startswith("application/problem+json")
    assert "48 hours before the session" in api.json()["detail"]
    assert not Melding.objects.exists()


def test_not_yet_published_election_refuses(imported: None) -> None:
    election = portal.Election.objects.get(identifier="TK2021")
    election.published_at = None
    election.report_opens = None
    election.save()

    page = Client().get("/melden/TK2021/")

    assert page.status_code == 403
    assert "nog geen uitslag gepubliceerd" in page.text


@pytest.mark.parametrize(
    ("election", "category", "code", "kieskring", "expected"),
    [
        ("TK2023", Category.STEMBUREAU, "0482", "", ("GSB", "0482")),
        ("TK2023", Category.OTHER, "0482", "", ("GSB", "0482")),
        ("TK2023", Category.TRANSCRIPTION, "0482", "", ("HSB", "14")),
        ("TK2023", Category.SEATS, "0482", "", ("CSB", "")),
        ("TK2021", Category.MISSING, "", "9", ("HSB", "9")),
        ("TK2021", Category.OTHER, "", "", ("CSB", "")),
        ("GR2022_Pekela", Category.SEATS, "0765", "", ("CSB", "0765")),
    ],
)
def test_routing_to_the_competent_committee(
    imported: None,
    election: str,
    category: str,
    code: str,
    kieskring: str,
    expected: tuple[str, str],
) -> None:
    row = portal.Election.objects.get(identifier=election)
    place = portal.Municipality.objects.filter(election=row, code=code).first()
    region = portal.Region.objects.filter(
        election=row, category="KIESKRING", number=kieskring
    ).first()

    committee = competent(row, category, place, region)

    assert (committee.kind, committee.code) == expected


def test_api_creates_a_melding(imported: None, melding_data_dir: Path) -> None:
    address("TK2023", "CSB", "", "csb@kiesraad.test")
    answer = Client().post(
        "/api/v1/elections/TK2023/meldingen",
        {"category": "seats", "description": DESCRIPTION},
        content_type="application/json",
    )

    assert answer.status_code == 201
    body = answer.json()
    assert body["committee"]["kind"] == "CSB"
    assert body["status"] == "doorgestuurd"
    assert Melding.objects.get().reference == body["reference"]
    assert body["reference"] in mails(melding_data_dir)


@pytest.mark.parametrize(
    ("body", "content_type", "status", "detail"),
    [
        ('{"category": "votes", "description": "x"}', "application/json", 400, "valid"),
        ('{"category": "other"}', "application/json", 400, "required"),
        ("not json", "application/json", 400, "not valid JSON"),
        ('{"category": 3}', "application/json", 400, "text fields"),
        (
            "category=other",
            "application/x-www-form-urlencoded",
            415,
            "application/json",
        ),
        ('{"description": "' + "x" * 30_000 + '"}', "application/json", 413, "bytes"),
    ],
)
def test_api_refuses_bad_input(
    imported: None, body: str, content_type: str, status: int, detail: str
) -> None:
    answer = Client().post(
        "/api/v1/elections/TK2023/meldingen", body, content_type=content_type
    )

    assert answer.status_code == status
    assert answer["Content-Type"].startswith("application/problem+json")
    assert detail in answer.json()["detail"]


def test_form_errors_are_shown_next_to_the_fields(imported: None) -> None:
    answer = Client().post(
        "/melden/TK2023/",
        {
            "category": "other",
            "municipality": "0482",
            "stembureau": "999",
            "description": "kort",
        },
    )

    assert answer.status_code == 400
    assert 'role="alert"' in answer.text
    assert "geen stembureau 999" in answer.text
    assert not Melding.objects.exists()


def test_rate_limit_per_sender(imported: None) -> None:
    client = Client()
    statuses = [
        client.post(
            "/api/v1/elections/TK2023/meldingen",
            {"category": "other", "description": DESCRIPTION},
            content_type="application/json",
        ).status_code
        for _ in range(6)
    ]

    assert statuses == [201] * 5 + [429]
    assert Melding.objects.count() == 5


def test_without_an_address_the_melding_waits_in_the_admin(
    imported: None, admin_client: Client
) -> None:
    answer = Client().post(
        "/api/v1/elections/TK2023/meldingen",
        {"category": "other", "municipality": "0482", "description": DESCRIPTION},
        content_type="application/json",
    )
    reference = answer.json()["reference"]

    listing = admin_client.get("/admin/meldingen/melding/?status=niet-bezorgd")
    assert answer.json()["status"] == "niet-bezorgd"
    assert reference in listing.text


def test_english_form(imported: None) -> None:
    page = Client().get("/en/melden/TK2023/")

    assert page.status_code == 200
    assert "Report an error" in page.text
    assert "What seems wrong?" in page.text


def test_contact_addresses_are_erased_after_the_retention_period(
    imported: None,
) -> None:
    Client().post(
        "/api/v1/elections/TK2023/meldingen",
        {"category": "other", "description": DESCRIPTION, "email": "a@b.test"},
        content_type="application/json",
    )
    Melding.objects.update(created_at=timezone.now() - dt.timedelta(days=400))

    call_command("meldingen_opschonen")

    melding = Melding.objects.get()
    assert melding.email == "" and melding.email_erased_at is not None
