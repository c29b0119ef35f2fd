"""The audit log: who did what, when. Writers call `audit_log` inside their transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.contenttypes.models import ContentType
from django.db import models

from solidaria.core.models import AuditEntry

# Who did something: `request.user` (staff, or a visitor who is not signed in),
# or None for the system (tasks, webhooks, the donor through an emailed link).
Actor: TypeAlias = User | AnonymousUser | None


def audit_log(
    *,
    action: str,
    actor: Actor = None,
    obj: models.Model | None = None,
    # Any: an Organisation, which core may not import (it sits below the apps).
    organisation: Any = None,
    data: Mapping[str, object] | None = None,
) -> AuditEntry:
    """Records one action. `data` must not hold personal data: ids and counts only."""
    entry = audit_entry(action=action, actor=actor, obj=obj, organisation=organisation, data=data)
    entry.save()
    return entry


def audit_entry(
    *,
    action: str,
    actor: Actor = None,
    obj: models.Model | None = None,
    organisation: Any = None,
    data: Mapping[str, object] | None = None,
) -> AuditEntry:
    """The entry `audit_log` records, not saved yet: for a writer that records many
    at once (`audit_log_all`), or makes them before its transaction starts."""
    person = actor if actor is not None and actor.is_authenticated else None
    return AuditEntry(
        actor=person,
        actor_label=person.get_username() if person is not None else "system",
        action=action,
        organisation=organisation,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        data=data or {},
    )


def audit_log_all(entries: Sequence[AuditEntry]) -> None:
    """Records entries made by `audit_entry`, in one statement."""
    if entries:
        AuditEntry.objects.bulk_create(entries)
