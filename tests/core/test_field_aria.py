"""Screen readers reach a field's help and errors: every id a field's `aria-describedby`
names is on the page (the `{% field %}` tag, core/templatetags/fields.py)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client

from solidaria.core.web.formguard import form_token
from tests import factories
from tests.helpers import post_form

pytestmark = pytest.mark.django_db


class Described(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.described: dict[str, list[str]] = {}  # field id -> ids it names

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"] or "")
        if attributes.get("aria-describedby"):
            names = (attributes["aria-describedby"] or "").split()
            self.described[attributes.get("id") or tag] = names


def described(html: str) -> Described:
    parser = Described()
    parser.feed(html)
    return parser


def test_help_text_is_named_by_its_field(client: Client) -> None:
    petition = factories.PetitionFactory()
    page = described(client.get(f"/en/petitions/{petition.slug}/").content.decode())
    assert page.described["id_email"] == ["id_email_helptext"]
    for names in page.described.values():
        assert set(names) <= page.ids


def test_errors_are_named_by_their_field(client: Client) -> None:
    event = factories.EventFactory()
    response = post_form(
        client,
        f"/en/events/{event.slug}/register/",
        {"name": "", "email": "nope", "form_token": form_token(f"rsvp:{event.pk}")},
    )
    assert response.status_code == 400
    page = described(response.content.decode())
    assert page.described["id_email"] == ["id_email_helptext", "id_email_error"]
    assert page.described["id_name"] == ["id_name_error"]
    for names in page.described.values():
        assert set(names) <= page.ids
