"""Form inputs written out by Python rather than by the template engine.

Django renders every <input> through two templates (the input and its
attributes), every radio button through four and every <option> through two.
On a page drawn again after a refused order, the inputs were a third of the
drawing; on the round page itself, a form of 200 products has over 400 of them.
These widgets write the very markup Django's templates write
(`django/forms/widgets/input.html`, `attrs.html`, `input_option.html`,
`multiple_input.html`, `select.html` and `select_option.html`, whitespace
included; tests/core/test_widgets.py compares them), as `forms.CountrySelect`
does for its options.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.html import conditional_escape, escape
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


def _input(widget: Mapping[str, Any]) -> str:
    """`input.html`, for a widget's (or an option's) context, without its newline."""
    value = f' value="{escape(str(widget["value"]))}"' if widget["value"] is not None else ""
    return (
        f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"'
        f"{value}{_attributes(widget['attrs'])}>"
    )


class _WrittenInput:
    """For a subclass of forms.Input: its markup written here, its context as Django
    makes it (value formatting, type, the attributes a bound field adds)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        return mark_safe(_input(widget))


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


# Choices. Django draws a choice widget, and each of its options on its own when a
# template loops over a bound field, through Widget._render(template_name, context):
# the two templates are written here, anything else is left to Django. _render is
# Django's own, not a public hook: after upgrading Django, tests/core/test_widgets.py
# says whether it and the templates are still what is written here. Included
# templates keep their closing newlines; what Django's renderer returns is stripped.


def _radio_option(option: Mapping[str, Any]) -> str:
    """`radio_option.html` (`input_option.html`), as included: newlines kept."""
    if not option.get("wrap_label"):
        return f"{_input(option)}\n\n\n"
    target = option["attrs"].get("id")
    label_open = f'<label for="{escape(target)}">' if target else "<label>"
    return f"{label_open}{_input(option)}\n {conditional_escape(option['label'])}</label>\n\n"


def _select_option(option: Mapping[str, Any]) -> str:
    """`select_option.html`, as included: its newline kept."""
    return (
        f'<option value="{escape(str(option["value"]))}"{_attributes(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>\n"
    )


def _radio_select(widget: Mapping[str, Any]) -> str:
    """`multiple_input.html`, with radio options."""
    target = widget["attrs"].get("id")
    css_class = widget["attrs"].get("class")
    parts = [
        "<div",
        f' id="{conditional_escape(target)}"' if target else "",
        f' class="{conditional_escape(css_class)}"' if css_class else "",
        ">",
    ]
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{conditional_escape(group)}</label>")
        parts.extend(f"<div>\n    {_radio_option(option)}</div>" for option in options)
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


def _select(widget: Mapping[str, Any]) -> str:
    """`select.html`."""
    parts = [f'<select name="{escape(widget["name"])}"{_attributes(widget["attrs"])}>']
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f'\n  <optgroup label="{conditional_escape(group)}">')
        parts.extend(f"\n  {_select_option(option)}" for option in options)
        if group:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class RadioSelect(forms.RadioSelect):
    def _render(
        self, template_name: str, context: dict[str, Any], renderer: Any = None
    ) -> SafeString:
        widget = context["widget"]
        if template_name == self.template_name:
            return mark_safe(_radio_select(widget))
        if template_name == self.option_template_name:
            return mark_safe(_radio_option(widget).strip())
        drawn: SafeString = super()._render(template_name, context, renderer)  # type: ignore[misc]
        return drawn


class Select(forms.Select):
    def _render(
        self, template_name: str, context: dict[str, Any], renderer: Any = None
    ) -> SafeString:
        widget = context["widget"]
        if template_name == self.template_name:
            return mark_safe(_select(widget))
        if template_name == self.option_template_name:
            return mark_safe(_select_option(widget).strip())
        drawn: SafeString = super()._render(template_name, context, renderer)  # type: ignore[misc]
        return drawn
