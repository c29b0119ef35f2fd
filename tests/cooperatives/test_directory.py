"""The public directory of cooperatives and their pages: filters, search, totals that are
sums of the directory, the map, what is shown of a cooperative and what never is.

Every bad query parameter is answered with a 4xx or ignored, never a 500."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from solidaria.cooperatives.directory import (
    DirectoryTotals,
    cooperative_fill_place,
    cooperative_place,
    directory_totals,
)
from solidaria.cooperatives.directory_views import COOPERATIVES_PER_PAGE
from solidaria.cooperatives.models import Cooperative, CooperativePhoto
from solidaria.core.rendering.gazetteer import ensure_index

from .factories import CooperativeFactory, ProductFactory, ProductVariantFactory, RoundFactory

pytestmark = pytest.mark.django_db

DIRECTORY = "/en/cooperatives/"


def page(client: Client, path: str = DIRECTORY, **query: Any) -> Any:
    return client.get(path, query)


def text(response: Any) -> str:
    return unescape(response.content.decode())


def listed_names(response: Any) -> list[str]:
    """The names in the list of cards (not the table beside the map)."""
    cards = response.content.decode().split('class="cards coop-cards"', 1)
    if len(cards) < 2:
        return []
    return [
        unescape(name) for name in re.findall(r"<h3><a href=\"[^\"]+\">([^<]+)</a></h3>", cards[1])
    ]


def png() -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


# --- the directory ---------------------------------------------------------------------


def test_totals_are_sums_of_the_published_directory_with_closed_ones_apart(client: Client) -> None:
    CooperativeFactory(name="Uno", workers=30)
    CooperativeFactory(name="Dos", workers=12, status="reduced", capacity_percent=40)
    CooperativeFactory(name="Tres", workers=50)
    CooperativeFactory(name="Cerrada", workers=20, status="closed")
    CooperativeFactory(name="Oculta", workers=999, published=False)

    assert directory_totals() == DirectoryTotals(cooperatives=3, workers=92, reduced=1, closed=1)
    response = page(client)
    assert response.status_code == 200
    body = " ".join(text(response).split())
    assert "<strong>3</strong> cooperatives" in body
    assert "about <strong>92</strong> workers" in body
    assert "1 of them works at reduced capacity." in body
    assert "1 more has closed and is not counted above." in body
    assert "Oculta" not in body
    assert listed_names(response) == ["Cerrada", "Dos", "Tres", "Uno"]


def test_an_empty_directory_counts_nothing_and_says_so(client: Client) -> None:
    assert directory_totals() == DirectoryTotals(cooperatives=0, workers=0, reduced=0, closed=0)
    response = page(client)
    assert response.status_code == 200
    assert "No cooperative is listed yet." in text(response)


def test_filters_by_sector_and_province_and_search_by_name_or_city(client: Client) -> None:
    CooperativeFactory(name="Cerámica del Sur", sector="industry", city="Neuquén", province="AR-Q")
    CooperativeFactory(name="Panadería Unida", sector="food", city="Buenos Aires", province="AR-C")
    CooperativeFactory(name="Grisines Libres", sector="food", city="Rosario", province="AR-S")

    assert listed_names(page(client, sector="food")) == ["Grisines Libres", "Panadería Unida"]
    assert listed_names(page(client, province="AR-Q")) == ["Cerámica del Sur"]
    assert listed_names(page(client, sector="food", province="AR-S")) == ["Grisines Libres"]
    # Accents and case aside, every word in the name or the city.
    assert listed_names(page(client, q="neuquen")) == ["Cerámica del Sur"]
    assert listed_names(page(client, q="PANADERIA")) == ["Panadería Unida"]
    assert listed_names(page(client, q="libres rosario")) == ["Grisines Libres"]
    response = page(client, sector="food", q="unida")
    assert listed_names(response) == ["Panadería Unida"]
    assert "1 cooperative found" in text(response)


def test_a_filter_that_finds_nothing_says_so_and_links_back(client: Client) -> None:
    CooperativeFactory(name="Panadería Unida", sector="food")
    response = page(client, sector="health")
    assert response.status_code == 200
    assert listed_names(response) == []
    body = text(response)
    assert "No cooperative matches this search." in body
    assert 'href="/en/cooperatives/">Show all cooperatives' in body


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"sector": "mining"}, "Select a valid choice."),
        ({"province": "AR-ZZ"}, "Select a valid choice."),
        ({"province": "x" * 300}, "at most 256 characters"),
        ({"q": "x" * 101}, "at most 100 characters"),
        ({"q": "bad\x00byte"}, "Null characters are not allowed."),
        ({"q": "bad\x07bell"}, "Please remove the invisible control characters."),
    ],
)
def test_a_bad_filter_is_a_400_with_a_message_and_the_whole_directory(
    client: Client, query: dict[str, str], message: str
) -> None:
    CooperativeFactory(name="Panadería Unida", sector="food")
    response = page(client, **query)
    assert response.status_code == 400
    body = text(response)
    assert message in body
    assert listed_names(response) == ["Panadería Unida"]
    assert "x" * 257 not in body  # nothing long is shown back


@pytest.mark.parametrize("number", ["abc", "-1", "0", "1.5", "999999", "9" * 40, ""])
def test_a_junk_page_number_shows_a_page_of_the_list(client: Client, number: str) -> None:
    CooperativeFactory.create_batch(COOPERATIVES_PER_PAGE + 2)
    response = page(client, page=number)
    assert response.status_code == 200
    assert len(listed_names(response)) in (COOPERATIVES_PER_PAGE, 2)


def test_the_list_is_paginated_and_the_pages_keep_the_filters(client: Client) -> None:
    for n in range(COOPERATIVES_PER_PAGE + 3):
        CooperativeFactory(name=f"Cooperativa {n:02d}", sector="food")
    CooperativeFactory(name="Zeta Textil", sector="textiles")

    first = page(client, sector="food", junk="1")
    assert len(listed_names(first)) == COOPERATIVES_PER_PAGE
    assert "Page 1 of 2" in text(first)
    assert 'href="?sector=food&amp;page=2" rel="next"' in first.content.decode()
    second = page(client, sector="food", page="2")
    assert listed_names(second) == [f"Cooperativa {n:02d}" for n in range(24, 27)]
    assert 'href="?sector=food&amp;page=1" rel="prev"' in second.content.decode()
    # The map and the table hold every match, not only the page's.
    table = re.search(r'<table class="table map-table">.*?</table>', text(second), re.S).group(0)
    assert "Cooperativa 00" in table and "Zeta Textil" not in table


def test_the_map_has_a_dot_per_place_and_a_table_by_province(client: Client) -> None:
    CooperativeFactory(name="Uno", city="Buenos Aires", province="AR-C")
    CooperativeFactory(name="Dos", city="Buenos Aires", province="AR-C")
    CooperativeFactory(
        name="Tres",
        city="Neuquén",
        province="AR-Q",
        latitude=Decimal("-38.95161"),
        longitude=Decimal("-68.05910"),
    )
    response = page(client)
    html = response.content.decode()
    svg = re.search(r'<svg class="country-map".*?</svg>', html, re.S).group(0)
    assert 'role="img"' in svg and 'aria-label="Map of Argentina with 3 cooperatives"' in svg
    circles = re.findall(r"<circle [^>]*><title>([^<]*)</title>", svg)
    assert sorted(unescape(title) for title in circles) == [
        "Buenos Aires: Dos, Uno",
        "Neuquén: Tres",
    ]
    table = re.search(r'<table class="table map-table">.*?</table>', html, re.S).group(0)
    rows = re.findall(r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td>', table)
    assert rows == [("Ciudad Autónoma de Buenos Aires", "2"), ("Neuquén", "1")]


def test_a_cooperative_without_coordinates_is_placed_at_its_city(client: Client) -> None:
    ensure_index()  # as `manage.py bootstrap` does at start; a page never builds it
    CooperativeFactory(name="Sin coordenadas", city="Neuquén", latitude=None, longitude=None)
    CooperativeFactory(
        name="Pueblo desconocido", city="Villa Inventada", latitude=None, longitude=None
    )
    response = page(client)
    titles = re.findall(r"<circle [^>]*><title>([^<]*)</title>", response.content.decode())
    assert [unescape(title) for title in titles] == ["Neuquén: Sin coordenadas"]
    assert "Pueblo desconocido" in text(response)  # in the list and the table


def test_map_labels_and_titles_are_escaped(client: Client) -> None:
    CooperativeFactory(name="<b>Bold</b> & Co", city="<script>alert(1)</script>")
    html = page(client).content.decode()
    assert "<script>alert(1)" not in html
    assert "<b>Bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;: &lt;b&gt;Bold&lt;/b&gt; &amp; Co" in html


def test_closed_and_reduced_cooperatives_and_examples_are_marked(client: Client) -> None:
    CooperativeFactory(name="Cerrada", status="closed")
    CooperativeFactory(name="Reducida", status="reduced", capacity_percent=35)
    CooperativeFactory(name="Inventada", is_example=True)
    body = " ".join(text(page(client)).split())
    assert '<span class="status coop-closed">Closed</span>' in body
    assert "Cerrada</a> (closed)" in body  # the table beside the map
    assert "Reduced activity — 35 % of capacity" in body
    assert '<span class="status coop-example"' in body and ">Example</span>" in body


def test_the_directory_is_a_cached_public_page_in_three_queries(
    client: Client, django_assert_num_queries: Any
) -> None:
    for n in range(30):
        cooperative = CooperativeFactory(name=f"Cooperativa {n}", is_example=n % 2 == 0)
        ProductFactory(cooperative=cooperative)
    RoundFactory.create_batch(3)
    # The rounds open now, the totals, and the cooperatives that match (the list,
    # the map and the table).
    with django_assert_num_queries(3):
        response = page(client, sector="food", q="cooperativa")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    with django_assert_num_queries(0):  # from the page cache
        assert page(client, sector="food", q="cooperativa").status_code == 200


def test_the_directory_in_spanish(client: Client) -> None:
    CooperativeFactory(name="Panadería Unida", sector="food", province="AR-C")
    response = client.get("/es/cooperatives/", {"sector": "food"})
    assert response.status_code == 200
    assert '<html lang="es"' in response.content.decode()
    assert listed_names(response) == ["Panadería Unida"]


@pytest.mark.parametrize(("language", "name"), [("en", "Cooperatives"), ("es", "Cooperativas")])
def test_the_site_header_links_to_the_directory_in_the_visitors_language(
    client: Client, language: str, name: str
) -> None:
    def header(path: str) -> str:
        return client.get(path).content.decode().split("</header>", 1)[0]

    link = f'<a href="/{language}/cooperatives/"'
    assert f"{link}>{name}</a>" in header(f"/{language}/")  # the home page
    assert f'{link} aria-current="page">{name}</a>' in header(f"/{language}/cooperatives/")


# --- a cooperative's page --------------------------------------------------------------


def test_a_cooperative_page_shows_its_story_photos_products_and_languages(client: Client) -> None:
    cooperative = CooperativeFactory(
        name="Textiles Unidos",
        sector="textiles",
        city="Pigüé",
        province="AR-B",
        year_recovered=2004,
        workers=42,
        languages=["es", "en"],
        website="https://textiles.example.org/",
    )
    CooperativePhoto.objects.create(
        cooperative=cooperative, image=png(), caption={"es": "El taller", "en": "The workshop"}
    )
    shirt = ProductFactory(
        cooperative=cooperative,
        name={"es": "Remera", "en": "T-shirt"},
        unit={"es": "una remera", "en": "one T-shirt"},
        reference_price_minor=1_800_000,
        weight_grams=180,
        exportable=True,
    )
    ProductVariantFactory(product=shirt, name={"es": "M", "en": "M"})
    ProductVariantFactory(product=shirt, name={"es": "XL", "en": "XL"})
    ProductVariantFactory(product=shirt, name={"es": "XXS", "en": "XXS"}, available=False)
    ProductFactory(cooperative=cooperative, name={"en": "Local only"}, exportable=False)
    ProductFactory(cooperative=cooperative, name={"en": "Withdrawn"}, available=False)

    response = client.get(cooperative.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    body = " ".join(text(response).split())
    assert "<h1>Textiles Unidos</h1>" in body
    # The story's paragraphs, in the reader's language.
    assert "<p>Its workers recovered it.</p>" in html
    assert "<p>Today they run it in assembly.</p>" in html
    assert 'alt="The workshop"' in html and "<figcaption" in html
    assert "T-shirt" in body and "one T-shirt" in body
    # The sizes on offer, the withdrawn one left out (matched as the list is written:
    # a random upload name or token on the page may hold the letters "XXS").
    assert "<dt>Variants</dt><dd>M, XL</dd>" in body
    assert "18,000.00" in body and "ARS" in body
    assert "180 g" in body
    assert "Can be exported" in body and "Sold in Argentina only" in body
    assert "Withdrawn" not in body
    assert "Spanish, English" in body
    assert 'href="https://textiles.example.org/" rel="nofollow noopener external"' in html
    assert "<dt>Recovered in</dt><dd>2004</dd>" in body
    assert "<dt>Workers</dt><dd>42</dd>" in body


def test_a_cooperative_page_in_spanish_shows_the_spanish_story(client: Client) -> None:
    cooperative = CooperativeFactory()
    response = client.get(f"/es/cooperatives/{cooperative.slug}/")
    assert response.status_code == 200
    assert "<p>La recuperaron sus trabajadores.</p>" in response.content.decode()


def test_contact_details_are_never_on_either_page(client: Client) -> None:
    cooperative = CooperativeFactory(
        contact_name="Rosa Secreta",
        contact_email="rosa.secreta@example.org",
        contact_phone="+54 11 5555 0199",
    )
    for path in (DIRECTORY, cooperative.get_absolute_url()):
        body = text(client.get(path))
        for secret in ("Rosa Secreta", "rosa.secreta", "5555 0199"):
            assert secret not in body, (path, secret)


def test_unpublished_and_unknown_cooperatives_are_404(client: Client) -> None:
    hidden = CooperativeFactory(published=False)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get("/en/cooperatives/no-such-cooperative/").status_code == 404


def test_a_closed_cooperative_is_shown_as_closed_without_products(client: Client) -> None:
    cooperative = CooperativeFactory(name="Metalúrgica Cerrada", status="closed")
    ProductFactory(cooperative=cooperative, name={"en": "Gears"})
    response = client.get(cooperative.get_absolute_url())
    assert response.status_code == 200
    body = text(response)
    assert '<span class="status coop-closed">Closed</span>' in body
    assert "This cooperative has closed." in body
    assert "Gears" not in body


def test_reduced_activity_and_examples_are_said_on_the_page(client: Client) -> None:
    cooperative = CooperativeFactory(status="reduced", capacity_percent=40, is_example=True)
    body = text(client.get(cooperative.get_absolute_url()))
    assert "Reduced activity — 40 % of capacity" in body
    assert ">Example</span>" in body
    assert "This cooperative is an invented example" in body


def test_the_cooperative_page_takes_four_queries_whatever_it_holds(
    client: Client, django_assert_num_queries: Any
) -> None:
    cooperative = CooperativeFactory()
    for _n in range(3):
        CooperativePhoto.objects.create(cooperative=cooperative, image=png())
    for _n in range(6):
        product = ProductFactory(cooperative=cooperative)
        ProductVariantFactory.create_batch(3, product=product)
    # The cooperative, its photos, its products and their variants.
    with django_assert_num_queries(4):
        response = client.get(cooperative.get_absolute_url())
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]


# --- placing a cooperative -------------------------------------------------------------


def test_the_console_fills_empty_coordinates_from_the_city() -> None:
    cooperative = Cooperative(city="Neuquén", country="AR", latitude=None, longitude=None)
    assert cooperative_fill_place(cooperative=cooperative)
    assert cooperative.latitude == pytest.approx(Decimal("-38.95"), abs=Decimal("0.05"))
    assert cooperative.longitude == pytest.approx(Decimal("-68.06"), abs=Decimal("0.05"))
    # Typed coordinates stay as they are; an unknown town is left empty.
    typed = Cooperative(city="Neuquén", latitude=Decimal("-37.6"), longitude=Decimal("-62.4"))
    assert not cooperative_fill_place(cooperative=typed)
    assert cooperative_place(typed) == (Decimal("-37.6"), Decimal("-62.4"))
    unknown = Cooperative(city="Villa Inventada", country="AR")
    assert not cooperative_fill_place(cooperative=unknown)
    assert unknown.latitude is None


def test_the_links_to_other_languages_keep_the_valid_filters(client: Client) -> None:
    CooperativeFactory(sector="food", province="AR-C")
    html = page(client, sector="food", province="AR-C", q="x" * 50, junk="1").content.decode()
    links = re.findall(r'<link rel="alternate" hreflang="es" href="[^"]*?(/es/[^"]*)"', html)
    assert links == [f"/es/cooperatives/?q={'x' * 50}&amp;sector=food&amp;province=AR-C"]


def test_the_directory_names_the_buying_rounds_open_now_and_no_other(client: Client) -> None:
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    RoundFactory(slug="open-berlin", title={"en": "Berlin buys from the cooperatives"})
    RoundFactory(slug="draft", title={"en": "A draft"}, published=False)
    RoundFactory(
        slug="over",
        title={"en": "Last spring"},
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=1),
    )
    RoundFactory(
        slug="later",
        title={"en": "Next month"},
        opens_at=now + timedelta(days=20),
        closes_at=now + timedelta(days=40),
    )

    body = text(page(client))

    assert "Berlin buys from the cooperatives" in body and "/en/rounds/open-berlin/" in body
    assert "A draft" not in body and "Last spring" not in body and "Next month" not in body
