"""Whatever a visitor sends to a public page, the answer is never a 500."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories

pytestmark = pytest.mark.django_db

anything = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=300)


LANGUAGES = st.sampled_from(["es", "en", "pt", "fr", "de", "xx", ""])
FIXTURES_OK = [HealthCheck.function_scoped_fixture]


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURES_OK)
@given(slug=anything, page=anything, language=LANGUAGES, real=st.booleans())
def test_public_pages_never_fail(
    client: Client, slug: str, page: str, language: str, real: bool
) -> None:
    """A random slug only reaches the 404: with `real`, the query strings are fuzzed on
    pages that exist, which answer 200 in any of our languages."""
    campaign = factories.CampaignFactory()
    fund = factories.FundFactory(campaign=campaign)
    event = factories.EventFactory(campaign=campaign)
    day = factories.DayOfActionFactory(campaign=campaign)
    random_slug = quote(slug, safe="")
    campaign_slug, fund_slug, event_slug, day_slug = (
        (campaign.slug, fund.slug, event.slug, day.slug) if real else (random_slug,) * 4
    )
    prefix = f"/{language}" if language else ""
    found = [
        client.get(f"{prefix}/campaigns/{campaign_slug}/"),
        client.get(f"{prefix}/funds/{fund_slug}/", {"currency": page}),
        client.get(f"{prefix}/funds/{fund_slug}/ledger/"),
        client.get(f"{prefix}/events/{event_slug}/", {"tz": page}),
        client.get(f"{prefix}/days/{day_slug}/", {"q": page}),
        client.get(f"{prefix}/campaigns/{campaign_slug}/events.ics"),
    ]
    responses = [
        *found,
        client.get(f"{prefix}/", {"page": page}),
        client.get(f"{prefix}/share/mastodon/", {"instance": slug, "text": page}),
        client.get(f"{prefix}/funds/manage/{random_slug}/"),
        client.get(f"{prefix}/funds/{fund_slug}/pledge/{random_slug}/"),
        client.get(f"{prefix}/events/me/{random_slug}/"),
        client.get(f"{prefix}/events/host/{random_slug}/"),
    ]
    for response in responses:
        assert response.status_code < 500
    if real and language in ("es", "en", "pt", "fr", "de"):
        assert [r.status_code for r in found] == [200] * len(found)


@settings(max_examples=30, deadline=None, suppress_health_check=FIXTURES_OK)
@given(host=st.text(min_size=1, max_size=100).filter(lambda h: "\n" not in h and "\r" not in h))
def test_hostile_host_headers_are_a_400(client: Client, host: str) -> None:
    response = client.get("/en/", HTTP_HOST=host)
    assert response.status_code in (200, 301, 302, 400)
