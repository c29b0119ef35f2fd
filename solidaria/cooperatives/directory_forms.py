"""The directory's filters, read from the address (`?sector=food&province=AR-Q&q=…`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from solidaria.core.validators import validate_no_control_characters
from solidaria.core.web.forms import PublicForm
from solidaria.core.web.query import SEARCH_MAX_LENGTH

from .models import PROVINCES, Cooperative

# Any: Django's form signatures: options passed through as *args/**kwargs.


class DirectoryFilterForm(PublicForm):
    sector = forms.ChoiceField(
        label=_("Sector"),
        required=False,
        choices=[("", _("All sectors")), *Cooperative.Sector.choices],
    )
    province = forms.ChoiceField(
        label=_("Province"),
        required=False,
        choices=[("", _("All provinces")), *PROVINCES],
    )
    q = forms.CharField(
        label=_("Name or city"),
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        validators=[validate_no_control_characters],
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)

    def filters(self) -> dict[str, str]:
        """The filters that are valid ("" for one that is not, or not given): a page with a
        bad one shows the whole directory for it, with the form's message."""
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name) or "" for name in ("sector", "province", "q")}
