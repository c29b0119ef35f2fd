"""Checkout Sessions, for every app that takes cards: made from the app's
parameters, and closed, with Stripe's errors turned into `PaymentUnavailable`.

Each app says what it sells (line items, metadata with its `kind`, where Stripe
sends the payer back) and keeps the session's id on its own record; here is only
the talking to Stripe, so that a failure reads the same to a donor and a buyer,
and no app catches Stripe's own exceptions for these calls.
"""

from __future__ import annotations

from collections.abc import Mapping

import stripe

from .client import CheckoutSession, stripe_client
from .exceptions import PaymentUnavailable


def checkout_session_create(
    params: Mapping[str, object],
    *,
    idempotency_key: str,
    error: type[PaymentUnavailable] = PaymentUnavailable,
) -> CheckoutSession:
    """A new Checkout Session from `params` (Stripe's, as its API takes them).

    `idempotency_key`: the same key gets the same session back (a double click, a
    retry after a timeout) instead of a second one to pay. `error` (the app's
    subclass, or `PaymentUnavailable`) if Stripe does not answer or refuses: then
    nothing was made, and nothing charged."""
    try:
        session = stripe_client().v1.checkout.sessions.create(
            dict(params),  # type: ignore[arg-type]  # built as a dict; stripe types it as a TypedDict
            {"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise error() from exc
    return CheckoutSession(id=str(session.id), url=str(session.url))


def checkout_session_expire(
    session_id: str, *, error: type[PaymentUnavailable] = PaymentUnavailable
) -> None:
    """Closes a session at Stripe, so that it can no longer be paid. One expired
    already counts as closed. `error` if Stripe does not answer, or refuses because
    the session cannot be closed any more (it was paid meanwhile): the caller keeps
    the session as its own then, and Stripe's events about it still count."""
    client = stripe_client()
    try:
        client.v1.checkout.sessions.expire(session_id)
    except stripe.InvalidRequestError as refused:
        # Stripe refuses to expire a session that is not open: closed is closed.
        try:
            session = client.v1.checkout.sessions.retrieve(session_id)
        except stripe.StripeError as exc:
            raise error() from exc
        if session.status != "expired":
            raise error() from refused
    except stripe.StripeError as exc:
        raise error() from exc
