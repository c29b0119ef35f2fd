"""Ordering in a buying round (cooperatives.ordering): an order takes the stock with a
conditional UPDATE, stores the order with a bank reference and keeps the round's and
the cooperatives' totals; every refusal stores nothing and sends nothing; changes,
cancellations and the cancelling of unpaid orders move stock and totals back."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from solidaria.cooperatives import ordering
from solidaria.cooperatives.exceptions import (
    OrderLocked,
    OrderRefused,
    PriceChanged,
    RoundClosed,
    SoldOut,
)
from solidaria.cooperatives.models import Order, OrderLine, RoundItem, RoundSupplier
from solidaria.cooperatives.ordering import (
    DeliveryRequest,
    LineRequest,
    order_buyer_cancel,
    order_cancel,
    order_change,
    order_supporter_link,
    orders_cancel_unpaid,
)
from solidaria.core.mail.outbox import email_render
from solidaria.core.models import AuditEntry, OutgoingEmail
from solidaria.core.privacy import pii
from solidaria.core.privacy.tokens import token_hash
from solidaria.supporters.models import ConsentRecord, Supporter
from tests.cooperatives.conftest import Shop, active_lines_sum, line_requests, place
from tests.cooperatives.factories import (
    PickupPointFactory,
    RoundFactory,
    RoundItemFactory,
)

pytestmark = pytest.mark.django_db


def refresh(shop: Shop) -> None:
    for obj in (shop.round, shop.yerba, shop.shirt):
        obj.refresh_from_db()


def nothing_stored(shop: Shop, *, sold: tuple[int, int] = (0, 0), orders: int = 0) -> None:
    refresh(shop)
    assert Order.objects.count() == orders
    assert (shop.yerba.sold, shop.shirt.sold) == sold
    assert OutgoingEmail.objects.filter(template__startswith="cooperatives_order").count() == orders
    if not orders:
        assert OrderLine.objects.count() == 0
        assert shop.round.orders_count == 0 and shop.round.ordered_minor == 0
        assert not RoundSupplier.objects.filter(quantity__gt=0).exists()


def supplier(shop: Shop, coop: Any) -> tuple[int, int]:
    row = RoundSupplier.objects.filter(round=shop.round, cooperative=coop).first()
    return (row.quantity, row.ordered_minor) if row else (0, 0)


# --- placing --------------------------------------------------------------------------


def test_an_order_takes_the_stock_and_keeps_every_total(shop: Shop) -> None:
    placed = place(
        shop.round,
        [(shop.yerba, 3), (shop.shirt, shop.medium, 1), (shop.shirt, shop.large, 2)],
        point=shop.berlin,
    )

    order = placed.order
    assert re.fullmatch(r"BR-[2-9A-Z]{8}", order.reference)
    assert order.status == Order.Status.PENDING and order.payment == Order.Payment.BANK
    assert order.delivery == Order.Delivery.PICKUP and order.pickup_point == shop.berlin
    assert order.items_minor == 3 * 850 + 3 * 1500 and order.shipping_minor == 0
    assert order.token_hash == token_hash(placed.token) and not placed.repeated
    assert order.email_index == pii.email_index("ANA@example.org ")
    assert [
        (line.item_id, line.variant_id, line.quantity, line.unit_price_minor)
        for line in order.lines.order_by("pk")
    ] == [
        (shop.yerba.pk, None, 3, 850),
        (shop.shirt.pk, shop.medium.pk, 1, 1500),
        (shop.shirt.pk, shop.large.pk, 2, 1500),
    ]
    refresh(shop)
    assert (shop.yerba.sold, shop.shirt.sold) == (3, 3)
    assert (shop.round.ordered_minor, shop.round.orders_count) == (7050, 1)
    assert shop.round.cooperatives_count == 2
    assert supplier(shop, shop.yerba_coop) == (3, 2550)
    assert supplier(shop, shop.textile_coop) == (3, 4500)
    assert AuditEntry.objects.filter(action="cooperatives.order_placed").count() == 1


def test_the_buyers_details_are_encrypted_at_rest(shop: Shop) -> None:
    order = place(shop.round, [(shop.yerba, 1)], name="Ana Secreta").order
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, email, address, postcode, city FROM cooperatives_order WHERE id = %s",
            [order.pk],
        )
        stored = " ".join(cursor.fetchone())
    for plain in ("Ana Secreta", "ana@example.org", "Oranienstraße", "10999", "Berlin"):
        assert plain not in stored
    order.refresh_from_db()
    assert (order.name, order.address, order.city) == ("Ana Secreta", "Oranienstraße 1", "Berlin")


def test_shipping_adds_the_rounds_flat_fee(shop: Shop) -> None:
    order = place(shop.round, [(shop.yerba, 2)]).order
    assert order.delivery == Order.Delivery.SHIPPING and order.pickup_point is None
    assert (order.items_minor, order.shipping_minor, order.total_minor) == (1700, 690, 2390)
    shop.round.refresh_from_db()
    # The solidarity raised for the cooperatives is what they sell, not the postage.
    assert shop.round.ordered_minor == 1700


def test_the_confirmation_email_is_in_the_buyers_language_with_all_they_need(shop: Shop) -> None:
    placed = place(shop.round, [(shop.yerba, 2)], point=shop.berlin, language="en")

    email = OutgoingEmail.objects.get(template="cooperatives_order_placed")
    assert email.language == "en" and email.recipient == "ana@example.org"
    message = email_render(email)
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert placed.order.reference in text
        assert "€17.00" in text
        assert "Account holder: Example group" in text  # the bank details, in English
        assert "Laden Kreuzberg" in text and "Tue and Thu" in text
        assert f"/en/orders/{placed.token}/" in text
    assert placed.order.reference in message.subject
    assert "Yerba mate" in message.body
    # The closing time as the round page writes it: to the minute, in the round's zone.
    closes = shop.round.closes_at.astimezone(ZoneInfo(shop.round.time_zone))
    assert f"{closes:%B} {closes.day}, {closes.year}" in message.body
    assert re.search(r"\d:\d\d:\d\d", message.body) is None  # no seconds
    assert f"({shop.round.time_zone})" in message.body


def test_the_email_goes_out_in_spanish_through_a_real_smtp_server(
    shop: Shop, smtp_server: Any, run_tasks: Any
) -> None:
    placed = place(shop.round, [(shop.yerba, 1)], point=shop.hamburg, language="es")

    run_tasks()

    [message] = smtp_server.messages
    assert message["To"] == "ana@example.org"
    assert placed.order.reference in message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Cuenta" in body or "IBAN" in body
    assert f"/es/orders/{placed.token}/" in body
    assert "8,50" in body  # euros written the Spanish way
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT


def test_the_same_order_sent_twice_is_one_order(shop: Shop) -> None:
    first = place(shop.round, [(shop.yerba, 2)], point=shop.berlin)
    again = place(shop.round, [(shop.yerba, 2)], point=shop.berlin, email=" Ana@Example.org")

    assert again.order.pk == first.order.pk and again.repeated and again.token == ""
    nothing_stored(shop, sold=(2, 0), orders=1)
    shop.round.refresh_from_db()
    assert shop.round.orders_count == 1


def test_other_lines_or_another_address_are_another_order(shop: Shop) -> None:
    place(shop.round, [(shop.yerba, 2)], point=shop.berlin)
    place(shop.round, [(shop.yerba, 1)], point=shop.berlin)
    place(shop.round, [(shop.yerba, 2)], point=shop.berlin, email="bruno@example.org")
    assert Order.objects.count() == 3
    shop.yerba.refresh_from_db()
    assert shop.yerba.sold == 5


def test_after_the_repeat_window_the_same_order_is_a_new_one(shop: Shop) -> None:
    first = place(shop.round, [(shop.yerba, 2)], point=shop.berlin)
    Order.objects.filter(pk=first.order.pk).update(
        created_at=timezone.now() - ordering.ORDER_REPEAT_WINDOW - timedelta(seconds=1)
    )
    assert place(shop.round, [(shop.yerba, 2)], point=shop.berlin).order.pk != first.order.pk


# --- stock ----------------------------------------------------------------------------


def test_more_than_is_left_is_refused_and_says_how_many_are_left(shop: Shop) -> None:
    place(shop.round, [(shop.yerba, 8)], point=shop.berlin)

    with pytest.raises(SoldOut) as refused:
        place(shop.round, [(shop.yerba, 3)], point=shop.berlin, email="bruno@example.org")

    assert refused.value.item_id == shop.yerba.pk and refused.value.left == 2
    assert str(refused.value) == "Only 2 of “Yerba mate” are left: please order at most that many."
    nothing_stored(shop, sold=(8, 0), orders=1)
    # Exactly what is left can still be ordered.
    place(shop.round, [(shop.yerba, 2)], point=shop.berlin, email="bruno@example.org")
    shop.yerba.refresh_from_db()
    assert shop.yerba.sold == shop.yerba.max_quantity == 10


def test_a_sold_out_item_says_so_and_nothing_of_the_order_is_kept(shop: Shop) -> None:
    RoundItem.objects.filter(pk=shop.yerba.pk).update(sold=10)

    with pytest.raises(SoldOut) as refused:
        place(shop.round, [(shop.shirt, shop.medium, 2), (shop.yerba, 1)], point=shop.berlin)

    assert refused.value.left == 0 and str(refused.value) == "“Yerba mate” is sold out."
    # The shirts taken before the yerba was found short went back with the rollback.
    nothing_stored(shop, sold=(10, 0))


def test_the_database_refuses_to_oversell_even_without_the_service(shop: Shop) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        RoundItem.objects.filter(pk=shop.yerba.pk).update(sold=11)


# --- prices ---------------------------------------------------------------------------


def test_a_price_changed_since_the_page_is_shown_and_nothing_is_stored(shop: Shop) -> None:
    seen = {shop.yerba.pk: 850, shop.shirt.pk: 1500}
    RoundItem.objects.filter(pk=shop.yerba.pk).update(price_minor=990)

    with pytest.raises(PriceChanged) as refused:
        place(shop.round, [(shop.yerba, 1)], point=shop.berlin, prices_seen=seen)

    assert refused.value.prices == {shop.yerba.pk: 990}
    nothing_stored(shop)
    # Confirmed at the new price, the order goes through at it.
    order = place(shop.round, [(shop.yerba, 1)], point=shop.berlin).order
    assert order.items_minor == 990 and order.lines.get().unit_price_minor == 990


def test_a_changed_shipping_fee_is_confirmed_too(shop: Shop) -> None:
    with pytest.raises(PriceChanged) as refused:
        place(shop.round, [(shop.yerba, 1)], shipping_seen_minor=490)
    assert refused.value.shipping_minor == 690 and refused.value.prices == {}
    nothing_stored(shop)


def test_a_price_the_buyer_never_saw_is_a_change_to_confirm(shop: Shop) -> None:
    with pytest.raises(PriceChanged):
        place(shop.round, [(shop.yerba, 1)], point=shop.berlin, prices_seen={})
    nothing_stored(shop)


# --- refusals -------------------------------------------------------------------------


def _refusal_cases(shop: Shop) -> dict[str, tuple[type[Exception], dict[str, Any], str]]:
    other_round = RoundFactory()
    foreign_point = PickupPointFactory(round=other_round)
    foreign_item = RoundItemFactory(round=other_round)
    other_product_variant_line = LineRequest(shop.shirt.pk, None, 1)
    return {
        "quantity 0": (OrderRefused, {"lines": [LineRequest(shop.yerba.pk, None, 0)]}, "q_"),
        "negative": (OrderRefused, {"lines": [LineRequest(shop.yerba.pk, None, -2)]}, "q_"),
        "too many": (OrderRefused, {"lines": [LineRequest(shop.yerba.pk, None, 100)]}, "q_"),
        "not a whole number": (
            OrderRefused,
            {"lines": [LineRequest(shop.yerba.pk, None, 1.5)]},  # type: ignore[arg-type]
            "q_",
        ),
        "empty": (OrderRefused, {"lines": []}, ""),
        "twice": (
            OrderRefused,
            {"lines": [LineRequest(shop.yerba.pk, None, 1), LineRequest(shop.yerba.pk, None, 2)]},
            "q_",
        ),
        "item of another round": (
            OrderRefused,
            {"lines": [LineRequest(foreign_item.pk, None, 1)]},
            "q_",
        ),
        "size needed": (OrderRefused, {"lines": [other_product_variant_line]}, "q_"),
        "size of another product": (
            OrderRefused,
            {"lines": [LineRequest(shop.yerba.pk, shop.medium.pk, 1)]},
            "q_",
        ),
        "pickup point of another round": (
            OrderRefused,
            {"delivery": DeliveryRequest(pickup_point_id=foreign_point.pk)},
            "pickup_point",
        ),
        "address in another country": (
            OrderRefused,
            {
                "delivery": DeliveryRequest(
                    address="Calle 1", postcode="1000", city="Buenos Aires", country="AR"
                )
            },
            "country",
        ),
        "address missing": (
            OrderRefused,
            {"delivery": DeliveryRequest(address=" ", postcode="1", city="X", country="DE")},
            "address",
        ),
        "unknown currency": (OrderRefused, {"currency": "XXX"}, "currency"),
        "another currency": (OrderRefused, {"currency": "USD"}, "currency"),
        "no name": (OrderRefused, {"name": "  "}, "name"),
        "bad email": (OrderRefused, {"email": "not-an-address"}, "email"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "quantity 0",
        "negative",
        "too many",
        "not a whole number",
        "empty",
        "twice",
        "item of another round",
        "size needed",
        "size of another product",
        "pickup point of another round",
        "address in another country",
        "address missing",
        "unknown currency",
        "another currency",
        "no name",
        "bad email",
    ],
)
def test_bad_input_is_refused_with_a_message_and_stores_nothing(shop: Shop, case: str) -> None:
    exception, changes, field = _refusal_cases(shop)[case]
    lines = changes.pop("lines", [LineRequest(shop.yerba.pk, None, 1)])
    kwargs: dict[str, Any] = {
        "round": shop.round,
        "lines": lines,
        "delivery": DeliveryRequest(pickup_point_id=shop.berlin.pk),
        "prices_seen": {shop.yerba.pk: 850, shop.shirt.pk: 1500},
        "currency": "EUR",
        "name": "Ana",
        "email": "ana@example.org",
        "language": "en",
        **changes,
    }
    with pytest.raises(exception) as refused:
        ordering.order_place(**kwargs)
    assert str(refused.value)
    assert isinstance(refused.value, OrderRefused) and refused.value.field.startswith(field)
    nothing_stored(shop)


def test_a_withdrawn_product_or_size_cannot_be_ordered(shop: Shop) -> None:
    shop.yerba.product.available = False
    shop.yerba.product.save()
    with pytest.raises(OrderRefused, match="withdrawn"):
        place(shop.round, [(shop.yerba, 1)], point=shop.berlin, language="en")
    shop.large.available = False
    shop.large.save()
    with pytest.raises(OrderRefused, match="no longer offered in"):
        place(shop.round, [(shop.shirt, shop.large, 1)], point=shop.berlin, language="en")
    nothing_stored(shop)


def test_shipping_is_refused_where_the_round_offers_pickup_only(shop: Shop) -> None:
    shop.round.shipping_fee_minor = None
    shop.round.save()
    with pytest.raises(OrderRefused, match="does not ship") as refused:
        place(shop.round, [(shop.yerba, 1)], language="en")
    assert refused.value.field == "pickup_point"
    nothing_stored(shop)


@pytest.mark.parametrize(
    ("opens", "closes", "published", "message"),
    [
        (-10, -1, True, "has closed"),
        (1, 10, True, "not open for orders yet"),
        (-1, 10, False, "not open for orders yet"),
    ],
)
def test_a_round_takes_orders_only_while_open_and_published(
    shop: Shop, opens: int, closes: int, published: bool, message: str
) -> None:
    now = timezone.now()
    shop.round.opens_at = now + timedelta(days=opens)
    shop.round.closes_at = now + timedelta(days=closes)
    shop.round.published = published
    shop.round.save()
    with pytest.raises(RoundClosed, match=message):
        place(shop.round, [(shop.yerba, 1)], point=shop.berlin, language="en")
    nothing_stored(shop)


def test_the_refusal_is_written_in_the_buyers_language(shop: Shop) -> None:
    from django.utils import translation

    with translation.override("es"), pytest.raises(OrderRefused) as refused:
        place(shop.round, [(shop.yerba, 1)], point=shop.berlin, currency="USD", language="es")
    with translation.override("es"):
        expected = translation.gettext("This round takes orders in %(currency)s only.") % {
            "currency": "EUR"
        }
    assert str(refused.value) == expected


# --- the cooperatives' count --------------------------------------------------------------------


def test_a_cooperative_counts_once_while_something_is_ordered_from_it(shop: Shop) -> None:
    first = place(shop.round, [(shop.yerba, 1)], point=shop.berlin).order
    second = place(shop.round, [(shop.yerba, 2)], point=shop.berlin, email="b@example.org").order
    shop.round.refresh_from_db()
    assert shop.round.cooperatives_count == 1

    order_buyer_cancel(order=first, email=True)
    shop.round.refresh_from_db()
    assert (shop.round.cooperatives_count, shop.round.orders_count) == (1, 1)

    order_cancel(order=second, by=Order.CancelledBy.ORGANISERS)
    shop.round.refresh_from_db()
    assert (shop.round.cooperatives_count, shop.round.orders_count, shop.round.ordered_minor) == (
        0,
        0,
        0,
    )
    assert supplier(shop, shop.yerba_coop) == (0, 0)


# --- changing -------------------------------------------------------------------------


def test_the_buyer_changes_quantities_and_the_stock_moves_by_the_difference(shop: Shop) -> None:
    order = place(
        shop.round, [(shop.yerba, 4), (shop.shirt, shop.medium, 1)], point=shop.berlin
    ).order
    place(shop.round, [(shop.yerba, 5)], point=shop.berlin, email="b@example.org")

    changed = order_change(
        order=order,
        lines=line_requests([(shop.yerba, 5), (shop.shirt, shop.large, 2)]),
        delivery=DeliveryRequest(pickup_point_id=shop.hamburg.pk),
        prices_seen={shop.yerba.pk: 850, shop.shirt.pk: 1500},
    )

    refresh(shop)
    assert (shop.yerba.sold, shop.shirt.sold) == (10, 2)
    assert changed.pickup_point == shop.hamburg and changed.items_minor == 5 * 850 + 2 * 1500
    assert {(line.variant_id, line.quantity) for line in changed.lines.all()} == {
        (None, 5),
        (shop.large.pk, 2),
    }
    assert shop.round.ordered_minor == 10 * 850 + 2 * 1500 and shop.round.orders_count == 2
    assert supplier(shop, shop.yerba_coop) == (10, 8500)
    assert supplier(shop, shop.textile_coop) == (2, 3000)
    assert OutgoingEmail.objects.filter(template="cooperatives_order_changed").count() == 1
    assert active_lines_sum(shop.yerba) == shop.yerba.sold


def test_a_change_for_more_than_is_left_changes_nothing(shop: Shop) -> None:
    order = place(
        shop.round, [(shop.yerba, 4), (shop.shirt, shop.medium, 1)], point=shop.berlin
    ).order
    place(shop.round, [(shop.yerba, 5)], point=shop.berlin, email="b@example.org")

    with pytest.raises(SoldOut) as refused:
        order_change(
            order=order,
            lines=line_requests([(shop.shirt, shop.medium, 3), (shop.yerba, 6)]),
            delivery=DeliveryRequest(pickup_point_id=shop.hamburg.pk),
            prices_seen={shop.yerba.pk: 850, shop.shirt.pk: 1500},
        )

    assert refused.value.left == 1
    refresh(shop)
    order.refresh_from_db()
    assert (shop.yerba.sold, shop.shirt.sold) == (9, 1)
    assert order.pickup_point == shop.berlin and order.items_minor == 4 * 850 + 1500
    assert not OutgoingEmail.objects.filter(template="cooperatives_order_changed").exists()


def test_an_order_cannot_be_changed_or_cancelled_by_its_buyer_after_the_round_closes(
    shop: Shop,
) -> None:
    order = place(shop.round, [(shop.yerba, 4)], point=shop.berlin).order
    later = shop.round.closes_at + timedelta(minutes=1)
    with pytest.raises(OrderLocked, match="closed"):
        order_change(
            order=order,
            lines=line_requests([(shop.yerba, 1)]),
            delivery=DeliveryRequest(pickup_point_id=shop.berlin.pk),
            prices_seen={shop.yerba.pk: 850},
            now=later,
        )
    with pytest.raises(OrderLocked):
        order_buyer_cancel(order=order, now=later, email=True)
    shop.yerba.refresh_from_db()
    assert shop.yerba.sold == 4


# --- cancelling -----------------------------------------------------------------------


def test_a_cancellation_without_email_returns_the_stock_and_writes_to_nobody(
    shop: Shop,
) -> None:
    # An erasure's way: the address is about to go.
    order = place(shop.round, [(shop.yerba, 4)], point=shop.berlin).order

    assert order_buyer_cancel(order=order, email=False) is True
    assert order_buyer_cancel(order=order, email=False) is False

    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and order.cancelled_by == "buyer"
    assert order.cancelled_at is not None
    shop.yerba.refresh_from_db()
    assert shop.yerba.sold == 0
    assert not OutgoingEmail.objects.filter(template="cooperatives_order_cancelled").exists()


def test_the_organisers_cancel_once_and_the_buyer_is_told_in_their_language(shop: Shop) -> None:
    order = place(shop.round, [(shop.yerba, 4)], point=shop.berlin, language="de").order
    Order.objects.filter(pk=order.pk).update(status=Order.Status.PAID)

    assert order_cancel(order=order, by=Order.CancelledBy.ORGANISERS) is True
    assert order_cancel(order=order, by=Order.CancelledBy.ORGANISERS) is False

    email = OutgoingEmail.objects.get(template="cooperatives_order_cancelled")
    assert email.language == "de"
    assert json.loads(email.context)["by"] == "organisers"
    assert order.reference in email_render(email).subject
    shop.yerba.refresh_from_db()
    assert shop.yerba.sold == 0
    assert AuditEntry.objects.filter(action="cooperatives.order_cancelled").count() == 1


def test_an_order_handed_over_is_not_cancelled(shop: Shop) -> None:
    order = place(shop.round, [(shop.yerba, 4)], point=shop.berlin).order
    Order.objects.filter(pk=order.pk).update(status=Order.Status.COLLECTED)
    with pytest.raises(OrderLocked):
        order_cancel(order=order, by=Order.CancelledBy.ORGANISERS)
    shop.yerba.refresh_from_db()
    assert shop.yerba.sold == 4


def test_unpaid_orders_are_cancelled_after_the_days_to_pay_once(
    shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ordering, "CANCEL_SLICE", 2)
    unpaid = [
        place(shop.round, [(shop.yerba, 1)], point=shop.berlin, email=f"p{n}@example.org").order
        for n in range(5)
    ]
    paid = place(shop.round, [(shop.yerba, 2)], point=shop.berlin, email="paid@example.org").order
    Order.objects.filter(pk=paid.pk).update(status=Order.Status.PAID)
    grace_over = shop.round.closes_at + timedelta(days=shop.round.payment_days)

    assert orders_cancel_unpaid(round=shop.round, now=grace_over - timedelta(seconds=1)) == 0
    assert orders_cancel_unpaid(round=shop.round, now=grace_over) == 5
    assert orders_cancel_unpaid(round=shop.round, now=grace_over) == 0

    assert set(
        Order.objects.filter(pk__in=[o.pk for o in unpaid]).values_list("status", "cancelled_by")
    ) == {("cancelled", "unpaid")}
    paid.refresh_from_db()
    assert paid.status == Order.Status.PAID
    refresh(shop)
    assert shop.yerba.sold == 2 == active_lines_sum(shop.yerba)
    assert (shop.round.orders_count, shop.round.ordered_minor) == (1, 1700)
    assert shop.round.unpaid_cancelled_at == grace_over
    assert OutgoingEmail.objects.filter(template="cooperatives_order_cancelled").count() == 5


# --- once paid ------------------------------------------------------------------------


def test_a_paid_order_links_the_buyer_and_records_consent_only_when_ticked(shop: Shop) -> None:
    agreed = place(shop.round, [(shop.yerba, 1)], point=shop.berlin, consent_owner=True).order
    silent = place(
        shop.round, [(shop.yerba, 1)], point=shop.berlin, email="bruno@example.org"
    ).order
    # Ordering records nothing about the person: the address is only typed so far.
    assert not Supporter.objects.exists() and not ConsentRecord.objects.exists()

    for order in (agreed, silent):
        order_supporter_link(order=order)
        order_supporter_link(order=order)

    agreed.refresh_from_db()
    silent.refresh_from_db()
    assert agreed.supporter is not None and silent.supporter is not None
    [record] = ConsentRecord.objects.all()
    assert record.supporter == agreed.supporter
    assert record.organisation == shop.round.organisation
    assert record.source == f"round:{shop.round.slug}"
