from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from solidaria.core.web.forms import PublicForm


class MastodonShareForm(PublicForm):
    INVALID_HOST = _("Enter the address of your Mastodon server, for example mastodon.social.")

    instance = forms.CharField(
        label=_("Your Mastodon server"),
        max_length=253,
        widget=forms.TextInput(attrs={"placeholder": "mastodon.social", "autocomplete": "url"}),
    )
    text = forms.CharField(max_length=1000, widget=forms.HiddenInput)
