"""Every field of the sign form, fuzzed: a well-formed signature is taken (302, stored once),
a form with one bad field is refused (400, the field's message, nothing stored)."""

from __future__ import annotations

import string
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils.html import escape
from django_countries import countries
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solidaria.core.web.formguard import form_token
from solidaria.petitions.models import Signature
from tests import factories
from tests.helpers import post_form

pytestmark = pytest.mark.django_db

FIXTURES_OK = [HealthCheck.function_scoped_fixture]
COUNTRY_CODES = sorted(code for code, _name in countries)

# Printable text: no control, surrogate, private-use or unassigned characters.
printable = st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn"))
# Letters and marks only: nothing that Django strips or that could look like an address.
letters = st.characters(whitelist_categories=("L", "M"))
simple_emails = st.builds(
    "{}@{}.org".format,
    st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=30),
    st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=30),
)

good_signatures = st.fixed_dictionaries(
    {
        "name": st.text(alphabet=letters, min_size=1, max_size=120),
        "email": st.one_of(simple_emails, st.emails().filter(lambda e: len(e) <= 254)),
        "country": st.sampled_from(COUNTRY_CODES),
    },
    optional={
        "city": st.text(alphabet=printable, max_size=100),
        "comment": st.text(alphabet=printable, max_size=1000),
        "show_publicly": st.sampled_from(["on", ""]),
        "consent_owner": st.sampled_from(["on", ""]),
        "source": st.text(alphabet=string.ascii_letters + string.digits + "-_", max_size=64),
    },
)


def sign(client: Client, petition: Any, data: dict[str, str]) -> Any:
    data = {"form_token": form_token(f"sign:{petition.pk}"), **data}
    return post_form(client, f"/en/petitions/{petition.slug}/sign/", data)


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURES_OK)
@given(data=good_signatures)
def test_any_well_formed_signature_is_taken_and_stored_once(
    client: Client, data: dict[str, str]
) -> None:
    petition = factories.PetitionFactory()

    response = sign(client, petition, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].startswith(f"/en/petitions/{petition.slug}/thanks/")
    assert Signature.objects.filter(petition=petition).count() == 1


def with_control_character(text: str, char: str, at: int) -> str:
    at %= len(text) + 1
    return text[:at] + char + text[at:]


control_characters = st.characters(whitelist_categories=("Cc", "Co")).filter(
    lambda c: c not in "\n\r\t\x00" and not c.isspace()
)
not_an_address = st.text(alphabet=letters, min_size=1, max_size=60)
not_a_country = st.text(alphabet=letters, min_size=1, max_size=10).filter(
    lambda value: value not in COUNTRY_CODES
)
SLUG_CHARACTERS = set(string.ascii_letters + string.digits + "-_")
not_a_slug = st.text(alphabet=printable, min_size=1, max_size=64).filter(
    lambda value: not set(value.strip()) <= SLUG_CHARACTERS
)

INCOMPLETE = "The form was incomplete. Please check your details and send it again."
bad_fields = st.one_of(
    not_an_address.map(lambda v: ({"email": v}, "email", "Enter a valid email address.")),
    not_a_country.map(
        lambda v: (
            {"country": v},
            "country",
            f"Select a valid choice. {v} is not one of the available choices.",
        )
    ),
    st.builds(
        with_control_character,
        st.text(alphabet=letters, min_size=1, max_size=100),
        control_characters,
        st.integers(min_value=0),
    ).map(lambda v: ({"name": v}, "name", "Please remove the invisible control characters.")),
    st.builds(
        with_control_character,
        st.text(alphabet=letters, max_size=100),
        control_characters,
        st.integers(min_value=0),
    ).map(lambda v: ({"comment": v}, "comment", "Please remove the invisible control characters.")),
    not_a_slug.map(lambda v: ({"source": v}, "__all__", INCOMPLETE)),
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=64).map(
        lambda v: (
            {"form_token": v},
            "__all__",
            "This form is too old. Please check your details and send it again.",
        )
    ),
)


@settings(max_examples=80, deadline=None, suppress_health_check=FIXTURES_OK)
@given(data=good_signatures, bad=bad_fields)
def test_a_form_with_one_bad_field_is_refused_with_that_fields_message(
    client: Client, data: dict[str, str], bad: tuple[dict[str, str], str, str]
) -> None:
    petition = factories.PetitionFactory()
    fields, field, message = bad

    response = sign(client, petition, {**data, **fields})

    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}
    shown = (
        f'<div class="form-errors" role="alert"><p>{escape(message)}</p></div>'
        if field == "__all__"
        else f'<p class="error" role="alert">{escape(message)}</p>'
    )
    assert shown in response.content.decode()
    assert not Signature.objects.filter(petition=petition).exists()


text = st.one_of(
    st.text(max_size=400),
    st.sampled_from(
        ["", " ", "<script>alert(1)</script>", "' OR 1=1 --", "\\x00", "ä" * 130, "@", "a@b"]
    ),
)
any_fields = st.fixed_dictionaries(
    {},
    optional={
        "name": text,
        "email": st.one_of(text, st.emails().map(str)),
        "country": st.one_of(text, st.sampled_from(["AR", "ZZ", "ar", "", "ARG"])),
        "city": text,
        "comment": text,
        "show_publicly": text,
        "consent_owner": text,
        "website": st.sampled_from(["", "x"]),
        "source": text,
        "ref": text,
        "partner": text,
        "altcha": text,
    },
)


def test_a_forged_non_ascii_form_token_is_refused_as_too_old(client: Client) -> None:
    petition = factories.PetitionFactory()

    data = {"name": "Ana", "email": "ana@example.org", "country": "AR", "form_token": "ä"}

    response = sign(client, petition, data)

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "__all__": ["This form is too old. Please check your details and send it again."]
    }


@settings(max_examples=200, deadline=None)
@given(data=any_fields)
def test_fast_lane_check_agrees_with_the_form(data: dict[str, str]) -> None:
    """The fast lane's field check takes exactly what the full form takes."""
    from django.http import QueryDict

    from solidaria.petitions.forms import SignatureForm

    query = QueryDict(urlencode(data))
    form = SignatureForm(query)
    fast = SignatureForm.clean_data(query)
    if form.is_valid():
        assert fast == form.cleaned_data
    else:
        assert fast is None
