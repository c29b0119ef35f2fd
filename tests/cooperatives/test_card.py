"""Paying a round's order by card: Checkout Sessions asked of a local stand-in for
Stripe (a real HTTP server, tests/stripe_stand_in.py), and Stripe's events posted to
the shared webhook with real signatures."""

from __future__ import annotations

import json
import time
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
from solidaria.cooperatives.models import Order, Round, RoundItem
from solidaria.cooperatives.ordering import order_cancel
from solidaria.core.models import AuditEntry, StripeEvent
from tests.cooperatives.conftest import Shop, order_form, place
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


def test_a_refund_is_noted(client: Client, shop: Shop, stripe_api: StripeStandIn) -> None:
    order = started(stripe_api, card_order(shop))
    signed_post(client, event("checkout.session.completed", session(order), "evt_paid"))
    charge = {"object": "charge", "payment_intent": "pi_3OrderAbCdEfGhIj", "amount_refunded": 1700}
    charge["currency"] = "eur"
    assert signed_post(client, event("charge.refunded", charge, "evt_r")).json()["outcome"] == (
        "refunded"
    )
    noted = AuditEntry.objects.get(action="cooperatives.order_card_refunded")
    assert noted.object_id == str(order.pk) and noted.data["whole"] is True
    order.refresh_from_db()
    assert order.status == Order.Status.PAID  # the organisers decide what follows


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
        assert client.post(cancel, HTTP_ORIGIN=ORIGIN).status_code == 302
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
