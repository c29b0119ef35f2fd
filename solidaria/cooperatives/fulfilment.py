"""After the ordering: payments arrive, orders are packed and handed over, and the
round closes with a purchase order to every cooperative.

Orders move paid → packed → collected (pickup) or shipped (shipping), in bulk
from the console. Each step takes only the orders in the step's starting state,
by a conditional UPDATE on their current status under row locks, so a step taken
twice (two organisers, a double click, a statement imported twice) changes each
order once; orders already past the step are counted as such, and orders in a
state the step cannot start from (a cancelled order to be packed, an unpaid one
to be handed over) are refused and left as they are.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation

from solidaria.core.banking import Reconciliation, statement_read
from solidaria.core.mail.outbox import email_prepare, email_queue_all
from solidaria.core.models import OutgoingEmail
from solidaria.core.privacy.audit import Actor, audit_log
from solidaria.core.rendering.csvstream import csv_lines
from solidaria.core.rendering.i18n import localize
from solidaria.core.rendering.money import format_money
from solidaria.organisations.selectors import contact_email_for, contact_for

from .documents import (
    PURCHASE_ORDER_LANGUAGE,
    PurchaseOrder,
    purchase_order_csv_header,
    purchase_order_csv_rows,
    purchase_orders,
    rate_text,
    round_summary,
)
from .models import DIRECTORY_LANGUAGES, Cooperative, Order, Round, RoundSupplier
from .ordering import REFERENCE_PREFIX, order_supporter_link, orders_follow_up

logger = logging.getLogger(__name__)

PAID_OR_LATER = (
    Order.Status.PAID,
    Order.Status.PACKED,
    Order.Status.COLLECTED,
    Order.Status.SHIPPED,
)


@dataclass
class Transition:
    """What a step did to the orders it was given."""

    changed: list[Order] = field(default_factory=list)
    # At or past the step already: nothing to do, and nothing wrong.
    already: list[Order] = field(default_factory=list)
    # In a state the step does not start from; left as they are.
    refused: list[Order] = field(default_factory=list)


@dataclass(frozen=True)
class _Step:
    name: str
    source: Order.Status
    stamp: str
    already: tuple[Order.Status, ...]

    def target(self, order: Order) -> Order.Status:
        if self.name == "handed_over":
            if order.delivery == Order.Delivery.SHIPPING:
                return Order.Status.SHIPPED
            return Order.Status.COLLECTED
        return {"paid": Order.Status.PAID, "packed": Order.Status.PACKED}[self.name]


PAY = _Step("paid", Order.Status.PENDING, "paid_at", PAID_OR_LATER)
PACK = _Step(
    "packed",
    Order.Status.PAID,
    "packed_at",
    (Order.Status.PACKED, Order.Status.COLLECTED, Order.Status.SHIPPED),
)
HAND_OVER = _Step(
    "handed_over",
    Order.Status.PACKED,
    "handed_over_at",
    (Order.Status.COLLECTED, Order.Status.SHIPPED),
)


def _ids(orders: Iterable[Order] | QuerySet[Order]) -> list[int]:
    if isinstance(orders, QuerySet):
        return list(orders.order_by().values_list("pk", flat=True))
    return [order.pk for order in orders]


def _move(orders: Iterable[Order] | QuerySet[Order], *, step: _Step, actor: Actor) -> Transition:
    result = Transition()
    ids = _ids(orders)
    if not ids:
        return result
    now = timezone.now()
    with transaction.atomic():
        locked = list(
            Order.objects.filter(pk__in=ids)
            .select_for_update(of=("self",))
            .select_related("round__organisation", "pickup_point")
            .order_by("pk")
        )
        moving: dict[Order.Status, list[Order]] = {}
        for order in locked:
            if order.status == step.source:
                moving.setdefault(step.target(order), []).append(order)
            elif order.status in step.already:
                result.already.append(order)
            else:
                result.refused.append(order)
        emails: list[OutgoingEmail] = []
        for target, group in moving.items():
            # Conditional on the status still being the step's start: the rows are
            # locked, so this takes them all; without locks (SQLite serialises the
            # writers instead) it would still never take one twice.
            Order.objects.filter(pk__in=[order.pk for order in group], status=step.source).update(
                status=target, updated_at=now, **{step.stamp: now}
            )
            for order in group:
                order.status = target
                setattr(order, step.stamp, now)
                audit_log(
                    action=f"cooperatives.order_{target}",
                    actor=actor,
                    obj=order,
                    organisation=order.round.organisation,
                )
                if step is PAY:
                    # The money is in: the order becomes one of the buyer's actions.
                    order_supporter_link(order=order)
                email = _step_email(order)
                if email is not None:
                    emails.append(email)
                result.changed.append(order)
        email_queue_all(emails)
    return result


def orders_mark_paid(*, orders: Iterable[Order] | QuerySet[Order], actor: Actor) -> Transition:
    """Waiting orders whose money has arrived (a bank transfer checked by hand)."""
    return _move(orders, step=PAY, actor=actor)


def orders_mark_packed(*, orders: Iterable[Order] | QuerySet[Order], actor: Actor) -> Transition:
    """Paid orders put together; buyers who collect theirs are told where and when."""
    return _move(orders, step=PACK, actor=actor)


def orders_mark_handed_over(
    *, orders: Iterable[Order] | QuerySet[Order], actor: Actor
) -> Transition:
    """Packed orders collected at their pickup point, or shipped (and their buyers told)."""
    return _move(orders, step=HAND_OVER, actor=actor)


# --- the buyer's emails -------------------------------------------------------------------


def _order_lines_text(order: Order) -> list[str]:
    lines = []
    for line in order.lines.select_related("item__product", "variant"):
        name = localize(
            line.item.product.name, languages=DIRECTORY_LANGUAGES, requested=order.language
        )
        if line.variant is not None:
            variant = localize(
                line.variant.name, languages=DIRECTORY_LANGUAGES, requested=order.language
            )
            name = f"{name} ({variant})"  # type: ignore[assignment]
        lines.append(f"{line.quantity} × {name}")
    return lines


def _step_email(order: Order) -> OutgoingEmail | None:
    """Ready for pickup, once packed for a pickup point; on its way, once shipped."""
    round = order.round
    languages = round.organisation.languages
    if order.status == Order.Status.PACKED and order.delivery == Order.Delivery.PICKUP:
        template = "cooperatives_order_ready"
    elif order.status == Order.Status.SHIPPED:
        template = "cooperatives_order_shipped"
    else:
        return None
    context: dict[str, object] = {
        "round_title": str(localize(round.title, languages=languages, requested=order.language)),
        "reference": order.reference,
        "name": order.name,
        "lines": _order_lines_text(order),
        "round_url": _url_in(order.language, "cooperatives:round", slug=round.slug),
    }
    point = order.pickup_point
    if template == "cooperatives_order_ready" and point is not None:
        context.update(
            point_name=point.name,
            point_address=point.address,
            point_city=point.city,
            opening_hours=str(
                localize(point.opening_hours, languages=languages, requested=order.language)
            ),
        )
    else:
        context.update(address=order.address, postcode=order.postcode, city=order.city)
    return email_prepare(
        to=order.email,
        template=template,
        language=order.language,
        context=context,
        reply_to=contact_email_for(round.organisation, order.language) or "",
    )


def _url_in(language: str, name: str, **kwargs: str) -> str:
    """A page's address in `language` (empty while the page does not exist yet)."""
    from django.urls import NoReverseMatch

    try:
        with translation.override(language):
            return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


# --- bank statements ----------------------------------------------------------------------


def round_statement_import(*, round: Round, data: bytes, actor: Actor) -> Reconciliation[Order]:
    """Marks paid every waiting order of the round whose reference appears in a bank
    statement (core.banking reads it, as for the fund's pledges). A row whose amount
    differs from the order's total is listed for an organiser to check instead;
    a reference of another round is unknown here. Importing twice changes nothing
    the second time. Raises core.banking.StatementUnreadable for a file that is not CSV."""
    statement = statement_read(data, prefix=REFERENCE_PREFIX)
    result = Reconciliation[Order](rows_without_reference=statement.rows_without_reference)
    with transaction.atomic():  # a file that breaks half-way marks nothing
        found = {
            order.reference: order
            for order in Order.objects.filter(
                round=round, reference__in=[line.reference for line in statement.lines]
            )
        }
        to_mark: list[Order] = []
        for line in statement.lines:
            order = found.get(line.reference)
            if result.to_mark(
                line,
                order,
                waiting=order is not None and order.status == Order.Status.PENDING,
                expected_minor=order.total_minor if order else 0,
                currency=round.currency,
            ):
                assert order is not None
                to_mark.append(order)
        moved = orders_mark_paid(orders=to_mark, actor=actor)
        result.received.extend(moved.changed)
        result.already.extend(moved.already + moved.refused)
        audit_log(
            action="cooperatives.statement_imported",
            actor=actor,
            obj=round,
            organisation=round.organisation,
            data=result.counts(),
        )
    return result


# --- closing a round ----------------------------------------------------------------------


@dataclass
class Closing:
    # False when the round had been closed before (this run only sent what was left).
    closed_now: bool
    sent: list[Cooperative] = field(default_factory=list)
    # Ordered from, with no address for the purchase order: the organisers were told.
    without_contact: list[Cooperative] = field(default_factory=list)
    summary_sent: bool = False


def round_close(*, round: Round, now: datetime | None = None) -> Closing | None:
    """Closes a round whose closing time has passed: every cooperative ordered from
    gets its purchase order (in Spanish, with the CSV attached), and the organisers a
    summary. None if the round has not reached its closing time.

    Idempotent: `Round.closed_at` is set once, under a row lock, and the summary
    goes with it; each purchase order is sent once (`RoundSupplier.
    purchase_order_sent_at`). A cooperative without a contact address gets none;
    the summary says so, and calling this again, once an address is entered, sends
    what is missing.

    Pending orders count: the cooperatives need time to make and send the goods,
    and most transfers arrive within the days given to pay, so they are asked for
    everything ordered. What stays unpaid when those days are over is cancelled by
    the ordering service (`ordering.orders_cancel_unpaid`, from the closing task);
    the summary tells the organisers how much was still unpaid at closing, so that
    they can correct an order with a cooperative in time, and the console's
    purchase order page always shows the current figures.
    """
    now = now or timezone.now()
    if now < round.closes_at:
        return None
    # What the round's orders are owed, before its row is held (an order's follow-up
    # holds the order, then the round). Purchase orders are read from the orders'
    # lines, so one placed meanwhile is in them all the same.
    while orders_follow_up(round=round):
        pass
    with transaction.atomic():
        locked = (
            Round.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=round.pk)
        )
        closing = Closing(closed_now=locked.closed_at is None)
        if closing.closed_now:
            Round.objects.filter(pk=locked.pk, closed_at__isnull=True).update(
                closed_at=now, updated_at=now
            )
            locked.closed_at = now
        emails: list[OutgoingEmail] = []
        for purchase_order in purchase_orders(locked, language=PURCHASE_ORDER_LANGUAGE):
            cooperative = purchase_order.cooperative
            supplier, _created = RoundSupplier.objects.select_for_update().get_or_create(
                round=locked, cooperative=cooperative
            )
            if supplier.purchase_order_sent_at is not None:
                continue
            address = cooperative.contact_email.strip()
            if not address:
                closing.without_contact.append(cooperative)
                continue
            emails.append(_purchase_order_email(purchase_order, to=address))
            RoundSupplier.objects.filter(pk=supplier.pk).update(purchase_order_sent_at=now)
            audit_log(
                action="cooperatives.purchase_order_sent",
                obj=locked,
                organisation=locked.organisation,
                data={
                    "cooperative": cooperative.pk,
                    "quantity": purchase_order.quantity,
                    "total_minor": purchase_order.total.minor,
                    "total_ars_minor": purchase_order.total_pesos.minor,
                },
            )
            closing.sent.append(cooperative)
        if closing.closed_now:
            summary = _summary_email(locked, without_contact=closing.without_contact)
            if summary is not None:
                emails.append(summary)
                closing.summary_sent = True
            audit_log(
                action="cooperatives.round_closed",
                obj=locked,
                organisation=locked.organisation,
                data={
                    "purchase_orders": len(closing.sent),
                    "without_contact": [c.pk for c in closing.without_contact],
                    "summary_sent": closing.summary_sent,
                },
            )
        email_queue_all(emails)
    round.closed_at = locked.closed_at
    return closing


def purchase_order_csv(purchase_order: PurchaseOrder) -> str:
    with translation.override(PURCHASE_ORDER_LANGUAGE):
        return "".join(
            csv_lines(purchase_order_csv_header(), purchase_order_csv_rows(purchase_order))
        )


def purchase_order_filename(purchase_order: PurchaseOrder) -> str:
    return f"pedido-{purchase_order.round.slug}-{purchase_order.cooperative.slug}.csv"


def _purchase_order_email(purchase_order: PurchaseOrder, *, to: str) -> OutgoingEmail:
    round = purchase_order.round
    language = PURCHASE_ORDER_LANGUAGE
    organisation = round.organisation

    def money(minor: int, currency: str) -> str:
        return format_money(minor, currency, language=language)

    context = {
        "cooperative": purchase_order.cooperative.name,
        "organisation": organisation.name,
        "round_title": str(
            localize(round.title, languages=organisation.languages, requested=language)
        ),
        "country": str(round.country.name),
        "currency": round.currency,
        "rate": rate_text(round, language=language),
        "lines": [
            {
                "product": line.product,
                "variant": line.variant,
                "unit": line.unit,
                "quantity": line.quantity,
                "unit_price": money(line.unit_price.minor, round.currency),
                "total": money(line.total.minor, round.currency),
                "total_pesos": money(line.total_pesos.minor, "ARS"),
            }
            for line in purchase_order.lines
        ],
        "quantity": purchase_order.quantity,
        "total": money(purchase_order.total.minor, round.currency),
        "total_pesos": money(purchase_order.total_pesos.minor, "ARS"),
        "organisers_email": contact_email_for(organisation, language) or "",
    }
    return email_prepare(
        to=to,
        template="cooperatives_purchase_order",
        language=language,
        context=context,
        reply_to=contact_email_for(organisation, language) or "",
        attachments=[
            (
                purchase_order_filename(purchase_order),
                purchase_order_csv(purchase_order),
                "text/csv",
            )
        ],
    )


def _summary_email(round: Round, *, without_contact: list[Cooperative]) -> OutgoingEmail | None:
    """To the organisation's address in its first language; None if it has none."""
    organisation = round.organisation
    contact = contact_for(organisation, organisation.languages[0] if organisation.languages else "")
    if contact is None:
        return None
    language = contact.language
    with translation.override(language):
        summary = round_summary(round, language=language)
        context = {
            "round_title": str(
                localize(round.title, languages=organisation.languages, requested=language)
            ),
            "rate": rate_text(round, language=language),
            "by_status": [
                {
                    "label": row.label,
                    "count": row.count,
                    "total": format_money(row.total.minor, round.currency, language=language),
                }
                for row in summary.by_status
            ],
            "unpaid_count": summary.unpaid.count if summary.unpaid else 0,
            "unpaid_total": format_money(
                summary.unpaid.total.minor if summary.unpaid else 0,
                round.currency,
                language=language,
            ),
            "cooperatives": [
                {
                    "name": po.cooperative.name,
                    "quantity": po.quantity,
                    "total": format_money(po.total.minor, round.currency, language=language),
                    "total_pesos": format_money(po.total_pesos.minor, "ARS", language=language),
                    "sent": po.cooperative not in without_contact,
                }
                for po in summary.purchase_orders
            ],
            "total": format_money(summary.total.minor, round.currency, language=language),
            "total_pesos": format_money(summary.total_pesos.minor, "ARS", language=language),
            "without_contact": [cooperative.name for cooperative in without_contact],
            "console_url": reverse("admin:cooperatives_round_summary", args=[round.pk]),
        }
    return email_prepare(
        to=contact.email,
        template="cooperatives_round_summary",
        language=language,
        context=context,
    )
