"""What follows an order (ordering.orders_follow_up): placing an order stores the
stock, the order, its lines and the round's own totals, and leaves owed the
cooperatives' totals, the buyer's email and the audit entry, which the scheduler's
run does a moment later, once. Changing, cancelling or closing first does what is
owed. An order is checked against the round as this process loaded it a moment
ago, and the database still has the last word on prices and the closing."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from solidaria.cooperatives import rounds
from solidaria.cooperatives.exceptions import OrderRefused, PriceChanged, RoundClosed
from solidaria.cooperatives.fulfilment import round_close
from solidaria.cooperatives.models import Order, RoundItem, RoundSupplier
from solidaria.cooperatives.ordering import (
    RUSH_EMAILS,
    DeliveryRequest,
    FollowedUp,
    order_buyer_cancel,
    order_cancel,
    order_change,
    order_place,
    orders_follow_up,
)
from solidaria.cooperatives.rounds import order_for_token, round_for_ordering
from solidaria.cooperatives.tasks import follow_up_orders
from solidaria.core.models import AuditEntry, OutgoingEmail
from tests.cooperatives.conftest import Shop, line_requests, place
from tests.cooperatives.factories import PickupPointFactory, RoundFactory, RoundItemFactory

pytestmark = pytest.mark.django_db


def placed_emails() -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(template="cooperatives_order_placed"))


def supplier_totals(shop: Shop) -> dict[int, tuple[int, int]]:
    return {
        row.cooperative_id: (row.quantity, row.ordered_minor)
        for row in RoundSupplier.objects.filter(round=shop.round)
    }


def test_placing_keeps_the_rounds_totals_and_leaves_the_rest_owed(shop: Shop) -> None:
    placed = place(shop.round, [(shop.yerba, 2), (shop.shirt, shop.medium, 1)], follow_up=False)

    order = Order.objects.get()
    shop.round.refresh_from_db()
    assert order.follow_up_owed and order.sealed_token == placed.token
    assert (shop.round.ordered_minor, shop.round.orders_count) == (3200, 1)
    assert shop.round.cooperatives_count == 0 and supplier_totals(shop) == {}
    assert placed_emails() == []
    assert not AuditEntry.objects.filter(action="cooperatives.order_placed").exists()
    # The token waits encrypted, never in the clear.
    with connection.cursor() as cursor:
        cursor.execute("SELECT sealed_token FROM cooperatives_order WHERE id = %s", [order.pk])
        (stored,) = cursor.fetchone()
    assert stored and placed.token not in stored


def test_the_follow_up_does_what_is_owed_once(shop: Shop) -> None:
    first = place(shop.round, [(shop.yerba, 2)], follow_up=False)
    second = place(
        shop.round, [(shop.shirt, shop.large, 3)], email="bea@example.org", follow_up=False
    )

    assert follow_up_orders.call() == {"rush": 0, "counted": 2, "emailed": 2}
    assert follow_up_orders.call() == {"rush": 0, "counted": 0, "emailed": 0}

    shop.round.refresh_from_db()
    assert shop.round.cooperatives_count == 2
    assert supplier_totals(shop) == {shop.yerba_coop.pk: (2, 1700), shop.textile_coop.pk: (3, 4500)}
    emails = {email.recipient: json.loads(email.context) for email in placed_emails()}
    assert set(emails) == {"ana@example.org", "bea@example.org"}
    assert order_for_token(emails["ana@example.org"]["token"]).pk == first.order.pk
    assert order_for_token(emails["bea@example.org"]["token"]).pk == second.order.pk
    assert AuditEntry.objects.filter(action="cooperatives.order_placed").count() == 2
    assert not Order.objects.filter(follow_up_owed=True).exists()
    assert not Order.objects.filter(email_owed=True).exists()
    assert set(Order.objects.values_list("sealed_token", flat=True)) == {""}


def test_the_follow_up_of_one_round_leaves_the_others_owed(shop: Shop) -> None:
    other = RoundFactory(slug="hamburg-round")
    other_item = RoundItemFactory(round=other, product=shop.yerba.product, price_minor=900)
    point = PickupPointFactory(round=other)
    place(shop.round, [(shop.yerba, 1)], follow_up=False)
    place(other, [(other_item, 1)], point=point, follow_up=False)

    assert orders_follow_up(round=other) == FollowedUp(counted=1, emailed=1)

    assert Order.objects.get(round=shop.round).follow_up_owed
    assert not Order.objects.get(round=other).follow_up_owed
    assert orders_follow_up(round=shop.round) == FollowedUp(counted=1, emailed=1)


def test_an_order_erased_before_its_follow_up_gets_no_email(shop: Shop) -> None:
    place(shop.round, [(shop.yerba, 1)], follow_up=False)
    Order.objects.update(email="", email_index="", name="")  # as erasure empties a paid one

    assert orders_follow_up() == FollowedUp(counted=1, emailed=1)

    assert placed_emails() == [] and not Order.objects.get().email_owed
    assert supplier_totals(shop) == {shop.yerba_coop.pk: (1, 850)}


def test_a_card_order_is_refused_where_the_round_takes_no_cards(shop: Shop) -> None:
    with pytest.raises(OrderRefused) as refused:
        place(shop.round, [(shop.yerba, 1)], payment=Order.Payment.CARD)

    assert refused.value.field == "payment"
    assert not Order.objects.exists()


@pytest.mark.django_db(transaction=True)  # the database checks the link at COMMIT
def test_a_pickup_point_removed_after_the_round_was_loaded_is_a_clear_refusal(
    shop: Shop,
) -> None:
    page = round_for_ordering(slug=shop.round.slug)
    removed = shop.hamburg.pk
    shop.hamburg.delete()

    with pytest.raises(OrderRefused, match="changed while you were ordering"):
        order_place(
            page=page,
            lines=line_requests([(shop.yerba, 1)]),
            delivery=DeliveryRequest(pickup_point_id=removed),
            prices_seen={shop.yerba.pk: 850},
            currency="EUR",
            name="Ana",
            email="ana@example.org",
            language="es",
        )

    shop.yerba.refresh_from_db()
    assert shop.yerba.sold == 0 and not Order.objects.exists()


def test_an_order_cancelled_at_once_without_email_owes_nothing_and_its_totals_come_back(
    shop: Shop,
) -> None:
    placed = place(shop.round, [(shop.yerba, 2)], follow_up=False)

    assert order_buyer_cancel(order=placed.order, email=False)

    shop.round.refresh_from_db()
    shop.yerba.refresh_from_db()
    assert (shop.round.ordered_minor, shop.round.orders_count) == (0, 0)
    assert shop.round.cooperatives_count == 0 and shop.yerba.sold == 0
    assert supplier_totals(shop) == {shop.yerba_coop.pk: (0, 0)}
    assert not OutgoingEmail.objects.exists()
    assert not orders_follow_up()


def test_organisers_cancelling_an_owed_order_send_both_emails(shop: Shop) -> None:
    placed = place(shop.round, [(shop.yerba, 2)], follow_up=False)

    assert order_cancel(order=placed.order, by=Order.CancelledBy.ORGANISERS)

    templates = sorted(OutgoingEmail.objects.values_list("template", flat=True))
    assert templates == ["cooperatives_order_cancelled", "cooperatives_order_placed"]
    assert supplier_totals(shop) == {shop.yerba_coop.pk: (0, 0)}


def test_changing_an_owed_order_counts_it_as_placed_then_as_changed(shop: Shop) -> None:
    placed = place(shop.round, [(shop.yerba, 2)], follow_up=False)
    prices = {shop.yerba.pk: 850, shop.shirt.pk: 1500}

    order_change(
        order=placed.order,
        lines=line_requests([(shop.shirt, shop.medium, 1)]),
        delivery=DeliveryRequest(pickup_point_id=shop.hamburg.pk),
        prices_seen=prices,
    )

    assert supplier_totals(shop) == {shop.yerba_coop.pk: (0, 0), shop.textile_coop.pk: (1, 1500)}
    shop.round.refresh_from_db()
    assert (shop.round.ordered_minor, shop.round.cooperatives_count) == (1500, 1)
    placed_email = json.loads(placed_emails()[0].context)
    assert [line["product"] for line in placed_email["lines"]] == ["Yerba mate"]
    assert OutgoingEmail.objects.filter(template="cooperatives_order_changed").count() == 1
    assert not Order.objects.get().follow_up_owed


def test_closing_follows_up_the_orders_of_the_round_first(shop: Shop) -> None:
    place(shop.round, [(shop.yerba, 2)], follow_up=False)
    shop.round.closes_at = timezone.now() - timedelta(minutes=1)
    shop.round.save(update_fields=["closes_at"])

    round_close(round=shop.round)

    assert not Order.objects.filter(follow_up_owed=True).exists()
    assert len(placed_emails()) == 1
    assert supplier_totals(shop)[shop.yerba_coop.pk][:2] == (2, 1700)


def test_a_price_changed_after_the_round_was_loaded_is_still_caught(shop: Shop) -> None:
    page = round_for_ordering(slug=shop.round.slug)
    RoundItem.objects.filter(pk=shop.yerba.pk).update(price_minor=900)

    with pytest.raises(PriceChanged) as refused:
        order_place(
            page=round_for_ordering(slug=shop.round.slug),  # the same snapshot
            lines=line_requests([(shop.yerba, 1)]),
            delivery=DeliveryRequest(pickup_point_id=shop.berlin.pk),
            prices_seen={shop.yerba.pk: 850},
            currency="EUR",
            name="Ana",
            email="ana@example.org",
            language="es",
        )

    assert page.offers[0].item.price_minor == 850
    assert refused.value.prices == {shop.yerba.pk: 900}
    shop.yerba.refresh_from_db()
    assert shop.yerba.sold == 0 and not Order.objects.exists()


def test_a_round_closed_after_it_was_loaded_takes_no_order(shop: Shop) -> None:
    page = round_for_ordering(slug=shop.round.slug)
    type(shop.round).objects.filter(pk=shop.round.pk).update(closed_at=timezone.now())

    with pytest.raises(RoundClosed):
        order_place(
            page=page,
            lines=line_requests([(shop.yerba, 1)]),
            delivery=DeliveryRequest(pickup_point_id=shop.berlin.pk),
            prices_seen={shop.yerba.pk: 850},
            currency="EUR",
            name="Ana",
            email="ana@example.org",
            language="es",
        )

    shop.yerba.refresh_from_db()
    assert shop.yerba.sold == 0 and not Order.objects.exists()


def test_the_loaded_round_is_kept_briefly_but_what_is_left_is_read_anew(shop: Shop) -> None:
    first = round_for_ordering(slug=shop.round.slug, item_ids={shop.yerba.pk})
    RoundItem.objects.filter(pk=shop.yerba.pk).update(sold=7)
    RoundItem.objects.filter(pk=shop.shirt.pk).update(price_minor=1600)

    again = round_for_ordering(slug=shop.round.slug)

    assert again.round is first.round  # from this process's copy
    by_id = {offer.item.pk: offer.item for offer in again.offers}
    assert by_id[shop.yerba.pk].left == 3  # read anew: the form says the number of now
    assert by_id[shop.shirt.pk].price_minor == 1500  # as loaded (the UPDATE checks it)
    assert first.offers[0].item.left == 10  # the shared copy was not changed
    rounds.round_ordering_forget(shop.round.slug)
    assert {o.item.pk: o.item for o in round_for_ordering(slug=shop.round.slug).offers}[
        shop.shirt.pk
    ].price_minor == 1600


def test_in_a_rush_orders_are_counted_and_only_a_trickle_of_emails_goes(
    shop: Shop, settings: Any
) -> None:
    settings.ORDERING_RUSH_RATE = 1  # more than 2 orders in 2 s is a rush here
    for n in range(14):
        place(
            shop.round, [(shop.shirt, shop.medium, 1)], email=f"b{n}@example.org", follow_up=False
        )

    assert follow_up_orders.call() == {"rush": 1, "counted": 14, "emailed": RUSH_EMAILS}

    shop.round.refresh_from_db()
    assert shop.round.cooperatives_count == 1
    assert supplier_totals(shop) == {shop.textile_coop.pk: (14, 14 * 1500)}
    assert len(placed_emails()) == RUSH_EMAILS
    # The oldest first; the rest once the rush is over.
    waiting = Order.objects.filter(email_owed=True).order_by("pk")
    assert waiting.count() == 14 - RUSH_EMAILS
    assert min(waiting.values_list("pk", flat=True)) > max(
        Order.objects.filter(email_owed=False).values_list("pk", flat=True)
    )
    settings.ORDERING_RUSH_RATE = 100
    assert follow_up_orders.call() == {"rush": 0, "counted": 0, "emailed": 14 - RUSH_EMAILS}
    assert len(placed_emails()) == 14
