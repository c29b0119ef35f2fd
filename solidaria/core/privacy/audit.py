"""The audit log: who did what, when. Writers call `audit_log` inside their transaction."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from solidaria.core.models import AuditEntry


def audit_log(
    *,
    action: str,
    actor: Any = None,
    obj: models.Model | None = None,
    organisation: Any = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Records one action. `data` must not hold personal data: ids and counts only."""
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if is_person else None,
        actor_label=actor.get_username() if is_person else "system",
        action=action,
        organisation=organisation,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        data=data or {},
    )
