"""Organisers see their own people in the console, and nobody else's."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from solidaria.core.models import AuditEntry
from solidaria.events.services import rsvp_create
from solidaria.organisations.models import Membership
from solidaria.supporters.models import OrganisationSupporter, Tag
from solidaria.supporters.services import MAX_TAGS_PER_ORGANISATION, consent_withdraw
from tests import factories

pytestmark = pytest.mark.django_db

PEOPLE = "/admin/supporters/organisationsupporter/"


def registered(event: Any, name: str, email: str, *, consent: bool = False) -> None:
    rsvp_create(event=event, name=name, email=email, consent_owner=consent, language="es")


def staff(client: Client, organisation: Any, role: str = Membership.Role.ORGANISER) -> Client:
    membership = factories.MembershipFactory(organisation=organisation, role=role)
    client.force_login(membership.user)
    return client


@pytest.fixture
def two_organisations() -> tuple[Any, Any]:
    ours, theirs = factories.EventFactory(), factories.EventFactory()
    registered(ours, "Rosa Paz", "rosa@example.org", consent=True)
    registered(ours, "Tomás Gil", "tomas@example.org")
    registered(theirs, "Ajena Ruiz", "ajena@example.org", consent=True)
    return ours, theirs


def names(response: Any) -> list[str]:
    return sorted(record.supporter.name for record in response.context["cl"].result_list)


def test_an_organiser_lists_only_the_people_of_their_organisation(
    client: Client, two_organisations: tuple[Any, Any]
) -> None:
    ours, theirs = two_organisations
    client = staff(client, ours.campaign.owner, Membership.Role.VIEWER)

    response = client.get(PEOPLE)

    assert response.status_code == 200
    assert names(response) == ["Rosa Paz", "Tomás Gil"]
    assert "Ajena" not in response.content.decode()
    other = OrganisationSupporter.objects.get(organisation=theirs.campaign.owner)
    opened = client.get(f"{PEOPLE}{other.pk}/change/")
    assert opened.status_code == 302 and opened["Location"] == "/admin/"


def test_a_page_of_people_never_counts_the_whole_table(
    client: Client, two_organisations: tuple[Any, Any]
) -> None:
    client = staff(client, two_organisations[0].campaign.owner)

    with CaptureQueriesContext(connection) as queries:
        client.get(PEOPLE)

    counts = [
        q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "supporters_" in q["sql"]
    ]
    assert counts and all("LIMIT" in sql.upper() for sql in counts), counts


def test_search_by_exact_address_and_by_name(
    client: Client, two_organisations: tuple[Any, Any]
) -> None:
    client = staff(client, two_organisations[0].campaign.owner)

    assert names(client.get(PEOPLE, {"q": " ROSA@example.org "})) == ["Rosa Paz"]
    assert names(client.get(PEOPLE, {"q": "ajena@example.org"})) == []
    assert names(client.get(PEOPLE, {"q": "tomás"})) == ["Tomás Gil"]
    assert names(client.get(PEOPLE, {"q": "' OR 1=1 --"})) == []


def test_filters_by_consent_by_what_they_took_part_in_and_by_tag(
    client: Client, two_organisations: tuple[Any, Any]
) -> None:
    ours = two_organisations[0]
    client = staff(client, ours.campaign.owner)
    other_event = factories.EventFactory(campaign=ours.campaign)
    registered(other_event, "Rosa Paz", "rosa@example.org")

    assert names(client.get(PEOPLE, {"agreed": "yes"})) == ["Rosa Paz"]
    assert names(client.get(PEOPLE, {"agreed": "no"})) == ["Tomás Gil"]
    assert names(client.get(PEOPLE, {"took_part": f"events:{other_event.pk}"})) == ["Rosa Paz"]
    assert names(client.get(PEOPLE, {"took_part": f"events:{ours.pk}"})) == [
        "Rosa Paz",
        "Tomás Gil",
    ]
    assert names(client.get(PEOPLE, {"took_part": "events:'; DROP TABLE x"})) == []
    Tag.objects.create(organisation=ours.campaign.owner, name="translator")
    assert names(client.get(PEOPLE, {"tag": "not-a-number"})) == []


def test_withdrawing_consent_shows_in_the_list(
    client: Client, two_organisations: tuple[Any, Any]
) -> None:
    ours, _theirs = two_organisations
    rosa = OrganisationSupporter.objects.get(
        organisation=ours.campaign.owner, consent_since__isnull=False
    )
    consent_withdraw(supporter=rosa.supporter, organisation=ours.campaign.owner)
    client = staff(client, ours.campaign.owner)

    assert names(client.get(PEOPLE, {"agreed": "yes"})) == []


def test_tags_are_added_and_removed_in_bulk(
    client: Client, two_organisations: tuple[Any, Any]
) -> None:
    organisation = two_organisations[0].campaign.owner
    client = staff(client, organisation)
    everyone = list(
        OrganisationSupporter.objects.filter(organisation=organisation).values_list("pk", flat=True)
    )

    added = client.post(
        PEOPLE,
        {"action": "add_tag", "_selected_action": everyone, "tag": "  Berlin   group "},
        follow=True,
    )

    assert "2 people changed." in [str(m) for m in get_messages(added.wsgi_request)]
    tag = Tag.objects.get(organisation=organisation)
    assert tag.name == "Berlin group"
    assert names(client.get(PEOPLE, {"tag": tag.pk})) == ["Rosa Paz", "Tomás Gil"]
    client.post(
        PEOPLE, {"action": "remove_tag", "_selected_action": everyone[:1], "tag": "berlin group"}
    )
    assert len(names(client.get(PEOPLE, {"tag": tag.pk}))) == 1
    assert AuditEntry.objects.filter(action="people.tagged", organisation=organisation).exists()


def test_bad_tags_are_refused_with_a_message_and_nothing_changes(
    client: Client, two_organisations: tuple[Any, Any]
) -> None:
    organisation = two_organisations[0].campaign.owner
    client = staff(client, organisation)
    everyone = list(
        OrganisationSupporter.objects.filter(organisation=organisation).values_list("pk", flat=True)
    )
    Tag.objects.bulk_create(
        Tag(organisation=organisation, name=f"tag {n}") for n in range(MAX_TAGS_PER_ORGANISATION)
    )

    for name, message in (
        ("", "A tag is a name of 1 to 60 characters."),
        ("one more", "An organisation has at most 200 tags: remove some before adding more."),
    ):
        response = client.post(
            PEOPLE, {"action": "add_tag", "_selected_action": everyone, "tag": name}, follow=True
        )
        assert response.status_code == 200
        assert message in [str(m) for m in get_messages(response.wsgi_request)]
    assert Tag.objects.filter(organisation=organisation).count() == MAX_TAGS_PER_ORGANISATION
    assert not OrganisationSupporter.tags.through.objects.exists()


def test_exports_carry_the_consent_column_and_viewers_cannot_export(
    client: Client, two_organisations: tuple[Any, Any]
) -> None:
    organisation = two_organisations[0].campaign.owner
    everyone = list(
        OrganisationSupporter.objects.filter(organisation=organisation).values_list("pk", flat=True)
    )
    organiser = staff(Client(), organisation)

    def export(client: Client, action: str) -> list[dict[str, str]]:
        response = client.post(PEOPLE, {"action": action, "_selected_action": everyone})
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))

    rows = export(organiser, "export_csv")
    assert sorted((r["email"], bool(r["agreed_to_hear_from_us_since"])) for r in rows) == [
        ("rosa@example.org", True),
        ("tomas@example.org", False),
    ]
    assert [r["email"] for r in export(organiser, "export_csv_agreed")] == ["rosa@example.org"]
    assert AuditEntry.objects.filter(action="people.exported").count() == 2

    viewer = staff(client, organisation, Membership.Role.VIEWER)
    refused = viewer.post(PEOPLE, {"action": "export_csv", "_selected_action": everyone})
    assert refused["Content-Type"].startswith("text/html")
    assert AuditEntry.objects.filter(action="people.exported").count() == 2


def test_private_notes_are_encrypted_and_tags_stay_within_the_organisation(
    client: Client, two_organisations: tuple[Any, Any]
) -> None:
    ours, theirs = two_organisations
    client = staff(client, ours.campaign.owner)
    record = OrganisationSupporter.objects.filter(organisation=ours.campaign.owner).first()
    our_tag = Tag.objects.create(organisation=ours.campaign.owner, name="translator")
    their_tag = Tag.objects.create(organisation=theirs.campaign.owner, name="theirs")
    url = f"{PEOPLE}{record.pk}/change/"

    page = client.get(url).content.decode()
    assert "Registered for" in page  # the timeline
    refused = client.post(url, {"tags": [their_tag.pk], "notes": ""})
    assert refused.status_code == 200 and "Select a valid choice." in refused.content.decode()
    saved = client.post(url, {"tags": [our_tag.pk], "notes": "Speaks German; call after 6."})
    assert saved.status_code == 302

    record.refresh_from_db()
    assert record.notes == "Speaks German; call after 6."
    assert list(record.tags.all()) == [our_tag]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT notes FROM supporters_organisationsupporter WHERE id = %s", [record.pk]
        )
        assert "German" not in cursor.fetchone()[0]


def test_the_records_of_people_are_rebuilt_from_what_the_apps_hold(
    two_organisations: tuple[Any, Any],
) -> None:
    def records() -> list[tuple[object, ...]]:
        return sorted(
            OrganisationSupporter.objects.values_list(
                "organisation_id", "supporter_id", "first_seen", "last_action_at", "actions",
                "consent_since",
            )
        )  # fmt: skip

    before = records()
    tagged = OrganisationSupporter.objects.first()
    tag = Tag.objects.create(organisation_id=tagged.organisation_id, name="kept")
    tagged.tags.add(tag)
    OrganisationSupporter.objects.exclude(pk=tagged.pk).delete()

    call_command("rebuild_people", stdout=io.StringIO())

    assert records() == before
    assert list(OrganisationSupporter.objects.get(pk=tagged.pk).tags.all()) == [tag]


def test_a_forged_selection_cannot_tag_another_organisations_people(
    client: Client, two_organisations: tuple[Any, Any]
) -> None:
    ours, theirs = two_organisations
    client = staff(client, ours.campaign.owner)
    their_person = OrganisationSupporter.objects.get(organisation=theirs.campaign.owner)

    response = client.post(
        PEOPLE,
        {"action": "add_tag", "_selected_action": [their_person.pk], "tag": "mine now"},
        follow=True,
    )

    assert response.status_code == 200
    assert not OrganisationSupporter.tags.through.objects.exists()
    assert not Tag.objects.filter(organisation=theirs.campaign.owner).exists()
