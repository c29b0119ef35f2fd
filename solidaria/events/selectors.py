"""Reads about events that cross relations."""

from __future__ import annotations

from .models import Event, TrustedHost


def host_is_trusted(*, event: Event) -> bool:
    """Whether the organisers trust this action's host to publish without a check."""
    if not event.host_email_index:
        return False
    return TrustedHost.objects.filter(email_index=event.host_email_index).exists()
