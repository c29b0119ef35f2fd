"""`{% field form.name %}`: a form field with its label, help and errors, the way
every public form of ours lays one out (a checkbox before its label, the others
after it, "*" for what is required).

Written in Python rather than as an included template: an include pushes a
context and walks a dozen nodes per field, and a refused order's page drew eight
of them on the hot path of a buying round (bench/orders.py), a fifth of its time.
`label` replaces the field's own label (the organisation's consent wording).
"""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def field(bound: BoundField, label: str = "") -> SafeString:
    widget = bound.field.widget
    checkbox = getattr(widget, "input_type", None) == "checkbox"
    classes = "field"
    if bound.errors:
        classes += " field-error"
    if checkbox:
        classes += " field-check"
    target = conditional_escape(bound.id_for_label)
    text = conditional_escape(label or bound.label)
    if checkbox:
        parts = [f'<div class="{classes}">\n{bound} <label for="{target}">{text}</label>\n']
    else:
        required = (
            ' <span class="required" aria-hidden="true">*</span>' if bound.field.required else ""
        )
        parts = [
            f'<div class="{classes}">\n<label for="{target}">{text}{required}</label>\n{bound}\n'
        ]
    if bound.help_text:
        parts.append(
            f'<p class="help" id="{conditional_escape(bound.auto_id)}_helptext">'
            f"{conditional_escape(bound.help_text)}</p>\n"
        )
    if bound.errors:
        errors = "".join(
            f'<p class="error" role="alert">{conditional_escape(str(error))}</p>'
            for error in bound.errors
        )
        parts.append(
            f'<div class="errors" id="{conditional_escape(bound.auto_id)}_error">{errors}</div>\n'
        )
    parts.append("</div>")
    return mark_safe("".join(parts))
