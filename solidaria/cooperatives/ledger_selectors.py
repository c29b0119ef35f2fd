"""Reads of a buying round's ledger (its writes are `ledger`): for the console's
round summary, the approved totals beside what was ordered and paid, and per
cooperative what was paid against what was ordered from it (`round_ledger_totals`);
for the round's public ledger page, the approved entries (`round_ledger_public`).
Both in a fixed number of queries, pinned by tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from solidaria.core.rendering.money import Money

from .documents import RoundSummary
from .models import Cooperative, Order, Round, RoundLedgerEntry

Kind = RoundLedgerEntry.Kind


@dataclass(frozen=True)
class CooperativeAccount:
    """What a round ordered from one cooperative, and what the approved ledger says
    was paid to it."""

    cooperative: Cooperative
    ordered: Money
    ordered_pesos: Money
    paid: Money
    paid_pesos: Money

    @property
    def outstanding(self) -> Money:
        return Money(self.ordered.minor - self.paid.minor, self.ordered.currency)


@dataclass
class RoundLedgerTotals:
    """The approved ledger's totals beside what was ordered and paid by the buyers."""

    round: Round
    income: Money
    paid_to_cooperatives: Money
    expenses: Money
    waiting: int  # entries waiting for a second organiser
    orders_paid: Money  # what buyers have paid, by the orders' status
    cooperatives: list[CooperativeAccount] = field(default_factory=list)

    @property
    def balance(self) -> Money:
        minor = self.income.minor - self.paid_to_cooperatives.minor - self.expenses.minor
        return Money(minor, self.round.currency)

    @property
    def income_unrecorded(self) -> Money:
        """Paid by buyers but not yet in the approved ledger (negative: more recorded)."""
        return Money(self.orders_paid.minor - self.income.minor, self.round.currency)


PAID_STATUSES = (
    Order.Status.PAID,
    Order.Status.PACKED,
    Order.Status.COLLECTED,
    Order.Status.SHIPPED,
)


def round_ledger_totals(round: Round, *, summary: RoundSummary) -> RoundLedgerTotals:
    """The approved ledger of `round` by kind and cooperative (one query; one more
    only if a cooperative was paid that no purchase order names), with the summary's
    figures beside it."""
    approved = Q(approved_at__isnull=False)
    rows = list(
        RoundLedgerEntry.objects.filter(round=round)
        .order_by()
        .values("kind", "cooperative_id")
        .annotate(
            total=Sum("amount_minor", filter=approved),
            pesos=Sum("amount_pesos_minor", filter=approved),
            waiting=Count("pk", filter=Q(approved_at__isnull=True)),
        )
    )
    by_kind: dict[str, int] = {}
    paid: dict[int, tuple[int, int]] = {}
    for row in rows:
        by_kind[row["kind"]] = by_kind.get(row["kind"], 0) + (row["total"] or 0)
        if row["kind"] == Kind.PAYMENT and row["cooperative_id"] is not None:
            minor, pesos = paid.get(row["cooperative_id"], (0, 0))
            paid[row["cooperative_id"]] = (minor + (row["total"] or 0), pesos + (row["pesos"] or 0))
    currency = round.currency
    accounts = [
        CooperativeAccount(
            cooperative=po.cooperative,
            ordered=po.total,
            ordered_pesos=po.total_pesos,
            paid=Money(paid.get(po.cooperative.pk, (0, 0))[0], currency),
            paid_pesos=Money(paid.get(po.cooperative.pk, (0, 0))[1], "ARS"),
        )
        for po in summary.purchase_orders
    ]
    named = {po.cooperative.pk for po in summary.purchase_orders}
    others = [pk for pk in paid if pk not in named]
    if others:
        for cooperative in Cooperative.objects.filter(pk__in=others).order_by("name"):
            accounts.append(
                CooperativeAccount(
                    cooperative=cooperative,
                    ordered=Money(0, currency),
                    ordered_pesos=Money(0, "ARS"),
                    paid=Money(paid[cooperative.pk][0], currency),
                    paid_pesos=Money(paid[cooperative.pk][1], "ARS"),
                )
            )
    return RoundLedgerTotals(
        round=round,
        income=Money(by_kind.get(Kind.INCOME, 0), currency),
        paid_to_cooperatives=Money(by_kind.get(Kind.PAYMENT, 0), currency),
        expenses=Money(by_kind.get(Kind.EXPENSE, 0), currency),
        waiting=sum(row["waiting"] for row in rows),
        orders_paid=Money(
            sum(row.total.minor for row in summary.by_status if row.status in PAID_STATUSES),
            currency,
        ),
        cooperatives=accounts,
    )


@dataclass
class PublicRoundLedger:
    round: Round
    income: Money
    paid_to_cooperatives: Money
    expenses: Money
    # Payments and expenses, newest first; income only as its total (buyers are not named).
    entries: list[RoundLedgerEntry]

    @property
    def balance(self) -> Money:
        minor = self.income.minor - self.paid_to_cooperatives.minor - self.expenses.minor
        return Money(minor, self.round.currency)


def round_ledger_public(round: Round, *, limit: int = 200) -> PublicRoundLedger:
    """Approved entries only: the totals by kind, and each payment and expense with
    its public description (two queries)."""
    approved = RoundLedgerEntry.objects.filter(round=round, approved_at__isnull=False)
    totals = {
        row["kind"]: row["total"] or 0
        for row in approved.order_by().values("kind").annotate(total=Sum("amount_minor"))
    }
    entries = list(
        approved.exclude(kind=Kind.INCOME)
        .select_related("cooperative", "corrects")
        .order_by("-date", "-pk")[:limit]
    )
    currency = round.currency
    return PublicRoundLedger(
        round=round,
        income=Money(totals.get(Kind.INCOME, 0), currency),
        paid_to_cooperatives=Money(totals.get(Kind.PAYMENT, 0), currency),
        expenses=Money(totals.get(Kind.EXPENSE, 0), currency),
        entries=entries,
    )
