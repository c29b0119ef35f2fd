from __future__ import annotations

from solidaria.core.privacy import pii

from .models import Supporter


def supporter_find_by_email(email: str) -> Supporter | None:
    """Looks a person up by the blind index, under every configured key."""
    return Supporter.objects.filter(email_index__in=pii.email_indexes(email)).first()
