from __future__ import annotations

import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from solidaria.campaigns.models import Campaign
from solidaria.core.models import AuditEntry
from solidaria.organisations.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db


def staff_client(client: Client, role: str = Membership.Role.ORGANISER):
    membership = factories.MembershipFactory(role=role)
    client.force_login(membership.user)
    return client, membership


def campaign_form(organisation, **overrides):
    data = {
        "title_0": "Solidaridad ya",  # es
        "title_1": "Solidarity now",  # en
        "slug": "solidarity-now",
        "owner": organisation.pk,
        "languages": ["es", "en"],
        "summary_0": "Resumen.",
        "summary_1": "Summary.",
        "story_0": "Historia.",
        "story_1": "Story.",
        "image_alt_0": "",
        "image_alt_1": "",
        "retention_months": "6",
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
        "updates-MIN_NUM_FORMS": "0",
        "updates-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def png_bytes(size=(32, 32)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_organiser_creates_a_multilingual_campaign_and_publishes_it(client: Client) -> None:
    client, membership = staff_client(client)
    data = campaign_form(membership.organisation)
    data["image"] = SimpleUploadedFile("banner.png", png_bytes(), content_type="image/png")
    response = client.post("/admin/campaigns/campaign/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    campaign = Campaign.objects.get(slug="solidarity-now")
    assert campaign.title.data["es"] == "Solidaridad ya"
    assert campaign.title.data["en"] == "Solidarity now"
    assert campaign.status == Campaign.Status.DRAFT
    assert AuditEntry.objects.filter(action="campaign.created", object_id=str(campaign.pk)).exists()

    response = client.post(
        "/admin/campaigns/campaign/",
        {"action": "publish", "_selected_action": [campaign.pk]},
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.LIVE and campaign.published_at is not None
    entry = AuditEntry.objects.get(action="campaign.live")
    assert entry.actor == membership.user and entry.organisation == membership.organisation
    assert Client().get("/en/campaigns/solidarity-now/").status_code == 200


def test_bad_uploads_and_languages_are_form_errors_not_500s(client: Client) -> None:
    client, membership = staff_client(client)
    cases = [
        (
            {"image": SimpleUploadedFile("x.png", b"not an image", content_type="image/png")},
            "image",
        ),
        ({"image": SimpleUploadedFile("x.gif", png_bytes(), content_type="image/gif")}, "image"),
        ({"languages": ["xx"]}, "languages"),
        ({"languages": []}, "languages"),
        ({"slug": "not a slug!"}, "slug"),
        ({"title_0": "", "title_1": ""}, "title"),
    ]
    for overrides, field in cases:
        response = client.post(
            "/admin/campaigns/campaign/add/", campaign_form(membership.organisation, **overrides)
        )
        assert response.status_code == 200, overrides
        assert field in response.context["adminform"].form.errors, overrides
    assert not Campaign.objects.exists()


def test_retention_may_be_shortened_never_lengthened_past_two_years(client: Client) -> None:
    client, membership = staff_client(client)
    page = client.get("/admin/campaigns/campaign/add/").content.decode()
    assert "6 by default; from 1 to 24 months." in page
    for months in ("0", "25"):
        response = client.post(
            "/admin/campaigns/campaign/add/",
            campaign_form(membership.organisation, retention_months=months),
        )
        assert response.status_code == 200, months
        assert "retention_months" in response.context["adminform"].form.errors
    response = client.post(
        "/admin/campaigns/campaign/add/",
        campaign_form(membership.organisation, retention_months="3"),
    )
    assert response.status_code == 302
    assert Campaign.objects.get(slug="solidarity-now").retention_months == 3


def test_oversized_image_is_refused(client: Client, settings) -> None:
    settings.MAX_IMAGE_UPLOAD_BYTES = 1000
    client, membership = staff_client(client)
    data = campaign_form(membership.organisation)
    data["image"] = SimpleUploadedFile(
        "big.png", png_bytes((400, 400)) + b"\0" * 2000, content_type="image/png"
    )
    response = client.post("/admin/campaigns/campaign/add/", data)
    assert response.status_code == 200
    assert "the limit is" in str(response.context["adminform"].form.errors["image"])


def test_staff_see_only_their_organisations_campaigns(client: Client) -> None:
    client, membership = staff_client(client)
    mine = factories.CampaignFactory(owner=membership.organisation)
    theirs = factories.CampaignFactory()
    listing = client.get("/admin/campaigns/campaign/").content.decode()
    assert str(mine.text.title) in listing
    assert str(theirs.text.title) not in listing
    # Django's answer for an object that does not exist: they learn nothing more.
    response = client.get(f"/admin/campaigns/campaign/{theirs.pk}/change/")
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"campaign with ID “{theirs.pk}” doesn’t exist. Perhaps it was deleted?"
    ]
    # Nor can they file a campaign under somebody else's organisation.
    response = client.post(
        "/admin/campaigns/campaign/add/", campaign_form(theirs.owner, slug="sneaky")
    )
    assert response.status_code == 200
    assert "owner" in response.context["adminform"].form.errors


def test_viewers_read_but_do_not_change(client: Client) -> None:
    client, membership = staff_client(client, role=Membership.Role.VIEWER)
    campaign = factories.CampaignFactory(owner=membership.organisation)
    page = client.get(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.get("/admin/campaigns/campaign/add/").status_code == 403
    response = client.post(
        f"/admin/campaigns/campaign/{campaign.pk}/change/", campaign_form(membership.organisation)
    )
    assert response.status_code == 403


def test_only_owners_manage_staff(client: Client) -> None:
    client, membership = staff_client(client, role=Membership.Role.ORGANISER)
    page = client.get(f"/admin/organisations/organisation/{membership.organisation.pk}/change/")
    assert page.status_code == 200
    assert 'name="memberships-0-role"' not in page.content.decode()  # listed read-only
    owner_client, owner = staff_client(Client(), role=Membership.Role.OWNER)
    page = owner_client.get(f"/admin/organisations/organisation/{owner.organisation.pk}/change/")
    assert 'name="memberships-0-role"' in page.content.decode()
