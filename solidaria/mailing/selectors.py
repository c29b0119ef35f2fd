"""Reads about mailings: how far one has got, and what came of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from solidaria.core.models import OutgoingEmail

from .models import Mailing, Recipient

# The window the sending rate is measured over.
RATE_WINDOW = timedelta(seconds=60)


@dataclass(frozen=True)
class Results:
    recipients: int
    sent: int
    failed: int
    remaining: int
    skipped: int
    cancelled: int
    bounced: int
    complained: int
    unsubscribed: int
    per_second: float
    by_language: list[dict[str, object]] = field(default_factory=list)

    @property
    def done_share(self) -> float:
        """Of the recipients, the share that is settled (sent, failed, skipped, cancelled)."""
        if not self.recipients:
            return 1.0
        return 1 - self.remaining / self.recipients

    @property
    def seconds_left(self) -> int | None:
        if not self.remaining or self.per_second <= 0:
            return None
        return int(self.remaining / self.per_second) + 1

    def as_json(self) -> dict[str, object]:
        return {
            "recipients": self.recipients,
            "sent": self.sent,
            "failed": self.failed,
            "remaining": self.remaining,
            "skipped": self.skipped,
            "cancelled": self.cancelled,
            "bounced": self.bounced,
            "complained": self.complained,
            "unsubscribed": self.unsubscribed,
            "per_second": round(self.per_second, 1),
            "seconds_left": self.seconds_left,
            "done_percent": round(100 * self.done_share, 1),
        }


def _counts() -> dict[str, Count]:
    sent = Q(email__status=OutgoingEmail.Status.SENT)
    return {
        "recipients": Count("pk"),
        "sent": Count("pk", filter=sent),
        "failed": Count("pk", filter=Q(email__status=OutgoingEmail.Status.FAILED)),
        "waiting": Count("pk", filter=Q(status=Recipient.Status.WAITING)),
        "in_queue": Count(
            "pk",
            filter=Q(status=Recipient.Status.QUEUED)
            & Q(email__status__in=[OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.SENDING]),
        ),
        # Handed over, then the message row was emptied away (the person erased).
        "gone": Count("pk", filter=Q(status=Recipient.Status.QUEUED, email__isnull=True)),
        "skipped": Count("pk", filter=Q(status=Recipient.Status.SKIPPED)),
        "cancelled": Count("pk", filter=Q(status=Recipient.Status.CANCELLED)),
        "bounced": Count("pk", filter=Q(bounced_at__isnull=False)),
        "complained": Count("pk", filter=Q(complained_at__isnull=False)),
        "unsubscribed": Count("pk", filter=Q(unsubscribed_at__isnull=False)),
    }


def mailing_results(mailing: Mailing) -> Results:
    """Counted from the recipients' rows: one query for the totals, one per language
    (at most five), one for the rate."""
    recipients = Recipient.objects.filter(mailing=mailing)
    totals = recipients.aggregate(**_counts())
    by_language: list[dict[str, object]] = [
        dict(row)
        for row in recipients.values("language").annotate(**_counts()).order_by("language")
    ]
    recent = recipients.filter(
        email__status=OutgoingEmail.Status.SENT,
        email__sent_at__gte=timezone.now() - RATE_WINDOW,
    ).count()
    sending = mailing.status == Mailing.Status.SENDING
    return Results(
        recipients=totals["recipients"],
        sent=totals["sent"],
        failed=totals["failed"],
        remaining=totals["waiting"] + totals["in_queue"],
        skipped=totals["skipped"] + totals["gone"],
        cancelled=totals["cancelled"],
        bounced=totals["bounced"],
        complained=totals["complained"],
        unsubscribed=totals["unsubscribed"],
        per_second=recent / RATE_WINDOW.total_seconds() if sending else 0.0,
        by_language=by_language,
    )
