from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_anonymous_page_is_served_from_the_cache(client: Client, campaign) -> None:
    url = campaign.get_absolute_url()
    first = client.get(url)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert len(queries) == 0
    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_visitors_with_a_session_are_not_served_shared_copies(client: Client, campaign) -> None:
    url = campaign.get_absolute_url()
    client.get(url)
    client.cookies["sessionid"] = "anything"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(queries) > 0


def test_errors_and_private_pages_are_not_cached(client: Client) -> None:
    client.get("/en/campaigns/missing/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/campaigns/missing/")
    assert response.status_code == 404
    assert len(queries) > 0
    assert "public" not in client.get("/healthz").get("Cache-Control", "")
