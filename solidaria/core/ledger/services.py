"""What every ledger does with its entries: the rules all entries keep, recording an
entry typed by an organiser, approval by a second organiser, and reversal. Each
ledger's own services check their own rules first, then call these."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from django.contrib.auth.models import User
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from solidaria.core.privacy.audit import audit_log
from solidaria.core.rendering.i18n import in_every_language

from .exceptions import LedgerError
from .models import LedgerEntryBase

_EntryT = TypeVar("_EntryT", bound=LedgerEntryBase)


def ledger_entry_check(
    *,
    entry_date: date,
    amount_minor: int,
    book_id: int | None,
    corrects: LedgerEntryBase | None = None,
) -> None:
    """The rules every entry typed by an organiser keeps, whatever the ledger.
    Raises `LedgerError` naming the field at fault, so that a form can show the
    refusal beside it."""
    if amount_minor == 0:
        raise LedgerError(_("An entry needs an amount."), field="amount")
    if corrects is None and amount_minor < 0:
        raise LedgerError(
            _("Amounts are positive; to correct an entry, use “Correct”."), field="amount"
        )
    if corrects is not None and corrects.book_id != book_id:
        raise LedgerError(str(corrects.other_book_message), field="corrects")
    if entry_date > timezone.localdate():
        raise LedgerError(_("An entry cannot be dated in the future."), field="date")


def ledger_entry_record(
    *, entry: _EntryT, actor: User, receipt: File[bytes] | None = None
) -> _EntryT:
    """Stores an entry typed by `actor` (checked by its ledger's rules), with its
    receipt and its audit entry. It waits for another organiser's approval."""
    with transaction.atomic():
        entry.created_by = actor
        if receipt:
            entry.receipt = receipt
        entry.save()
        audit_log(
            action="ledger.entered",
            actor=actor,
            obj=entry,
            organisation=entry.organisation(),
            data={
                "kind": entry.kind,
                "amount_minor": entry.amount_minor,
                "currency": entry.currency,
            },
        )
    return entry


def ledger_entry_approve(*, entry: _EntryT, actor: User) -> _EntryT:
    """Four eyes: whoever entered an entry cannot approve it. Approving an approved
    entry again changes nothing."""
    with transaction.atomic():
        locked = type(entry)._default_manager.select_for_update().get(pk=entry.pk)
        if locked.approved_at is not None:
            return locked
        if locked.created_by_id is not None and locked.created_by_id == actor.pk:
            raise LedgerError(_("Another organiser must approve what you entered."))
        locked.approved_by = actor
        locked.approved_at = timezone.now()
        locked.save(update_fields=["approved_by", "approved_at"])
        audit_log(
            action="ledger.approved",
            actor=actor,
            obj=locked,
            organisation=locked.organisation(),
        )
    return locked


def ledger_entry_reverse(*, entry: _EntryT, actor: User, reason: str) -> _EntryT:
    """Takes an entry back with a new entry of the opposite amount, which itself
    waits for a second organiser. The original stays, as accounts require."""
    if (refusal := entry.reversal_refusal()) is not None:
        raise LedgerError(str(refusal))
    model = type(entry)
    with transaction.atomic():
        # Held while the reversal is written: the same entry reversed twice at
        # once (a double click) is reversed once.
        list(model._default_manager.select_for_update().filter(pk=entry.pk).values_list("pk"))
        if model._default_manager.filter(corrects=entry, amount_minor=-entry.amount_minor).exists():
            raise LedgerError(_("This entry has already been reversed."))
        reversal = entry.reversing_entry(
            entry_date=timezone.localdate(),
            description=(
                in_every_language(gettext_noop("Correction: %(reason)s"), reason=reason)
                if reason
                else in_every_language(gettext_noop("Correction"))
            ),
        )
        ledger_entry_check(
            entry_date=reversal.date,
            amount_minor=reversal.amount_minor,
            book_id=reversal.book_id,
            corrects=entry,
        )
        return ledger_entry_record(entry=reversal, actor=actor)
