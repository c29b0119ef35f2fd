"""Stripe's webhook, for every app that takes cards: the only way a card payment
comes to count.

The signature is checked with the stripe library against STRIPE_WEBHOOK_SECRET
and the event's age against the tolerance; anything else gets a 400 and changes
nothing. The verified event goes to the app whose payment it is about
(`events.stripe_event_handle`).
"""

from __future__ import annotations

import stripe
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .client import card_payments_enabled
from .events import stripe_event_handle


@csrf_exempt  # authenticated by Stripe's signature instead
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    if not card_payments_enabled():
        return JsonResponse({"error": "card payments are not configured"}, status=404)
    try:
        event = stripe.Webhook.construct_event(
            request.body,
            request.headers.get("Stripe-Signature"),
            settings.STRIPE_WEBHOOK_SECRET,
            tolerance=settings.STRIPE_WEBHOOK_TOLERANCE,
        )
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": "the body is not a Stripe event"}, status=400)
    except stripe.SignatureVerificationError:
        return JsonResponse({"error": "bad or expired signature"}, status=400)
    outcome = stripe_event_handle(event.to_dict())
    return JsonResponse({"received": True, "outcome": outcome})
