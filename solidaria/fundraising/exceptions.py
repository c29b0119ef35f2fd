class FundClosed(Exception):
    """The fund takes no gifts (closed, or not by this method)."""


class LedgerError(Exception):
    """An entry the ledger refuses; the message is for the organiser."""
