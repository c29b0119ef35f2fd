"""Inserting rows on a hot path without compiling the query every time.

`Model.save()` builds its INSERT anew on each call (about a millisecond for a
model with twenty-odd fields), which on the signing path cost more than the
database's own work. `RowInserter` writes the statement once per database and
prepares only the values that need it.

On PostgreSQL it also sends the values apart from the statement (server-side
binding) on psycopg's own cursor: Django's cursor binds them into the SQL text
in Python, which for a row of twenty-odd values cost the signing request 0.2 ms
of its CPU and a quarter of its time waiting on the database.

A row's values can be prepared before the transaction that inserts it
(`prepare`): encrypting a buyer's details then happens before SQLite's write
lock is taken, not while every other writer waits for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import connections, models, transaction

# Any: DB-API connections and the column values of a row, of any database type.

# Fields whose Python value of one of these types is already what the database
# takes: their own preparation would return it unchanged.
_AS_IS_FIELDS = (models.CharField, models.BooleanField, models.IntegerField, models.ForeignKey)
_AS_IS_TYPES = (str, bool, int, type(None))


def _binds_server_side(connection: Any) -> bool:
    """Whether an INSERT may go straight to psycopg. Not while Django records or
    wraps queries (DEBUG, assertNumQueries, execute_wrapper), which need its cursor."""
    return (
        connection.vendor == "postgresql"
        and not connection.queries_logged
        and not connection.execute_wrappers
    )


@dataclass(frozen=True)
class PreparedRow:
    """A row's values as one database takes them (`RowInserter.prepare`)."""

    using: str
    params: list[Any]


class RowInserter:
    """INSERTs rows of one model, given as {attname: value}, and returns the new key.

    Fields left out take their default. No signals are sent and no model instance
    is made, so use it only where neither matters; the database checks every
    constraint as for `save()`, and an IntegrityError leaves no row.
    """

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.pk_column = str(model._meta.pk.column)
        self._sql: dict[tuple[str, int], tuple[str, bool]] = {}

    def _statement(self, alias: str, rows: int = 0) -> tuple[str, bool]:
        """The INSERT of one row, RETURNING its key where the database can (rows=0),
        or of `rows` rows returning nothing; and whether it returns the key."""
        if (alias, rows) not in self._sql:
            connection = connections[alias]
            quote = connection.ops.quote_name
            returning = not rows and connection.features.can_return_columns_from_insert
            # Names from the model, quoted; values only as parameters.
            row = "({})".format(", ".join(["%s"] * len(self.fields)))
            sql = "INSERT INTO {} ({}) VALUES {}".format(  # noqa: S608
                quote(self.model._meta.db_table),
                ", ".join(quote(str(field.column)) for field in self.fields),
                ", ".join([row] * max(rows, 1)),
            )
            if returning:
                sql += f" RETURNING {quote(self.pk_column)}"
            self._sql[alias, rows] = (sql, returning)
        return self._sql[alias, rows]

    def _params(self, values: Mapping[str, Any], connection: Any) -> list[Any]:
        params = []
        for field in self.fields:
            value = values[field.attname] if field.attname in values else field.get_default()
            if not (isinstance(field, _AS_IS_FIELDS) and isinstance(value, _AS_IS_TYPES)):
                value = field.get_db_prep_save(value, connection)
            params.append(value)
        return params

    def prepare(self, values: Mapping[str, Any], *, using: str = "default") -> PreparedRow:
        """The row's values as the database takes them (encrypted, serialised), for
        an insert a moment later."""
        return PreparedRow(using=using, params=self._params(values, connections[using]))

    def insert(
        self,
        values: Mapping[str, Any] | PreparedRow,
        *,
        using: str = "default",
        savepoint: bool = True,
    ) -> int:
        """The new row's key. Inside a transaction, a failed insert is rolled back to
        a savepoint, and the transaction goes on; `savepoint=False` spares those two
        statements to a caller whose whole transaction fails with it anyway."""
        if isinstance(values, PreparedRow):
            if values.using != using and using != "default":
                raise ValueError(f"a row prepared for {values.using!r} inserted into {using!r}")
            using, params = values.using, values.params
            connection = connections[using]
        else:
            connection = connections[using]
            params = self._params(values, connection)
        sql, returning = self._statement(using)
        # Alone, the INSERT commits itself, unless the backend queues writers for
        # their transactions (solidaria.core.db.sqlite_backend); inside a transaction,
        # a savepoint keeps a failed insert from breaking the caller's transaction.
        queued = getattr(connection, "queues_writers", False)
        inside = connection.in_atomic_block
        guard = (
            transaction.atomic(using=using)
            if (queued and not inside) or (inside and savepoint)
            else nullcontext()
        )
        if returning and _binds_server_side(connection):
            with guard:
                # What Django's cursor() and execute() would check first.
                connection.close_if_health_check_failed()
                connection.ensure_connection()
                connection.validate_no_broken_transaction()
                with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as raw:
                    raw.execute(sql, params)
                    return int(raw.fetchone()[0])  # type: ignore[index]  # RETURNING: a row
        with guard, connection.cursor() as cursor:
            cursor.execute(sql, params)
            if returning:
                return int(cursor.fetchone()[0])
            return int(
                connection.ops.last_insert_id(cursor, self.model._meta.db_table, self.pk_column)
            )

    def insert_all(self, rows: Sequence[Mapping[str, Any]], *, using: str = "default") -> None:
        """INSERTs the rows in one statement, for rows whose keys are not needed
        back (the lines of an order). Inside the caller's transaction, if any: a
        failure fails it (no savepoint is taken for each batch). For a few rows at
        a time: one statement is written for each number of rows, and a statement
        has at most 32,766 values on SQLite, 65,535 on PostgreSQL."""
        if not rows:
            return
        connection = connections[using]
        sql, _returning = self._statement(using, rows=len(rows))
        params = [param for row in rows for param in self._params(row, connection)]
        queued = getattr(connection, "queues_writers", False)
        guard = transaction.atomic(using=using) if queued else nullcontext()
        with guard, connection.cursor() as cursor:
            cursor.execute(sql, params)
