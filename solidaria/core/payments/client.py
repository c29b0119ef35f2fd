"""Talking to Stripe: whether card payments are on, and the client to use.

Without STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET no app offers cards: a
payment taken without the webhook to confirm it would never count.
STRIPE_API_BASE points the client elsewhere (the tests' stand-in for Stripe).
"""

from __future__ import annotations

from dataclasses import dataclass

import stripe
from django.conf import settings

# Languages Stripe's checkout page speaks, by our language code.
CHECKOUT_LOCALES = {"es": "es", "en": "en", "pt": "pt-BR", "fr": "fr", "de": "de"}


def card_payments_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)


def stripe_client() -> stripe.StripeClient:
    base = settings.STRIPE_API_BASE
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": base} if base else None,
        max_network_retries=2,
    )


def checkout_locale(language: str) -> str:
    """The checkout page's language for ours; Stripe picks from the browser otherwise."""
    return CHECKOUT_LOCALES.get(language, "auto")


def absolute_url(path: str) -> str:
    """Where Stripe sends the payer back: our own address, not the request's."""
    return settings.SITE_URL.rstrip("/") + path


@dataclass(frozen=True)
class CheckoutSession:
    """A Checkout Session as the apps keep it: its id, and its page to send the payer to."""

    id: str
    url: str
