"""Site-wide promises: security headers, no third-party requests, errors in the visitor's
language."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


class ResourceCollector(HTMLParser):
    """Every URL the browser would fetch by itself when rendering the page."""

    FETCHED = {
        ("script", "src"),
        ("img", "src"),
        ("link", "href"),
        ("iframe", "src"),
        ("source", "src"),
        ("video", "src"),
        ("audio", "src"),
        ("embed", "src"),
        ("object", "data"),
        ("input", "src"),
        ("use", "href"),  # SVG: the world map's outline
    }

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0
        self.style_attributes = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "link" and attributes.get("rel") in ("alternate", "canonical"):
            return  # metadata, not fetched while rendering
        for attr_tag, attr in self.FETCHED:
            if tag == attr_tag and attributes.get(attr):
                self.urls.append(attributes[attr] or "")
        if tag == "script" and not attributes.get("src"):
            self.inline_scripts += 1
        if "style" in attributes:
            self.style_attributes += 1
        if tag == "img" and attributes.get("srcset"):
            self.urls.extend(part.split()[0] for part in (attributes["srcset"] or "").split(","))


def public_urls() -> list[str]:
    campaign = factories.CampaignFactory()
    factories.CampaignUpdateFactory(campaign=campaign)
    urls = ["/es/", "/en/", "/pt/", "/fr/", "/de/", campaign.get_absolute_url()]
    urls += [f"/{code}/campaigns/{campaign.slug}/" for code in ("es", "pt", "fr", "de")]
    urls += ["/en/share/mastodon/?text=hello", "/en/no-such-page/"]
    fund = factories.FundFactory(campaign=campaign)
    urls += [f"/{code}/funds/{fund.slug}/" for code in ("es", "en", "de")]
    urls += [f"/en/funds/{fund.slug}/?currency=ARS", f"/es/funds/{fund.slug}/ledger/"]
    event = factories.EventFactory(campaign=campaign)
    day = factories.DayOfActionFactory(campaign=campaign)
    urls += [f"/{code}/events/{event.slug}/" for code in ("es", "en", "fr")]
    urls += [f"/en/events/{event.slug}/?tz=Asia/Tokyo", f"/es/days/{day.slug}/"]
    urls += [f"/de/days/{day.slug}/host/", f"/en/events/{event.slug}/co-sponsor/"]
    return urls


def test_no_public_page_loads_anything_from_another_host(client: Client) -> None:
    for url in public_urls():
        response = client.get(url)
        assert response.status_code == (404 if "/no-such-page/" in url else 200), url
        collector = ResourceCollector()
        collector.feed(response.content.decode())
        for fetched in collector.urls:
            parsed = urlparse(fetched)
            assert not parsed.netloc and parsed.scheme in ("", "data"), (url, fetched)
        assert collector.inline_scripts == 0, url
        assert collector.style_attributes == 0, url


def test_security_headers(client: Client) -> None:
    response = client.get("/en/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("language", "text"),
    [("es", "Página no encontrada"), ("en", "Page not found"), ("de", "Seite nicht gefunden")],
)
def test_404_in_the_visitors_language(client: Client, language: str, text: str) -> None:
    response = client.get(f"/{language}/campaigns/no-such-campaign/")
    assert response.status_code == 404
    assert text in response.content.decode()


def test_unknown_language_prefix_is_a_404(client: Client) -> None:
    response = client.get("/xx/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 404
    assert "Página no encontrada" in response.content.decode()


def test_root_redirects_by_accept_language(client: Client) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="pt-BR,pt;q=0.9,en;q=0.5")
    assert response.status_code == 302
    assert response["Location"] == "/pt/"


def test_bad_host_is_a_400_not_a_500(client: Client) -> None:
    response = client.get("/en/", HTTP_HOST="evil.example")
    assert response.status_code == 400


def test_healthz_reports_database_and_queue(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["status"] == "ok"
    assert data["database"]["status"] == "ok"
    assert data["tasks"]["ready"] == 0
    assert data["tasks"]["status"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


def _run_with_production_settings(
    args: list[str], **extra_env: str
) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "PII_KEY", "DJANGO_SETTINGS_MODULE")
    }
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **extra_env})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secrets() -> None:
    result = _run_with_production_settings(["check"])
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr

    result = _run_with_production_settings(["check"], SECRET_KEY="django-insecure-" + "a" * 50)
    assert result.returncode != 0

    result = _run_with_production_settings(["check"], SECRET_KEY="x7Gq-Lm9Tz" * 6)
    assert result.returncode != 0
    assert "PII_KEY" in result.stderr


def test_production_passes_the_deploy_check() -> None:
    from solidaria.core.privacy.pii import generate_key

    result = _run_with_production_settings(
        ["check", "--deploy", "--fail-level", "WARNING"],
        SECRET_KEY="prod-" + generate_key() + generate_key(),
        PII_KEY=generate_key(),
        ALLOWED_HOSTS="solidaria.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
