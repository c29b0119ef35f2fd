from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from .fulfilment import round_close
from .models import Round
from .ordering import (
    FOLLOW_UP_BATCH,
    RUSH_EMAILS,
    ordering_rush,
    orders_cancel_unpaid,
    orders_follow_up,
)

logger = logging.getLogger(__name__)


# How long one run may keep following orders up (in batches) before it yields:
# most of its interval (ORDER_FOLLOW_UP_SECONDS), so that after a rush the backlog
# goes down without runs piling up.
FOLLOW_UP_SECONDS = 1.5


@task()
def follow_up_orders() -> dict[str, int]:
    """Run every couple of seconds by the scheduler: what is owed after orders were
    placed, in batches, for at most FOLLOW_UP_SECONDS: every order counted (the
    cooperatives' totals, the audit entries), and the buyers' emails, only
    RUSH_EMAILS of them during a rush of orders (`ordering_rush`)."""
    deadline = time.monotonic() + FOLLOW_UP_SECONDS
    rush = ordering_rush()
    emails_left: int | None = RUSH_EMAILS if rush else None
    counted = emailed = 0
    while True:
        run = orders_follow_up(emails=emails_left)
        counted += run.counted
        emailed += run.emailed
        if emails_left is not None:
            emails_left = max(emails_left - run.emailed, 0)
        more = run.counted == FOLLOW_UP_BATCH or (
            emails_left is None and run.emailed == FOLLOW_UP_BATCH
        )
        if not more or time.monotonic() > deadline:
            return {"rush": int(rush), "counted": counted, "emailed": emailed}


@task()
def close_rounds() -> int:
    """Run every few minutes by the scheduler: closes each round whose closing time
    has passed (purchase orders, the organisers' summary), then cancels the orders
    still unpaid in rounds whose days to pay are over. Idempotent: a closed round is
    not closed again, nor are its unpaid orders cancelled twice. Returns how many
    rounds it closed."""
    now = timezone.now()
    closed = 0
    # A draft that never took an order is left alone: nobody waits for its summary.
    due = Round.objects.filter(closes_at__lte=now, closed_at__isnull=True).filter(
        Q(published=True) | Q(orders_count__gt=0)
    )
    due = due.order_by("closes_at")
    for round_id in due.values_list("pk", flat=True):
        # One round failing (a template error, say) must not hold up the others;
        # it is tried again at the next run.
        try:
            closing = round_close(round=Round.objects.get(pk=round_id), now=now)
        except Exception:
            logger.exception("buying round %s could not be closed", round_id)
            continue
        closed += bool(closing and closing.closed_now)
    grace = Round.objects.filter(closed_at__isnull=False, unpaid_cancelled_at__isnull=True)
    for round in grace.order_by("closes_at"):
        if round.closes_at + timedelta(days=round.payment_days) > now:
            continue
        try:
            orders_cancel_unpaid(round=round, now=now)
        except Exception:
            logger.exception("unpaid orders of buying round %s could not be cancelled", round.pk)
    return closed
