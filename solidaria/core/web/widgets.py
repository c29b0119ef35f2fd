"""Form inputs written out by Python rather than by the template engine.

Django renders every <input> through two templates (the input and its
attributes). On a page drawn again after a refused order, the inputs were a
third of the drawing; on the round page itself, a form of 200 products has
over 400 of them. These widgets write the very markup Django's templates write
(`django/forms/widgets/input.html` and `attrs.html`; tests/core/test_widgets.py
compares them), as `forms.CountrySelect` does for its options.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Any: widget values and attributes, of whatever type a form gives them.


def _attributes(attrs: Mapping[str, Any]) -> str:
    """`attrs.html`: an attribute that is False is left out, one that is True is
    written bare, any other value as a string."""
    written = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            written.append(f" {escape(name)}")
        else:
            written.append(f' {escape(name)}="{escape(str(value))}"')
    return "".join(written)


class _WrittenInput:
    """For a subclass of forms.Input: its markup written here, its context as Django
    makes it (value formatting, type, the attributes a bound field adds)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        value_attribute = (
            f' value="{escape(str(widget["value"]))}"' if widget["value"] is not None else ""
        )
        return mark_safe(
            f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"'
            f"{value_attribute}{_attributes(widget['attrs'])}>"
        )


class TextInput(_WrittenInput, forms.TextInput):
    pass


class EmailInput(_WrittenInput, forms.EmailInput):
    pass


class NumberInput(_WrittenInput, forms.NumberInput):
    pass


class HiddenInput(_WrittenInput, forms.HiddenInput):
    pass


class CheckboxInput(_WrittenInput, forms.CheckboxInput):
    pass
