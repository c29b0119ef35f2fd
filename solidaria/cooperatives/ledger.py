"""A buying round's ledger: what came in from the orders, what was paid to each
cooperative, what the round cost (shipping, bank fees, customs). The same
mechanism as a fund's ledger (core.ledger): entries are typed by one organiser and
count once another approves them; a mistake is corrected by a reversing entry,
never by changing the entry. Every write is audited (core.privacy.audit).

Amounts are in the round's currency; a payment to a cooperative also says what
arrived in pesos, at the round's stated exchange rate unless typed.

The writes are here; the reads (the console summary's totals beside what was
ordered and paid, per cooperative, and the round's public ledger page) are in
`ledger_selectors`, as a fund's ledger is written by `fundraising.services` and
read by `fundraising.selectors`.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.core.files import File
from django.utils.translation import gettext as _
from i18nfield.strings import LazyI18nString

from solidaria.core.ledger import services as ledger

from .exceptions import LedgerError
from .models import Cooperative, Round, RoundLedgerEntry

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
