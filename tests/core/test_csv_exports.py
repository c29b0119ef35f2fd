"""Every CSV export neutralises cells a spreadsheet would run as a formula, in every column."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client

from solidaria.core.rendering.csvstream import csv_lines, spreadsheet_safe
from solidaria.events.services import rsvp_create
from solidaria.fundraising.models import Donation
from solidaria.fundraising.services import pledge_create
from solidaria.organisations.models import Membership
from solidaria.petitions.models import Signature
from solidaria.petitions.services import signature_create
from tests import factories

pytestmark = pytest.mark.django_db

# Valid addresses and names that a spreadsheet would read as formulas.
HOSTILE = ["=1+2@example.org", "+cmd@example.org", "@SUM(1)@example.org", "-2+3@example.org"]
HOSTILE_NAMES = ["=1+2", "+cmd", "@SUM(1)", "-2+3"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2@example.org", "'=1+2@example.org"),
        ("+cmd", "'+cmd"),
        ("@SUM(1)", "'@SUM(1)"),
        ("-2+3", "'-2+3"),
        ("\t=1+2", "'\t=1+2"),
        ("\r=1+2", "'\r=1+2"),
        ("  =1+2", "'  =1+2"),  # some spreadsheets drop leading spaces first
        ("\uff1d1+2", "'\uff1d1+2"),
        ("+54 11 4321 0000", "'+54 11 4321 0000"),
        ("-12.50", "-12.50"),  # a negative amount stays a number
        ("25.00", "25.00"),
        ("Ana María", "Ana María"),
        ("ana@example.org", "ana@example.org"),
        ("a=b", "a=b"),
        ("", ""),
        ("'=1+2", "'=1+2"),  # already neutral: not escaped twice
    ],
)
def test_spreadsheet_safe(value: str, expected: str) -> None:
    assert spreadsheet_safe(value) == expected


def test_the_csv_writer_neutralises_formula_cells_and_keeps_numbers() -> None:
    lines = list(csv_lines(["name", "n"], [["=1+2", -3], ["+cmd", Decimal("-2.50")], [None, True]]))
    rows = list(csv.reader(io.StringIO("".join(lines))))
    assert rows == [["name", "n"], ["'=1+2", "-3"], ["'+cmd", "-2.50"], ["", "True"]]


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response.streaming
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def _login(client: Client, organisation) -> Client:
    membership = factories.MembershipFactory(
        organisation=organisation, role=Membership.Role.ORGANISER
    )
    client.force_login(membership.user)
    return client


def test_petition_export_neutralises_emails_and_names(client: Client) -> None:
    petition = factories.PetitionFactory()
    for i, (name, email) in enumerate(zip(HOSTILE_NAMES, HOSTILE, strict=True)):
        signature_create(
            petition=petition,
            name=name,
            email=email,
            country="AR",
            language="en",
            ip=f"10.0.0.{i}",
            show_publicly=True,
            source="",
            comment="",
            city="-Rosario",
        )
    Signature.objects.update(status=Signature.Status.CONFIRMED, confirmed_at="2026-11-20T10:00Z")
    client = _login(client, petition.campaign.owner)
    rows = _rows(client.get(f"/admin/petitions/petition/{petition.pk}/export.csv"))
    assert sorted(row[1] for row in rows[1:]) == sorted("'" + email for email in HOSTILE)
    assert sorted(row[0] for row in rows[1:]) == sorted("'" + name for name in HOSTILE_NAMES)
    assert {row[2] for row in rows[1:]} == {"'-Rosario"}
    assert {row[3] for row in rows[1:]} == {"AR"}  # ordinary values untouched


def test_donation_export_neutralises_emails_and_keeps_amounts_numeric(client: Client) -> None:
    fund = factories.FundFactory()
    for name, email in zip(HOSTILE_NAMES, HOSTILE, strict=True):
        pledge_create(
            fund=fund,
            amount_minor=2500,
            currency="USD",
            name=name,
            email=email,
            consent_owner=True,
            language="en",
        )
    client = _login(client, fund.campaign.owner)
    ids = list(Donation.objects.values_list("pk", flat=True))
    rows = _rows(
        client.post(
            "/admin/fundraising/donation/", {"action": "export_csv", "_selected_action": ids}
        )
    )
    header = rows[0]
    emails = [row[header.index("email")] for row in rows[1:]]
    names = [row[header.index("name")] for row in rows[1:]]
    assert sorted(emails) == sorted("'" + email for email in HOSTILE)
    assert sorted(names) == sorted("'" + name for name in HOSTILE_NAMES)
    assert {row[header.index("amount")] for row in rows[1:]} == {"25.00"}
    assert {row[header.index("refunded")] for row in rows[1:]} == {"0.00"}


def test_attendee_export_neutralises_emails_and_names(client: Client) -> None:
    event = factories.EventFactory(capacity=None)
    for name, email in zip(HOSTILE_NAMES, HOSTILE, strict=True):
        rsvp_create(event=event, name=name, email=email, phone="+54 11 4321", language="es")
    client = _login(client, event.campaign.owner)
    rows = _rows(client.get(f"/admin/events/event/{event.pk}/export.csv"))
    assert rows[0][:3] == ["name", "email", "phone"]
    assert sorted(row[1] for row in rows[1:]) == sorted("'" + email for email in HOSTILE)
    assert sorted(row[0] for row in rows[1:]) == sorted("'" + name for name in HOSTILE_NAMES)
    assert {row[2] for row in rows[1:]} == {"'+54 11 4321"}
    assert {row[3] for row in rows[1:]} == {"0"}  # guests: a number, as it was
