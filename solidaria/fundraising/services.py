"""Every change to funds, gifts and the ledger.

A gift is recorded as it is offered (a pledge, or a card payment on its way) and
counts once the money has arrived. Arrival, refunds and expenses each write a
ledger entry in the same transaction as the change they record, and keep the
fund's totals, so pages only read.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from i18nfield.strings import LazyI18nString

from solidaria.core.banking import Reconciliation, new_reference, statement_read
from solidaria.core.ledger import services as ledger
from solidaria.core.mail.outbox import email_queue
from solidaria.core.payments.client import card_payments_enabled
from solidaria.core.privacy import pii
from solidaria.core.privacy.audit import Actor, audit_log
from solidaria.core.privacy.tokens import new_token, token_hash
from solidaria.core.rendering.i18n import in_every_language, localize
from solidaria.core.rendering.money import format_money
from solidaria.organisations.selectors import contact_email_for
from solidaria.supporters.services import (
    consent_record_once,
    consent_text_at,
    supporter_acted,
    supporter_get_or_create,
)

from .exceptions import (
    FundClosed,
    GiftRefused,
    LedgerError,
    PaymentUnavailable,
)
from .models import Donation, Fund, FundTotal, LedgerEntry
from .payments import (
    checkout_session_create,
    subscription_amount_change,
    subscription_cancel,
)

# Bank references: see core.banking (the buying rounds use the same scheme).
REFERENCE_PREFIX = "DF"


# A pledge repeated within this time, same donor and amount, is the same pledge.
PLEDGE_REPEAT_WINDOW = timedelta(minutes=30)


def pledge_create(
    *,
    fund: Fund,
    amount_minor: int,
    currency: str,
    name: str,
    email: str,
    anonymous: bool = False,
    consent_owner: bool = False,
    language: str,
    source: str = "",
) -> Donation:
    """A promise to give by bank transfer, with the reference the donor writes on it.

    The bank details and the reference are shown on the next page and emailed."""
    if not fund.accepts_gifts or not localize(fund.bank_details, languages=["en"]):
        raise FundClosed(_("This fund does not take bank transfers at the moment."))
    if currency not in fund.currencies:
        raise GiftRefused(_("This fund does not take gifts in that currency."))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                # Pledges to one fund are made one at a time, so that the same form
                # sent twice (a double click, a reload) is found and is one pledge.
                Fund.objects.select_for_update().filter(pk=fund.pk).first()
                recent = (
                    Donation.objects.filter(
                        fund=fund,
                        method=Donation.Method.BANK,
                        status=Donation.Status.PENDING,
                        email_index=pii.email_index(email),
                        amount_minor=amount_minor,
                        currency=currency,
                        created_at__gte=timezone.now() - PLEDGE_REPEAT_WINDOW,
                    )
                    .order_by("-pk")
                    .first()
                )
                if recent is not None:
                    return recent
                donation = Donation.objects.create(
                    fund=fund,
                    method=Donation.Method.BANK,
                    frequency=Donation.Frequency.ONCE,
                    amount_minor=amount_minor,
                    currency=currency,
                    reference=new_reference(REFERENCE_PREFIX),
                    **_donor(name, email, anonymous, consent_owner, language, source),
                )
                email_queue(
                    to=email,
                    template="fundraising_pledge",
                    language=language,
                    context=_pledge_email_context(donation),
                    reply_to=_reply_to(fund, language),
                )
            return donation
        except IntegrityError:  # the same reference drawn twice: draw again
            continue
    raise RuntimeError("could not draw a free bank reference")


def card_gift_start(
    *,
    fund: Fund,
    amount_minor: int,
    currency: str,
    name: str,
    email: str,
    anonymous: bool,
    consent_owner: bool,
    language: str,
    source: str,
    monthly: bool,
) -> str:
    """Records a card gift as waiting and returns the Stripe Checkout address to send
    the donor to. It counts only when Stripe's webhook says the money arrived."""
    if not card_payments_enabled():
        raise PaymentUnavailable(_("Card payments are not available for this fund."))
    if not fund.accepts_gifts:
        raise FundClosed(_("This fund is closed: it no longer takes gifts."))
    if monthly and not fund.allow_monthly:
        raise PaymentUnavailable(_("This fund does not take monthly gifts."))
    with transaction.atomic():
        donation = Donation.objects.create(
            fund=fund,
            method=Donation.Method.CARD,
            frequency=Donation.Frequency.MONTHLY if monthly else Donation.Frequency.ONCE,
            amount_minor=amount_minor,
            currency=currency,
            **_donor(name, email, anonymous, consent_owner, language, source),
        )
    # Stripe is asked outside any transaction: no network call holds a lock.
    try:
        session = checkout_session_create(donation=donation)
    except PaymentUnavailable:
        with transaction.atomic():
            Donation.objects.filter(pk=donation.pk).update(status=Donation.Status.FAILED)
        raise
    with transaction.atomic():
        Donation.objects.filter(pk=donation.pk).update(stripe_session_id=session.id)
    return session.url


def _donor(
    name: str, email: str, anonymous: bool, consent_owner: bool, language: str, source: str
) -> dict[str, Any]:  # Any: Donation field values, passed on as **kwargs
    """What a gift records of its donor, however it is paid."""
    return {
        "name": name.strip(),
        "email": email.strip(),
        "email_index": pii.email_index(email),
        "anonymous": anonymous,
        "consent_owner": consent_owner,
        "language": language,
        "source": source[:64],
    }


def _reply_to(fund: Fund, language: str) -> str:
    return contact_email_for(fund.campaign.owner, language) or ""


def _pledge_email_context(donation: Donation) -> dict[str, object]:
    fund = donation.fund
    languages = fund.campaign.languages
    return {
        "fund_title": str(localize(fund.title, languages=languages, requested=donation.language)),
        "amount": format_money(
            donation.amount_minor, donation.currency, language=donation.language
        ),
        "reference": donation.reference,
        "bank_details": str(
            localize(fund.bank_details, languages=languages, requested=donation.language)
        ),
        "fund_url": _url_in(donation.language, "fundraising:detail", slug=fund.slug),
    }


def _total_add(fund: Fund, currency: str, minor: int, gifts: int) -> None:
    updated = FundTotal.objects.filter(fund=fund, currency=currency).update(
        raised_minor=F("raised_minor") + minor, gifts=F("gifts") + gifts
    )
    if not updated:
        FundTotal.objects.create(fund=fund, currency=currency, raised_minor=minor, gifts=gifts)


def _record_arrival(donation: Donation, *, actor: Actor, amount_minor: int | None = None) -> None:
    """The money is in: the gift counts, the ledger says so, the donor gets a receipt."""
    now = timezone.now()
    if amount_minor is not None:
        donation.amount_minor = amount_minor
    donation.status = Donation.Status.SUCCEEDED
    donation.succeeded_at = now
    donation.received_by = actor if actor is not None and actor.is_authenticated else None
    donation.save(update_fields=["status", "succeeded_at", "received_by", "amount_minor"])
    _total_add(donation.fund, donation.currency, donation.amount_minor, 1)
    LedgerEntry.objects.create(
        fund=donation.fund,
        kind=LedgerEntry.Kind.INCOME,
        date=timezone.localdate(now),
        amount_minor=donation.amount_minor,
        currency=donation.currency,
        category=LedgerEntry.Category.GIFTS,
        description=in_every_language(_gift_description(donation)),
        donation=donation,
        approved_at=now,  # the money is in the account: nothing for a second person to check
    )
    _link_supporter(donation)
    manage_url = ""
    # Only the record that started a monthly gift (from Checkout) carries the link;
    # later months are records of money that arrived, never to be changed.
    if (
        donation.frequency == Donation.Frequency.MONTHLY
        and donation.stripe_session_id
        and not donation.manage_token_hash
    ):
        token, donation.manage_token_hash = new_token()
        donation.save(update_fields=["manage_token_hash"])
        with translation.override(donation.language):
            manage_url = reverse("fundraising:manage", kwargs={"token": token})
    email_queue(
        to=donation.email,
        template="fundraising_receipt",
        language=donation.language,
        context={
            "fund_title": str(
                localize(
                    donation.fund.title,
                    languages=donation.fund.campaign.languages,
                    requested=donation.language,
                )
            ),
            "amount": format_money(
                donation.amount_minor, donation.currency, language=donation.language
            ),
            "method": donation.method,
            "monthly": donation.frequency == Donation.Frequency.MONTHLY,
            "date": now.date().isoformat(),
            "gift_number": donation.pk,
            "ledger_url": _url_in(donation.language, "fundraising:ledger", slug=donation.fund.slug),
            "manage_url": manage_url,
        },
        reply_to=_reply_to(donation.fund, donation.language),
    )


def _url_in(language: str, name: str, **kwargs: str) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def _gift_description(donation: Donation) -> str:
    if donation.method == Donation.Method.BANK:
        return gettext_noop("Gift by bank transfer")
    if donation.frequency == Donation.Frequency.MONTHLY:
        return gettext_noop("Monthly gift by card")
    return gettext_noop("Gift by card")


def _link_supporter(donation: Donation) -> None:
    """A gift that arrived is one of the donor's actions, consent or not. An anonymous
    donor's name stays on the gift only: organisers do not see it on their record."""
    supporter, _created = supporter_get_or_create(
        email=donation.email,
        name="" if donation.anonymous else donation.name,
        language=donation.language,
    )
    if donation.supporter_id is None:
        donation.supporter = supporter
        donation.save(update_fields=["supporter"])
    supporter_acted(
        supporter=supporter,
        organisation_id=donation.fund.campaign.owner_id,
        at=donation.succeeded_at or donation.created_at,
    )
    if donation.consent_owner:
        consent_record_once(
            supporter=supporter,
            consent_text=consent_text_at(donation.fund.campaign.owner, donation.created_at),
            language=donation.language,
            source=f"fund:{donation.fund.slug}",
        )


def pledge_mark_received(
    *, donation: Donation, actor: Actor, amount_minor: int | None = None
) -> bool:
    """Marks a bank pledge as arrived. False if it was already received or is not a
    waiting pledge, so marking twice (one by one, then by a statement) counts once."""
    with transaction.atomic():
        locked = (
            Donation.objects.select_for_update()
            .select_related("fund__campaign__owner")
            .get(pk=donation.pk)
        )
        if locked.method != Donation.Method.BANK or locked.status != Donation.Status.PENDING:
            return False
        _record_arrival(locked, actor=actor, amount_minor=amount_minor)
        audit_log(
            action="donation.received",
            actor=actor,
            obj=locked,
            organisation=locked.fund.campaign.owner,
            data={"amount_minor": locked.amount_minor, "currency": locked.currency},
        )
    donation.refresh_from_db()
    return True


def pledge_cancel(*, donation: Donation, actor: Actor) -> bool:
    with transaction.atomic():
        updated = Donation.objects.filter(
            pk=donation.pk, method=Donation.Method.BANK, status=Donation.Status.PENDING
        ).update(status=Donation.Status.CANCELLED, cancelled_at=timezone.now())
        if updated:
            audit_log(
                action="donation.cancelled",
                actor=actor,
                obj=donation,
                organisation=donation.fund.campaign.owner,
            )
    return bool(updated)


def bank_statement_import(*, fund: Fund, data: bytes, actor: Actor) -> Reconciliation[Donation]:
    """Marks received every waiting pledge whose reference appears in a bank statement.

    Any CSV will do (core.banking): the reference is looked for in every cell; a
    column named amount (importe, monto, Betrag…) is compared with the pledge and,
    when they differ, the pledge is listed for an organiser to check instead."""
    statement = statement_read(data, prefix=REFERENCE_PREFIX)
    result = Reconciliation[Donation](rows_without_reference=statement.rows_without_reference)
    with transaction.atomic():  # a file that breaks half-way marks nothing
        pledges = {
            donation.reference: donation
            for donation in Donation.objects.filter(
                fund=fund, reference__in=[line.reference for line in statement.lines]
            )
        }
        for line in statement.lines:
            donation = pledges.get(line.reference)
            waiting = donation is not None and donation.status == Donation.Status.PENDING
            if not result.to_mark(
                line,
                donation,
                waiting=waiting,
                expected_minor=donation.amount_minor if donation else 0,
                currency=donation.currency if donation else "",
            ):
                continue
            assert donation is not None
            if pledge_mark_received(donation=donation, actor=actor):
                result.received.append(donation)
            else:
                result.already.append(donation)
    audit_log(
        action="fund.statement_imported",
        actor=actor,
        obj=fund,
        organisation=fund.campaign.owner,
        data=result.counts(),
    )
    return result


def _donation_locked(donation: Donation) -> Donation:
    """The gift re-read under a row lock, so that two deliveries about one payment
    are applied one after the other (cheap when the caller holds the lock already)."""
    return (
        Donation.objects.select_for_update()
        .select_related("fund__campaign__owner")
        .get(pk=donation.pk)
    )


def donation_arrived(*, donation: Donation) -> bool:
    """A card payment Stripe reports as paid. False if it was counted already."""
    with transaction.atomic():
        donation = _donation_locked(donation)
        if donation.status != Donation.Status.PENDING:
            return False
        _record_arrival(donation, actor=None)
        audit_log(
            action="donation.received",
            obj=donation,
            organisation=donation.fund.campaign.owner,
            data={"amount_minor": donation.amount_minor, "currency": donation.currency},
        )
    return True


def donation_stripe_ids_record(
    *,
    donation: Donation,
    customer_id: str,
    subscription_id: str,
    payment_intent_id: str,
    invoice_id: str,
) -> None:
    """What Stripe named a finished Checkout by: later events find the gift by these."""
    with transaction.atomic():
        donation.stripe_customer_id = customer_id
        donation.stripe_subscription_id = subscription_id
        donation.stripe_payment_intent_id = payment_intent_id
        # A monthly gift's first month is paid by an invoice: refunds find it by that.
        donation.stripe_invoice_id = invoice_id or None
        donation.save(
            update_fields=[
                "stripe_customer_id",
                "stripe_subscription_id",
                "stripe_payment_intent_id",
                "stripe_invoice_id",
            ]
        )


def donation_payment_failed(*, donation: Donation) -> bool:
    """A delayed card payment that did not go through. False if it was not waiting."""
    with transaction.atomic():
        updated = Donation.objects.filter(pk=donation.pk, status=Donation.Status.PENDING).update(
            status=Donation.Status.FAILED
        )
        if updated:
            audit_log(
                action="donation.failed", obj=donation, organisation=donation.fund.campaign.owner
            )
    return bool(updated)


def donation_checkout_expired(*, donation: Donation) -> bool:
    """The donor left Checkout without paying. False if the gift was not waiting."""
    with transaction.atomic():
        updated = Donation.objects.filter(pk=donation.pk, status=Donation.Status.PENDING).update(
            status=Donation.Status.CANCELLED, cancelled_at=timezone.now()
        )
    return bool(updated)


def monthly_ended(*, donation: Donation) -> bool:
    """Stripe stopped a monthly gift (its retries ran out, or it was cancelled there).
    False if it had already ended here, e.g. by the donor's own cancellation."""
    return _monthly_end(donation=donation, action="donation.monthly_ended")


def _monthly_end(*, donation: Donation, action: str, actor: Actor = None, **data: object) -> bool:
    """Marks a monthly gift ended here, once, with its audit entry."""
    with transaction.atomic():
        updated = Donation.objects.filter(pk=donation.pk, cancelled_at__isnull=True).update(
            cancelled_at=timezone.now()
        )
        if updated:
            audit_log(
                action=action,
                actor=actor,
                obj=donation,
                organisation=donation.fund.campaign.owner,
                data=data or None,
            )
    return bool(updated)


def _child_of(parent: Donation, **fields: Any) -> Donation:  # Any: Donation field values
    """One month's payment of a monthly gift, as its own record."""
    return Donation.objects.create(
        fund=parent.fund,
        method=Donation.Method.CARD,
        frequency=Donation.Frequency.MONTHLY,
        name=parent.name,
        email=parent.email,
        email_index=parent.email_index,
        anonymous=parent.anonymous,
        consent_owner=False,  # recorded once, with the first payment
        language=parent.language,
        source=parent.source,
        stripe_subscription_id=parent.stripe_subscription_id,
        stripe_customer_id=parent.stripe_customer_id,
        supporter=parent.supporter,
        **fields,
    )


def monthly_payment_received(
    *, parent: Donation, amount_minor: int, currency: str, payment_intent: str, invoice_id: str
) -> Donation | None:
    """A later month of a monthly gift. None if there was nothing to count, or this
    invoice was counted already."""
    if amount_minor <= 0 or (
        invoice_id and Donation.objects.filter(stripe_invoice_id=invoice_id).exists()
    ):
        return None
    child = _child_of(
        parent,
        amount_minor=amount_minor,
        currency=currency,
        stripe_payment_intent_id=payment_intent,
        stripe_invoice_id=invoice_id or None,
    )
    _record_arrival(child, actor=None)
    audit_log(
        action="donation.received",
        obj=child,
        organisation=parent.fund.campaign.owner,
        data={"amount_minor": amount_minor, "currency": currency, "monthly_of": parent.pk},
    )
    return child


def monthly_payment_failed(
    *, parent: Donation, amount_minor: int, currency: str, invoice_id: str
) -> Donation | None:
    if invoice_id and Donation.objects.filter(stripe_invoice_id=invoice_id).exists():
        return None  # Stripe retries an invoice: one record for it
    child = _child_of(
        parent,
        amount_minor=amount_minor,
        currency=currency,
        status=Donation.Status.FAILED,
        stripe_invoice_id=invoice_id or None,
    )
    audit_log(
        action="donation.monthly_failed",
        obj=child,
        organisation=parent.fund.campaign.owner,
        data={"monthly_of": parent.pk},
    )
    return child


def _income_entry(donation: Donation) -> LedgerEntry | None:
    return LedgerEntry.objects.filter(donation=donation).first()


def _money_moved(donation: Donation, minor: int, *, gifts: int, description: str) -> None:
    """Money that left the fund again (negative: refund, dispute) or came back:
    the ledger and the totals say so, pointing at the gift's own entry."""
    _total_add(donation.fund, donation.currency, minor, gifts)
    now = timezone.now()
    LedgerEntry.objects.create(
        fund=donation.fund,
        kind=LedgerEntry.Kind.INCOME,
        date=timezone.localdate(now),
        amount_minor=minor,
        currency=donation.currency,
        category=LedgerEntry.Category.GIFTS,
        description=in_every_language(description),
        corrects=_income_entry(donation),
        approved_at=now,
    )


def donation_refunded(*, donation: Donation, total_refunded_minor: int) -> int:
    """Stripe says this much of the payment has been refunded in all; returns what is new."""
    counted = (Donation.Status.SUCCEEDED, Donation.Status.REFUNDED, Donation.Status.DISPUTED)
    with transaction.atomic():
        donation = _donation_locked(donation)
        new = min(total_refunded_minor, donation.amount_minor) - donation.refunded_minor
        if new <= 0 or donation.status not in counted:
            return 0
        donation.refunded_minor += new
        now_refunded = donation.refunded_minor >= donation.amount_minor
        if now_refunded and donation.status == Donation.Status.SUCCEEDED:
            donation.status = Donation.Status.REFUNDED
        donation.save(update_fields=["refunded_minor", "status"])
        _money_moved(
            donation,
            -new,
            gifts=-1 if now_refunded else 0,
            description=gettext_noop("Refund of a card gift"),
        )
        audit_log(
            action="donation.refunded",
            obj=donation,
            organisation=donation.fund.campaign.owner,
            data={"refunded_minor": new, "currency": donation.currency},
        )
    return new


def donation_disputed(*, donation: Donation, amount_minor: int) -> None:
    """The card holder's bank took the money back while the dispute runs."""
    with transaction.atomic():
        donation = _donation_locked(donation)
        if donation.status != Donation.Status.SUCCEEDED:
            return
        taken = min(amount_minor, donation.amount_minor - donation.refunded_minor)
        donation.status = Donation.Status.DISPUTED
        donation.disputed_minor = max(taken, 0)
        donation.save(update_fields=["status", "disputed_minor"])
        if taken > 0:
            _money_moved(
                donation,
                -taken,
                gifts=0,
                description=gettext_noop("Card gift disputed by the card holder"),
            )
        audit_log(
            action="donation.disputed", obj=donation, organisation=donation.fund.campaign.owner
        )


def donation_dispute_closed(*, donation: Donation, won: bool) -> None:
    with transaction.atomic():
        donation = _donation_locked(donation)
        if donation.status != Donation.Status.DISPUTED:
            return
        if not won:
            audit_log(
                action="donation.dispute_lost",
                obj=donation,
                organisation=donation.fund.campaign.owner,
            )
            return
        returned = donation.disputed_minor
        donation.status = Donation.Status.SUCCEEDED
        donation.disputed_minor = 0
        donation.save(update_fields=["status", "disputed_minor"])
        if returned > 0:
            _money_moved(
                donation,
                returned,
                gifts=0,
                description=gettext_noop("Disputed card gift returned to the fund"),
            )
        audit_log(
            action="donation.dispute_won", obj=donation, organisation=donation.fund.campaign.owner
        )


def ledger_entry_check(
    *,
    fund: Fund,
    entry_date: date,
    amount_minor: int,
    currency: str,
    category: str,
    corrects: LedgerEntry | None = None,
) -> None:
    """The rules an entry typed by an organiser must keep: every ledger's
    (core.ledger), then the fund's. Raises `LedgerError` naming the field at fault,
    so that a form can show the refusal beside it."""
    ledger.ledger_entry_check(
        entry_date=entry_date, amount_minor=amount_minor, book_id=fund.pk, corrects=corrects
    )
    # A correction keeps its entry's currency even if the fund no longer takes it.
    if corrects is None and currency not in fund.currencies:
        raise LedgerError(_("This fund does not use that currency."), field="currency")
    if category == LedgerEntry.Category.GIFTS:
        # Gifts enter the ledger by themselves when the money arrives, with the totals.
        raise LedgerError(
            _("Gifts are recorded automatically when they arrive; choose another category."),
            field="category",
        )


def ledger_entry_create(
    *,
    fund: Fund,
    kind: str,
    entry_date: date,
    amount_minor: int,
    currency: str,
    category: str,
    description: dict[str, str] | LazyI18nString,
    private_details: str = "",
    show_details_publicly: bool = False,
    receipt: File[bytes] | None = None,
    actor: User,
    corrects: LedgerEntry | None = None,
) -> LedgerEntry:
    """An entry typed by an organiser. It stays private until another organiser approves it."""
    ledger_entry_check(
        fund=fund,
        entry_date=entry_date,
        amount_minor=amount_minor,
        currency=currency,
        category=category,
        corrects=corrects,
    )
    entry = LedgerEntry(
        fund=fund,
        kind=kind,
        date=entry_date,
        amount_minor=amount_minor,
        currency=currency,
        category=category,
        description=description,
        private_details=private_details,
        show_details_publicly=show_details_publicly,
        corrects=corrects,
    )
    return ledger.ledger_entry_record(entry=entry, actor=actor, receipt=receipt)


def _actor_role(actor: Actor) -> str:
    return "staff" if getattr(actor, "is_authenticated", False) else "donor"


def monthly_cancel(*, donation: Donation, actor: Actor = None) -> bool:
    """Stops a monthly gift at Stripe and records it; the webhook that follows finds
    it recorded. `actor` is the staff member, or None for the donor through their
    link. False if the gift had already ended here."""
    subscription_cancel(subscription_id=donation.stripe_subscription_id)
    updated = _monthly_end(
        donation=donation, action="donation.monthly_cancelled", actor=actor, by=_actor_role(actor)
    )
    donation.refresh_from_db(fields=["cancelled_at"])
    return updated


def monthly_change(*, donation: Donation, amount_minor: int, actor: Actor = None) -> None:
    """A new monthly amount from the next payment on, in the same currency. What
    arrived stays as it was. `actor` as for `monthly_cancel`."""
    if amount_minor <= 0:
        raise GiftRefused(_("The amount must be more than zero."))
    if donation.cancelled_at is not None:
        raise GiftRefused(_("This monthly gift has already ended."))
    subscription_amount_change(
        subscription_id=donation.stripe_subscription_id,
        currency=donation.currency,
        amount_minor=amount_minor,
    )
    with transaction.atomic():
        previous = (
            Donation.objects.select_for_update()
            .values_list("next_amount_minor", flat=True)
            .get(pk=donation.pk)
        )
        Donation.objects.filter(pk=donation.pk).update(next_amount_minor=amount_minor)
        audit_log(
            action="donation.monthly_changed",
            actor=actor,
            obj=donation,
            organisation=donation.fund.campaign.owner,
            data={
                "by": _actor_role(actor),
                "from_minor": previous or donation.amount_minor,
                "to_minor": amount_minor,
                "currency": donation.currency,
            },
        )
    donation.next_amount_minor = amount_minor


def donation_for_manage_token(token: str) -> Donation | None:
    if not token:
        return None
    return Donation.objects.filter(manage_token_hash=token_hash(token)).first()


def to_goal_currency(fund: Fund, minor: int, currency: str) -> int | None:
    """`minor` of `currency` counted in the fund's goal currency; None without a rate."""
    from solidaria.core.rendering.money import convert

    if currency == fund.goal_currency:
        return minor
    rate = next((r.rate for r in fund.rates.all() if r.currency == currency), None)
    if rate is None:
        return None
    return convert(minor, currency, into=fund.goal_currency, rate=rate)
