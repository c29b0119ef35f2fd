"""Card payments through Stripe Checkout: only the talking to Stripe.

The services record the gift, ask here for a Checkout Session (made at Stripe by
core.payments.checkout, as a round's orders' are) and send the donor there; card
details never touch us. A gift counts only when Stripe's signed webhook
(core.payments) says the money arrived (see `stripe_events`). Without
STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET the card option is not offered at all
(`core.payments.client.card_payments_enabled`).
"""

from __future__ import annotations

import stripe
from django.urls import reverse
from django.utils.translation import gettext as _

from solidaria.core.payments import checkout
from solidaria.core.payments.client import (
    CheckoutSession,
    absolute_url,
    checkout_locale,
    stripe_client,
)
from solidaria.core.rendering.i18n import localize

from .exceptions import PaymentUnavailable
from .models import Donation

# The fund's mark on what it creates at Stripe (core.payments.events routes by it).
STRIPE_KIND = "gift"


def checkout_session_create(*, donation: Donation) -> CheckoutSession:
    """Asks Stripe for a Checkout Session for a gift recorded as waiting.
    PaymentUnavailable if Stripe does not answer: nothing was charged."""
    fund = donation.fund
    language = donation.language
    monthly = donation.frequency == Donation.Frequency.MONTHLY
    title = str(localize(fund.title, languages=fund.campaign.languages, requested=language))
    thanks = reverse("fundraising:thanks", kwargs={"slug": fund.slug})
    price_data: dict[str, object] = {
        "currency": donation.currency.lower(),
        "unit_amount": donation.amount_minor,
        "product_data": {"name": title},
    }
    metadata = {"kind": STRIPE_KIND, "donation_id": str(donation.pk)}
    params: dict[str, object] = {
        "mode": "subscription" if monthly else "payment",
        "line_items": [{"price_data": price_data, "quantity": 1}],
        "customer_email": donation.email,
        "client_reference_id": str(donation.pk),
        "metadata": metadata,
        "locale": checkout_locale(language),
        "success_url": absolute_url(thanks),
        "cancel_url": absolute_url(f"{thanks}?cancelled=1"),
    }
    if monthly:
        price_data["recurring"] = {"interval": "month"}
        params["subscription_data"] = {"metadata": metadata}
    else:
        params["payment_intent_data"] = {"metadata": metadata}
        params["submit_type"] = "donate"
    return checkout.checkout_session_create(
        params, idempotency_key=f"donation-{donation.pk}-checkout", error=PaymentUnavailable
    )


def subscription_cancel(*, subscription_id: str) -> None:
    """Stops a subscription at Stripe. One already gone there counts as stopped."""
    try:
        stripe_client().v1.subscriptions.cancel(subscription_id)
    except stripe.InvalidRequestError as exc:
        if getattr(exc, "code", "") != "resource_missing":
            raise PaymentUnavailable(_("Stripe refused the change. Nothing was changed.")) from exc
    except stripe.StripeError as exc:
        raise PaymentUnavailable(
            _("The card payment service did not answer. Please try again in a moment.")
        ) from exc


def subscription_amount_change(*, subscription_id: str, currency: str, amount_minor: int) -> None:
    """A new monthly amount at Stripe from the next payment on, in the same currency."""
    client = stripe_client()
    try:
        subscription = client.v1.subscriptions.retrieve(subscription_id)
        item = subscription["items"]["data"][0]
        price = item["price"]
        product = price["product"]
        client.v1.subscriptions.update(
            subscription_id,
            {
                "items": [
                    {
                        "id": item["id"],
                        "price_data": {
                            "currency": currency.lower(),
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


# The donor's manage page still calls these two; they are the services of the same
# name, for the donor acting through their link.
