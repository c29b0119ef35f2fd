from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from .models import Membership, Organisation, OrganisationContact

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


def contact_for(organisation: Organisation, language: str) -> OrganisationContact | None:
    """The contact for someone reading or writing in `language`: the organisation's
    address for that language, else the first of its own languages (in its order
    of preference) that has one, else whatever address exists."""
    contacts = {contact.language: contact for contact in organisation.contacts.all()}
    for code in (language, *organisation.languages):
        if code in contacts:
            return contacts[code]
    return next(iter(contacts.values()), None)


def contact_email_for(organisation: Organisation, language: str) -> str | None:
    """The address to show a visitor reading in `language` (see `contact_for`)."""
    contact = contact_for(organisation, language)
    return contact.email if contact else None
