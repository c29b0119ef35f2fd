"""Factories for the cooperatives app: a published, active cooperative in Buenos Aires
kept by an organisation; its products and variants; and a buying round open now in
Germany, in euros, with its items and pickup points."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from solidaria.cooperatives.models import (
    Cooperative,
    PickupPoint,
    Product,
    ProductVariant,
    Round,
    RoundItem,
)
from tests.factories import OrganisationFactory, numbered_slug


class CooperativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cooperative

    organisation = factory.SubFactory(OrganisationFactory)
    slug = numbered_slug("cooperative")
    name = factory.Sequence(lambda n: f"Cooperativa de Trabajo Número {n}")
    sector = Cooperative.Sector.FOOD
    city = "Buenos Aires"
    province = "AR-C"
    country = "AR"
    latitude = Decimal("-34.60368")
    longitude = Decimal("-58.38160")
    year_recovered = 2002
    workers = 30
    story = {
        "es": "La recuperaron sus trabajadores.\n\nHoy la gestionan en asamblea.",
        "en": "Its workers recovered it.\n\nToday they run it in assembly.",
    }
    languages = ["es", "en"]


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    cooperative = factory.SubFactory(CooperativeFactory)
    name = factory.Sequence(lambda n: {"es": f"Producto {n}", "en": f"Product {n}"})
    description = {"es": "Hecho en la cooperativa.", "en": "Made at the cooperative."}
    unit = {"es": "500 g", "en": "500 g"}
    reference_price_minor = 450_000  # 4,500.00 pesos
    weight_grams = 500
    exportable = True
    available = True


class ProductVariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductVariant

    product = factory.SubFactory(ProductFactory)
    name = factory.Iterator([{"es": "M", "en": "M"}, {"es": "L", "en": "L"}])
    available = True


class RoundFactory(factory.django.DjangoModelFactory):
    """Open now (since yesterday, for three weeks more), in Germany, in euros."""

    class Meta:
        model = Round

    organisation = factory.SubFactory(OrganisationFactory, country="DE", languages=["de", "en"])
    slug = numbered_slug("round")
    title = factory.Sequence(lambda n: {"de": f"Sammelbestellung {n}", "en": f"Buying round {n}"})
    description = {"de": "Produkte der Kooperativen.", "en": "The cooperatives' products."}
    country = "DE"
    currency = "EUR"
    time_zone = "Europe/Berlin"
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyAttribute(lambda round: round.opens_at + timedelta(days=22))
    exchange_rate = Decimal("1050.0000")
    shipping_fee_minor = 690
    bank_details = {
        "de": "Kontoinhaber: Beispielgruppe\nIBAN: DE02 1203 0000 0000 2020 51",
        "en": "Account holder: Example group\nIBAN: DE02 1203 0000 0000 2020 51",
    }
    payment_days = 7


class RoundItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundItem

    round = factory.SubFactory(RoundFactory)
    product = factory.SubFactory(ProductFactory)
    price_minor = 850  # 8.50 €
    max_quantity = None


class PickupPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PickupPoint

    round = factory.SubFactory(RoundFactory)
    name = factory.Sequence(lambda n: f"Stadtteilladen {n}")
    address = "Beispielstraße 1"
    city = "Berlin"
    opening_hours = {"de": "Di und Do 16–19 Uhr", "en": "Tue and Thu 4–7 pm"}
