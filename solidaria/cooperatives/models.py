"""Worker-recovered cooperatives, their products, and solidarity buying rounds abroad.

The directory (Cooperative, Product) is kept by the organisation that maintains
each entry, or by the cooperative's own staff through its own organisation
account. A buying round is run by a local group in one country and currency: it
offers some products at its own prices, people order without an account, and when
it closes every cooperative gets a purchase order.

Amounts are whole minor units with their currency (solidaria.core.rendering.money).
Stock is kept on the round's item (`sold`), raised only by a conditional UPDATE and
bounded by a check constraint, so a limited product is never oversold. Totals shown
on public pages are kept by the services as orders change, never summed per view.
Buyers' names, addresses and contact details are encrypted (core.privacy.pii).
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField
from i18nfield.fields import I18nCharField, I18nTextField

from solidaria.core.ledger.models import LedgerEntryBase
from solidaria.core.privacy.fields import EncryptedTextField
from solidaria.core.rendering.i18n import MultilingualText, localize, validate_language_list
from solidaria.core.rendering.images import CleanImageField
from solidaria.core.rendering.money import Money, currency_choices
from solidaria.core.validators import IMAGE_VALIDATORS

# Cooperatives write and are written to in Spanish first.
DIRECTORY_LANGUAGES = ("es", "en", "pt", "fr", "de")

# Argentina's provinces by their ISO 3166-2 codes; their names are not translated.
PROVINCES = [
    ("AR-C", "Ciudad Autónoma de Buenos Aires"),
    ("AR-B", "Buenos Aires"),
    ("AR-K", "Catamarca"),
    ("AR-H", "Chaco"),
    ("AR-U", "Chubut"),
    ("AR-X", "Córdoba"),
    ("AR-W", "Corrientes"),
    ("AR-E", "Entre Ríos"),
    ("AR-P", "Formosa"),
    ("AR-Y", "Jujuy"),
    ("AR-L", "La Pampa"),
    ("AR-F", "La Rioja"),
    ("AR-M", "Mendoza"),
    ("AR-N", "Misiones"),
    ("AR-Q", "Neuquén"),
    ("AR-R", "Río Negro"),
    ("AR-A", "Salta"),
    ("AR-J", "San Juan"),
    ("AR-D", "San Luis"),
    ("AR-Z", "Santa Cruz"),
    ("AR-S", "Santa Fe"),
    ("AR-G", "Santiago del Estero"),
    ("AR-V", "Tierra del Fuego"),
    ("AR-T", "Tucumán"),
]


def default_answer_languages() -> list[str]:
    return ["es"]


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a time zone, e.g. Europe/Berlin."),
            code="time_zone",
            params={"value": value},
        )


class Cooperative(models.Model):
    """A worker-recovered company, run by the people who work in it."""

    class LegalForm(models.TextChoices):
        WORKER_COOPERATIVE = "worker_coop", _("worker cooperative")
        COOPERATIVE = "cooperative", _("other cooperative")
        ASSOCIATION = "association", _("association of workers")
        IN_PROCESS = "in_process", _("being formed")

    class Sector(models.TextChoices):
        INDUSTRY = "industry", _("industry")
        FOOD = "food", _("food")
        TEXTILES = "textiles", _("textiles")
        PRINTING = "printing", _("printing and publishing")
        HOSPITALITY = "hospitality", _("hospitality")
        SERVICES = "services", _("services")
        EDUCATION = "education", _("education")
        HEALTH = "health", _("health")
        CONSTRUCTION = "construction", _("construction")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        REDUCED = "reduced", _("reduced activity")
        # Contexts: the word agrees with "cooperative" or "order" in French.
        CLOSED = "closed", pgettext_lazy("cooperative", "closed")

    # Who keeps the entry: the committee's organisation, usually.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="cooperatives",
        verbose_name=_("kept by"),
    )
    # The cooperative's own account: its staff keep its entry and products too.
    own_organisation = models.OneToOneField(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cooperative",
        verbose_name=_("its own account"),
        help_text=_("The organisation whose staff are the cooperative's own people."),
    )
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    legal_form = models.CharField(
        _("legal form"),
        max_length=16,
        choices=LegalForm.choices,
        default=LegalForm.WORKER_COOPERATIVE,
    )
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    city = models.CharField(_("city"), max_length=100)
    province = models.CharField(_("province"), max_length=4, choices=PROVINCES, blank=True)
    country = CountryField(_("country"), default="AR")
    # From the offline gazetteer when left empty; typed for towns it does not know.
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    year_recovered = models.PositiveSmallIntegerField(
        _("year recovered"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    workers = models.PositiveIntegerField(_("number of workers"), default=0)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    capacity_percent = models.PositiveSmallIntegerField(
        _("share of capacity in use (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("For reduced activity: how much of what it could make it makes now."),
    )
    story = I18nTextField(
        _("story"),
        blank=True,
        help_text=_("Plain text; an empty line between paragraphs."),
    )
    website = models.URLField(_("website"), blank=True)
    # Encrypted: the person who answers for the cooperative.
    contact_name = EncryptedTextField(_("contact person"), blank=True)
    contact_email = EncryptedTextField(
        _("contact email"),
        blank=True,
        help_text=_("Purchase orders are sent here, in Spanish."),
    )
    contact_phone = EncryptedTextField(_("contact phone"), blank=True)
    languages = models.JSONField(
        _("languages it answers in"),
        default=default_answer_languages,
        validators=[validate_language_list],
        help_text=_('Language codes, e.g. ["es", "en"].'),
    )
    is_example = models.BooleanField(
        _("invented example"),
        default=False,
        help_text=_("Marked as an example on every page (demo content)."),
    )
    published = models.BooleanField(_("shown in the directory"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("cooperative")
        verbose_name_plural = _("cooperatives")
        indexes = [
            models.Index(fields=["published", "sector"], name="coop_directory_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="reduced") | Q(capacity_percent__isnull=True),
                name="coop_capacity_only_when_reduced",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cooperatives:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.status != self.Status.REDUCED:
            self.capacity_percent = None
        elif self.capacity_percent is None:
            raise ValidationError(
                {"capacity_percent": _("Say how much of its capacity it uses now.")}
            )

    @property
    def text(self) -> MultilingualText:
        return MultilingualText(self, self.languages or DIRECTORY_LANGUAGES)

    @property
    def province_name(self) -> str:
        return dict(PROVINCES).get(self.province, "")


class CooperativePhoto(models.Model):
    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, related_name="photos", verbose_name=_("cooperative")
    )
    image = CleanImageField(
        _("photo"), upload_to="cooperatives/", validators=IMAGE_VALIDATORS, max_side=1600
    )
    caption = I18nCharField(_("caption"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return localize(self.caption, languages=DIRECTORY_LANGUAGES) or f"#{self.pk}"


class Product(models.Model):
    cooperative = models.ForeignKey(
        Cooperative,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("cooperative"),
    )
    name = I18nCharField(_("name"), max_length=200)
    description = I18nTextField(_("description"), blank=True)
    unit = I18nCharField(
        _("unit"), max_length=100, help_text=_("What one item is, e.g. “500 g” or “a T-shirt”.")
    )
    # The cooperative's own price at home, for reference: whole centavos.
    reference_price_minor = models.BigIntegerField(
        _("reference price in pesos (in centavos)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    weight_grams = models.PositiveIntegerField(_("weight for shipping (g)"), null=True, blank=True)
    exportable = models.BooleanField(_("can be exported"), default=True)
    available = models.BooleanField(
        _("available"), default=True, help_text=_("Withdrawn products cannot be ordered.")
    )
    image = CleanImageField(
        _("photo"),
        upload_to="products/",
        blank=True,
        validators=IMAGE_VALIDATORS,
        max_side=1200,
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cooperative", "position", "pk"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return localize(self.name, languages=DIRECTORY_LANGUAGES) or f"#{self.pk}"

    @property
    def text(self) -> MultilingualText:
        return MultilingualText(self, DIRECTORY_LANGUAGES)

    @property
    def reference_price(self) -> Money | None:
        if self.reference_price_minor is None:
            return None
        return Money(self.reference_price_minor, "ARS")


class ProductVariant(models.Model):
    """A size or colour of a product; a product without variants is ordered as it is."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="variants", verbose_name=_("product")
    )
    name = I18nCharField(_("variant"), max_length=100, help_text=_("e.g. “M”, “red, L”."))
    available = models.BooleanField(_("available"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["product", "position", "pk"]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")

    def __str__(self) -> str:
        return localize(self.name, languages=DIRECTORY_LANGUAGES) or f"#{self.pk}"


class Round(models.Model):
    """A solidarity buying round: a local group's order from the cooperatives."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="buying_rounds",
        verbose_name=_("run by"),
    )
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = I18nCharField(_("title"), max_length=200)
    description = I18nTextField(_("description"), blank=True)
    country = CountryField(_("country"), help_text=_("Where the orders are collected or sent."))
    currency = models.CharField(_("currency"), max_length=3, choices=currency_choices)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Berlin",
        validators=[validate_time_zone],
        help_text=_("Opening and closing times are shown in it, e.g. Europe/Berlin."),
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    # Pesos for one unit of the round's currency, stated on every purchase order.
    exchange_rate = models.DecimalField(
        _("pesos for one unit of the round's currency"),
        max_digits=14,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0.0001"))],
    )
    shipping_fee_minor = models.BigIntegerField(
        _("flat shipping fee (in cents)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Leave empty to offer pickup only."),
    )
    bank_details = I18nTextField(
        _("bank details"),
        blank=True,
        help_text=_(
            "Account holder, bank, IBAN… Buyers pay by transfer, with their order's reference."
        ),
    )
    card_payments = models.BooleanField(
        _("card payments"), default=False, help_text=_("Through Stripe, when it is configured.")
    )
    payment_days = models.PositiveSmallIntegerField(
        _("days to pay after closing"),
        default=7,
        help_text=_("Orders still unpaid then are cancelled and their items released."),
    )
    published = models.BooleanField(_("published"), default=True)
    # Kept by the services as orders change (never summed per page view).
    ordered_minor = models.BigIntegerField(default=0, editable=False)
    orders_count = models.PositiveIntegerField(default=0, editable=False)
    cooperatives_count = models.PositiveIntegerField(default=0, editable=False)
    # Set once by the closing task: purchase orders went out.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    # Set once the unpaid orders were cancelled after the grace period.
    unpaid_cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("buying round")
        verbose_name_plural = _("buying rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="round_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return localize(self.title, languages=self.organisation.languages) or self.slug

    def get_absolute_url(self) -> str:
        return reverse("cooperatives:round", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("A round closes after it opens.")})

    @property
    def text(self) -> MultilingualText:
        return MultilingualText(self, self.organisation.languages)

    def is_open_at(self, moment: datetime) -> bool:
        return (
            self.published and self.closed_at is None and self.opens_at <= moment < self.closes_at
        )

    @property
    def is_open(self) -> bool:
        return self.is_open_at(timezone.now())

    @property
    def ships(self) -> bool:
        return self.shipping_fee_minor is not None

    @property
    def shipping_fee(self) -> Money | None:
        if self.shipping_fee_minor is None:
            return None
        return Money(self.shipping_fee_minor, self.currency)

    @property
    def ordered(self) -> Money:
        return Money(self.ordered_minor, self.currency)

    def to_pesos(self, minor: int) -> Money:
        """An amount of the round's currency in pesos at the round's rate (one rounding
        rule: core.rendering.money.convert)."""
        from solidaria.core.rendering.money import convert

        return Money(convert(minor, self.currency, into="ARS", rate=self.exchange_rate), "ARS")


class RoundItem(models.Model):
    """A product offered in a round, at the round's price, perhaps in limited number."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="items", verbose_name=_("round")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="round_items", verbose_name=_("product")
    )
    price_minor = models.BigIntegerField(_("price (in cents)"), validators=[MinValueValidator(1)])
    max_quantity = models.PositiveIntegerField(
        _("most that can be ordered"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit."),
    )
    # Raised and lowered only by conditional UPDATEs in the ordering services.
    sold = models.PositiveIntegerField(_("ordered"), default=0, editable=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["round", "position", "pk"]
        verbose_name = _("product in the round")
        verbose_name_plural = _("products in the round")
        constraints = [
            models.UniqueConstraint(fields=["round", "product"], name="one_item_per_product"),
            # The last line of defence against overselling: the database refuses it.
            models.CheckConstraint(
                condition=Q(max_quantity__isnull=True) | Q(sold__lte=F("max_quantity")),
                name="round_item_never_oversold",
            ),
        ]

    def __str__(self) -> str:
        return str(self.product)

    @property
    def price(self) -> Money:
        return Money(self.price_minor, self.round.currency)

    @property
    def left(self) -> int | None:
        if self.max_quantity is None:
            return None
        return max(self.max_quantity - self.sold, 0)


class PickupPoint(models.Model):
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="pickup_points", verbose_name=_("round")
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    city = models.CharField(_("city"), max_length=100)
    opening_hours = I18nCharField(_("opening hours"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["round", "position", "pk"]
        verbose_name = _("pickup point")
        verbose_name_plural = _("pickup points")

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"


class RoundSupplier(models.Model):
    """What a round has ordered from one cooperative, kept as orders change; and when
    its purchase order was sent."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="suppliers")
    cooperative = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="round_totals"
    )
    ordered_minor = models.BigIntegerField(default=0)
    quantity = models.IntegerField(default=0)
    purchase_order_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "cooperative"], name="one_supplier_row")
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.cooperative_id}"


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for payment")
        PAID = "paid", _("paid")
        PACKED = "packed", _("packed")
        COLLECTED = "collected", _("collected")
        SHIPPED = "shipped", _("shipped")
        CANCELLED = "cancelled", pgettext_lazy("order", "cancelled")

    class Payment(models.TextChoices):
        BANK = "bank", _("bank transfer")
        CARD = "card", _("card")

    class Delivery(models.TextChoices):
        PICKUP = "pickup", _("pickup")
        SHIPPING = "shipping", _("shipping")

    class CancelledBy(models.TextChoices):
        BUYER = "buyer", _("the buyer")
        ORGANISERS = "organisers", _("the organisers")
        UNPAID = "unpaid", _("not paid in time")

    class CardPaymentProblem(models.TextChoices):
        AMOUNT_DIFFERS = "amount_differs", _("paid, but not the order's total")
        PAID_WHEN_CANCELLED = "paid_cancelled", _("paid after the order was cancelled")
        PAID_WHEN_PAID = "paid_twice", _("paid by card after it was marked paid: paid twice?")

    class CardDispute(models.TextChoices):
        OPEN = "open", _("disputed: the card holder's bank holds the money back")
        WON = "won", _("dispute won: the money came back")
        LOST = "lost", _("dispute lost: the money went back to the card holder")

    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="orders", verbose_name=_("round")
    )
    # The code written on the bank transfer (core.banking, prefix BR).
    reference = models.CharField(_("reference"), max_length=16, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    payment = models.CharField(
        _("payment"), max_length=4, choices=Payment.choices, default=Payment.BANK
    )
    delivery = models.CharField(_("delivery"), max_length=8, choices=Delivery.choices)
    pickup_point = models.ForeignKey(
        PickupPoint,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("pickup point"),
    )
    name = EncryptedTextField(_("name"))
    email = EncryptedTextField(_("email"))
    email_index = models.CharField(max_length=64, editable=False, db_index=True)
    # Shipping only, all encrypted; the country is the round's.
    address = EncryptedTextField(_("address"), blank=True)
    postcode = EncryptedTextField(_("postcode"), blank=True)
    city = EncryptedTextField(_("city"), blank=True)
    consent_owner = models.BooleanField(_("may hear from the organisation"), default=False)
    language = models.CharField(_("language"), max_length=8)
    items_minor = models.BigIntegerField(_("items (in cents)"), default=0)
    shipping_minor = models.BigIntegerField(_("shipping (in cents)"), default=0)
    # The buyer's private page (through a link): only its hash is kept.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # What follows an order's placing (ordering.orders_follow_up): counting it (the
    # cooperatives' totals, the audit entry), and the buyer's email, until which the
    # page's token waits here, encrypted, for the email's link; then it is emptied.
    follow_up_owed = models.BooleanField(default=False, editable=False)
    email_owed = models.BooleanField(default=False, editable=False)
    sealed_token = EncryptedTextField(editable=False)
    stripe_session_id = models.CharField(
        max_length=255, unique=True, null=True, blank=True, editable=False
    )
    # The card payment Stripe confirmed (card.py), counted or not: its payment
    # intent, by which its refunds and disputes find the order, and what arrived,
    # which is not always the order's total.
    stripe_payment_intent_id = models.CharField(
        max_length=255, blank=True, editable=False, db_index=True
    )
    card_received_minor = models.BigIntegerField(
        _("received by card (in cents)"), null=True, blank=True
    )
    card_received_currency = models.CharField(_("currency received"), max_length=3, blank=True)
    # As Stripe last said (refunds are made in Stripe's dashboard).
    card_refunded_minor = models.BigIntegerField(_("refunded by card (in cents)"), default=0)
    # Money that arrived but could not count (the order stays as it was), and a
    # dispute of a payment: for a person to settle in Stripe and in the console,
    # where these orders are listed; the days to pay leave them alone.
    card_payment_problem = models.CharField(
        _("card payment problem"),
        max_length=16,
        choices=CardPaymentProblem.choices,
        blank=True,
    )
    card_dispute = models.CharField(
        _("card dispute"), max_length=8, choices=CardDispute.choices, blank=True
    )
    supporter = models.ForeignKey(
        "supporters.Supporter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    created_at = models.DateTimeField(_("ordered"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    packed_at = models.DateTimeField(_("packed"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("collected or shipped"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.CharField(
        _("cancelled by"), max_length=10, choices=CancelledBy.choices, blank=True
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["round", "status"], name="order_round_status_idx"),
            models.Index(
                fields=["id"], condition=Q(follow_up_owed=True), name="order_follow_up_owed_idx"
            ),
            models.Index(fields=["id"], condition=Q(email_owed=True), name="order_email_owed_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(delivery="shipping") | Q(pickup_point__isnull=False),
                name="order_pickup_has_point",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def total_minor(self) -> int:
        return self.items_minor + self.shipping_minor

    @property
    def total(self) -> Money:
        return Money(self.total_minor, self.round.currency)

    @property
    def items_total(self) -> Money:
        return Money(self.items_minor, self.round.currency)

    @property
    def shipping(self) -> Money:
        return Money(self.shipping_minor, self.round.currency)

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CANCELLED

    @property
    def card_received(self) -> Money | None:
        if self.card_received_minor is None:
            return None
        return Money(self.card_received_minor, self.card_received_currency or self.round.currency)

    @property
    def card_refunded(self) -> Money:
        return Money(self.card_refunded_minor, self.card_received_currency or self.round.currency)

    @property
    def card_needs_a_person(self) -> bool:
        """A card payment that did not count, or a dispute not won: organisers settle
        it (`CARD_NEEDS_A_PERSON` asks the same of the database)."""
        return bool(self.card_payment_problem) or self.card_dispute in (
            self.CardDispute.OPEN,
            self.CardDispute.LOST,
        )


# The orders whose card payment waits for a person (`Order.card_needs_a_person`).
CARD_NEEDS_A_PERSON = ~Q(card_payment_problem="") | Q(
    card_dispute__in=[Order.CardDispute.OPEN, Order.CardDispute.LOST]
)


class OrderLine(models.Model):
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order")
    )
    item = models.ForeignKey(
        RoundItem, on_delete=models.PROTECT, related_name="lines", verbose_name=_("product")
    )
    variant = models.ForeignKey(
        ProductVariant,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("variant"),
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    # The price the buyer agreed to, whatever the round's price is later.
    unit_price_minor = models.BigIntegerField(_("unit price (in cents)"))

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_positive"),
            models.UniqueConstraint(
                fields=["order", "item"],
                condition=Q(variant__isnull=True),
                name="one_line_per_product",
            ),
            models.UniqueConstraint(
                fields=["order", "item", "variant"],
                condition=Q(variant__isnull=False),
                name="one_line_per_variant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.item}"

    @property
    def line_minor(self) -> int:
        return self.quantity * self.unit_price_minor


class RoundLedgerEntry(LedgerEntryBase):
    """One line of a round's accounts: what came in from the orders, what was paid to
    each cooperative, what the round cost. Append-only with four eyes, as a fund's
    ledger (core.ledger); in the round's currency. A payment to a cooperative names it
    and may say what arrived in pesos."""

    book_field = "round"
    organisation_lookup = "round__organisation"
    reversal_keeps = ("kind", "currency", "category", "cooperative_id")
    other_book_message = _("A correction belongs to the same round as the entry it corrects.")

    class Kind(models.TextChoices):
        INCOME = "income", _("income")
        PAYMENT = "payment", _("payment to a cooperative")
        EXPENSE = "expense", _("expense")

    class Category(models.TextChoices):
        BANK_TRANSFERS = "transfers", _("bank transfers received")
        CARD_PAYOUTS = "card_payouts", _("card payouts")
        GOODS = "goods", _("goods from the cooperative")
        SHIPPING = "shipping", _("shipping")
        BANK_FEES = "bank_fees", _("bank fees")
        CUSTOMS = "customs", _("customs")
        OTHER = "other", _("other")

    # The categories each kind of entry is filed under.
    KIND_CATEGORIES = {
        Kind.INCOME: (Category.BANK_TRANSFERS, Category.CARD_PAYOUTS, Category.OTHER),
        Kind.PAYMENT: (Category.GOODS,),
        Kind.EXPENSE: (Category.SHIPPING, Category.BANK_FEES, Category.CUSTOMS, Category.OTHER),
    }

    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="ledger", verbose_name=_("round")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    cooperative = models.ForeignKey(
        Cooperative,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="round_payments",
        verbose_name=_("paid to"),
        help_text=_("For a payment to a cooperative: which one."),
    )
    # What the cooperative received in pesos (signed, as the amount).
    amount_pesos_minor = models.BigIntegerField(
        _("amount in pesos (in centavos)"), null=True, blank=True
    )

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("round ledger entry")
        verbose_name_plural = _("round ledger entries")
        indexes = [
            models.Index(fields=["round", "approved_at", "date"], name="round_ledger_idx"),
        ]
        constraints = [
            # A payment names its cooperative; nothing else names one or has pesos.
            models.CheckConstraint(
                condition=Q(kind="payment", cooperative__isnull=False)
                | (
                    ~Q(kind="payment")
                    & Q(cooperative__isnull=True, amount_pesos_minor__isnull=True)
                ),
                name="round_ledger_payment_names_cooperative",
            ),
        ]

    @property
    def amount_pesos(self) -> Money | None:
        if self.amount_pesos_minor is None:
            return None
        return Money(self.amount_pesos_minor, "ARS")

    def reversing_entry(self, *, entry_date: Any, description: Any) -> RoundLedgerEntry:
        reversal = super().reversing_entry(entry_date=entry_date, description=description)
        if self.amount_pesos_minor is not None:
            reversal.amount_pesos_minor = -self.amount_pesos_minor
        return reversal
