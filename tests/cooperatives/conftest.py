"""A buying round open now with two cooperatives' products (one limited, one in
sizes), two pickup points and shipping within Germany, and helpers to order from it
as the ordering service and as the round page's form do."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import translation

from solidaria.cooperatives.forms import order_token_scope
from solidaria.cooperatives.models import (
    Cooperative,
    Order,
    PickupPoint,
    ProductVariant,
    Round,
    RoundItem,
)
from solidaria.cooperatives.ordering import (
    DeliveryRequest,
    LineRequest,
    PlacedOrder,
    order_place,
    orders_follow_up,
    price_field_name,
    quantity_field_name,
)
from solidaria.cooperatives.rounds import round_ordering_forget
from solidaria.core.web.formguard import form_token
from tests.cooperatives.factories import (
    CooperativeFactory,
    PickupPointFactory,
    ProductFactory,
    ProductVariantFactory,
    RoundFactory,
    RoundItemFactory,
)
from tests.stripe_stand_in import stripe_api  # noqa: F401  (the stand-in for Stripe)


@pytest.fixture(autouse=True)
def _fresh_round_for_ordering() -> Any:
    """Each test orders from the round as it is now, not as another test's request
    left it in this process's cache (`rounds.round_for_ordering`)."""
    round_ordering_forget()
    yield
    round_ordering_forget()


@dataclass
class Shop:
    round: Round
    yerba_coop: Cooperative
    textile_coop: Cooperative
    yerba: RoundItem  # limited to 10, 8.50 €
    shirt: RoundItem  # sizes M and L, 15.00 €
    medium: ProductVariant
    large: ProductVariant
    berlin: PickupPoint
    hamburg: PickupPoint


@pytest.fixture
def shop(db: Any) -> Shop:
    round = RoundFactory(slug="berlin-round")
    yerba_coop = CooperativeFactory(name="Cooperativa Yerbatera")
    textile_coop = CooperativeFactory(name="Textiles Pigüé", sector="textiles")
    yerba = RoundItemFactory(
        round=round,
        product=ProductFactory(
            cooperative=yerba_coop, name={"es": "Yerba mate", "en": "Yerba mate", "de": "Mate"}
        ),
        price_minor=850,
        max_quantity=10,
        position=1,
    )
    shirt_product = ProductFactory(
        cooperative=textile_coop,
        name={"es": "Remera", "en": "T-shirt", "de": "T-Shirt"},
        unit={"es": "una remera", "en": "a T-shirt"},
    )
    medium = ProductVariantFactory(product=shirt_product, name={"es": "M", "en": "M"}, position=1)
    large = ProductVariantFactory(product=shirt_product, name={"es": "L", "en": "L"}, position=2)
    shirt = RoundItemFactory(round=round, product=shirt_product, price_minor=1500, position=2)
    berlin = PickupPointFactory(round=round, name="Laden Kreuzberg", city="Berlin", position=1)
    hamburg = PickupPointFactory(round=round, name="Café Altona", city="Hamburg", position=2)
    return Shop(round, yerba_coop, textile_coop, yerba, shirt, medium, large, berlin, hamburg)


Line = tuple[RoundItem, int] | tuple[RoundItem, ProductVariant | None, int]


def line_requests(lines: Sequence[Line]) -> list[LineRequest]:
    requests = []
    for line in lines:
        if len(line) == 2:
            item, quantity = line
            variant = None
        else:
            item, variant, quantity = line
        requests.append(
            LineRequest(
                item_id=item.pk, variant_id=variant.pk if variant else None, quantity=quantity
            )
        )
    return requests


def place(
    round: Round,
    lines: Sequence[Line],
    *,
    point: PickupPoint | None = None,
    email: str = "ana@example.org",
    name: str = "Ana Gómez",
    language: str = "es",
    follow_up: bool = True,
    **kwargs: Any,
) -> PlacedOrder:
    """An order as the round page sends it, at the prices of now, and what follows
    it (its email, the cooperatives' totals) done as the scheduler does a moment
    later; `follow_up=False` leaves that owed."""
    prices = {item.pk: item.price_minor for item in RoundItem.objects.filter(round=round)}
    delivery = kwargs.pop(
        "delivery",
        DeliveryRequest(pickup_point_id=point.pk)
        if point is not None
        else DeliveryRequest(
            address="Oranienstraße 1", postcode="10999", city="Berlin", country="DE"
        ),
    )
    placed = order_place(
        round=round,
        lines=line_requests(lines),
        delivery=delivery,
        prices_seen=kwargs.pop("prices_seen", prices),
        currency=kwargs.pop("currency", round.currency),
        name=name,
        email=email,
        language=language,
        **kwargs,
    )
    if follow_up:
        orders_follow_up()
        placed.order.refresh_from_db()
    return placed


def order_form(shop: Shop, lines: Sequence[Line] = (), **fields: Any) -> dict[str, Any]:
    """The round page's form as a browser sends it: every quantity (0 if not ordered),
    the prices shown, a pickup point, name and email."""
    round = shop.round
    data: dict[str, Any] = {
        quantity_field_name(shop.yerba.pk): 0,
        quantity_field_name(shop.shirt.pk, shop.medium.pk): 0,
        quantity_field_name(shop.shirt.pk, shop.large.pk): 0,
        price_field_name(shop.yerba.pk): shop.yerba.price_minor,
        price_field_name(shop.shirt.pk): shop.shirt.price_minor,
        "p_shipping": round.shipping_fee_minor,
        "delivery": "pickup",
        "pickup_point": shop.berlin.pk,
        "address": "",
        "postcode": "",
        "city": "",
        "country": "DE",
        "name": "Ana María Gómez",
        "email": "ana@example.org",
        "currency": round.currency,
        "form_token": form_token(order_token_scope(round)),
        "website": "",
    }
    for line in lines:
        if len(line) == 2:
            item, quantity = line
            data[quantity_field_name(item.pk)] = quantity
        else:
            item, variant, quantity = line
            data[quantity_field_name(item.pk, variant.pk if variant else None)] = quantity
    data.update(fields)
    return data


def in_language(language: str, message: str) -> str:
    """`message` (an English source string) as gettext gives it in `language`."""
    with translation.override(language):
        return translation.gettext(message)


def active_lines_sum(item: RoundItem) -> int:
    from django.db.models import Sum

    from solidaria.cooperatives.models import OrderLine

    total = (
        OrderLine.objects.filter(item=item)
        .exclude(order__status=Order.Status.CANCELLED)
        .aggregate(n=Sum("quantity"))["n"]
    )
    return int(total or 0)
