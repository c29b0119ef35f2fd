from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from solidaria.core.validators import IMAGE_VALIDATORS, validate_no_control_characters
from solidaria.core.web.forms import (
    CountryChoiceField,
    PublicForm,
    email_field,
    form_token_field,
    full_name_field,
    honeypot_field,
)

# Any: Django's form signatures: options passed through as *args/**kwargs, and
# cleaned data holding each field's own type.

TEXT_VALIDATORS = [validate_no_control_characters]

# Preselected country by page language, where one country is the sensible guess.
COUNTRY_BY_LANGUAGE = {"de": "DE", "fr": "FR"}


class SignatureForm(PublicForm):
    name = full_name_field()
    email = email_field(help_text=_("We send you a link to confirm your signature."))
    country = CountryChoiceField(label=_("Country"))
    city = forms.CharField(
        label=_("City (optional)"), max_length=100, required=False, validators=TEXT_VALIDATORS
    )
    comment = forms.CharField(
        label=_("Why are you signing? (optional)"),
        max_length=1000,
        required=False,
        validators=TEXT_VALIDATORS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    show_publicly = forms.BooleanField(
        label=_("Show my first name and country in the list of signers"), required=False
    )
    consent_owner = forms.BooleanField(required=False)
    consent_partner = forms.BooleanField(required=False)
    website = honeypot_field()
    form_token = form_token_field()
    altcha = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)
    source = forms.SlugField(widget=forms.HiddenInput, required=False, max_length=64)
    ref = forms.CharField(widget=forms.HiddenInput, required=False, max_length=16)
    partner = forms.SlugField(widget=forms.HiddenInput, required=False, max_length=80)

    def __init__(self, *args: Any, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hidden_error_message = _(
            "The form was incomplete. Please check your details and send it again."
        )
        if not self.is_bound and language in COUNTRY_BY_LANGUAGE:
            self.initial.setdefault("country", COUNTRY_BY_LANGUAGE[language])

    @classmethod
    def clean_data(cls, data: QueryDict) -> dict[str, Any] | None:
        """Every field's cleaned value, or None if any field is invalid.

        The signing fast lane's check. A bound form deep-copies its fields, which
        costs more than storing the signature; `Field.clean` keeps no state, so
        the class's own fields can be shared. Anything invalid goes to the full
        form, which says what is wrong."""
        cleaned = {}
        for name, field in cls.base_fields.items():
            try:
                cleaned[name] = field.clean(field.widget.value_from_datadict(data, {}, name))
            except forms.ValidationError:
                return None
        return cleaned

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # Hidden fields have nowhere to show an error: say it once, for the whole form.
        hidden = [
            name
            for name in ("form_token", "altcha", "source", "ref", "partner")
            if name in self.errors
        ]
        for name in hidden:
            del self.errors[name]
        if hidden:
            raise forms.ValidationError(self.hidden_error_message, code="hidden")
        return cleaned


class OrganisationSignatureForm(PublicForm):
    name = forms.CharField(label=_("Organisation"), max_length=200, validators=TEXT_VALIDATORS)
    country = CountryChoiceField(label=_("Country"), required=False)
    region = forms.CharField(
        label=_("Region, if the organisation spans several countries"),
        max_length=100,
        required=False,
        validators=TEXT_VALIDATORS,
    )
    website = forms.URLField(
        label=_("Website (optional)"), max_length=200, required=False, assume_scheme="https"
    )
    logo = forms.ImageField(
        label=_("Logo (optional)"),
        required=False,
        validators=list(IMAGE_VALIDATORS),  # type: ignore[arg-type]  # file validators, not str
    )
    contact_name = forms.CharField(
        label=_("Contact person"), max_length=120, validators=TEXT_VALIDATORS
    )
    contact_email = forms.EmailField(label=_("Contact email"), max_length=254)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("country") and not cleaned.get("region"):
            self.add_error("country", _("Give the organisation's country, or its region."))
        return cleaned


class ConfirmForm(forms.Form):
    """A button: confirmation happens on POST so that mail scanners fetching links do not sign."""
