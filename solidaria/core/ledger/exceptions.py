from __future__ import annotations

from django_stubs_ext import StrOrPromise


class LedgerError(Exception):
    """An entry the ledger refuses; the message is for the organiser."""

    def __init__(self, message: StrOrPromise, *, field: str | None = None) -> None:
        super().__init__(message)
        # The form field the refusal is about, so a form can show it there.
        self.field = field
