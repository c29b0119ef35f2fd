"""What a buying round's documents say: the purchase order for each cooperative,
the packing lists per pickup point and for shipping, and the round's summary.

Reads only (the console's pages, the CSV files and the emails of `fulfilment`
share them, so a document and its email never disagree). Every figure is
computed from the order lines here, not taken from the totals kept for the
public pages: these are the documents money and goods move by.

Which orders count: every order that is not cancelled. Paid ones, and those
packed or handed over since (they were paid first); and pending ones, which are
still expected to be paid (see `fulfilment.round_close` for how those are treated
once the round has closed).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal
from django.conf import settings
from django.db.models import Count, Prefetch, QuerySet, Sum
from django.utils import translation
from django.utils.translation import gettext as _

from solidaria.core.rendering.i18n import localize
from solidaria.core.rendering.money import Money, to_major

from .models import (
    DIRECTORY_LANGUAGES,
    Cooperative,
    Order,
    OrderLine,
    PickupPoint,
    ProductVariant,
    Round,
    RoundItem,
)

# Purchase orders are written to the cooperatives in Spanish.
PURCHASE_ORDER_LANGUAGE = "es"


def counted_orders(round: Round) -> QuerySet[Order]:
    """The round's orders that the cooperatives are asked for: all but the cancelled."""
    return Order.objects.filter(round=round).exclude(status=Order.Status.CANCELLED)


def rate_text(round: Round, *, language: str | None = None) -> str:
    """The round's exchange rate as its documents state it: "1 EUR = 1.050,5 ARS"."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    rate = format_decimal(round.exchange_rate.normalize(), locale=language, format="#,##0.####")
    return f"1 {round.currency} = {rate} ARS"


def amount_text(minor: int, currency: str, *, language: str | None = None) -> str:
    """An amount as a number an organiser types back in their own notation (no symbol)."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    major = to_major(minor, currency)
    pattern = "#,##0.00" if major != major.to_integral_value() else "#,##0"
    return str(format_decimal(major, locale=language, format=pattern, decimal_quantization=False))


# --- purchase orders ---------------------------------------------------------------------


@dataclass(frozen=True)
class PurchaseOrderLine:
    product: str
    variant: str
    unit: str
    quantity: int
    unit_price: Money
    total: Money
    # This line alone at the round's rate; the document's total in pesos converts the
    # total (the one rounding rule), so the lines may differ from it by a centavo.
    total_pesos: Money


@dataclass
class PurchaseOrder:
    round: Round
    cooperative: Cooperative
    lines: list[PurchaseOrderLine] = field(default_factory=list)

    @property
    def quantity(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def total(self) -> Money:
        return Money(sum(line.total.minor for line in self.lines), self.round.currency)

    @property
    def total_pesos(self) -> Money:
        return self.round.to_pesos(self.total.minor)


def purchase_orders(
    round: Round, *, language: str = PURCHASE_ORDER_LANGUAGE, cooperative_id: int | None = None
) -> list[PurchaseOrder]:
    """One purchase order per cooperative that was ordered from, by cooperative name;
    products and variants named in `language`. Three queries, whatever the size."""
    lines = OrderLine.objects.filter(order__in=counted_orders(round))
    if cooperative_id is not None:
        lines = lines.filter(item__product__cooperative_id=cooperative_id)
    rows = list(
        lines.order_by()
        .values("item_id", "variant_id", "unit_price_minor")
        .annotate(quantity=Sum("quantity"))
    )
    items = {
        item.pk: item
        for item in RoundItem.objects.filter(pk__in={row["item_id"] for row in rows})
        .select_related("product__cooperative")
        .order_by()
    }
    variant_ids = {row["variant_id"] for row in rows if row["variant_id"]}
    variants = (
        {variant.pk: variant for variant in ProductVariant.objects.filter(pk__in=variant_ids)}
        if variant_ids
        else {}
    )

    def name(text: object) -> str:
        return str(localize(text, languages=DIRECTORY_LANGUAGES, requested=language))

    def order_key(row: Any) -> tuple[int, int, int, int, int]:  # Any: a values() row
        item = items[row["item_id"]]
        variant = variants.get(row["variant_id"]) if row["variant_id"] else None
        return (
            item.position,
            item.product.position,
            item.product_id,
            variant.position if variant else -1,
            row["variant_id"] or 0,
        )

    by_cooperative: dict[int, PurchaseOrder] = {}
    for row in sorted(rows, key=order_key):
        item = items[row["item_id"]]
        cooperative = item.product.cooperative
        purchase_order = by_cooperative.setdefault(
            cooperative.pk, PurchaseOrder(round=round, cooperative=cooperative)
        )
        variant = variants.get(row["variant_id"]) if row["variant_id"] else None
        total_minor = row["quantity"] * row["unit_price_minor"]
        purchase_order.lines.append(
            PurchaseOrderLine(
                product=name(item.product.name),
                variant=name(variant.name) if variant else "",
                unit=name(item.product.unit),
                quantity=row["quantity"],
                unit_price=Money(row["unit_price_minor"], round.currency),
                total=Money(total_minor, round.currency),
                total_pesos=round.to_pesos(total_minor),
            )
        )
    return sorted(by_cooperative.values(), key=lambda po: po.cooperative.name.casefold())


def purchase_order_csv_header() -> list[str]:
    """In the active language: the cooperative reads the file (in Spanish)."""
    return [
        _("Product"),
        _("Variant"),
        _("Unit"),
        _("Quantity"),
        _("Unit price"),
        _("Total"),
        _("Currency"),
        _("Total in pesos"),
        _("Exchange rate"),
    ]


def purchase_order_csv_rows(purchase_order: PurchaseOrder) -> Iterator[list[object]]:
    """The amounts as plain decimals (numbers a sheet adds up), the last row the total."""
    round = purchase_order.round
    rate: Decimal = round.exchange_rate
    for line in purchase_order.lines:
        yield [
            line.product,
            line.variant,
            line.unit,
            line.quantity,
            line.unit_price.major,
            line.total.major,
            round.currency,
            line.total_pesos.major,
            rate,
        ]
    yield [
        _("Total"),
        "",
        "",
        purchase_order.quantity,
        "",
        purchase_order.total.major,
        round.currency,
        purchase_order.total_pesos.major,
        rate,
    ]


# --- packing lists -----------------------------------------------------------------------


@dataclass(frozen=True)
class PackingLine:
    product: str
    variant: str
    cooperative: str
    quantity: int


@dataclass
class PackingOrder:
    order: Order
    lines: list[PackingLine]

    @property
    def name(self) -> str:
        return self.order.name


@dataclass
class PackingList:
    round: Round
    pickup_point: PickupPoint | None  # None: the orders to be shipped
    orders: list[PackingOrder]

    @property
    def totals(self) -> list[PackingLine]:
        """What to bring to the point (or to the post office): every product, summed."""
        summed: dict[tuple[str, str, str], int] = defaultdict(int)
        for packing in self.orders:
            for line in packing.lines:
                summed[(line.cooperative, line.product, line.variant)] += line.quantity
        return [
            PackingLine(product=product, variant=variant, cooperative=cooperative, quantity=n)
            for (cooperative, product, variant), n in summed.items()
        ]


def packing_list(round: Round, *, pickup_point: PickupPoint | None) -> PackingList:
    """The orders to hand over at `pickup_point` (or to ship, when None), by the
    buyer's name, with their lines; names decrypted here, for the page or file only.
    Two queries."""
    orders = counted_orders(round).prefetch_related(
        Prefetch(
            "lines",
            queryset=OrderLine.objects.select_related(
                "item__product__cooperative", "variant"
            ).order_by("item__position", "item_id", "pk"),
        )
    )
    if pickup_point is None:
        orders = orders.filter(delivery=Order.Delivery.SHIPPING)
    else:
        orders = orders.filter(delivery=Order.Delivery.PICKUP, pickup_point=pickup_point)
    languages = DIRECTORY_LANGUAGES

    def name(text: object) -> str:
        return str(localize(text, languages=languages))

    packed = [
        PackingOrder(
            order=order,
            lines=[
                PackingLine(
                    product=name(line.item.product.name),
                    variant=name(line.variant.name) if line.variant else "",
                    cooperative=line.item.product.cooperative.name,
                    quantity=line.quantity,
                )
                for line in order.lines.all()
            ],
        )
        for order in orders.order_by("pk")
    ]
    packed.sort(key=lambda packing: (packing.name.casefold(), packing.order.reference))
    return PackingList(round=round, pickup_point=pickup_point, orders=packed)


PACKING_CSV_HEADER = (
    "reference",
    "name",
    "status",
    "address",
    "postcode",
    "city",
    "cooperative",
    "product",
    "variant",
    "quantity",
)


def packing_csv_rows(packing: PackingList) -> Iterator[list[object]]:
    """One row per order line, so that a sheet can sort and filter them."""
    shipping = packing.pickup_point is None
    for entry in packing.orders:
        order = entry.order
        for line in entry.lines:
            yield [
                order.reference,
                order.name,
                order.status,
                order.address if shipping else "",
                order.postcode if shipping else "",
                order.city if shipping else "",
                line.cooperative,
                line.product,
                line.variant,
                line.quantity,
            ]


# --- the round's summary ----------------------------------------------------------------


@dataclass(frozen=True)
class StatusRow:
    status: str
    label: str
    count: int
    total: Money


@dataclass
class RoundSummary:
    round: Round
    by_status: list[StatusRow]
    purchase_orders: list[PurchaseOrder]
    by_pickup_point: list[tuple[PickupPoint, int]]
    shipped_orders: int

    @property
    def counted(self) -> Money:
        return Money(
            sum(row.total.minor for row in self.by_status if row.status != Order.Status.CANCELLED),
            self.round.currency,
        )

    @property
    def unpaid(self) -> StatusRow | None:
        return next((row for row in self.by_status if row.status == Order.Status.PENDING), None)

    @property
    def total(self) -> Money:
        return Money(sum(po.total.minor for po in self.purchase_orders), self.round.currency)

    @property
    def total_pesos(self) -> Money:
        return self.round.to_pesos(self.total.minor)


def round_summary(round: Round, *, language: str | None = None) -> RoundSummary:
    """Orders by status (with what they come to, shipping included), what each
    cooperative is asked for, and how many orders go to each pickup point."""
    totals = {
        row["status"]: row
        for row in Order.objects.filter(round=round)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"), items_sum=Sum("items_minor"), shipping_sum=Sum("shipping_minor"))
    }
    by_status = [
        StatusRow(
            status=value,
            label=str(label),
            count=totals[value]["n"],
            total=Money(
                (totals[value]["items_sum"] or 0) + (totals[value]["shipping_sum"] or 0),
                round.currency,
            ),
        )
        for value, label in Order.Status.choices
        if value in totals
    ]
    points = {
        row["pickup_point"]: row["n"]
        for row in counted_orders(round)
        .filter(delivery=Order.Delivery.PICKUP)
        .order_by()
        .values("pickup_point")
        .annotate(n=Count("pk"))
    }
    by_point = [(point, points.get(point.pk, 0)) for point in round.pickup_points.all()]
    shipped = counted_orders(round).filter(delivery=Order.Delivery.SHIPPING).count()
    return RoundSummary(
        round=round,
        by_status=by_status,
        purchase_orders=purchase_orders(
            round, language=language or translation.get_language() or settings.LANGUAGE_CODE
        ),
        by_pickup_point=by_point,
        shipped_orders=shipped,
    )
