from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from solidaria.organisations.models import Organisation

from .models import Campaign, CampaignUpdate


def campaign_list_public() -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(status=Campaign.Status.LIVE)
        .select_related("owner")
        .order_by("-published_at", "-id")
    )


def campaign_get_public(*, slug: str) -> Campaign:
    """A public campaign with everything its page shows, in a fixed number of queries."""
    queryset = (
        Campaign.objects.public()
        .select_related("owner")
        .prefetch_related(
            Prefetch("partners", queryset=Organisation.objects.order_by("name")),
            Prefetch("owner__contacts"),
            # Actions that live in other apps, by relation name only (no upward import).
            "petitions",
            "funds",
            "days_of_action",
            Prefetch(
                "updates",
                queryset=CampaignUpdate.objects.filter(is_published=True).order_by(
                    "-published_at", "-id"
                ),
                to_attr="public_updates",
            ),
        )
    )
    return get_object_or_404(queryset, slug=slug)
