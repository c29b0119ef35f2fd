"""Forms anyone can post: what a rejected form shows back stays small.

A form re-rendered after errors shows the visitor what they sent, so that they
can correct it. Sent back as it came, a 5 MB name made a 5 MB error page, and a
choice field's "X is not one of the available choices" repeated it once more.
A public form shows a value back only within its field's limit (`max_length`,
or `ECHO_LIMIT` for fields that have none: choices, dates, numbers); a longer
value is not shown at all, and the field's only error says it is too long.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import MaxLengthValidator
from django.forms.utils import flatatt
from django.http import QueryDict
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_stubs_ext import StrOrPromise

from solidaria.core.validators import validate_no_control_characters
from solidaria.core.web import widgets
from solidaria.core.web.altcha_check import altcha_verify
from solidaria.core.web.formguard import form_token, form_token_refusal

# Any: Django's form and widget signatures: posted and initial values of any type, and
# options passed through as **kwargs.

# What is shown back of a field without a max_length. Their valid values are short.
ECHO_LIMIT = 256


def echo_limit(field: forms.Field) -> int:
    return getattr(field, "max_length", None) or ECHO_LIMIT


def _length_over(value: Any, limit: int) -> int | None:
    """The length of a posted value longer than the limit, or None if it is within."""
    if isinstance(value, str):
        return len(value) if len(value) > limit else None
    if isinstance(value, list | tuple):
        if len(value) > limit:
            return len(value)
        for item in value:
            if (length := _length_over(item, limit)) is not None:
                return length
    return None  # files, and nothing sent


class EchoLimitedBoundField(forms.BoundField):
    """Shows a value back only if it is within the field's limit: a posted one, and an
    initial one, which views may take from the address (`?text=`)."""

    def value(self) -> Any:
        limit = echo_limit(self.field)
        initial = None if _length_over(self.initial, limit) is not None else self.initial
        if not self.form.is_bound or _length_over(self.data, limit) is not None:
            return self.field.prepare_value(initial)
        return self.field.prepare_value(self.field.bound_data(self.data, initial))


class PublicForm(forms.Form):
    """The base of every form the public posts (signing, giving, registering…)."""

    bound_field_class = EchoLimitedBoundField

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # `declared_fields` holds, at this point, the fields this class declares.
        unbounded = [
            name
            for name, field in getattr(cls, "declared_fields", {}).items()
            if isinstance(field, forms.CharField) and field.max_length is None
        ]
        if unbounded:
            raise ImproperlyConfigured(
                f"{cls.__qualname__}: a public form's text fields need a max_length "
                f"({', '.join(unbounded)})."
            )

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound:
            return
        for bound_field in self:
            limit = echo_limit(bound_field.field)
            length = _length_over(bound_field.data, limit)
            if length is None:
                continue
            # Other errors may quote the value ("X is not one of the choices"): one
            # error, which does not, replaces them.
            self.errors.pop(bound_field.name, None)
            self.add_error(
                bound_field.name,
                ValidationError(
                    MaxLengthValidator.message,
                    code="max_length",
                    params={"limit_value": limit, "show_value": length},
                ),
            )


# The fields public forms share (signing, giving, registering). Each form
# declares them where it wants them, so that its own field order stays.


def full_name_field(*, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=_("Full name"),
        max_length=120,
        required=required,
        validators=[validate_no_control_characters],
        widget=widgets.TextInput(attrs={"autocomplete": "name"}),
    )


def email_field(*, help_text: StrOrPromise) -> forms.EmailField:
    """The visitor's email; `help_text` says what it is used for."""
    return forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=help_text,
        widget=widgets.EmailInput(attrs={"autocomplete": "email"}),
    )


def honeypot_field() -> forms.CharField:
    """Hidden from people by the stylesheet; bots fill it in. Named `website`."""
    return forms.CharField(
        required=False,
        max_length=200,
        label=_("Leave this field empty"),
        # Out of the tab order and never autofilled, so no person lands in it.
        widget=widgets.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


def form_token_field() -> forms.CharField:
    """The page's form token (core.web.formguard), sent back with the form."""
    return forms.CharField(widget=widgets.HiddenInput, max_length=64, required=False)


class GuardedForm(PublicForm):
    """A public form posted from a cacheable page: a form token for its scope
    (core.web.formguard) instead of a CSRF cookie, a honeypot (`website`) and an
    optional proof of work (`altcha`, which the view reads to choose its limits).

    A subclass says its token's scope (`token_scope`), which of its fields are
    hidden (`hidden_field_names`: they have nowhere to show an error, so one message
    for the form says it) and that message (`incomplete_message`)."""

    website = honeypot_field()
    form_token = form_token_field()
    altcha = forms.CharField(widget=widgets.HiddenInput, required=False, max_length=2000)

    hidden_field_names: tuple[str, ...] = ("form_token", "altcha")
    incomplete_message: StrOrPromise = _(
        "The form was incomplete. Please check your details and send it again."
    )

    def token_scope(self) -> str:
        raise NotImplementedError

    def again(self) -> None:
        """Ready to be shown again after errors: a new token, and without the proof of
        work, which is spent once checked."""
        data = self.data.copy() if isinstance(self.data, QueryDict) else QueryDict(mutable=True)
        data["form_token"] = form_token(self.token_scope())
        data["altcha"] = ""
        self.data = data

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        hidden = [name for name in self.hidden_field_names if name in self.errors]
        for name in hidden:
            del self.errors[name]
        if hidden:
            raise ValidationError(self.incomplete_message, code="hidden")
        if self.errors:
            return cleaned
        if refusal := form_token_refusal(self.token_scope(), cleaned.get("form_token", "")):
            raise ValidationError(refusal, code="old_form")
        # Last: a solution is spent once checked, so nothing after it may send the
        # visitor back to the form.
        if cleaned.get("altcha") and not altcha_verify(cleaned["altcha"]):
            raise ValidationError(
                _("The automatic check in your browser failed. Please send the form again."),
                code="proof",
            )
        return cleaned


# The country field every app's public forms share (signing, hosting, registering).


def _country_choices() -> list[tuple[str, str]]:
    return _country_choices_in(translation.get_language() or "en")


@lru_cache(maxsize=16)
def _country_choices_in(language: str) -> list[tuple[str, str]]:
    # Translating and sorting 250 names is the costly part: once per language.
    with translation.override(language):
        return [("", "—"), *((code, str(name)) for code, name in countries)]


class CountrySelect(forms.Select):
    """The country select, its 250 options written once per language and reused.

    Django renders every <option> through the template engine; for the country
    list that was most of the petition page's rendering time."""

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        options = _country_options_html(translation.get_language() or "en")
        selected = escape(str(value or ""))
        if selected:
            options = options.replace(f'value="{selected}">', f'value="{selected}" selected>', 1)
        return mark_safe(f"<select{flatatt(final_attrs)}>{options}</select>")

    def use_required_attribute(self, initial: Any) -> bool:
        # Select's own rule reads the first option (a required <select> must start
        # with an empty one), which normalised all 250 choices on every drawing:
        # the first option here is always "—", empty.
        return forms.Widget.use_required_attribute(self, initial)


@lru_cache(maxsize=16)
def _country_options_html(language: str) -> str:
    return "".join(
        f'<option value="{escape(code)}">{escape(label)}</option>'
        for code, label in _country_choices_in(language)
    )


class CountryChoiceField(forms.ChoiceField):
    """ISO country codes. Choices are built (translated and sorted) only to render the
    select; validation is a set lookup, because signing must stay cheap."""

    widget = CountrySelect

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=_country_choices, **kwargs)

    def valid_value(self, value: Any) -> bool:
        return value in COUNTRY_CODES


COUNTRY_CODES = frozenset(code for code, _name in countries)
