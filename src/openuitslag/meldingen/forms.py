"""The melding form: what seems wrong, where, and an optional address.

The same form checks input from the web page and from the API, so both
give the same errors and create the same melding.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from openuitslag.meldingen.guard import MAX_DESCRIPTION
from openuitslag.meldingen.models import Category, Melding
from openuitslag.meldingen.routing import competent
from openuitslag.portal import models as portal


class MeldingForm(forms.Form):
    """A melding about one election."""

    category = forms.ChoiceField(
        label=_("Wat lijkt er fout?"),
        choices=Category.choices,
        widget=forms.RadioSelect,
    )
    municipality = forms.ChoiceField(label=_("Gemeente"), required=False)
    stembureau = forms.CharField(
        label=_("Stembureau (nummer)"), required=False, max_length=64
    )
    kieskring = forms.ChoiceField(label=_("Kieskring"), required=False)
    description = forms.CharField(
        label=_("Omschrijving"),
        help_text=_(
            "Wat klopt er niet, en waar ziet u dat? Noem zo mogelijk het "
            "getal dat u verwacht en het getal dat er staat."
        ),
        max_length=MAX_DESCRIPTION,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    email = forms.EmailField(
        label=_("Uw e-mailadres (niet verplicht)"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, election: portal.Election, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.election = election
        places = portal.Municipality.objects.filter(election=election)
        regions = portal.Region.objects.filter(election=election, category="KIESKRING")
        none = [("", _("(geen)"))]
        municipality = self.fields["municipality"]
        kieskring = self.fields["kieskring"]
        assert isinstance(municipality, forms.ChoiceField)
        assert isinstance(kieskring, forms.ChoiceField)
        municipality.choices = none + [(p.code, f"{p.name} ({p.code})") for p in places]
        kieskring.choices = none + [
            (r.number, f"{r.number} {r.name}")
            for r in sorted(regions, key=lambda r: r.sort_number)
        ]

    def clean(self) -> dict[str, Any]:
        """Resolve the place fields to rows; the station needs its town."""
        data = super().clean() or {}
        code = data.get("municipality") or ""
        station = (data.get("stembureau") or "").strip()
        data["place"] = (
            portal.Municipality.objects.filter(
                election=self.election, code=code
            ).first()
            if code
            else None
        )
        data["station"] = None
        if station and data["place"] is None:
            self.add_error("stembureau", _("Kies ook de gemeente van het stembureau."))
        elif station:
            data["station"] = portal.PollingStation.objects.filter(
                municipality=data["place"], slug=station
            ).first()
            if data["station"] is None:
                self.add_error(
                    "stembureau",
                    _("Deze gemeente heeft geen stembureau %(n)s.") % {"n": station},
                )
        number = data.get("kieskring") or ""
        data["region"] = (
            portal.Region.objects.filter(
                election=self.election, category="KIESKRING", number=number
            ).first()
            if number
            else None
        )
        return data

    def melding(self, language: str) -> Melding:
        """Return the (unsaved) melding, addressed to its committee."""
        data = self.cleaned_data
        committee = competent(
            self.election, data["category"], data["place"], data["region"]
        )
        return Melding(
            election=self.election,
            category=data["category"],
            municipality=data["place"],
            station=data["station"],
            kieskring=data["region"]
            or (data["place"].kieskring if data["place"] else None),
            description=data["description"],
            email=data.get("email") or "",
            language=language,
            committee_kind=committee.kind,
            committee_code=committee.code,
            committee_name=committee.name,
        )
