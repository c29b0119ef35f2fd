"""Bank-transfer pledges: the fund page, the pledge, and marking it received."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solidaria.core.web.formguard import form_token
from solidaria.fundraising.models import Donation, Fund, FundTotal, LedgerEntry
from solidaria.fundraising.services import pledge_mark_received
from solidaria.supporters.models import ConsentRecord
from tests import factories
from tests.helpers import post_form

pytestmark = pytest.mark.django_db


def give(client: Client, fund: Fund, language: str = "en", **fields: Any):
    data = {
        "amount": "25",
        "currency": "USD",
        "method": "bank",
        "name": "Ana María Gómez",
        "email": "ana@example.org",
        "form_token": form_token(f"give:{fund.pk}"),
        **fields,
    }
    return post_form(client, f"/{language}/funds/{fund.slug}/give/", data)


def test_fund_page_offers_bank_transfers_and_hides_cards_without_stripe(client: Client) -> None:
    fund = factories.FundFactory()
    page = client.get(f"/en/funds/{fund.slug}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="bank"' in html and 'value="card"' not in html
    assert "?currency=ARS" in html  # the currency is chosen with plain links
    assert "$10.00" in html  # suggested amounts in the page's currency


def test_a_pledge_gives_the_reference_on_the_page_and_by_email(
    client: Client, django_capture_on_commit_callbacks, run_tasks
) -> None:
    fund = factories.FundFactory()
    response = give(client, fund, language="es", amount="1.500,50", currency="ARS")
    assert response.status_code == 302
    donation = Donation.objects.get()
    assert donation.amount_minor == 150050 and donation.currency == "ARS"
    assert donation.status == Donation.Status.PENDING
    assert re.fullmatch(r"DF-[2-9A-HJKMNP-TV-Z]{8}", donation.reference)
    page = client.get(response["Location"])
    assert page.status_code == 200 and "private" in page["Cache-Control"]
    assert donation.reference in page.content.decode()
    assert "CBU 0000003100010000000001" in page.content.decode()
    run_tasks()
    (message,) = mail.outbox
    assert donation.reference in message.subject and "CBU" in message.body
    assert message.extra_headers["Content-Language"] == "es"


@pytest.mark.parametrize(
    "fields",
    [
        {"amount": "0"},
        {"amount": "-10"},
        {"amount": "99999999999999999"},
        {"amount": "ten"},
        {"amount": "25.555"},
        {"amount": "", "preset": ""},
        {"currency": "XYZ"},
        {"currency": "JPY"},
        {"method": "cash"},
        {"method": "card"},  # not configured
        {"email": "not-an-address"},
        {"name": ""},
        {"form_token": "forged"},
        {"frequency": "monthly"},  # monthly is by card only
    ],
)
def test_bad_gifts_are_refused_with_a_message_and_nothing_stored(
    client: Client, fields: dict[str, str]
) -> None:
    fund = factories.FundFactory()
    response = give(client, fund, **fields)
    assert response.status_code == 400
    assert (
        'class="error"' in response.content.decode() or "form-errors" in response.content.decode()
    )
    assert not Donation.objects.exists()


def test_gifts_from_another_site_are_refused(client: Client) -> None:
    fund = factories.FundFactory()
    data = {"amount": "25", "currency": "USD", "method": "bank", "email": "a@b.org"}
    response = post_form(
        client, f"/en/funds/{fund.slug}/give/", data, origin="https://evil.example"
    )
    assert response.status_code == 403 and not Donation.objects.exists()


def test_closed_fund_and_honeypot_store_nothing(client: Client) -> None:
    fund = factories.FundFactory(is_open=False)
    assert give(client, fund).status_code == 400
    open_fund = factories.FundFactory()
    assert give(client, open_fund, website="http://spam").status_code == 302
    assert not Donation.objects.exists()


def test_anonymous_gifts_need_no_name_and_errors_speak_the_visitors_language(
    client: Client,
) -> None:
    fund = factories.FundFactory()
    assert give(client, fund, name="Ana", anonymous="on").status_code == 302
    donation = Donation.objects.get()
    assert donation.display_name == "Anonymous" and donation.name == ""
    response = give(client, fund, language="es", amount="cero")
    assert response.status_code == 400
    assert "Escribe el monto como un número" in response.content.decode()


def test_marking_received_counts_once_writes_the_ledger_and_sends_a_receipt(
    client: Client, run_tasks
) -> None:
    fund = factories.FundFactory()
    staff = factories.UserFactory()
    give(client, fund, consent_owner="on")
    donation = Donation.objects.get()
    assert pledge_mark_received(donation=donation, actor=staff)
    assert not pledge_mark_received(donation=donation, actor=staff)
    donation.refresh_from_db()
    assert donation.status == Donation.Status.SUCCEEDED and donation.received_by == staff
    total = FundTotal.objects.get(fund=fund)
    assert (total.raised_minor, total.gifts) == (2500, 1)
    entry = LedgerEntry.objects.get()
    assert entry.approved_at and entry.amount_minor == 2500 and entry.donation == donation
    assert "Ana" not in str(entry.description)
    assert ConsentRecord.objects.filter(supporter__isnull=False).count() == 1
    run_tasks()
    subjects = sorted(message.subject for message in mail.outbox)
    assert any("Receipt" in subject for subject in subjects)
    page = client.get(f"/en/funds/{fund.slug}/").content.decode()
    assert "$25.00" in page


def test_progress_counts_other_currencies_at_the_organisers_rates(client: Client) -> None:
    from decimal import Decimal

    from solidaria.fundraising.models import ExchangeRate
    from solidaria.fundraising.selectors import fund_progress

    fund = factories.FundFactory(goal_minor=10000)
    staff = factories.UserFactory()
    for amount, currency in (("10", "USD"), ("10.000", "ARS"), ("5", "EUR")):
        give(
            client,
            fund,
            language="es",
            amount=amount.replace(".", ",") if currency != "ARS" else amount,
            currency=currency,
        )
    for donation in Donation.objects.all():
        pledge_mark_received(donation=donation, actor=staff)
    ExchangeRate.objects.create(fund=fund, currency="ARS", rate=Decimal("0.001"))
    progress = fund_progress(fund)
    assert progress.raised.minor == 1000 + 1000  # EUR has no rate yet
    assert progress.uncounted == ["EUR"] and progress.percent == 20
    ExchangeRate.objects.create(fund=fund, currency="EUR", rate=Decimal("1.10"))
    assert fund_progress(fund).raised.minor == 1000 + 1000 + 550


def test_a_form_sent_twice_makes_one_pledge(client: Client, run_tasks) -> None:
    fund = factories.FundFactory()
    first, second = give(client, fund), give(client, fund)
    assert first["Location"] == second["Location"]
    assert Donation.objects.count() == 1
    run_tasks()
    assert len(mail.outbox) == 1
    give(client, fund, amount="30")  # a different gift is a new pledge
    assert Donation.objects.count() == 2


gift_fields = st.fixed_dictionaries(
    {},
    optional={
        "amount": st.one_of(st.text(max_size=40), st.sampled_from(["0", "-1", "1e9", "١٢"])),
        "preset": st.one_of(st.text(max_size=20), st.integers().map(str)),
        "currency": st.one_of(st.text(max_size=5), st.sampled_from(["USD", "ARS", "usd", ""])),
        "frequency": st.sampled_from(["once", "monthly", "weekly", ""]),
        "method": st.sampled_from(["bank", "card", "cash", ""]),
        "name": st.text(max_size=200),
        "email": st.one_of(st.text(max_size=60), st.emails().map(str)),
        "anonymous": st.sampled_from(["on", "", "yes"]),
        "consent_owner": st.sampled_from(["on", ""]),
        "website": st.sampled_from(["", "x"]),
        "source": st.text(max_size=80),
    },
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=gift_fields)
def test_give_form_fuzz(client: Client, data: dict[str, str]) -> None:
    fund = factories.FundFactory()
    data = {**data, "form_token": form_token(f"give:{fund.pk}")}
    response = post_form(client, f"/en/funds/{fund.slug}/give/", data)
    assert response.status_code in (302, 400)
    stored = Donation.objects.filter(fund=fund)
    if response.status_code == 400:
        assert not stored.exists()
    elif stored.exists():
        donation = stored.get()
        assert donation.amount_minor > 0 and donation.currency in fund.currencies
