"""Which organisations a member of staff acts for, in which role, and where to write to them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from solidaria.organisations.models import Membership, OrganisationContact
from solidaria.organisations.selectors import (
    EDIT_ROLES,
    contact_email_for,
    organisations_for_user,
    user_role,
)
from tests import factories

pytestmark = pytest.mark.django_db


def test_staff_see_the_organisations_they_hold_any_role_in() -> None:
    viewed, organised, _elsewhere = (factories.OrganisationFactory() for _ in range(3))
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organisation=viewed, role=Membership.Role.VIEWER)
    factories.MembershipFactory(user=user, organisation=organised, role=Membership.Role.ORGANISER)

    assert set(organisations_for_user(user)) == {viewed, organised}


def test_staff_act_only_for_organisations_where_they_organise_or_own() -> None:
    viewed, organised, owned = (factories.OrganisationFactory() for _ in range(3))
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organisation=viewed, role=Membership.Role.VIEWER)
    factories.MembershipFactory(user=user, organisation=organised, role=Membership.Role.ORGANISER)
    factories.MembershipFactory(user=user, organisation=owned, role=Membership.Role.OWNER)

    assert set(organisations_for_user(user, roles=EDIT_ROLES)) == {organised, owned}


def test_staff_without_memberships_see_no_organisation() -> None:
    factories.OrganisationFactory()

    assert list(organisations_for_user(factories.UserFactory())) == []


def test_visitors_who_are_not_logged_in_see_no_organisation() -> None:
    factories.OrganisationFactory()

    assert list(organisations_for_user(AnonymousUser())) == []


def test_superusers_see_every_organisation_without_a_membership() -> None:
    organisations = {factories.OrganisationFactory() for _ in range(2)}
    superuser = factories.UserFactory(is_superuser=True)

    assert set(organisations_for_user(superuser, roles=EDIT_ROLES)) == organisations


def test_a_users_role_is_the_one_their_membership_names() -> None:
    membership = factories.MembershipFactory(role=Membership.Role.VIEWER)

    assert user_role(membership.user, membership.organisation) == Membership.Role.VIEWER


def test_a_user_has_no_role_in_an_organisation_they_do_not_belong_to() -> None:
    membership = factories.MembershipFactory()

    assert user_role(membership.user, factories.OrganisationFactory()) is None


def test_superusers_count_as_owners_everywhere() -> None:
    superuser = factories.UserFactory(is_superuser=True)

    assert user_role(superuser, factories.OrganisationFactory()) == Membership.Role.OWNER


def with_contacts(languages: list[str], contacts: dict[str, str]):
    organisation = factories.OrganisationFactory(languages=languages)
    for language, email in contacts.items():
        OrganisationContact.objects.create(
            organisation=organisation, language=language, email=email
        )
    return organisation


def test_visitors_are_given_the_address_in_their_own_language_first() -> None:
    organisation = with_contacts(["es", "en"], {"es": "es@example.org", "de": "de@example.org"})

    assert contact_email_for(organisation, "de") == "de@example.org"


def test_then_the_address_in_the_organisations_preferred_language() -> None:
    organisation = with_contacts(
        ["pt", "es", "en"], {"en": "en@example.org", "es": "es@example.org"}
    )

    assert contact_email_for(organisation, "fr") == "es@example.org"


def test_then_whatever_address_the_organisation_has() -> None:
    organisation = with_contacts(["es"], {"de": "de@example.org"})

    assert contact_email_for(organisation, "fr") == "de@example.org"


def test_an_organisation_without_contact_addresses_has_none_to_give() -> None:
    assert contact_email_for(factories.OrganisationFactory(), "es") is None
