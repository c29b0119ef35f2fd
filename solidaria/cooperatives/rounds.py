"""Reads for the buying rounds' public page and a buyer's order pages, each in a
fixed number of queries whatever the number of items, variants or orders (pinned
by tests).

The round page's totals ("€ N ordered from K cooperatives") are the ones the
ordering services keep on the round's row, never summed per page view.
"""

from __future__ import annotations

import copy
import time
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from solidaria.core.privacy.tokens import token_hash
from solidaria.core.rendering.i18n import Localized, localize
from solidaria.core.rendering.money import Money
from solidaria.supporters.registry import Person

from .models import Order, OrderLine, PickupPoint, ProductVariant, Round, RoundItem

# A person's orders listed on their own page, newest first.
MY_ORDERS_SHOWN = 100


@dataclass(frozen=True)
class Offer:
    """An item of the round as the page and the form show it: its product (with the
    cooperative) and its variants (each may be withdrawn: `available`)."""

    item: RoundItem
    variants: list[ProductVariant]
    # It comes in variants, even if none of them is left to order.
    has_variants: bool

    @property
    def withdrawn(self) -> bool:
        return not self.item.product.available

    @property
    def orderable(self) -> bool:
        """Offered, something left, and a variant to choose if it comes in variants."""
        if self.withdrawn or self.item.left == 0:
            return False
        return not self.has_variants or any(v.available for v in self.variants)


@dataclass(frozen=True)
class RoundPage:
    round: Round
    offers: list[Offer]
    pickup_points: list[PickupPoint]
    now: datetime

    @property
    def is_open(self) -> bool:
        return self.round.is_open_at(self.now)

    @property
    def not_yet_open(self) -> bool:
        return self.now < self.round.opens_at

    @property
    def time_left(self) -> timedelta:
        return max(self.round.closes_at - self.now, timedelta(0))

    @property
    def ordered(self) -> Money:
        return self.round.ordered

    @property
    def pickup_rows(self) -> list[tuple[PickupPoint, Localized]]:
        """Each pickup point with its opening hours in the reader's language."""
        languages = self.round.organisation.languages
        return [
            (point, localize(point.opening_hours, languages=languages))
            for point in self.pickup_points
        ]

    @property
    def prices(self) -> dict[int, int]:
        """Each item's price now, by item id (the hidden fields of the form)."""
        return {offer.item.pk: offer.item.price_minor for offer in self.offers}


def _rounds_public() -> QuerySet[Round]:
    return Round.objects.select_related("organisation").filter(published=True)


def round_get_public(*, slug: str) -> Round:
    found = _rounds_public().filter(slug=slug).first()
    if found is None:
        raise Http404("no such buying round")
    return found


# A cooperative's fields the round's pages never show: the contact is encrypted (each
# value decrypted as it is read) and the story is long.
COOPERATIVE_NOT_SHOWN = ("contact_name", "contact_email", "contact_phone", "story")


def round_offers(round: Round, item_ids: Collection[int] | None = None) -> list[Offer]:
    """The round's items with product, cooperative and variants, in two queries.
    Withdrawn products and variants stay in the list, marked, so that an order for
    them (from a page opened before) is told so.

    Measured on a round of 200 items (bench/orders.py): the cooperatives' encrypted
    contact, decrypted with every row though no page shows it, and Django's prefetch
    of the variants were three quarters of the 44 ms this took; the contact is not
    read and the variants come in one plain query, grouped here."""
    found = RoundItem.objects.filter(round=round)
    if item_ids is not None:  # only these (an order checks the items it names)
        found = found.filter(pk__in=item_ids)
    items = list(
        found.select_related("product__cooperative")
        .defer(*(f"product__cooperative__{name}" for name in COOPERATIVE_NOT_SHOWN))
        .order_by("position", "pk")
    )
    variants: dict[int, list[ProductVariant]] = defaultdict(list)
    for variant in ProductVariant.objects.filter(
        product_id__in={item.product_id for item in items}
    ).order_by("position", "pk"):
        variants[variant.product_id].append(variant)
    offers = []
    for item in items:
        item.round = round  # its price's currency, without a query per item
        every = variants.get(item.product_id, [])
        offers.append(Offer(item=item, variants=every, has_variants=bool(every)))
    return offers


def round_page(
    *, slug: str, now: datetime | None = None, item_ids: Collection[int] | None = None
) -> RoundPage:
    """Everything the public round page shows, in four queries: the round with its
    organisation, the items with their products and cooperatives, the variants, and
    the pickup points. With `item_ids`, only those items: what an order needs."""
    found = round_get_public(slug=slug)
    return RoundPage(
        round=found,
        offers=round_offers(found, item_ids),
        pickup_points=list(PickupPoint.objects.filter(round=found).order_by("position", "pk")),
        now=now or timezone.now(),
    )


# Ordering is the hot path of a busy round: an order is checked against the round,
# its items and pickup points as loaded by this process at most this many seconds
# ago. What an organiser changes takes effect for orders that much later, except
# what must not: a new price is caught by the UPDATE that takes the stock, and the
# round's closing by the one that counts the order (see ordering).
ORDERING_CACHE_SECONDS = 2.0
_ordering_cache: dict[str, tuple[float, RoundPage]] = {}


def round_for_ordering(
    *, slug: str, item_ids: Collection[int] | None = None, now: datetime | None = None
) -> RoundPage:
    """The round as an order from its page is checked against, with the items it
    names (all if None), from a per-process cache (`ORDERING_CACHE_SECONDS`). The
    objects are shared between threads and must only be read."""
    at = time.monotonic()
    cached = _ordering_cache.get(slug)
    if cached is None or at - cached[0] >= ORDERING_CACHE_SECONDS:
        cached = (at, round_page(slug=slug))  # Http404 for no such round: not kept
        if len(_ordering_cache) > 100:  # rounds are few; slugs come only from URLs
            _ordering_cache.clear()
        _ordering_cache[slug] = cached
    whole = cached[1]
    offers = whole.offers
    if item_ids is not None:
        offers = [offer for offer in offers if offer.item.pk in item_ids]
    return RoundPage(
        round=whole.round,
        offers=_with_stock_of_now(offers),
        pickup_points=whole.pickup_points,
        now=now or timezone.now(),
    )


def _with_stock_of_now(offers: list[Offer]) -> list[Offer]:
    """The limited items with what is left now (one query, if any is limited), so
    that the form tells the buyer the number of now; copies, since the cached ones
    are shared. The UPDATE that takes the stock has the last word all the same."""
    limited = [offer for offer in offers if offer.item.max_quantity is not None]
    if not limited:
        return offers
    sold = dict(
        RoundItem.objects.filter(pk__in=[offer.item.pk for offer in limited]).values_list(
            "pk", "sold"
        )
    )
    fresh = []
    for offer in offers:
        if offer.item.pk in sold:
            item = copy.copy(offer.item)
            item.sold = sold[offer.item.pk]
            offer = replace(offer, item=item)
        fresh.append(offer)
    return fresh


def round_ordering_forget(slug: str | None = None) -> None:
    """Drops the round's cached copy in this process (every round's if None)."""
    if slug is None:
        _ordering_cache.clear()
    else:
        _ordering_cache.pop(slug, None)


@dataclass(frozen=True)
class OrderLineRow:
    line: OrderLine
    unit_price: Money
    amount: Money


@dataclass(frozen=True)
class OrderSummary:
    """An order as its pages show it: lines with their prices, the pickup point's
    hours in the reader's language."""

    order: Order
    rows: list[OrderLineRow]
    pickup_hours: Localized | None


def order_summary(order: Order) -> OrderSummary:
    """From an order loaded with its round and lines (`order_for_token`): no query."""
    currency = order.round.currency
    point = order.pickup_point
    return OrderSummary(
        order=order,
        rows=[
            OrderLineRow(
                line=line,
                unit_price=Money(line.unit_price_minor, currency),
                amount=Money(line.line_minor, currency),
            )
            for line in order.lines.all()
        ],
        pickup_hours=localize(point.opening_hours, languages=order.round.organisation.languages)
        if point is not None
        else None,
    )


def _orders() -> QuerySet[Order]:
    return Order.objects.select_related("round__organisation", "pickup_point").prefetch_related(
        Prefetch(
            "lines",
            queryset=OrderLine.objects.select_related(
                "item__product__cooperative", "variant"
            ).order_by("pk"),
        )
    )


def order_for_token(token: str) -> Order | None:
    """The order whose private page this link opens, with its round and lines; None
    for a forged link or an order whose buyer's data was erased."""
    if not token or len(token) > 128:
        return None
    return _orders().filter(token_hash=token_hash(token)).first()


def order_of_round(*, slug: str, pk: int) -> Order | None:
    return _orders().filter(round__slug=slug, pk=pk).first()


def orders_of_person(person: Person) -> QuerySet[Order]:
    """A person's orders: linked to their supporter record, or made with their address."""
    return Order.objects.filter(
        Q(supporter=person.supporter) | Q(email_index__in=person.email_indexes)
    )


def order_of_person(person: Person, pk: int) -> Order | None:
    """One of the person's orders, with its round, pickup point and lines; None if
    it is not theirs."""
    return _orders().filter(pk__in=orders_of_person(person).values("pk")).filter(pk=pk).first()


def orders_page(person: Person) -> list[Order]:
    """The person's orders, newest first, with rounds, pickup points and lines."""
    ids = orders_of_person(person).order_by("-created_at").values("pk")[:MY_ORDERS_SHOWN]
    return list(_orders().filter(pk__in=ids).order_by("-created_at"))
