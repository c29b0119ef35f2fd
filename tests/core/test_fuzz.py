"""Whatever a visitor sends to a public page, the answer is never a 500."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

anything = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=300)


LANGUAGES = st.sampled_from(["es", "en", "pt", "fr", "de", "xx", ""])
FIXTURES_OK = [HealthCheck.function_scoped_fixture]


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURES_OK)
@given(slug=anything, page=anything, language=LANGUAGES)
def test_public_pages_never_fail(client: Client, slug: str, page: str, language: str) -> None:
    prefix = f"/{language}" if language else ""
    responses = [
        client.get(f"{prefix}/campaigns/{quote(slug, safe='')}/"),
        client.get(f"{prefix}/", {"page": page}),
        client.get(f"{prefix}/share/mastodon/", {"instance": slug, "text": page}),
        client.get(f"{prefix}/funds/{quote(slug, safe='')}/", {"currency": page}),
        client.get(f"{prefix}/funds/{quote(slug, safe='')}/ledger/"),
        client.get(f"{prefix}/funds/manage/{quote(slug, safe='')}/"),
        client.get(f"{prefix}/funds/x/pledge/{quote(slug, safe='')}/"),
        client.get(f"{prefix}/events/{quote(slug, safe='')}/", {"tz": page}),
        client.get(f"{prefix}/events/me/{quote(slug, safe='')}/"),
        client.get(f"{prefix}/events/host/{quote(slug, safe='')}/"),
        client.get(f"{prefix}/days/{quote(slug, safe='')}/", {"q": page}),
        client.get(f"{prefix}/campaigns/{quote(slug, safe='')}/events.ics"),
    ]
    for response in responses:
        assert response.status_code < 500


@settings(max_examples=30, deadline=None, suppress_health_check=FIXTURES_OK)
@given(host=st.text(min_size=1, max_size=100).filter(lambda h: "\n" not in h and "\r" not in h))
def test_hostile_host_headers_are_a_400(client: Client, host: str) -> None:
    response = client.get("/en/", HTTP_HOST=host)
    assert response.status_code in (200, 301, 302, 400)
