"""The audit log in the admin: staff read their own organisations' entries only."""

from __future__ import annotations

import pytest
from django.test import Client

from solidaria.core.privacy.audit import audit_log
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/admin/core/auditentry/"


def test_staff_see_only_their_organisations_audit_entries(client: Client) -> None:
    ours, theirs = factories.OrganisationFactory(), factories.OrganisationFactory()
    audit_log(action="petition.ours-exported", organisation=ours)
    audit_log(action="petition.theirs-exported", organisation=theirs)
    membership = factories.MembershipFactory(organisation=ours)
    client.force_login(membership.user)

    page = client.get(URL).content.decode()

    assert "petition.ours-exported" in page
    assert "petition.theirs-exported" not in page


def test_superusers_see_every_audit_entry(client: Client) -> None:
    audit_log(action="petition.ours-exported", organisation=factories.OrganisationFactory())
    audit_log(action="petition.theirs-exported", organisation=factories.OrganisationFactory())
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))

    page = client.get(URL).content.decode()

    assert "petition.ours-exported" in page
    assert "petition.theirs-exported" in page
