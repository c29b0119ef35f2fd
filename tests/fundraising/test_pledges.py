"""Bank-transfer pledges: the fund page, the pledge, and marking it received."""

from __future__ import annotations

import re
import string
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils.html import escape
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


TOO_OLD = "This form is too old. Please check your details and send it again."
NOT_TAKEN = "This fund does not take gifts in that currency."


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"amount": "0"}, "amount", "The amount must be more than zero."),
        ({"amount": "-10"}, "amount", "The amount must be more than zero."),
        ({"amount": "99999999999999999"}, "amount", "That amount is too large."),
        ({"amount": "ten"}, "amount", "Write the amount as a number, for example 25.50."),
        ({"amount": "25.555"}, "amount", "USD amounts have at most 2 decimals."),
        ({"amount": "", "preset": ""}, "amount", "Choose an amount or write one."),
        ({"currency": "XYZ"}, "currency", NOT_TAKEN),
        ({"currency": "JPY"}, "currency", NOT_TAKEN),
        (
            {"method": "cash"},
            "method",
            "Select a valid choice. cash is not one of the available choices.",
        ),
        (  # not configured
            {"method": "card"},
            "method",
            "Select a valid choice. card is not one of the available choices.",
        ),
        ({"email": "not-an-address"}, "email", "Enter a valid email address."),
        ({"name": ""}, "name", "Write your name, or give anonymously."),
        ({"form_token": "forged"}, "__all__", TOO_OLD),
        (  # monthly is by card only, and the choice is not even offered
            {"frequency": "monthly"},
            "frequency",
            "Select a valid choice. monthly is not one of the available choices.",
        ),
    ],
)
def test_bad_gifts_are_refused_with_a_message_and_nothing_stored(
    client: Client, fields: dict[str, str], field: str, message: str
) -> None:
    fund = factories.FundFactory()

    response = give(client, fund, **fields)

    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}
    # Fields shown on the page carry their error; hidden ones' errors go above the form.
    shown = (
        f'<div class="form-errors" role="alert"><p>{escape(message)}</p></div>'
        if field in ("__all__", "currency", "frequency")
        else f'<p class="error" role="alert">{escape(message)}</p>'
    )
    assert shown in response.content.decode()
    assert not Donation.objects.exists()


def test_a_forged_non_ascii_form_token_is_refused_as_too_old(client: Client) -> None:
    fund = factories.FundFactory()

    response = give(client, fund, form_token="ä")

    assert response.status_code == 400
    assert response.context["form"].errors == {"__all__": [TOO_OLD]}


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
    fund = factories.FundFactory(title={"es": "Fondo de fianzas", "en": "Bail fund"})
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
    assert [message.subject for message in mail.outbox] == [
        f"Your bank transfer to Bail fund: reference {donation.reference}",
        "Receipt for your gift to Bail fund",
    ]
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


simple_emails = st.builds(
    "{}@{}.org".format,
    st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=30),
    st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=30),
)
# Letters and marks only: nothing Django strips, nothing that reads as a number.
letters = st.characters(whitelist_categories=("L", "M"))
good_gifts = st.fixed_dictionaries(
    {
        "minor": st.integers(min_value=1, max_value=10**12),
        "currency": st.sampled_from(["ARS", "USD", "EUR", "BRL", "GBP"]),
        "name": st.text(alphabet=letters, min_size=1, max_size=120),
        "email": simple_emails,
    },
    optional={
        "consent_owner": st.sampled_from(["on", ""]),
        "anonymous": st.sampled_from(["on", ""]),
        "source": st.text(alphabet=string.ascii_letters + string.digits + "-_", max_size=64),
    },
)


def typed(minor: int) -> str:
    """`minor` cents as an English-speaking visitor types them: 1234 → "12.34"."""
    return f"{minor // 100}.{minor % 100:02d}"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(gift=good_gifts)
def test_any_well_formed_bank_gift_is_pledged_for_the_amount_typed(
    client: Client, gift: dict[str, Any]
) -> None:
    fund = factories.FundFactory()
    minor = gift.pop("minor")

    response = give(client, fund, **gift, amount=typed(minor))

    assert response.status_code == 302, response.content.decode()[:2000]
    donation = Donation.objects.get(fund=fund)
    assert (donation.amount_minor, donation.currency) == (minor, gift["currency"])
    assert donation.status == Donation.Status.PENDING


not_a_number = st.text(alphabet=letters, min_size=1, max_size=30)
bad_amounts = st.one_of(
    not_a_number.map(lambda v: (v, "Write the amount as a number, for example 25.50.")),
    st.integers(min_value=-(10**9), max_value=0).map(
        lambda v: (str(v), "The amount must be more than zero.")
    ),
    st.builds(
        "{}.{:02d}{}".format,
        st.integers(min_value=0, max_value=10**6),
        st.integers(min_value=0, max_value=99),
        st.integers(min_value=1, max_value=9),
    ).map(lambda v: (v, "USD amounts have at most 2 decimals.")),
    st.integers(min_value=10**11 + 1, max_value=10**20).map(
        lambda v: (str(v), "That amount is too large.")
    ),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(bad=bad_amounts)
def test_a_badly_typed_amount_is_refused_with_its_message(
    client: Client, bad: tuple[str, str]
) -> None:
    fund = factories.FundFactory()
    amount, message = bad

    response = give(client, fund, amount=amount)

    assert response.status_code == 400
    assert response.context["form"].errors == {"amount": [message]}
    assert f'<p class="error" role="alert">{escape(message)}</p>' in response.content.decode()
    assert not Donation.objects.filter(fund=fund).exists()
