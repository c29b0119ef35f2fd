from __future__ import annotations

from typing import Any

from django.db import models

from solidaria.core.privacy import pii


class EncryptedTextField(models.TextField):
    """Text encrypted at rest with the PII key; decrypted when loaded.

    The ciphertext is bound to ``<table>.<column>``. Rows cannot be filtered on
    the plaintext: give the model a blind index column for look-ups instead.
    """

    description = "Encrypted personal text"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    @property
    def encryption_context(self) -> str:
        return f"{self.model._meta.db_table}.{self.column}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if not value:
            return value
        return pii.decrypt(value, context=self.encryption_context)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return value
        return pii.encrypt(str(value), context=self.encryption_context)

    def get_lookup(self, lookup_name: str) -> Any:
        # A fresh nonce per value makes any comparison on ciphertext meaningless.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)
