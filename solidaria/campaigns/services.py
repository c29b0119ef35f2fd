from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from solidaria.core.privacy.audit import Actor, audit_log

from .exceptions import CampaignNotReady
from .models import Campaign


def campaign_set_status(*, campaign: Campaign, status: str, actor: Actor = None) -> Campaign:
    """Publishes, closes, archives or withdraws a campaign."""
    if status not in Campaign.Status.values:
        raise CampaignNotReady(_("Unknown status."))
    if status == Campaign.Status.LIVE and not (campaign.title and campaign.story):
        raise CampaignNotReady(_("A campaign needs a title and a story before it goes live."))
    with transaction.atomic():
        previous = campaign.status
        campaign.status = status
        fields = ["status", "updated_at"]
        if status == Campaign.Status.LIVE and campaign.published_at is None:
            campaign.published_at = timezone.now()
            fields.append("published_at")
        # Its actions' personal data is kept for a while after they close (retention).
        if status == Campaign.Status.LIVE:
            campaign.closed_at = None
            fields.append("closed_at")
        elif previous == Campaign.Status.LIVE:
            campaign.closed_at = timezone.now()
            fields.append("closed_at")
        campaign.save(update_fields=fields)
        audit_log(
            action=f"campaign.{status}",
            actor=actor,
            obj=campaign,
            organisation=campaign.owner,
            data={"from": previous, "to": status},
        )
    return campaign
