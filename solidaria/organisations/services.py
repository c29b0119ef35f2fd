"""Every change to organisations and who acts for them."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from solidaria.core.privacy.audit import audit_log

from .models import Membership, Organisation


def organisation_create(*, organisation: Organisation, actor: User) -> Organisation:
    """Records a new organisation (`organisation`, not saved yet).

    Whoever records it becomes its organiser: staff see only the organisations
    they belong to, so without the membership it would vanish from the console
    of the person who just entered it. A superuser sees every organisation and
    joins none.
    """
    with transaction.atomic():
        organisation.save()
        role = None
        if not actor.is_superuser:
            role = Membership.Role.ORGANISER
            Membership.objects.create(user=actor, organisation=organisation, role=role)
        audit_log(
            action="organisation.recorded",
            actor=actor,
            obj=organisation,
            organisation=organisation,
            data={"recorder_role": role} if role else None,
        )
    return organisation
