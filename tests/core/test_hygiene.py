"""Requests refused before any view (core.web.hygiene), headers on every response,
compressed public pages, and a page cache that never carries one visitor's data
to another."""

from __future__ import annotations

import gzip
from typing import Any

import pytest
from django.test import Client

from solidaria.core.web.formguard import form_token
from solidaria.petitions.models import Petition, Signature
from tests import factories
from tests.helpers import ORIGIN
from tests.petitions.test_signing import sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def petition() -> Petition:
    return factories.PetitionFactory()


def public_pages(petition: Petition) -> list[str]:
    return ["/en/", petition.get_absolute_url(), petition.campaign.get_absolute_url()]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "TRACE", "PROPFIND"])
def test_a_public_page_answers_405_with_allow_to_methods_it_does_not_serve(
    petition: Petition, method: str
) -> None:
    client = Client(enforce_csrf_checks=True)
    for path in public_pages(petition):
        response = client.generic(method, path, HTTP_ORIGIN=ORIGIN)
        assert response.status_code == 405, (path, method)
        assert response["Allow"] == "GET, HEAD"
        assert len(response.content) < 20_000  # a short page, not the page itself


def test_options_says_what_a_page_serves_and_nothing_more(petition: Petition) -> None:
    response = Client().options(petition.get_absolute_url())
    assert response.status_code == 200
    assert response["Allow"] == "GET, HEAD"
    assert response.content == b""


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_a_form_address_answers_405_not_a_csrf_403(petition: Petition, method: str) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.generic(method, f"/es/petitions/{petition.slug}/sign/", HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 405
    assert "POST" in response["Allow"]
    assert "no acepta" in response.content.decode()


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("charset", ["utf-16", "latin-1", "x-bogus", "utf8", "us-ascii"])
def test_a_form_not_in_utf8_is_a_400_in_the_visitors_language(
    client: Client, settings: Any, petition: Petition, charset: str, debug: bool
) -> None:
    settings.DEBUG = debug  # `make run` runs with DEBUG on; this was a 500 there
    response = client.generic(
        "POST",
        f"/es/petitions/{petition.slug}/sign/",
        b"name=Ana&email=ana%40example.org",
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
        HTTP_ORIGIN=ORIGIN,
    )
    assert response.status_code == 400
    assert "codificación" in response.content.decode()
    assert not Signature.objects.exists()


@pytest.mark.parametrize("charset", ["UTF-8", "utf-8", '"utf-8"'])
def test_a_form_in_utf8_is_accepted(client: Client, petition: Petition, charset: str) -> None:
    token = form_token(f"sign:{petition.pk}")
    response = client.generic(
        "POST",
        f"/en/petitions/{petition.slug}/sign/",
        f"name=Ana&email=ana%40example.org&country=AR&form_token={token}",
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
        HTTP_ORIGIN=ORIGIN,
    )
    assert response.status_code == 302
    assert Signature.objects.filter(petition=petition).count() == 1


def test_an_overlong_address_is_a_414_not_an_echo(client: Client, petition: Petition) -> None:
    response = client.get(petition.get_absolute_url(), {"tz": "x" * 60_000})
    assert response.status_code == 414
    assert len(response.content) < 30_000


def test_the_redirect_after_signing_carries_the_security_headers(
    client: Client, petition: Petition
) -> None:
    response = sign(client, petition)
    assert response.status_code == 302  # answered by the signing fast lane
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Permissions-Policy"].startswith("accelerometer=()")
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/en/", "/healthz", "/static/solidaria/site.css"])
def test_pages_health_check_and_static_files_carry_the_permissions_and_resource_policies(
    client: Client, path: str
) -> None:
    response = client.get(path)
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "geolocation=()" in response["Permissions-Policy"]


def test_a_public_page_is_sent_gzipped_to_browsers_that_accept_it(
    client: Client, petition: Petition
) -> None:
    plain = client.get(petition.get_absolute_url())
    assert "Content-Encoding" not in plain
    for attempt in ("stored now", "from the cache"):
        packed = client.get(petition.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip, br")
        assert packed["Content-Encoding"] == "gzip", attempt
        assert "Accept-Encoding" in packed["Vary"]
        assert int(packed["Content-Length"]) == len(packed.content)
        assert gzip.decompress(packed.content) == plain.content
        assert len(packed.content) < len(plain.content) / 2


@pytest.mark.parametrize(
    ("accept_encoding", "gzipped"),
    [
        ("gzip;q=0", False),
        ("identity, gzip;q=0", False),
        ("br, gzip; q=0", False),
        ("br", False),
        ("", False),
        ("*", True),
        ("br, gzip; q=0.5", True),
        ("GZIP", True),
    ],
)
def test_gzip_only_for_browsers_that_take_it(
    client: Client, petition: Petition, accept_encoding: str, gzipped: bool
) -> None:
    for attempt in ("stored now", "from the cache"):
        response = client.get(petition.get_absolute_url(), HTTP_ACCEPT_ENCODING=accept_encoding)
        assert (response.get("Content-Encoding") == "gzip") is gzipped, attempt


def test_a_signed_in_visitors_page_is_not_compressed(client: Client, petition: Petition) -> None:
    client.force_login(factories.UserFactory(is_staff=True))
    response = client.get(petition.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert "Content-Encoding" not in response


def test_the_cache_never_carries_one_visitors_data_to_the_next(petition: Petition) -> None:
    """A staff member signed in, with a language cookie, posts a form with errors;
    the anonymous visitor after them gets the page as any stranger would."""
    staff = factories.UserFactory(is_staff=True, username="organiser-xq")
    first = Client()
    first.force_login(staff)
    first.cookies["django_language"] = "es"
    english, spanish = f"/en/petitions/{petition.slug}/", f"/es/petitions/{petition.slug}/"
    first.get(english)
    first.get(spanish)
    refused = sign(first, petition, email="not-an-address-zzq", name="Marker Zzq Name")
    assert refused.status_code == 400
    assert "Marker Zzq Name" in refused.content.decode()  # shown back to its author only

    stranger = Client()
    for path in (english, spanish):
        for encoding in ("", "gzip"):
            response = stranger.get(path, HTTP_ACCEPT_ENCODING=encoding)
            body = response.content
            if response.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            page = body.decode()
            assert response.status_code == 200
            for private in ("Marker Zzq", "not-an-address-zzq", "organiser-xq", "csrfmiddleware"):
                assert private not in page, (path, private)
            assert not response.cookies
            assert "private" not in response.get("Cache-Control", "")
    # And the English page is English whatever the cookie said.
    assert '<html lang="en"' in stranger.get(english).content.decode()
