"""Pagination for lists that may hold millions of rows.

Any: the admin pages querysets of any model.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property


class CappedPaginator(Paginator):  # type: ignore[type-arg]  # generic only in the stubs
    """Counts at most `CAP` rows (SELECT COUNT(*) over a LIMITed subquery), so that a
    page of a list of a million people never counts them all; past the cap the
    list says "10,000+" and its last pages are reached by narrowing the filters."""

    CAP = 10_000

    @cached_property
    def count(self) -> int:
        # Only ever given querysets (the admin's lists), which count a slice in SQL.
        rows = cast(QuerySet[Any], self.object_list)
        # Unordered: the database stops at the cap instead of sorting every row first.
        return rows.order_by()[: self.CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.CAP
