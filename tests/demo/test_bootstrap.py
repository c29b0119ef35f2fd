from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from solidaria.campaigns.models import Campaign, CampaignUpdate
from solidaria.committee.models import Committee, Member, Proposal
from solidaria.cooperatives.models import Cooperative, PickupPoint, Product, Round, RoundItem
from solidaria.demo.committee_content import COMMITTEE, MEMBERS, SKILLS, STALL, TOUR
from solidaria.demo.content import CAMPAIGNS, ORGANISATIONS
from solidaria.demo.cooperative_content import COOPERATIVES, GERMAN_GROUP, KEPT_BY, ROUND
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
    assert "1 committee." in first
    organisations = Organisation.objects.count()
    updates = CampaignUpdate.objects.count()
    committee_rows = (Committee.objects.count(), Member.objects.count(), Proposal.objects.count())
    assert organisations == len(ORGANISATIONS) + 1  # and the German group of the buying round

    second = bootstrap()
    password_2 = re.search(r"password: (\S+)", second).group(1)
    assert password_1 != password_2
    assert (Organisation.objects.count(), CampaignUpdate.objects.count()) == (
        organisations,
        updates,
    )
    assert "Demo loaded" not in second
    assert (Committee.objects.count(), Member.objects.count(), Proposal.objects.count()) == (
        committee_rows
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
    # Those who came to the panel or gave, and the committee's members.
    assert names == sorted([person[0] for person in PEOPLE] + [member[0] for member in MEMBERS])
    for page in ("/admin/supporters/tag/", "/admin/supporters/segment/"):
        assert client.get(page).status_code == 200
    assert client.get("/admin/supporters/supporter/").status_code == 403  # data protection role
    # The demo's buying round and the cooperatives, in the console.
    rounds = client.get("/admin/cooperatives/round/")
    assert [r.slug for r in rounds.context["cl"].result_list] == [ROUND["slug"]]
    cooperatives = client.get("/admin/cooperatives/cooperative/")
    assert len(cooperatives.context["cl"].result_list) == len(COOPERATIVES)


def test_the_demo_committee_has_its_members_and_both_proposals(client: Client) -> None:
    password = re.search(r"password: (\S+)", bootstrap()).group(1)
    committee = Committee.objects.select_related("campaign", "organisation").get(
        slug=COMMITTEE["slug"]
    )

    assert committee.campaign.slug == "recovered-workplaces-solidarity"
    assert committee.organisation == committee.campaign.owner
    assert [s.key for s in committee.skills.order_by("position")] == [k for k, _l in SKILLS]
    members = Member.objects.filter(committee=committee)
    assert committee.members_count == len(MEMBERS) == members.filter(status="confirmed").count()
    assert len(MEMBERS) >= 24
    countries = set(members.values_list("country", flat=True))
    assert {"DE", "ES", "AR", "FR", "BR", "IT", "GB", "US", "UY"} <= countries
    listed = members.filter(listed=True).count()
    assert 0 < listed < len(MEMBERS) / 2
    assert sum(1 for member in members if member.organisation_name) >= 3  # encrypted
    assert all(m.supporter_id for m in members)  # confirmed through the service
    for language in ("es", "en", "de", "pt", "fr"):
        assert committee.description.data[language] and committee.aims.data[language]

    stall = Proposal.objects.get(committee=committee, title=STALL["title"])
    assert stall.status == Proposal.Status.OPEN
    assert stall.supports_count == len(STALL["supporters"])
    assert stall.comments_count == len(STALL["comments"]) > 0
    assert (stall.city, str(stall.country)) == ("Berlin", "DE")
    tour = Proposal.objects.select_related("event").get(committee=committee, title=TOUR["title"])
    assert tour.status == Proposal.Status.ACCEPTED
    assert tour.event is not None and tour.event.campaign_id == committee.campaign_id
    assert tour.event.status == "proposed"  # a draft: not public until published

    # The organiser's console opens on them.
    assert client.login(username="organiser", password=password)
    waiting = client.get("/admin/committee/proposal/")
    assert "Proposals: 0 waiting for moderation" in waiting.content.decode()
    assert client.get(f"/admin/committee/proposal/{stall.pk}/change/").status_code == 200
    assert client.get("/admin/committee/member/", {"speaks": "de"}).status_code == 200


def test_the_demo_directory_and_the_buying_round_in_germany(client: Client) -> None:
    bootstrap()
    cooperatives = list(Cooperative.objects.select_related("organisation"))
    assert len(cooperatives) == len(COOPERATIVES) >= 12
    assert {c.organisation.slug for c in cooperatives} == {KEPT_BY}
    assert len({c.sector for c in cooperatives}) >= 5
    assert len({c.province for c in cooperatives}) >= 6
    assert [c.status for c in cooperatives].count("closed") == 1
    assert 1 <= [c.status for c in cooperatives].count("reduced") <= 2
    assert all(c.latitude is not None and c.longitude is not None for c in cooperatives)
    assert all(c.story.data["es"] and c.story.data["en"] for c in cooperatives)
    real = [c for c in cooperatives if not c.is_example]
    assert {"fasinpat-zanon", "hotel-bauen", "impa", "textiles-pigue"} <= {c.slug for c in real}
    assert all(c.status == "active" for c in real)  # closures and cuts are invented examples
    for cooperative in cooperatives:
        assert 2 <= cooperative.products.count() <= 4
    assert Product.objects.filter(variants__isnull=False).distinct().count() >= 2

    round_ = Round.objects.select_related("organisation").get(slug=ROUND["slug"])
    assert round_.organisation.slug == GERMAN_GROUP["slug"]
    assert contact_email_for(round_.organisation, "de") == "gruppe_arbeitszeit@riseup.net"
    assert (round_.country, round_.currency, round_.time_zone) == ("DE", "EUR", "Europe/Berlin")
    assert round_.is_open
    assert timedelta(days=20) < round_.closes_at - timezone.now() < timedelta(days=23)
    assert round_.exchange_rate == Decimal("1050")
    assert round_.shipping_fee_minor and round_.bank_details.data["de"]
    items = RoundItem.objects.filter(round=round_).select_related("product")
    exportable = Product.objects.filter(exportable=True, available=True).count()
    assert items.count() > exportable / 2
    assert all(item.product.exportable and item.price_minor > 0 for item in items)
    assert items.filter(max_quantity__isnull=False).count() >= 2
    points = PickupPoint.objects.filter(round=round_)
    assert {point.city for point in points} == {"Berlin", "Hamburg"}
    assert not round_.orders.exists()

    for code in ("es", "en", "pt", "fr", "de"):
        response = client.get(f"/{code}/cooperatives/")
        assert response.status_code == 200
        assert response.content.decode().count("<circle ") >= 8
    for cooperative in cooperatives:
        assert client.get(cooperative.get_absolute_url()).status_code == 200

    rows = (Cooperative.objects.count(), Product.objects.count(), RoundItem.objects.count())
    bootstrap()
    assert (Cooperative.objects.count(), Product.objects.count(), RoundItem.objects.count()) == rows
    assert Round.objects.count() == 1
