from django.utils.translation import gettext_lazy

# The ledger's refusal is the one every ledger raises (core.ledger).
from solidaria.core.ledger.exceptions import LedgerError as LedgerError
from solidaria.core.payments import exceptions as payments


class FundClosed(Exception):
    """The fund takes no gifts (closed, or not by this method)."""


class PaymentUnavailable(payments.PaymentUnavailable):
    """Stripe could not be reached or refused (core.payments raises it for the fund);
    the message is for the donor, and points to a bank transfer instead."""

    unanswered = gettext_lazy(
        "The card payment service did not answer. Nothing was charged. "
        "Please try again in a moment, or give by bank transfer."
    )


class GiftRefused(Exception):
    """A gift the fund cannot take as offered (its currency, its amount); the message
    is for the donor."""
