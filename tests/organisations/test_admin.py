"""The console scoped to organisations: staff see, open and file things under their own only."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from solidaria.core.models import AuditEntry
from solidaria.organisations.models import Membership, Organisation
from solidaria.organisations.services import organisation_create
from tests import factories

pytestmark = pytest.mark.django_db

ORGANISATIONS = "/admin/organisations/organisation/"


def logged_in(client: Client, *memberships: tuple[object, str]) -> Client:
    """`client` logged in as a new member of staff holding each (organisation, role)."""
    user = factories.UserFactory()
    for organisation, role in memberships:
        factories.MembershipFactory(user=user, organisation=organisation, role=role)
    client.force_login(user)
    return client


def test_staff_list_only_the_organisations_they_belong_to(client: Client) -> None:
    ours = factories.OrganisationFactory(name="Sindicato Nuestro")
    factories.OrganisationFactory(name="Partido Ajeno")
    client = logged_in(client, (ours, Membership.Role.VIEWER))

    response = client.get(ORGANISATIONS)

    assert [o.name for o in response.context["cl"].result_list] == ["Sindicato Nuestro"]
    assert "Partido Ajeno" not in response.content.decode()


def test_superusers_list_every_organisation(client: Client) -> None:
    for name in ("Colectivo", "Partido", "Sindicato"):
        factories.OrganisationFactory(name=name)
    client.force_login(factories.UserFactory(is_superuser=True))

    response = client.get(ORGANISATIONS)

    assert [o.name for o in response.context["cl"].result_list] == [
        "Colectivo",
        "Partido",
        "Sindicato",
    ]


def test_another_organisations_page_answers_as_if_it_did_not_exist(client: Client) -> None:
    theirs = factories.OrganisationFactory()
    client = logged_in(client, (factories.OrganisationFactory(), Membership.Role.OWNER))

    response = client.get(f"{ORGANISATIONS}{theirs.pk}/change/")

    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"organisation with ID “{theirs.pk}” doesn’t exist. Perhaps it was deleted?"
    ]


def test_staff_without_any_membership_are_refused_the_organisations_list(
    client: Client,
) -> None:
    factories.OrganisationFactory()
    client = logged_in(client)

    assert client.get(ORGANISATIONS).status_code == 403


def test_viewers_open_their_organisation_but_cannot_change_it(client: Client) -> None:
    ours = factories.OrganisationFactory(name="Sindicato")
    client = logged_in(client, (ours, Membership.Role.VIEWER))
    url = f"{ORGANISATIONS}{ours.pk}/change/"

    page = client.get(url)
    refused = client.post(url, {"name": "Renamed", "slug": ours.slug, "languages": ["es"]})

    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert refused.status_code == 403
    ours.refresh_from_db()
    assert ours.name == "Sindicato"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Membership.Role.VIEWER, 403),
        (Membership.Role.ORGANISER, 403),
        (Membership.Role.OWNER, 200),
    ],
)
def test_only_owners_may_open_the_delete_page(client: Client, role: str, status: int) -> None:
    ours = factories.OrganisationFactory()
    client = logged_in(client, (ours, role))

    assert client.get(f"{ORGANISATIONS}{ours.pk}/delete/").status_code == status


@pytest.mark.parametrize(
    ("role", "status"), [(Membership.Role.VIEWER, 403), (Membership.Role.ORGANISER, 200)]
)
def test_organisers_may_record_a_new_partner_organisation_and_viewers_may_not(
    client: Client, role: str, status: int
) -> None:
    client = logged_in(client, (factories.OrganisationFactory(), role))

    assert client.get(f"{ORGANISATIONS}add/").status_code == status


def test_an_organiser_who_records_an_organisation_becomes_its_organiser(
    client: Client,
) -> None:
    client = logged_in(client, (factories.OrganisationFactory(), Membership.Role.ORGANISER))
    user = client.get(ORGANISATIONS).wsgi_request.user

    response = client.post(
        f"{ORGANISATIONS}add/",
        {
            "name": "Colectivo Nuevo",
            "slug": "colectivo-nuevo",
            "country": "UY",
            "languages": ["es"],
            **{
                f"{prefix}-{field}": value
                for prefix in ("contacts", "memberships")
                for field, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
            },
        },
    )

    assert (response.status_code, response["Location"]) == (302, ORGANISATIONS)
    recorded = Organisation.objects.get(slug="colectivo-nuevo")
    listed = client.get(ORGANISATIONS).context["cl"].result_list
    assert recorded in listed
    assert client.get(f"{ORGANISATIONS}{recorded.pk}/change/").status_code == 200
    assert list(Membership.objects.filter(organisation=recorded).values_list("user", "role")) == [
        (user.pk, Membership.Role.ORGANISER)
    ]
    assert list(
        AuditEntry.objects.filter(action="organisation.recorded").values_list(
            "actor", "object_id", "organisation", "data"
        )
    ) == [(user.pk, str(recorded.pk), recorded.pk, {"recorder_role": "organiser"})]


def test_a_superuser_who_records_an_organisation_joins_none() -> None:
    superuser = factories.UserFactory(is_superuser=True)

    recorded = organisation_create(
        organisation=Organisation(name="Partido", slug="partido"), actor=superuser
    )

    assert not Membership.objects.filter(organisation=recorded).exists()
    entry = AuditEntry.objects.get(action="organisation.recorded")
    assert (entry.actor, entry.organisation, entry.data) == (superuser, recorded, {})


def test_a_campaign_can_be_filed_only_under_organisations_staff_act_for(client: Client) -> None:
    organised = factories.OrganisationFactory()
    viewed = factories.OrganisationFactory()
    factories.OrganisationFactory()  # nothing to do with them
    client = logged_in(
        client, (organised, Membership.Role.ORGANISER), (viewed, Membership.Role.VIEWER)
    )

    form = client.get("/admin/campaigns/campaign/add/").context["adminform"].form

    assert list(form.fields["owner"].queryset) == [organised]


def test_scoped_foreign_keys_offer_only_rows_of_organisations_staff_act_for(
    client: Client,
) -> None:
    organised = factories.OrganisationFactory()
    viewed = factories.OrganisationFactory()
    ours = factories.FundFactory(campaign=factories.CampaignFactory(owner=organised))
    factories.FundFactory(campaign=factories.CampaignFactory(owner=viewed))
    factories.FundFactory()  # another organisation's
    client = logged_in(
        client, (organised, Membership.Role.ORGANISER), (viewed, Membership.Role.VIEWER)
    )

    form = client.get("/admin/fundraising/ledgerentry/add/").context["adminform"].form

    assert list(form.fields["fund"].queryset) == [ours]


def test_a_custom_console_page_of_another_organisations_object_is_a_404(
    client: Client,
) -> None:
    theirs = factories.FundFactory()
    client = logged_in(client, (factories.OrganisationFactory(), Membership.Role.OWNER))

    assert client.get(f"/admin/fundraising/fund/{theirs.pk}/reconcile/").status_code == 404


def test_owners_see_the_staff_form_and_organisers_see_staff_read_only(client: Client) -> None:
    ours = factories.OrganisationFactory()
    owner = logged_in(Client(), (ours, Membership.Role.OWNER))
    organiser = logged_in(client, (ours, Membership.Role.ORGANISER))
    url = f"{ORGANISATIONS}{ours.pk}/change/"

    as_owner = owner.get(url).content.decode()
    as_organiser = organiser.get(url).content.decode()

    assert 'name="memberships-0-role"' in as_owner
    assert 'name="memberships-0-role"' not in as_organiser
    assert "Staff memberships" in as_organiser  # listed, without a form field to change
