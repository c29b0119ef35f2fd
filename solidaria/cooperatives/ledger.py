"""A buying round's ledger: what came in from the orders, what was paid to each
cooperative, what the round cost (shipping, bank fees, customs). The same
mechanism as a fund's ledger (core.ledger): entries are typed by one organiser and
count once another approves them; a mistake is corrected by a reversing entry,
never by changing the entry. Every write is audited (core.privacy.audit).

Amounts are in the round's currency; a payment to a cooperative also says what
arrived in pesos, at the round's stated exchange rate unless typed.

Reads for the console's summary (`round_ledger_totals`: approved totals beside
what was ordered and paid, and per cooperative what was paid against what was
ordered from it) and for the round's public ledger page (`round_ledger_public`)
are at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import User
from django.core.files import File
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from i18nfield.strings import LazyI18nString

from solidaria.core.ledger import services as ledger
from solidaria.core.rendering.money import Money

from .documents import RoundSummary
from .exceptions import LedgerError
from .models import Cooperative, Order, Round, RoundLedgerEntry

Kind = RoundLedgerEntry.Kind


def round_ledger_entry_check(
    *,
    round: Round,
    kind: str,
    category: str,
    entry_date: date,
    amount_minor: int,
    cooperative: Cooperative | None = None,
    amount_pesos_minor: int | None = None,
    corrects: RoundLedgerEntry | None = None,
) -> None:
    """The rules an entry typed by an organiser must keep: every ledger's
    (core.ledger), then the round's. Raises `LedgerError` naming the field at fault."""
    ledger.ledger_entry_check(
        entry_date=entry_date, amount_minor=amount_minor, book_id=round.pk, corrects=corrects
    )
    if kind not in Kind.values:
        raise LedgerError(_("Choose what kind of entry this is."), field="kind")
    if category not in RoundLedgerEntry.KIND_CATEGORIES[Kind(kind)]:
        raise LedgerError(_("This category does not go with that kind of entry."), field="category")
    if kind != Kind.PAYMENT:
        if cooperative is not None:
            raise LedgerError(_("Only a payment to a cooperative names one."), field="cooperative")
        if amount_pesos_minor is not None:
            raise LedgerError(
                _("Only a payment to a cooperative has an amount in pesos."),
                field="amount_pesos",
            )
        return
    if cooperative is None:
        raise LedgerError(_("Say which cooperative was paid."), field="cooperative")
    if not round.items.filter(product__cooperative=cooperative).exists():
        raise LedgerError(
            _("This round offers nothing from that cooperative."), field="cooperative"
        )
    if amount_pesos_minor is not None and (amount_pesos_minor < 0) != (amount_minor < 0):
        raise LedgerError(
            _("The amount in pesos goes the same way as the amount."), field="amount_pesos"
        )


def round_ledger_entry_create(
    *,
    round: Round,
    kind: str,
    category: str,
    entry_date: date,
    amount_minor: int,
    description: dict[str, str] | LazyI18nString,
    cooperative: Cooperative | None = None,
    amount_pesos_minor: int | None = None,
    private_details: str = "",
    show_details_publicly: bool = False,
    receipt: File[bytes] | None = None,
    actor: User,
) -> RoundLedgerEntry:
    """An entry typed by an organiser, in the round's currency. It counts, and is
    public, once another organiser approves it. A payment to a cooperative without
    an amount in pesos is counted at the round's exchange rate."""
    round_ledger_entry_check(
        round=round,
        kind=kind,
        category=category,
        entry_date=entry_date,
        amount_minor=amount_minor,
        cooperative=cooperative,
        amount_pesos_minor=amount_pesos_minor,
    )
    if kind == Kind.PAYMENT and amount_pesos_minor is None:
        amount_pesos_minor = round.to_pesos(amount_minor).minor
    entry = RoundLedgerEntry(
        round=round,
        kind=kind,
        category=category,
        date=entry_date,
        amount_minor=amount_minor,
        currency=round.currency,
        cooperative=cooperative,
        amount_pesos_minor=amount_pesos_minor,
        description=description,
        private_details=private_details,
        show_details_publicly=show_details_publicly,
    )
    return ledger.ledger_entry_record(entry=entry, actor=actor, receipt=receipt)


# --- reads --------------------------------------------------------------------------------


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


def round_get_public(*, slug: str) -> Round:
    return get_object_or_404(
        Round.objects.select_related("organisation").filter(published=True), slug=slug
    )


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
