"""A buying round's pages: the public round page with its order form, the page
after ordering, the buyer's private order page (from the emailed link), and the
list of a person's orders beside their own data page.

The round page is cached and shared (`@public_page`), so its order form carries
the hourly form token and its POST is checked for our Origin
(`public_form_post`). The private order page is never cached; it carries Django's
CSRF token. Refusals of the ordering services become the form's errors, in the
buyer's language, with a 4xx: 400 for what was typed, 409 when the stock or a
price moved under the buyer, 410 for a closed round.
"""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from solidaria.core.payments.checkout import checkout_form_allowed
from solidaria.core.payments.client import card_payments_enabled
from solidaria.core.rendering.i18n import localize
from solidaria.core.web.decorators import post_only_or_redirect, public_form_post
from solidaria.core.web.formguard import cross_site_refusal
from solidaria.core.web.hygiene import allowed_methods
from solidaria.core.web.middleware import private_page, private_response, public_page
from solidaria.supporters.access import supporter_page
from solidaria.supporters.models import Supporter
from solidaria.supporters.selectors import person_of
from solidaria.supporters.services import consent_text_current

from .card import order_checkout_start, order_id_of_return
from .exceptions import (
    CardPaymentUnavailable,
    CooperativesError,
    OrderLocked,
    OrderRefused,
    PriceChanged,
    RoundClosed,
    SoldOut,
)
from .forms import OrderChangeForm, OrderFieldsMixin, OrderForm
from .models import Order, PickupPoint, Round
from .ordering import (
    card_payment_offered,
    order_buyer_cancel,
    order_buyer_cancel_refusal,
    order_change,
    quantity_field_name,
)
from .placing import (
    ORDERED_MAX_AGE,
    ORDERED_SALT,
    items_sent,
    order_attempt,
    order_checked,
    ordered_url,
)
from .rounds import (
    RoundPage,
    order_for_token,
    order_of_person,
    order_of_round,
    order_summary,
    orders_page,
    round_for_ordering,
    round_offers,
    round_page,
)


def _status(refusal: CooperativesError, page: RoundPage | None = None) -> int:
    """The HTTP status of a refusal: what was typed (400), what moved under the
    buyer (409: a price, the stock, the order's state), a round closed (410) or not
    open yet (403)."""
    if isinstance(refusal, RoundClosed):
        return 403 if page is not None and page.not_yet_open else 410
    if isinstance(refusal, PriceChanged | SoldOut | OrderLocked):
        return 409
    return 400


def _closed_message(page: RoundPage) -> str:
    if page.not_yet_open or not page.round.published:
        return _("This buying round is not open for orders yet.")
    return _("This buying round has closed: it takes no more orders.")


def _refusal_on_form(form: OrderFieldsMixin, refusal: CooperativesError) -> None:
    """A service's refusal shown where it belongs: beside the quantity or field it
    concerns, else at the top of the form."""
    field: str | None = None
    if isinstance(refusal, OrderRefused) and refusal.field in form.fields:
        field = refusal.field
    elif isinstance(refusal, SoldOut):
        field = next(
            (
                name
                for name in form.fields
                if name == quantity_field_name(refusal.item_id)
                or name.startswith(quantity_field_name(refusal.item_id) + "_")
            ),
            None,
        )
    if isinstance(refusal, PriceChanged):
        form.with_prices_of_now()
    form.add_error(field, str(refusal))


# --- the public round page, and ordering ------------------------------------------------


def _round_context(page: RoundPage, form: OrderForm | None) -> dict[str, object]:
    round = page.round
    return {
        "page": page,
        "round": round,
        "takes_cards": card_payment_offered(round),
        "form": form,
        "rows": form.rows() if form is not None else None,
        # The organisation's wording of today, which order_supporter_link records as
        # the one the buyer saw (consent_text_at the time of ordering).
        "consent_owner_text": localize(
            consent_text_current(round.organisation).text,
            languages=round.organisation.languages,
        )
        if form is not None
        else "",
    }


@public_page
@checkout_form_allowed
def round_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = round_page(slug=slug)
    form = OrderForm.blank(page=page) if page.is_open else None
    return render(request, "cooperatives/round.html", _round_context(page, form))


@public_form_post("cooperatives:round", anchor="order-heading")
@checkout_form_allowed
def round_order(request: HttpRequest, slug: str) -> HttpResponse:
    """An order from the round page (`placing.order_attempt`), or what the ordering
    fast lane found of it: placed (a card order goes on to Stripe), or refused and
    shown again."""
    attempt = order_checked(request) or order_attempt(request, slug)
    if attempt is None:
        page = round_page(slug=slug)
        context = _round_context(page, None)
        context["refusal"] = _closed_message(page)
        status = 403 if page.not_yet_open else 410
        return private_response(render(request, "cooperatives/round.html", context, status=status))
    if attempt.honeypot:  # a bot, answered as anyone, nothing stored
        return redirect(attempt.page.round.get_absolute_url())
    if attempt.placed is not None:
        order = attempt.placed.order
        ordered = ordered_url(slug, order)
        if order.payment == Order.Payment.CARD:
            return card_checkout_redirect(request, order, back=ordered)
        return redirect(ordered)
    # Shown again with what the check found (the form is not checked twice: a proof
    # of work is spent once checked), over the items the buyer ordered, with a link
    # to all the others: drawing the form of a round of 200 products took 170 ms,
    # which a run on a sold-out item would pay again and again (bench/orders.py).
    named = items_sent(request.POST)
    if named and not isinstance(attempt.refusal, PriceChanged):
        # The form that was checked is over these items already.
        page, again = attempt.page, attempt.form
    else:  # the prices of now, read afresh; or the whole round, to choose from
        page = round_for_ordering(slug=slug, item_ids=named) if named else round_page(slug=slug)
        again = OrderForm(request.POST, page=page)
        again.shows_checks_of(attempt.form)
    status = 400
    if attempt.refusal is not None:
        _refusal_on_form(again, attempt.refusal)
        status = _status(attempt.refusal, page)
    again.again()
    context = _round_context(page, again)
    context["only_ordered"] = bool(named)
    return private_response(render(request, "cooperatives/round.html", context, status=status))


def _bank_details(round: Round, language: str) -> str:
    return localize(round.bank_details, languages=round.organisation.languages, requested=language)


def _payment_context(request: HttpRequest, order: Order) -> dict[str, object]:
    """How the order is paid, for its pages: a card order never shows bank details."""
    card = order.payment == Order.Payment.CARD
    return {
        "card": card,
        # Back from Stripe's page: "paid" (confirmation on its way) or "cancelled".
        "card_return": request.GET.get("card", "") if card else "",
        "card_available": card and card_payments_enabled(),
        "bank_details": "" if card else _bank_details(order.round, request.LANGUAGE_CODE),
    }


def _ordered_order(slug: str, token: str) -> Order:
    try:
        order_id = signing.loads(token, salt=ORDERED_SALT, max_age=ORDERED_MAX_AGE)
    except signing.BadSignature as exc:
        raise Http404 from exc
    order = order_of_round(slug=slug, pk=order_id) if isinstance(order_id, int) else None
    if order is None:
        raise Http404
    return order


@private_page
@checkout_form_allowed
def round_ordered(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The page after ordering: the reference, the bank details (or the card
    payment's state), what comes next."""
    order = _ordered_order(slug, token)
    return render(
        request,
        "cooperatives/order_placed.html",
        {
            "summary": order_summary(order),
            "round": order.round,
            "token": token,
            **_payment_context(request, order),
        },
    )


# --- the buyer's private order page ----------------------------------------------------------


def _page_of(round: Round) -> RoundPage:
    """The round's items and pickup points for an order's own page (the round may
    have been unpublished since)."""
    return RoundPage(
        round=round,
        offers=round_offers(round),
        pickup_points=list(PickupPoint.objects.filter(round=round).order_by("position", "pk")),
        now=timezone.now(),
    )


def _changeable(order: Order) -> bool:
    return order.status == Order.Status.PENDING and timezone.now() < order.round.closes_at


def _order_render(
    request: HttpRequest,
    order: Order,
    token: str,
    *,
    form: OrderChangeForm | None = None,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    changeable = _changeable(order)
    if changeable and form is None:
        form = OrderChangeForm(page=_page_of(order.round), order=order)
    return render(
        request,
        "cooperatives/order.html",
        {
            "summary": order_summary(order),
            "round": order.round,
            "token": token,
            "changeable": changeable,
            "form": form if changeable else None,
            "page": form.page if changeable and form is not None else None,
            "rows": form.rows() if changeable and form is not None else None,
            "refusal": refusal,
            **_payment_context(request, order),
        },
        status=status,
    )


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cooperatives/order_invalid.html",
        {"reason": _("This link is not valid any more. The order may have been erased.")},
        status=404,
    )


@private_page
@checkout_form_allowed
def order_page(request: HttpRequest, token: str) -> HttpResponse:
    """The order as its buyer sees it, from the emailed link: change it until the
    round closes (POST), afterwards read-only with its status."""
    order = order_for_token(token)
    if order is None:
        return _invalid_link(request)
    if request.method != "POST":
        return _order_render(request, order, token)
    if (refusal := cross_site_refusal(request)) is not None:
        return refusal
    if not _changeable(order):
        return _order_render(
            request,
            order,
            token,
            refusal=_("This order can no longer be changed here."),
            status=409,
        )
    form = OrderChangeForm(request.POST, page=_page_of(order.round))
    status = 400
    if form.is_valid():
        try:
            order_change(
                order=order,
                lines=form.lines(),
                delivery=form.delivery(),
                prices_seen=form.prices_seen(),
                shipping_seen_minor=form.shipping_seen(),
            )
        except CooperativesError as exc:
            _refusal_on_form(form, exc)
            status = _status(exc)
        else:
            messages.success(
                request, _("Your order is changed. We have emailed you the new total.")
            )
            return redirect("cooperatives:order", token=token)
    return _order_render(request, order, token, form=form, status=status)


def _confirmed(request: HttpRequest) -> bool:
    """The "Yes, cancel my order" button was pressed, not only "Cancel my order"."""
    return request.POST.get("confirm") == "1"


def _cancel_confirm_render(
    request: HttpRequest, order: Order, *, cancel_url: str, back_url: str
) -> HttpResponse:
    """Cancelling asks once more, without JavaScript: a page saying what will
    happen, whose button posts again with `confirm`, and a way back."""
    return render(
        request,
        "cooperatives/order_cancel_confirm.html",
        {
            "summary": order_summary(order),
            "round": order.round,
            "cancel_url": cancel_url,
            "back_url": back_url,
        },
    )


@private_page
@post_only_or_redirect("cooperatives:order")
def order_cancel_view(request: HttpRequest, token: str) -> HttpResponse:
    """ "Cancel my order" on the private page: a confirmation first, then the order
    is cancelled and the buyer emailed."""
    order = order_for_token(token)
    if order is None:
        return _invalid_link(request)
    if (refusal := cross_site_refusal(request)) is not None:
        return refusal
    if not _confirmed(request):
        if (locked := order_buyer_cancel_refusal(order=order)) is not None:
            return _order_render(request, order, token, refusal=str(locked), status=409)
        return _cancel_confirm_render(
            request,
            order,
            cancel_url=reverse("cooperatives:order-cancel", args=[token]),
            back_url=reverse("cooperatives:order", args=[token]),
        )
    try:
        cancelled = order_buyer_cancel(order=order, email=True)
    except OrderLocked as exc:
        return _order_render(request, order, token, refusal=str(exc), status=409)
    if cancelled:
        messages.success(request, _("Your order is cancelled. Nothing more is owed."))
    return redirect("cooperatives:order", token=token)


# --- a person's orders, beside their data page -----------------------------------------------


@allowed_methods("GET", "HEAD")
@supporter_page
def my_orders(request: HttpRequest, supporter: Supporter) -> HttpResponse:
    orders = orders_page(person_of(supporter))
    return render(
        request,
        "cooperatives/orders_mine.html",
        {
            "supporter": supporter,
            "orders": orders,
            "now": timezone.now(),
        },
    )


@post_only_or_redirect("cooperatives:my-orders", with_arguments=False)
@supporter_page
def my_order_cancel(request: HttpRequest, supporter: Supporter, pk: int) -> HttpResponse:
    """ "Cancel this order" on the person's list of orders: a confirmation first,
    then the order is cancelled and the buyer emailed."""
    order = order_of_person(person_of(supporter), pk)
    if order is None:
        messages.error(request, _("This order is not yours to cancel."))
        return redirect("cooperatives:my-orders")
    if not _confirmed(request):
        if (locked := order_buyer_cancel_refusal(order=order)) is not None:
            messages.error(request, str(locked))
            return redirect("cooperatives:my-orders")
        return _cancel_confirm_render(
            request,
            order,
            cancel_url=reverse("cooperatives:my-order-cancel", args=[order.pk]),
            back_url=reverse("cooperatives:my-orders"),
        )
    try:
        if order_buyer_cancel(order=order, email=True):
            messages.success(
                request,
                _("Your order %(reference)s is cancelled.") % {"reference": order.reference},
            )
    except OrderLocked as exc:
        messages.error(request, str(exc))
    return redirect("cooperatives:my-orders")


# --- paying a card order on Stripe's page (card.py) -------------------------------------------


def card_checkout_redirect(request: HttpRequest, order: Order, *, back: str) -> HttpResponse:
    """Sends the buyer of a card order to Stripe's page to pay it; if that cannot be
    done now, back to `back` (the order's page) with the reason."""
    try:
        session = order_checkout_start(order=order)
    except (CardPaymentUnavailable, OrderLocked) as exc:
        messages.error(request, str(exc))
        return redirect(back)
    return redirect(session.url)


@private_page
@post_only_or_redirect("cooperatives:order")
def order_card_pay(request: HttpRequest, token: str) -> HttpResponse:
    """ "Pay by card" on the order's private page."""
    order = order_for_token(token)
    if order is None:
        return _invalid_link(request)
    if (refusal := cross_site_refusal(request)) is not None:
        return refusal
    return card_checkout_redirect(request, order, back=reverse("cooperatives:order", args=[token]))


@private_page
@post_only_or_redirect("cooperatives:ordered")
def ordered_card_pay(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """ "Pay by card" on the page after ordering."""
    order = _ordered_order(slug, token)
    if (refusal := cross_site_refusal(request)) is not None:
        return refusal
    back = reverse("cooperatives:ordered", kwargs={"slug": slug, "token": token})
    return card_checkout_redirect(request, order, back=back)


@private_page
@allowed_methods("GET", "HEAD")
def card_return(request: HttpRequest, token: str) -> HttpResponse:
    """Where Stripe's page sends the buyer back, paid or not: the page after ordering,
    saying which."""
    order_id = order_id_of_return(token)
    order = Order.objects.select_related("round").filter(pk=order_id).first() if order_id else None
    if order is None:
        return _invalid_link(request)
    ordered = ordered_url(order.round.slug, order)
    state = request.GET.get("card", "")
    return redirect(f"{ordered}?card={state}" if state in ("paid", "cancelled") else ordered)
