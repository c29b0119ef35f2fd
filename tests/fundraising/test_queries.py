"""The public fund pages run a fixed number of queries, however many ledger entries,
currencies and rates a fund has (STYLE.md, rule 4)."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from solidaria.core.ledger.services import ledger_entry_approve, ledger_entry_reverse
from solidaria.fundraising.models import ExchangeRate, FundTotal, LedgerEntry
from solidaria.fundraising.services import (
    ledger_entry_create,
)
from tests import factories

pytestmark = pytest.mark.django_db


def _get_fresh(client: Client, url: str) -> str:
    caches["pages"].clear()  # measure the page, not the anonymous page cache
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _fund_with(entries: int):
    fund = factories.FundFactory(currencies=["USD", "EUR", "ARS"])
    alice, bob = factories.UserFactory(), factories.UserFactory()
    FundTotal.objects.create(fund=fund, currency="USD", raised_minor=100_00, gifts=3)
    FundTotal.objects.create(fund=fund, currency="EUR", raised_minor=50_00, gifts=1)
    ExchangeRate.objects.create(fund=fund, currency="EUR", rate="1.1")
    today = timezone.localdate()
    for n in range(entries):
        entry = ledger_entry_approve(
            entry=ledger_entry_create(
                fund=fund,
                kind=LedgerEntry.Kind.EXPENSE,
                entry_date=today - datetime.timedelta(days=40 * n),
                amount_minor=1000 + n,
                currency="USD" if n % 2 else "EUR",
                category=LedgerEntry.Category.LEGAL_FEES,
                description={"en": f"Expense number {n}", "es": f"Gasto {n}"},
                private_details="",
                actor=alice,
            ),
            actor=bob,
        )
        if n % 3 == 0:  # corrections show the entry they correct
            ledger_entry_approve(
                entry=ledger_entry_reverse(entry=entry, actor=alice, reason="typed twice"),
                actor=bob,
            )
    return fund


@pytest.mark.parametrize("entries", [1, 20])
def test_fund_page_runs_a_fixed_number_of_queries(
    client: Client, django_assert_num_queries, entries: int
) -> None:
    fund = _fund_with(entries)
    _get_fresh(client, f"/en/funds/{fund.slug}/")  # publishes the consent wording once

    # fund+campaign+owner, rates, totals, consent wording
    with django_assert_num_queries(4):
        html = _get_fresh(client, f"/en/funds/{fund.slug}/")
    assert "$100.00" in html


@pytest.mark.parametrize("entries", [1, 20])
def test_ledger_page_runs_a_fixed_number_of_queries(
    client: Client, django_assert_num_queries, entries: int
) -> None:
    fund = _fund_with(entries)

    # fund+campaign+owner, months, expenses with the entries they correct, rates, totals
    with django_assert_num_queries(5):
        html = _get_fresh(client, f"/en/funds/{fund.slug}/ledger/")
    assert html.count("Expense number") == entries
    assert html.count("Corrects the entry of") == len(range(0, entries, 3))
