"""The cooperatives' console: scoped to the staff's organisations (a cooperative and
its products also to the cooperative's own account), viewers read only, orders
moved on in bulk through the services with wrong steps refused by a message,
a round's documents (print pages, audited CSV with formula cells escaped), and an
order list whose query count does not grow with its rows."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from solidaria.cooperatives.models import Cooperative, Order, PickupPoint, Product, Round
from solidaria.core.models import AuditEntry
from solidaria.organisations.models import Membership, Organisation
from tests import factories
from tests.cooperatives.factories import (
    CooperativeFactory,
    PickupPointFactory,
    ProductFactory,
    RoundFactory,
    RoundItemFactory,
)
from tests.cooperatives.test_fulfilment import make_order

pytestmark = pytest.mark.django_db

ADMIN = "/admin/cooperatives"
ORDERS = f"{ADMIN}/order/"


def staff(
    client: Client, organisation: Organisation, role: str = Membership.Role.ORGANISER
) -> Client:
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organisation=organisation, role=role)
    client.force_login(user)
    return client


def said(response: Any) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def listed(response: Any) -> set[int]:
    return {obj.pk for obj in response.context["cl"].result_list}


def act(client: Client, action: str, orders: list[Order]) -> Any:
    return client.post(
        ORDERS, {"action": action, "_selected_action": [o.pk for o in orders]}, follow=True
    )


@pytest.fixture
def round() -> Round:
    return RoundFactory()


@pytest.fixture
def point(round: Round) -> PickupPoint:
    return PickupPointFactory(round=round)


# --- scoping --------------------------------------------------------------------------


def test_staff_of_another_organisation_see_nothing_of_a_round(
    client: Client, round: Round, point: PickupPoint
) -> None:
    item = RoundItemFactory(round=round)
    order = make_order(round, [(item, 1)], point=point, name="Rosa Ajena")
    ours = RoundFactory()
    client = staff(client, ours.organisation, Membership.Role.OWNER)

    rounds = client.get(f"{ADMIN}/round/")
    orders = client.get(ORDERS)

    assert listed(rounds) == {ours.pk} and not listed(orders)
    assert client.get(f"{ORDERS}{order.pk}/change/")["Location"] == "/admin/"
    coop = item.product.cooperative_id
    for url in (
        f"{ADMIN}/round/{round.pk}/summary/",
        f"{ADMIN}/round/{round.pk}/statement/",
        f"{ADMIN}/round/{round.pk}/purchase-order/{coop}/",
        f"{ADMIN}/round/{round.pk}/purchase-order/{coop}/csv/",
        f"{ADMIN}/round/{round.pk}/packing/{point.pk}/",
        f"{ADMIN}/round/{round.pk}/packing/shipping/csv/",
    ):
        assert client.get(url).status_code == 404, url
    act(client, "mark_paid", [order])
    assert Order.objects.get(pk=order.pk).status == "pending"


def test_a_cooperatives_own_staff_edit_its_products_but_not_anothers(client: Client) -> None:
    own_account = factories.OrganisationFactory()
    ours = CooperativeFactory(own_organisation=own_account)
    theirs = CooperativeFactory()
    our_product = ProductFactory(cooperative=ours)
    their_product = ProductFactory(cooperative=theirs)
    client = staff(client, own_account)

    products = client.get(f"{ADMIN}/product/")
    cooperatives = client.get(f"{ADMIN}/cooperative/")
    page = client.get(f"{ADMIN}/product/{our_product.pk}/change/")
    form = page.context["adminform"].form
    data = {
        "cooperative": ours.pk,
        "name_0": "Dulce de leche",
        "unit_0": "400 g",
        "reference_price": "3.500,50",  # in Spanish, the console's language here
        "available": "on",
        "position": "0",
        "variants-TOTAL_FORMS": "0",
        "variants-INITIAL_FORMS": "0",
    }
    saved = client.post(
        f"{ADMIN}/product/{our_product.pk}/change/", data, HTTP_ACCEPT_LANGUAGE="es"
    )

    assert listed(products) == {our_product.pk} and listed(cooperatives) == {ours.pk}
    assert list(form.fields["cooperative"].queryset) == [ours]
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    our_product.refresh_from_db()
    assert our_product.reference_price_minor == 350050
    assert our_product.name.data["es"] == "Dulce de leche"
    assert client.get(f"{ADMIN}/product/{their_product.pk}/change/")["Location"] == "/admin/"
    client.post(f"{ADMIN}/product/{their_product.pk}/change/", {**data, "cooperative": theirs.pk})
    assert Product.objects.get(pk=their_product.pk).name == their_product.name
    # Its own staff do not move the entry to another keeper, nor link accounts.
    coop_page = client.get(f"{ADMIN}/cooperative/{ours.pk}/change/").content.decode()
    assert 'name="organisation"' not in coop_page and 'name="own_organisation"' not in coop_page
    assert 'name="contact_email"' in coop_page


def test_the_keepers_staff_see_the_entry_and_viewers_do_not_see_the_contact(
    client: Client,
) -> None:
    cooperative = CooperativeFactory(contact_email="secreta@example.org")
    keeper = staff(client, cooperative.organisation, Membership.Role.VIEWER)

    page = keeper.get(f"{ADMIN}/cooperative/{cooperative.pk}/change/")

    assert page.status_code == 200
    assert "secreta@example.org" not in page.content.decode()
    assert 'name="name"' not in page.content.decode()  # read only


# --- viewers ----------------------------------------------------------------------------


def test_viewers_read_but_cannot_move_orders_or_open_packing_lists(
    client: Client, round: Round, point: PickupPoint
) -> None:
    item = RoundItemFactory(round=round)
    order = make_order(round, [(item, 1)], point=point)
    client = staff(client, round.organisation, Membership.Role.VIEWER)

    orders = client.get(ORDERS)
    summary = client.get(f"{ADMIN}/round/{round.pk}/summary/")
    purchase_order = client.get(
        f"{ADMIN}/round/{round.pk}/purchase-order/{item.product.cooperative_id}/"
    )

    assert listed(orders) == {order.pk} and "mark_paid" not in orders.content.decode()
    assert summary.status_code == 200 and purchase_order.status_code == 200
    assert client.get(f"{ADMIN}/round/{round.pk}/packing/{point.pk}/").status_code == 403
    assert client.get(f"{ADMIN}/round/{round.pk}/statement/").status_code == 403
    for action in ("mark_paid", "cancel_selected"):
        act(client, action, [order])
    assert Order.objects.get(pk=order.pk).status == "pending"


# --- moving orders on -------------------------------------------------------------------


def test_bulk_steps_say_what_they_did_and_refuse_wrong_ones(
    client: Client, round: Round, point: PickupPoint
) -> None:
    item = RoundItemFactory(round=round)
    pending = make_order(round, [(item, 1)], point=point)
    paid = make_order(round, [(item, 1)], point=point, status="paid")
    client = staff(client, round.organisation)

    packing = act(client, "mark_packed", [pending, paid])
    again = act(client, "mark_packed", [paid])
    handed = act(client, "mark_handed_over", [pending, paid])

    assert packing.status_code == 200
    levels = dict(said(packing))
    assert levels["success"] == "1 order marked as packed."
    assert (
        levels["error"].startswith("1 order is not paid") and pending.reference in levels["error"]
    )
    assert said(again) == [("info", "1 selected order had taken this step already.")]
    assert ("success", "1 order marked as collected or shipped.") in said(handed)
    assert [Order.objects.get(pk=o.pk).status for o in (pending, paid)] == ["pending", "collected"]


def test_organisers_cancel_orders_through_the_ordering_service(
    client: Client, round: Round, point: PickupPoint
) -> None:
    item = RoundItemFactory(round=round, max_quantity=10)
    order = make_order(round, [(item, 4)], point=point, status="paid")
    client = staff(client, round.organisation)

    response = act(client, "cancel_selected", [order])

    order.refresh_from_db()
    item.refresh_from_db()
    assert ("success", "1 order cancelled.") in said(response)
    assert order.status == "cancelled" and order.cancelled_by == "organisers"
    assert item.sold == 0  # back in stock


def test_orders_are_found_by_reference_or_exact_email(
    client: Client, round: Round, point: PickupPoint
) -> None:
    item = RoundItemFactory(round=round)
    ana = make_order(round, [(item, 1)], point=point, email="Ana@Example.org")
    other = make_order(round, [(item, 1)], point=point, email="jon@example.org")
    client = staff(client, round.organisation)

    by_email = client.get(ORDERS, {"q": "ana@example.org"})
    by_reference = client.get(ORDERS, {"q": other.reference.lower().replace("-", "")})

    assert listed(by_email) == {ana.pk} and listed(by_reference) == {other.pk}
    assert "Ana@Example.org" not in client.get(ORDERS).content.decode()  # not in the list
    page = client.get(f"{ORDERS}{ana.pk}/change/").content.decode()
    assert "Ana@Example.org" in page and "Ana Gómez" in page


def test_the_order_list_costs_the_same_queries_for_many_rows(
    client: Client, round: Round, point: PickupPoint
) -> None:
    item = RoundItemFactory(round=round)
    client = staff(client, round.organisation)
    make_order(round, [(item, 1)], point=point)
    client.get(ORDERS)  # warm the content types and the session

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(ORDERS, {"round": round.pk}).status_code == 200
        return len(context.captured_queries)

    few = queries()
    for _ in range(15):
        make_order(round, [(item, 1)], point=point)
        make_order(round, [(item, 1)])
    many = queries()

    assert few == many == 15


# --- the round's documents ----------------------------------------------------------------


def test_the_print_pages_render_and_csv_downloads_are_audited_and_escaped(
    client: Client, round: Round, point: PickupPoint
) -> None:
    product = ProductFactory(name={"es": "Yerba mate", "en": "Mate tea"})
    item = RoundItemFactory(round=round, product=product, price_minor=1250)
    make_order(round, [(item, 2)], point=point, name="=cmd|'/c calc'!A1", status="paid")
    make_order(round, [(item, 1)], name="Jon Weiß", address="Hafenstraße 3")
    client = staff(client, round.organisation)
    coop = product.cooperative_id
    base = f"{ADMIN}/round/{round.pk}"

    round_page = client.get(f"{base}/change/").content.decode()
    purchase_order = client.get(f"{base}/purchase-order/{coop}/")
    packing = client.get(f"{base}/packing/{point.pk}/")
    shipping = client.get(f"{base}/packing/shipping/")
    summary = client.get(f"{base}/summary/")
    packing_csv = client.get(f"{base}/packing/{point.pk}/csv/")
    po_csv = client.get(f"{base}/purchase-order/{coop}/csv/")

    assert f"{base}/purchase-order/{coop}/" in round_page
    assert f"{base}/packing/{point.pk}/" in round_page and f"{base}/summary/" in round_page
    html = purchase_order.content.decode()
    assert '<article class="document" lang="es">' in html and "Yerba mate" in html
    assert "37,50" in html and "1 EUR = 1.050 ARS" in html and "cooperatives/console.css" in html
    # Packing lists are for the organisers' helpers: in the console's language.
    assert "=cmd" in packing.content.decode() and "2 × Mate tea" in packing.content.decode()
    assert "Hafenstraße 3" in shipping.content.decode()
    assert "private" in packing["Cache-Control"]
    assert summary.status_code == 200 and "Yerba mate" not in summary.content.decode()
    rows = list(csv.reader(io.StringIO(b"".join(packing_csv.streaming_content).decode())))
    assert rows[1][:2][1] == "'=cmd|'/c calc'!A1"
    po_rows = list(csv.reader(io.StringIO(po_csv.content.decode())))
    assert po_rows[1][0] == "Yerba mate" and po_rows[1][3] == "3"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "cooperatives.packing_list_viewed",
        "cooperatives.packing_list_exported",
        "cooperatives.purchase_order_exported",
    } <= actions


def test_round_items_take_prices_in_the_organisers_notation(client: Client, round: Round) -> None:
    cooperative = CooperativeFactory()
    product = ProductFactory(cooperative=cooperative)
    client = staff(client, round.organisation)
    page = client.get(f"{ADMIN}/round/{round.pk}/change/")
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if isinstance(value, (str, int, bool)) and value is not False
    }
    data.update(
        {
            "organisation": round.organisation_id,
            "title_0": "Sammelbestellung",
            "bank_details_0": "IBAN DE89 3704 0044 0532 0130 00",
            "opens_at_0": round.opens_at.strftime("%Y-%m-%d"),
            "opens_at_1": round.opens_at.strftime("%H:%M:%S"),
            "closes_at_0": round.closes_at.strftime("%Y-%m-%d"),
            "closes_at_1": round.closes_at.strftime("%H:%M:%S"),
            "exchange_rate": "1050",
            "shipping_fee": "6,90",
            "country": "DE",
            "currency": "EUR",
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-0-product": product.pk,
            "items-0-price": "1.234,50",
            "items-0-max_quantity": "100",
            "items-0-position": "0",
            "pickup_points-TOTAL_FORMS": "0",
            "pickup_points-INITIAL_FORMS": "0",
        }
    )

    with_comma = client.post(f"{ADMIN}/round/{round.pk}/change/", data, HTTP_ACCEPT_LANGUAGE="de")
    data["items-0-price"] = "zwölf"
    refused = client.post(f"{ADMIN}/round/{round.pk}/change/", data)

    assert with_comma.status_code == 302
    (item,) = round.items.all()
    assert item.price_minor == 123450 and item.max_quantity == 100
    assert refused.status_code == 200
    assert "Write the amount as a number" in refused.content.decode()
    assert Cooperative.objects.count() >= 1


def test_a_published_round_needs_bank_details_and_a_closed_round_keeps_its_dates(
    client: Client, round: Round
) -> None:
    client = staff(client, round.organisation)
    page = client.get(f"{ADMIN}/round/{round.pk}/change/")
    data = {
        "organisation": round.organisation_id,
        "slug": round.slug,
        "title_0": "Sammelbestellung",
        "opens_at_0": round.opens_at.strftime("%Y-%m-%d"),
        "opens_at_1": round.opens_at.strftime("%H:%M:%S"),
        "closes_at_0": round.closes_at.strftime("%Y-%m-%d"),
        "closes_at_1": round.closes_at.strftime("%H:%M:%S"),
        "time_zone": round.time_zone,
        "payment_days": "7",
        "exchange_rate": "1050",
        "shipping_fee": "",
        "country": "DE",
        "currency": "EUR",
        "published": "on",
        "items-TOTAL_FORMS": "0",
        "items-INITIAL_FORMS": "0",
        "pickup_points-TOTAL_FORMS": "0",
        "pickup_points-INITIAL_FORMS": "0",
    }
    assert page.status_code == 200

    refused = client.post(f"{ADMIN}/round/{round.pk}/change/", data)

    assert refused.status_code == 200  # the form again, with the error
    errors = refused.context["adminform"].form.errors
    assert "bank_details" in errors

    # Cards only where Stripe is configured (the tests configure none).
    data.update({"bank_details_0": "IBAN DE89 3704 0044 0532 0130 00", "card_payments": "on"})
    no_stripe = client.post(f"{ADMIN}/round/{round.pk}/change/", data)
    assert no_stripe.status_code == 200
    assert "STRIPE_SECRET_KEY" in str(no_stripe.context["adminform"].form.errors["card_payments"])
    round.refresh_from_db()
    assert not round.card_payments

    Round.objects.filter(pk=round.pk).update(closed_at=round.closes_at)
    closed = client.get(f"{ADMIN}/round/{round.pk}/change/")
    fields = closed.context["adminform"].form.fields
    assert "closes_at" not in fields and "opens_at" not in fields
