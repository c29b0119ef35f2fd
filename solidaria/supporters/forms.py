from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from solidaria.core.web.forms import PublicForm, email_field, honeypot_field


class AccessRequestForm(PublicForm):
    email = email_field(help_text=_("The address you signed, gave, registered or joined with."))
    website = honeypot_field()


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of our emails"), choices=settings.LANGUAGES)


class EndActionForm(forms.Form):
    app = forms.SlugField(max_length=40)
    kind = forms.SlugField(max_length=40)
    pk = forms.IntegerField(min_value=1)


class EraseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand: everything listed on this page is erased, for good."),
        error_messages={"required": _("Tick the box to confirm.")},
    )
