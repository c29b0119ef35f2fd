"""The fund's tests talk to a stand-in for Stripe (tests/stripe_stand_in.py)."""

from tests.stripe_stand_in import (  # noqa: F401  (the fixture, and the helpers the tests import)
    WEBHOOK_SECRET,
    StripeStandIn,
    event,
    signed_post,
    stripe_api,
)
