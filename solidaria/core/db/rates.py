"""How fast rows are coming in, asked of the table without counting it."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone


def arriving_faster_than(
    model: type[models.Model], *, per_second: int, window_seconds: int
) -> bool:
    """Whether rows of `model` (with a `created_at`) came in faster than `per_second`
    over the last `window_seconds`: the row that many places back from the newest is
    that recent. One step down the primary key, whatever the size of the table."""
    back = per_second * window_seconds
    nth_newest = model._default_manager.order_by("-pk").values_list("created_at", flat=True)[
        back : back + 1
    ]
    since = timezone.now() - timedelta(seconds=window_seconds)
    return any(created_at >= since for created_at in nth_newest)
