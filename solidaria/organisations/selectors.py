from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from .models import Membership, Organisation

EDIT_ROLES = (Membership.Role.OWNER, Membership.Role.ORGANISER)


def organisations_for_user(
    user: User | AnonymousUser, *, roles: tuple[str, ...] | None = None
) -> QuerySet[Organisation]:
    """The organisations a member of staff may see (or, with `roles`, act for)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    memberships = Membership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return Organisation.objects.filter(pk__in=memberships.values("organisation_id"))


def user_role(user: User, organisation: Organisation) -> str | None:
    if getattr(user, "is_superuser", False):
        return Membership.Role.OWNER
    return (
        Membership.objects.filter(user=user, organisation=organisation)
        .values_list("role", flat=True)
        .first()
    )


def contact_email_for(organisation: Organisation, language: str) -> str | None:
    """The address to show a visitor reading in `language`.

    The visitor's own language first, then the organisation's languages in
    its order of preference, then whatever address exists.
    """
    by_language = {c.language: c.email for c in organisation.contacts.all()}
    for code in (language, *organisation.languages):
        if code in by_language:
            return by_language[code]
    return next(iter(by_language.values()), None)
