"""A buying round's pages: the public round page with its order form, ordering through
it, the page after ordering, the buyer's private order page, a person's orders on
their own pages, and their data (list, export, erase, retention).

Every bad input is answered with a 4xx and a message in the visitor's language (the
Spanish pages here), and stores nothing."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from solidaria.cooperatives import fastlane, placing
from solidaria.cooperatives.models import Order, OrderLine, RoundItem
from solidaria.cooperatives.ordering import (
    FollowedUp,
    orders_follow_up,
    price_field_name,
    quantity_field_name,
)
from solidaria.cooperatives.personal_data import ORDER_DATA_KEPT, expire
from solidaria.cooperatives.rounds import order_for_token
from solidaria.core.models import OutgoingEmail
from solidaria.supporters.access import SESSION_KEY
from solidaria.supporters.services import (
    supporter_action_end,
    supporter_erase,
    supporter_export,
    supporter_get_or_create,
)
from tests.cooperatives.conftest import Shop, active_lines_sum, in_language, order_form, place
from tests.cooperatives.factories import (
    PickupPointFactory,
    ProductVariantFactory,
    RoundFactory,
    RoundItemFactory,
)
from tests.helpers import ORIGIN, post_form, solved_proof

pytestmark = pytest.mark.django_db


def url(name: str, *args: Any, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse(f"cooperatives:{name}", args=args)


def text(response: Any) -> str:
    return unescape(response.content.decode())


def order(client: Client, shop: Shop, lines: Any = (), *, lang: str = "en", **fields: Any) -> Any:
    return post_form(
        client, url("round-order", shop.round.slug, lang=lang), order_form(shop, lines, **fields)
    )


def nothing_stored() -> None:
    assert Order.objects.count() == 0 and OrderLine.objects.count() == 0
    assert set(RoundItem.objects.values_list("sold", flat=True)) <= {0}
    assert not OutgoingEmail.objects.exists()


# --- the public round page ------------------------------------------------------------


def test_the_round_page_shows_the_products_the_totals_and_the_form(
    client: Client, shop: Shop
) -> None:
    place(shop.round, [(shop.yerba, 2), (shop.shirt, shop.medium, 1)], point=shop.berlin)

    response = client.get(url("round", shop.round.slug))

    assert response.status_code == 200
    html = text(response)
    assert "Buying round" in html and "Yerba mate" in html and "T-shirt" in html
    assert "Cooperativa Yerbatera" in html and "Textiles Pigüé" in html
    assert "€8.50" in html and "€15.00" in html and "8 left" in html
    # The kept totals, read from the round's row.
    assert "€32.00" in html and "ordered from 2 cooperatives" in html
    assert "Laden Kreuzberg" in html and "Café Altona" in html and "Tue and Thu" in html
    assert "Shipping within Germany: €6.90" in html
    assert re.search(r"Closes on .+ left\)", html)
    for name in (
        quantity_field_name(shop.yerba.pk),
        quantity_field_name(shop.shirt.pk, shop.medium.pk),
        quantity_field_name(shop.shirt.pk, shop.large.pk),
        price_field_name(shop.yerba.pk),
        "pickup_point",
        "consent_owner",
        "form_token",
        "website",
    ):
        assert f'name="{name}"' in html, name
    assert not re.search(r'name="consent_owner"[^>]*checked', html)
    assert "may email me" in html  # the organisation's consent wording
    # Cacheable, and nothing personal on it.
    assert "public" in response["Cache-Control"] and not response.cookies
    assert "csrfmiddlewaretoken" not in html


@pytest.mark.parametrize("n", [1, 12])
def test_the_round_page_runs_a_fixed_number_of_queries(
    client: Client, django_assert_num_queries: Any, n: int
) -> None:
    round = RoundFactory()
    PickupPointFactory(round=round)
    for _ in range(n):
        item = RoundItemFactory(round=round, max_quantity=50)
        ProductVariantFactory(product=item.product)
        ProductVariantFactory(product=item.product)
    client.get(url("round", round.slug))  # the consent wording is published on first view
    # The round, its items, their variants, the pickup points, the consent wording.
    with django_assert_num_queries(5):
        response = client.get(url("round", round.slug) + "?again")
    assert response.status_code == 200


def test_a_closed_round_shows_its_products_without_a_form(client: Client, shop: Shop) -> None:
    shop.round.opens_at = timezone.now() - timedelta(days=30)
    shop.round.closes_at = timezone.now() - timedelta(days=1)
    shop.round.save()

    html = text(client.get(url("round", shop.round.slug)))

    assert "Yerba mate" in html and "This round has closed" in html
    assert 'name="form_token"' not in html


def test_an_unpublished_or_unknown_round_is_not_found(client: Client, shop: Shop) -> None:
    shop.round.published = False
    shop.round.save()
    assert client.get(url("round", shop.round.slug)).status_code == 404
    assert client.get(url("round", "no-such-round")).status_code == 404


# --- ordering through the page --------------------------------------------------------


def test_an_order_through_the_page_leads_to_the_bank_details(client: Client, shop: Shop) -> None:
    response = order(
        client, shop, [(shop.yerba, 2), (shop.shirt, shop.large, 1)], consent_owner="on"
    )

    assert response.status_code == 302
    placed = Order.objects.get()
    assert placed.consent_owner and placed.language == "en"
    page = client.get(response["Location"])
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    html = text(page)
    assert placed.reference in html and "€32.00" in html
    assert "Account holder: Example group" in html and "Laden Kreuzberg" in html
    assert "What happens next" in html and "T-shirt</span> · L" in html
    # The email follows within the scheduler's next run (orders_follow_up), with the
    # link to the order's private page.
    placed_emails = OutgoingEmail.objects.filter(template="cooperatives_order_placed")
    assert not placed_emails.exists() and placed.follow_up_owed and placed.email_owed
    assert orders_follow_up() == FollowedUp(counted=1, emailed=1)
    assert not orders_follow_up()
    (email,) = placed_emails
    token = json.loads(email.context)["token"]
    assert email.recipient == placed.email and order_for_token(token) == placed
    placed.refresh_from_db()
    assert not placed.follow_up_owed and not placed.email_owed and placed.sealed_token == ""


def test_the_order_form_works_without_javascript_and_sends_the_page_shipping(
    client: Client, shop: Shop
) -> None:
    response = order(
        client,
        shop,
        [(shop.yerba, 1)],
        delivery="shipping",
        pickup_point="",
        address="Oranienstraße 1",
        postcode="10999",
        city="Berlin",
        country="DE",
    )
    assert response.status_code == 302
    assert Order.objects.get().total_minor == 850 + 690


def test_the_page_after_ordering_needs_its_signed_address(client: Client, shop: Shop) -> None:
    assert client.get(url("ordered", shop.round.slug, "forged")).status_code == 404


def test_a_bot_filling_the_honeypot_is_answered_as_anyone_and_nothing_is_stored(
    client: Client, shop: Shop
) -> None:
    response = order(client, shop, [(shop.yerba, 1)], website="http://spam.example")
    assert response.status_code == 302
    nothing_stored()


def test_a_post_from_another_site_is_refused(client: Client, shop: Shop) -> None:
    response = post_form(
        client,
        url("round-order", shop.round.slug),
        order_form(shop, [(shop.yerba, 1)]),
        origin="https://evil.example",
    )
    assert response.status_code == 403
    nothing_stored()


# --- bad input, in Spanish ----------------------------------------------------------------------


def _es(message: str | tuple[str, str], **params: Any) -> str:
    if isinstance(message, tuple):  # a plural entry, counted by what is left
        with translation.override("es"):
            return translation.ngettext(*message, params["left"]) % params
    return in_language("es", message) % params if params else in_language("es", message)


BAD_INPUT: dict[str, tuple[dict[str, Any], str | tuple[str, str]]] = {
    "nothing ordered": ({}, "Your order is empty: enter how many you want of at least one item."),
    "negative": ({"yerba": "-1"}, "Enter 0 or more: 0 means you do not order it."),
    "fractional": ({"yerba": "1.5"}, "Enter a whole number, such as 1 or 2."),
    "not a number": ({"yerba": "dos"}, "Enter a whole number, such as 1 or 2."),
    "above the limit": ({"yerba": "100"}, "You can order at most %(limit_value)s of this."),
    "above what is left": ({"yerba": "11"}, ("Only %(left)s is left.", "Only %(left)s are left.")),
    "pickup point of another round": (
        {"pickup_point": "foreign"},
        "Choose one of this round's pickup points.",
    ),
    "address in another country": (
        {
            "delivery": "shipping",
            "address": "Calle 1",
            "postcode": "1000",
            "city": "Rosario",
            "country": "AR",
        },
        "This round ships only within %(country)s.",
    ),
    "unknown currency": ({"currency": "XXX"}, "This round takes orders in %(currency)s only."),
    "no delivery chosen": ({"delivery": ""}, "Choose how you get your order."),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_is_a_400_with_a_spanish_message_and_stores_nothing(
    client: Client, shop: Shop, case: str
) -> None:
    changes, message = BAD_INPUT[case]
    fields = dict(changes)
    if "yerba" in fields:
        fields[quantity_field_name(shop.yerba.pk)] = fields.pop("yerba")
    if fields.get("pickup_point") == "foreign":
        fields["pickup_point"] = PickupPointFactory(round=RoundFactory()).pk
    lines = [] if case == "nothing ordered" or "yerba" in changes else [(shop.yerba, 1)]

    response = order(client, shop, lines, lang="es", **fields)

    assert response.status_code == 400
    html = text(response)
    assert '<html lang="es"' in html
    with translation.override("es"):
        expected = _es(message, limit_value=99, left=10, country="Alemania", currency="EUR")
    assert expected in html, expected
    # The form comes back, with the buyer's values and a fresh token.
    assert 'name="form_token"' in html and "Ana María Gómez" in html
    assert "no-store" in response["Cache-Control"]
    nothing_stored()


def test_an_email_that_is_not_one_is_refused_in_spanish(client: Client, shop: Shop) -> None:
    response = order(client, shop, [(shop.yerba, 1)], lang="es", email="ana-at-example")
    assert response.status_code == 400
    assert (
        _es("Enter a valid email address.") == "Escribe una dirección de correo electrónico válida."
    )
    assert _es("Enter a valid email address.") in text(response)
    nothing_stored()


def test_a_broken_hidden_price_says_the_form_was_incomplete(client: Client, shop: Shop) -> None:
    response = order(
        client, shop, [(shop.yerba, 1)], lang="es", **{price_field_name(shop.yerba.pk): "x"}
    )
    assert response.status_code == 400
    assert _es("The form was incomplete. Please check your details and send it again.") in text(
        response
    )
    nothing_stored()


def test_an_old_form_is_refused(client: Client, shop: Shop) -> None:
    response = order(client, shop, [(shop.yerba, 1)], lang="es", form_token="old")
    assert response.status_code == 400
    assert _es("This form is too old. Please check your details and send it again.") in text(
        response
    )
    nothing_stored()


def test_a_withdrawn_product_is_named_and_nothing_is_stored(client: Client, shop: Shop) -> None:
    shop.yerba.product.available = False
    shop.yerba.product.save()

    response = order(client, shop, [(shop.yerba, 2)], lang="es")

    assert response.status_code == 400
    with translation.override("es"):
        expected = _es(
            "“%(product)s” has been withdrawn: it can no longer be ordered.",
            product="Yerba mate",
        )
    assert expected in text(response)
    nothing_stored()


def test_a_price_changed_since_the_page_shows_the_new_price_and_asks_to_confirm(
    client: Client, shop: Shop
) -> None:
    data = order_form(shop, [(shop.yerba, 2)])
    RoundItem.objects.filter(pk=shop.yerba.pk).update(price_minor=990)

    response = post_form(client, url("round-order", shop.round.slug, lang="es"), data)

    assert response.status_code == 409
    html = text(response)
    assert (
        _es(
            "Some prices have changed since you opened the page. Please check the new prices and "
            "send your order again to confirm them."
        )
        in html
    )
    assert "9,90" in html  # the new price, the Spanish way
    assert f'name="{price_field_name(shop.yerba.pk)}" value="990"' in html
    nothing_stored()

    # The form as it came back, sent again, confirms the new price.
    confirmed = dict(data)
    confirmed[price_field_name(shop.yerba.pk)] = 990
    confirmed["form_token"] = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    assert (
        post_form(client, url("round-order", shop.round.slug, lang="es"), confirmed).status_code
        == 302
    )
    assert Order.objects.get().items_minor == 1980


def test_stock_taken_by_someone_else_meanwhile_is_a_409_saying_what_is_left(
    client: Client, shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = placing.order_place

    def another_buyer_first(**kwargs: Any) -> Any:
        RoundItem.objects.filter(pk=shop.yerba.pk).update(sold=9)
        return real(**kwargs)

    monkeypatch.setattr(placing, "order_place", another_buyer_first)

    response = order(client, shop, [(shop.yerba, 3)], lang="es")

    assert response.status_code == 409
    with translation.override("es"):
        expected = translation.ngettext(
            "Only %(left)s of “%(product)s” is left: please order at most that many.",
            "Only %(left)s of “%(product)s” are left: please order at most that many.",
            1,
        ) % {"left": 1, "product": "Yerba mate"}
    assert expected in text(response)
    assert Order.objects.count() == 0 and not OutgoingEmail.objects.exists()
    shop.yerba.refresh_from_db()
    assert shop.yerba.sold == 9


@pytest.mark.parametrize(("days", "status"), [(-1, 410), (1, 403)])
def test_a_round_closed_or_not_open_yet_refuses_orders(
    client: Client, shop: Shop, days: int, status: int
) -> None:
    now = timezone.now()
    if days < 0:
        shop.round.opens_at, shop.round.closes_at = now - timedelta(days=9), now - timedelta(days=1)
        message = "This buying round has closed: it takes no more orders."
    else:
        shop.round.opens_at, shop.round.closes_at = now + timedelta(days=1), now + timedelta(days=9)
        message = "This buying round is not open for orders yet."
    shop.round.save()

    response = order(client, shop, [(shop.yerba, 1)], lang="es")

    assert response.status_code == status
    assert _es(message) in text(response)
    nothing_stored()


def test_a_get_of_the_order_address_goes_to_the_round_page(client: Client, shop: Shop) -> None:
    response = client.get(url("round-order", shop.round.slug))
    assert response.status_code == 302 and response["Location"].endswith(
        url("round", shop.round.slug) + "#order-heading"
    )


# --- the buyer's private order page --------------------------------------------------------------


def test_the_private_page_shows_the_order_and_changes_it(client: Client, shop: Shop) -> None:
    placed = place(shop.round, [(shop.yerba, 2)], point=shop.berlin, language="en")
    page_url = url("order", placed.token)

    page = client.get(page_url)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    html = text(page)
    assert placed.order.reference in html and "waiting for payment" in html
    assert "Change your order" in html and "csrfmiddlewaretoken" in html

    data = order_form(shop, [(shop.yerba, 5), (shop.shirt, shop.medium, 1)])
    data["pickup_point"] = shop.hamburg.pk
    response = client.post(page_url, data, HTTP_ORIGIN=ORIGIN)

    assert response.status_code == 302
    changed = Order.objects.get()
    assert changed.pickup_point == shop.hamburg and changed.items_minor == 5 * 850 + 1500
    shop.yerba.refresh_from_db()
    assert shop.yerba.sold == 5 == active_lines_sum(shop.yerba)
    assert "Your order is changed" in text(client.get(page_url))


def test_a_change_to_more_than_is_left_is_refused_on_the_private_page(
    client: Client, shop: Shop
) -> None:
    placed = place(shop.round, [(shop.yerba, 2)], point=shop.berlin)
    data = order_form(shop, [(shop.yerba, 11)])

    response = client.post(url("order", placed.token, lang="es"), data, HTTP_ORIGIN=ORIGIN)

    assert response.status_code == 400
    with translation.override("es"):
        assert translation.ngettext("Only %(left)s is left.", "Only %(left)s are left.", 8) % {
            "left": 8
        } in text(response)
    shop.yerba.refresh_from_db()
    assert shop.yerba.sold == 2


def test_the_buyer_cancels_from_the_private_page(client: Client, shop: Shop) -> None:
    placed = place(shop.round, [(shop.yerba, 2)], point=shop.berlin)

    response = client.post(url("order-cancel", placed.token), {"confirm": "1"}, HTTP_ORIGIN=ORIGIN)

    assert response.status_code == 302
    assert Order.objects.get().status == Order.Status.CANCELLED
    html = text(client.get(url("order", placed.token)))
    assert "Change your order" not in html and "nothing is owed" in html


def test_after_the_round_closes_the_private_page_is_read_only(client: Client, shop: Shop) -> None:
    placed = place(shop.round, [(shop.yerba, 2)], point=shop.berlin)
    shop.round.opens_at = timezone.now() - timedelta(days=30)
    shop.round.closes_at = timezone.now() - timedelta(minutes=1)
    shop.round.save()

    html = text(client.get(url("order", placed.token)))
    assert placed.order.reference in html and "Change your order" not in html

    response = client.post(url("order-cancel", placed.token, lang="es"), HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 409
    assert _es(
        "The round has closed: your order can no longer be changed or cancelled here."
    ) in text(response)
    assert (
        client.post(
            url("order", placed.token), order_form(shop, [(shop.yerba, 1)]), HTTP_ORIGIN=ORIGIN
        ).status_code
        == 409
    )
    assert Order.objects.get().status == Order.Status.PENDING


def test_a_forged_link_opens_nothing(client: Client, shop: Shop) -> None:
    assert client.get(url("order", "forged-token")).status_code == 404
    assert client.post(url("order-cancel", "forged-token"), HTTP_ORIGIN=ORIGIN).status_code == 404


# --- a person's orders on their own pages, and their data -----------------------------------------


def open_page(client: Client, email: str) -> Any:
    supporter, _created = supporter_get_or_create(email=email)
    session = client.session
    session[SESSION_KEY] = supporter.pk
    session.save()
    return supporter


def test_a_person_sees_and_cancels_their_orders_on_their_own_page(
    client: Client, shop: Shop
) -> None:
    mine = place(shop.round, [(shop.yerba, 2)], point=shop.berlin).order
    place(shop.round, [(shop.yerba, 1)], point=shop.berlin, email="other@example.org")
    open_page(client, "ana@example.org")

    html = text(client.get(url("my-orders")))
    assert mine.reference in html and html.count("BR-") == 1

    response = client.post(url("my-order-cancel", mine.pk), {"confirm": "1"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Order.Status.CANCELLED
    other = Order.objects.exclude(pk=mine.pk).get()
    assert client.post(url("my-order-cancel", other.pk), {"confirm": "1"}).status_code == 302
    other.refresh_from_db()
    assert other.status == Order.Status.PENDING


def test_the_orders_page_needs_the_persons_link(client: Client) -> None:
    response = client.get(url("my-orders"))
    assert response.status_code == 302 and "/my/" in response["Location"]


def test_a_persons_orders_are_on_their_data_page_in_their_export_and_cancellable(
    shop: Shop,
) -> None:
    placed = place(shop.round, [(shop.yerba, 2)], point=shop.berlin, name="Ana Gómez").order
    supporter, _created = supporter_get_or_create(email="ana@example.org")

    data = supporter_export(supporter=supporter)
    [exported] = data["orders"]
    assert exported["reference"] == placed.reference and exported["name"] == "Ana Gómez"
    assert exported["lines"] == [
        {"product": "Yerba mate", "variant": None, "quantity": 2, "unit_price_minor": 850}
    ]

    message = supporter_action_end(
        supporter=supporter, app_label="cooperatives", kind="order", pk=placed.pk
    )
    assert placed.reference in message
    assert Order.objects.get().status == Order.Status.CANCELLED


def test_erasure_empties_the_buyer_and_keeps_the_accounts(shop: Shop) -> None:
    open_order = place(shop.round, [(shop.yerba, 2)], point=shop.berlin).order
    paid = place(shop.round, [(shop.yerba, 3)], email="ana@example.org", point=shop.hamburg).order
    Order.objects.filter(pk=paid.pk).update(status=Order.Status.PAID)
    supporter, _created = supporter_get_or_create(email="ana@example.org")

    counts = supporter_erase(supporter=supporter)

    assert counts["cooperatives"] == 2
    for order in Order.objects.all():
        assert (order.name, order.email, order.email_index, order.address) == ("", "", "", "")
        assert order.token_hash == f"erased:{order.pk}"
    open_order.refresh_from_db()
    paid.refresh_from_db()
    # The unpaid order of the open round is cancelled; the paid one stays, with its amounts.
    assert open_order.status == Order.Status.CANCELLED and paid.status == Order.Status.PAID
    assert paid.items_minor == 2550 and paid.lines.get().quantity == 3
    shop.yerba.refresh_from_db()
    assert shop.yerba.sold == 3


def test_orders_lose_their_buyer_a_year_after_their_round_closed(shop: Shop) -> None:
    order = place(shop.round, [(shop.yerba, 2)], point=shop.berlin).order
    kept_until = shop.round.closes_at + ORDER_DATA_KEPT

    assert expire(kept_until - timedelta(days=1)) == 0
    assert expire(kept_until) == 1
    assert expire(kept_until) == 0

    order.refresh_from_db()
    assert (order.name, order.email, order.email_index) == ("", "", "")
    assert order.items_minor == 1700 and order.lines.get().quantity == 2


def test_an_order_is_checked_against_the_items_it_names_and_a_refusal_shows_them_again(
    client: Client, shop: Shop
) -> None:
    """bench/orders.py: with 200 products, building the whole page and its form was
    three quarters of an order's time. An order is checked against the items it
    names, from the round as this process loaded it a moment ago (reading again only
    what is left of a limited item); a refusal loads the whole round afresh, to show
    the form again."""
    for position in range(40):
        RoundItemFactory(round=shop.round, position=10 + position)
    data = order_form(shop, [(shop.yerba, 2)])
    # A browser sends every quantity; the 40 others are 0 and are not loaded.
    for item in RoundItem.objects.filter(round=shop.round).exclude(pk=shop.yerba.pk):
        data.setdefault(quantity_field_name(item.pk), 0)
        data.setdefault(price_field_name(item.pk), item.price_minor)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = post_form(client, url("round-order", shop.round.slug), data)
    assert first.status_code == 302
    data["email"] = "bea@example.org"
    with CaptureQueriesContext(connection) as queries:
        accepted = post_form(client, url("round-order", shop.round.slug), data)
    assert accepted.status_code == 302
    loaded = [
        q["sql"]
        for q in queries.captured_queries
        if "cooperatives_rounditem" in q["sql"] and q["sql"].lstrip().startswith("SELECT")
    ]
    # Only what is left of the one limited item named: not the round's 42 items.
    assert len(loaded) == 1 and f"IN ({shop.yerba.pk})" in loaded[0]

    data[quantity_field_name(shop.yerba.pk)] = 7  # more than the 6 left
    refused = post_form(client, url("round-order", shop.round.slug), data)
    assert refused.status_code == 400
    html = text(refused)
    # The items ordered again, with the quantities as sent, the refusal beside its
    # field, and a way to all the others.
    assert f'name="{quantity_field_name(shop.yerba.pk)}" value="7"' in html
    others = RoundItem.objects.filter(round=shop.round).exclude(pk=shop.yerba.pk)
    assert not any(f'name="{quantity_field_name(item.pk)}"' in html for item in others)
    assert "Only 6 are left." in html and Order.objects.count() == 2
    assert "Only the products in your order are shown" in html
    assert f'href="{shop.round.get_absolute_url()}#order-heading"' in html

    # Nothing ordered at all: the whole round, to choose from.
    empty = post_form(
        client,
        url("round-order", shop.round.slug),
        {k: v for k, v in data.items() if not k.startswith("q_")},
    )
    assert empty.status_code == 400
    every = text(empty)
    assert f'name="{quantity_field_name(shop.shirt.pk, shop.medium.pk)}"' in every
    assert all(
        f'name="{quantity_field_name(item.pk)}"' in every
        for item in others.exclude(pk=shop.shirt.pk)
    )


def test_the_fast_lane_places_transfer_orders_and_leaves_the_rest_to_the_view(
    client: Client, shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Transfer orders are placed by the ordering fast lane; a refusal it met is
    shown by the full view from what the lane checked, without checking the form
    again: the proof of work it carried is spent, and the refusal is the stock's."""
    answered: list[bool] = []
    lane = fastlane.OrderingFastLaneMiddleware.lane

    def recording(self: Any, *args: Any) -> Any:
        response = lane(self, *args)
        answered.append(response is not None)
        return response

    monkeypatch.setattr(fastlane.OrderingFastLaneMiddleware, "lane", recording)

    placed = order(client, shop, [(shop.yerba, 2)], altcha=solved_proof())
    refused = order(client, shop, [(shop.yerba, 9)], email="bea@example.org", altcha=solved_proof())

    assert placed.status_code == 302 and "/ordered/" in placed["Location"]
    assert placed["Content-Security-Policy"] and placed["X-Frame-Options"]
    assert refused.status_code == 400 and "Only 8 are left." in text(refused)
    assert "automatic check" not in text(refused)
    assert answered == [True, False]
    assert Order.objects.count() == 1
