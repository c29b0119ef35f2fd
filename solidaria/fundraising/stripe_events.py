"""What each Stripe event means for the fund's gifts.

core.payments verifies the webhook and applies each event once, in one
transaction with the changes it causes; the handlers here are registered there
from `FundraisingConfig.ready`, for what the fund marks with its kind ("gift") and
for what carries no kind (charges, disputes, invoices, sessions started before
kinds). Events about gifts we did not start (another site on the same Stripe
account, or a round's order) are acknowledged and ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import stripe
from django.db.models import QuerySet

from solidaria.core.payments.client import stripe_client
from solidaria.core.payments.events import StripeHandlers, StripeObject, dispute_read
from solidaria.core.payments.events import stripe_id as _id

from .models import Donation
from .payments import STRIPE_KIND
from .services import (
    donation_arrived,
    donation_checkout_expired,
    donation_dispute_closed,
    donation_disputed,
    donation_payment_failed,
    donation_refunded,
    donation_stripe_ids_record,
    monthly_ended,
    monthly_payment_failed,
    monthly_payment_received,
)

logger = logging.getLogger(__name__)


def _locked_donations() -> QuerySet[Donation]:
    """Gifts as the handlers change them: locked until the event's transaction ends,
    with what their emails and audit entries name."""
    return Donation.objects.select_for_update().select_related("fund__campaign__owner")


def _donation_for(session: StripeObject) -> Donation | None:
    """The gift a Checkout Session was made for: by the session's id, which only we
    know, so sessions of another site on the same Stripe account never match."""
    session_id = session.get("id")
    if not session_id:
        return None
    return (
        _locked_donations()
        .filter(stripe_session_id=session_id, method=Donation.Method.CARD)
        .first()
    )


def _by_payment(obj: StripeObject) -> Donation | None:
    """The gift a charge or dispute is about: by its payment intent, or by the
    invoice it paid (monthly gifts; see `invoice_of_payment`)."""
    queryset = _locked_donations()
    payment_intent = _id(obj.get("payment_intent"))
    if payment_intent:
        found = queryset.filter(stripe_payment_intent_id=payment_intent).first()
        if found is not None:
            return found
    invoice = _id(obj.get("invoice")) or str(obj.get("_invoice") or "")
    if invoice:
        return queryset.filter(stripe_invoice_id=invoice).first()
    return None


def invoice_of_payment(payment_intent: str) -> str:
    """Asks Stripe which invoice a payment intent paid. Newer API versions name it
    neither on the charge nor on the invoice; called before the transaction opens."""
    try:
        payments = stripe_client().v1.invoice_payments.list(
            {"payment": {"type": "payment_intent", "payment_intent": payment_intent}, "limit": 1}
        )
    except stripe.StripeError:
        logger.warning("could not look up the invoice of %s", payment_intent)
        return ""
    for payment in payments.data:
        return _id(payment["invoice"])
    return ""


def _by_subscription(subscription: Any) -> Donation | None:
    subscription_id = _id(subscription)
    if not subscription_id:
        return None
    return (
        _locked_donations()
        .filter(stripe_subscription_id=subscription_id, frequency=Donation.Frequency.MONTHLY)
        .order_by("pk")
        .first()
    )


def _invoice_subscription(invoice: StripeObject) -> Any:
    # Older API versions name it on the invoice, newer ones under parent.
    return invoice.get("subscription") or (
        ((invoice.get("parent") or {}).get("subscription_details") or {}).get("subscription")
    )


def _invoice_payment_intent(invoice: StripeObject) -> Any:
    if invoice.get("payment_intent"):
        return invoice["payment_intent"]
    for payment in (invoice.get("payments") or {}).get("data", []):
        intent = (payment.get("payment") or {}).get("payment_intent")
        if intent:
            return intent
    return None


def _checkout_completed(session: StripeObject) -> str:
    donation = _donation_for(session)
    if donation is None:
        return "ignored"
    donation_stripe_ids_record(
        donation=donation,
        customer_id=_id(session.get("customer")),
        subscription_id=_id(session.get("subscription")),
        payment_intent_id=_id(session.get("payment_intent")),
        invoice_id=_id(session.get("invoice")),
    )
    if session.get("payment_status") in ("paid", "no_payment_required"):
        return "received" if donation_arrived(donation=donation) else "already"
    return "waiting"  # a delayed method: async_payment_succeeded will follow


def _checkout_async(session: StripeObject, *, succeeded: bool) -> str:
    donation = _donation_for(session)
    if donation is None:
        return "ignored"
    if succeeded:
        return "received" if donation_arrived(donation=donation) else "already"
    donation_payment_failed(donation=donation)
    return "failed"


def _checkout_expired(session: StripeObject) -> str:
    donation = _donation_for(session)
    if donation is None or not donation_checkout_expired(donation=donation):
        return "ignored"
    return "cancelled"


def _invoice_paid(invoice: StripeObject) -> str:
    # The first month is counted by checkout.session.completed; later ones here.
    if invoice.get("billing_reason") != "subscription_cycle":
        return "ignored"
    parent = _by_subscription(_invoice_subscription(invoice))
    if parent is None:
        return "ignored"
    child = monthly_payment_received(
        parent=parent,
        amount_minor=int(invoice.get("amount_paid") or 0),
        currency=str(invoice.get("currency") or parent.currency).upper(),
        payment_intent=_id(_invoice_payment_intent(invoice)),
        invoice_id=_id(invoice.get("id")),
    )
    return "received" if child is not None else "ignored"


def _invoice_failed(invoice: StripeObject) -> str:
    parent = _by_subscription(_invoice_subscription(invoice))
    if parent is None:
        return "ignored"
    child = monthly_payment_failed(
        parent=parent,
        amount_minor=int(invoice.get("amount_due") or 0),
        currency=str(invoice.get("currency") or parent.currency).upper(),
        invoice_id=_id(invoice.get("id")),
    )
    return "failed" if child is not None else "ignored"


def _subscription_deleted(subscription: StripeObject) -> str:
    parent = _by_subscription(subscription.get("id"))
    if parent is None or not monthly_ended(donation=parent):
        return "ignored"
    return "cancelled"


def _charge_refunded(charge: StripeObject) -> str:
    donation = _by_payment(charge)
    if donation is None:
        return "ignored"
    donation_refunded(
        donation=donation, total_refunded_minor=int(charge.get("amount_refunded") or 0)
    )
    return "refunded"


def _dispute(obj: StripeObject, *, closed: bool) -> str:
    dispute = dispute_read(obj)
    if dispute is None:
        return "ignored"  # an inquiry: no money moves
    donation = _by_payment(obj)
    if donation is None:
        return "ignored"
    if closed:
        donation_dispute_closed(donation=donation, won=dispute.won)
        return "dispute closed"
    donation_disputed(donation=donation, amount_minor=dispute.amount_minor or donation.amount_minor)
    return "disputed"


HANDLERS: dict[str, Callable[[StripeObject], str]] = {
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


def _find_invoice_first(event_type: str, obj: StripeObject) -> None:
    """For a charge or dispute we cannot place by its payment intent, ask Stripe for
    the invoice it paid now, before the transaction: no network call holds a lock."""
    if not event_type.startswith("charge."):
        return
    payment_intent = _id(obj.get("payment_intent"))
    if not payment_intent or obj.get("invoice"):
        return
    if Donation.objects.filter(stripe_payment_intent_id=payment_intent).exists():
        return
    obj["_invoice"] = invoice_of_payment(payment_intent)


STRIPE_HANDLERS = StripeHandlers(kind=STRIPE_KIND, handlers=HANDLERS, prepare=_find_invoice_first)
