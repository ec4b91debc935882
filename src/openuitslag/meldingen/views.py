"""The melding pages (form, receipt) and the API to submit one.

The form works without JavaScript and with CSRF protection; outside the
election's window both the page and the API refuse with 403 and say why.
Pages under ``/melden/`` are never cached: they depend on the time and
carry a CSRF token.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from openuitslag.api.problems import ApiProblem, api_view, json_response
from openuitslag.meldingen import guard, routing
from openuitslag.meldingen.delivery import deliver
from openuitslag.meldingen.forms import MeldingForm
from openuitslag.meldingen.models import RETENTION_DAYS, Melding
from openuitslag.portal import models as portal


def create(form: MeldingForm, language: str) -> Melding:
    """Store a valid melding, then deliver it to its committee."""
    melding = form.melding(language)
    melding.save()
    deliver(melding, routing.recipients_of(melding))
    return melding


@never_cache
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """List the elections and whether meldingen are accepted for each."""
    rows = [
        {"election": e, "refusal": guard.window_refusal(e), "window": e.report_window}
        for e in portal.Election.objects.order_by("-date", "identifier")
    ]
    return render(request, "meldingen/index.html", {"rows": rows})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def form(request: HttpRequest, election: str) -> HttpResponse:
    """Show the melding form (prefilled from the page) or take one in."""
    row = get_object_or_404(portal.Election, identifier=election)
    refusal = guard.window_refusal(row)
    context: dict[str, Any] = {"election": row, "retention_days": RETENTION_DAYS}
    if refusal:
        context["refusal"] = refusal
        return render(request, "meldingen/closed.html", context, status=403)

    if request.method != "POST":
        initial = {
            "municipality": request.GET.get("gemeente", ""),
            "stembureau": request.GET.get("stembureau", ""),
            "kieskring": request.GET.get("kieskring", ""),
            "category": request.GET.get("soort", ""),
        }
        context["form"] = MeldingForm(row, initial=initial)
        return render(request, "meldingen/form.html", context)

    if guard.over_limit(request):
        context["refusal"] = _(
            "U heeft het afgelopen uur al veel meldingen gedaan. Probeer het "
            "later opnieuw."
        )
        return render(request, "meldingen/closed.html", context, status=429)
    bound = MeldingForm(row, request.POST)
    if not bound.is_valid():
        context["form"] = bound
        return render(request, "meldingen/form.html", context, status=400)
    melding = create(bound, get_language() or "nl")
    receipt_url = reverse("meldingen:receipt", args=[melding.reference])
    return HttpResponseRedirect(receipt_url, status=303)


@never_cache
@require_safe
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    """Show the receipt of a melding: its reference, committee, status."""
    melding = get_object_or_404(
        Melding.objects.select_related("election", "municipality", "station"),
        reference=reference,
    )
    context = {"melding": melding, "retention_days": RETENTION_DAYS}
    return render(request, "meldingen/receipt.html", context)


@api_view(("POST",))
def api_create(request: HttpRequest, election: str) -> HttpResponse:
    """Take a melding as JSON; answer 201 with its reference."""
    row = portal.Election.objects.filter(identifier=election).first()
    if row is None:
        raise ApiProblem(404, f"There is no election {election!r}.")
    with translation.override("en"):
        refusal = guard.window_refusal(row)
    if refusal:
        raise ApiProblem(403, refusal, title="Meldingen are not accepted now")
    if len(request.body) > guard.MAX_BODY:
        raise ApiProblem(413, f"A melding is at most {guard.MAX_BODY} bytes of JSON.")
    if guard.over_limit(request):
        raise ApiProblem(429, "Too many meldingen from this address; try again later.")

    with translation.override("en"):
        form = MeldingForm(row, parsed_body(request))
        errors = [
            {"name": name, "reason": " ".join(str(m) for m in messages)}
            for name, messages in form.errors.items()
        ]
    if errors:
        raise ApiProblem(
            400,
            "The melding is not valid: " + errors[0]["reason"],
            invalidParams=errors,
        )
    melding = create(form, "en")
    receipt_url = request.build_absolute_uri(
        reverse("meldingen:receipt", args=[melding.reference])
    )
    return json_response(
        {
            "reference": melding.reference,
            "committee": {
                "kind": melding.committee_kind,
                "name": melding.committee_name,
            },
            "status": melding.status,
            "receiptUrl": receipt_url,
        },
        status=201,
    )


def parsed_body(request: HttpRequest) -> dict[str, str]:
    """Return a JSON object of strings, or raise a 400 saying what is wrong."""
    if not request.content_type == "application/json":
        raise ApiProblem(415, "Send the melding as application/json.")
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError) as error:
        raise ApiProblem(400, f"The body is not valid JSON: {error}.") from None
    if not isinstance(body, dict) or not all(isinstance(v, str) for v in body.values()):
        raise ApiProblem(400, "The body must be a JSON object of text fields.")
    return body
