class FundClosed(Exception):
    """The fund takes no gifts (closed, or not by this method)."""


class LedgerError(Exception):
    """An entry the ledger refuses; the message is for the organiser."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        # The form field the refusal is about, so a form can show it there.
        self.field = field


class PaymentUnavailable(Exception):
    """Stripe could not be reached or refused; the message is for the donor."""


class GiftRefused(Exception):
    """A gift the fund cannot take as offered (its currency, its amount); the message
    is for the donor."""
