"""Card payments through Stripe Checkout.

The site records the gift, asks Stripe for a Checkout Session and sends the donor
there; card details never touch us. A gift counts only when Stripe's signed
webhook says the money arrived (see `stripe_events`). Without STRIPE_SECRET_KEY
and STRIPE_WEBHOOK_SECRET the card option is not offered at all.
"""

from __future__ import annotations

from typing import Any

import stripe
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from solidaria.core import pii
from solidaria.core.i18n import localize

from .exceptions import FundClosed
from .models import Donation, Fund

# Languages Stripe's checkout page speaks, by our language code.
CHECKOUT_LOCALES = {"es": "es", "en": "en", "pt": "pt-BR", "fr": "fr", "de": "de"}


class PaymentUnavailable(Exception):
    """Stripe could not be reached or refused; the message is for the donor."""


def card_payments_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)


def stripe_client() -> stripe.StripeClient:
    base = settings.STRIPE_API_BASE
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": base} if base else None,
        max_network_retries=2,
    )


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def checkout_start(
    *,
    fund: Fund,
    amount_minor: int,
    currency: str,
    name: str,
    email: str,
    anonymous: bool,
    consent_owner: bool,
    language: str,
    source: str,
    monthly: bool,
    request: HttpRequest | None = None,
) -> str:
    """Records the gift as waiting and returns the Stripe Checkout address to send the donor to."""
    if not card_payments_enabled():
        raise PaymentUnavailable(_("Card payments are not available for this fund."))
    if not fund.accepts_gifts:
        raise FundClosed(_("This fund is closed: it no longer takes gifts."))
    if monthly and not fund.allow_monthly:
        raise PaymentUnavailable(_("This fund does not take monthly gifts."))
    with transaction.atomic():
        donation = Donation.objects.create(
            fund=fund,
            method=Donation.Method.CARD,
            frequency=Donation.Frequency.MONTHLY if monthly else Donation.Frequency.ONCE,
            amount_minor=amount_minor,
            currency=currency,
            name=name.strip(),
            email=email.strip(),
            email_index=pii.email_index(email),
            anonymous=anonymous,
            consent_owner=consent_owner,
            language=language,
            source=source[:64],
        )
    title = str(localize(fund.title, languages=fund.campaign.languages, requested=language))
    thanks = reverse("fundraising:thanks", kwargs={"slug": fund.slug})
    price_data: dict[str, Any] = {
        "currency": currency.lower(),
        "unit_amount": amount_minor,
        "product_data": {"name": title},
    }
    metadata = {"donation_id": str(donation.pk)}
    params: dict[str, Any] = {
        "mode": "subscription" if monthly else "payment",
        "line_items": [{"price_data": price_data, "quantity": 1}],
        "customer_email": email.strip(),
        "client_reference_id": str(donation.pk),
        "metadata": metadata,
        "locale": CHECKOUT_LOCALES.get(language, "auto"),
        "success_url": _absolute(thanks),
        "cancel_url": _absolute(f"{thanks}?cancelled=1"),
    }
    if monthly:
        price_data["recurring"] = {"interval": "month"}
        params["subscription_data"] = {"metadata": metadata}
    else:
        params["payment_intent_data"] = {"metadata": metadata}
        params["submit_type"] = "donate"
    try:
        session = stripe_client().v1.checkout.sessions.create(
            params,  # type: ignore[arg-type]
            {"idempotency_key": f"donation-{donation.pk}-checkout"},
        )
    except stripe.StripeError as exc:
        Donation.objects.filter(pk=donation.pk).update(status=Donation.Status.FAILED)
        raise PaymentUnavailable(
            _(
                "The card payment service did not answer. Nothing was charged. "
                "Please try again in a moment, or give by bank transfer."
            )
        ) from exc
    Donation.objects.filter(pk=donation.pk).update(stripe_session_id=session.id)
    return str(session.url)


def monthly_cancel(donation: Donation) -> None:
    """Stops a monthly gift at Stripe; the webhook that follows records it too."""
    from django.utils import timezone

    try:
        stripe_client().v1.subscriptions.cancel(donation.stripe_subscription_id)
    except stripe.InvalidRequestError as exc:
        if getattr(exc, "code", "") != "resource_missing":
            raise PaymentUnavailable(_("Stripe refused the change. Nothing was changed.")) from exc
    except stripe.StripeError as exc:
        raise PaymentUnavailable(
            _("The card payment service did not answer. Please try again in a moment.")
        ) from exc
    Donation.objects.filter(pk=donation.pk, cancelled_at__isnull=True).update(
        cancelled_at=timezone.now()
    )


def monthly_change(donation: Donation, *, amount_minor: int) -> None:
    """A new monthly amount from the next payment on, in the same currency."""
    client = stripe_client()
    try:
        subscription = client.v1.subscriptions.retrieve(donation.stripe_subscription_id)
        item = subscription["items"]["data"][0]
        price = item["price"]
        product = price["product"]
        client.v1.subscriptions.update(
            donation.stripe_subscription_id,
            {
                "items": [
                    {
                        "id": item["id"],
                        "price_data": {
                            "currency": donation.currency.lower(),
                            "unit_amount": amount_minor,
                            "product": product if isinstance(product, str) else product["id"],
                            "recurring": {"interval": "month"},
                        },
                    }
                ],
                "proration_behavior": "none",
            },
        )
    except (stripe.StripeError, KeyError, IndexError, TypeError) as exc:
        raise PaymentUnavailable(
            _("The card payment service did not take the change. Nothing was changed.")
        ) from exc
    # What arrived stays as it was; the new amount applies to the months to come.
    Donation.objects.filter(pk=donation.pk).update(next_amount_minor=amount_minor)
