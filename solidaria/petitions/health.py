from __future__ import annotations

from django.utils import timezone

from .models import CountChange, Signature


def report() -> dict[str, object]:
    """For /healthz: is the worker keeping up with confirmations and counts?"""
    owed = Signature.objects.filter(confirmation_queued=False)
    oldest = owed.order_by("created_at").values_list("created_at", flat=True).first()
    return {
        "confirmations_owed": owed.count(),
        "oldest_owed_seconds": round((timezone.now() - oldest).total_seconds(), 1)
        if oldest
        else 0.0,
        "count_changes_waiting": CountChange.objects.count(),
    }
