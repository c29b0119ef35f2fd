from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest

from solidaria.campaigns.models import Campaign
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_visitor_finds_a_campaign_and_switches_language(page: Any, live_server: Any) -> None:
    owner = factories.OrganisationFactory(name="Partido Obrero")
    campaign = factories.CampaignFactory(
        owner=owner,
        title={"es": "Basta de represión", "en": "Stop the repression"},
        story={"es": "Texto de la campaña.", "en": "Campaign text."},
    )
    factories.CampaignUpdateFactory(campaign=campaign, title={"es": "Audiencia", "en": "Hearing"})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto(live_server.url + "/")  # Accept-Language es-AR → Spanish
    assert urlparse(page.url).path == "/es/"
    page.get_by_role("link", name="Basta de represión").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Basta de represión"
    assert page.get_by_text("Texto de la campaña.").is_visible()
    assert page.get_by_text("Audiencia").is_visible()

    page.get_by_role("link", name="English").click()
    assert urlparse(page.url).path == f"/en/campaigns/{campaign.slug}/"
    assert page.get_by_role("heading", level=1).inner_text() == "Stop the repression"

    # Nothing was requested from any other host.
    hosts = {urlparse(url).netloc for url in requests if url.startswith("http")}
    assert hosts == {urlparse(live_server.url).netloc}


def test_organiser_logs_in_and_publishes_a_campaign(page: Any, live_server: Any) -> None:
    membership = factories.MembershipFactory(user__username="lucia")
    draft = factories.CampaignFactory(
        owner=membership.organisation,
        status=Campaign.Status.DRAFT,
        title={"es": "Borrador", "en": "Draft"},
    )

    page.goto(live_server.url + "/admin/")
    page.fill("#id_username", "lucia")
    page.fill("#id_password", "correct horse battery")
    page.locator("#login-form input[type=submit]").click()
    page.wait_for_url(live_server.url + "/admin/")
    page.goto(live_server.url + "/admin/campaigns/campaign/")
    page.check(f"input[name=_selected_action][value='{draft.pk}']")
    page.select_option("select[name=action]", "publish")
    page.locator("button[name=index]").click()
    page.wait_for_load_state()

    draft.refresh_from_db()
    assert draft.status == Campaign.Status.LIVE
    page.goto(live_server.url + f"/es/campaigns/{draft.slug}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Borrador"
