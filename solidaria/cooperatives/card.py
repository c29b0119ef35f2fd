"""Paying a round's order by card, through Stripe Checkout.

An order paid by card (`Order.Payment.CARD`) is placed as any other
(`ordering.order_place`: the stock is taken, the order waits for its money); then
`order_checkout_start` asks Stripe for a Checkout Session for its lines and sends
the buyer there. Card details never touch us. The order counts as paid only when
Stripe's signed webhook (core.payments) says the money arrived, and then through
the same service as a bank transfer (`fulfilment.orders_mark_paid`, which links
the buyer's supporter record and consent).

A session is open for `CHECKOUT_EXPIRY`: one left unpaid expires at Stripe, and
its expiry cancels the order and puts its items back (`ordering.order_cancel`),
so an abandoned payment does not hold limited stock for days. Until then the
buyer can go back to the payment from the order's pages. An order has one
session at a time (`Order.stripe_session_id`): a session whose amount no longer
matches the order (the buyer changed it) is expired at Stripe before a new one is
made, and events about any other session are ignored.

Each event is applied once (core.payments stores its id), in one transaction with
what it changes, and audited. The order keeps the payment Stripe confirmed (its
payment intent, what arrived): refunds and disputes, which name only the payment,
find the order by it. Money that arrives but cannot count (another amount than
the order's total, or for an order cancelled meanwhile) and disputes mark the
order (`Order.card_payment_problem`, `Order.card_dispute`) for the organisers, who
find such orders in the console and settle them in Stripe; the days to pay leave
them alone (`ordering.orders_cancel_unpaid`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

import stripe
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from solidaria.core.payments.checkout import checkout_session_create, checkout_session_expire
from solidaria.core.payments.client import (
    CheckoutSession,
    absolute_url,
    card_payments_enabled,
    checkout_locale,
    stripe_client,
)
from solidaria.core.payments.events import (
    IGNORED,
    StripeHandlers,
    StripeObject,
    dispute_read,
    stripe_id,
)
from solidaria.core.payments.exceptions import PaymentUnavailable
from solidaria.core.privacy.audit import Actor, audit_log
from solidaria.core.rendering.i18n import localize

from .exceptions import CardPaymentUnavailable, OrderLocked
from .fulfilment import orders_mark_paid
from .models import DIRECTORY_LANGUAGES, Order, Round
from .ordering import order_cancel

logger = logging.getLogger(__name__)

# The rounds' mark on what they create at Stripe (core.payments.events routes by it).
STRIPE_KIND = "order"
# How long a Checkout Session stays open (Stripe takes 30 minutes to 24 hours). The
# expiry is rounded up to the next EXPIRY_STEP, so that asking twice within a few
# minutes asks Stripe the same and gets the same session back.
CHECKOUT_EXPIRY = timedelta(hours=1)
EXPIRY_STEP = timedelta(minutes=10)
# Stripe's page sends the buyer back to the page after ordering through this link;
# signed without a timestamp, so that the same session is asked for with the same
# link, and valid for as long as that page is (placing.ORDERED_MAX_AGE).
RETURN_SALT = "solidaria.cooperatives.card-return"
RETURN_VALID = timedelta(days=90)

PAID_STATUSES = ("paid", "no_payment_required")


# --- the way back from Stripe's page ------------------------------------------------------


def return_token(order: Order, *, until: datetime) -> str:
    return signing.Signer(salt=RETURN_SALT).sign_object(
        {"order": order.pk, "until": int(until.timestamp())}
    )


def order_id_of_return(token: str) -> int | None:
    """The order a link back from Stripe's page is about; None if forged or too old."""
    try:
        value = signing.Signer(salt=RETURN_SALT).unsign_object(token)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict):
        return None
    order_id, until = value.get("order"), value.get("until")
    if not isinstance(order_id, int) or not isinstance(until, int):
        return None
    if timezone.now().timestamp() > until:
        return None
    return order_id


# --- starting a payment --------------------------------------------------------------------


def _expiry(now: datetime) -> datetime:
    step = int(EXPIRY_STEP.total_seconds())
    rounded = (int(now.timestamp()) // step + 1) * step
    return datetime.fromtimestamp(rounded, tz=now.tzinfo) + CHECKOUT_EXPIRY


def _name(value: object, language: str) -> str:
    return str(localize(value, languages=DIRECTORY_LANGUAGES, requested=language))


def _line_items(order: Order) -> list[dict[str, object]]:
    """The order's lines at the prices it was placed at, and shipping: their sum is
    the order's total."""
    language = order.language
    currency = order.round.currency.lower()
    items: list[dict[str, object]] = []
    for line in order.lines.select_related("item__product", "variant").order_by("pk"):
        name = _name(line.item.product.name, language)
        if line.variant is not None:
            name = f"{name} ({_name(line.variant.name, language)})"
        items.append(
            {
                "price_data": {
                    "currency": currency,
                    "unit_amount": line.unit_price_minor,
                    "product_data": {"name": name[:250]},
                },
                "quantity": line.quantity,
            }
        )
    if order.shipping_minor:
        with translation.override(language):
            shipping = _("Shipping")
        items.append(
            {
                "price_data": {
                    "currency": currency,
                    "unit_amount": order.shipping_minor,
                    "product_data": {"name": shipping},
                },
                "quantity": 1,
            }
        )
    return items


def _session_params(order: Order, *, now: datetime) -> dict[str, object]:
    round = order.round
    language = order.language
    expires = _expiry(now)
    with translation.override(language):
        back = reverse(
            "cooperatives:card-return",
            kwargs={"token": return_token(order, until=expires + RETURN_VALID)},
        )
        title = str(
            localize(round.title, languages=round.organisation.languages, requested=language)
        )
    metadata = {"kind": STRIPE_KIND, "order_reference": order.reference}
    return {
        "mode": "payment",
        "line_items": _line_items(order),
        "customer_email": order.email,
        "client_reference_id": order.reference,
        "metadata": metadata,
        "payment_intent_data": {
            "metadata": metadata,
            "description": f"{order.reference} · {title}"[:500],
        },
        "locale": checkout_locale(language),
        "success_url": absolute_url(f"{back}?card=paid"),
        "cancel_url": absolute_url(f"{back}?card=cancelled"),
        "expires_at": int(expires.timestamp()),
    }


def _check_payable(order: Order) -> None:
    if order.payment != Order.Payment.CARD:
        raise OrderLocked(_("This order is paid by bank transfer."))
    if order.status == Order.Status.CANCELLED:
        raise OrderLocked(_("This order has been cancelled."))
    if order.status != Order.Status.PENDING:
        raise OrderLocked(_("This order has been paid. Thank you!"))
    if order.card_payment_problem:
        # Paid already, but not its total: paying again would not settle it.
        raise OrderLocked(
            _(
                "A card payment for this order has arrived that the organisers need to "
                "check. They will get in touch with you."
            )
        )


def _session_of(session_id: str) -> stripe.checkout.Session:
    try:
        return stripe_client().v1.checkout.sessions.retrieve(session_id)
    except stripe.StripeError as exc:
        raise CardPaymentUnavailable() from exc


def _paid_already() -> OrderLocked:
    return OrderLocked(
        _("Your card payment has been made: we are waiting for Stripe to confirm it.")
    )


def _session_close(order: Order, session_id: str) -> None:
    """Closes the order's session at Stripe, then lets go of it: an expired session
    can never be paid, and its expiry (which Stripe announces too) must not cancel
    the order, which is still to be paid through another. CardPaymentUnavailable if
    Stripe did not close it: the order keeps it then."""
    checkout_session_expire(session_id, error=CardPaymentUnavailable)
    with transaction.atomic():
        if Order.objects.filter(pk=order.pk, stripe_session_id=session_id).update(
            stripe_session_id=None, updated_at=timezone.now()
        ):
            audit_log(
                action="cooperatives.order_card_session_closed",
                obj=order,
                organisation=order.round.organisation,
                data={"session": session_id},
            )
    order.stripe_session_id = None


def order_checkout_start(*, order: Order, now: datetime | None = None) -> CheckoutSession:
    """The Checkout Session to send a card order's buyer to: the order's open one if
    it is for the order's total now, else a new one (the old one closed at Stripe
    first). OrderLocked if the order is no longer waiting for its money (paid,
    cancelled, or its payment made and being confirmed); CardPaymentUnavailable if
    Stripe does not answer, and then nothing changed."""
    now = now or timezone.now()
    order = Order.objects.select_related("round__organisation").get(pk=order.pk)
    _check_payable(order)
    if not card_payments_enabled():
        raise CardPaymentUnavailable(_("Card payments are not available at the moment."))
    previous = order.stripe_session_id or ""
    if previous:
        session = _session_of(previous)
        if session.status == "complete":
            raise _paid_already()
        if session.status == "open":
            same = session.amount_total == order.total_minor and (
                str(session.currency or "").upper() == order.round.currency
            )
            if same and session.url:
                return CheckoutSession(id=str(session.id), url=str(session.url))
            try:
                _session_close(order, previous)
            except CardPaymentUnavailable:
                # Paid a moment ago (another tab), which is why Stripe would not
                # close it: not "nothing was charged".
                if _session_of(previous).status == "complete":
                    raise _paid_already() from None
                raise
            previous = ""
    params = _session_params(order, now=now)
    # The same request (a double click) gets the same session back; another order
    # total, expiry or previous session makes a new one.
    fingerprint = hashlib.sha256(
        json.dumps([previous, params], sort_keys=True).encode()
    ).hexdigest()[:32]
    created = checkout_session_create(
        params,
        idempotency_key=f"order-{order.pk}-checkout-{fingerprint}",
        error=CardPaymentUnavailable,
    )
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        current = locked.stripe_session_id or ""
        if locked.status == Order.Status.PENDING and current in (previous, created.id):
            if current != created.id:
                locked.stripe_session_id = created.id
                locked.save(update_fields=["stripe_session_id", "updated_at"])
                audit_log(
                    action="cooperatives.order_card_checkout",
                    obj=locked,
                    organisation=order.round.organisation,
                    data={"session": created.id, "replaces": previous},
                )
            return created
    # Cancelled, or another session started, while Stripe answered: this one must
    # not be paid.
    try:
        checkout_session_expire(created.id)
    except PaymentUnavailable:
        logger.warning("could not close the unused checkout session of order %s", order.pk)
    raise OrderLocked(_("This order has changed meanwhile. Please open it again."))


def order_checkout_close(*, order: Order) -> bool:
    """Closes the order's open session at Stripe (the buyer cancelled or changed the
    order), so that nobody pays what is no longer owed. False if Stripe did not
    answer: an amount paid anyway is then flagged when it arrives (see `_paid`)."""
    if order.payment != Order.Payment.CARD or not order.stripe_session_id:
        return True
    if not card_payments_enabled():
        return False
    try:
        _session_close(order, order.stripe_session_id)
    except CardPaymentUnavailable:
        logger.warning("could not close the checkout session of order %s", order.pk)
        return False
    return True


def orders_card_settled(*, orders: Iterable[Order], actor: Actor) -> list[Order]:
    """The organisers settled in Stripe what the console listed for these orders
    (`Order.card_needs_a_person`): a payment that could not count was taken or
    refunded, a dispute closed. The marks go, so the orders leave the list "to
    check" and the days to pay treat them as any other; an open dispute stays,
    since only Stripe closes it. Each is audited; returns the orders settled."""
    settled = []
    with transaction.atomic():
        for order in (
            Order.objects.select_for_update(of=("self",))
            .select_related("round__organisation")
            .filter(pk__in=[order.pk for order in orders])
            .order_by("pk")
        ):
            if not order.card_payment_problem and order.card_dispute not in (
                Order.CardDispute.WON,
                Order.CardDispute.LOST,
            ):
                continue
            audit_log(
                action="cooperatives.order_card_settled",
                actor=actor,
                obj=order,
                organisation=order.round.organisation,
                data={"problem": order.card_payment_problem, "dispute": order.card_dispute},
            )
            order.card_payment_problem = ""
            if order.card_dispute != Order.CardDispute.OPEN:
                order.card_dispute = ""
            order.save(update_fields=["card_payment_problem", "card_dispute", "updated_at"])
            settled.append(order)
    return settled


def card_sessions_settle(*, round: Round) -> bool:
    """The round's days to pay are over: each card order still waiting with a
    Checkout Session is settled from what Stripe says of the session now, as its
    event would have (an event may never come: a webhook misconfigured, or down for
    longer than Stripe retries). Expired: cancelled as unpaid. Complete and paid:
    the payment applied. Complete but unpaid (a method confirmed days later): left
    to its own event. Open (it closes within about an hour), or Stripe not
    answering: left, and True returned, so that the round is looked at again.

    Without Stripe's keys no session can be asked about or confirmed: those orders
    stay waiting, for the organisers (the console lists them by payment)."""
    sessions = list(
        Order.objects.filter(
            round=round,
            status=Order.Status.PENDING,
            payment=Order.Payment.CARD,
            card_payment_problem="",
            stripe_session_id__isnull=False,
        )
        .order_by("pk")
        .values_list("stripe_session_id", flat=True)
    )
    if not sessions:
        return False
    if not card_payments_enabled():
        logger.warning("round %s has card orders waiting, and Stripe is not configured", round.pk)
        return False
    waiting = False
    for session_id in sessions:
        try:
            session = _session_of(str(session_id)).to_dict()
        except CardPaymentUnavailable:
            logger.warning("could not ask Stripe about checkout session %s", session_id)
            waiting = True
            continue
        with transaction.atomic():
            if session.get("status") == "expired":
                _checkout_expired(session)
            elif session.get("status") == "complete":
                _checkout_completed(session)  # paid: applied; a delayed method: left
            else:
                waiting = True
    return waiting


# --- Stripe's events ----------------------------------------------------------------------


def _order_for(session: StripeObject) -> Order | None:
    """The card order a session was made for: by the session's id, which only we and
    Stripe know, so sessions of another site (or replaced ones) never match.
    Locked until the event's transaction ends."""
    session_id = stripe_id(session.get("id"))
    if not session_id:
        return None
    return (
        # Only the order's row: the round's is taken after its items (ordering).
        Order.objects.select_for_update(of=("self",))
        .select_related("round__organisation")
        .filter(stripe_session_id=session_id, payment=Order.Payment.CARD)
        .first()
    )


def _payment_record(
    order: Order, session: StripeObject, *, problem: Order.CardPaymentProblem | None = None
) -> None:
    """Keeps on the order the payment Stripe confirmed: its payment intent (by which
    refunds and disputes find the order) and what arrived; `problem` if it could not
    count, which lists the order for the organisers and keeps the days to pay from
    cancelling it."""
    received = session.get("amount_total")
    order.stripe_payment_intent_id = stripe_id(session.get("payment_intent"))[:255]
    order.card_received_minor = received if isinstance(received, int) else None
    order.card_received_currency = str(session.get("currency") or "").upper()[:3]
    fields = [
        "stripe_payment_intent_id",
        "card_received_minor",
        "card_received_currency",
        "updated_at",
    ]
    if problem is not None:
        order.card_payment_problem = problem
        # Its session is spent (complete): the order lets go of it, so that once
        # the organisers settle the payment it is an order like any other, paid
        # through a new session or cancelled when the days to pay are over.
        order.stripe_session_id = None
        fields += ["card_payment_problem", "stripe_session_id"]
    # Only these fields: the order's status is orders_mark_paid's to write.
    order.save(update_fields=fields)


# A payment that cannot count: the audit action it is recorded under, and the
# webhook's outcome, by what is wrong with it.
_NOT_COUNTED = {
    Order.CardPaymentProblem.PAID_WHEN_CANCELLED: (
        "cooperatives.order_card_paid_when_cancelled",
        "paid when cancelled",
    ),
    Order.CardPaymentProblem.PAID_WHEN_PAID: (
        "cooperatives.order_card_paid_when_paid",
        "paid when paid already",
    ),
    Order.CardPaymentProblem.AMOUNT_DIFFERS: (
        "cooperatives.order_card_amount_differs",
        "amount differs",
    ),
}


def _not_counted(
    order: Order,
    session: StripeObject,
    problem: Order.CardPaymentProblem,
    details: dict[str, object],
) -> str:
    """Money that arrived but does not pay the order: kept on it for a person (the
    console lists it), audited, and the order left as it is."""
    action, outcome = _NOT_COUNTED[problem]
    _payment_record(order, session, problem=problem)
    audit_log(action=action, obj=order, organisation=order.round.organisation, data=details)
    logger.warning("card payment of order %s does not count: %s", order.pk, outcome)
    return outcome


def _paid(order: Order, session: StripeObject) -> str:
    round = order.round
    details: dict[str, object] = {
        "session": stripe_id(session.get("id")),
        "payment_intent": stripe_id(session.get("payment_intent")),
        "paid_minor": session.get("amount_total"),
        "currency": str(session.get("currency") or "").upper(),
    }
    if order.status == Order.Status.CANCELLED:
        # Cancelled while the buyer was paying: the money is to be given back.
        return _not_counted(order, session, Order.CardPaymentProblem.PAID_WHEN_CANCELLED, details)
    if order.status != Order.Status.PENDING:
        if order.stripe_payment_intent_id:
            return "already"  # the same payment told again (another event)
        # Marked paid by hand before Stripe's word came: a transfer as well, or this
        # very payment seen in Stripe's dashboard. For a person to tell which.
        return _not_counted(order, session, Order.CardPaymentProblem.PAID_WHEN_PAID, details)
    if details["paid_minor"] != order.total_minor or details["currency"] != round.currency:
        # Paid for what the order was before the buyer changed it: for a person.
        details["total_minor"] = order.total_minor
        return _not_counted(order, session, Order.CardPaymentProblem.AMOUNT_DIFFERS, details)
    # The order's row is this transaction's (`_order_for`): it moves.
    orders_mark_paid(orders=[order], actor=None)
    _payment_record(order, session)
    audit_log(
        action="cooperatives.order_card_paid",
        obj=order,
        organisation=round.organisation,
        data=details,
    )
    return "paid"


def _checkout_completed(session: StripeObject) -> str:
    order = _order_for(session)
    if order is None:
        return IGNORED
    if session.get("payment_status") in PAID_STATUSES:
        return _paid(order, session)
    return "waiting"  # a delayed method: async_payment_succeeded or _failed will follow


def _checkout_async_succeeded(session: StripeObject) -> str:
    order = _order_for(session)
    if order is None:
        return IGNORED
    return _paid(order, session)


def _not_paid(session: StripeObject, *, action: str) -> str:
    """The session expired or its payment failed: the order waiting for it is
    cancelled and its items go back to the round, as for an order not paid in time."""
    order = _order_for(session)
    if order is None or order.status != Order.Status.PENDING:
        return IGNORED
    if order.card_payment_problem:
        return IGNORED  # money arrived for it: for a person, and never "nothing was charged"
    expires_at = session.get("expires_at")
    if isinstance(expires_at, int) and expires_at > time.time():
        # Expired before its time: we closed it (`_session_close`, the order was
        # changed or is paid through another session), and Stripe said so before
        # the order let go of it. The order stays.
        return IGNORED
    if not order_cancel(order=order, by=Order.CancelledBy.UNPAID):
        return IGNORED
    audit_log(
        action=action,
        obj=order,
        organisation=order.round.organisation,
        data={"session": stripe_id(session.get("id"))},
    )
    return "cancelled"


def _checkout_expired(session: StripeObject) -> str:
    return _not_paid(session, action="cooperatives.order_card_expired")


def _checkout_async_failed(session: StripeObject) -> str:
    return _not_paid(session, action="cooperatives.order_card_failed")


def _order_of_payment(payment_intent: str) -> Order | None:
    """The order a payment intent paid (`_payment_record`; orders paid before the
    order kept it had it copied from the audit log, migration 0005). Locked until
    the event's transaction ends."""
    if not payment_intent:
        return None
    return (
        # Only the order's row: the round's is taken after its items (ordering).
        Order.objects.select_for_update(of=("self",))
        .select_related("round__organisation")
        .filter(stripe_payment_intent_id=payment_intent, payment=Order.Payment.CARD)
        .order_by("-pk")
        .first()
    )


def _charge_refunded(charge: StripeObject) -> str:
    """Noted for the organisers, who refund through Stripe's dashboard (and cancel
    the order in the console if it is not to be delivered): what was refunded shows
    beside what was received on the order's page."""
    payment_intent = stripe_id(charge.get("payment_intent"))
    order = _order_of_payment(payment_intent)
    if order is None:
        return IGNORED
    refunded = int(charge.get("amount_refunded") or 0)
    order.card_refunded_minor = refunded
    order.save(update_fields=["card_refunded_minor", "updated_at"])
    audit_log(
        action="cooperatives.order_card_refunded",
        obj=order,
        organisation=order.round.organisation,
        data={
            "payment_intent": payment_intent,
            "refunded_minor": refunded,
            "currency": str(charge.get("currency") or order.round.currency).upper(),
            "whole": refunded >= (order.card_received_minor or order.total_minor),
        },
    )
    return "refunded"


def _dispute(obj: StripeObject, *, closed: bool) -> str:
    """The card holder disputed the payment with their bank, which holds the money
    back until the dispute is closed, won (it comes back) or lost (it stays with the
    card holder). Marked on the order, as a payment that could not count is, for
    the organisers to answer it in Stripe's dashboard (the evidence is due within
    days) and decide what becomes of the order; its status stays, as a refund
    leaves it. The fund reads disputes alike (core.payments.events.dispute_read)."""
    dispute = dispute_read(obj)
    if dispute is None:
        return IGNORED  # an inquiry: no money moves
    order = _order_of_payment(dispute.payment_intent)
    if order is None:
        return IGNORED
    # Stripe's events may come out of order: the dispute's own status decides, and a
    # dispute closed already is never opened again by a late "created".
    closed = closed or dispute.status in ("won", "lost")
    if not closed:
        if order.card_dispute in (Order.CardDispute.WON, Order.CardDispute.LOST):
            return IGNORED
        order.card_dispute = Order.CardDispute.OPEN
        action, outcome = "cooperatives.order_card_disputed", "disputed"
        logger.warning("card payment of order %s is disputed", order.pk)
    elif dispute.won:
        order.card_dispute = Order.CardDispute.WON
        action, outcome = "cooperatives.order_card_dispute_won", "dispute closed"
    else:
        order.card_dispute = Order.CardDispute.LOST
        action, outcome = "cooperatives.order_card_dispute_lost", "dispute closed"
    order.save(update_fields=["card_dispute", "updated_at"])
    audit_log(
        action=action,
        obj=order,
        organisation=order.round.organisation,
        data={
            "dispute": dispute.id,
            "payment_intent": dispute.payment_intent,
            "amount_minor": dispute.amount_minor,
            "currency": dispute.currency or order.round.currency,
            "status": dispute.status,
        },
    )
    return outcome


HANDLERS = {
    "checkout.session.completed": _checkout_completed,
    "checkout.session.async_payment_succeeded": _checkout_async_succeeded,
    "checkout.session.async_payment_failed": _checkout_async_failed,
    "checkout.session.expired": _checkout_expired,
    "charge.refunded": _charge_refunded,
    "charge.dispute.created": lambda dispute: _dispute(dispute, closed=False),
    "charge.dispute.closed": lambda dispute: _dispute(dispute, closed=True),
}


def _owns(obj: StripeObject) -> bool:
    """A refund or dispute of a payment a round's order keeps."""
    payment_intent = stripe_id(obj.get("payment_intent"))
    return bool(payment_intent) and (
        Order.objects.filter(stripe_payment_intent_id=payment_intent).exists()
    )


STRIPE_HANDLERS = StripeHandlers(kind=STRIPE_KIND, handlers=HANDLERS, owns=_owns)
