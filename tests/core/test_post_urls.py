"""A form's POST address opened with GET or HEAD (a reload, a shared link, the language
switcher after an error) leads to the page with the form, in the address's language."""

from __future__ import annotations

import pytest
from django.test import Client

from solidaria.core.web.formguard import form_token
from tests import factories
from tests.helpers import ORIGIN, post_form, signing_fields

pytestmark = pytest.mark.django_db


def post_only_addresses() -> list[tuple[str, str]]:
    """(the address a form posts to, where GET leads)."""
    petition = factories.PetitionFactory()
    fund = factories.FundFactory()
    event = factories.EventFactory()
    return [
        (
            f"/de/petitions/{petition.slug}/sign/",
            f"/de/petitions/{petition.slug}/#sign-heading",
        ),
        (f"/en/funds/{fund.slug}/give/", f"/en/funds/{fund.slug}/#give-heading"),
        (f"/fr/events/{event.slug}/register/", f"/fr/events/{event.slug}/#rsvp-heading"),
    ]


@pytest.mark.parametrize("method", ["get", "head"])
def test_get_and_head_lead_to_the_form(client: Client, method: str) -> None:
    for address, form_page in post_only_addresses():
        response = getattr(client, method)(address, {"tz": "x" * 500})
        assert response.status_code == 302, address
        assert response["Location"] == form_page
        page = client.get(response["Location"])
        assert page.status_code == 200 and page["Content-Language"] == address[1:3]


def test_the_way_a_visitor_came_is_kept_on_the_way_to_the_form(client: Client) -> None:
    petition = factories.PetitionFactory()
    response = client.get(
        f"/en/petitions/{petition.slug}/sign/", {"source": "newsletter", "junk": "x" * 200}
    )
    assert response["Location"] == f"/en/petitions/{petition.slug}/?source=newsletter#sign-heading"


def test_the_language_switcher_after_an_error_leads_to_the_form(client: Client) -> None:
    fund = factories.FundFactory()
    rejected = post_form(
        client,
        f"/en/funds/{fund.slug}/give/",
        {"currency": "USD", "method": "bank", "email": "not an address"},
    )
    assert rejected.status_code == 400
    assert f'href="/es/funds/{fund.slug}/give/"' in rejected.content.decode()
    switched = client.get(f"/es/funds/{fund.slug}/give/")
    assert switched.status_code == 302
    assert switched["Location"] == f"/es/funds/{fund.slug}/#give-heading"


def test_post_still_signs(client: Client) -> None:
    petition = factories.PetitionFactory()
    response = client.post(
        f"/en/petitions/{petition.slug}/sign/", signing_fields(petition), HTTP_ORIGIN=ORIGIN
    )
    assert response.status_code == 302 and "/thanks/" in response["Location"]


def test_post_still_registers_and_gives(client: Client) -> None:
    event = factories.EventFactory()
    registered = client.post(
        f"/en/events/{event.slug}/register/",
        {
            "name": "Ana",
            "email": "ana@example.org",
            "guests": "0",
            "form_token": form_token(f"rsvp:{event.pk}"),
        },
        HTTP_ORIGIN=ORIGIN,
    )
    assert registered.status_code == 302 and registered["Location"].endswith("/registered/")
    fund = factories.FundFactory()
    given = client.post(
        f"/en/funds/{fund.slug}/give/",
        {
            "amount": "25",
            "currency": "USD",
            "method": "bank",
            "name": "Ana",
            "email": "ana@example.org",
            "form_token": form_token(f"give:{fund.pk}"),
        },
        HTTP_ORIGIN=ORIGIN,
    )
    assert given.status_code == 302 and "/pledge/" in given["Location"]


def test_other_methods_are_refused(client: Client) -> None:
    for address, _form_page in post_only_addresses():
        response = client.put(address)
        assert response.status_code == 405, address
        assert "POST" in response["Allow"]


def test_forms_with_their_own_page_answer_get(client: Client) -> None:
    """The organisation, co-sponsor and host forms post to the address that shows them."""
    letter = factories.PetitionFactory(kind="open_letter")
    event = factories.EventFactory()
    day = factories.DayOfActionFactory()
    for address in (
        f"/es/petitions/{letter.slug}/organisations/",
        f"/es/events/{event.slug}/co-sponsor/",
        f"/es/days/{day.slug}/host/",
    ):
        response = client.get(address)
        assert response.status_code == 200, address
        assert 'method="post"' in response.content.decode()
