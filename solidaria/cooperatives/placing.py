"""An order sent from the round page's form: the work both ways in share.

The ordering fast lane (`fastlane.OrderingFastLaneMiddleware`) calls
`order_if_valid` before most of the middleware stack and answers a placed
transfer order with the redirect to the page after ordering; everything else
(a refusal, a card order, a closed round, a form sent as multipart) goes on to
`views.round_order`, which renders the form again in the buyer's language. What
the lane checked is left on the request (`order_checked`), and the view does not
check it again: a proof of work is spent once checked, and the stock was asked
for once.

This is a hot path (bench/orders.py): the round comes from the process's copy
(`rounds.round_for_ordering`) with only the items the form names.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.http import HttpRequest, QueryDict
from django.urls import reverse

from .exceptions import CooperativesError, PriceChanged
from .forms import OrderForm
from .models import Order
from .ordering import PlacedOrder, order_place
from .rounds import RoundPage, round_for_ordering, round_ordering_forget

ORDERED_SALT = "solidaria.cooperatives.ordered"
# The page after ordering is opened right away; its address may be reloaded for a while.
ORDERED_MAX_AGE = 90 * 24 * 3600
# The most items an order may name; a request naming more is checked against the
# whole round, as any other (and refused by its own rules).
ITEMS_SENT_MOST = 200
# Where the fast lane leaves what it checked, for the view.
_CHECKED = "_solidaria_order_checked"


@dataclass
class OrderAttempt:
    """What became of an order sent from the round page."""

    page: RoundPage
    form: OrderForm
    placed: PlacedOrder | None = None
    refusal: CooperativesError | None = None
    # The honeypot was filled in: a bot, answered as anyone, nothing stored.
    honeypot: bool = False


def items_sent(data: QueryDict) -> set[int] | None:
    """The round items whose quantity the buyer filled in (anything but empty or 0),
    by their fields' names (`ordering.quantity_field_name`); None to check the
    whole round."""
    wanted: set[int] = set()
    for name, value in data.items():
        if not name.startswith("q_") or not isinstance(value, str) or value.strip() in ("", "0"):
            continue
        item = name[2:].split("_", 1)[0]
        if not item.isdigit() or len(item) > 12:
            return None
        wanted.add(int(item))
        if len(wanted) > ITEMS_SENT_MOST:
            return None
    return wanted


def order_attempt(request: HttpRequest, slug: str) -> OrderAttempt | None:
    """The order sent, checked against the items it names and placed if it can be;
    None if the round takes no orders now. Http404 for no such round."""
    page = round_for_ordering(slug=slug, item_ids=items_sent(request.POST))
    if not page.is_open:
        return None
    form = OrderForm(request.POST, page=page)
    attempt = OrderAttempt(page=page, form=form)
    if not form.is_valid():
        return attempt
    cleaned = form.cleaned_data
    if cleaned["website"]:
        attempt.honeypot = True
        return attempt
    try:
        attempt.placed = order_place(
            page=page,
            lines=form.lines(),
            delivery=form.delivery(),
            prices_seen=form.prices_seen(),
            shipping_seen_minor=form.shipping_seen(),
            currency=cleaned["currency"],
            name=cleaned["name"],
            email=cleaned["email"],
            consent_owner=cleaned["consent_owner"],
            language=request.LANGUAGE_CODE,
            payment=cleaned["payment"],
        )
    except CooperativesError as exc:
        attempt.refusal = exc
        if isinstance(exc, PriceChanged):  # the next try reads the prices afresh
            round_ordering_forget(slug)
    return attempt


def order_checked(request: HttpRequest) -> OrderAttempt | None:
    """What the fast lane checked of this request, if it did."""
    attempt: OrderAttempt | None = getattr(request, _CHECKED, None)
    return attempt


def ordered_url(slug: str, order: Order) -> str:
    """The page after ordering, by a signed link to the order."""
    token = signing.dumps(order.pk, salt=ORDERED_SALT)
    return reverse("cooperatives:ordered", kwargs={"slug": slug, "token": token})


def order_if_valid(request: HttpRequest, slug: str) -> str | None:
    """For the fast lane: the page after ordering if a transfer order was placed,
    else None (the view answers, with what was checked here). A card order goes to
    the view, which sends the buyer on to Stripe."""
    if request.POST.get("payment") == Order.Payment.CARD:
        return None
    attempt = order_attempt(request, slug)
    if attempt is None:
        return None
    setattr(request, _CHECKED, attempt)
    if attempt.placed is None or attempt.honeypot:
        return None
    return ordered_url(slug, attempt.placed.order)
