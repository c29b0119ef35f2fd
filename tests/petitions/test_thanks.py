"""The thank-you page's next step follows the signer's language."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from solidaria.core.rendering.i18n import site_url_in_language
from solidaria.petitions.selectors import petition_next_action_url
from tests import factories
from tests.helpers import post_form, signing_fields

pytestmark = pytest.mark.django_db


def sign_and_follow(client: Client, petition, language: str) -> str:
    """Signs on the page in `language`; returns the thank-you page."""
    data = signing_fields(petition, name="Noa Levi", email="noa@example.org", country="UY")
    response = post_form(client, f"/{language}/petitions/{petition.slug}/sign/", data)
    assert response.status_code == 302
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    return thanks.content.decode()


def next_action_href(page: str) -> str:
    (href,) = re.findall(r'<a class="button" href="([^"]*)">', page)  # the one button link
    return href


def test_signing_in_spanish_leads_to_the_spanish_campaign_page(client: Client) -> None:
    petition = factories.PetitionFactory()
    campaign = petition.campaign
    # As an organiser pastes it from an English page.
    petition.next_action_url = f"/en/campaigns/{campaign.slug}/"
    petition.save()

    page = sign_and_follow(client, petition, "es")

    assert next_action_href(page) == f"/es/campaigns/{campaign.slug}/"


def test_no_next_action_address_means_the_campaign_page_in_the_signers_language(
    client: Client,
) -> None:
    petition = factories.PetitionFactory(next_action_url="")

    page = sign_and_follow(client, petition, "es")

    assert next_action_href(page) == f"/es/campaigns/{petition.campaign.slug}/"


def test_an_external_next_action_address_is_kept(client: Client) -> None:
    external = "https://fund.example.org/en/campaigns/defense/?from=letter"
    petition = factories.PetitionFactory(next_action_url=external)

    page = sign_and_follow(client, petition, "es")

    assert next_action_href(page) == "https://fund.example.org/en/campaigns/defense/?from=letter"


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("/en/campaigns/lucha/", "/es/campaigns/lucha/"),
        ("/fr/petitions/carta/?source=thanks#firmar", "/es/petitions/carta/?source=thanks#firmar"),
        # On this site, written out in full.
        ("http://127.0.0.1:8000/en/campaigns/lucha/", "http://127.0.0.1:8000/es/campaigns/lucha/"),
        # Without a language prefix, as a visitor may have typed it.
        ("/campaigns/lucha/", "/es/campaigns/lucha/"),
        # Not a page this site answers: unchanged.
        ("/en/no-such-page/", "/en/no-such-page/"),
        ("/media/letters/report.pdf", "/media/letters/report.pdf"),
        # Elsewhere: unchanged, even when the path looks like one of ours.
        ("https://other.example/en/campaigns/lucha/", "https://other.example/en/campaigns/lucha/"),
        ("//other.example/en/campaigns/lucha/", "//other.example/en/campaigns/lucha/"),
        ("mailto:info@example.org", "mailto:info@example.org"),
        ("campaigns/lucha/", "campaigns/lucha/"),
    ],
)
def test_site_url_in_language(settings, address: str, expected: str) -> None:
    settings.SITE_URL = "http://127.0.0.1:8000"

    assert site_url_in_language(address, "es") == expected


def test_petition_next_action_url_in_each_language() -> None:
    petition = factories.PetitionFactory(next_action_url="/es/campaigns/lucha/")

    assert [petition_next_action_url(petition, language=code) for code in ("es", "en", "de")] == [
        "/es/campaigns/lucha/",
        "/en/campaigns/lucha/",
        "/de/campaigns/lucha/",
    ]
