# The ledger's refusal is the one every ledger raises (core.ledger).
from solidaria.core.ledger.exceptions import LedgerError as LedgerError


class FundClosed(Exception):
    """The fund takes no gifts (closed, or not by this method)."""


class PaymentUnavailable(Exception):
    """Stripe could not be reached or refused; the message is for the donor."""


class GiftRefused(Exception):
    """A gift the fund cannot take as offered (its currency, its amount); the message
    is for the donor."""
