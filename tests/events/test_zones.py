"""Time zones and the changes of the clocks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from solidaria.events.zones import local_to_utc, validate_zone
from tests import factories


def test_a_time_the_clocks_skip_is_refused() -> None:
    # Berlin, 28 March 2027: clocks jump from 02:00 to 03:00.
    with pytest.raises(ValidationError) as caught:
        local_to_utc(date(2027, 3, 28), time(2, 30), "Europe/Berlin")
    assert "does not exist" in caught.value.messages[0]
    assert local_to_utc(date(2027, 3, 28), time(3, 30), "Europe/Berlin") == datetime(
        2027, 3, 28, 1, 30, tzinfo=UTC
    )


def test_a_time_that_happens_twice_means_the_first() -> None:
    # Berlin, 31 October 2027: clocks fall back from 03:00 to 02:00.
    assert local_to_utc(date(2027, 10, 31), time(2, 30), "Europe/Berlin") == datetime(
        2027, 10, 31, 0, 30, tzinfo=UTC
    )


def test_buenos_aires_has_no_change_and_unknown_zones_are_refused() -> None:
    assert local_to_utc(date(2027, 3, 28), time(2, 30), "America/Argentina/Buenos_Aires") == (
        datetime(2027, 3, 28, 5, 30, tzinfo=UTC)
    )
    for bad in ("Mars/Olympus", "", "../etc/passwd", "europe/berlin"):
        with pytest.raises(ValidationError):
            validate_zone(bad)


@pytest.mark.django_db
def test_an_online_panel_shown_to_viewers_on_both_sides_of_a_change(client: Client) -> None:
    # 2:30 PM ET on 16 March 2027: New York has changed its clocks (14 March), Berlin
    # has not yet (28 March), São Paulo has no summer time.
    starts = local_to_utc(date(2027, 3, 16), time(14, 30), "America/New_York")
    event = factories.EventFactory(
        starts_at=starts, ends_at=starts.replace(hour=starts.hour + 1), timezone="America/New_York"
    )
    page = client.get(f"/en/events/{event.slug}/").content.decode()
    assert "14:30" in page and "America/New_York" in page
    berlin = client.get(f"/en/events/{event.slug}/?tz=Europe/Berlin").content.decode()
    assert "19:30" in berlin and "(Europe/Berlin)" in berlin  # five hours, not six
    later = local_to_utc(date(2027, 3, 30), time(14, 30), "America/New_York")
    event.starts_at, event.ends_at = later, later.replace(hour=later.hour + 1)
    event.save()
    from django.core.cache import caches

    caches["pages"].clear()
    berlin = client.get(f"/en/events/{event.slug}/?tz=Europe/Berlin").content.decode()
    assert "20:30" in berlin  # both have changed: six hours again
    sao_paulo = client.get(f"/en/events/{event.slug}/?tz=America/Sao_Paulo").content.decode()
    assert "15:30" in sao_paulo
    ignored = client.get(f"/en/events/{event.slug}/?tz=Nowhere/Else")
    assert ignored.status_code == 200 and "(Nowhere/Else)" not in ignored.content.decode()
