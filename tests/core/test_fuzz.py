"""Whatever a visitor sends to a public page, the answer is the one its address calls for."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from django.http.request import split_domain_port
from django.test import Client
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests import factories

pytestmark = pytest.mark.django_db

anything = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=300)

OUR_LANGUAGES = st.sampled_from(["es", "en", "pt", "fr", "de"])
FIXTURES_OK = [HealthCheck.function_scoped_fixture]


def public_pages(text: str) -> tuple[list[str], list[tuple[str, dict[str, str]]]]:
    """A campaign with a fund, an event and a day of action: the slugs of its pages, and
    its pages (with `text` in each query string a page reads) as (path, query) pairs."""
    campaign = factories.CampaignFactory()
    fund = factories.FundFactory(campaign=campaign)
    event = factories.EventFactory(campaign=campaign)
    day = factories.DayOfActionFactory(campaign=campaign)
    slugs = [campaign.slug, fund.slug, event.slug, day.slug]
    pages = [
        (f"/campaigns/{campaign.slug}/", {}),
        (f"/funds/{fund.slug}/", {"currency": text}),
        (f"/funds/{fund.slug}/ledger/", {}),
        (f"/events/{event.slug}/", {"tz": text}),
        (f"/days/{day.slug}/", {"q": text}),
        (f"/campaigns/{campaign.slug}/events.ics", {}),
        ("/", {"page": text}),
        ("/share/mastodon/", {"instance": text, "text": text}),
    ]
    return slugs, pages


@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURES_OK)
@given(text=anything, language=OUR_LANGUAGES)
def test_public_pages_answer_200_whatever_their_query_strings_say(
    client: Client, text: str, language: str
) -> None:
    _slugs, pages = public_pages(text)
    # Addresses longer than MAX_URL_LENGTH get their own clear 414 (tests/core/test_hygiene.py).
    assume(all(len(f"/{language}{path}?{urlencode(query)}") <= 2048 for path, query in pages))

    answers = {path: client.get(f"/{language}{path}", query).status_code for path, query in pages}

    assert answers == {path: 200 for path, _query in pages}


@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURES_OK)
@given(slug=anything, language=OUR_LANGUAGES)
def test_unknown_slugs_and_tokens_are_a_404(client: Client, slug: str, language: str) -> None:
    real_slugs, _pages = public_pages("")
    assume(slug not in real_slugs)
    fund_slug = real_slugs[1]
    unknown = quote(slug, safe="")
    paths = [
        f"/{language}/campaigns/{unknown}/",
        f"/{language}/funds/{unknown}/",
        f"/{language}/funds/{unknown}/ledger/",
        f"/{language}/events/{unknown}/",
        f"/{language}/days/{unknown}/",
        f"/{language}/campaigns/{unknown}/events.ics",
        f"/{language}/funds/manage/{unknown}/",
        f"/{language}/funds/{fund_slug}/pledge/{unknown}/",
        f"/{language}/events/me/{unknown}/",
        f"/{language}/events/host/{unknown}/",
    ]

    answers = {path: client.get(path).status_code for path in paths}

    assert answers == {path: 404 for path in paths}


@pytest.mark.parametrize("language", ["xx", "it", "ru", "nl"])
def test_public_pages_under_a_language_we_do_not_speak_are_a_404(
    client: Client, language: str
) -> None:
    _slugs, pages = public_pages("")

    answers = {path: client.get(f"/{language}{path}", query).status_code for path, query in pages}

    assert answers == {path: 404 for path, _query in pages}


def test_public_pages_without_a_language_redirect_to_the_default_one(client: Client) -> None:
    _slugs, pages = public_pages("")

    answers = {path: client.get(path) for path, _query in pages}

    assert {path: (r.status_code, r["Location"]) for path, r in answers.items()} == {
        path: (302, f"/en{path}") for path, _query in pages
    }


OUR_HOSTS = {"testserver", "localhost", "127.0.0.1"}


@settings(max_examples=30, deadline=None, suppress_health_check=FIXTURES_OK)
@given(host=st.text(min_size=1, max_size=100).filter(lambda h: "\n" not in h and "\r" not in h))
def test_hostile_host_headers_are_a_400(client: Client, host: str) -> None:
    assume(split_domain_port(host.lower())[0] not in OUR_HOSTS)

    assert client.get("/en/", HTTP_HOST=host).status_code == 400


@pytest.mark.parametrize("host", ["testserver", "localhost", "LOCALHOST", "localhost:8000"])
def test_our_own_host_names_are_served(client: Client, host: str) -> None:
    assert client.get("/en/", HTTP_HOST=host).status_code == 200
