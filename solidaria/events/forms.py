from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from solidaria.core.rendering.gazetteer import GazetteerUnavailable, city_coordinates
from solidaria.core.validators import validate_no_control_characters
from solidaria.core.web.forms import (
    CountryChoiceField,
    PublicForm,
    email_field,
    form_token_field,
    full_name_field,
    honeypot_field,
)

from .models import MAX_GUESTS
from .zones import local_to_utc, zone_names

# Any: Django's form signature: clean() returns each field's own type.

TEXT = [validate_no_control_characters]


def zone_choices() -> list[tuple[str, str]]:
    return [("", "—"), *((name, name.replace("_", " ")) for name in zone_names())]


class RsvpForm(PublicForm):
    name = full_name_field()
    email = email_field(
        help_text=_("Your confirmation, the calendar file and reminders arrive here.")
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=40,
        required=False,
        validators=TEXT,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    guests = forms.TypedChoiceField(
        label=_("People coming with you"),
        coerce=int,
        choices=[(n, str(n)) for n in range(MAX_GUESTS + 1)],
        initial=0,
    )
    consent_owner = forms.BooleanField(required=False)
    website = honeypot_field()
    form_token = form_token_field()


class CosponsorForm(PublicForm):
    name = forms.CharField(label=_("Organisation"), max_length=200, validators=TEXT)
    country = CountryChoiceField(label=_("Country"), required=False)
    website = forms.URLField(
        label=_("Website (optional)"), max_length=200, required=False, assume_scheme="https"
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=120, validators=TEXT)
    contact_email = forms.EmailField(label=_("Contact email"), max_length=254)


class ProposalForm(PublicForm):
    """A supporter's local action. Times are typed as on the local clock, in a zone."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        validators=TEXT,
        help_text=_("e.g. Rally at the Argentine embassy in Berlin"),
    )
    description = forms.CharField(
        label=_("What will happen"),
        max_length=3000,
        validators=TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    venue = forms.CharField(label=_("Place"), max_length=200, validators=TEXT)
    address = forms.CharField(
        label=_("Address (optional)"), max_length=300, required=False, validators=TEXT
    )
    city = forms.CharField(label=_("City"), max_length=100, validators=TEXT)
    country = CountryChoiceField(label=_("Country"))
    latitude = forms.DecimalField(
        label=_("Latitude (optional)"),
        max_digits=8,
        decimal_places=5,
        min_value=Decimal(-90),
        max_value=Decimal(90),
        required=False,
    )
    longitude = forms.DecimalField(
        label=_("Longitude (optional)"),
        max_digits=8,
        decimal_places=5,
        min_value=Decimal(-180),
        max_value=Decimal(180),
        required=False,
    )
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    timezone = forms.ChoiceField(label=_("Time zone"), choices=zone_choices)
    host_name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        validators=TEXT,
        help_text=_("Shown on the page as the host."),
    )
    host_email = forms.EmailField(
        label=_("Your email"),
        max_length=254,
        help_text=_("Never shown. Your private page to follow your action arrives here."),
    )
    website = honeypot_field()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, start, end, zone = (cleaned.get(k) for k in ("date", "start", "end", "timezone"))
        if day and start and end and zone:
            try:
                starts_at = local_to_utc(day, start, zone)
                # An end earlier on the clock than the start is the next morning.
                end_day = day + timedelta(days=1) if end <= start else day
                ends_at = local_to_utc(end_day, end, zone)
            except ValidationError as exc:
                self.add_error("start", exc)
            else:
                if starts_at <= timezone.now():
                    self.add_error("date", _("The action must start in the future."))
                elif ends_at - starts_at > timedelta(hours=24):
                    self.add_error("end", _("An action lasts at most a day."))
                cleaned["starts_at"], cleaned["ends_at"] = starts_at, ends_at
        has_lat = cleaned.get("latitude") is not None
        has_lon = cleaned.get("longitude") is not None
        if has_lat != has_lon:
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        elif not has_lat and cleaned.get("city") and cleaned.get("country"):
            try:
                found = city_coordinates(cleaned["city"], cleaned["country"])
            except GazetteerUnavailable:
                self.add_error(
                    "latitude",
                    _("We cannot look up cities right now. Please give the coordinates."),
                )
                return cleaned
            if found is None:
                self.add_error(
                    "city",
                    _(
                        "We do not know this city in that country. Check the spelling, "
                        "or give the coordinates."
                    ),
                )
            else:
                cleaned["latitude"], cleaned["longitude"] = found
        return cleaned


class HostMessageForm(PublicForm):
    subject = forms.CharField(label=_("Subject"), max_length=150, validators=TEXT)
    body = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
