"""The one refusal of card payments: Stripe did not answer, or would not do it.

Raised by `checkout` for every app, already in the payer's words (gettext while
their language is active). An app whose refusals share a base class (a round's
`CooperativesError`, which its views turn into a 4xx) subclasses it, and passes
its subclass to `checkout` to get it back; its `unanswered` then says what to do
next in that app (try again from the order's page, give by bank transfer)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise


class PaymentUnavailable(Exception):
    """Stripe could not be reached, or refused: nothing was charged, nothing changed.
    The message is for the payer."""

    # What the payer is told when the raiser has nothing more precise to say.
    unanswered: StrOrPromise = gettext_lazy(
        "The card payment service did not answer. Nothing was charged. "
        "Please try again in a moment."
    )

    def __init__(self, message: StrOrPromise | None = None) -> None:
        # Made into text now, in the language of the request that raised it.
        super().__init__(str(self.unanswered if message is None else message))
