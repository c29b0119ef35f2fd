"""core.payments as every app uses it: Checkout Sessions made and closed at a local
stand-in for Stripe (a real HTTP server, tests/stripe_stand_in.py), Stripe's errors
turned into the one refusal the apps raise, and disputes read alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.utils import translation

from solidaria.cooperatives.exceptions import CardPaymentUnavailable, CooperativesError
from solidaria.core.payments.checkout import checkout_session_create, checkout_session_expire
from solidaria.core.payments.events import dispute_read
from solidaria.core.payments.exceptions import PaymentUnavailable
from solidaria.fundraising.exceptions import PaymentUnavailable as GiftPaymentUnavailable
from tests.stripe_stand_in import StripeStandIn

SESSION = "cs_test_core_1"
PARAMS = {
    "mode": "payment",
    "line_items": [
        {
            "price_data": {
                "currency": "eur",
                "unit_amount": 1700,
                "product_data": {"name": "Yerba mate"},
            },
            "quantity": 1,
        }
    ],
    "client_reference_id": "BR-CORE",
    "success_url": "https://example.org/back",
}


def session_file(tmp_path: Path, status: str) -> Path:
    path = tmp_path / f"session_{status}.json"
    url = f"https://checkout.stripe.com/c/pay/{SESSION}" if status == "open" else None
    path.write_text(
        json.dumps({"id": SESSION, "object": "checkout.session", "status": status, "url": url})
    )
    return path


def test_a_session_is_made_from_the_apps_parameters_once_per_key(
    stripe_api: StripeStandIn, tmp_path: Path
) -> None:
    stripe_api.answer("POST", "/v1/checkout/sessions", 200, session_file(tmp_path, "open"))
    made = checkout_session_create(PARAMS, idempotency_key="order-1-checkout-abc")
    assert (made.id, made.url) == (SESSION, f"https://checkout.stripe.com/c/pay/{SESSION}")
    (request,) = stripe_api.requests
    assert request["idempotency_key"] == "order-1-checkout-abc"
    assert request["form"]["line_items[0][price_data][unit_amount]"] == "1700"
    assert request["form"]["client_reference_id"] == "BR-CORE"


@pytest.mark.parametrize(
    ("error", "told"),
    [
        (PaymentUnavailable, "Please try again in a moment."),
        (CardPaymentUnavailable, "from your order's page"),
        (GiftPaymentUnavailable, "or give by bank transfer"),
    ],
)
def test_stripe_down_is_the_apps_own_refusal_in_the_payers_words(
    stripe_api: StripeStandIn, error: type[PaymentUnavailable], told: str
) -> None:
    stripe_api.answer("POST", "/v1/checkout/sessions", 500, "error_api_down.json")
    with pytest.raises(error, match="Nothing was charged") as raised:
        checkout_session_create(PARAMS, idempotency_key="k", error=error)
    assert told in str(raised.value)


def test_the_refusal_is_worded_in_the_language_of_whoever_asked(
    stripe_api: StripeStandIn,
) -> None:
    stripe_api.answer("POST", "/v1/checkout/sessions", 500, "error_api_down.json")
    with translation.override("es"), pytest.raises(CardPaymentUnavailable) as raised:
        checkout_session_create(PARAMS, idempotency_key="k", error=CardPaymentUnavailable)
    with translation.override("en"):
        assert "No se realizó ningún cobro" in str(raised.value)  # made when raised


def test_the_apps_refusals_are_one_refusal() -> None:
    """A round's views catch theirs as a CooperativesError (a 4xx); whoever catches
    core's catches every app's."""
    assert issubclass(CardPaymentUnavailable, PaymentUnavailable)
    assert issubclass(CardPaymentUnavailable, CooperativesError)
    assert issubclass(GiftPaymentUnavailable, PaymentUnavailable)
    assert str(CardPaymentUnavailable("Card payments are off.")) == "Card payments are off."


def test_closing_a_session_counts_one_expired_already_as_closed(
    stripe_api: StripeStandIn, tmp_path: Path
) -> None:
    expire = f"/v1/checkout/sessions/{SESSION}/expire"
    stripe_api.answer("POST", expire, 200, session_file(tmp_path, "expired"))
    checkout_session_expire(SESSION)
    assert [r["path"] for r in stripe_api.requests] == [expire]

    # Stripe refuses to expire a session that is not open (no route: a 404 here).
    del stripe_api.routes[("POST", expire)]
    retrieve = f"/v1/checkout/sessions/{SESSION}"
    stripe_api.answer("GET", retrieve, 200, session_file(tmp_path, "expired"))
    checkout_session_expire(SESSION)
    assert [r["path"] for r in stripe_api.requests][-2:] == [expire, retrieve]


def test_a_session_paid_meanwhile_or_stripe_down_is_not_closed(
    stripe_api: StripeStandIn, tmp_path: Path
) -> None:
    retrieve = f"/v1/checkout/sessions/{SESSION}"
    stripe_api.answer("GET", retrieve, 200, session_file(tmp_path, "complete"))
    with pytest.raises(CardPaymentUnavailable):
        checkout_session_expire(SESSION, error=CardPaymentUnavailable)
    stripe_api.answer("POST", f"{retrieve}/expire", 500, "error_api_down.json")
    with pytest.raises(PaymentUnavailable, match="did not answer"):
        checkout_session_expire(SESSION)


def test_disputes_are_read_alike_and_inquiries_are_nothing() -> None:
    assert dispute_read({"object": "dispute", "status": "warning_needs_response"}) is None
    assert dispute_read({"object": "dispute", "status": "warning_closed"}) is None
    dispute = dispute_read(
        {
            "id": "dp_1",
            "object": "dispute",
            "payment_intent": {"id": "pi_1", "object": "payment_intent"},
            "amount": 1700,
            "currency": "eur",
            "status": "needs_response",
        }
    )
    assert dispute is not None
    assert (dispute.id, dispute.payment_intent, dispute.amount_minor, dispute.currency) == (
        "dp_1",
        "pi_1",
        1700,
        "EUR",
    )
    assert not dispute.won
    assert dispute_read({"status": "won", "payment_intent": "pi_1"}).won  # type: ignore[union-attr]
