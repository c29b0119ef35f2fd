from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Combinable, Expression
from django.db.models.lookups import Lookup

from solidaria.core.privacy import pii

# Any: a field's options go on to Django's TextField as they came, and its lookups
# are Django's, for values of any type.


class EncryptedTextField(models.TextField[str | Combinable, str]):
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

    def from_db_value(
        self, value: str | None, expression: Expression, connection: BaseDatabaseWrapper
    ) -> str | None:
        if not value:
            return value
        return pii.decrypt(value, context=self.encryption_context)

    def get_prep_value(self, value: object) -> object:
        value = super().get_prep_value(value)
        if not value:
            return value
        return pii.encrypt(str(value), context=self.encryption_context)

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        # A fresh nonce per value makes any comparison on ciphertext meaningless.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)
