"""The contact form: write to an organisation, or to one of its committees, in one's
language. It sits on cached public pages, so it carries the hourly form token and
an optional proof of work instead of Django's CSRF token (core.web.formguard)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from solidaria.core.validators import validate_no_control_characters
from solidaria.core.web.altcha_check import altcha_verify
from solidaria.core.web.formguard import form_token, form_token_refusal
from solidaria.core.web.forms import (
    PublicForm,
    email_field,
    form_token_field,
    full_name_field,
    honeypot_field,
)
from solidaria.organisations.models import Organisation

from .contact import CONTACT_MESSAGE_MAX
from .models import Committee

# Any: Django's form signatures: options passed through as *args/**kwargs, and
# cleaned data holding each field's own type.

# Hidden fields have nowhere to show an error of their own.
HIDDEN_FIELDS = ("form_token", "altcha", "committee")


def language_choices() -> list[tuple[str, str]]:
    """The site's languages, each named in itself ("Deutsch", "Español"): the
    sender may not read the page's language well."""
    return [
        (code, str(translation.get_language_info(code)["name_local"]).capitalize())
        for code, _name in settings.LANGUAGES
    ]


def contact_token_scope(organisation: Organisation) -> str:
    """The scope of the contact form's token (`core.web.formguard`)."""
    return f"contact:{organisation.pk}"


class ContactForm(PublicForm):
    name = full_name_field()
    email = email_field(help_text=_("The answer comes to this address. Nobody else sees it."))
    language = forms.ChoiceField(label=_("Language of your message"), choices=language_choices)
    message = forms.CharField(
        label=_("Message"),
        max_length=CONTACT_MESSAGE_MAX,
        validators=[validate_no_control_characters],
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    committee = forms.ModelChoiceField(
        queryset=Committee.objects.none(),
        to_field_name="slug",
        required=False,
        widget=forms.HiddenInput,
    )
    website = honeypot_field()
    form_token = form_token_field()
    altcha = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        committee_field = self.fields["committee"]
        assert isinstance(committee_field, forms.ModelChoiceField)
        committee_field.queryset = Committee.objects.filter(organisation=organisation)

    @classmethod
    def blank(
        cls, *, organisation: Organisation, language: str, committee: Committee | None = None
    ) -> ContactForm:
        """The form as a page first shows it: the page's language chosen, a fresh token."""
        return cls(
            organisation=organisation,
            initial={
                "language": language,
                "committee": committee.slug if committee else "",
                "form_token": form_token(contact_token_scope(organisation)),
            },
        )

    def again(self) -> None:
        """Ready to be shown again after errors: a new token, and without the proof of
        work, which is spent once checked."""
        data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
        data["form_token"] = form_token(contact_token_scope(self.organisation))
        data["altcha"] = ""
        self.data = data

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        hidden = [name for name in HIDDEN_FIELDS if name in self.errors]
        for name in hidden:
            del self.errors[name]
        if hidden:
            raise forms.ValidationError(
                _("The form was incomplete. Please check your message and send it again."),
                code="hidden",
            )
        if self.errors:
            return cleaned
        if refusal := form_token_refusal(
            contact_token_scope(self.organisation), cleaned.get("form_token", "")
        ):
            raise forms.ValidationError(refusal, code="old_form")
        # Last: a solution is spent once checked, so nothing after it may send the
        # visitor back to the form.
        if cleaned.get("altcha") and not altcha_verify(cleaned["altcha"]):
            raise forms.ValidationError(
                _("The automatic check in your browser failed. Please send the form again."),
                code="proof",
            )
        return cleaned
