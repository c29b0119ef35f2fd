"""Changing many rows without holding a write lock for long.

One UPDATE over a million signatures holds the table's write lock (SQLite) or
its rows' locks (PostgreSQL) until it ends, and signers wait meanwhile. Here
the rows are found a batch at a time, walking the primary key upward, and each
batch is changed in its own short transaction.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models, transaction

_ModelT = TypeVar("_ModelT", bound=models.Model)

# Rows per transaction: a few milliseconds of writing each.
DEFAULT_BATCH = 500


def update_in_batches(
    queryset: models.QuerySet[_ModelT],
    *,
    batch: int = DEFAULT_BATCH,
    # Any: column values and expressions, as QuerySet.update takes them.
    **values: Any,
) -> int:
    """`queryset.update(**values)`, `batch` rows at a time; returns how many rows changed.

    Each batch is filtered by `queryset` again as it is written, so a row that
    stopped matching meanwhile (changed by someone else) is left alone."""
    done = 0
    last: Any = None  # Any: the primary key, of whatever type the model has.
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        pks = list(page.values_list("pk", flat=True)[:batch])
        if not pks:
            return done
        with transaction.atomic():
            done += queryset.filter(pk__in=pks).update(**values)
        last = pks[-1]
