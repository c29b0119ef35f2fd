"""core.payments' tests talk to a stand-in for Stripe (tests/stripe_stand_in.py)."""

from tests.stripe_stand_in import stripe_api  # noqa: F401  (the fixture)
