"""The entry every ledger is made of. A concrete ledger adds the foreign key to what
its entries are lines of (named by `book_field`), its `kind` and `category` fields
with their own choices, and its Meta (ordering, indexes, names)."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from i18nfield.fields import I18nCharField

from solidaria.core.privacy.fields import EncryptedTextField
from solidaria.core.privacy.storage import private_storage
from solidaria.core.rendering.money import Money, currency_choices


class LedgerEntryBase(models.Model):
    """One line of an organisation's accounts. Never changed once written, except to
    record its approval: a correction is a new entry that points at the old one."""

    # The foreign key to what the entries are lines of ("fund", "round").
    book_field: ClassVar[str]
    # The path from an entry to the organisation that answers for it (audit entries).
    organisation_lookup: ClassVar[str]
    # What a reversal copies from the entry it reverses, besides its book.
    reversal_keeps: ClassVar[tuple[str, ...]] = ("kind", "currency", "category")
    # The refusal of a correction filed under another book than its entry.
    other_book_message: ClassVar[StrOrPromise]

    # Declared by each ledger, with its own choices.
    kind: str
    category: str

    date = models.DateField(_("date"))
    # Signed: a correction may take away from what an earlier entry said.
    amount_minor = models.BigIntegerField(_("amount (in cents)"))
    currency = models.CharField(_("currency"), max_length=3, choices=currency_choices)
    description = I18nCharField(
        _("public description"),
        max_length=300,
        help_text=_("Shown on the public ledger. Name no one who has not agreed to it."),
    )
    # Encrypted: it can name people.
    private_details = EncryptedTextField(
        _("details for organisers"),
        help_text=_("Names, invoice numbers, bank references: seen by organisers only."),
    )
    show_details_publicly = models.BooleanField(
        _("publish the details too"),
        default=False,
        help_text=_("Only where the people named have agreed."),
    )
    receipt = models.FileField(
        _("receipt"),
        upload_to="ledger-receipts/%Y/",
        blank=True,
        storage=private_storage,
        validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png"])],
        help_text=_("PDF, JPEG or PNG, up to 10 MB. Seen by organisers only."),
    )
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("corrects entry"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.amount}"  # type: ignore[attr-defined]

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency)

    @property
    def is_public(self) -> bool:
        return self.approved_at is not None

    @property
    def book_id(self) -> int:
        value: int = getattr(self, f"{self.book_field}_id")
        return value

    # Any: an Organisation, which core may not import (it sits below the apps).
    def organisation(self) -> Any:
        """The organisation that answers for this ledger (its staff approve, its
        audit entries name it). Follows `organisation_lookup`, one query per step
        not already loaded."""
        target: object = self
        for part in self.organisation_lookup.split("__"):
            target = getattr(target, part, None)
            if target is None:
                return None
        return target

    def reversal_refusal(self) -> StrOrPromise | None:
        """Why this entry may not be reversed by hand, if a ledger says so (the
        fund's gifts leave it only with the money, by a refund)."""
        return None

    def reversing_entry(self, *, entry_date: Any, description: Any) -> Self:
        """An unsaved entry taking this one back: the opposite amount, in the same
        book, kind, currency and category, pointing at it."""
        kept = {name: getattr(self, name) for name in self.reversal_keeps}
        book = f"{self.book_field}_id"
        return type(self)(
            **{book: getattr(self, book)},
            **kept,
            date=entry_date,
            amount_minor=-self.amount_minor,
            description=description,
            corrects=self,
        )
