"""Checkout Sessions, for every app that takes cards: made from the app's
parameters, and closed, with Stripe's errors turned into `PaymentUnavailable`.

Each app says what it sells (line items, metadata with its `kind`, where Stripe
sends the payer back) and keeps the session's id on its own record; here is only
the talking to Stripe, so that a failure reads the same to a donor and a buyer,
and no app catches Stripe's own exceptions for these calls.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Concatenate, ParamSpec

import stripe
from csp.decorators import csp_update
from django.http import HttpRequest, HttpResponse

from .client import CheckoutSession, stripe_client
from .exceptions import PaymentUnavailable

Params = ParamSpec("Params")

# Browsers hold the redirect that follows a form to the page's form-action (the
# site's policy allows only itself): a form that leads to Stripe's checkout page
# must allow it, on the page that shows the form and on the one that may show it
# again.
CHECKOUT_FORM_ACTION = {"form-action": ["https://checkout.stripe.com"]}


def checkout_form_allowed(
    view: Callable[Concatenate[HttpRequest, Params], HttpResponse],
) -> Callable[Concatenate[HttpRequest, Params], HttpResponse]:
    """csp_update(CHECKOUT_FORM_ACTION), typed for views with arguments."""
    return csp_update(CHECKOUT_FORM_ACTION)(view)  # type: ignore[return-value]


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
