"""Closing a round: once its time is over, every cooperative ordered from gets one
purchase order in Spanish, with the CSV (formula cells escaped) attached, and the
organisers a summary; closing again sends nothing twice. Totals in pesos follow
the one rounding rule. The task closes due rounds and, after the days to pay,
cancels what is still unpaid."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from solidaria.cooperatives.documents import purchase_orders
from solidaria.cooperatives.fulfilment import purchase_order_csv, round_close
from solidaria.cooperatives.models import Order, Round, RoundItem, RoundSupplier
from solidaria.cooperatives.tasks import close_rounds
from solidaria.core.models import AuditEntry
from solidaria.core.rendering.money import convert
from solidaria.organisations.models import OrganisationContact
from tests.cooperatives.factories import (
    CooperativeFactory,
    PickupPointFactory,
    ProductFactory,
    ProductVariantFactory,
    RoundFactory,
    RoundItemFactory,
)
from tests.cooperatives.test_fulfilment import make_order

pytestmark = pytest.mark.django_db


def closed_round(**fields: Any) -> Round:
    """A round whose ordering time ended an hour ago."""
    now = timezone.now()
    return RoundFactory(
        opens_at=now - timedelta(days=10), closes_at=now - timedelta(hours=1), **fields
    )


@pytest.fixture
def shop() -> dict[str, Any]:
    """A closed round with orders from two cooperatives; one of them has no address."""
    round = closed_round(exchange_rate=Decimal("1234.5678"))
    OrganisationContact.objects.create(
        organisation=round.organisation, language="de", email="kreis@example.org"
    )
    zanon = CooperativeFactory(name="FaSinPat (Zanon)", contact_email="zanon@example.org")
    textil = CooperativeFactory(name="Textiles Pigüé", contact_email="")
    tiles = RoundItemFactory(
        round=round,
        product=ProductFactory(cooperative=zanon, name={"es": "Cerámicos", "en": "Tiles"}),
        price_minor=851,
    )
    shirt = ProductFactory(cooperative=textil, name={"es": "Remera", "en": "T-shirt"})
    size_m = ProductVariantFactory(product=shirt, name={"es": "M", "en": "M"}, position=0)
    size_l = ProductVariantFactory(product=shirt, name={"es": "L", "en": "L"}, position=1)
    shirts = RoundItemFactory(round=round, product=shirt, price_minor=1500)
    point = PickupPointFactory(round=round)
    orders = [
        make_order(round, [(tiles, 2), (shirts, 1, size_m)], point=point),  # pending: counts
        make_order(round, [(tiles, 1), (shirts, 2, size_l)], point=point, status="paid"),
        make_order(round, [(tiles, 5)], status="packed"),
        make_order(round, [(tiles, 7), (shirts, 3, size_m)], point=point, status="cancelled"),
    ]
    return {"round": round, "zanon": zanon, "textil": textil, "tiles": tiles, "orders": orders}


def test_a_round_still_open_is_not_closed(smtp_server: Any, run_tasks: Any) -> None:
    round = RoundFactory()
    make_order(round, [(RoundItemFactory(round=round), 1)])

    assert round_close(round=round) is None
    run_tasks()

    round.refresh_from_db()
    assert round.closed_at is None and not smtp_server.messages


def test_purchase_orders_count_paid_and_pending_orders_never_cancelled_ones(
    shop: dict[str, Any],
) -> None:
    zanon, textil = sorted(purchase_orders(shop["round"]), key=lambda po: po.cooperative.name)

    assert zanon.cooperative == shop["zanon"] and textil.cooperative == shop["textil"]
    assert [(line.product, line.quantity) for line in zanon.lines] == [("Cerámicos", 8)]
    assert [(line.product, line.variant, line.quantity) for line in textil.lines] == [
        ("Remera", "M", 1),
        ("Remera", "L", 2),
    ]
    assert zanon.total.minor == 8 * 851 and textil.total.minor == 3 * 1500


def test_totals_in_pesos_use_the_one_rounding_rule(shop: dict[str, Any]) -> None:
    round = shop["round"]
    (zanon,) = purchase_orders(round, cooperative_id=shop["zanon"].pk)

    # 68,08 € times 1234,5678 = 84049,375824 pesos: rounded half to even to the centavo.
    assert zanon.total_pesos.minor == convert(6808, "EUR", into="ARS", rate=round.exchange_rate)
    assert zanon.total_pesos.minor == 8404938
    assert zanon.lines[0].total_pesos == round.to_pesos(6808)


def test_closing_sends_each_purchase_order_once_in_spanish_and_a_summary(
    shop: dict[str, Any], smtp_server: Any, run_tasks: Any
) -> None:
    round = shop["round"]

    first = round_close(round=round)
    second = round_close(round=round)
    run_tasks()
    closed_at = Round.objects.get(pk=round.pk).closed_at

    assert first is not None and first.closed_now and first.summary_sent
    assert first.sent == [shop["zanon"]] and first.without_contact == [shop["textil"]]
    assert second is not None and not second.closed_now and not second.sent
    assert closed_at is not None
    by_recipient = {message["To"]: message for message in smtp_server.messages}
    assert sorted(by_recipient) == ["kreis@example.org", "zanon@example.org"]
    order = by_recipient["zanon@example.org"]
    assert order["Content-Language"] == "es"
    body = order.get_body(preferencelist=("plain",)).get_content()
    assert "8 × Cerámicos" in body
    assert "68,08\xa0€" in body and "84.049,38" in body  # Spanish notation
    assert "1 EUR = 1.234,5678 ARS" in body
    (attachment,) = list(order.iter_attachments())
    assert attachment.get_filename().endswith(".csv")
    rows = list(csv.reader(io.StringIO(attachment.get_content())))
    assert rows[1][:4] == ["Cerámicos", "", "500 g", "8"]
    assert rows[-1][5:8] == ["68.08", "EUR", "84049.38"]
    summary = by_recipient["kreis@example.org"]
    text = summary.get_body(preferencelist=("plain",)).get_content()
    with translation.override("de"):  # the organisers' contact is German
        not_sent = translation.gettext("purchase order NOT sent: no contact address")
        unpaid = translation.ngettext(
            "%(counter)s order (%(unpaid_total)s) is not paid yet; it counts in the purchase "
            "orders. Orders still unpaid after the days given to pay are cancelled.",
            "%(counter)s orders (%(unpaid_total)s) are not paid yet; they count in the purchase "
            "orders. Orders still unpaid after the days given to pay are cancelled.",
            1,
        )
    assert "Textiles Pigüé" in text and not_sent in text
    # The one still unpaid, said so ("1 order (…"), whatever its amount.
    assert (unpaid % {"counter": 1, "unpaid_total": "§"}).split("§")[0] in text
    assert RoundSupplier.objects.get(round=round, cooperative=shop["zanon"]).purchase_order_sent_at
    assert AuditEntry.objects.filter(action="cooperatives.round_closed").count() == 1
    assert AuditEntry.objects.filter(action="cooperatives.purchase_order_sent").count() == 1


def test_a_purchase_order_held_back_for_want_of_an_address_goes_once_one_is_entered(
    shop: dict[str, Any], smtp_server: Any, run_tasks: Any
) -> None:
    round = shop["round"]
    round_close(round=round)
    run_tasks()
    before = len(smtp_server.messages)
    textil = shop["textil"]
    textil.contact_email = "pigue@example.org"
    textil.save()

    later = round_close(round=round)
    round_close(round=round)
    run_tasks()

    assert later is not None and later.sent == [textil] and not later.summary_sent
    new = smtp_server.messages[before:]
    assert [message["To"] for message in new] == ["pigue@example.org"]
    body = new[0].get_body(preferencelist=("plain",)).get_content()
    assert "1 × Remera (M)" in body and "2 × Remera (L)" in body


def test_formula_cells_are_escaped_in_the_purchase_order_csv() -> None:
    round = closed_round()
    item = RoundItemFactory(
        round=round, product=ProductFactory(name={"es": '=HYPERLINK("http://x.test")'})
    )
    make_order(round, [(item, 1)], status="paid")

    (purchase_order,) = purchase_orders(round)
    rows = list(csv.reader(io.StringIO(purchase_order_csv(purchase_order))))

    assert rows[1][0] == '\'=HYPERLINK("http://x.test")'


def test_the_task_closes_due_rounds_and_cancels_the_unpaid_after_the_days_to_pay(
    smtp_server: Any, run_tasks: Any
) -> None:
    now = timezone.now()
    due = closed_round()
    open_round = RoundFactory()
    overdue = RoundFactory(
        opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=8), payment_days=7
    )
    item: RoundItem = RoundItemFactory(round=overdue, product=ProductFactory())
    unpaid = make_order(overdue, [(item, 1)])
    paid = make_order(overdue, [(item, 1)], status="paid")
    waiting = make_order(due, [(RoundItemFactory(round=due), 1)])

    assert close_rounds.call() == 2
    assert close_rounds.call() == 0  # nothing twice

    states = {r.pk: r for r in Round.objects.all()}
    assert states[due.pk].closed_at and states[overdue.pk].closed_at
    assert states[open_round.pk].closed_at is None
    assert states[overdue.pk].unpaid_cancelled_at is not None
    assert states[due.pk].unpaid_cancelled_at is None
    assert Order.objects.get(pk=unpaid.pk).status == "cancelled"
    assert Order.objects.get(pk=unpaid.pk).cancelled_by == "unpaid"
    assert Order.objects.get(pk=paid.pk).status == "paid"
    assert Order.objects.get(pk=waiting.pk).status == "pending"  # still within its days


def test_an_order_that_got_past_the_opening_check_as_the_round_closed_is_refused_whole(
    run_tasks: Any,
) -> None:
    """The race at the closing time: the buyer's request read the round still open,
    then the round was closed before its order was written. It is refused, and its
    stock goes back, rather than land in no purchase order."""
    from solidaria.cooperatives.exceptions import RoundClosed
    from solidaria.cooperatives.ordering import DeliveryRequest, LineRequest, order_place

    round = closed_round()
    item = RoundItemFactory(round=round, price_minor=500, max_quantity=10)
    point = PickupPointFactory(round=round)
    seen = Round.objects.get(pk=round.pk)  # as the request read it: not closed yet
    assert round_close(round=round) is not None

    with pytest.raises(RoundClosed):
        order_place(
            round=seen,
            lines=[LineRequest(item_id=item.pk, variant_id=None, quantity=2)],
            delivery=DeliveryRequest(pickup_point_id=point.pk),
            prices_seen={item.pk: 500},
            currency=round.currency,
            name="Late Buyer",
            email="late@example.org",
            language="de",
            now=round.closes_at - timedelta(seconds=1),
        )

    assert not Order.objects.exists()
    assert RoundItem.objects.get(pk=item.pk).sold == 0
    assert Round.objects.get(pk=round.pk).orders_count == 0
    assert not Round.objects.get(pk=round.pk).is_open_at(round.closes_at - timedelta(seconds=1))


def test_a_draft_round_that_never_took_an_order_is_not_closed_nor_summarised(
    smtp_server: Any, run_tasks: Any
) -> None:
    draft = closed_round(published=False)
    OrganisationContact.objects.create(
        organisation=draft.organisation, language="en", email="team@example.org"
    )

    assert close_rounds.call() == 0
    run_tasks()

    assert Round.objects.get(pk=draft.pk).closed_at is None
    assert smtp_server.messages == []
