"""Migration operations for personal data that was stored in plain text.

A migration that turns a plain text column into an `EncryptedTextField` first
alters the column (`AlterField`: it becomes long enough for ciphertext), then
runs `encrypt_existing(...)`, which encrypts every value already stored, bound to
its table and column as the field does. Raw SQL, because the model the migration
sees would try to decrypt the plain values it loads.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from solidaria.core.privacy import pii


def _rewrite(
    app_label: str, model_name: str, field_name: str, change: Callable[[str, str], str]
) -> Callable[[StateApps, BaseDatabaseSchemaEditor], None]:
    def run(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        model = apps.get_model(app_label, model_name)
        table = model._meta.db_table
        column = model._meta.get_field(field_name).column
        context = f"{table}.{column}"
        quote = schema_editor.quote_name
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('id')}, {quote(column)} FROM {quote(table)} "  # noqa: S608
                f"WHERE {quote(column)} <> ''"
            )
            for pk, value in cursor.fetchall():
                cursor.execute(
                    f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE {quote('id')} = %s",  # noqa: S608
                    [change(value, context), pk],
                )

    return run


def encrypt_existing(app_label: str, model_name: str, field_name: str) -> migrations.RunPython:
    """Encrypts the values of a column that has just become an EncryptedTextField;
    reversed, decrypts them again."""
    return migrations.RunPython(
        _rewrite(app_label, model_name, field_name, lambda v, c: pii.encrypt(v, context=c)),
        _rewrite(app_label, model_name, field_name, lambda v, c: pii.decrypt(v, context=c)),
    )
