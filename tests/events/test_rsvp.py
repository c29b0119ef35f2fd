"""Registering, the waiting list, reminders and calendar files."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from solidaria.core.web.formguard import form_token
from solidaria.events.models import Event, Rsvp
from solidaria.events.services import attendee_token, reminders_send, rsvp_cancel, rsvp_create
from tests import factories
from tests.helpers import ORIGIN, post_form

pytestmark = pytest.mark.django_db


def register(client: Client, event: Event, language: str = "en", **fields: Any):
    data = {
        "name": "Ana María Gómez",
        "email": "ana@example.org",
        "guests": "0",
        "form_token": form_token(f"rsvp:{event.pk}"),
        **fields,
    }
    return post_form(client, f"/{language}/events/{event.slug}/register/", data)


def add(event: Event, email: str, guests: int = 0) -> Rsvp:
    return rsvp_create(
        event=event, name=email.split("@")[0], email=email, guests=guests, language="es"
    ).rsvp


def test_registration_sends_a_calendar_file_and_keeps_the_link_private(
    client: Client, run_tasks
) -> None:
    event = factories.EventFactory()
    public = client.get(f"/en/events/{event.slug}/").content.decode()
    assert event.online_url not in public
    response = register(client, event, language="es", guests="2")
    assert response.status_code == 302 and response["Location"].endswith("/registered/")
    rsvp = Rsvp.objects.get()
    assert rsvp.status == Rsvp.Status.CONFIRMED
    event.refresh_from_db()
    assert event.seats_taken == 3
    run_tasks()
    (message,) = mail.outbox
    assert message.extra_headers["Content-Language"] == "es"
    assert event.online_url in message.body
    (filename, content, mimetype) = message.attachments[0]
    assert (filename, mimetype) == ("event.ics", "text/calendar")
    calendar = Calendar.from_ical(content)
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["DTSTART"].params["TZID"]) == "America/New_York"
    assert vevent.decoded("DTSTART") == event.starts_at.replace(microsecond=0)
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "America/New_York"
    assert event.online_url not in content  # the entry points at the attendee's own page
    page = client.get(f"/es/events/me/{attendee_token(rsvp)}/").content.decode()
    assert event.online_url in page


def test_the_waiting_list_moves_up_in_order(run_tasks) -> None:
    event = factories.EventFactory(capacity=3)
    first = add(event, "first@example.org", guests=2)
    second = add(event, "second@example.org", guests=1)  # 2 seats: does not fit
    third = add(event, "third@example.org")  # 1 seat would fit, but waits behind second
    assert [first.status, second.status, third.status] == ["confirmed", "waitlisted", "waitlisted"]
    event.refresh_from_db()
    assert (event.seats_taken, event.waiting) == (3, 2)
    promoted = rsvp_cancel(rsvp=first)
    assert [r.pk for r in promoted] == [second.pk, third.pk]
    event.refresh_from_db()
    assert (event.seats_taken, event.waiting) == (3, 0)
    run_tasks()
    promoted_mail = [
        m
        for m in mail.outbox
        if "second@" in m.to[0] and m.subject.startswith("Se liberó un lugar")
    ]
    assert promoted_mail and promoted_mail[0].attachments
    assert rsvp_cancel(rsvp=first) == []  # twice changes nothing


@pytest.mark.parametrize(
    ("event_kwargs", "fields", "message"),
    [
        ({"status": "cancelled"}, {}, "cancelled"),
        (
            {
                "starts_at": timezone.now() - timedelta(hours=3),
                "ends_at": timezone.now() - timedelta(hours=1),
            },
            {},
            "over",
        ),
        ({}, {"guests": "11"}, "valid choice"),
        ({}, {"guests": "-1"}, "valid choice"),
        ({}, {"email": "nope"}, "email"),
        ({}, {"form_token": "x"}, "too old"),
    ],
)
def test_bad_registrations_are_refused_and_nothing_stored(
    client: Client, event_kwargs: dict[str, Any], fields: dict[str, str], message: str
) -> None:
    event = factories.EventFactory(**event_kwargs)
    response = register(client, event, **fields)
    assert response.status_code == 400
    assert message in response.content.decode().lower()
    assert not Rsvp.objects.exists()


def test_a_full_event_offers_the_waiting_list(client: Client) -> None:
    event = factories.EventFactory(capacity=1)
    add(event, "someone@example.org")
    page = client.get(f"/en/events/{event.slug}/").content.decode()
    assert "Join the waiting list" in page
    assert register(client, event).status_code == 302
    assert Rsvp.objects.get(email_index__isnull=False, status="waitlisted")


def test_registering_twice_keeps_one_place_and_resends_the_link(client: Client, run_tasks) -> None:
    event = factories.EventFactory()
    register(client, event)
    Rsvp.objects.update(link_sent_at=timezone.now() - timedelta(hours=1))
    register(Client(), event, name="Someone Else")
    assert Rsvp.objects.count() == 1
    event.refresh_from_db()
    assert event.seats_taken == 1
    run_tasks()
    assert len(mail.outbox) == 2 and all(m.to == ["ana@example.org"] for m in mail.outbox)


def test_cross_site_registrations_are_refused(client: Client) -> None:
    event = factories.EventFactory()
    response = post_form(
        client,
        f"/en/events/{event.slug}/register/",
        {"name": "A", "email": "a@b.org", "guests": "0"},
        origin="https://evil.example",
    )
    assert response.status_code == 403 and not Rsvp.objects.exists()


def test_reminders_the_day_before_and_the_hour_before_each_once(run_tasks) -> None:
    now = timezone.now()
    tomorrow, soon, later = (
        factories.EventFactory(title={"es": title, "en": title})
        for title in ("Asamblea", "Marcha", "Charla")
    )
    for event in (tomorrow, soon, later):
        add(event, "ana@example.org")  # registered days ahead; time then passes
    for event, starts in (
        (tomorrow, timedelta(hours=20)),
        (soon, timedelta(minutes=50)),
        (later, timedelta(days=3)),
    ):
        Event.objects.filter(pk=event.pk).update(
            starts_at=now + starts, ends_at=now + starts + timedelta(hours=1)
        )
    run_tasks()
    mail.outbox.clear()
    assert reminders_send(now=now) == 2
    assert reminders_send(now=now) == 0
    run_tasks()
    assert sorted((m.subject, m.to) for m in mail.outbox) == [
        ("En una hora: Marcha", ["ana@example.org"]),
        ("Mañana: Asamblea", ["ana@example.org"]),
    ]
    # An hour before the event of tomorrow, its hour reminder follows.
    assert reminders_send(now=now + timedelta(hours=19, minutes=30)) == 1


def test_calendar_feeds_for_a_campaign_and_an_organisation(client: Client) -> None:
    event = factories.EventFactory()
    other = factories.EventFactory(campaign=event.campaign, timezone="Europe/Berlin")
    hidden = factories.EventFactory(campaign=event.campaign, status="proposed")
    for url in (
        f"/en/campaigns/{event.campaign.slug}/events.ics",
        f"/en/organisations/{event.campaign.owner.slug}/events.ics",
    ):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
        calendar = Calendar.from_ical(response.content)
        summaries = {str(v["SUMMARY"]) for v in calendar.walk("VEVENT")}
        assert summaries == {str(event), str(other)}
        assert str(hidden) not in summaries
        assert {str(z["TZID"]) for z in calendar.walk("VTIMEZONE")} == {
            "America/New_York",
            "Europe/Berlin",
        }
        assert event.online_url.encode() not in response.content


def test_a_group_larger_than_the_event_is_refused_and_blocks_nobody() -> None:
    from solidaria.events.exceptions import EventError

    event = factories.EventFactory(capacity=5)
    with pytest.raises(EventError):
        add(event, "big@example.org", guests=10)
    assert add(event, "small@example.org").status == Rsvp.Status.CONFIRMED


def test_nobody_is_promoted_into_a_cancelled_event(run_tasks) -> None:
    from solidaria.events.services import event_cancel

    event = factories.EventFactory(capacity=1)
    first, second = add(event, "a@example.org"), add(event, "b@example.org")
    event_cancel(event=event, actor=None)
    assert rsvp_cancel(rsvp=first) == []
    second.refresh_from_db()
    assert second.status == Rsvp.Status.WAITLISTED


def test_registering_again_resends_the_link_only_now_and_then(client: Client, run_tasks) -> None:
    event = factories.EventFactory()
    for _ in range(5):
        register(client, event)
    run_tasks()
    assert len(mail.outbox) == 1  # the first confirmation; the repeats come too soon
    Rsvp.objects.update(link_sent_at=timezone.now() - timedelta(minutes=11))
    register(client, event)
    run_tasks()
    assert len(mail.outbox) == 2


def test_registering_a_few_hours_before_skips_the_day_before_reminder() -> None:
    now = timezone.now()
    event = factories.EventFactory(
        starts_at=now + timedelta(hours=3), ends_at=now + timedelta(hours=4)
    )
    rsvp = add(event, "late@example.org")
    assert rsvp.reminded_day and not rsvp.reminded_hour
    assert reminders_send(now=now) == 0


def test_the_emailed_attendee_link_cancels_only_on_a_post_from_this_site(client: Client) -> None:
    event = factories.EventFactory(capacity=5)
    rsvp = add(event, "ana@example.org", guests=1)
    url = f"/en/events/me/{attendee_token(rsvp)}/"
    page = client.get(url)  # what a mail scanner or a link preview does
    assert page.status_code == 200 and "cancel my registration" in page.content.decode()
    foreign = client.post(url, {"action": "cancel"}, HTTP_ORIGIN="https://evil.example")
    assert foreign.status_code == 403
    rsvp.refresh_from_db()
    event.refresh_from_db()
    assert rsvp.status == Rsvp.Status.CONFIRMED and event.seats_taken == 2
    assert client.post(url, {"action": "cancel"}, HTTP_ORIGIN=ORIGIN).status_code == 302
    rsvp.refresh_from_db()
    event.refresh_from_db()
    assert rsvp.status == Rsvp.Status.CANCELLED and event.seats_taken == 0
