"""Defense funds: gifts by card or bank transfer, and the fund's public ledger.

Amounts are whole minor units with their currency (see solidaria.core.rendering.money).
A gift counts once it has arrived: a card payment when Stripe's webhook says it
succeeded, a bank-transfer pledge when an organiser marks it received. Every
gift that arrives, every refund and every expense is also an entry in the
ledger, which is append-only (core.ledger): a mistake is corrected by a new entry.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from i18nfield.fields import I18nCharField, I18nTextField

from solidaria.core.ledger.models import LedgerEntryBase
from solidaria.core.privacy.fields import EncryptedTextField
from solidaria.core.rendering.i18n import MultilingualText, campaign_languages, localize
from solidaria.core.rendering.money import DEFAULT_CURRENCIES, Money, currency_choices


def default_currencies() -> list[str]:
    return list(DEFAULT_CURRENCIES)


class Fund(models.Model):
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        related_name="funds",
        verbose_name=_("campaign"),
    )
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = I18nCharField(_("title"), max_length=200)
    purpose = I18nTextField(
        _("purpose"),
        help_text=_("What the money is for. Plain text; an empty line between paragraphs."),
    )
    goal_minor = models.BigIntegerField(
        _("goal (in cents)"), default=0, validators=[MinValueValidator(0)]
    )
    goal_currency = models.CharField(
        _("currency of the goal"), max_length=3, choices=currency_choices, default="USD"
    )
    currencies = models.JSONField(
        _("currencies accepted"),
        default=default_currencies,
        help_text=_('ISO codes, e.g. ["ARS", "USD", "EUR"].'),
    )
    suggested_amounts = models.JSONField(
        _("suggested amounts"),
        default=dict,
        blank=True,
        help_text=_(
            'Whole amounts per currency, e.g. {"USD": [10, 25, 50], "ARS": [10000, 25000]}. '
            "Currencies left out get sensible defaults."
        ),
    )
    allow_monthly = models.BooleanField(_("monthly gifts by card"), default=True)
    bank_details = I18nTextField(
        _("bank details"),
        blank=True,
        help_text=_(
            "Account holder, bank, account numbers (IBAN, CBU/alias…) for transfers. "
            "Leave empty to offer card payments only."
        ),
    )
    is_open = models.BooleanField(_("open for gifts"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("defense fund")
        verbose_name_plural = _("defense funds")

    def __str__(self) -> str:
        return localize(self.title, languages=campaign_languages(self)) or self.slug

    def get_absolute_url(self) -> str:
        return reverse("fundraising:detail", kwargs={"slug": self.slug})

    @property
    def text(self) -> MultilingualText:
        return MultilingualText(self, self.campaign.languages)

    @property
    def goal(self) -> Money:
        return Money(self.goal_minor, self.goal_currency)

    @property
    def accepts_gifts(self) -> bool:
        return self.is_open and self.campaign.is_live


class ExchangeRate(models.Model):
    """How much one unit of a currency counts towards a fund's goal, set by organisers."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="rates")
    currency = models.CharField(_("currency"), max_length=3, choices=currency_choices)
    rate = models.DecimalField(
        _("value of 1 unit in the goal's currency"),
        max_digits=18,
        decimal_places=8,
        validators=[MinValueValidator(Decimal("0.00000001"))],
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(fields=["fund", "currency"], name="one_rate_per_currency")
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate.normalize()} {self.fund.goal_currency}"


class FundTotal(models.Model):
    """What has arrived, per fund and currency, kept by the services in the same
    transaction as each change, so pages never add up gifts."""

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="totals")
    currency = models.CharField(max_length=3)
    raised_minor = models.BigIntegerField(default=0)
    gifts = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fund", "currency"], name="one_total_per_currency")
        ]

    def __str__(self) -> str:
        return f"{self.fund_id}: {self.raised_minor} {self.currency}"


class Donation(models.Model):
    class Method(models.TextChoices):
        CARD = "card", _("card")
        BANK = "bank", _("bank transfer")

    class Frequency(models.TextChoices):
        ONCE = "once", _("one-off")
        MONTHLY = "monthly", _("monthly")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SUCCEEDED = "succeeded", _("received")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")
        REFUNDED = "refunded", _("refunded")
        DISPUTED = "disputed", _("disputed")

    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="donations", verbose_name=_("fund")
    )
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    frequency = models.CharField(
        _("frequency"), max_length=8, choices=Frequency.choices, default=Frequency.ONCE
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    amount_minor = models.BigIntegerField(_("amount (in cents)"))
    currency = models.CharField(_("currency"), max_length=3)
    refunded_minor = models.BigIntegerField(_("refunded (in cents)"), default=0)
    # Taken back by the card holder's bank while a dispute runs.
    disputed_minor = models.BigIntegerField(_("disputed (in cents)"), default=0)
    # Monthly gifts: the amount from the next payment on, once the donor changed it.
    next_amount_minor = models.BigIntegerField(
        _("monthly amount from the next payment (in cents)"), null=True, blank=True
    )
    name = EncryptedTextField(_("name"))
    email = EncryptedTextField(_("email"))
    email_index = models.CharField(max_length=64, editable=False, db_index=True)
    anonymous = models.BooleanField(
        _("anonymous"), default=False, help_text=_("Organisers do not see the name either.")
    )
    consent_owner = models.BooleanField(_("may hear from the organisation"), default=False)
    language = models.CharField(_("language"), max_length=8)
    source = models.CharField(_("source"), max_length=64, blank=True)
    # Bank transfers: the code the donor writes on the transfer.
    reference = models.CharField(
        _("reference"), max_length=16, unique=True, null=True, blank=True, editable=False
    )
    stripe_session_id = models.CharField(
        max_length=255, unique=True, null=True, blank=True, editable=False
    )
    stripe_payment_intent_id = models.CharField(
        max_length=255, blank=True, editable=False, db_index=True
    )
    stripe_subscription_id = models.CharField(
        max_length=255, blank=True, editable=False, db_index=True
    )
    stripe_customer_id = models.CharField(max_length=255, blank=True, editable=False)
    # One record per invoice of a monthly gift, so an invoice never counts twice.
    stripe_invoice_id = models.CharField(
        max_length=255, unique=True, null=True, blank=True, editable=False
    )
    # Monthly donors manage their gift from a link; only its hash is kept.
    manage_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    supporter = models.ForeignKey(
        "supporters.Supporter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="donations",
        db_index=False,  # see Meta.indexes
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    succeeded_at = models.DateTimeField(_("received"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("marked received by"),
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("gift")
        verbose_name_plural = _("gifts")
        indexes = [
            models.Index(fields=["fund", "status", "currency"], name="donation_fund_idx"),
            # A person's gifts, and "gave to fund Y" (covering).
            models.Index(
                fields=["supporter", "fund", "succeeded_at"],
                name="donation_supporter_idx",
                condition=models.Q(supporter__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} · {self.get_method_display()} · #{self.pk}"

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency)

    @property
    def monthly_amount(self) -> Money:
        """What a monthly donor gives from the next payment on."""
        return Money(
            self.next_amount_minor if self.next_amount_minor is not None else self.amount_minor,
            self.currency,
        )

    @property
    def display_name(self) -> str:
        return str(_("Anonymous")) if self.anonymous else self.name


class LedgerEntry(LedgerEntryBase):
    """One line of a fund's public accounts (core.ledger: append-only, four eyes)."""

    book_field = "fund"
    organisation_lookup = "fund__campaign__owner"
    other_book_message = _("A correction belongs to the same fund as the entry it corrects.")

    class Kind(models.TextChoices):
        INCOME = "income", _("income")
        EXPENSE = "expense", _("expense")

    class Category(models.TextChoices):
        GIFTS = "gifts", _("gifts")
        LEGAL_FEES = "legal_fees", _("legal fees")
        BAIL = "bail", _("bail")
        TRAVEL = "travel", _("travel")
        BANK_FEES = "bank_fees", _("bank fees")
        OTHER = "other", _("other")

    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="ledger", verbose_name=_("fund")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    description = I18nCharField(
        _("public description"),
        max_length=300,
        help_text=_("Shown on the public ledger. Do not name donors or the people defended."),
    )
    # Encrypted: it can name the people defended.
    private_details = EncryptedTextField(
        _("details for organisers"),
        help_text=_("Names, case numbers, invoice numbers: seen by organisers only."),
    )
    donation = models.OneToOneField(
        Donation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def reversal_refusal(self) -> StrOrPromise | None:
        # Gifts leave the ledger only with the money: by a refund.
        if self.donation_id is not None or self.category == self.Category.GIFTS:
            return _("Gifts are recorded automatically; refund a gift instead.")
        return None

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [models.Index(fields=["fund", "approved_at", "date"], name="ledger_public_idx")]
