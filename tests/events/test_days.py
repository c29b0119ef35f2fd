"""Days of action: local actions proposed by supporters, moderated, on a map; co-sponsors."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from solidaria.events.models import Cosponsor, Event, Rsvp, TrustedHost
from solidaria.events.services import host_token, rsvp_create
from solidaria.organisations.models import Membership
from tests import factories
from tests.helpers import ORIGIN

pytestmark = pytest.mark.django_db


def proposal(**overrides: Any) -> dict[str, str]:
    day = (timezone.now() + timedelta(days=20)).date()
    return {
        "title": "Concentración frente a la embajada",
        "description": "Llevamos carteles y leemos la carta abierta.",
        "venue": "Embajada argentina",
        "address": "Kleiststraße 23",
        "city": "Berlín",
        "country": "DE",
        "date": day.isoformat(),
        "start": "17:00",
        "end": "19:00",
        "timezone": "Europe/Berlin",
        "host_name": "Grupo Arbeitszeit",
        "host_email": "host@example.org",
        **overrides,
    }


def test_a_proposed_action_waits_for_moderation_then_appears(client: Client, run_tasks) -> None:
    day = factories.DayOfActionFactory()
    response = client.post(f"/es/days/{day.slug}/host/", proposal())
    # The host's page is only in the email: whoever typed the address must own it.
    assert response.status_code == 302 and response["Location"].endswith("/host/sent/")
    event = Event.objects.get()
    assert event.status == Event.Status.PROPOSED and event.host_language == "es"
    assert (event.latitude, event.longitude) is not None and float(event.latitude) > 52
    assert "Embajada" not in client.get(f"/es/days/{day.slug}/").content.decode()
    run_tasks()
    host_url = re.search(r"/es/events/host/[\w-]+/", mail.outbox[0].body).group(0)
    assert "Concentración" in client.get(host_url).content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.PROPOSED  # opening the page publishes nothing

    organiser = factories.MembershipFactory(
        organisation=day.campaign.owner, role=Membership.Role.ORGANISER
    ).user
    staff = Client()
    staff.force_login(organiser)
    staff.post(
        "/admin/events/event/", {"action": "approve_and_trust", "_selected_action": [event.pk]}
    )
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert TrustedHost.objects.filter(email_index=event.host_email_index).exists()
    caches["pages"].clear()
    page = client.get(f"/es/days/{day.slug}/").content.decode()
    assert "Concentración frente a la embajada" in page and "<svg" in page
    assert "Alemania" in page  # grouped by country, in the visitor's language
    assert "host@example.org" not in page
    # A trusted host's next action goes public from the page the emailed link opens,
    # with a button: typing a trusted host's address, or a mail scanner following the
    # link, publishes nothing.
    mail.outbox.clear()
    client.post(f"/es/days/{day.slug}/host/", proposal(city="Hamburg", title="Hamburgo"))
    hamburg = Event.objects.get(city="Hamburg")
    assert hamburg.status == Event.Status.PROPOSED
    run_tasks()
    body = next(m.body for m in mail.outbox if "Hamburgo" in m.subject)
    link = re.search(r"/es/events/host/[\w-]+/", body).group(0)
    page = client.get(link)  # what a mail scanner or a link preview does
    assert "Publicar mi acción" in page.content.decode()
    hamburg.refresh_from_db()
    assert hamburg.status == Event.Status.PROPOSED
    refused = client.post(link, {"action": "publish"}, HTTP_ORIGIN="https://evil.example")
    assert refused.status_code == 403
    hamburg.refresh_from_db()
    assert hamburg.status == Event.Status.PROPOSED
    assert client.post(link, {"action": "publish"}, HTTP_ORIGIN=ORIGIN).status_code == 302
    hamburg.refresh_from_db()
    assert hamburg.status == Event.Status.PUBLISHED
    assert "Publicar mi acción" not in client.get(link).content.decode()


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"city": "Atlantis"}, "do not know this city"),
        ({"timezone": "Mars/Olympus"}, "valid choice"),
        ({"date": "2020-01-01"}, "future"),
        ({"latitude": "52.5"}, "both latitude and longitude"),
        ({"latitude": "95", "longitude": "13"}, "less than or equal to 90"),
        ({"host_email": "not-an-email"}, "email"),
        ({"start": "25:00"}, "valid time"),
        ({"date": "9999-12-31", "start": "10:00", "end": "09:00"}, "Choose a date between"),
    ],
)
def test_bad_proposals_are_refused_and_nothing_stored(
    client: Client, overrides: dict[str, str], field_message: str
) -> None:
    day = factories.DayOfActionFactory()
    response = client.post(f"/en/days/{day.slug}/host/", proposal(**overrides))
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert not Event.objects.exists()


def test_a_proposal_at_a_time_the_clocks_skip_is_refused(client: Client) -> None:
    day = factories.DayOfActionFactory()
    # Berlin changes its clocks on the last Sunday of March.
    year = timezone.now().year + 1
    last_sunday = max(
        timezone.datetime(year, 3, d).date()
        for d in range(25, 32)
        if timezone.datetime(year, 3, d).weekday() == 6
    )
    response = client.post(
        f"/en/days/{day.slug}/host/", proposal(date=last_sunday.isoformat(), start="02:30")
    )
    assert response.status_code == 400 and "does not exist" in response.content.decode()


def test_search_by_city_or_country(client: Client) -> None:
    day = factories.DayOfActionFactory()
    for city, country in (("Madrid", "ES"), ("Berlin", "DE"), ("Rosario", "AR")):
        factories.EventFactory(
            campaign=day.campaign,
            day_of_action=day,
            kind="in_person",
            city=city,
            country=country,
            title={"en": f"Rally in {city}"},
            timezone="Europe/Madrid",
        )
    assert "Rally in Madrid" in client.get(f"/en/days/{day.slug}/?q=madrid").content.decode()
    page = client.get(f"/en/days/{day.slug}/?q=Germany").content.decode()
    assert "Rally in Berlin" in page and "Rally in Madrid" not in page
    empty = client.get(f"/en/days/{day.slug}/?q=Atlantis").content.decode()
    assert "No action matches your search." in empty


# Actions in 48 more countries, among them the longest coasts, for the page's weight.
MANY = (
    "CA RU US CN BR AU IN ID NO CL MX ZA EG NG KE ET SA IR TR UA PL FR ES IT "
    "GB IE PT SE FI DK NL BE AT CH CZ GR JP KR PH VN TH MY NZ PE CO VE BO UY"
)


def test_the_day_map_shades_countries_places_cities_and_stays_light(client: Client) -> None:
    from solidaria.core.rendering.gazetteer import ensure_index
    from solidaria.core.rendering.worldmap import project

    ensure_index()  # an action entered without coordinates is placed at its city
    day = factories.DayOfActionFactory()

    def action(city: str, country: str, **coordinates: float) -> None:
        factories.EventFactory(
            campaign=day.campaign,
            day_of_action=day,
            kind="in_person",
            city=city,
            country=country,
            timezone="UTC",
            title={"en": f"Rally at the Argentine embassy in {city}, {country}"},
            venue="Embassy of the Argentine Republic",
            **coordinates,
        )

    action("Buenos Aires", "AR", latitude=-34.6, longitude=-58.38)
    action("Buenos Aires", "AR", latitude=-34.62, longitude=-58.44)
    action("Rosario", "AR")
    action("Berlin", "DE", latitude=52.52, longitude=13.405)
    response = client.get(f"/en/days/{day.slug}/")
    page = response.content.decode()
    # Shaded by how many, each titled with its number; nothing else is inlined.
    assert re.search(r'#AR" class="map-5"><title>Argentina: 3</title>', page)
    assert re.search(r'#DE" class="map-2"><title>Germany: 1</title>', page)
    assert page.count("<use ") == 3  # the world's outline, Argentina, Germany
    # A dot per city, where its coordinates are (two actions in Buenos Aires: one dot).
    dots = {
        title: (float(x), float(y))
        for x, y, title in re.findall(
            r'<circle cx="([\d.]+)" cy="([\d.]+)" r="[\d.]+"><title>([^<]+)<', page
        )
    }
    assert set(dots) == {"Buenos Aires: 2 actions", "Rosario: 1 action", "Berlin: 1 action"}
    assert dots["Berlin: 1 action"] == pytest.approx(project(13.405, 52.52), abs=0.1)
    assert dots["Buenos Aires: 2 actions"] == pytest.approx(project(-58.41, -34.61), abs=0.1)
    assert dots["Rosario: 1 action"] == pytest.approx(project(-60.64, -32.95), abs=0.5)
    assert ">Berlin</text>" in page and ">Buenos Aires</text>" in page
    # What the map shows, in a table that screen readers (and small screens) can read.
    table = re.search(r'<table class="table map-table">.*?</table>', page, re.S).group(0)
    assert re.search(
        r'<th scope="row">Argentina</th><td class="num">3</td><td>Buenos Aires \(2\), Rosario</td>',
        table,
    )
    assert '<th scope="row">Germany</th><td class="num">1</td><td>Berlin</td>' in table
    # A search narrows the map too.
    germany = client.get(f"/en/days/{day.slug}/?q=germany").content.decode()
    assert "#DE" in germany and "#AR" not in germany and "Rosario" not in germany

    for n, code in enumerate(MANY.split()):
        action(f"City {n}", code)
    caches["pages"].clear()
    response = client.get(f"/en/days/{day.slug}/")
    page = response.content.decode()
    assert page.count("<use ") == 1 + 2 + 48 and "<title>Canada: 1</title>" in page
    assert len(response.content) < 60_000, len(response.content)


def test_hosts_write_to_attendees_without_seeing_addresses(client: Client, run_tasks) -> None:
    event = factories.EventFactory(host_name="Grupo", host_email="host@example.org")
    event.host_email_index = "x"
    event.save()
    rsvp_create(event=event, name="Bea", email="bea@example.org", language="de")
    url = f"/en/events/host/{host_token(event)}/"
    page = client.get(url).content.decode()
    assert "Bea" in page and "bea@example.org" not in page
    assert (
        client.post(
            url, {"subject": "Bring banners", "body": "See you there"}, HTTP_ORIGIN=ORIGIN
        ).status_code
        == 302
    )
    run_tasks()
    message = next(m for m in mail.outbox if "Bring banners" in m.subject)
    assert message.to == ["bea@example.org"] and "host@example.org" not in message.body
    for _ in range(3):
        client.post(url, {"subject": "Again", "body": "Again"}, HTTP_ORIGIN=ORIGIN)
    response = client.post(url, {"subject": "Once more", "body": "x"}, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 400  # a few messages a day, no more
    assert client.get("/en/events/host/1-forged/").status_code == 404


def test_co_sponsors_ask_and_appear_once_approved(client: Client, run_tasks) -> None:
    event = factories.EventFactory(title={"es": "Charla", "en": "Panel"})
    response = client.post(
        f"/en/events/{event.slug}/co-sponsor/",
        {
            "name": "Sindicato de Prensa",
            "country": "AR",
            "website": "sipreba.example",
            "contact_name": "Laura",
            "contact_email": "laura@example.org",
        },
    )
    assert response.status_code == 302
    cosponsor = Cosponsor.objects.get()
    assert cosponsor.status == Cosponsor.Status.PENDING
    assert "Sindicato de Prensa" not in client.get(event.get_absolute_url()).content.decode()
    organiser = factories.MembershipFactory(organisation=event.campaign.owner).user
    staff = Client()
    staff.force_login(organiser)
    staff.post(
        "/admin/events/cosponsor/", {"action": "approve", "_selected_action": [cosponsor.pk]}
    )
    caches["pages"].clear()
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Sindicato de Prensa" in page and "laura@example.org" not in page
    run_tasks()
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("You co-sponsor Panel", ["laura@example.org"])
    ]
    bad = client.post(f"/en/events/{event.slug}/co-sponsor/", {"name": "", "contact_email": "x"})
    assert bad.status_code == 400 and Cosponsor.objects.count() == 1


def test_check_in_and_attendance_export(client: Client) -> None:
    event = factories.EventFactory(kind="in_person", city="Rosario", country="AR")
    rsvp = rsvp_create(event=event, name="=Ana", email="ana@example.org", language="es").rsvp
    organiser = factories.MembershipFactory(organisation=event.campaign.owner).user
    client.force_login(organiser)
    page = client.get(f"/admin/events/event/{event.pk}/checkin/?q=ana")
    assert page.status_code == 200 and "=Ana" in page.content.decode()
    client.post(f"/admin/events/event/{event.pk}/checkin/", {"rsvp": rsvp.pk, "attended": "yes"})
    rsvp.refresh_from_db()
    assert rsvp.attended is True
    export = client.get(f"/admin/events/event/{event.pk}/export.csv")
    body = b"".join(export.streaming_content).decode()
    assert "'=Ana" in body and "yes" in body
    from solidaria.core.models import AuditEntry

    assert AuditEntry.objects.filter(action="rsvps.exported").exists()
    viewer = factories.MembershipFactory(
        organisation=event.campaign.owner, role=Membership.Role.VIEWER
    ).user
    other = Client()
    other.force_login(viewer)
    assert other.get(f"/admin/events/event/{event.pk}/export.csv").status_code == 403
    assert Rsvp.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end": "14:30"}, "end must come after"),
        ({"timezone": "Nowhere/Else"}, "valid choice"),
        ({"date": "2020-05-01"}, "cannot be in the past"),
        ({"capacity": "0"}, "greater than or equal to 1"),
        ({"capacity": "-3"}, "greater than or equal to"),
    ],
)
def test_organisers_get_clear_errors_for_impossible_events(
    client: Client, overrides: dict[str, str], message: str
) -> None:
    campaign = factories.CampaignFactory()
    organiser = factories.MembershipFactory(organisation=campaign.owner).user
    client.force_login(organiser)
    base = {
        "campaign": campaign.pk,
        "slug": "panel",
        "title_0": "Panel",
        "title_1": "Panel",
        "kind": "online",
        "date": (timezone.now() + timedelta(days=5)).date().isoformat(),
        "start": "14:30",
        "end": "16:30",
        "timezone": "America/New_York",
        "capacity": "",
        "cosponsors-TOTAL_FORMS": "0",
        "cosponsors-INITIAL_FORMS": "0",
    }
    response = client.post("/admin/events/event/add/", {**base, **overrides})
    assert response.status_code == 200 and message in response.content.decode()
    assert not Event.objects.exists()
    assert client.post("/admin/events/event/add/", base).status_code == 302
    event = Event.objects.get()
    assert event.local_start.strftime("%H:%M") == "14:30"
    assert event.starts_at.utcoffset() == timedelta(0)  # stored in UTC


def test_day_report_counts_places_and_people_once(client: Client) -> None:
    day = factories.DayOfActionFactory()
    event = factories.EventFactory(
        campaign=day.campaign, day_of_action=day, kind="in_person", city="Lima", country="PE"
    )
    for n, guests in enumerate((0, 1, 2)):
        rsvp = rsvp_create(
            event=event, name=f"P{n}", email=f"p{n}@example.org", guests=guests, language="es"
        ).rsvp
        Rsvp.objects.filter(pk=rsvp.pk).update(attended=n < 2)
    client.force_login(factories.MembershipFactory(organisation=day.campaign.owner).user)
    page = client.get(f"/admin/events/dayofaction/{day.pk}/report/").content.decode()
    assert "<td>PE</td><td>1</td><td>6</td><td>3</td>" in page.replace("\n", "")


def test_check_in_ignores_a_broken_form(client: Client) -> None:
    event = factories.EventFactory()
    client.force_login(factories.MembershipFactory(organisation=event.campaign.owner).user)
    response = client.post(f"/admin/events/event/{event.pk}/checkin/", {"rsvp": "abc"})
    assert response.status_code == 404


def test_moving_an_event_tells_attendees_and_restarts_reminders(client: Client, run_tasks) -> None:
    from solidaria.events.services import reminders_send

    now = timezone.now()
    event = factories.EventFactory(title={"es": "Charla", "en": "Panel"})
    rsvp = rsvp_create(event=event, name="Ana", email="ana@example.org", language="en").rsvp
    Event.objects.filter(pk=event.pk).update(
        starts_at=now + timedelta(hours=20), ends_at=now + timedelta(hours=21)
    )
    assert reminders_send(now=now) == 1
    event.refresh_from_db()
    client.force_login(factories.MembershipFactory(organisation=event.campaign.owner).user)
    new_day = (now + timedelta(days=7)).astimezone(event.zone).date()
    response = client.post(
        f"/admin/events/event/{event.pk}/change/",
        {
            "campaign": event.campaign.pk,
            "slug": event.slug,
            "title_0": "Charla",  # the languages in the order of settings.LANGUAGES
            "title_1": "Panel",
            "kind": "online",
            "date": new_day.isoformat(),
            "start": "22:00",
            "end": "00:30",  # past midnight: the next day
            "timezone": event.timezone,
            "capacity": "",
            "cosponsors-TOTAL_FORMS": "0",
            "cosponsors-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.ends_at - event.starts_at == timedelta(hours=2, minutes=30)
    assert event.seats_taken == 1  # the counters were not written from the form
    rsvp.refresh_from_db()
    assert not rsvp.reminded_day and not rsvp.reminded_hour
    run_tasks()
    assert sorted((m.subject, m.to) for m in mail.outbox) == [
        ("New time: Panel", ["ana@example.org"]),
        ("Tomorrow: Panel", ["ana@example.org"]),
        ("You are registered: Panel", ["ana@example.org"]),
    ]


def test_an_event_change_that_fails_half_way_saves_nothing_and_tells_no_one(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    from solidaria.core.models import AuditEntry, OutgoingEmail
    from solidaria.events import services

    event = factories.EventFactory(capacity=1)
    rsvp_create(event=event, name="Ana", email="ana@example.org", language="en")
    rsvp_create(event=event, name="Bea", email="bea@example.org", language="en")
    event.refresh_from_db()
    starts_at, emails = event.starts_at, OutgoingEmail.objects.count()
    Rsvp.objects.filter(event=event).update(reminded_day=True)
    staff = factories.MembershipFactory(organisation=event.campaign.owner).user

    def broken(**kwargs: Any) -> list[Rsvp]:
        raise RuntimeError("the waiting list could not move")

    monkeypatch.setattr(services, "event_capacity_changed", broken)
    event.starts_at += timedelta(days=1)
    event.ends_at += timedelta(days=1)
    event.capacity = 2
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        services.event_update(event=event, actor=staff)
    assert callbacks == []  # no email leaves
    event.refresh_from_db()
    assert (event.starts_at, event.capacity) == (starts_at, 1)
    assert OutgoingEmail.objects.count() == emails
    assert all(r.reminded_day for r in Rsvp.objects.filter(event=event))  # not restarted
    assert not AuditEntry.objects.filter(action__in=["event.changed", "event.moved"]).exists()

    monkeypatch.undo()
    event.starts_at += timedelta(days=1)
    event.ends_at += timedelta(days=1)
    event.capacity = 2
    update = services.event_update(event=event, actor=staff)
    assert update.told == 2 and [r.email for r in update.promoted] == ["bea@example.org"]
    changed = AuditEntry.objects.get(action="event.changed").data["fields"]
    assert sorted(changed) == ["capacity", "ends_at", "starts_at"]


@pytest.mark.django_db
def test_publishing_a_draft_without_a_host_tells_no_one() -> None:
    from solidaria.core.models import OutgoingEmail
    from solidaria.events.services import proposal_decide

    draft = factories.EventFactory(status=Event.Status.PROPOSED)  # made by organisers
    staff = factories.UserFactory()

    assert proposal_decide(event=draft, approve=True, trust=False, actor=staff)

    draft.refresh_from_db()
    assert draft.status == Event.Status.PUBLISHED
    assert not OutgoingEmail.objects.filter(template="events_proposal_decided").exists()
