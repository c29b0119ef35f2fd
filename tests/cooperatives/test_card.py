"""Paying a round's order by card: Checkout Sessions asked of a local stand-in for
Stripe (a real HTTP server, tests/stripe_stand_in.py), and Stripe's events posted to
the shared webhook with real signatures."""

from __future__ import annotations

import importlib
import json
import re
import time
from datetime import timedelta
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import stripe
from django.test import Client
from django.urls import reverse
from django.utils import translation

from solidaria.cooperatives.card import order_checkout_start
from solidaria.cooperatives.exceptions import OrderLocked
from solidaria.cooperatives.fulfilment import orders_mark_paid
from solidaria.cooperatives.models import Order, Round, RoundItem
from solidaria.cooperatives.ordering import order_cancel, orders_cancel_unpaid
from solidaria.core.mail.outbox import email_render
from solidaria.core.models import AuditEntry, OutgoingEmail, StripeEvent
from tests.cooperatives.conftest import Shop, in_language, order_form, place
from tests.helpers import ORIGIN, post_form
from tests.stripe_stand_in import WEBHOOK_SECRET, StripeStandIn, event, signed_post

pytestmark = pytest.mark.django_db

RESPONSES = Path(__file__).parent / "stripe_responses"


def card_order(shop: Shop, quantity: int = 2) -> Order:
    """Two yerba mate at 8.50 €, collected in Berlin: 17.00 €, by card."""
    Round.objects.filter(pk=shop.round.pk).update(card_payments=True)
    shop.round.refresh_from_db()
    placed = place(
        shop.round, [(shop.yerba, quantity)], point=shop.berlin, payment=Order.Payment.CARD
    )
    return Order.objects.select_related("round").get(pk=placed.order.pk)


def started(stripe_api: StripeStandIn, order: Order) -> Order:
    stripe_api.answer("POST", "/v1/checkout/sessions", 200, RESPONSES / "session_created.json")
    order_checkout_start(order=order)
    order.refresh_from_db()
    return order


def session(order: Order, **extra: Any) -> dict[str, Any]:
    return {
        "id": order.stripe_session_id,
        "object": "checkout.session",
        "client_reference_id": order.reference,
        "metadata": {"kind": "order", "order_reference": order.reference},
        "amount_total": 1700,
        "currency": "eur",
        "payment_status": "paid",
        "payment_intent": "pi_3OrderAbCdEfGhIj",
        **extra,
    }


def text(response: Any) -> str:
    return unescape(response.content.decode())


# --- the Checkout Session ---------------------------------------------------------------


def test_a_card_order_gets_a_checkout_session_for_its_lines(
    shop: Shop, stripe_api: StripeStandIn
) -> None:
    order = started(stripe_api, card_order(shop))

    (request,) = stripe_api.requests
    form = request["form"]
    assert form["mode"] == "payment"
    assert form["line_items[0][price_data][currency]"] == "eur"
    assert form["line_items[0][price_data][unit_amount]"] == "850"
    assert form["line_items[0][quantity]"] == "2"
    assert form["line_items[0][price_data][product_data][name]"] == "Yerba mate"
    assert "line_items[1][quantity]" not in form  # collected: no shipping line
    assert form["client_reference_id"] == order.reference
    assert form["metadata[kind]"] == "order"
    assert form["payment_intent_data[metadata][order_reference]"] == order.reference
    assert form["locale"] == "es"  # the buyer's language
    assert form["success_url"].startswith("http") and "/es/card/back/" in form["success_url"]
    assert form["cancel_url"].endswith("?card=cancelled")
    expires_in = int(form["expires_at"]) - time.time()
    assert 60 * 60 - 5 <= expires_in <= 70 * 60 + 5  # Stripe takes 30 min to 24 h
    assert request["idempotency_key"].startswith(f"order-{order.pk}-checkout-")
    assert order.stripe_session_id == f"cs_test_order_{order.reference}"
    assert AuditEntry.objects.filter(action="cooperatives.order_card_checkout").count() == 1
    assert order.status == Order.Status.PENDING  # only Stripe's webhook makes it paid


def test_shipping_is_a_line_of_its_own(shop: Shop, stripe_api: StripeStandIn) -> None:
    Round.objects.filter(pk=shop.round.pk).update(card_payments=True)
    shop.round.refresh_from_db()
    placed = place(shop.round, [(shop.yerba, 1)], payment=Order.Payment.CARD)  # shipped
    started(stripe_api, placed.order)
    form = stripe_api.requests[0]["form"]
    assert form["line_items[1][price_data][unit_amount]"] == "690"
    assert form["line_items[1][price_data][product_data][name]"] == "Envío a domicilio"  # es


def test_an_open_session_for_the_same_total_is_used_again(
    shop: Shop, stripe_api: StripeStandIn
) -> None:
    order = card_order(shop)
    Order.objects.filter(pk=order.pk).update(stripe_session_id="cs_test_order_open")
    stripe_api.answer(
        "GET", "/v1/checkout/sessions/cs_test_order_open", 200, RESPONSES / "session_open.json"
    )
    again = order_checkout_start(order=order)
    assert again.id == "cs_test_order_open"
    assert [r["method"] for r in stripe_api.requests] == ["GET"]  # nothing created


def test_a_session_for_another_total_is_closed_before_a_new_one(
    shop: Shop, stripe_api: StripeStandIn
) -> None:
    order = card_order(shop, quantity=3)  # 25.50 €: the open session says 17.00 €
    Order.objects.filter(pk=order.pk).update(stripe_session_id="cs_test_order_open")
    stripe_api.answer(
        "GET", "/v1/checkout/sessions/cs_test_order_open", 200, RESPONSES / "session_open.json"
    )
    stripe_api.answer(
        "POST",
        "/v1/checkout/sessions/cs_test_order_open/expire",
        200,
        RESPONSES / "session_expired.json",
    )
    stripe_api.answer("POST", "/v1/checkout/sessions", 200, RESPONSES / "session_created.json")
    created = order_checkout_start(order=order)
    assert [(r["method"], r["path"]) for r in stripe_api.requests] == [
        ("GET", "/v1/checkout/sessions/cs_test_order_open"),
        ("POST", "/v1/checkout/sessions/cs_test_order_open/expire"),
        ("POST", "/v1/checkout/sessions"),
    ]
    order.refresh_from_db()
    assert order.stripe_session_id == created.id == f"cs_test_order_{order.reference}"
    # The closed session's expiry, announced by Stripe, does not cancel the order.
    expired = event("checkout.session.expired", {"id": "cs_test_order_open"}, "evt_old")
    assert signed_post(Client(), expired).json()["outcome"] == "ignored"
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING


def test_a_session_paid_while_we_close_it_is_not_called_nothing_charged(
    shop: Shop, stripe_api: StripeStandIn
) -> None:
    order = card_order(shop, quantity=3)  # 25.50 €: the open session says 17.00 €
    Order.objects.filter(pk=order.pk).update(stripe_session_id="cs_test_order_open")
    path = "/v1/checkout/sessions/cs_test_order_open"
    stripe_api.answer_first("GET", path, 200, RESPONSES / "session_open.json")
    stripe_api.answer("GET", path, 200, RESPONSES / "session_complete.json")  # paid meanwhile
    stripe_api.answer("POST", f"{path}/expire", 400, RESPONSES / "session_not_open.json")

    with pytest.raises(OrderLocked, match="Your card payment has been made"):
        order_checkout_start(order=order)

    assert ("POST", "/v1/checkout/sessions") not in [
        (r["method"], r["path"]) for r in stripe_api.requests
    ]
    order.refresh_from_db()
    assert order.stripe_session_id == "cs_test_order_open"  # its payment's event will find it


def test_the_days_to_pay_ask_stripe_about_sessions_whose_event_never_came(
    shop: Shop, stripe_api: StripeStandIn
) -> None:
    paying = card_order(shop)  # 17.00 €, the session's total
    gone = card_order(shop, quantity=1)
    Order.objects.filter(pk=paying.pk).update(stripe_session_id="cs_test_order_open")
    Order.objects.filter(pk=gone.pk).update(stripe_session_id="cs_test_order_gone")
    sessions = "/v1/checkout/sessions/"
    stripe_api.answer("GET", f"{sessions}cs_test_order_gone", 200, RESPONSES / "session_gone.json")
    grace_over = shop.round.closes_at + timedelta(days=shop.round.payment_days)

    # Stripe does not answer about one: the other is settled, the round looked at again.
    assert orders_cancel_unpaid(round=shop.round, now=grace_over) == 0
    gone.refresh_from_db()
    assert gone.status == Order.Status.CANCELLED  # expired unpaid: "nothing was charged"
    assert AuditEntry.objects.filter(action="cooperatives.order_card_expired").count() == 1
    shop.round.refresh_from_db()
    assert shop.round.unpaid_cancelled_at is None

    # Still open: left to close (within the hour), and looked at again.
    stripe_api.answer("GET", f"{sessions}cs_test_order_open", 200, RESPONSES / "session_open.json")
    assert orders_cancel_unpaid(round=shop.round, now=grace_over) == 0
    shop.round.refresh_from_db()
    assert shop.round.unpaid_cancelled_at is None

    # Paid, though its event never came: marked paid, not cancelled; the round is done.
    stripe_api.answer(
        "GET", f"{sessions}cs_test_order_open", 200, RESPONSES / "session_complete.json"
    )
    assert orders_cancel_unpaid(round=shop.round, now=grace_over) == 0
    paying.refresh_from_db()
    assert paying.status == Order.Status.PAID
    assert paying.stripe_payment_intent_id == "pi_3OrderAbCdEfGhIj"
    shop.round.refresh_from_db()
    assert shop.round.unpaid_cancelled_at is not None


def test_stripe_down_changes_nothing(shop: Shop, stripe_api: StripeStandIn) -> None:
    from solidaria.cooperatives.exceptions import CardPaymentUnavailable

    order = card_order(shop)
    stripe_api.answer("POST", "/v1/checkout/sessions", 500, "error_api_down.json")
    with pytest.raises(CardPaymentUnavailable, match="Nothing was charged"):
        order_checkout_start(order=order)
    order.refresh_from_db()
    assert order.stripe_session_id is None and order.status == Order.Status.PENDING


def test_only_a_waiting_card_order_is_paid_by_card(shop: Shop, stripe_api: StripeStandIn) -> None:
    bank = place(shop.round, [(shop.yerba, 1)], point=shop.berlin, email="bea@example.org")
    with pytest.raises(OrderLocked):
        order_checkout_start(order=bank.order)
    assert not stripe_api.requests


# --- Stripe's events --------------------------------------------------------------------


def test_a_signed_completion_marks_the_order_paid_once(
    client: Client, shop: Shop, stripe_api: StripeStandIn
) -> None:
    order = started(stripe_api, card_order(shop))
    payload = event("checkout.session.completed", session(order), "evt_paid")

    assert signed_post(client, payload).json()["outcome"] == "paid"
    assert signed_post(client, payload).json()["outcome"] == "duplicate"
    again = event("checkout.session.completed", session(order), "evt_paid_again")
    assert signed_post(client, again).json()["outcome"] == "already"

    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.paid_at is not None
    assert order.supporter is not None  # linked as a bank transfer's buyer is
    paid = AuditEntry.objects.get(action="cooperatives.order_card_paid")
    assert paid.data["payment_intent"] == "pi_3OrderAbCdEfGhIj"
    assert AuditEntry.objects.filter(action="cooperatives.order_paid").count() == 1
    assert StripeEvent.objects.filter(event_id="evt_paid").count() == 1


def test_a_card_payment_for_an_order_marked_paid_by_hand_is_checked_by_a_person(
    client: Client, shop: Shop, stripe_api: StripeStandIn
) -> None:
    order = started(stripe_api, card_order(shop))
    orders_mark_paid(orders=[order], actor=None)  # a transfer came, say

    payload = event("checkout.session.completed", session(order), "evt_late")
    assert signed_post(client, payload).json()["outcome"] == "paid when paid already"

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.card_payment_problem == Order.CardPaymentProblem.PAID_WHEN_PAID
    assert order.card_needs_a_person and order.stripe_payment_intent_id == "pi_3OrderAbCdEfGhIj"
    assert AuditEntry.objects.filter(action="cooperatives.order_card_paid_when_paid").exists()
    # Told again, the spent session no longer names the order: nothing more happens.
    again = event("checkout.session.completed", session(order), "evt_late_again")
    assert signed_post(client, again).json()["outcome"] == "ignored"
    assert AuditEntry.objects.filter(action="cooperatives.order_card_paid_when_paid").count() == 1


def test_a_delayed_payment_waits_for_its_outcome(
    client: Client, shop: Shop, stripe_api: StripeStandIn
) -> None:
    order = started(stripe_api, card_order(shop))
    waiting = session(order, payment_status="unpaid")
    completed = event("checkout.session.completed", waiting, "evt_c")
    assert signed_post(client, completed).json()["outcome"] == "waiting"
    succeeded = event("checkout.session.async_payment_succeeded", session(order), "evt_s")
    assert signed_post(client, succeeded).json()["outcome"] == "paid"
    order.refresh_from_db()
    assert order.status == Order.Status.PAID


@pytest.mark.parametrize("kind", ["checkout.session.expired", "async_payment_failed"])
def test_an_unpaid_session_cancels_the_order_and_frees_its_items(
    client: Client, shop: Shop, stripe_api: StripeStandIn, kind: str
) -> None:
    order = started(stripe_api, card_order(shop))
    assert RoundItem.objects.get(pk=shop.yerba.pk).sold == 2
    event_type = kind if "." in kind else f"checkout.session.{kind}"
    payload = event(event_type, session(order, payment_status="unpaid"), "evt_gone")

    assert signed_post(client, payload).json()["outcome"] == "cancelled"
    assert signed_post(client, payload).json()["outcome"] == "duplicate"

    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.cancelled_by == Order.CancelledBy.UNPAID
    assert RoundItem.objects.get(pk=shop.yerba.pk).sold == 0
    assert AuditEntry.objects.filter(action="cooperatives.order_cancelled").count() == 1
    # A payment for it after all is kept for the organisers to give back.
    late = event("checkout.session.completed", session(order), "evt_late")
    assert signed_post(client, late).json()["outcome"] == "paid when cancelled"
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert AuditEntry.objects.filter(action="cooperatives.order_card_paid_when_cancelled").exists()
    # Kept on the order, where the console lists it (test_the_console_lists_…).
    assert order.card_payment_problem == Order.CardPaymentProblem.PAID_WHEN_CANCELLED
    assert (order.card_received_minor, order.card_received_currency) == (1700, "EUR")
    assert order.stripe_payment_intent_id == "pi_3OrderAbCdEfGhIj"


def test_an_expiry_before_its_time_is_our_own_closing_and_keeps_the_order(
    client: Client, shop: Shop, stripe_api: StripeStandIn
) -> None:
    """The order closed its session itself (changed, or paid through another) and
    Stripe's word of it came before the order let go of the session."""
    order = started(stripe_api, card_order(shop))
    closed_early = session(order, payment_status="unpaid", expires_at=int(time.time()) + 3000)
    payload = event("checkout.session.expired", closed_early, "evt_closed")

    assert signed_post(client, payload).json()["outcome"] == "ignored"
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    assert RoundItem.objects.get(pk=shop.yerba.pk).sold == 2


def test_a_payment_for_another_total_is_left_for_a_person(
    client: Client, shop: Shop, stripe_api: StripeStandIn
) -> None:
    order = started(stripe_api, card_order(shop))
    payload = event("checkout.session.completed", session(order, amount_total=850), "evt_x")
    assert signed_post(client, payload).json()["outcome"] == "amount differs"
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING
    flagged = AuditEntry.objects.get(action="cooperatives.order_card_amount_differs")
    assert (flagged.data["paid_minor"], flagged.data["total_minor"]) == (850, 1700)
    # On the order itself, not only in the audit log.
    assert order.card_payment_problem == Order.CardPaymentProblem.AMOUNT_DIFFERS
    assert (order.card_received_minor, order.card_received_currency) == (850, "EUR")
    assert order.stripe_payment_intent_id == "pi_3OrderAbCdEfGhIj"
    assert order.card_needs_a_person
    # The buyer cannot pay it again, and Stripe is not asked.
    asked = len(stripe_api.requests)
    with pytest.raises(OrderLocked, match="organisers need to check"):
        order_checkout_start(order=order)
    assert len(stripe_api.requests) == asked


def test_the_days_to_pay_leave_card_orders_with_money_or_a_session_alone(
    client: Client, shop: Shop, stripe_api: StripeStandIn, tmp_path: Path
) -> None:
    """Cancelled as unpaid, their buyers would read that nothing was charged."""
    Round.objects.filter(pk=shop.round.pk).update(card_payments=True)
    shop.round.refresh_from_db()

    def ordered(email: str, payment: str = Order.Payment.CARD) -> Order:
        placed = place(
            shop.round,
            [(shop.yerba, 2)],
            point=shop.berlin,
            payment=payment,
            email=email,
            language="en",
        )
        return placed.order

    differs = started(stripe_api, ordered("differs@example.org"))
    paid_less = session(differs, amount_total=850)
    signed_post(client, event("checkout.session.completed", paid_less, "evt_less"))
    paying = started(stripe_api, ordered("paying@example.org"))
    never = ordered("never@example.org")  # by card, but Stripe's page never opened
    bank = ordered("bank@example.org", Order.Payment.BANK)
    grace_over = shop.round.closes_at + timedelta(days=shop.round.payment_days)
    # What Stripe says of the session still being paid, asked first: open.
    open_session = json.loads((RESPONSES / "session_open.json").read_text())
    open_answer = tmp_path / "open.json"
    open_answer.write_text(json.dumps({**open_session, "id": paying.stripe_session_id}))
    stripe_api.answer("GET", f"/v1/checkout/sessions/{paying.stripe_session_id}", 200, open_answer)

    assert orders_cancel_unpaid(round=shop.round, now=grace_over) == 2

    states = dict(Order.objects.values_list("pk", "status"))
    assert states[differs.pk] == states[paying.pk] == Order.Status.PENDING
    assert states[never.pk] == states[bank.pk] == Order.Status.CANCELLED
    told = {
        json.loads(email.context)["reference"]: email_render(email).body
        for email in OutgoingEmail.objects.filter(template="cooperatives_order_cancelled")
    }
    assert set(told) == {never.reference, bank.reference}
    assert "Nothing was charged" in told[never.reference]  # true: no money came

    # The session's expiry settles the one still paying, with that email true then.
    expired = event("checkout.session.expired", session(paying, payment_status="unpaid"), "e")
    assert signed_post(client, expired).json()["outcome"] == "cancelled"
    paying.refresh_from_db()
    assert paying.status == Order.Status.CANCELLED
    differs.refresh_from_db()
    assert differs.status == Order.Status.PENDING  # still for a person


def test_a_refund_is_noted(client: Client, shop: Shop, stripe_api: StripeStandIn) -> None:
    order = started(stripe_api, card_order(shop))
    signed_post(client, event("checkout.session.completed", session(order), "evt_paid"))
    # Found by the payment the order keeps, not by the audit entry of its payment.
    AuditEntry.objects.filter(action="cooperatives.order_card_paid").delete()
    charge = {"object": "charge", "payment_intent": "pi_3OrderAbCdEfGhIj", "amount_refunded": 1700}
    charge["currency"] = "eur"
    assert signed_post(client, event("charge.refunded", charge, "evt_r")).json()["outcome"] == (
        "refunded"
    )
    noted = AuditEntry.objects.get(action="cooperatives.order_card_refunded")
    assert noted.object_id == str(order.pk) and noted.data["whole"] is True
    order.refresh_from_db()
    assert order.status == Order.Status.PAID  # the organisers decide what follows
    assert order.card_refunded_minor == 1700
    # The round's order owns it: the fund did not ask Stripe for an invoice it paid.
    assert not [r for r in stripe_api.requests if "invoice" in r["path"]]


def test_a_payment_that_could_not_count_is_found_when_refunded(
    client: Client, shop: Shop, stripe_api: StripeStandIn
) -> None:
    """It never had a "paid" audit entry: the organisers refund it in Stripe, and the
    order shows it."""
    order = started(stripe_api, card_order(shop))
    paid_less = session(order, amount_total=850, payment_intent="pi_3PaidLess")
    signed_post(client, event("checkout.session.completed", paid_less, "evt_less"))
    charge = {"object": "charge", "payment_intent": "pi_3PaidLess", "amount_refunded": 850}
    assert signed_post(client, event("charge.refunded", charge, "evt_r")).json()["outcome"] == (
        "refunded"
    )
    noted = AuditEntry.objects.get(action="cooperatives.order_card_refunded")
    assert noted.object_id == str(order.pk) and noted.data["whole"] is True  # all it received
    order.refresh_from_db()
    assert order.card_refunded_minor == 850


def test_payments_recorded_before_orders_kept_them_are_copied_from_the_audit_log(
    client: Client, shop: Shop, stripe_api: StripeStandIn
) -> None:
    """Migration 0005: an order paid before kept its payment only in the audit entry
    of its payment; its refunds and disputes must still find it."""
    from django.apps import apps

    migration = importlib.import_module("solidaria.cooperatives.migrations.0005_order_card_payment")
    paid = started(stripe_api, card_order(shop))
    signed_post(client, event("checkout.session.completed", session(paid), "evt_paid"))
    refund = {"object": "charge", "payment_intent": "pi_3OrderAbCdEfGhIj", "amount_refunded": 500}
    signed_post(client, event("charge.refunded", refund, "evt_r"))
    differs = started(stripe_api, card_order(shop, quantity=1))
    paid_more = session(differs, amount_total=1700, payment_intent="pi_3PaidMore")
    signed_post(client, event("checkout.session.completed", paid_more, "evt_more"))
    # As the orders were before 0005: none of it on them.
    Order.objects.update(
        stripe_payment_intent_id="",
        card_received_minor=None,
        card_received_currency="",
        card_refunded_minor=0,
        card_payment_problem="",
    )

    migration.copy_card_payments_from_the_audit_log(apps, None)

    paid.refresh_from_db()
    differs.refresh_from_db()
    assert (paid.stripe_payment_intent_id, paid.card_received_minor) == (
        "pi_3OrderAbCdEfGhIj",
        1700,
    )
    assert (paid.card_received_currency, paid.card_refunded_minor) == ("EUR", 500)
    assert paid.card_payment_problem == ""
    assert differs.stripe_payment_intent_id == "pi_3PaidMore"
    assert differs.card_payment_problem == Order.CardPaymentProblem.AMOUNT_DIFFERS
    assert differs.card_received_minor == 1700
    dispute = {"object": "dispute", "payment_intent": "pi_3OrderAbCdEfGhIj", "status": "lost"}
    closed = event("charge.dispute.closed", dispute, "evt_lost")
    assert signed_post(client, closed).json()["outcome"] == "dispute closed"


@pytest.mark.parametrize("outcome", ["won", "lost"])
def test_a_dispute_marks_the_order_for_the_organisers(
    client: Client, shop: Shop, stripe_api: StripeStandIn, outcome: str
) -> None:
    order = started(stripe_api, card_order(shop))
    signed_post(client, event("checkout.session.completed", session(order), "evt_paid"))
    dispute = {
        "id": "dp_1Order",
        "object": "dispute",
        "payment_intent": "pi_3OrderAbCdEfGhIj",
        "amount": 1700,
        "currency": "eur",
        "reason": "fraudulent",
        "status": "warning_needs_response",
    }

    inquiry = event("charge.dispute.created", dispute, "evt_inquiry")
    assert signed_post(client, inquiry).json()["outcome"] == "ignored"  # no money moves
    dispute["status"] = "needs_response"
    created = event("charge.dispute.created", dispute, "evt_dispute")
    assert signed_post(client, created).json()["outcome"] == "disputed"

    order.refresh_from_db()
    assert order.card_dispute == Order.CardDispute.OPEN and order.card_needs_a_person
    assert order.status == Order.Status.PAID  # the organisers decide what follows
    entry = AuditEntry.objects.get(action="cooperatives.order_card_disputed")
    assert entry.object_id == str(order.pk)
    assert entry.data == {
        "dispute": "dp_1Order",
        "payment_intent": "pi_3OrderAbCdEfGhIj",
        "amount_minor": 1700,
        "currency": "EUR",
        "status": "needs_response",
    }

    closed = event("charge.dispute.closed", {**dispute, "status": outcome}, "evt_closed")
    assert signed_post(client, closed).json()["outcome"] == "dispute closed"
    order.refresh_from_db()
    assert order.card_dispute == outcome
    assert AuditEntry.objects.filter(action=f"cooperatives.order_card_dispute_{outcome}").exists()
    assert order.card_needs_a_person is (outcome == "lost")


def test_the_console_lists_card_payments_to_check_and_shows_what_arrived(
    client: Client, shop: Shop, stripe_api: StripeStandIn
) -> None:
    from tests.cooperatives.test_console import ORDERS, listed, staff

    differs = started(stripe_api, card_order(shop, quantity=1))  # 8.50 €
    paid_more = session(differs, amount_total=1700, payment_intent="pi_3PaidMore")
    signed_post(client, event("checkout.session.completed", paid_more, "evt_more"))
    fine = started(stripe_api, card_order(shop))
    signed_post(client, event("checkout.session.completed", session(fine), "evt_fine"))
    bank = place(shop.round, [(shop.yerba, 1)], point=shop.berlin, email="bea@example.org").order
    staff_client = staff(Client(), shop.round.organisation)

    everything = staff_client.get(ORDERS)
    to_check = staff_client.get(ORDERS, {"card": "check"})
    by_problem = staff_client.get(ORDERS, {"card": "amount_differs"})

    assert listed(everything) == {differs.pk, fine.pk, bank.pk}
    assert listed(to_check) == listed(by_problem) == {differs.pk}
    html = text(everything)
    assert html.count("⚠") == 1
    assert "paid, but not the order's total; €17.00 received" in html
    page = text(staff_client.get(f"{ORDERS}{differs.pk}/change/"))
    assert "Received: €17.00" in page and "Order total: €8.50" in page
    assert "pi_3PaidMore" in page
    page = text(staff_client.get(f"{ORDERS}{fine.pk}/change/"))
    assert "Received: €17.00" in page and "To check" not in page


def test_the_buyer_is_told_a_person_checks_the_payment_and_cannot_pay_again(
    client: Client, shop: Shop, stripe_api: StripeStandIn
) -> None:
    Round.objects.filter(pk=shop.round.pk).update(card_payments=True)
    shop.round.refresh_from_db()
    placed = place(shop.round, [(shop.yerba, 2)], point=shop.berlin, payment=Order.Payment.CARD)
    order = started(stripe_api, placed.order)
    payload = event("checkout.session.completed", session(order, amount_total=850), "evt_x")
    signed_post(client, payload)
    with translation.override("en"):
        page = reverse("cooperatives:order", args=[placed.token])
    html = text(client.get(page))
    assert "arrived that the organisers need to check" in html
    assert "by card</button>" not in html


def test_organisers_mark_a_card_payment_settled_but_not_an_open_dispute(
    client: Client, shop: Shop, stripe_api: StripeStandIn
) -> None:
    from tests.cooperatives.test_console import ORDERS, said, staff

    differs = started(stripe_api, card_order(shop, quantity=1))
    signed_post(
        client, event("checkout.session.completed", session(differs, amount_total=1700), "e1")
    )
    disputed = started(stripe_api, card_order(shop))
    paid = session(disputed, payment_intent="pi_3Disputed")
    signed_post(client, event("checkout.session.completed", paid, "e2"))
    dispute = {"id": "dp_1", "object": "dispute", "payment_intent": "pi_3Disputed",
               "amount": 1700, "currency": "eur", "status": "needs_response"}  # fmt: skip
    signed_post(client, event("charge.dispute.created", dispute, "e3"))
    staff_client = staff(Client(), shop.round.organisation)

    def settle(*orders: Order) -> list[tuple[str, str]]:
        response = staff_client.post(
            ORDERS,
            {"action": "card_settled", "_selected_action": [o.pk for o in orders]},
            follow=True,
        )
        return said(response)

    assert settle(differs, disputed) == [("success", "1 card payment marked as settled.")]
    differs.refresh_from_db()
    disputed.refresh_from_db()
    assert not differs.card_payment_problem and not differs.card_needs_a_person
    assert disputed.card_dispute == Order.CardDispute.OPEN  # only Stripe closes it
    entry = AuditEntry.objects.get(action="cooperatives.order_card_settled")
    assert entry.object_id == str(differs.pk) and entry.actor is not None
    assert entry.data == {"problem": "amount_differs", "dispute": ""}
    # Nothing left to settle: said so, and nothing more audited.
    assert settle(differs)[0][0] == "warning"
    assert AuditEntry.objects.filter(action="cooperatives.order_card_settled").count() == 1
    # Settled (refunded, say) and never paid: an order like any other, which the days
    # to pay cancel, its spent session let go of when the payment arrived.
    assert differs.stripe_session_id is None
    grace_over = shop.round.closes_at + timedelta(days=shop.round.payment_days)
    assert orders_cancel_unpaid(round=shop.round, now=grace_over) == 1
    differs.refresh_from_db()
    assert differs.status == Order.Status.CANCELLED


def test_a_dispute_closed_before_stripe_says_it_opened_stays_closed(
    client: Client, shop: Shop, stripe_api: StripeStandIn
) -> None:
    order = started(stripe_api, card_order(shop))
    signed_post(client, event("checkout.session.completed", session(order), "evt_paid"))
    dispute = {"id": "dp_2", "object": "dispute", "payment_intent": "pi_3OrderAbCdEfGhIj",
               "amount": 1700, "currency": "eur", "status": "won"}  # fmt: skip

    closed = signed_post(client, event("charge.dispute.closed", dispute, "evt_closed"))
    late = {**dispute, "status": "needs_response"}
    opened = signed_post(client, event("charge.dispute.created", late, "evt_created"))
    # A "created" event that already tells the end: closed as well.
    told_won = signed_post(client, event("charge.dispute.created", dispute, "evt_created_won"))

    assert closed.json()["outcome"] == "dispute closed"
    assert opened.json()["outcome"] == "ignored"
    assert told_won.json()["outcome"] == "dispute closed"
    order.refresh_from_db()
    assert order.card_dispute == Order.CardDispute.WON and not order.card_needs_a_person


def test_an_order_cancelled_unpaid_with_money_arrived_is_not_told_nothing_was_charged(
    shop: Shop, stripe_api: StripeStandIn
) -> None:
    order = card_order(shop)
    Order.objects.filter(pk=order.pk).update(
        card_payment_problem=Order.CardPaymentProblem.AMOUNT_DIFFERS, card_received_minor=850
    )
    order.refresh_from_db()
    assert order_cancel(order=order, by=Order.CancelledBy.UNPAID)
    email = OutgoingEmail.objects.get(template="cooperatives_order_cancelled")
    body = email_render(email).body

    def said(message: str) -> bool:
        """The message, in the email's language, with any values in its place."""
        translated = re.escape(in_language(email.language, message))
        return re.search(re.sub(r"%\\\(\w+\\\)s", ".+?", translated), body) is not None

    assert said(
        "A card payment for this order has arrived that the organisers need to check. "
        "They will get in touch with you."
    )
    assert not said(
        "Your order %(reference)s in “%(round_title)s” is cancelled, because its card "
        "payment was not completed in time. Nothing was charged, and its items go back "
        "to the round."
    )


def test_sessions_we_did_not_start_are_ignored(
    client: Client, shop: Shop, stripe_api: StripeStandIn
) -> None:
    order = started(stripe_api, card_order(shop))
    foreign = session(order, id="cs_test_of_another_site")
    payload = event("checkout.session.completed", foreign, "evt_foreign")
    assert signed_post(client, payload).json()["outcome"] == "ignored"
    unknown_kind = session(order, metadata={"kind": "ticket"})
    payload = event("checkout.session.completed", unknown_kind, "evt_ticket")
    assert signed_post(client, payload).json()["outcome"] == "ignored"
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING


@pytest.mark.parametrize("tamper", ["altered", "other secret", "stale", "no header"])
def test_unsigned_events_change_nothing(
    client: Client, shop: Shop, stripe_api: StripeStandIn, tamper: str
) -> None:
    order = started(stripe_api, card_order(shop))
    payload = event("checkout.session.completed", session(order), "evt_forged")
    body = json.dumps(payload)
    if tamper == "altered":
        header = stripe.WebhookSignature.generate_signature_header(body, WEBHOOK_SECRET)
        body = body.replace('"paid"', '"paid" ')
        response = client.post(
            "/stripe/webhook/", body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        )
    elif tamper == "other secret":
        response = signed_post(client, payload, secret="whsec_someone_else")
    elif tamper == "stale":
        response = signed_post(client, payload, timestamp=int(time.time()) - 3600)
    else:
        response = client.post("/stripe/webhook/", body, content_type="application/json")
    assert response.status_code == 400
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING and not StripeEvent.objects.exists()


# --- the buyer's pages --------------------------------------------------------------------


def test_the_order_form_offers_cards_only_when_the_round_and_the_site_take_them(
    client: Client, shop: Shop, settings: Any
) -> None:
    from django.core.cache import caches

    page = f"/en/rounds/{shop.round.slug}/"
    by_card = "Pay by card right away, or by bank transfer"
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    html = text(client.get(page))
    assert 'name="payment"' not in html and by_card not in html
    Round.objects.filter(pk=shop.round.pk).update(card_payments=True)
    caches["pages"].clear()
    html = text(client.get(page))
    assert 'name="payment"' not in html and by_card not in html  # no Stripe keys
    settings.STRIPE_SECRET_KEY = "sk_test_solidaria"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    caches["pages"].clear()
    response = client.get(page)
    assert 'name="payment" value="card"' in text(response)
    assert by_card in text(response)  # and "How it works" says so
    assert "https://checkout.stripe.com" in response["Content-Security-Policy"]


def test_a_card_order_page_never_shows_bank_details(
    client: Client, shop: Shop, stripe_api: StripeStandIn
) -> None:
    Round.objects.filter(pk=shop.round.pk).update(card_payments=True)
    shop.round.refresh_from_db()
    placed = place(shop.round, [(shop.yerba, 2)], point=shop.berlin, payment=Order.Payment.CARD)
    with translation.override("en"):
        page = reverse("cooperatives:order", args=[placed.token])
        pay = reverse("cooperatives:order-card", args=[placed.token])
    html = text(client.get(page))
    assert "IBAN" not in html and "Bank details" not in html
    assert "Pay €17.00 by card" in html and pay in html

    stripe_api.answer("POST", "/v1/checkout/sessions", 200, RESPONSES / "session_created.json")
    response = client.post(pay, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 302
    assert response["Location"].startswith("https://checkout.stripe.com/c/pay/cs_test_order_")


def test_back_from_stripe_the_buyer_sees_the_payment_on_its_way(
    client: Client, shop: Shop, stripe_api: StripeStandIn
) -> None:
    order = started(stripe_api, card_order(shop))
    success_url = stripe_api.requests[0]["form"]["success_url"]
    parts = urlsplit(success_url)
    back = client.get(f"{parts.path}?{parts.query}")
    assert back.status_code == 302 and back["Location"].endswith("?card=paid")
    html = text(client.get(back["Location"]))
    assert "Stripe" in html and "IBAN" not in html
    assert order.reference in html
    assert client.get("/es/card/back/forged/").status_code == 404


def test_a_cancelled_card_order_closes_its_session_at_stripe(
    client: Client,
    shop: Shop,
    stripe_api: StripeStandIn,
    django_capture_on_commit_callbacks: Any,
) -> None:
    Round.objects.filter(pk=shop.round.pk).update(card_payments=True)
    shop.round.refresh_from_db()
    placed = place(shop.round, [(shop.yerba, 2)], point=shop.berlin, payment=Order.Payment.CARD)
    order = started(stripe_api, placed.order)
    expire = f"/v1/checkout/sessions/{order.stripe_session_id}/expire"
    stripe_api.answer("POST", expire, 200, RESPONSES / "session_expired.json")
    with translation.override("en"):
        cancel = reverse("cooperatives:order-cancel", args=[placed.token])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(cancel, {"confirm": "1"}, HTTP_ORIGIN=ORIGIN).status_code == 302
    assert stripe_api.requests[-1]["path"] == expire
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and order.stripe_session_id is None


def test_every_cancellation_closes_the_session_once_it_is_written(
    shop: Shop, stripe_api: StripeStandIn, django_capture_on_commit_callbacks: Any
) -> None:
    """Not only the buyer's: the organisers', the days to pay's, an erasure's."""
    order = started(stripe_api, card_order(shop))
    expire = f"/v1/checkout/sessions/{order.stripe_session_id}/expire"
    stripe_api.answer("POST", expire, 200, RESPONSES / "session_expired.json")

    with django_capture_on_commit_callbacks() as callbacks:
        assert order_cancel(order=order, by=Order.CancelledBy.ORGANISERS)
    assert not any(r["path"] == expire for r in stripe_api.requests)  # not before the commit
    for callback in callbacks:
        callback()

    assert stripe_api.requests[-1]["path"] == expire
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and order.stripe_session_id is None


def test_ordering_by_card_from_the_round_page_leads_to_stripe(
    client: Client, shop: Shop, stripe_api: StripeStandIn
) -> None:
    Round.objects.filter(pk=shop.round.pk).update(card_payments=True)
    stripe_api.answer("POST", "/v1/checkout/sessions", 200, RESPONSES / "session_created.json")
    data = order_form(shop, [(shop.yerba, 2)], payment="card")
    response = post_form(client, f"/en/rounds/{shop.round.slug}/order/", data)
    assert response.status_code == 302
    assert response["Location"].startswith("https://checkout.stripe.com/")
    order = Order.objects.get()
    assert order.payment == Order.Payment.CARD and order.stripe_session_id
