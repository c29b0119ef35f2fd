from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404

from solidaria.campaigns.models import public_campaign_q
from solidaria.core.rendering.money import Money, convert

from .models import Fund, LedgerEntry

# Suggested amounts (whole units) for currencies a fund gives none for.
DEFAULT_PRESETS = {
    "ARS": [10000, 25000, 50000, 100000],
    "USD": [10, 25, 50, 100],
    "EUR": [10, 25, 50, 100],
    "GBP": [10, 25, 50, 100],
    "BRL": [50, 100, 250, 500],
}


def fund_get_public(*, slug: str) -> Fund:
    queryset = Fund.objects.select_related("campaign__owner").filter(
        public_campaign_q(via="campaign")
    )
    return get_object_or_404(queryset, slug=slug)


def fund_presets(fund: Fund, currency: str) -> list[int]:
    """Suggested amounts in minor units."""
    from solidaria.core.rendering.money import minor_digits

    whole = (fund.suggested_amounts or {}).get(currency) or DEFAULT_PRESETS.get(currency, [])
    scale = 10 ** minor_digits(currency)
    return [int(Decimal(str(amount)) * scale) for amount in whole if Decimal(str(amount)) > 0]


@dataclass(frozen=True)
class CurrencyTotal:
    raised: Money
    gifts: int
    counted: Money | None  # in the goal currency; None when no rate is set
    rate: Decimal | None


@dataclass(frozen=True)
class FundProgress:
    raised: Money  # in the goal currency, at the organisers' rates
    goal: Money
    gifts: int
    by_currency: list[CurrencyTotal]

    @property
    def percent(self) -> int:
        if self.goal.minor <= 0:
            return 0
        return min(100, self.raised.minor * 100 // self.goal.minor)

    @property
    def uncounted(self) -> list[str]:
        return [t.raised.currency for t in self.by_currency if t.counted is None]


def fund_progress(fund: Fund) -> FundProgress:
    rates = {rate.currency: rate.rate for rate in fund.rates.all()}
    by_currency = []
    raised = 0
    gifts = 0
    # Sorted here, not in SQL, so that a prefetched list (admin lists) is used as it is.
    for total in sorted(fund.totals.all(), key=lambda total: total.currency):
        if total.currency == fund.goal_currency:
            rate: Decimal | None = Decimal(1)
            counted: int | None = total.raised_minor
        else:
            rate = rates.get(total.currency)
            counted = (
                convert(total.raised_minor, total.currency, into=fund.goal_currency, rate=rate)
                if rate is not None
                else None
            )
        raised += counted or 0
        gifts += total.gifts
        by_currency.append(
            CurrencyTotal(
                raised=Money(total.raised_minor, total.currency),
                gifts=total.gifts,
                counted=Money(counted, fund.goal_currency) if counted is not None else None,
                rate=rate,
            )
        )
    return FundProgress(
        raised=Money(raised, fund.goal_currency),
        goal=fund.goal,
        gifts=gifts,
        by_currency=by_currency,
    )


@dataclass
class LedgerMonth:
    month: date
    currency: str
    income: int = 0
    gifts: int = 0
    expenses: int = 0
    balance: int = 0  # at the end of the month

    @property
    def income_money(self) -> Money:
        return Money(self.income, self.currency)

    @property
    def expenses_money(self) -> Money:
        return Money(self.expenses, self.currency)

    @property
    def balance_money(self) -> Money:
        return Money(self.balance, self.currency)


@dataclass
class PublicLedger:
    months: list[LedgerMonth] = field(default_factory=list)  # newest first
    expenses: list[LedgerEntry] = field(default_factory=list)  # newest first
    balances: list[Money] = field(default_factory=list)


def ledger_public(fund: Fund, *, expense_limit: int = 200) -> PublicLedger:
    """Approved entries only: income by month and currency, each expense, balances."""
    approved = LedgerEntry.objects.filter(fund=fund, approved_at__isnull=False)
    rows = (
        approved.annotate(month=TruncMonth("date"))
        .values("month", "currency", "kind")
        .annotate(total=Sum("amount_minor"), n=Count("pk"))
        .order_by("month", "currency", "kind")
    )
    months: dict[tuple[date, str], LedgerMonth] = {}
    for row in rows:
        key = (row["month"], row["currency"])
        month = months.setdefault(key, LedgerMonth(month=row["month"], currency=row["currency"]))
        if row["kind"] == LedgerEntry.Kind.INCOME:
            month.income += row["total"] or 0
            month.gifts += row["n"]
        else:
            month.expenses += row["total"] or 0
    running: dict[str, int] = defaultdict(int)
    for key in sorted(months):
        month = months[key]
        running[month.currency] += month.income - month.expenses
        month.balance = running[month.currency]
    expenses = list(
        approved.filter(kind=LedgerEntry.Kind.EXPENSE)
        .select_related("corrects")
        .order_by("-date", "-pk")[:expense_limit]
    )
    return PublicLedger(
        months=[months[key] for key in sorted(months, reverse=True)],
        expenses=expenses,
        balances=[Money(minor, currency) for currency, minor in sorted(running.items())],
    )
