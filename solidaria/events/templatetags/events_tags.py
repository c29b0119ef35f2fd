from __future__ import annotations

from django import template
from django.utils import timezone

from solidaria.campaigns.models import Campaign
from solidaria.events.models import Event

register = template.Library()


@register.inclusion_tag("events/_campaign_events.html")
def campaign_events(campaign: Campaign, limit: int = 6) -> dict[str, object]:
    """Upcoming events of a campaign that are not part of a day of action (those are
    listed on the day's own page), and its days of action. Two queries."""
    events = list(
        Event.objects.filter(
            campaign=campaign,
            status=Event.Status.PUBLISHED,
            day_of_action__isnull=True,
            ends_at__gt=timezone.now(),
        ).order_by("starts_at")[:limit]
    )
    days = [
        day
        for day in campaign.days_of_action.all()
        if day.published and day.date >= timezone.localdate()
    ]
    return {"campaign": campaign, "events": events, "days": days}
