"""The public ledger: four eyes, append-only corrections, and what stays private."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from solidaria.core.ledger.services import ledger_entry_approve, ledger_entry_reverse
from solidaria.fundraising.exceptions import LedgerError
from solidaria.fundraising.models import Donation, LedgerEntry
from solidaria.fundraising.services import (
    bank_statement_import,
    ledger_entry_create,
    pledge_create,
)
from tests import factories

pytestmark = pytest.mark.django_db


def _expense(fund, actor, amount=50000, entry_date=None, **fields):
    """A legal expense entered by `actor`; `fields` replace any of its other fields."""
    entry = {
        "kind": LedgerEntry.Kind.EXPENSE,
        "currency": "USD",
        "category": LedgerEntry.Category.LEGAL_FEES,
        "description": {
            "en": "Lawyer's fees, first hearing",
            "es": "Honorarios, primera audiencia",
        },
        "private_details": "Case 1234/2026, defendant Juan Pérez",
    }
    return ledger_entry_create(
        fund=fund,
        entry_date=entry_date or timezone.localdate(),
        amount_minor=amount,
        actor=actor,
        **{**entry, **fields},
    )


def test_an_expense_is_public_only_after_another_organiser_approves_it(client: Client) -> None:
    fund = factories.FundFactory()
    alice, bob = factories.UserFactory(), factories.UserFactory()
    entry = _expense(fund, alice)
    ledger_url = f"/en/funds/{fund.slug}/ledger/"
    assert "Lawyer" not in client.get(ledger_url).content.decode()
    with pytest.raises(LedgerError):
        ledger_entry_approve(entry=entry, actor=alice)
    ledger_entry_approve(entry=entry, actor=bob)
    from django.core.cache import caches

    caches["pages"].clear()
    page = client.get(ledger_url).content.decode()
    assert "<td>Lawyer&#x27;s fees, first hearing</td>" in page  # escaped as any text is
    assert "Juan Pérez" not in page and "1234/2026" not in page  # private unless chosen
    assert "-$500.00" in page  # the balance: no income yet


def test_corrections_are_new_entries_and_the_original_stays() -> None:
    fund = factories.FundFactory()
    alice, bob = factories.UserFactory(), factories.UserFactory()
    entry = ledger_entry_approve(entry=_expense(fund, alice), actor=bob)
    reversal = ledger_entry_reverse(entry=entry, actor=alice, reason="typed twice")
    assert reversal.amount_minor == -50000 and reversal.corrects == entry
    assert reversal.approved_at is None  # four eyes again
    assert LedgerEntry.objects.filter(pk=entry.pk, amount_minor=50000).exists()
    with pytest.raises(LedgerError):
        ledger_entry_reverse(entry=entry, actor=alice, reason="again")


def test_gift_entries_cannot_be_reversed_by_hand() -> None:
    from solidaria.fundraising.services import pledge_mark_received

    fund = factories.FundFactory()
    pledge = _pledge(fund)
    pledge_mark_received(donation=pledge, actor=factories.UserFactory())
    with pytest.raises(LedgerError):
        ledger_entry_reverse(entry=LedgerEntry.objects.get(), actor=None, reason="")


@pytest.mark.parametrize("amount", [0, -100])
def test_entries_need_a_positive_amount(amount: int) -> None:
    fund = factories.FundFactory()
    with pytest.raises(LedgerError):
        _expense(fund, factories.UserFactory(), amount=amount)


def test_ledger_groups_income_by_month_with_a_running_balance(client: Client) -> None:
    from solidaria.fundraising.selectors import ledger_public

    fund = factories.FundFactory()
    alice, bob = factories.UserFactory(), factories.UserFactory()
    for day, amount in ((datetime.date(2026, 9, 3), 10000), (datetime.date(2026, 10, 3), 5000)):
        income = ledger_entry_create(
            fund=fund,
            kind=LedgerEntry.Kind.INCOME,
            entry_date=day,
            amount_minor=amount,
            currency="USD",
            category=LedgerEntry.Category.OTHER,
            description={"en": "Collection at the solidarity festival"},
            actor=alice,
        )
        ledger_entry_approve(entry=income, actor=bob)
    expense = _expense(fund, alice, amount=3000, entry_date=datetime.date(2026, 11, 3))
    ledger_entry_approve(entry=expense, actor=bob)
    ledger = ledger_public(fund)
    assert [(m.month.month, m.income, m.expenses, m.balance) for m in ledger.months] == [
        (11, 0, 3000, 12000),
        (10, 5000, 0, 15000),
        (9, 10000, 0, 10000),
    ]
    assert [b.minor for b in ledger.balances] == [12000]


def _pledge(fund, amount_minor=2500, currency="USD"):
    return pledge_create(
        fund=fund,
        amount_minor=amount_minor,
        currency=currency,
        name="Ana",
        email="ana@example.org",
        language="es",
    )


def test_statement_import_matches_references_once(run_tasks) -> None:
    fund = factories.FundFactory()
    staff = factories.UserFactory()
    first, second, third = _pledge(fund), _pledge(fund, 100000, "ARS"), _pledge(fund, 3000)
    reference_in_lowercase = second.reference.replace("-", "").lower()
    statement = (
        "Fecha;Concepto;Importe\n"
        f"01/11/2026;TRANSF {first.reference} ANA;25,00\n"
        f"02/11/2026;transferencia {reference_in_lowercase};1.000,00\n"
        f"03/11/2026;{third.reference};31,00\n"
        "04/11/2026;COMISION BANCARIA;-1,20\n"
        "05/11/2026;DF-ZZZZZZZZ;10,00\n"
    ).encode("latin-1")
    result = bank_statement_import(fund=fund, data=statement, actor=staff)
    assert {d.pk for d in result.received} == {first.pk, second.pk}
    assert [(d.pk, amount) for d, amount in result.amount_differs] == [(third.pk, 3100)]
    assert result.unknown_references == ["DF-ZZZZZZZZ"] and result.rows_without_reference == 1
    again = bank_statement_import(fund=fund, data=statement, actor=staff)
    assert not again.received and len(again.already) == 2
    assert Donation.objects.filter(status=Donation.Status.SUCCEEDED).count() == 2
    assert LedgerEntry.objects.count() == 2


def test_a_broken_statement_marks_nothing() -> None:
    from solidaria.core.banking import StatementUnreadable

    fund = factories.FundFactory()
    pledge = _pledge(fund)
    # The first row matches; the second cannot be read (a field far too long): nothing is marked.
    huge = "x" * 200_000
    broken = f"Concepto,Importe\n{pledge.reference},25.00\n{huge},1\n".encode()
    with pytest.raises(StatementUnreadable):
        bank_statement_import(fund=fund, data=broken, actor=factories.UserFactory())
    pledge.refresh_from_db()
    assert pledge.status == Donation.Status.PENDING
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize("cell", ["Infinity", "-inf", "1E+999999999", "NaN", "12,34,56.7.8"])
def test_unreadable_statement_amounts_leave_the_pledge_for_a_person(cell: str) -> None:
    fund = factories.FundFactory()
    pledge = _pledge(fund)
    statement = f"Description;Amount\n{pledge.reference};{cell}\n".encode()
    result = bank_statement_import(fund=fund, data=statement, actor=factories.UserFactory())
    assert result.amount_differs == [(pledge, None)] and not result.received


def test_the_ledger_service_keeps_the_rules_the_admin_form_used_to() -> None:
    fund = factories.FundFactory()
    alice = factories.UserFactory()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for fields, refused_field in [
        ({"entry_date": tomorrow}, "date"),
        ({"currency": "JPY", "category": LedgerEntry.Category.TRAVEL}, "currency"),
        ({"kind": LedgerEntry.Kind.INCOME, "category": LedgerEntry.Category.GIFTS}, "category"),
    ]:
        with pytest.raises(LedgerError) as refused:
            _expense(fund, alice, amount=100, **fields)
        assert refused.value.field == refused_field, fields
    assert not LedgerEntry.objects.exists()
