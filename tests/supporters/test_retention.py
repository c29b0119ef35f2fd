"""Retention: personal data goes once an action has been closed longer than its
campaign keeps it; every count, total and statistic stays, and so does what a
supporter agreed to keep (their record and consents)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import Client
from django.utils import timezone

from solidaria.campaigns.models import Campaign, months_after
from solidaria.campaigns.services import campaign_set_status
from solidaria.core.models import AuditEntry, OutgoingEmail
from solidaria.events.models import Cosponsor, Event, Rsvp
from solidaria.events.services import cosponsor_request, proposal_decide, rsvp_create
from solidaria.fundraising.services import pledge_create, pledge_mark_received
from solidaria.organisations.models import Membership
from solidaria.petitions import reports
from solidaria.petitions.models import Petition, Signature
from solidaria.petitions.selectors import petition_public_count
from solidaria.petitions.services import petition_tick, signature_confirm, signature_create
from solidaria.supporters.models import ConsentRecord, Supporter
from solidaria.supporters.services import consent_withdraw, personal_data_expire
from tests import factories
from tests.helpers import action_proposed
from tests.supporters.test_erasure import public_figures

pytestmark = pytest.mark.django_db

T0 = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)
DEADLINE = T0 + timedelta(days=5)
SIGNERS = [
    ("Zelmira Quintanilla", "zelmira@example.org", "AR"),
    ("Ofelia Barrientos", "ofelia@example.org", "AR"),
    ("Hanna Vogelsang", "hanna@example.org", "DE"),
]
HOST = ("Irmgard Sonnleitner", "irmgard@example.org")


@dataclass
class Scene:
    petition: Petition
    event: Event
    hosted: Event


def sign_and_confirm(petition: Petition) -> None:
    """Real signatures: signed, confirmed from the emailed link, counted and recorded
    (supporter records and consents) by the tick."""
    for i, (name, email, country) in enumerate(SIGNERS):
        signature_create(
            petition=petition,
            name=name,
            email=email,
            country=country,
            city="Rosario",
            comment="Firmo desde Rosario.",
            show_publicly=True,
            consent_owner=True,
            language="es",
            ip=f"203.0.113.{i + 1}",
        )
    petition_tick()
    for email in OutgoingEmail.objects.all():
        link = json.loads(email.context or "{}").get("confirm_url")
        if link:
            signature_confirm(token=link.rstrip("/").rsplit("/", 1)[-1])
    petition_tick()


def build_scene() -> Scene:
    """At T0: a petition closing at DEADLINE, an event and a supporter's action
    ending within three weeks, a gift; retention is the default six months."""
    staff = factories.UserFactory(is_staff=True, is_superuser=True)
    petition = factories.PetitionFactory(deadline=DEADLINE)
    campaign = petition.campaign
    sign_and_confirm(petition)

    event = factories.EventFactory(campaign=campaign)
    for name, email, _country in SIGNERS:
        rsvp_create(event=event, name=name, email=email, phone="+54 341 555 0199", language="es")
    cosponsor_request(
        event=event,
        name="Cooperativa Textil",
        country="AR",
        website="https://coop.example.org",
        contact_name=SIGNERS[0][0],
        contact_email=SIGNERS[0][1],
        language="es",
    )
    day = factories.DayOfActionFactory(campaign=campaign)
    starts = T0 + timedelta(days=20)
    hosted = action_proposed(day, starts=starts, host_name=HOST[0], host_email=HOST[1])
    proposal_decide(event=hosted, approve=True, trust=False, actor=staff)

    fund = factories.FundFactory(campaign=campaign)
    gift = pledge_create(
        fund=fund,
        amount_minor=5000,
        currency="USD",
        name=SIGNERS[0][0],
        email=SIGNERS[0][1],
        consent_owner=True,
        language="es",
    )
    pledge_mark_received(donation=gift, actor=staff)
    return Scene(petition=petition, event=Event.objects.get(pk=event.pk), hosted=hosted)


@pytest.fixture
def scene() -> Scene:
    with time_machine.travel(T0, tick=False):
        return build_scene()


def statistics(petition: Petition) -> dict[str, object]:
    filters = reports.SignatureFilters()
    return {
        "count": petition_public_count(petition),
        "by_country": reports.signatures_by_country(petition, filters),
        "by_day": reports.signatures_per_day(petition, filters, days=400),
    }


def expire_at(moment: datetime) -> dict[str, int]:
    with time_machine.travel(moment, tick=False):
        return personal_data_expire(now=timezone.now())


def personal_values() -> list[str]:
    """Every personal value left on signatures, registrations and hosted actions."""
    values: list[str] = []
    for signature in Signature.objects.all():
        values += [signature.name, signature.email, signature.city, signature.comment]
    for rsvp in Rsvp.objects.all():
        values += [rsvp.name, rsvp.email, rsvp.phone]
    for event in Event.objects.all():
        values += [event.host_name, event.host_email]
    for cosponsor in Cosponsor.objects.all():
        values += [cosponsor.contact_name, cosponsor.contact_email]
    return [value for value in values if value]


def test_data_past_retention_is_emptied_and_no_figure_moves(scene: Scene) -> None:
    later = T0 + timedelta(days=8 * 30)
    with time_machine.travel(later, tick=False):
        before, stats_before = public_figures(), statistics(scene.petition)
        supporters_before = sorted(Supporter.objects.values_list("email", "name"))
        consents_before = sorted(ConsentRecord.objects.values_list("pk", "withdrawn_at"))
        assert len(personal_values()) > 10
        assert ConsentRecord.objects.count() == 3 and stats_before["count"] == 3

        counts = personal_data_expire(now=timezone.now())

        assert counts == {
            "petitions": 3,
            "events": 3 + 1 + 1,
            "committee": 0,
            "cooperatives": 0,
            "access_links": 0,
        }
        assert personal_values() == []
        assert public_figures() == before
        assert statistics(scene.petition) == stats_before
        assert all(s.email_index == f"erased:{s.pk}" for s in Signature.objects.all())
        assert not Signature.objects.filter(supporter__isnull=False).exists()
        assert not Rsvp.objects.filter(supporter__isnull=False).exists()
        hosted = Event.objects.get(pk=scene.hosted.pk)
        assert hosted.host_supporter is None and hosted.host_email_index == ""
        # What the supporters agreed to keep stays, exactly.
        assert sorted(Supporter.objects.values_list("email", "name")) == supporters_before
        assert sorted(ConsentRecord.objects.values_list("pk", "withdrawn_at")) == consents_before
        # The worker does not take the emptied, unlinked signatures for new supporters.
        petition_tick()
        assert not Signature.objects.filter(supporter__isnull=False).exists()
        assert Supporter.objects.count() == len(supporters_before)


def test_data_within_retention_is_kept(scene: Scene) -> None:
    petition_due = months_after(DEADLINE, 6)
    assert petition_due == datetime(2027, 7, 15, 12, 0, tzinfo=UTC)
    before = personal_values()

    counts = expire_at(petition_due - timedelta(minutes=1))

    assert counts == {
        "petitions": 0,
        "events": 0,
        "committee": 0,
        "cooperatives": 0,
        "access_links": 0,
    }
    assert personal_values() == before
    assert Signature.objects.filter(supporter__isnull=False).count() == 3

    # A minute later the signers' time is up; the events' is not yet.
    assert expire_at(petition_due) == {
        "petitions": 3,
        "events": 0,
        "committee": 0,
        "cooperatives": 0,
        "access_links": 0,
    }
    assert not any(Signature.objects.values_list("name", flat=True))
    assert all(rsvp.name for rsvp in Rsvp.objects.all())


def test_a_shorter_retention_erases_sooner(scene: Scene) -> None:
    Campaign.objects.filter(pk=scene.petition.campaign_id).update(retention_months=1)

    assert expire_at(months_after(DEADLINE, 1) - timedelta(minutes=1))["petitions"] == 0
    assert expire_at(months_after(DEADLINE, 1))["petitions"] == 3


def test_a_petition_reopened_before_its_data_goes_keeps_it(scene: Scene) -> None:
    # Two months after its deadline the organisers give it another year.
    with time_machine.travel(DEADLINE + timedelta(days=60), tick=False):
        Petition.objects.filter(pk=scene.petition.pk).update(
            deadline=DEADLINE + timedelta(days=365)
        )

    assert expire_at(months_after(DEADLINE, 6) + timedelta(days=1))["petitions"] == 0
    assert all(signature.name for signature in Signature.objects.all())

    assert expire_at(months_after(DEADLINE + timedelta(days=365), 6))["petitions"] == 3


def test_a_petition_closes_with_its_campaign(scene: Scene) -> None:
    # No deadline: the petition ends when the campaign is closed.
    Petition.objects.filter(pk=scene.petition.pk).update(deadline=None)
    closed = T0 + timedelta(days=2)
    with time_machine.travel(closed, tick=False):
        campaign_set_status(campaign=scene.petition.campaign, status=Campaign.Status.CLOSED)

    assert expire_at(months_after(closed, 6) - timedelta(minutes=1))["petitions"] == 0
    assert expire_at(months_after(closed, 6))["petitions"] == 3


def test_a_campaign_live_again_keeps_its_petitions_data(scene: Scene) -> None:
    Petition.objects.filter(pk=scene.petition.pk).update(deadline=None)
    campaign = scene.petition.campaign
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        campaign_set_status(campaign=campaign, status=Campaign.Status.CLOSED)
    with time_machine.travel(T0 + timedelta(days=30), tick=False):
        campaign_set_status(campaign=campaign, status=Campaign.Status.LIVE)

    assert expire_at(T0 + timedelta(days=400))["petitions"] == 0
    assert Campaign.objects.get(pk=campaign.pk).closed_at is None


def test_a_withdrawn_consent_stays_as_recorded(scene: Scene) -> None:
    # Encrypted: found by reading, not by a lookup.
    supporter = next(s for s in Supporter.objects.all() if s.email == SIGNERS[0][1])
    withdrawn = T0 + timedelta(days=40)
    with time_machine.travel(withdrawn, tick=False):
        consent_withdraw(supporter=supporter, organisation=scene.petition.campaign.owner)
    consents = sorted(
        ConsentRecord.objects.values_list("supporter_id", "organisation_id", "withdrawn_at")
    )

    expire_at(T0 + timedelta(days=8 * 30))

    supporter.refresh_from_db()
    assert (supporter.email, supporter.name, supporter.erased_at) == (
        SIGNERS[0][1],
        SIGNERS[0][0],
        None,
    )
    assert (
        sorted(ConsentRecord.objects.values_list("supporter_id", "organisation_id", "withdrawn_at"))
        == consents
    )
    assert ConsentRecord.objects.get(supporter=supporter).withdrawn_at == withdrawn


def test_running_twice_changes_nothing_more_and_audits_counts_only(scene: Scene) -> None:
    later = T0 + timedelta(days=8 * 30)
    first = expire_at(later)
    rows = {
        "signatures": list(Signature.objects.order_by("pk").values()),
        "registrations": list(Rsvp.objects.order_by("pk").values()),
        "events": list(Event.objects.order_by("pk").values()),
    }

    second = expire_at(later + timedelta(days=1))

    assert sum(first.values()) == 8 and second == {
        "petitions": 0,
        "events": 0,
        "committee": 0,
        "cooperatives": 0,
        "access_links": 0,
    }
    assert rows == {
        "signatures": list(Signature.objects.order_by("pk").values()),
        "registrations": list(Rsvp.objects.order_by("pk").values()),
        "events": list(Event.objects.order_by("pk").values()),
    }
    entries = list(AuditEntry.objects.filter(action="personal_data.expired").order_by("pk"))
    assert [entry.data for entry in entries] == [first, second]
    assert all(entry.actor is None and entry.object_id == "" for entry in entries)
    assert all(type(value) is int for entry in entries for value in entry.data.values())


def test_retention_is_at_most_two_years() -> None:
    campaign = factories.CampaignFactory()
    assert campaign.retention_months == 6
    campaign.retention_months = 25
    with pytest.raises(ValidationError) as refused:
        campaign.full_clean()
    assert list(refused.value.error_dict) == ["retention_months"]
    with pytest.raises(IntegrityError):
        Campaign.objects.filter(pk=campaign.pk).update(retention_months=25)


def test_months_after_keeps_the_day_or_takes_the_months_last() -> None:
    assert months_after(datetime(2027, 8, 31, 9, tzinfo=UTC), 6) == datetime(
        2028, 2, 29, 9, tzinfo=UTC
    )
    assert months_after(datetime(2027, 12, 5, tzinfo=UTC), 24) == datetime(2029, 12, 5, tzinfo=UTC)


def test_admin_pages_say_when_the_data_goes(client: Client, scene: Scene) -> None:
    membership = factories.MembershipFactory(
        organisation=scene.petition.campaign.owner, role=Membership.Role.ORGANISER
    )
    petition_page = f"/admin/petitions/petition/{scene.petition.pk}/change/"
    event_page = f"/admin/events/event/{scene.event.pk}/change/"

    with time_machine.travel(T0, tick=False):
        client.force_login(membership.user)
        page = client.get(petition_page).content.decode()
    assert "Signers&#x27; personal data will be erased 6 months after the petition closes." in page

    with time_machine.travel(T0 + timedelta(days=30), tick=False):
        client.force_login(membership.user)
        page = client.get(petition_page).content.decode()
        assert (
            "Signers&#x27; personal data will be erased on July 15, 2027 "
            "(6 months after the petition closed)."
        ) in page
        # The event ended on 20 January at 14:00 (UTC, the site's zone).
        assert (
            "Attendees&#x27; and the host&#x27;s personal data will be erased on July 20, 2027 "
            "(6 months after the event ends)."
        ) in client.get(event_page).content.decode()

    expire_at(T0 + timedelta(days=8 * 30))
    with time_machine.travel(T0 + timedelta(days=8 * 30 + 3), tick=False):
        client.force_login(membership.user)
        page = client.get(petition_page).content.decode()
        assert (
            "Signers&#x27; personal data was erased on Sept. 7, 2027 "
            "(6 months after the petition closed)."
        ) in page
        assert (
            "Attendees&#x27; and the host&#x27;s personal data was erased on Sept. 7, 2027 "
            "(6 months after the event ended)."
        ) in client.get(event_page).content.decode()


def test_closing_a_petition_by_hand_starts_its_retention(client: Client, scene: Scene) -> None:
    petition = scene.petition
    Petition.objects.filter(pk=petition.pk).update(deadline=None)
    membership = factories.MembershipFactory(
        organisation=petition.campaign.owner, role=Membership.Role.ORGANISER
    )
    form = {
        "campaign": petition.campaign_id,
        "kind": petition.kind,
        "slug": petition.slug,
        "title_0": "Petición",
        "title_1": "Petition",
        "target_0": "Al Congreso",
        "target_1": "To Congress",
        "text_0": "Pedimos justicia.",
        "text_1": "We ask for justice.",
        "goal": "100",
        "deadline_0": "",
        "deadline_1": "",
        "next_action_label_0": "",
        "next_action_label_1": "",
        "next_action_url": "",
    }
    closed = T0 + timedelta(days=3)
    with time_machine.travel(closed, tick=False):
        client.force_login(membership.user)
        response = client.post(f"/admin/petitions/petition/{petition.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    petition.refresh_from_db()
    assert (petition.is_open, petition.closed_at) == (False, closed)

    assert expire_at(months_after(closed, 6) - timedelta(minutes=1))["petitions"] == 0
    assert expire_at(months_after(closed, 6))["petitions"] == 3

    # Opened again: no longer closed, so nothing more is due.
    with time_machine.travel(closed + timedelta(days=300), tick=False):
        client.force_login(membership.user)
        client.post(f"/admin/petitions/petition/{petition.pk}/change/", {**form, "is_open": "on"})
    petition.refresh_from_db()
    assert (petition.is_open, petition.closed_at) == (True, None)
