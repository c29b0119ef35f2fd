"""Saved segments: the people list's filters, stored as criteria and counted live."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from solidaria.core.models import AuditEntry
from solidaria.events.services import rsvp_create
from solidaria.organisations.models import Membership
from solidaria.supporters.models import OrganisationSupporter, Segment, Tag
from solidaria.supporters.selectors import segment_people
from solidaria.supporters.services import consent_withdraw
from tests import factories

pytestmark = pytest.mark.django_db

SAVE = "/admin/supporters/organisationsupporter/save-segment/"


@pytest.fixture
def event() -> Any:
    event = factories.EventFactory()
    for name, email, consent in (
        ("Rosa Paz", "rosa@example.org", True),
        ("Tomás Gil", "tomas@example.org", False),
    ):
        rsvp_create(event=event, name=name, email=email, consent_owner=consent, language="es")
    return event


def staff(client: Client, organisation: Any, role: str = Membership.Role.ORGANISER) -> Client:
    client.force_login(factories.MembershipFactory(organisation=organisation, role=role).user)
    return client


def test_the_list_filters_are_saved_as_a_segment_that_counts_live(
    client: Client, event: Any
) -> None:
    organisation = event.campaign.owner
    client = staff(client, organisation)
    query = {"agreed": "yes", "took_part": f"events:{event.pk}"}

    page = client.get(SAVE, query)
    saved = client.post(
        SAVE, {**query, "name": "  Panel,  agreed ", "organisation": organisation.pk}
    )

    assert page.status_code == 200
    assert saved.status_code == 302
    assert saved["Location"] == "/admin/supporters/segment/"
    segment = Segment.objects.get()
    assert (segment.name, segment.criteria) == ("Panel, agreed", query)
    assert "Segment saved: 1 person now." in [str(m) for m in get_messages(saved.wsgi_request)]
    assert AuditEntry.objects.get(action="segment.saved").data == {
        "criteria": ["agreed", "took_part"]
    }
    listed = client.get("/admin/supporters/segment/").content.decode()
    assert "Panel, agreed" in listed and "See them" in listed

    rosa = OrganisationSupporter.objects.get(consent_since__isnull=False)
    consent_withdraw(supporter=rosa.supporter, organisation=organisation)
    assert segment_people(segment).count() == 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"took_part": "events:999999"}, "Choose one of your own petitions, funds or events."),
        ({"took_part": "nowhere:1"}, "Choose one of your own petitions, funds or events."),
        ({"agreed": "maybe"}, "This filter cannot be saved."),
        ({"last_action_at__gte": "yesterday"}, "This filter cannot be saved."),
        ({"supporter__language": "xx"}, "This filter cannot be saved."),
    ],
)
def test_criteria_that_cannot_be_saved_are_refused_with_a_message(
    client: Client, event: Any, query: dict[str, str], message: str
) -> None:
    organisation = event.campaign.owner
    client = staff(client, organisation)

    refused = client.post(SAVE, {**query, "name": "Bad", "organisation": organisation.pk})

    assert refused.status_code == 400
    assert message in refused.content.decode()
    assert not Segment.objects.exists()


def test_another_organisations_tag_or_event_cannot_be_saved(client: Client, event: Any) -> None:
    organisation = event.campaign.owner
    other = factories.EventFactory()
    their_tag = Tag.objects.create(organisation=other.campaign.owner, name="theirs")
    client = staff(client, organisation)

    for query in ({"tag": str(their_tag.pk)}, {"took_part": f"events:{other.pk}"}):
        refused = client.post(SAVE, {**query, "name": "Theirs", "organisation": organisation.pk})
        assert refused.status_code == 400
    assert not Segment.objects.exists()


def test_names_are_unique_per_organisation_and_an_empty_segment_is_saved_with_a_warning(
    client: Client, event: Any
) -> None:
    organisation = event.campaign.owner
    client = staff(client, organisation)
    future = {"last_action_at__gte": "2099-01-01"}

    empty = client.post(SAVE, {**future, "name": "Later", "organisation": organisation.pk})
    again = client.post(SAVE, {"name": "later", "organisation": organisation.pk})

    assert empty.status_code == 302
    assert "Segment saved. It holds nobody yet: people join it as they act." in [
        str(m) for m in get_messages(empty.wsgi_request)
    ]
    assert again.status_code == 400
    assert "You already have a segment named “later”." in again.content.decode()
    assert Segment.objects.count() == 1


def test_viewers_and_strangers_cannot_save_segments(client: Client, event: Any) -> None:
    organisation = event.campaign.owner
    viewer = staff(Client(), organisation, Membership.Role.VIEWER)
    stranger = staff(client, factories.OrganisationFactory())

    assert viewer.get(SAVE).status_code == 403
    refused = stranger.post(SAVE, {"name": "Mine", "organisation": organisation.pk})
    assert refused.status_code == 400
    assert "Select a valid choice." in refused.content.decode()
    assert not Segment.objects.exists()
