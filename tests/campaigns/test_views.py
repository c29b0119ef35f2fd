from __future__ import annotations

import re
from html import unescape

import pytest
from django.core.cache import caches
from django.test import Client

from solidaria.campaigns.models import Campaign
from solidaria.campaigns.share import mastodon_share_url
from tests import factories
from tests.helpers import post_form

pytestmark = pytest.mark.django_db


def test_home_lists_live_campaigns_in_the_visitors_language(client: Client) -> None:
    live = factories.CampaignFactory(
        title={"es": "Libertad a los presos", "en": "Free the prisoners"}
    )
    factories.CampaignFactory(status=Campaign.Status.DRAFT, title={"en": "Secret draft"})
    factories.CampaignFactory(status=Campaign.Status.ARCHIVED, title={"en": "Old campaign"})

    english = client.get("/en/").content.decode()
    spanish = client.get("/es/").content.decode()
    assert "Free the prisoners" in english and "Libertad a los presos" not in english
    assert "Libertad a los presos" in spanish
    assert "Secret draft" not in english and "Old campaign" not in english
    assert live.get_absolute_url().replace("/en/", "/es/") == "/es/campaigns/" + live.slug + "/"


def test_home_empty_state_and_pagination(client: Client) -> None:
    assert "no live campaigns" in client.get("/en/").content.decode()
    caches["pages"].clear()  # as if the short page cache had expired
    factories.CampaignFactory.create_batch(13)
    first = client.get("/en/").content.decode()
    assert 'rel="next"' in first
    assert "Page 1 of 2" in first
    assert client.get("/en/?page=2").status_code == 200
    assert client.get("/en/?page=abc").status_code == 200  # a bad page number shows page 1
    assert client.get("/en/?page=99").status_code == 200


def test_campaign_page_shows_story_updates_organisations_and_share_links(client: Client) -> None:
    owner = factories.OrganisationFactory(name="Partido Obrero", country="AR")
    partner = factories.OrganisationFactory(name="Left Voice", country="US")
    campaign = factories.CampaignFactory(owner=owner)
    campaign.partners.add(partner)
    factories.CampaignUpdateFactory(
        campaign=campaign, title={"en": "Older news"}, published_at="2026-01-01T10:00:00Z"
    )
    factories.CampaignUpdateFactory(
        campaign=campaign, title={"en": "Newer news"}, published_at="2026-02-01T10:00:00Z"
    )
    factories.CampaignUpdateFactory(
        campaign=campaign, title={"en": "Hidden news"}, is_published=False
    )

    html = unescape(client.get(f"/en/campaigns/{campaign.slug}/").content.decode())
    assert "First paragraph." in html and "<p>Second paragraph.</p>" in html
    assert html.index("Newer news") < html.index("Older news")
    assert "Hidden news" not in html
    assert "Partido Obrero" in html and "Argentina" in html
    assert "Left Voice" in html and "United States" in html
    for network in ("email", "x", "facebook", "whatsapp", "telegram", "mastodon"):
        assert f'data-network="{network}"' in html
    assert f'<meta property="og:title" content="{campaign.text.title}">' in html
    assert '<meta property="og:url" content="http://127.0.0.1:8000/en/campaigns/' in html


def test_campaign_page_runs_a_fixed_number_of_queries(
    client: Client, django_assert_num_queries
) -> None:
    campaign = factories.CampaignFactory()
    for _ in range(5):
        campaign.partners.add(factories.OrganisationFactory())
        factories.CampaignUpdateFactory(campaign=campaign)
    # campaign+owner, partners, contacts, updates, petitions, funds, days of action,
    # upcoming events, committees
    factories.CommitteeFactory(campaign=campaign)
    with django_assert_num_queries(9):
        assert client.get(f"/en/campaigns/{campaign.slug}/").status_code == 200


def test_home_runs_a_fixed_number_of_queries(client: Client, django_assert_num_queries) -> None:
    factories.CampaignFactory.create_batch(8)
    with django_assert_num_queries(2):
        assert client.get("/en/").status_code == 200


def test_text_falls_back_in_the_campaigns_order_and_says_so(client: Client) -> None:
    campaign = factories.CampaignFactory(
        languages=["es", "en"],
        title={"es": "Título original", "en": "English title"},
        story={"es": "Historia en castellano."},
    )
    html = client.get(f"/de/campaigns/{campaign.slug}/").content.decode()
    assert 'lang="es"' in html and "Historia en castellano." in html
    assert "Título original" in html  # de missing → es, the original
    assert "Spanisch" in html  # the note names the language shown, in German


def test_drafts_and_archived_campaigns_are_not_public(client: Client) -> None:
    draft = factories.CampaignFactory(status=Campaign.Status.DRAFT)
    archived = factories.CampaignFactory(status=Campaign.Status.ARCHIVED)
    closed = factories.CampaignFactory(status=Campaign.Status.CLOSED)
    assert client.get(f"/en/campaigns/{draft.slug}/").status_code == 404
    assert client.get(f"/en/campaigns/{archived.slug}/").status_code == 404
    page = client.get(f"/en/campaigns/{closed.slug}/")
    assert page.status_code == 200 and "has closed" in page.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/en/campaigns/%3Cscript%3E/",
        "/en/campaigns/a%20b/",
        "/en/campaigns/../../etc/passwd",
        "/en/campaigns/" + "x" * 500 + "/",
    ],
)
def test_bad_slugs_are_a_clear_404(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_text_is_always_escaped(client: Client) -> None:
    campaign = factories.CampaignFactory(
        title={"en": "<script>alert(1)</script>"}, story={"en": "<img src=x onerror=alert(1)>"}
    )
    html = client.get(f"/en/campaigns/{campaign.slug}/").content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_mastodon_share_asks_for_the_server_then_redirects() -> None:
    client = Client(enforce_csrf_checks=True)  # as a browser: no CSRF cookie on this page
    page = client.get("/en/share/mastodon/?text=Sign+now")
    assert page.status_code == 200 and "Your Mastodon server" in page.content.decode()
    response = post_form(
        client, "/en/share/mastodon/", {"text": "Sign now", "instance": "https://Mastodon.Social/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "https://mastodon.social/share?text=Sign+now"
    bad = post_form(client, "/en/share/mastodon/", {"text": "x", "instance": "javascript:alert(1)"})
    assert bad.status_code == 400
    assert "address of your Mastodon server" in bad.content.decode()
    spanish = post_form(client, "/es/share/mastodon/", {"text": "x", "instance": "no_valid"})
    assert spanish.status_code == 400
    assert re.search(r"servidor de Mastodon", spanish.content.decode())


def test_the_mastodon_page_lets_its_form_lead_to_another_server(client: Client) -> None:
    """Browsers apply form-action to the redirect after a form: 'self' blocked it."""
    policy = client.get("/en/share/mastodon/?text=x")["Content-Security-Policy"]
    form_action = next(d for d in policy.split(";") if d.strip().startswith("form-action"))
    assert "https:" in form_action.split()
    other = client.get("/en/")["Content-Security-Policy"]
    assert "https:" not in next(d for d in other.split(";") if "form-action" in d).split()


def test_a_link_to_the_mastodon_page_never_redirects_anywhere(client: Client) -> None:
    """The audit's open redirect: a crafted link sent visitors straight to any host."""
    response = client.get("/en/share/mastodon/?instance=evil.example&text=x")
    assert response.status_code == 200
    assert "Location" not in response
    assert 'value="evil.example"' in response.content.decode()  # shown, to be checked


def test_the_mastodon_form_posted_from_another_site_is_refused(client: Client) -> None:
    response = post_form(
        client,
        "/en/share/mastodon/",
        {"text": "x", "instance": "evil.example"},
        origin="https://evil.example",
    )
    assert response.status_code == 403
    assert "Location" not in response


@pytest.mark.parametrize(
    ("instance", "expected"),
    [
        ("mastodon.social", "mastodon.social"),
        ("  Mastodon.Social ", "mastodon.social"),
        ("https://mastodon.social/", "mastodon.social"),
        ("@ana@chaos.social", "chaos.social"),
        ("https://social.coop/@ana", "social.coop"),
        ("xn--mastdon-m2a.example.xn--p1ai", "xn--mastdon-m2a.example.xn--p1ai"),
        ("localhost", None),
        ("evil.example/../x", None),
        ("https://evil.example/redirect?to=x", None),
        ("https://user@evil.example/", None),
        ("ana@evil.example", None),
        ("evil.example:8443", None),
        ("https://evil.example:443/", None),
        ("http://evil.example", None),
        ("//evil.example", None),
        ("192.168.1.10", None),
        ("[::1]", None),
        ("10.0.0.1.nip.io", "10.0.0.1.nip.io"),
        ("bad host.org", None),
        ("-bad.org", None),
        ("https://evil.example\n/", None),
        ("evil.example\n", "evil.example"),  # typed with a newline: trimmed
        ("", None),
    ],
)
def test_mastodon_host_parsing(instance: str, expected: str | None) -> None:
    url = mastodon_share_url(instance=instance, text="t")
    assert (url.split("/")[2] if url else None) == expected
