"""Organisers' screens: four eyes in the admin, reconciliation, totals and audited exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from solidaria.core.models import AuditEntry
from solidaria.fundraising.models import Donation, LedgerEntry
from solidaria.fundraising.services import pledge_create, pledge_mark_received
from solidaria.organisations.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db


def organiser(client: Client, fund, role=Membership.Role.ORGANISER) -> Client:
    membership = factories.MembershipFactory(organisation=fund.campaign.owner, role=role)
    client.force_login(membership.user)
    return client


def pledge(fund, amount_minor=2500, currency="USD", name="=cmd|' /C calc'!A0", consent=True):
    return pledge_create(
        fund=fund,
        amount_minor=amount_minor,
        currency=currency,
        name=name,
        email="ana@example.org",
        consent_owner=consent,
        language="en",
    )


def test_an_organiser_cannot_approve_their_own_expense(client: Client) -> None:
    fund = factories.FundFactory()
    alice = organiser(Client(), fund)
    response = alice.post(
        "/admin/fundraising/ledgerentry/add/",
        {
            "fund": fund.pk,
            "kind": "expense",
            "date": "2026-11-02",
            "amount": "1500.50",
            "currency": "USD",
            "category": "bail",
            "description_0": "Bail for a defendant",
            "description_1": "Fianza",
            "private_details": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = LedgerEntry.objects.get()
    assert entry.amount_minor == 150050 and entry.approved_at is None
    action = {"action": "approve", "_selected_action": [entry.pk]}
    alice.post("/admin/fundraising/ledgerentry/", action)
    entry.refresh_from_db()
    assert entry.approved_at is None
    bob = organiser(Client(), fund)
    bob.post("/admin/fundraising/ledgerentry/", action)
    entry.refresh_from_db()
    assert entry.approved_at is not None and entry.approved_by != entry.created_by
    # Append-only: the change form shows the entry but saves nothing.
    response = bob.post(f"/admin/fundraising/ledgerentry/{entry.pk}/change/", {"amount": "1"})
    entry.refresh_from_db()
    assert response.status_code == 403 and entry.amount_minor == 150050


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", "0"),
        ("amount", "-5"),
        ("amount", "lots"),
        ("date", "2999-01-01"),
        ("currency", "JPY"),
    ],
)
def test_bad_ledger_entries_are_refused(client: Client, field: str, value: str) -> None:
    fund = factories.FundFactory()
    client = organiser(client, fund)
    data = {
        "fund": fund.pk,
        "kind": "expense",
        "date": "2026-11-02",
        "amount": "10",
        "currency": "USD",
        "category": "travel",
        "description_0": "Bus",
        field: value,
    }
    response = client.post("/admin/fundraising/ledgerentry/add/", data)
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert not LedgerEntry.objects.exists()


def test_receipts_are_for_organisers_only(client: Client) -> None:
    fund = factories.FundFactory()
    alice = organiser(Client(), fund)
    alice.post(
        "/admin/fundraising/ledgerentry/add/",
        {
            "fund": fund.pk,
            "kind": "expense",
            "date": "2026-11-02",
            "amount": "10",
            "currency": "USD",
            "category": "travel",
            "description_0": "Bus",
            "receipt": SimpleUploadedFile("ticket.pdf", b"%PDF-1.4 ticket", "application/pdf"),
        },
    )
    entry = LedgerEntry.objects.get()
    assert entry.receipt.name.startswith("ledger-receipts/")
    url = f"/admin/fundraising/ledgerentry/{entry.pk}/receipt/"
    response = alice.get(url)
    assert (
        response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 ticket"
    )
    stranger = Client()
    stranger.force_login(factories.MembershipFactory().user)  # staff of another organisation
    # Outside their organisations the entry does not exist for them: 404, not 403.
    assert stranger.get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page
    assert client.get(f"/media/{entry.receipt.name}").status_code == 404


def test_reconcile_screen_marks_transfers_from_a_statement(client: Client) -> None:
    fund = factories.FundFactory()
    waiting = pledge(fund)
    client = organiser(client, fund)
    statement = f"Date,Description,Amount\n2026-11-02,{waiting.reference},25.00\n".encode()
    response = client.post(
        f"/admin/fundraising/fund/{fund.pk}/reconcile/",
        {"statement": SimpleUploadedFile("statement.csv", statement, "text/csv")},
    )
    assert response.status_code == 200
    waiting.refresh_from_db()
    assert waiting.status == Donation.Status.SUCCEEDED
    assert AuditEntry.objects.filter(action="fund.statement_imported").exists()
    viewer = organiser(Client(), fund, role=Membership.Role.VIEWER)
    assert viewer.get(f"/admin/fundraising/fund/{fund.pk}/reconcile/").status_code == 403


def test_gift_list_shows_totals_and_exports_are_audited_and_safe(client: Client) -> None:
    fund = factories.FundFactory()
    staff = factories.UserFactory()
    for amount in (2500, 1000):
        pledge_mark_received(donation=pledge(fund, amount), actor=staff)
    pledge(fund, 99900, "ARS", name="Bea", consent=False)
    client = organiser(client, fund)
    page = client.get("/admin/fundraising/donation/").content.decode()
    assert "$35.00" in page and "ARS" in page
    ids = list(Donation.objects.values_list("pk", flat=True))
    response = client.post(
        "/admin/fundraising/donation/", {"action": "export_csv", "_selected_action": ids}
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 4
    names = {row[9] for row in rows[1:]}
    assert "'=cmd|' /C calc'!A0" in names  # formulas neutralised
    assert all(row[10] == "" for row in rows[1:] if row[11] == "no")  # no address without consent
    assert AuditEntry.objects.filter(action="donations.exported").exists()
    assert client.get("/admin/fundraising/donation/add/").status_code == 403


def test_staff_see_only_their_organisations_gifts(client: Client) -> None:
    ours = factories.FundFactory()
    theirs = factories.FundFactory(
        title={"en": "Rival fund"},
        campaign=factories.CampaignFactory(title={"en": "Rival campaign"}, languages=["en"]),
    )
    pledge(ours)
    other = pledge(theirs)
    client = organiser(client, ours)
    # Django's answer for an object that does not exist: they learn nothing more.
    response = client.get(f"/admin/fundraising/donation/{other.pk}/change/")
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"gift with ID “{other.pk}” doesn’t exist. Perhaps it was deleted?"
    ]
    page = client.get("/admin/fundraising/donation/").content.decode()
    assert other.reference not in page
    assert "Rival" not in page  # not even in the filters
    filtered = client.get(
        f"/admin/fundraising/donation/?fund__campaign__id__exact={ours.campaign.pk}"
    )
    assert filtered.status_code == 200


def test_admin_lists_cost_the_same_for_many_rows(
    client: Client, django_assert_max_num_queries
) -> None:
    """Each row's fund title, totals and rates come with the page, not one query per row."""
    fund = factories.FundFactory()
    client = organiser(client, fund)
    for n in range(3):
        other = factories.FundFactory(campaign=fund.campaign)
        pledge_mark_received(donation=pledge(other, 1000 + n), actor=None)

    def queries(url: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = {
        url: queries(url) for url in ("/admin/fundraising/fund/", "/admin/fundraising/donation/")
    }
    for n in range(6):
        more = factories.FundFactory(campaign=fund.campaign)
        pledge_mark_received(donation=pledge(more, 2000 + n), actor=None)
    for url, count in few.items():
        assert queries(url) == count, url


def test_entries_added_in_the_admin_go_through_the_ledger_service(client: Client) -> None:
    fund = factories.FundFactory()
    alice = organiser(Client(), fund)
    data = {
        "fund": fund.pk,
        "kind": "expense",
        "date": "2026-11-02",
        "amount": "12.50",
        "currency": "USD",
        "category": "travel",
        "description_0": "Bus",
    }
    assert alice.post("/admin/fundraising/ledgerentry/add/", data).status_code == 302
    entry = LedgerEntry.objects.get()
    entered = AuditEntry.objects.get(action="ledger.entered")
    assert entered.object_id == str(entry.pk) and entered.actor == entry.created_by
    assert entered.data == {"kind": "expense", "amount_minor": 1250, "currency": "USD"}

    # The service's refusal comes back as a form error, in the organiser's language.
    future = {**data, "date": "2999-01-01", "amount": "12,50"}
    response = alice.post("/admin/fundraising/ledgerentry/add/", future, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200
    assert "Un asiento no puede tener una fecha futura." in response.content.decode()
    gifts = {**data, "category": "gifts"}
    response = alice.post("/admin/fundraising/ledgerentry/add/", gifts)
    assert "Gifts are recorded automatically" in response.content.decode()
    assert (
        LedgerEntry.objects.count() == 1
        and AuditEntry.objects.filter(action="ledger.entered").count() == 1
    )
