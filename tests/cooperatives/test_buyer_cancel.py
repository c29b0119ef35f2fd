"""The buyer cancels their order, from its private page or from their list of orders:
the button asks once more (a page, no JavaScript), only "Yes, cancel my order"
cancels, and the buyer is emailed a confirmation in the order's language, once."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from solidaria.cooperatives.models import Order
from solidaria.core.mail.outbox import email_render
from solidaria.core.models import OutgoingEmail
from solidaria.supporters.access import SESSION_KEY
from solidaria.supporters.services import supporter_erase, supporter_get_or_create
from tests.cooperatives.conftest import Shop, active_lines_sum, in_language, place
from tests.helpers import ORIGIN

pytestmark = pytest.mark.django_db

CONFIRM = {"confirm": "1"}
CLOSED = "The round has closed: your order can no longer be changed or cancelled here."


def url(name: str, *args: Any, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse(f"cooperatives:{name}", args=args)


def text(response: Any) -> str:
    return unescape(response.content.decode())


def cancelled_emails() -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(template="cooperatives_order_cancelled"))


def nothing_changed(shop: Shop, order: Order, sold: int) -> None:
    order.refresh_from_db()
    shop.yerba.refresh_from_db()
    assert order.status == Order.Status.PENDING and order.cancelled_at is None
    assert shop.yerba.sold == sold == active_lines_sum(shop.yerba)
    assert not cancelled_emails()


def asks_to_confirm(html: str, *, action: str, back: str, language: str = "en") -> None:
    """The confirmation, in `language`: a form posting `confirm` back to `action`,
    with the page's CSRF token, and a link back to `back` that keeps the order."""
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', html, re.S)
    assert form is not None and form.group(1) == action
    assert 'name="confirm" value="1"' in form.group(2)
    assert "csrfmiddlewaretoken" in form.group(2)
    assert in_language(language, "Yes, cancel my order") in form.group(2)
    assert f'href="{back}"' in form.group(2)
    assert in_language(language, "No, keep my order") in form.group(2)


def open_page(client: Client, email: str) -> None:
    supporter, _created = supporter_get_or_create(email=email)
    session = client.session
    session[SESSION_KEY] = supporter.pk
    session.save()


def close(shop: Shop) -> None:
    shop.round.closes_at = timezone.now() - timedelta(minutes=1)
    shop.round.save(update_fields=["closes_at"])


# --- from the order's private page -----------------------------------------------------------


def test_cancel_my_order_asks_first_and_changes_nothing(client: Client, shop: Shop) -> None:
    placed = place(shop.round, [(shop.yerba, 2)], point=shop.berlin)
    cancel_url = url("order-cancel", placed.token)

    response = client.post(cancel_url, HTTP_ORIGIN=ORIGIN)

    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    html = text(response)
    asks_to_confirm(html, action=cancel_url, back=url("order", placed.token))
    reference = placed.order.reference
    assert f"Your order {reference}, €17.00, will be cancelled" in html  # what, and its total
    assert "This cannot be undone" in html and "Yerba mate" in html
    # Anything but confirm=1 is not a confirmation; a GET goes back to the order.
    assert client.post(cancel_url, {"confirm": "yes"}, HTTP_ORIGIN=ORIGIN).status_code == 200
    get = client.get(cancel_url)
    assert get.status_code == 302 and get["Location"] == url("order", placed.token)
    nothing_changed(shop, placed.order, sold=2)


def test_confirming_cancels_frees_the_stock_and_emails_the_buyer_once_in_spanish(
    client: Client, shop: Shop
) -> None:
    placed = place(shop.round, [(shop.yerba, 2)], point=shop.berlin, language="es")
    cancel_url = url("order-cancel", placed.token, lang="es")

    response = client.post(cancel_url, CONFIRM, HTTP_ORIGIN=ORIGIN)
    again = client.post(cancel_url, CONFIRM, HTTP_ORIGIN=ORIGIN)  # pressed twice

    assert response.status_code == again.status_code == 302
    order = Order.objects.get()
    assert order.status == Order.Status.CANCELLED and order.cancelled_by == "buyer"
    shop.yerba.refresh_from_db()
    assert shop.yerba.sold == 0 == active_lines_sum(shop.yerba)
    [email] = cancelled_emails()
    assert email.recipient == "ana@example.org" and email.language == "es"
    message = email_render(email)
    assert message.subject == in_language("es", "Your order %(reference)s is cancelled") % {
        "reference": order.reference
    }
    assert in_language("es", "Hello %(name)s,") % {"name": "Ana Gómez"} in message.body
    assert (
        in_language(
            "es",
            "You have cancelled your order %(reference)s in “%(round_title)s”. "
            "Its items go back to the round.",
        ).split("%")[0]
        in message.body
    )
    assert "Yerba mate" in message.body  # the order as it was, to keep
    page = text(client.get(url("order", placed.token, lang="es")))
    assert in_language("es", "Your order is cancelled. Nothing more is owed.") in page


def test_an_order_placed_a_moment_ago_gets_only_the_cancellation(
    client: Client, shop: Shop
) -> None:
    placed = place(shop.round, [(shop.yerba, 2)], point=shop.berlin, follow_up=False)

    client.post(url("order-cancel", placed.token), CONFIRM, HTTP_ORIGIN=ORIGIN)

    assert list(OutgoingEmail.objects.values_list("template", flat=True)) == [
        "cooperatives_order_cancelled"
    ]


def test_a_buyer_cancelling_an_order_whose_card_payment_arrived_is_told_a_person_checks_it(
    client: Client, shop: Shop
) -> None:
    placed = place(shop.round, [(shop.yerba, 2)], point=shop.berlin, language="en")
    Order.objects.filter(pk=placed.order.pk).update(
        payment=Order.Payment.CARD,
        card_payment_problem=Order.CardPaymentProblem.AMOUNT_DIFFERS,
    )
    arrived = "A card payment for this order has arrived that the organisers need to check."
    cancel_url = url("order-cancel", placed.token)

    assert arrived in text(client.post(cancel_url, HTTP_ORIGIN=ORIGIN))
    client.post(cancel_url, CONFIRM, HTTP_ORIGIN=ORIGIN)

    [email] = cancelled_emails()
    assert arrived in email_render(email).body
    page = text(client.get(url("order", placed.token)))
    assert arrived in page and "will refund it" not in page  # it was not paid after cancelling


def test_the_data_page_cancels_an_order_through_its_confirmation(
    client: Client, shop: Shop
) -> None:
    order = place(shop.round, [(shop.yerba, 2)], point=shop.berlin).order
    open_page(client, "ana@example.org")
    with translation.override("en"):
        page = text(client.get(reverse("supporters:page")))
    assert f'action="{url("my-order-cancel", order.pk)}"' in page


def test_a_closed_round_refuses_before_and_after_the_confirmation(
    client: Client, shop: Shop
) -> None:
    placed = place(shop.round, [(shop.yerba, 2)], point=shop.berlin)
    close(shop)
    cancel_url = url("order-cancel", placed.token, lang="es")

    for data in ({}, CONFIRM):
        response = client.post(cancel_url, data, HTTP_ORIGIN=ORIGIN)
        assert response.status_code == 409
        html = text(response)
        assert in_language("es", CLOSED) in html
        assert in_language("es", "Yes, cancel my order") not in html
    nothing_changed(shop, placed.order, sold=2)


def test_a_confirmation_from_another_site_or_a_forged_link_cancels_nothing(
    client: Client, shop: Shop
) -> None:
    placed = place(shop.round, [(shop.yerba, 2)], point=shop.berlin)

    refused = client.post(
        url("order-cancel", placed.token), CONFIRM, HTTP_ORIGIN="https://elsewhere.example"
    )
    forged = client.post(url("order-cancel", "forged-token"), CONFIRM, HTTP_ORIGIN=ORIGIN)

    assert (refused.status_code, forged.status_code) == (403, 404)
    nothing_changed(shop, placed.order, sold=2)


# --- from the person's list of orders --------------------------------------------------------


def test_the_list_of_orders_asks_first_then_cancels_and_emails_once(
    client: Client, shop: Shop
) -> None:
    order = place(shop.round, [(shop.yerba, 2)], point=shop.berlin, language="es").order
    open_page(client, "ana@example.org")
    cancel_url = url("my-order-cancel", order.pk, lang="es")

    asking = client.post(cancel_url)

    assert asking.status_code == 200
    asks_to_confirm(
        text(asking), action=cancel_url, back=url("my-orders", lang="es"), language="es"
    )
    assert order.reference in text(asking) and "Yerba mate" in text(asking)
    nothing_changed(shop, order, sold=2)

    done = client.post(cancel_url, CONFIRM, follow=True)
    client.post(cancel_url, CONFIRM)  # pressed twice

    said = in_language("es", "Your order %(reference)s is cancelled.")
    assert said % {"reference": order.reference} in text(done)
    order.refresh_from_db()
    shop.yerba.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and shop.yerba.sold == 0
    [email] = cancelled_emails()
    assert email.language == "es" and order.reference in email_render(email).subject


def test_the_list_of_orders_shows_no_confirmation_for_someone_elses_order(
    client: Client, shop: Shop
) -> None:
    other = place(shop.round, [(shop.yerba, 2)], point=shop.berlin, email="b@example.org").order
    open_page(client, "ana@example.org")

    response = client.post(url("my-order-cancel", other.pk), follow=True)

    assert "Yes, cancel my order" not in text(response)
    assert "This order is not yours to cancel." in text(response)
    nothing_changed(shop, other, sold=2)


def test_the_list_of_orders_says_why_a_closed_round_refuses(client: Client, shop: Shop) -> None:
    order = place(shop.round, [(shop.yerba, 2)], point=shop.berlin).order
    close(shop)
    open_page(client, "ana@example.org")

    for data in ({}, CONFIRM):
        response = client.post(url("my-order-cancel", order.pk, lang="es"), data, follow=True)
        html = text(response)
        assert in_language("es", CLOSED) in html
        assert in_language("es", "Yes, cancel my order") not in html
    nothing_changed(shop, order, sold=2)


# --- erasure ---------------------------------------------------------------------------------


def test_erasure_cancels_an_open_order_without_writing_to_the_address_it_erases(
    shop: Shop,
) -> None:
    order = place(shop.round, [(shop.yerba, 2)], point=shop.berlin).order
    supporter, _created = supporter_get_or_create(email="ana@example.org")

    supporter_erase(supporter=supporter)

    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and not cancelled_emails()


# --- queries ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lines", [1, 3])
def test_the_confirmations_run_a_fixed_number_of_queries(
    client: Client, shop: Shop, django_assert_num_queries: Any, lines: int
) -> None:
    wanted = [(shop.yerba, 1), (shop.shirt, shop.medium, 1), (shop.shirt, shop.large, 1)]
    placed = place(shop.round, wanted[:lines], point=shop.berlin)
    open_page(client, "ana@example.org")

    with django_assert_num_queries(2):  # the order, its lines
        assert client.post(url("order-cancel", placed.token), HTTP_ORIGIN=ORIGIN).status_code == 200
    # The session and its person, the order, its lines; the session's expiry moves on.
    with django_assert_num_queries(7):
        assert client.post(url("my-order-cancel", placed.order.pk)).status_code == 200
