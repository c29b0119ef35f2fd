"""The public event pages run a fixed number of queries, however many events and
co-sponsors there are (STYLE.md, rule 4)."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import Client

from solidaria.events.models import Cosponsor
from tests import factories

pytestmark = pytest.mark.django_db


def _cosponsor(event, n: int) -> Cosponsor:
    return Cosponsor.objects.create(
        event=event,
        name=f"Organisation {n}",
        country="AR",
        website=f"https://org{n}.example.org/",
        contact_name="Ana",
        contact_email=f"ana{n}@example.org",
        language="es",
        status=Cosponsor.Status.APPROVED,
    )


def _get_fresh(client: Client, url: str) -> str:
    caches["pages"].clear()  # measure the page, not the anonymous page cache
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("cosponsors", [1, 20])
def test_event_page_runs_a_fixed_number_of_queries(
    client: Client, django_assert_num_queries, cosponsors: int
) -> None:
    host = factories.OrganisationFactory(name="Host Organisation")
    day = factories.DayOfActionFactory()
    event = factories.EventFactory(campaign=day.campaign, day_of_action=day, host=host)
    for n in range(cosponsors):
        _cosponsor(event, n)
    _get_fresh(client, f"/en/events/{event.slug}/")  # publishes the consent wording once

    # event+campaign+owner+host+day+day's campaign, co-sponsors, consent wording
    with django_assert_num_queries(3):
        html = _get_fresh(client, f"/en/events/{event.slug}/")
    assert html.count("Organisation ") >= cosponsors
    assert f"Organisation {cosponsors - 1}" in html
    assert "Host Organisation" in html and day.get_absolute_url() in html


@pytest.mark.parametrize("events", [1, 20])
def test_day_of_action_page_runs_a_fixed_number_of_queries(
    client: Client, django_assert_num_queries, events: int
) -> None:
    day = factories.DayOfActionFactory()
    hosts = [factories.OrganisationFactory() for _ in range(3)]
    cities = [("AR", "Buenos Aires"), ("DE", "Berlin"), ("FR", "Paris"), ("US", "")]
    for n in range(events):
        country, city = cities[n % len(cities)]
        factories.EventFactory(
            campaign=day.campaign,
            day_of_action=day,
            host=hosts[n % len(hosts)],
            kind="in_person",
            country=country,
            city=city,
            venue=f"Venue {n}",
        )

    # day+campaign+owner, its events with their campaigns
    with django_assert_num_queries(2):
        html = _get_fresh(client, f"/en/days/{day.slug}/")
    assert html.count('href="/en/events/') == events
    with django_assert_num_queries(2):
        searched = _get_fresh(client, f"/en/days/{day.slug}/?q=berlin")
    assert searched.count('href="/en/events/') == len(
        [n for n in range(events) if cities[n % len(cities)][1] == "Berlin"]
    )
