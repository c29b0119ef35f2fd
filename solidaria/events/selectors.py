"""Reads about events that cross relations."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from solidaria.campaigns.models import Campaign, public_campaign_q
from solidaria.organisations.models import Organisation

from .models import Cosponsor, DayOfAction, Event, TrustedHost

# Events stay in calendar feeds this long after they end.
FEED_PAST_DAYS = 90


def host_is_trusted(*, event: Event) -> bool:
    """Whether the organisers trust this action's host to publish without a check."""
    if not event.host_email_index:
        return False
    return TrustedHost.objects.filter(email_index=event.host_email_index).exists()


def events_public() -> QuerySet[Event]:
    """Published and cancelled events of public campaigns, with what their pages show."""
    return Event.objects.select_related(
        "campaign__owner", "host", "day_of_action__campaign"
    ).filter(
        public_campaign_q(via="campaign"),
        status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED],
    )


def event_get_public(*, slug: str) -> Event:
    return get_object_or_404(events_public(), slug=slug)


def event_cosponsors_public(*, event: Event) -> list[Cosponsor]:
    """Approved co-sponsors only, and only what the public sees: contacts stay encrypted."""
    return list(
        event.cosponsors.filter(status=Cosponsor.Status.APPROVED)
        .only("event_id", "name", "country", "website")
        .order_by("name")
    )


def events_calendar_feed(
    *, campaign: Campaign | None = None, host: Organisation | None = None
) -> QuerySet[Event]:
    """A campaign's or an organisation's events for a calendar feed, recent past included.

    An organisation's events are those it hosts and those of its campaigns that no
    other organisation hosts."""
    events = events_public()
    if campaign is not None:
        events = events.filter(campaign=campaign)
    if host is not None:
        events = events.filter(Q(host=host) | Q(host__isnull=True, campaign__owner=host))
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    return events.filter(ends_at__gte=since).order_by("starts_at")[:500]


def day_of_action_get_public(*, slug: str) -> DayOfAction:
    queryset = DayOfAction.objects.select_related("campaign__owner").filter(
        public_campaign_q(via="campaign"), published=True
    )
    return get_object_or_404(queryset, slug=slug)


@dataclass(frozen=True)
class DayOfActionListing:
    """A day's published actions, the ones a search matched, by country and city."""

    events: list[Event]
    # (country name, [(city, [events])]), both sorted.
    groups: list[tuple[str, list[tuple[str, list[Event]]]]]
    # Country code -> number of actions, for the map.
    country_counts: dict[str, int]

    @property
    def count(self) -> int:
        return len(self.events)

    @property
    def map_table(self) -> list[tuple[str, int, list[tuple[str, int]]]]:
        """What the map shows, as a table: screen readers and small screens read this."""
        return [
            (
                country,
                sum(len(city_events) for _city, city_events in cities),
                [(city, len(city_events)) for city, city_events in cities if city],
            )
            for country, cities in self.groups
        ]


def day_of_action_events(*, day: DayOfAction, query: str = "") -> DayOfActionListing:
    """One query, however many actions the day has: each event's campaign comes with it."""
    events = list(
        events_public()
        .filter(day_of_action=day, status=Event.Status.PUBLISHED)
        .order_by("country", "city", "starts_at")
    )
    if query:
        needle = query.casefold()
        events = [
            event
            for event in events
            if needle in event.city.casefold()
            or needle in str(event.country.name).casefold()
            or needle == event.country.code.casefold()
        ]
    by_country: dict[str, dict[str, list[Event]]] = defaultdict(lambda: defaultdict(list))
    counts: dict[str, int] = defaultdict(int)
    for event in events:
        country_name = str(event.country.name)
        by_country[country_name or _("Other")][event.city or ""].append(event)
        if event.country.code:
            counts[event.country.code] += 1
    groups = [(country, sorted(cities.items())) for country, cities in sorted(by_country.items())]
    return DayOfActionListing(events=events, groups=groups, country_counts=dict(counts))
