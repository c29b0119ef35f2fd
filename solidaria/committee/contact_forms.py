"""The contact form: write to an organisation, or to one of its committees, in one's
language. It sits on cached public pages, so it carries the hourly form token and
an optional proof of work instead of Django's CSRF token (core.web.formguard)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from solidaria.core.validators import validate_no_control_characters
from solidaria.core.web.formguard import form_token
from solidaria.core.web.forms import GuardedForm, email_field, full_name_field
from solidaria.organisations.models import Organisation

from .contact import CONTACT_MESSAGE_MAX
from .models import Committee

# Any: Django's form signatures: options passed through as *args/**kwargs.


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


class ContactForm(GuardedForm):
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
    hidden_field_names = ("form_token", "altcha", "committee")
    incomplete_message = _("The form was incomplete. Please check your message and send it again.")

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        # Its own element ids: it shares the committee's page with the join form,
        # whose labels would otherwise point at this form's fields.
        kwargs.setdefault("auto_id", "id_contact_%s")
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

    def token_scope(self) -> str:
        return contact_token_scope(self.organisation)
