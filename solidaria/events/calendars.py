"""Calendar files (RFC 5545) made with the icalendar library, time zones included."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import cast

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from solidaria.core.rendering.i18n import localize

from .models import Event
from .zones import MAX_YEAR, MIN_YEAR

PRODUCT_ID = "-//Solidaria//Events//EN"
SEQUENCE_EPOCH = 1_700_000_000  # keeps sequence numbers small


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def ics(events: Iterable[Event], *, name: str, language: str, private_url: str = "") -> bytes:
    """A calendar of `events`, each at its own zone (with the VTIMEZONE it needs).

    `private_url` (an attendee's own page) is put in the entry instead of the public
    page: it is the only place where an online event's link may appear."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for event in events:
        languages = event.campaign.languages
        entry = CalendarEvent()
        entry.add("uid", f"event-{event.pk}@{settings.SITE_URL.split('//')[-1].rstrip('/')}")
        entry.add("dtstamp", timezone.now())
        entry.add("dtstart", event.local_start)
        entry.add("dtend", event.local_end)
        entry.add("summary", str(localize(event.title, languages=languages, requested=language)))
        description = str(localize(event.description, languages=languages, requested=language))
        url = private_url or _absolute(event.get_absolute_url())
        entry.add("description", f"{description}\n\n{url}".strip())
        entry.add("url", url)
        if event.kind == Event.Kind.IN_PERSON:
            entry.add(
                "location", ", ".join(p for p in (event.venue, event.address, event.place) if p)
            )
        # Calendars replace an entry they know when its sequence grows: the time of the
        # last change, in seconds, does.
        entry.add("sequence", int(event.updated_at.timestamp()) - SEQUENCE_EPOCH)
        entry.add("last-modified", event.updated_at)
        if event.status == Event.Status.CANCELLED:
            entry.add("status", "CANCELLED")
        else:
            entry.add("status", "CONFIRMED")
        calendar.add_component(entry)
    calendar.add_missing_timezones(
        first_date=date(MIN_YEAR, 1, 1), last_date=date(MAX_YEAR, 12, 31)
    )
    # icalendar leaves to_ical() unannotated; it returns the file's bytes.
    return cast(bytes, calendar.to_ical())
