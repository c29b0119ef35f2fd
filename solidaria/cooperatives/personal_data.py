"""What the buying rounds hold about a person (`supporters.registry`): their orders.

Orders are found by their supporter link (made once an order is paid) and by the
blind index of their address (an order waiting for payment has no link yet).

Erasure and retention empty an order's buyer (name, email, address, the link to
the private page) and keep the row, its lines and amounts: the round's totals, the
cooperatives' purchase orders and the accounts stay exactly as they were. The
cooperatives' own contacts are organisations' data, not a supporter's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from solidaria.core.db.batches import update_in_batches
from solidaria.core.rendering.i18n import localize
from solidaria.supporters.exceptions import ActionNotFound, ActionRefused
from solidaria.supporters.registry import Action, ExportSection, Person, PersonalData

from .exceptions import OrderLocked
from .models import DIRECTORY_LANGUAGES, Order, Round
from .ordering import order_buyer_cancel, order_buyer_cancel_refusal
from .rounds import orders_of_person

# Retention: an order keeps its buyer's name, email and address for 12 months after
# its round closed, then loses them. The goods are made and shipped from Argentina
# after the round closes, which takes weeks to a few months; then come complaints,
# refunds and the organisers' accounts with the cooperatives, for which a year is
# ample. The accounts themselves need only the reference, the amounts and the
# quantities, which stay.
ORDER_DATA_KEPT = timedelta(days=365)
# An emptied order's link hash: unique per row, and never the hash of a token.
ERASED_LINK_PREFIX = "erased:"


def _orders(person: Person) -> QuerySet[Order]:
    return orders_of_person(person).select_related("round__organisation", "pickup_point")


def _title(round: Round) -> str:
    return str(localize(round.title, languages=round.organisation.languages))


def _cancellable(order: Order, now: datetime) -> bool:
    """As the order's own page decides (`ordering.order_buyer_cancel_refusal`)."""
    return order_buyer_cancel_refusal(order=order, now=now) is None


def end(person: Person, kind: str, pk: int) -> str:
    order = _orders(person).filter(pk=pk).first()
    if kind != "order" or order is None or not _cancellable(order, timezone.now()):
        raise ActionNotFound(_("This order is not yours to cancel, or it can no longer be."))
    try:
        order_buyer_cancel(order=order, email=True)  # a record, as from the order page
    except OrderLocked as exc:
        raise ActionRefused(str(exc)) from exc
    return _("Your order %(reference)s is cancelled.") % {"reference": order.reference}


def actions(person: Person) -> list[Action]:
    now = timezone.now()
    return [
        Action(
            kind="order",
            what=_("Ordered %(total)s in “%(round)s” (%(reference)s)")
            % {"total": order.total, "round": _title(order.round), "reference": order.reference},
            at=order.created_at,
            status=order.get_status_display(),
            organisation_id=order.round.organisation_id,
            pk=order.pk,
            end_label=_("Cancel my order") if _cancellable(order, now) else "",
            # Its own page asks to confirm, and says what will happen.
            end_url=reverse("cooperatives:my-order-cancel", args=[order.pk]),
        )
        for order in _orders(person)
    ]


def export(person: Person) -> ExportSection:
    orders = _orders(person).prefetch_related("lines__item__product", "lines__variant")
    return {
        "orders": [
            {
                "round": _title(order.round),
                "address": order.round.get_absolute_url(),
                "reference": order.reference,
                "ordered": order.created_at.isoformat(),
                "status": order.status,
                "payment": order.payment,
                "delivery": order.delivery,
                "pickup_point": str(order.pickup_point) if order.pickup_point else None,
                "name": order.name,
                "email": order.email,
                "shipping_address": order.address,
                "postcode": order.postcode,
                "city": order.city,
                "country": str(order.round.country) if order.address else None,
                "may_hear_from_the_organisation": order.consent_owner,
                "language": order.language,
                "currency": order.round.currency,
                "items_minor": order.items_minor,
                "shipping_minor": order.shipping_minor,
                "lines": [
                    {
                        "product": str(
                            localize(line.item.product.name, languages=DIRECTORY_LANGUAGES)
                        ),
                        "variant": str(line.variant) if line.variant else None,
                        "quantity": line.quantity,
                        "unit_price_minor": line.unit_price_minor,
                    }
                    for line in order.lines.all()
                ],
                "paid": order.paid_at.isoformat() if order.paid_at else None,
                "cancelled": order.cancelled_at.isoformat() if order.cancelled_at else None,
            }
            for order in orders
        ]
    }


# Any: column values and expressions, as QuerySet.update takes them.
def _buyer_emptied() -> dict[str, Any]:
    return {
        "name": "",
        "email": "",
        "email_index": "",
        "address": "",
        "postcode": "",
        "city": "",
        "sealed_token": "",
        "token_hash": Concat(Value(ERASED_LINK_PREFIX), Cast("pk", output_field=CharField())),
    }


def erase(person: Person) -> int:
    """Orders still waiting for payment in an open round are cancelled first (nobody
    could collect them now; their items go back to the round), without an email.
    Then every order loses its buyer; amounts, lines and references stay."""
    now = timezone.now()
    for order in _orders(person):
        if _cancellable(order, now):
            order_buyer_cancel(order=order, now=now, email=False)  # the address is going
    return _orders(person).update(**_buyer_emptied())


def expire(now: datetime) -> int:
    """Orders of rounds closed longer ago than ORDER_DATA_KEPT lose their buyer and
    the link to their supporter record (the record and its consents stay: the
    supporter agreed to those). A batch of rows per transaction; rows already
    emptied are skipped, so running it again changes nothing."""
    due = Order.objects.filter(round__closes_at__lte=now - ORDER_DATA_KEPT).exclude(email_index="")
    return update_in_batches(due, supporter=None, **_buyer_emptied())


def took_part_choices(organisation_ids: Sequence[int]) -> list[tuple[str, str]]:
    rounds = Round.objects.filter(organisation_id__in=organisation_ids).select_related(
        "organisation"
    )
    return [
        (str(r.pk), _("Ordered in the round: %(round)s") % {"round": _title(r)}) for r in rounds
    ]


def took_part_in(key: str) -> QuerySet[Any]:
    return (
        Order.objects.filter(round_id=int(key), supporter__isnull=False)
        .exclude(status=Order.Status.CANCELLED)
        .values("supporter_id")
    )


COOPERATIVES = PersonalData(
    app_label="cooperatives",
    models=[Order],
    actions=actions,
    export=export,
    erase=erase,
    end=end,
    expire=expire,
    took_part_choices=took_part_choices,
    took_part_in=took_part_in,
)
