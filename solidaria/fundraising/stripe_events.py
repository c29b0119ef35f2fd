"""What each Stripe event means for our records.

Handled once per event id, in one transaction with the changes it causes.
Events about things we did not start (another site on the same Stripe account)
are acknowledged and ignored.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from solidaria.core.audit import audit_log

from .models import Donation, StripeEvent
from .services import (
    donation_arrived,
    donation_dispute_closed,
    donation_disputed,
    donation_refunded,
    monthly_payment_failed,
    monthly_payment_received,
)

logger = logging.getLogger(__name__)


def _donation_for(obj: dict[str, Any]) -> Donation | None:
    reference = obj.get("client_reference_id") or (obj.get("metadata") or {}).get("donation_id")
    if not reference or not str(reference).isdigit():
        return None
    return (
        Donation.objects.select_for_update()
        .select_related("fund__campaign__owner")
        .filter(pk=int(reference), method=Donation.Method.CARD)
        .first()
    )


def _by_payment_intent(payment_intent: Any) -> Donation | None:
    if isinstance(payment_intent, dict):
        payment_intent = payment_intent.get("id")
    if not payment_intent:
        return None
    return (
        Donation.objects.select_for_update()
        .select_related("fund__campaign__owner")
        .filter(stripe_payment_intent_id=payment_intent)
        .first()
    )


def _by_subscription(subscription: Any) -> Donation | None:
    if isinstance(subscription, dict):
        subscription = subscription.get("id")
    if not subscription:
        return None
    return (
        Donation.objects.select_for_update()
        .select_related("fund__campaign__owner")
        .filter(stripe_subscription_id=subscription, frequency=Donation.Frequency.MONTHLY)
        .order_by("pk")
        .first()
    )


def _invoice_subscription(invoice: dict[str, Any]) -> Any:
    # Older API versions name it on the invoice, newer ones under parent.
    return invoice.get("subscription") or (
        ((invoice.get("parent") or {}).get("subscription_details") or {}).get("subscription")
    )


def _invoice_payment_intent(invoice: dict[str, Any]) -> Any:
    if invoice.get("payment_intent"):
        return invoice["payment_intent"]
    for payment in (invoice.get("payments") or {}).get("data", []):
        intent = (payment.get("payment") or {}).get("payment_intent")
        if intent:
            return intent
    return None


def _checkout_completed(session: dict[str, Any]) -> str:
    donation = _donation_for(session)
    if donation is None:
        return "ignored"
    donation.stripe_customer_id = str(session.get("customer") or "")
    donation.stripe_subscription_id = str(session.get("subscription") or "")
    intent = session.get("payment_intent")
    donation.stripe_payment_intent_id = str(
        intent.get("id") if isinstance(intent, dict) else intent or ""
    )
    donation.save(
        update_fields=["stripe_customer_id", "stripe_subscription_id", "stripe_payment_intent_id"]
    )
    if session.get("payment_status") in ("paid", "no_payment_required"):
        return "received" if donation_arrived(donation) else "already"
    return "waiting"  # a delayed method: async_payment_succeeded will follow


def _checkout_async(session: dict[str, Any], *, succeeded: bool) -> str:
    donation = _donation_for(session)
    if donation is None:
        return "ignored"
    if succeeded:
        return "received" if donation_arrived(donation) else "already"
    if donation.status == Donation.Status.PENDING:
        donation.status = Donation.Status.FAILED
        donation.save(update_fields=["status"])
    return "failed"


def _checkout_expired(session: dict[str, Any]) -> str:
    donation = _donation_for(session)
    if donation is None or donation.status != Donation.Status.PENDING:
        return "ignored"
    donation.status = Donation.Status.CANCELLED
    donation.cancelled_at = timezone.now()
    donation.save(update_fields=["status", "cancelled_at"])
    return "cancelled"


def _invoice_paid(invoice: dict[str, Any]) -> str:
    # The first month is counted by checkout.session.completed; later ones here.
    if invoice.get("billing_reason") != "subscription_cycle":
        return "ignored"
    parent = _by_subscription(_invoice_subscription(invoice))
    if parent is None:
        return "ignored"
    monthly_payment_received(
        parent=parent,
        amount_minor=int(invoice.get("amount_paid") or 0),
        currency=str(invoice.get("currency") or parent.currency).upper(),
        payment_intent=str(_invoice_payment_intent(invoice) or ""),
        invoice_id=str(invoice.get("id") or ""),
    )
    return "received"


def _invoice_failed(invoice: dict[str, Any]) -> str:
    parent = _by_subscription(_invoice_subscription(invoice))
    if parent is None:
        return "ignored"
    monthly_payment_failed(
        parent=parent,
        amount_minor=int(invoice.get("amount_due") or 0),
        currency=str(invoice.get("currency") or parent.currency).upper(),
    )
    return "failed"


def _subscription_deleted(subscription: dict[str, Any]) -> str:
    parent = _by_subscription(subscription.get("id"))
    if parent is None or parent.cancelled_at is not None:
        return "ignored"
    parent.cancelled_at = timezone.now()
    parent.save(update_fields=["cancelled_at"])
    audit_log(
        action="donation.monthly_ended",
        obj=parent,
        organisation=parent.fund.campaign.owner,
    )
    return "cancelled"


def _charge_refunded(charge: dict[str, Any]) -> str:
    donation = _by_payment_intent(charge.get("payment_intent"))
    if donation is None:
        return "ignored"
    donation_refunded(donation, total_refunded_minor=int(charge.get("amount_refunded") or 0))
    return "refunded"


def _dispute(dispute: dict[str, Any], *, closed: bool) -> str:
    donation = _by_payment_intent(dispute.get("payment_intent"))
    if donation is None:
        return "ignored"
    if closed:
        donation_dispute_closed(donation, won=dispute.get("status") == "won")
        return "dispute closed"
    donation_disputed(donation)
    return "disputed"


HANDLERS = {
    "checkout.session.completed": _checkout_completed,
    "checkout.session.async_payment_succeeded": lambda o: _checkout_async(o, succeeded=True),
    "checkout.session.async_payment_failed": lambda o: _checkout_async(o, succeeded=False),
    "checkout.session.expired": _checkout_expired,
    "invoice.paid": _invoice_paid,
    "invoice.payment_failed": _invoice_failed,
    "customer.subscription.deleted": _subscription_deleted,
    "charge.refunded": _charge_refunded,
    "charge.dispute.created": lambda o: _dispute(o, closed=False),
    "charge.dispute.closed": lambda o: _dispute(o, closed=True),
}


def stripe_event_handle(event: dict[str, Any]) -> str:
    """Applies one verified event; 'duplicate' if it was handled before."""
    event_id = str(event.get("id") or "")
    event_type = str(event.get("type") or "")
    handler = HANDLERS.get(event_type)
    obj = (event.get("data") or {}).get("object") or {}
    try:
        with transaction.atomic():
            StripeEvent.objects.create(event_id=event_id, type=event_type[:100])
            if handler is None:
                return "ignored"
            return handler(obj)
    except IntegrityError:
        if StripeEvent.objects.filter(event_id=event_id).exists():
            return "duplicate"
        raise
