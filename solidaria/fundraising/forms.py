from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from solidaria.core.rendering.money import format_money, parse_amount
from solidaria.core.web.forms import (
    PublicForm,
    email_field,
    form_token_field,
    full_name_field,
    honeypot_field,
)

from .models import Donation, Fund

# Any: Django's form signatures: options passed through as *args/**kwargs, and
# clean() returning each field's own type.


class GiftForm(PublicForm):
    """A gift in one currency (chosen on the page, by links that work without
    JavaScript): a suggested amount or one typed in the visitor's notation."""

    preset = forms.TypedChoiceField(
        label=_("Amount"), coerce=int, required=False, widget=forms.RadioSelect
    )
    amount = forms.CharField(label=_("Other amount"), max_length=30, required=False)
    currency = forms.CharField(widget=forms.HiddenInput, max_length=3)
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Donation.Frequency.choices,
        initial=Donation.Frequency.ONCE,
        required=False,
        widget=forms.RadioSelect,
    )

    method = forms.ChoiceField(label=_("How you give"), widget=forms.RadioSelect)
    name = full_name_field(required=False)
    email = email_field(help_text=_("For your receipt and, for transfers, the bank details."))
    anonymous = forms.BooleanField(
        label=_("Give anonymously: organisers see the amount, not your name"), required=False
    )
    consent_owner = forms.BooleanField(required=False)
    website = honeypot_field()
    form_token = form_token_field()
    source = forms.SlugField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(
        self,
        *args: Any,
        fund: Fund,
        currency: str,
        presets: list[int],
        methods: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fund = fund
        self.gift_currency = currency
        language = translation.get_language() or "en"
        preset = self.fields["preset"]
        method = self.fields["method"]
        assert isinstance(preset, forms.ChoiceField) and isinstance(method, forms.ChoiceField)
        preset.choices = [
            (minor, format_money(minor, currency, language=language)) for minor in presets
        ]
        method.choices = methods
        if len(methods) == 1:
            self.fields["method"].initial = methods[0][0]
        if not fund.allow_monthly or Donation.Method.CARD not in dict(methods):
            # Only one-off gifts: the choice is not shown, and "monthly" is refused.
            frequency = self.fields["frequency"]
            assert isinstance(frequency, forms.ChoiceField)
            frequency.choices = [(Donation.Frequency.ONCE.value, Donation.Frequency.ONCE.label)]
            frequency.widget = forms.HiddenInput()
        self.monthly_offered = not isinstance(self.fields["frequency"].widget, forms.HiddenInput)
        self.initial.setdefault("currency", currency)

    @property
    def top_errors(self) -> list[str]:
        """Errors with no visible field to sit beside, shown above the form."""
        errors = [str(error) for error in self.non_field_errors()]
        for field in self.hidden_fields():
            errors.extend(str(error) for error in field.errors)
        return errors

    def clean_frequency(self) -> str:
        return self.cleaned_data.get("frequency") or Donation.Frequency.ONCE

    def clean_currency(self) -> str:
        currency: str = self.cleaned_data["currency"]
        if currency not in self.fund.currencies:
            raise ValidationError(_("This fund does not take gifts in that currency."))
        return currency

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        currency = cleaned.get("currency")
        if currency:
            typed = (cleaned.get("amount") or "").strip()
            if typed:
                try:
                    cleaned["amount_minor"] = parse_amount(typed, currency)
                except ValidationError as exc:
                    self.add_error("amount", exc)
            elif cleaned.get("preset"):
                if cleaned["preset"] <= 0:
                    self.add_error("preset", _("The amount must be more than zero."))
                cleaned["amount_minor"] = cleaned["preset"]
            else:
                self.add_error("amount", _("Choose an amount or write one."))
        frequency = cleaned.get("frequency")
        if frequency == Donation.Frequency.MONTHLY and cleaned.get("method") != "card":
            self.add_error("frequency", _("Monthly gifts are made by card."))
        if not cleaned.get("anonymous") and not (cleaned.get("name") or "").strip():
            self.add_error("name", _("Write your name, or give anonymously."))
        return cleaned


class StatementUploadForm(forms.Form):
    statement = forms.FileField(
        label=_("Bank statement (CSV)"),
        help_text=_("Exported from your bank. Rows are matched on the references (DF-…)."),
    )

    def clean_statement(self) -> object:
        upload = self.cleaned_data["statement"]
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 5 MB."))
        return upload
