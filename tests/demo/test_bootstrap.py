from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client

from solidaria.campaigns.models import Campaign, CampaignUpdate
from solidaria.demo.content import CAMPAIGNS, ORGANISATIONS
from solidaria.demo.people_content import PEOPLE
from solidaria.organisations.models import Organisation
from solidaria.organisations.selectors import contact_email_for

pytestmark = pytest.mark.django_db


def bootstrap() -> str:
    out = io.StringIO()
    call_command("bootstrap", stdout=out)
    return out.getvalue()


def test_bootstrap_loads_the_demo_once_and_prints_a_fresh_login() -> None:
    first = bootstrap()
    password_1 = re.search(r"password: (\S+)", first).group(1)
    assert Campaign.objects.filter(status=Campaign.Status.LIVE).count() == 4
    organisations = Organisation.objects.count()
    updates = CampaignUpdate.objects.count()
    assert organisations == len(ORGANISATIONS)

    second = bootstrap()
    password_2 = re.search(r"password: (\S+)", second).group(1)
    assert password_1 != password_2
    assert (Organisation.objects.count(), CampaignUpdate.objects.count()) == (
        organisations,
        updates,
    )
    assert Campaign.objects.count() == len(CAMPAIGNS)
    assert authenticate(username="organiser", password=password_2) is not None
    assert authenticate(username="organiser", password=password_1) is None


def test_demo_matches_the_seeds() -> None:
    bootstrap()
    letter = Campaign.objects.get(slug="defend-argentine-democracy")
    signatories = [letter.owner, *letter.partners.all()]
    assert len(signatories) == 22
    countries = {o.country.code for o in signatories if o.country}
    assert {"ES", "BR", "CL", "UY", "CO", "PE", "FR", "BE", "US"} <= countries
    committee = Campaign.objects.get(slug="recovered-workplaces-solidarity").owner
    assert contact_email_for(committee, "de") == "gruppe_arbeitszeit@riseup.net"
    assert contact_email_for(committee, "es") == "solidaridadERT@proton.me"
    assert contact_email_for(committee, "en") == "solidaridadERT@proton.me"
    assert contact_email_for(committee, "fr") == "solidaridadERT@proton.me"


def test_every_demo_page_renders_in_every_language(client: Client) -> None:
    bootstrap()
    for campaign in Campaign.objects.all():
        for code in ("es", "en", "pt", "fr", "de"):
            response = client.get(f"/{code}/campaigns/{campaign.slug}/")
            assert response.status_code == 200
            title = campaign.title.data[code]
            from html import escape

            assert escape(title) in response.content.decode()


def test_the_printed_organiser_login_opens_the_demo_people_their_tags_and_segments(
    client: Client,
) -> None:
    password = re.search(r"password: (\S+)", bootstrap()).group(1)
    assert client.login(username="organiser", password=password)

    people = client.get("/admin/supporters/organisationsupporter/")

    assert people.status_code == 200
    names = sorted({r.supporter.name for r in people.context["cl"].result_list})
    assert names == sorted(person[0] for person in PEOPLE)
    for page in ("/admin/supporters/tag/", "/admin/supporters/segment/"):
        assert client.get(page).status_code == 200
    assert client.get("/admin/supporters/supporter/").status_code == 403  # data protection role
