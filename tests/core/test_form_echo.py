"""A rejected public form shows back at most each field's limit (core.web.forms): a 5 MB
field makes a small 400 page that says, in the visitor's language, what is wrong."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.core.validators import MaxLengthValidator
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape

from solidaria.campaigns.forms import MastodonShareForm
from solidaria.core.web.formguard import form_token
from solidaria.core.web.forms import PublicForm
from solidaria.events.forms import CosponsorForm, HostMessageForm, ProposalForm, RsvpForm
from solidaria.fundraising.forms import GiftForm
from solidaria.petitions.forms import OrganisationSignatureForm, SignatureForm
from tests import factories
from tests.helpers import post_form as post
from tests.helpers import signing_fields

pytestmark = pytest.mark.django_db
HUGE = "A" * (5 * 1024 * 1024)
SMALL_PAGE = 60_000


def too_long(limit: int, length: int, language: str) -> str:
    with translation.override(language):
        message = MaxLengthValidator.message % {"limit_value": limit, "show_value": length}
        return escape(str(message))


def test_a_5_mb_name_on_the_sign_form_is_not_sent_back(client: Client) -> None:
    petition = factories.PetitionFactory()
    response = post(
        client, f"/es/petitions/{petition.slug}/sign/", signing_fields(petition, name=HUGE)
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert len(response.content) < SMALL_PAGE
    assert too_long(120, len(HUGE), "es") in body
    assert "AAAAAAAAAA" not in body


def test_a_5_mb_country_is_not_quoted_in_the_choice_error(client: Client) -> None:
    """The choice error would quote it ("X is not one of the choices"): only its length is said."""
    petition = factories.PetitionFactory()
    data = signing_fields(petition, country=HUGE)
    response = post(client, f"/fr/petitions/{petition.slug}/sign/", data)
    assert response.status_code == 400
    assert len(response.content) < SMALL_PAGE
    assert too_long(256, len(HUGE), "fr") in response.content.decode()


def test_a_value_within_its_limit_is_shown_back_for_correcting(client: Client) -> None:
    petition = factories.PetitionFactory()
    data = signing_fields(petition, name="Ana María Gómez", email="not an address", city=HUGE)
    response = post(client, f"/en/petitions/{petition.slug}/sign/", data)
    body = response.content.decode()
    assert response.status_code == 400 and len(response.content) < SMALL_PAGE
    assert 'value="Ana María Gómez"' in body and 'value="not an address"' in body
    assert too_long(100, len(HUGE), "en") in body


def test_a_5_mb_name_on_the_give_form_is_not_sent_back(client: Client) -> None:
    fund = factories.FundFactory()
    data = {
        "amount": "25",
        "currency": "USD",
        "method": "bank",
        "name": HUGE,
        "email": "ana@example.org",
        "form_token": form_token(f"give:{fund.pk}"),
        "frequency": "F" * 300,  # a hidden field on this fund
    }
    response = post(client, f"/de/funds/{fund.slug}/give/", data)
    body = response.content.decode()
    assert response.status_code == 400
    assert len(response.content) < SMALL_PAGE
    assert too_long(120, len(HUGE), "de") in body
    assert "AAAAAAAAAA" not in body and "FFFFFFFFFF" not in body


def test_a_5_mb_name_on_the_registration_form_is_not_sent_back(client: Client) -> None:
    event = factories.EventFactory()
    data = {
        "name": HUGE,
        "email": "ana@example.org",
        "guests": "0",
        "website": "W" * 300,  # the field bots fill in
        "form_token": form_token(f"rsvp:{event.pk}"),
    }
    response = post(client, f"/pt/events/{event.slug}/register/", data)
    assert response.status_code == 400
    assert len(response.content) < SMALL_PAGE
    assert too_long(120, len(HUGE), "pt") in response.content.decode()


def test_a_5_mb_organisation_name_on_an_open_letter_is_not_sent_back(client: Client) -> None:
    petition = factories.PetitionFactory(kind="open_letter")
    data = {
        "name": HUGE,
        "country": "AR",
        "website": "https://" + "W" * 300 + ".org",
        "contact_name": "Ana",
        "contact_email": "ana@example.org",
    }
    response = post(client, f"/es/petitions/{petition.slug}/organisations/", data)
    assert response.status_code == 400
    assert len(response.content) < SMALL_PAGE
    assert too_long(200, len(HUGE), "es") in response.content.decode()


def test_a_5_mb_description_on_the_proposal_form_is_not_sent_back(client: Client) -> None:
    day = factories.DayOfActionFactory()
    data = {
        "title": "Concentración",
        "description": HUGE,
        "venue": "Embajada",
        "city": "Berlín",
        "country": "DE",
        "latitude": "52.5",
        "longitude": "13.4",
        "date": (timezone.now() + timedelta(days=20)).date().isoformat(),
        "start": "17:00",
        "end": "9" * 1000,
        "timezone": "Z" * 1000,
        "host_name": "Grupo",
        "host_email": "host@example.org",
    }
    response = post(client, f"/es/days/{day.slug}/host/", data)
    body = response.content.decode()
    assert response.status_code == 400
    assert len(response.content) < SMALL_PAGE
    assert too_long(3000, len(HUGE), "es") in body
    assert too_long(256, 1000, "es") in body
    assert "AAAAAAAAAA" not in body and "9999999999" not in body and "ZZZZZZZZZZ" not in body


def test_a_long_value_from_the_address_is_not_shown_either(client: Client) -> None:
    """The Mastodon share page fills its form in from the address."""
    page = client.get("/en/share/mastodon/", {"text": "T" * 1001, "instance": "mastodon.social"})
    body = page.content.decode()
    assert 'value="mastodon.social"' in body and "TTTTTTTTTT" not in body


@pytest.mark.parametrize(
    "form_class",
    [
        SignatureForm,
        OrganisationSignatureForm,
        GiftForm,
        RsvpForm,
        CosponsorForm,
        ProposalForm,
        HostMessageForm,
        MastodonShareForm,
    ],
)
def test_public_forms_are_public_forms_with_bounded_text(form_class: type[forms.Form]) -> None:
    assert issubclass(form_class, PublicForm)
    for name, field in form_class.base_fields.items():
        if isinstance(field, forms.CharField):
            assert field.max_length, name


def test_a_public_form_refuses_a_text_field_without_a_limit() -> None:
    with pytest.raises(ImproperlyConfigured, match="comment"):

        class Unbounded(PublicForm):
            comment = forms.CharField(required=False)
