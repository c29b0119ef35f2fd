"""Orders move paid → packed → collected or shipped, in bulk, each step once; buyers
who collect are told where and when, buyers whose order is shipped that it is on
its way (through a real SMTP server); a bank statement marks paid the right orders."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

import pytest
from django.db.models import F
from django.utils import translation

from solidaria.cooperatives.fulfilment import (
    orders_mark_handed_over,
    orders_mark_packed,
    orders_mark_paid,
    round_statement_import,
)
from solidaria.cooperatives.models import (
    Order,
    OrderLine,
    PickupPoint,
    ProductVariant,
    Round,
    RoundItem,
    RoundSupplier,
)
from solidaria.core.banking import new_reference
from solidaria.core.models import AuditEntry
from solidaria.core.privacy import pii
from solidaria.supporters.models import Supporter
from tests.cooperatives.factories import PickupPointFactory, RoundFactory, RoundItemFactory

pytestmark = pytest.mark.django_db

Line = tuple[RoundItem, int] | tuple[RoundItem, int, ProductVariant | None]


def make_order(
    round: Round,
    lines: Sequence[Line],
    *,
    status: str = Order.Status.PENDING,
    point: PickupPoint | None = None,
    name: str = "Ana Gómez",
    email: str = "ana@example.org",
    language: str = "de",
    address: str = "",
    postcode: str = "",
    city: str = "",
) -> Order:
    """An order as the ordering service stores it, with the totals it keeps (the
    stock taken, the round's and each cooperative's totals), unless cancelled."""
    shipping = point is None
    items_minor = sum(line[0].price_minor * line[1] for line in lines)
    order = Order.objects.create(
        round=round,
        reference=new_reference("BR"),
        status=status,
        delivery=Order.Delivery.SHIPPING if shipping else Order.Delivery.PICKUP,
        pickup_point=point,
        name=name,
        email=email,
        email_index=pii.email_index(email),
        address=address or ("Musterweg 5" if shipping else ""),
        postcode=postcode or ("20095" if shipping else ""),
        city=city or ("Hamburg" if shipping else ""),
        language=language,
        items_minor=items_minor,
        shipping_minor=(round.shipping_fee_minor or 0) if shipping else 0,
        token_hash=secrets.token_hex(32),
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            item=line[0],
            variant=line[2] if len(line) > 2 else None,  # type: ignore[misc]
            quantity=line[1],
            unit_price_minor=line[0].price_minor,
        )
        for line in lines
    )
    if status != Order.Status.CANCELLED:
        for line in lines:
            RoundItem.objects.filter(pk=line[0].pk).update(sold=F("sold") + line[1])
            supplier, _created = RoundSupplier.objects.get_or_create(
                round=round, cooperative_id=line[0].product.cooperative_id
            )
            RoundSupplier.objects.filter(pk=supplier.pk).update(
                quantity=F("quantity") + line[1],
                ordered_minor=F("ordered_minor") + line[1] * line[0].price_minor,
            )
        Round.objects.filter(pk=round.pk).update(
            ordered_minor=F("ordered_minor") + items_minor,
            orders_count=F("orders_count") + 1,
            cooperatives_count=RoundSupplier.objects.filter(round=round, quantity__gt=0).count(),
        )
    return order


def statuses(*orders: Order) -> list[str]:
    return [Order.objects.get(pk=order.pk).status for order in orders]


@pytest.fixture
def round() -> Round:
    return RoundFactory()


@pytest.fixture
def item(round: Round) -> RoundItem:
    return RoundItemFactory(round=round)


@pytest.fixture
def point(round: Round) -> PickupPoint:
    return PickupPointFactory(round=round, name="Stadtteilladen Wedding", city="Berlin")


def test_marking_paid_takes_waiting_orders_once_and_refuses_cancelled_ones(
    round: Round, item: RoundItem, point: PickupPoint
) -> None:
    waiting = [make_order(round, [(item, 1)], point=point) for _ in range(3)]
    cancelled = make_order(round, [(item, 1)], point=point, status=Order.Status.CANCELLED)

    first = orders_mark_paid(orders=[*waiting, cancelled], actor=None)
    again = orders_mark_paid(orders=Order.objects.filter(round=round), actor=None)

    assert {o.pk for o in first.changed} == {o.pk for o in waiting}
    assert [o.pk for o in first.refused] == [cancelled.pk]
    assert not again.changed and len(again.already) == 3 and len(again.refused) == 1
    assert statuses(*waiting, cancelled) == ["paid", "paid", "paid", "cancelled"]
    assert all(Order.objects.get(pk=o.pk).paid_at is not None for o in waiting)
    assert AuditEntry.objects.filter(action="cooperatives.order_paid").count() == 3
    # The money is in: the buyer's order is one of their actions now.
    assert Supporter.objects.filter(pk__in=Order.objects.values("supporter")).count() == 1


def test_packing_needs_payment_and_handing_over_needs_packing(
    round: Round, item: RoundItem, point: PickupPoint
) -> None:
    pending = make_order(round, [(item, 1)], point=point)
    paid = make_order(round, [(item, 1)], point=point, status=Order.Status.PAID)

    handed = orders_mark_handed_over(orders=[pending, paid], actor=None)
    packed = orders_mark_packed(orders=[pending, paid], actor=None)

    assert not handed.changed and len(handed.refused) == 2
    assert [o.pk for o in packed.changed] == [paid.pk]
    assert [o.pk for o in packed.refused] == [pending.pk]
    assert statuses(pending, paid) == ["pending", "packed"]


def test_the_last_step_is_collected_for_pickup_and_shipped_for_shipping(
    round: Round, item: RoundItem, point: PickupPoint
) -> None:
    collect = make_order(round, [(item, 1)], point=point, status=Order.Status.PACKED)
    ship = make_order(round, [(item, 2)], status=Order.Status.PACKED)

    result = orders_mark_handed_over(orders=[collect, ship], actor=None)
    again = orders_mark_handed_over(orders=[collect, ship], actor=None)

    assert statuses(collect, ship) == ["collected", "shipped"]
    assert len(result.changed) == 2 and not again.changed and len(again.already) == 2
    assert AuditEntry.objects.filter(action="cooperatives.order_collected").count() == 1
    assert AuditEntry.objects.filter(action="cooperatives.order_shipped").count() == 1


def test_buyers_are_told_when_their_order_is_ready_and_when_it_is_shipped(
    round: Round, item: RoundItem, point: PickupPoint, smtp_server: Any, run_tasks: Any
) -> None:
    collect = make_order(
        round, [(item, 3)], point=point, status=Order.Status.PAID, email="rosa@example.org"
    )
    ship = make_order(round, [(item, 1)], status=Order.Status.PAID, email="jon@example.org")

    orders_mark_packed(orders=[collect, ship], actor=None)
    orders_mark_packed(orders=[collect, ship], actor=None)  # twice: told once
    run_tasks()
    (ready,) = smtp_server.messages
    orders_mark_handed_over(orders=[collect, ship], actor=None)
    run_tasks()

    assert ready["To"] == "rosa@example.org"
    with translation.override("de"):
        ready_subject = translation.gettext("Your order %(reference)s is ready for pickup")
        shipped_subject = translation.gettext("Your order %(reference)s is on its way")
    assert ready["Subject"] == ready_subject % {"reference": collect.reference}
    body = ready.get_body(preferencelist=("plain",)).get_content()
    # Where, and the opening hours in the buyer's language (German here).
    assert "Stadtteilladen Wedding" in body and "Beispielstraße 1, Berlin" in body
    assert "Di und Do 16–19 Uhr" in body
    # Products have no German name: the directory's first language, Spanish, is shown.
    assert "3 × Producto" in body
    assert ready["Content-Language"] == "de"
    shipped = [m for m in smtp_server.messages if m is not ready]
    (on_its_way,) = shipped  # collected at the point: nothing more to say
    assert on_its_way["To"] == "jon@example.org"
    assert on_its_way["Subject"] == shipped_subject % {"reference": ship.reference}
    assert "Musterweg 5" in on_its_way.get_body(preferencelist=("plain",)).get_content()


def statement(*rows: tuple[str, str]) -> bytes:
    lines = ["Buchungstag;Verwendungszweck;Betrag"]
    lines += [f"01.03.2025;{purpose};{amount}" for purpose, amount in rows]
    return "\n".join(lines).encode()


def test_a_bank_statement_marks_paid_the_orders_it_names(
    round: Round, item: RoundItem, point: PickupPoint
) -> None:
    exact = make_order(round, [(item, 2)], point=point)  # 17,00 €
    shipped = make_order(round, [(item, 1)])  # 8,50 € + 6,90 € shipping
    short = make_order(round, [(item, 1)], point=point)
    paid = make_order(round, [(item, 1)], point=point, status=Order.Status.PAID)
    untouched = make_order(round, [(item, 1)], point=point)
    other_round = make_order(RoundFactory(), [(RoundItemFactory(), 1)])
    data = statement(
        (f"Bestellung {exact.reference.replace('-', '').lower()}", "17,00"),
        (f"{shipped.reference} Anna", "15,40"),
        (short.reference, "5,00"),
        (paid.reference, "8,50"),
        (other_round.reference, "8,50"),
        ("BR-ZZZZZZZZ", "1,00"),
        ("Miete März", "-900,00"),
    )

    result = round_statement_import(round=round, data=data, actor=None)
    again = round_statement_import(round=round, data=data, actor=None)

    assert {o.pk for o in result.received} == {exact.pk, shipped.pk}
    assert [o.pk for o in result.already] == [paid.pk]
    assert [(o.pk, amount) for o, amount in result.amount_differs] == [(short.pk, 500)]
    assert result.unknown_references == [other_round.reference, "BR-ZZZZZZZZ"]
    assert result.rows_without_reference == 1
    assert statuses(exact, shipped, short, paid, untouched, other_round) == [
        "paid",
        "paid",
        "pending",
        "paid",
        "pending",
        "pending",
    ]
    assert not again.received and {o.pk for o in again.already} == {exact.pk, shipped.pk, paid.pk}
    entry = (
        AuditEntry.objects.filter(action="cooperatives.statement_imported").order_by("pk").first()
    )
    assert entry is not None and entry.data["received"] == 2
