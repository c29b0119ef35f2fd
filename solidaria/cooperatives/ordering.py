"""Ordering in a buying round, without an account: placing an order, changing or
cancelling it from its private page until the round closes, the organisers'
cancellations, and cancelling what was not paid in time.

Each service checks the round's rules first (nothing is looked up twice, nothing
is written) and then changes everything in one transaction: a refusal stores
nothing and sends nothing. Emails are queued through core's outbox in the buyer's
language; the templates reverse their links when the message is rendered, so the
context carries only what a URL needs (the order page's token; the context is
stored encrypted).

Stock is `RoundItem.sold`, raised only by a conditional UPDATE that the database
refuses past `max_quantity` (and the check constraint `round_item_never_oversold`
behind it), or when the item's price is no longer the one the buyer saw: a
limited item is never oversold, however many order at once, and nothing locks the
round while the stock is counted.

Placing an order is the hot path of a busy round (bench/orders.py), so it does
only what must happen before the buyer is answered: the stock, the order and its
lines, and the round's own totals (`ordered_minor`, `orders_count`), whose
conditional UPDATE also refuses an order racing the round's closing. What
follows (each cooperative's totals in `RoundSupplier`, the round's
`cooperatives_count`, the buyer's email and the audit entry) is owed on the order
(`Order.follow_up_owed`) and done in batches by `orders_follow_up`, which the
scheduler runs every couple of seconds; changing, cancelling or closing do what
is owed first.

Rows are locked in one order everywhere, so that two transactions never wait for
each other: orders by id, then the round's items by id, then the round's row,
then the suppliers by cooperative id.

Card payments (Stripe Checkout) start after `order_place`, in `card`; a bank
transfer order gets a reference from `core.banking` and the round's bank details.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Model, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from solidaria.core.banking import new_reference
from solidaria.core.db.rates import arriving_faster_than
from solidaria.core.db.rows import RowInserter
from solidaria.core.mail.outbox import email_prepare, email_queue, email_queue_all
from solidaria.core.models import AuditEntry, OutgoingEmail
from solidaria.core.payments.client import card_payments_enabled
from solidaria.core.privacy import pii
from solidaria.core.privacy.audit import Actor, audit_entry, audit_log, audit_log_all
from solidaria.core.privacy.tokens import new_token
from solidaria.core.rendering.i18n import language_codes, localize
from solidaria.core.rendering.money import format_money
from solidaria.core.validators import email_address, validate_no_control_characters
from solidaria.organisations.selectors import contact_email_for
from solidaria.supporters.services import (
    consent_record_once,
    consent_text_at,
    supporter_acted,
    supporter_get_or_create,
)

from .exceptions import (
    OrderLocked,
    OrderRefused,
    PriceChanged,
    RoundClosed,
    SoldOut,
)
from .models import (
    DIRECTORY_LANGUAGES,
    Order,
    OrderLine,
    PickupPoint,
    ProductVariant,
    Round,
    RoundItem,
    RoundSupplier,
)
from .rounds import Offer, RoundPage, round_ordering_forget

logger = logging.getLogger(__name__)

# Bank references: see core.banking (the defense fund's pledges use "DF").
REFERENCE_PREFIX = "BR"
# Limits of what people type (the forms use the same).
QUANTITY_MAX = 99
LINES_MAX = 100
NAME_MAX = 120
ADDRESS_MAX = 300
POSTCODE_MAX = 20
CITY_MAX = 100
# The same order sent again within this time (same address, same lines) is the
# same order: a double click, a reload.
ORDER_REPEAT_WINDOW = timedelta(minutes=10)
# Unpaid orders cancelled per transaction after the grace period.
CANCEL_SLICE = 50
# Drawing a free bank reference: a clash is rare (30^8 references per prefix).
REFERENCE_ATTEMPTS = 5


# --- what the forms send ---------------------------------------------------------------


@dataclass(frozen=True)
class LineRequest:
    """One line as the buyer asks for it: an item of the round, perhaps one of its
    product's variants, and a whole number of them."""

    item_id: int
    variant_id: int | None
    quantity: int


@dataclass(frozen=True)
class DeliveryRequest:
    """A pickup point of the round, or shipping to an address in the round's country."""

    pickup_point_id: int | None = None
    address: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""

    @property
    def ships(self) -> bool:
        return self.pickup_point_id is None


def quantity_field_name(item_id: int, variant_id: int | None = None) -> str:
    """The order form's field for a line; refusals name it, so the form shows them
    beside the quantity."""
    return f"q_{item_id}" if variant_id is None else f"q_{item_id}_{variant_id}"


def price_field_name(item_id: int) -> str:
    """The hidden field with the price the buyer saw."""
    return f"p_{item_id}"


# --- checks ---------------------------------------------------------------------------------


def _text(value: str, *, most: int, empty: str, too_long: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise OrderRefused(empty, field=field)
    if len(value) > most:
        raise OrderRefused(too_long % {"most": most}, field=field)
    try:
        validate_no_control_characters(value)
    except ValidationError as exc:
        raise OrderRefused(" ".join(exc.messages), field=field) from exc
    return value


def _email(value: str) -> str:
    try:
        return email_address(value)
    except ValidationError as exc:
        raise OrderRefused(" ".join(exc.messages), field="email") from exc


def card_payment_offered(round: Round) -> bool:
    """The round takes cards, and card payments are configured on this site."""
    return round.card_payments and card_payments_enabled()


def _site_language(language: str) -> str:
    return language if language in language_codes() else settings.LANGUAGE_CODE


def _check_open(round: Round, now: datetime) -> None:
    if not round.published or now < round.opens_at:
        raise RoundClosed(_("This buying round is not open for orders yet."))
    if now >= round.closes_at or round.closed_at is not None:
        raise RoundClosed(_("This buying round has closed: it takes no more orders."))


def _item_name(item: RoundItem, language: str) -> str:
    return str(localize(item.product.name, languages=DIRECTORY_LANGUAGES, requested=language))


def _variant_name(variant: ProductVariant | None, language: str) -> str:
    if variant is None:
        return ""
    return str(localize(variant.name, languages=DIRECTORY_LANGUAGES, requested=language))


def _items_and_variants(
    round: Round, item_ids: set[int], offers: Sequence[Offer] | None
) -> tuple[dict[int, RoundItem], dict[int, list[ProductVariant]]]:
    """The round's items of these ids with their products, and the products' variants."""
    variants: dict[int, list[ProductVariant]] = defaultdict(list)
    if offers is not None:
        chosen = [offer for offer in offers if offer.item.pk in item_ids]
        for offer in chosen:
            variants[offer.item.product_id] = offer.variants
        return {offer.item.pk: offer.item for offer in chosen}, variants
    items = {
        item.pk: item
        for item in RoundItem.objects.filter(round=round, pk__in=item_ids).select_related("product")
    }
    for found in ProductVariant.objects.filter(
        product_id__in={item.product_id for item in items.values()}
    ):
        variants[found.product_id].append(found)
    return items, variants


@dataclass(frozen=True)
class _Line:
    """A line checked against the round: the item (with its product) and variant."""

    item: RoundItem
    variant: ProductVariant | None
    quantity: int

    @property
    def minor(self) -> int:
        return self.quantity * self.item.price_minor


def _check_lines(
    round: Round,
    lines: Sequence[LineRequest],
    language: str,
    offers: Sequence[Offer] | None = None,
) -> list[_Line]:
    """The lines with their items and variants: from `offers` (the round's items
    already loaded for the form), else in two queries whatever their number.
    Quantity 0 is "not ordered" and is left out by the form; here every line must
    be a whole number from 1 to QUANTITY_MAX, once per item and variant."""
    if not lines:
        raise OrderRefused(_("Your order is empty: enter how many you want of at least one item."))
    if len(lines) > LINES_MAX:
        raise OrderRefused(
            _("An order can have at most %(most)s lines.") % {"most": LINES_MAX}, field=""
        )
    seen: set[tuple[int, int | None]] = set()
    for line in lines:
        field = quantity_field_name(line.item_id, line.variant_id)
        if isinstance(line.quantity, bool) or not isinstance(line.quantity, int):
            raise OrderRefused(_("Enter a whole number."), field=field)
        if not 1 <= line.quantity <= QUANTITY_MAX:
            raise OrderRefused(
                _("Enter a whole number from 1 to %(most)s.") % {"most": QUANTITY_MAX},
                field=field,
            )
        if (line.item_id, line.variant_id) in seen:
            raise OrderRefused(_("The same item is in the order twice."), field=field)
        seen.add((line.item_id, line.variant_id))
    items, variants = _items_and_variants(round, {line.item_id for line in lines}, offers)
    checked = []
    for line in lines:
        field = quantity_field_name(line.item_id, line.variant_id)
        item = items.get(line.item_id)
        if item is None:
            raise OrderRefused(_("One of the items is not offered in this round."), field=field)
        if not item.product.available:
            raise OrderRefused(
                _("“%(product)s” has been withdrawn: it can no longer be ordered.")
                % {"product": _item_name(item, language)},
                field=field,
            )
        own = {variant.pk: variant for variant in variants.get(item.product_id, [])}
        variant: ProductVariant | None = None
        if line.variant_id is not None:
            variant = own.get(line.variant_id)
            if variant is None:
                raise OrderRefused(
                    _("Choose a size or kind that “%(product)s” comes in.")
                    % {"product": _item_name(item, language)},
                    field=field,
                )
            if not variant.available:
                raise OrderRefused(
                    _("“%(product)s” is no longer offered in “%(variant)s”.")
                    % {
                        "product": _item_name(item, language),
                        "variant": _variant_name(variant, language),
                    },
                    field=field,
                )
        elif own:
            raise OrderRefused(
                _("Choose a size or kind of “%(product)s”.")
                % {"product": _item_name(item, language)},
                field=field,
            )
        checked.append(_Line(item=item, variant=variant, quantity=line.quantity))
    return checked


def _check_prices(
    round: Round,
    lines: Sequence[_Line],
    prices_seen: Mapping[int, int],
    shipping_seen_minor: int | None,
    delivery: DeliveryRequest,
) -> None:
    """The prices the buyer saw must be those of now; else they see the new ones and
    confirm them (nothing is stored)."""
    changed = {
        line.item.pk: line.item.price_minor
        for line in lines
        if prices_seen.get(line.item.pk) != line.item.price_minor
    }
    shipping_changed = (
        delivery.ships
        and shipping_seen_minor is not None
        and shipping_seen_minor != round.shipping_fee_minor
    )
    if changed or shipping_changed:
        raise _prices_changed(
            changed, shipping_minor=round.shipping_fee_minor if shipping_changed else None
        )


def _prices_changed(prices: Mapping[int, int], shipping_minor: int | None = None) -> PriceChanged:
    return PriceChanged(
        _(
            "Some prices have changed since you opened the page. Please check the new "
            "prices and send your order again to confirm them."
        ),
        prices=prices,
        shipping_minor=shipping_minor,
    )


@dataclass(frozen=True)
class _Delivery:
    kind: str
    pickup_point: PickupPoint | None
    address: str
    postcode: str
    city: str
    shipping_minor: int


def _check_delivery(
    round: Round, delivery: DeliveryRequest, points: Sequence[PickupPoint] | None = None
) -> _Delivery:
    """`points`: the round's pickup points if already loaded (else one query)."""
    if delivery.pickup_point_id is not None:
        if points is not None:
            point = next((p for p in points if p.pk == delivery.pickup_point_id), None)
        else:
            point = PickupPoint.objects.filter(pk=delivery.pickup_point_id, round=round).first()
        if point is None:
            raise OrderRefused(_("Choose one of this round's pickup points."), field="pickup_point")
        return _Delivery(Order.Delivery.PICKUP, point, "", "", "", 0)
    if not round.ships or round.shipping_fee_minor is None:
        raise OrderRefused(
            _("This round does not ship orders: choose a pickup point."), field="pickup_point"
        )
    if (delivery.country or "").strip().upper() != str(round.country):
        raise OrderRefused(
            _("This round ships only within %(country)s.") % {"country": round.country.name},
            field="country",
        )
    address = _text(
        delivery.address,
        most=ADDRESS_MAX,
        empty=_("Enter the street and number to ship to."),
        too_long=_("The address is longer than %(most)s characters."),
        field="address",
    )
    postcode = _text(
        delivery.postcode,
        most=POSTCODE_MAX,
        empty=_("Enter the postcode."),
        too_long=_("The postcode is longer than %(most)s characters."),
        field="postcode",
    )
    city = _text(
        delivery.city,
        most=CITY_MAX,
        empty=_("Enter the city."),
        too_long=_("The city is longer than %(most)s characters."),
        field="city",
    )
    return _Delivery(
        Order.Delivery.SHIPPING, None, address, postcode, city, round.shipping_fee_minor
    )


# --- stock and kept totals ----------------------------------------------------------------


class _Short(Exception):
    """Inside the transaction: this item has fewer left than asked, or its price is
    no longer the one checked; it rolls back."""

    def __init__(self, item: RoundItem, wanted: int) -> None:
        self.item = item
        self.wanted = wanted


def _per_item(lines: Sequence[_Line]) -> dict[int, int]:
    """Quantities by item (variants of one item share its stock), by item id."""
    totals: dict[int, int] = defaultdict(int)
    for line in lines:
        totals[line.item.pk] += line.quantity
    return dict(sorted(totals.items()))


def _columns(model: type[Model], *names: str) -> list[str]:
    columns = {field.name: str(field.column) for field in model._meta.concrete_fields}
    return [columns[name] for name in names]


def _stock_sql() -> str:
    """The stock's conditional UPDATE, written once: built by the ORM it cost an
    order more than the database's own work (bench/orders.py)."""
    table = RoundItem._meta.db_table
    sold, price, most = _columns(RoundItem, "sold", "price_minor", "max_quantity")
    return (
        f'UPDATE "{table}" SET "{sold}" = "{sold}" + %s '  # noqa: S608  names from the model
        f'WHERE "id" = %s AND "{price}" = %s '
        f'AND ("{most}" IS NULL OR "{sold}" + %s <= "{most}")'
    )


_STOCK_TAKE = _stock_sql()


def _stock_take(item: RoundItem, quantity: int) -> None:
    """`UPDATE … SET sold = sold + q WHERE pk = … AND price_minor = <the price
    checked> AND (max_quantity IS NULL OR sold + q <= max_quantity)`: no row changed
    means not enough left, or a new price (`_refusal_of_short` tells which)."""
    with connection.cursor() as cursor:
        cursor.execute(_STOCK_TAKE, [quantity, item.pk, item.price_minor, quantity])
        taken = cursor.rowcount
    if not taken:
        raise _Short(item, quantity)


def _stock_release(item_id: int, quantity: int) -> None:
    RoundItem.objects.filter(pk=item_id, sold__gte=quantity).update(sold=F("sold") - quantity)


def _refusal_of_short(
    short: _Short, lines: Sequence[_Line], language: str
) -> SoldOut | PriceChanged:
    """Why the stock was not taken, read after the rollback: a price changed since
    it was checked (the order's lines were checked against a page of a moment ago),
    or fewer are left than asked."""
    now = dict(
        RoundItem.objects.filter(pk__in={line.item.pk for line in lines}).values_list(
            "pk", "price_minor"
        )
    )
    changed = {
        line.item.pk: now[line.item.pk]
        for line in lines
        if line.item.pk in now and now[line.item.pk] != line.item.price_minor
    }
    if changed:
        return _prices_changed(changed)
    return _sold_out(short, language)


def _sold_out(short: _Short, language: str) -> SoldOut:
    """The refusal, with how many are left as of now (read after the rollback)."""
    item = short.item
    row = RoundItem.objects.filter(pk=item.pk).values("sold", "max_quantity").first()
    left = 0
    if row is not None and row["max_quantity"] is not None:
        left = max(row["max_quantity"] - row["sold"], 0)
    name = _item_name(item, language)
    if left == 0:
        message = _("“%(product)s” is sold out.") % {"product": name}
    else:
        message = ngettext(
            "Only %(left)s of “%(product)s” is left: please order at most that many.",
            "Only %(left)s of “%(product)s” are left: please order at most that many.",
            left,
        ) % {"left": left, "product": name}
    return SoldOut(message, item_id=item.pk, left=left)


def _supplier_add(round_id: int, cooperative_id: int, quantity: int, minor: int) -> None:
    """Moves one cooperative's kept totals in the round (its row is made at its first
    order)."""
    rows = RoundSupplier.objects.filter(round_id=round_id, cooperative_id=cooperative_id)
    if rows.update(quantity=F("quantity") + quantity, ordered_minor=F("ordered_minor") + minor):
        return
    if quantity <= 0:
        return  # nothing was ordered from it: nothing to take back
    try:
        with transaction.atomic():
            RoundSupplier.objects.create(
                round_id=round_id,
                cooperative_id=cooperative_id,
                quantity=quantity,
                ordered_minor=minor,
            )
    except IntegrityError:  # another transaction made the row a moment ago
        _supplier_add(round_id, cooperative_id, quantity, minor)


def _suppliers_move(round_id: int, by_cooperative: Mapping[int, tuple[int, int]]) -> None:
    """The suppliers' totals (by cooperative id, in that order), then the round's
    count of cooperatives ordered from, counted again from them in one statement
    while the round's row is held."""
    moving = {k: v for k, v in sorted(by_cooperative.items()) if v != (0, 0)}
    if not moving:
        return
    # The round's row before its suppliers' (it is held already if its own totals
    # moved in this transaction).
    list(Round.objects.select_for_update().filter(pk=round_id).values_list("pk", flat=True))
    for cooperative_id, (quantity, supplied_minor) in moving.items():
        _supplier_add(round_id, cooperative_id, quantity, supplied_minor)
    ordered_from = (
        RoundSupplier.objects.filter(round_id=OuterRef("pk"), quantity__gt=0)
        .order_by()
        .values("round_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Round.objects.filter(pk=round_id).update(cooperatives_count=Coalesce(Subquery(ordered_from), 0))


def _round_totals_sql(*, while_open: bool) -> str:
    """The UPDATE of the round's own totals, written once (it runs for every order)."""
    table = Round._meta.db_table
    minor, orders, closed = _columns(Round, "ordered_minor", "orders_count", "closed_at")
    sql = (
        f'UPDATE "{table}" SET "{minor}" = "{minor}" + %s, '  # noqa: S608  names from the model
        f'"{orders}" = "{orders}" + %s WHERE "id" = %s'
    )
    return sql + f' AND "{closed}" IS NULL' if while_open else sql


_ROUND_TOTALS = {
    while_open: _round_totals_sql(while_open=while_open) for while_open in (True, False)
}


def _round_totals_move(round_id: int, *, minor: int, orders: int, while_open: bool) -> None:
    """The round's own kept totals.

    `while_open`: only if the round has not been closed. Closing (fulfilment.round_close)
    holds the round's row while it writes the purchase orders; an order that got past
    the opening check just before the closing time waits here for it, then finds the
    round closed and is refused with everything it wrote, instead of landing in no
    purchase order."""
    with connection.cursor() as cursor:
        cursor.execute(_ROUND_TOTALS[while_open], [minor, orders, round_id])
        updated = cursor.rowcount
    if not updated:
        raise RoundClosed(_("This buying round has closed: it takes no more orders."))


def _totals_move(
    round_id: int,
    by_cooperative: Mapping[int, tuple[int, int]],
    *,
    minor: int,
    orders: int,
    while_open: bool = False,
) -> None:
    """The round's totals, then its suppliers' (see `_round_totals_move`)."""
    _round_totals_move(round_id, minor=minor, orders=orders, while_open=while_open)
    _suppliers_move(round_id, by_cooperative)


def _by_cooperative(
    lines: Sequence[tuple[int, int, int]], sign: int = 1
) -> dict[int, tuple[int, int]]:
    """(cooperative id, quantity, minor) lines summed by cooperative, times `sign`."""
    totals: dict[int, tuple[int, int]] = {}
    for cooperative_id, quantity, minor in lines:
        before = totals.get(cooperative_id, (0, 0))
        totals[cooperative_id] = (before[0] + sign * quantity, before[1] + sign * minor)
    return totals


# --- emails -------------------------------------------------------------------------------


def _round_title(round: Round, language: str) -> str:
    return str(localize(round.title, languages=round.organisation.languages, requested=language))


def _when(moment: datetime, round: Round, language: str) -> str:
    """A date and time in the round's zone, written the buyer's way, as the round
    page writes it: the date in full, the time to the minute, and the zone."""
    zone = ZoneInfo(round.time_zone)
    pattern = str(Locale.parse(language).datetime_formats["long"])
    # CLDR quotes literal text ('à'); two quotes are an apostrophe.
    pattern = pattern.replace("''", "\0").replace("'", "").replace("\0", "'")
    when = pattern.format(
        format_time(moment, "short", tzinfo=zone, locale=language),
        format_date(moment.astimezone(zone), "long", locale=language),
    )
    return f"{when} ({round.time_zone})"


def _order_email_context(
    order: Order, round: Round, lines: Sequence[OrderLine], token: str = ""
) -> dict[str, object]:
    language = order.language
    currency = round.currency
    point = order.pickup_point
    return {
        "round_title": _round_title(round, language),
        "slug": round.slug,
        "name": order.name,
        "reference": order.reference,
        "lines": [
            {
                "product": _item_name(line.item, language),
                "variant": _variant_name(line.variant, language),
                "quantity": line.quantity,
                "unit_price": format_money(line.unit_price_minor, currency, language=language),
                "amount": format_money(line.line_minor, currency, language=language),
            }
            for line in lines
        ],
        "items_total": format_money(order.items_minor, currency, language=language),
        "shipping": format_money(order.shipping_minor, currency, language=language)
        if order.delivery == Order.Delivery.SHIPPING
        else "",
        "total": format_money(order.total_minor, currency, language=language),
        "bank_details": str(
            localize(round.bank_details, languages=round.organisation.languages, requested=language)
        ),
        "delivery": order.delivery,
        "payment": order.payment,
        "pickup_point": {
            "name": point.name,
            "address": point.address,
            "city": point.city,
            "opening_hours": str(
                localize(
                    point.opening_hours,
                    languages=round.organisation.languages,
                    requested=language,
                )
            ),
        }
        if point is not None
        else None,
        "shipping_address": {
            "address": order.address,
            "postcode": order.postcode,
            "city": order.city,
        }
        if order.delivery == Order.Delivery.SHIPPING
        else None,
        "country": str(round.country.name),
        "closes": _when(round.closes_at, round, language),
        "payment_days": round.payment_days,
        # The private page's link, reversed by the template in the buyer's language.
        "token": token,
    }


def _reply_to(round: Round, language: str) -> str:
    return contact_email_for(round.organisation, language) or ""


def _email_buyer(order: Order, round: Round, template: str, **context: object) -> None:
    lines = _current_lines(order)
    email_queue(
        to=order.email,
        template=template,
        language=order.language,
        context={**_order_email_context(order, round, lines), **context},
        reply_to=_reply_to(round, order.language),
    )


# --- placing an order -------------------------------------------------------------------


class _Repeat(Exception):
    """Inside the transaction: the same order was placed a moment ago; roll back."""

    def __init__(self, order: Order) -> None:
        self.order = order


def _same_lines(order: Order, lines: Sequence[_Line]) -> bool:
    wanted = {
        (line.item.pk, line.variant.pk if line.variant else None, line.quantity) for line in lines
    }
    have = {(line.item_id, line.variant_id, line.quantity) for line in order.lines.all()}
    return wanted == have


# Whether an address ever ordered, written once: the ORM's query cost more than the
# database's own work, with the write lock held (bench/orders.py).
_ORDERED_BEFORE = 'SELECT 1 FROM "{}" WHERE "{}" = %s LIMIT 1'.format(  # noqa: S608
    Order._meta.db_table, *_columns(Order, "email_index")
)


def _repeat_of(
    round: Round, email_index: str, lines: Sequence[_Line], now: datetime
) -> Order | None:
    """An order of the same address with the same lines, placed within the repeat
    window. Read after the stock is taken: two identical orders lock the same items,
    so the second reads this once the first has committed.

    One query by the address's index alone (with the time as well, SQLite walked the
    index of times through every order of the last minutes), then the lines only if
    that address ordered in this round a moment ago."""
    with connection.cursor() as cursor:  # most addresses have never ordered before
        cursor.execute(_ORDERED_BEFORE, [email_index])
        if cursor.fetchone() is None:
            return None
    since = now - ORDER_REPEAT_WINDOW
    ids = [
        pk
        for pk, round_id, status, created_at in Order.objects.filter(
            email_index=email_index
        ).values_list("pk", "round_id", "status", "created_at")
        if round_id == round.pk and status == Order.Status.PENDING and created_at >= since
    ]
    if not ids:
        return None
    found = Order.objects.filter(pk__in=ids).prefetch_related("lines").order_by("pk")
    return next((order for order in found if _same_lines(order, lines)), None)


@dataclass(frozen=True)
class PlacedOrder:
    """The order, and the token of its private page if it was made now (a repeat
    returns the first order, whose link went out with the first email)."""

    order: Order
    token: str
    repeated: bool = False


def order_place(
    *,
    round: Round | None = None,
    page: RoundPage | None = None,
    lines: Sequence[LineRequest],
    delivery: DeliveryRequest,
    prices_seen: Mapping[int, int],
    currency: str,
    name: str,
    email: str,
    consent_owner: bool = False,
    language: str,
    payment: str = Order.Payment.BANK,
    shipping_seen_minor: int | None = None,
    now: datetime | None = None,
) -> PlacedOrder:
    """Someone orders from an open round, without an account: the stock is taken and
    the order stored with a bank reference. The email with the reference, the total,
    the bank details and the link to the order's private page follows within a
    couple of seconds (`orders_follow_up`).

    The round is `round`, or `page.round` with the items and pickup points the page
    loaded for the form (`rounds.round_for_ordering`), which are not read again. Those
    may be a few seconds old: the price is checked again by the UPDATE that takes
    the stock, and the round's closing by the one that counts the order.

    `prices_seen` maps each item's id to the price (minor units) shown to the buyer;
    if one changed, PriceChanged carries the new prices and nothing is stored. If
    fewer of an item are left than ordered, SoldOut says how many are left, and
    nothing is stored either.

    The consent to hear from the organisation (`consent_owner`) is kept on the
    order and recorded, with the supporter link, once the order is paid
    (`order_supporter_link`): the address is proven then, as for a fund's pledge."""
    if page is not None:
        round = page.round
    if round is None:
        raise TypeError("order_place needs a round or a page")
    if payment not in Order.Payment.values:
        raise ValueError(f"unknown payment {payment!r}")
    if payment == Order.Payment.CARD and not card_payment_offered(round):
        raise OrderRefused(
            _("This round does not take cards: please pay by bank transfer."), field="payment"
        )
    now = now or timezone.now()
    language = _site_language(language)
    _check_open(round, now)
    if currency != round.currency:
        raise OrderRefused(
            _("This round takes orders in %(currency)s only.") % {"currency": round.currency},
            field="currency",
        )
    checked = _check_lines(round, lines, language, page.offers if page else None)
    where = _check_delivery(round, delivery, page.pickup_points if page else None)
    _check_prices(round, checked, prices_seen, shipping_seen_minor, delivery)
    name = _text(
        name,
        most=NAME_MAX,
        empty=_("Please enter your name."),
        too_long=_("Your name is longer than %(most)s characters."),
        field="name",
    )
    email = _email(email)
    index = pii.email_index(email)
    for _attempt in range(REFERENCE_ATTEMPTS):
        reference = new_reference(REFERENCE_PREFIX)
        try:
            return _place(
                round=round,
                reference=reference,
                lines=checked,
                where=where,
                name=name,
                email=email,
                email_index=index,
                consent_owner=consent_owner,
                language=language,
                payment=payment,
                now=now,
            )
        except _Short as short:
            raise _refusal_of_short(short, checked, language) from None
        except _Repeat as repeat:
            return PlacedOrder(order=repeat.order, token="", repeated=True)
        except IntegrityError:
            if Order.objects.filter(reference=reference).exists():
                continue  # the same reference drawn twice: draw again
            # What the order names was removed from the round in the moment since
            # this process loaded it (a pickup point, a size): the database refused it.
            round_ordering_forget(round.slug)
            raise OrderRefused(
                _(
                    "This round changed while you were ordering. Please check your order "
                    "and send it again."
                )
            ) from None
    raise RuntimeError("could not draw a free bank reference")


# An order's INSERT is compiled once, not per order (see core.db.rows).
_order_rows = RowInserter(Order)
_line_rows = RowInserter(OrderLine)


def _place(
    *,
    round: Round,
    reference: str,
    lines: Sequence[_Line],
    where: _Delivery,
    name: str,
    email: str,
    email_index: str,
    consent_owner: bool,
    language: str,
    payment: str,
    now: datetime,
) -> PlacedOrder:
    items_minor = sum(line.minor for line in lines)
    token, hashed = new_token()
    values = {
        "round_id": round.pk,
        "reference": reference,
        "status": Order.Status.PENDING,
        "payment": payment,
        "delivery": where.kind,
        "pickup_point_id": where.pickup_point.pk if where.pickup_point else None,
        "name": name,
        "email": email,
        "email_index": email_index,
        "address": where.address,
        "postcode": where.postcode,
        "city": where.city,
        "consent_owner": consent_owner,
        "language": language,
        "items_minor": items_minor,
        "shipping_minor": where.shipping_minor,
        "token_hash": hashed,
        "follow_up_owed": True,
        "email_owed": True,
        "sealed_token": token,
        "created_at": now,
        "updated_at": now,
    }
    # Everything but the keys is made before SQLite's write lock is taken (the
    # buyer's details encrypted): every other order waits while it is held.
    row = _order_rows.prepare(values)
    line_values = [
        {
            "item_id": line.item.pk,
            "variant_id": line.variant.pk if line.variant else None,
            "quantity": line.quantity,
            "unit_price_minor": line.item.price_minor,
        }
        for line in lines
    ]
    by_id = {line.item.pk: line.item for line in lines}
    with transaction.atomic():
        for item_id, quantity in _per_item(lines).items():
            _stock_take(by_id[item_id], quantity)
        if (repeat := _repeat_of(round, email_index, lines, now)) is not None:
            raise _Repeat(repeat)
        # A clash of references fails the whole transaction (order_place draws again).
        order_id = _order_rows.insert(row, savepoint=False)
        _line_rows.insert_all([{**line, "order_id": order_id} for line in line_values])
        _round_totals_move(round.pk, minor=items_minor, orders=1, while_open=True)
    return PlacedOrder(order=Order(pk=order_id, **values), token=token)


# --- what follows an order ----------------------------------------------------------------

# Orders counted, or emails queued, per transaction.
FOLLOW_UP_BATCH = 100
# During a rush of orders (more than ORDERING_RUSH_RATE a second over this window),
# only this many buyers' emails are queued a run: queueing and sending an email
# costs more than taking an order, and on a small server the buyers need the
# cores. The page after ordering shows all the email says; the rest follow once
# the rush is over, oldest first (as signing's confirmations do in a surge).
RUSH_WINDOW_SECONDS = 2
RUSH_EMAILS = 10


@dataclass(frozen=True)
class FollowedUp:
    """What a run of `orders_follow_up` did."""

    counted: int  # orders whose totals and audit entry were written
    emailed: int  # orders whose buyer's email was queued (or is not owed any more)

    def __bool__(self) -> bool:
        return bool(self.counted or self.emailed)


def ordering_rush() -> bool:
    """Whether orders are coming in faster than ORDERING_RUSH_RATE a second (as
    signing's surge is told)."""
    return arriving_faster_than(
        Order, per_second=int(settings.ORDERING_RUSH_RATE), window_seconds=RUSH_WINDOW_SECONDS
    )


def orders_follow_up(
    *, round: Round | None = None, limit: int = FOLLOW_UP_BATCH, emails: int | None = None
) -> FollowedUp:
    """Does what is owed after orders were placed, oldest first (of one round, if
    given):

    - counting, for at most `limit` orders (`Order.follow_up_owed`): each
      cooperative's totals, the round's count of cooperatives, the audit entry;
    - the buyer's email with the link to the order's private page, for at most
      `limit` orders, or `emails` during a rush (`Order.email_owed`).

    What each transaction writes is made before it starts: on SQLite a write
    transaction holds every order back while it lasts. Only orders still owed are
    taken (changing or cancelling one does its follow-up itself), and none that
    another run holds (PostgreSQL): each is followed up once, and running this
    again does nothing more."""
    scope = Order.objects.all() if round is None else Order.objects.filter(round=round)
    counted = _count_owed(scope, limit)
    emailed = _email_owed(scope, limit if emails is None else min(limit, emails))
    return FollowedUp(counted=counted, emailed=emailed)


@dataclass(frozen=True)
class _Counting:
    order: Order
    audit: AuditEntry
    # (cooperative id, quantity, minor) of each line.
    moves: list[tuple[int, int, int]]


def _lines_of(orders: Sequence[Order]) -> dict[int, list[OrderLine]]:
    lines: dict[int, list[OrderLine]] = defaultdict(list)
    for line in (
        OrderLine.objects.filter(order__in=orders)
        .select_related("item__product", "variant")
        .order_by("pk")
    ):
        lines[line.order_id].append(line)
    return lines


def _count_prepare(orders: Sequence[Order]) -> list[_Counting]:
    # What counting needs of each line, as values: not the lines' products with
    # their names in every language, which only the buyer's email needs.
    moves: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for order_id, cooperative_id, quantity, unit_price_minor in (
        OrderLine.objects.filter(order__in=orders)
        .order_by("pk")
        .values_list("order_id", "item__product__cooperative_id", "quantity", "unit_price_minor")
    ):
        moves[order_id].append((cooperative_id, quantity, quantity * unit_price_minor))
    return [
        _Counting(
            order=order,
            audit=audit_entry(
                action="cooperatives.order_placed",
                obj=order,
                organisation=order.round.organisation,
                data={
                    "round": order.round_id,
                    "lines": len(moves[order.pk]),
                    "items_minor": order.items_minor,
                },
            ),
            moves=moves[order.pk],
        )
        for order in orders
    ]


def _count_write(countings: Sequence[_Counting]) -> None:
    """For orders whose rows this transaction holds: the audit entries in one
    statement, the orders no longer owed, then each round's suppliers."""
    if not countings:
        return
    audit_log_all([c.audit for c in countings])
    Order.objects.filter(pk__in=[c.order.pk for c in countings]).update(follow_up_owed=False)
    by_round: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for c in countings:
        c.order.follow_up_owed = False
        by_round[c.order.round_id].extend(c.moves)
    for round_id, moved in sorted(by_round.items()):
        _suppliers_move(round_id, _by_cooperative(moved))


def _count_owed(scope: QuerySet[Order], limit: int) -> int:
    orders = list(
        scope.filter(follow_up_owed=True)
        .select_related("round__organisation")
        # Not the buyer's details: decrypting them was most of the counting.
        .only("reference", "items_minor", "follow_up_owed", "round__organisation__id")
        .order_by("pk")[:limit]
    )
    if not orders:
        return 0
    prepared = {c.order.pk: c for c in _count_prepare(orders)}
    with transaction.atomic():
        still = (
            Order.objects.select_for_update(skip_locked=True)
            .filter(pk__in=list(prepared), follow_up_owed=True)
            .values_list("pk", flat=True)
        )
        mine = [prepared[pk] for pk in sorted(still)]
        _count_write(mine)
    return len(mine)


def _emails_prepare(
    orders: Sequence[Order], *, skip_failing: bool = False
) -> dict[int, OutgoingEmail | None]:
    """Each order's email, by order id (None where the buyer was erased), made without
    writing anything. In a batch (`skip_failing`), an order whose email cannot be
    made (a template or data error) is left out and stays owed, so that it holds
    back neither the others nor its round's closing; it is tried again at every run."""
    lines = _lines_of(orders)
    reply_to: dict[tuple[int, str], str] = {}
    prepared: dict[int, OutgoingEmail | None] = {}
    for order in orders:
        if not order.email:  # erased meanwhile
            prepared[order.pk] = None
            continue
        round = order.round
        language = _site_language(order.language)
        try:
            if (round.pk, language) not in reply_to:
                reply_to[round.pk, language] = _reply_to(round, language)
            prepared[order.pk] = email_prepare(
                to=order.email,
                template="cooperatives_order_placed",
                language=language,
                context=_order_email_context(order, round, lines[order.pk], order.sealed_token),
                reply_to=reply_to[round.pk, language],
            )
        except Exception:
            if not skip_failing:
                raise
            logger.exception("the email of order %s could not be made", order.pk)
    return prepared


def _emails_write(emails: Mapping[int, OutgoingEmail | None]) -> None:
    """For orders whose rows this transaction holds: their emails queued (None: none
    is sent), and the token each waited with emptied."""
    if not emails:
        return
    email_queue_all([email for email in emails.values() if email is not None])
    Order.objects.filter(pk__in=list(emails)).update(email_owed=False, sealed_token="")


def _email_owed(scope: QuerySet[Order], limit: int) -> int:
    if limit <= 0:
        return 0
    orders = list(
        scope.filter(email_owed=True)
        .select_related("round__organisation", "pickup_point")
        .order_by("pk")[:limit]
    )
    if not orders:
        return 0
    prepared = _emails_prepare(orders, skip_failing=True)
    with transaction.atomic():
        still = dict(
            Order.objects.select_for_update(skip_locked=True)
            .filter(pk__in=list(prepared), email_owed=True)
            .values_list("pk", "email_index")
        )
        # Erased meanwhile (an empty index): no email to an address we no longer hold.
        _emails_write({pk: prepared[pk] if index else None for pk, index in still.items()})
    return len(still)


def _follow_up(order: Order, *, email: bool = True) -> None:
    """What is owed after placing an order whose row this transaction holds, before
    it changes. Without `email`, the buyer is not written to (they cancelled the
    order a moment after placing it, and see it on the page)."""
    if order.follow_up_owed:
        _count_write(_count_prepare([order]))
    if order.email_owed:
        _emails_write(_emails_prepare([order]) if email else {order.pk: None})
        order.email_owed = False
        order.sealed_token = ""


# --- the buyer changes or cancels ---------------------------------------------------------


def _check_buyer_may_change(order: Order, now: datetime) -> None:
    if order.status == Order.Status.CANCELLED:
        raise OrderLocked(_("This order has been cancelled."))
    if now >= order.round.closes_at:
        raise OrderLocked(
            _("The round has closed: your order can no longer be changed or cancelled here.")
        )
    if order.status != Order.Status.PENDING:
        raise OrderLocked(
            _("Your order has been paid: to change or cancel it, please write to the organisers.")
        )


def _locked_order(order: Order) -> Order:
    """The order's row, held until the transaction ends: changes to one order are
    taken one after the other (on SQLite every write transaction already is)."""
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("round__organisation")
        .get(pk=order.pk)
    )


def _current_lines(order: Order) -> list[OrderLine]:
    return list(order.lines.select_related("item__product", "variant").order_by("pk"))


def order_change(
    *,
    order: Order,
    lines: Sequence[LineRequest],
    delivery: DeliveryRequest,
    prices_seen: Mapping[int, int],
    shipping_seen_minor: int | None = None,
    now: datetime | None = None,
) -> Order:
    """The buyer changes their order from its private page, until the round closes:
    new quantities (0 takes a line out; an order with nothing left is cancelled
    instead, see `order_buyer_cancel`), another pickup point or address. Every line
    is at the round's price of now, which the buyer saw (else PriceChanged).

    Stock moves by the difference, item by item, with the same conditional UPDATEs
    as ordering; if an item has fewer left than the increase, SoldOut, and nothing
    changes."""
    now = now or timezone.now()
    round = order.round
    language = order.language
    _check_buyer_may_change(order, now)
    checked = _check_lines(round, lines, language)
    where = _check_delivery(round, delivery)
    _check_prices(round, checked, prices_seen, shipping_seen_minor, delivery)
    items_minor = sum(line.minor for line in checked)
    try:
        with transaction.atomic():
            locked = _locked_order(order)
            _check_buyer_may_change(locked, now)
            before = _current_lines(locked)
            old = _per_item_rows(before)
            new = _per_item(checked)
            by_id = {line.item.pk: line.item for line in checked}
            for item_id in sorted(set(old) | set(new)):
                delta = new.get(item_id, 0) - old.get(item_id, 0)
                if delta > 0:
                    _stock_take(by_id[item_id], delta)
                elif delta < 0:
                    _stock_release(item_id, -delta)
            # What placing it owes, for the order as it was placed.
            _follow_up(locked)
            OrderLine.objects.filter(order=locked).delete()
            OrderLine.objects.bulk_create(
                [
                    OrderLine(
                        order=locked,
                        item=line.item,
                        variant=line.variant,
                        quantity=line.quantity,
                        unit_price_minor=line.item.price_minor,
                    )
                    for line in checked
                ]
            )
            moved = _by_cooperative(
                [(line.item.product.cooperative_id, line.quantity, line.minor) for line in checked]
            )
            for cooperative_id, (quantity, minor) in _by_cooperative(
                [
                    (line.item.product.cooperative_id, line.quantity, line.line_minor)
                    for line in before
                ],
                sign=-1,
            ).items():
                now_q, now_m = moved.get(cooperative_id, (0, 0))
                moved[cooperative_id] = (now_q + quantity, now_m + minor)
            items_before = locked.items_minor
            if items_minor + where.shipping_minor != locked.total_minor:
                # The open card payment was for the old total: it is closed, and
                # the order's page offers a new one.
                _card_session_close_after(locked)
            locked.delivery = where.kind
            locked.pickup_point = where.pickup_point
            locked.address = where.address
            locked.postcode = where.postcode
            locked.city = where.city
            locked.items_minor = items_minor
            locked.shipping_minor = where.shipping_minor
            locked.save(
                update_fields=[
                    "delivery",
                    "pickup_point",
                    "address",
                    "postcode",
                    "city",
                    "items_minor",
                    "shipping_minor",
                    "updated_at",
                ]
            )
            _email_buyer(locked, locked.round, "cooperatives_order_changed")
            audit_log(
                action="cooperatives.order_changed",
                obj=locked,
                organisation=locked.round.organisation,
                data={"round": round.pk, "lines": len(checked), "items_minor": items_minor},
            )
            _totals_move(
                round.pk, moved, minor=items_minor - items_before, orders=0, while_open=True
            )
    except _Short as short:
        raise _refusal_of_short(short, checked, language) from None
    return locked


def _per_item_rows(lines: Sequence[OrderLine]) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for line in lines:
        totals[line.item_id] += line.quantity
    return dict(totals)


def order_buyer_cancel_refusal(*, order: Order, now: datetime | None = None) -> OrderLocked | None:
    """Why the buyer may no longer cancel the order (it is cancelled, paid, or its
    round has closed), or None: the pages ask for a confirmation only of what
    `order_buyer_cancel` would do, and say at once why not."""
    try:
        _check_buyer_may_change(order, now or timezone.now())
    except OrderLocked as refusal:
        return refusal
    return None


def order_buyer_cancel(*, order: Order, email: bool, now: datetime | None = None) -> bool:
    """The buyer cancels, until the round closes and while it is not paid. Returns
    False, changing nothing and sending nothing, if it was cancelled already (pressed
    twice: cancelled once).

    With `email` (the buyer confirmed it on the order's private page or on their
    own page), they are sent a confirmation in the order's language, queued in the
    cancelling transaction: a record to keep, and the news if someone else who has
    the order's link cancelled it. Without it, nobody is written to: an erasure
    cancels this way, and the address is about to go."""
    now = now or timezone.now()
    if order.status == Order.Status.CANCELLED:
        return False  # pressed twice: cancelled once
    _check_buyer_may_change(order, now)
    with transaction.atomic():
        locked = _locked_order(order)
        if locked.status == Order.Status.CANCELLED:
            return False
        _check_buyer_may_change(locked, now)
        _cancel_locked(locked, by=Order.CancelledBy.BUYER, actor=None, now=now, email=email)
    order.refresh_from_db()
    return True


# --- cancelling ------------------------------------------------------------------------------


def _card_session_close_after(order: Order) -> None:
    """Once this transaction commits, the order's open Stripe Checkout Session (if
    it is a card order with one) is closed, so that nobody pays a total that is no
    longer owed; if Stripe does not answer, an amount paid anyway is flagged when
    it arrives (`card`). Every way an order is cancelled or its total changed goes
    through here: the buyer, the organisers, the days to pay, an erasure."""
    if order.payment != Order.Payment.CARD or not order.stripe_session_id:
        return
    order_id = order.pk
    transaction.on_commit(lambda: _card_session_close(order_id))


def _card_session_close(order_id: int) -> None:
    from .card import order_checkout_close  # card sits above ordering: it cancels orders

    order = Order.objects.select_related("round__organisation").filter(pk=order_id).first()
    if order is not None:
        order_checkout_close(order=order)


# What may still be cancelled, by whom: an unpaid order only while it is unpaid.
_CANCELLABLE = {
    Order.CancelledBy.BUYER: (Order.Status.PENDING,),
    Order.CancelledBy.UNPAID: (Order.Status.PENDING,),
    Order.CancelledBy.ORGANISERS: (Order.Status.PENDING, Order.Status.PAID, Order.Status.PACKED),
}


def _cancel_locked(order: Order, *, by: str, actor: Actor, now: datetime, email: bool) -> None:
    """Cancels an order whose row this transaction holds: its stock goes back, the
    kept totals drop, and the buyer is told by email (unless `email` is false: see
    `order_buyer_cancel`). An order placed a moment ago whose buyer cancels it gets
    no "placed" email first: the "cancelled" one lists what it was."""
    lines = _current_lines(order)
    for item_id, quantity in sorted(_per_item_rows(lines).items()):
        _stock_release(item_id, quantity)
    # Placed a moment ago: its totals first, then back.
    _follow_up(order, email=by != Order.CancelledBy.BUYER)
    _card_session_close_after(order)  # nobody pays a cancelled order by card
    order.status = Order.Status.CANCELLED
    order.cancelled_at = now
    order.cancelled_by = by
    order.save(update_fields=["status", "cancelled_at", "cancelled_by", "updated_at"])
    round = order.round
    if email and order.email:
        email_queue(
            to=order.email,
            template="cooperatives_order_cancelled",
            language=_site_language(order.language),
            context={
                **_order_email_context(order, round, lines),
                "by": by,
                # Money came for it (not the order's total): never "nothing was charged".
                "card_paid": bool(order.card_payment_problem),
            },
            reply_to=_reply_to(round, order.language),
        )
    audit_log(
        action="cooperatives.order_cancelled",
        actor=actor,
        obj=order,
        organisation=round.organisation,
        data={"round": round.pk, "by": by, "items_minor": order.items_minor},
    )
    _totals_move(
        round.pk,
        _by_cooperative(
            [(line.item.product.cooperative_id, line.quantity, line.line_minor) for line in lines],
            sign=-1,
        ),
        minor=-order.items_minor,
        orders=-1,
    )


def order_cancel(*, order: Order, by: str, actor: Actor = None) -> bool:
    """Cancels an order: its items go back to the round's stock, the round's and
    the cooperatives' kept totals drop, and the buyer gets an email in their language.

    Returns False, changing nothing, if the order was cancelled already, or if it
    is no longer in a state `by` may cancel (an order paid meanwhile is not
    cancelled as unpaid). An order handed over (collected, shipped) is refused
    (OrderLocked)."""
    if by not in Order.CancelledBy.values:
        raise ValueError(f"unknown canceller {by!r}")
    with transaction.atomic():
        locked = _locked_order(order)
        if locked.status in (Order.Status.COLLECTED, Order.Status.SHIPPED):
            raise OrderLocked(_("This order has been handed over: it can no longer be cancelled."))
        if locked.status not in _CANCELLABLE[Order.CancelledBy(by)]:
            return False
        _cancel_locked(locked, by=by, actor=actor, now=timezone.now(), email=True)
    order.refresh_from_db()
    return True


def orders_cancel_unpaid(*, round: Round, now: datetime | None = None) -> int:
    """After the round's grace period (closes_at + payment_days), cancels every order
    still waiting for payment, with an email to each buyer. A slice of orders per
    transaction, so no lock is held for long and an interrupted run resumes where it
    stopped; running it again cancels nothing more. Returns how many it cancelled.

    Two kinds of waiting card orders are left alone, because money may be there and
    the email would tell their buyer that nothing was charged:
    - one whose payment arrived but could not count (`card_payment_problem`: not the
      order's total): the organisers settle it (the console lists it), taking the
      payment or refunding it, and cancel the order if need be;
    - one still holding its Checkout Session: what Stripe says of the session
      settles it (`card.card_sessions_settle`, asked first, in case its event never
      came): expired, it is cancelled with that email, true then; paid, it is marked
      paid; a method confirmed days later is left to its own event. While a session
      is still open, or Stripe does not answer, the round is not marked done, and
      the next run (`tasks.close_rounds`, every few minutes) looks again."""
    from .card import card_sessions_settle  # card sits above ordering: it cancels orders

    now = now or timezone.now()
    if now < round.closes_at + timedelta(days=round.payment_days):
        return 0
    card_waiting = card_sessions_settle(round=round)
    unpaid = Order.objects.filter(
        round=round, status=Order.Status.PENDING, card_payment_problem=""
    ).exclude(payment=Order.Payment.CARD, stripe_session_id__isnull=False)
    cancelled = 0
    last = 0
    while True:
        ids = list(
            unpaid.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CANCEL_SLICE]
        )
        if not ids:
            break
        with transaction.atomic():
            for locked in (
                unpaid.select_for_update(of=("self",))
                .select_related("round__organisation")
                .filter(pk__in=ids)
                .order_by("pk")
            ):
                _cancel_locked(locked, by=Order.CancelledBy.UNPAID, actor=None, now=now, email=True)
                cancelled += 1
        last = ids[-1]
    if card_waiting:
        return cancelled
    with transaction.atomic():
        if Round.objects.filter(pk=round.pk, unpaid_cancelled_at__isnull=True).update(
            unpaid_cancelled_at=now
        ):
            audit_log(
                action="cooperatives.unpaid_cancelled",
                obj=round,
                organisation=round.organisation,
                data={"orders": cancelled},
            )
    return cancelled


# --- the buyer, once paid ---------------------------------------------------------------------


def order_supporter_link(*, order: Order) -> None:
    """A paid order is one of the buyer's actions: it is linked to their supporter
    record (made if new), counted for the organisation, and their consent to hear
    from it recorded if they ticked it, with the wording shown when they ordered.

    Called when the money arrives (as the fund does for a pledge): until then the
    address is only typed, and someone else's might have been. Running it again
    changes nothing more."""
    if not order.email:
        return  # erased
    round = order.round
    with transaction.atomic():
        supporter, _created = supporter_get_or_create(
            email=order.email, name=order.name, language=order.language
        )
        if order.supporter_id is None:
            Order.objects.filter(pk=order.pk, supporter__isnull=True).update(supporter=supporter)
            order.supporter = supporter
            supporter_acted(
                supporter=supporter,
                organisation_id=round.organisation_id,
                at=order.paid_at or order.created_at,
            )
        if order.consent_owner:
            consent_record_once(
                supporter=supporter,
                consent_text=consent_text_at(round.organisation, order.created_at),
                language=order.language,
                source=f"round:{round.slug}",
            )
