"""`{% contact_form organisation committee=None %}`: the contact form, for any page
that wants to offer it (the committee page, an organisation's pages)."""

from __future__ import annotations

from django import template
from django.utils import translation

from solidaria.organisations.models import Organisation

from ..contact_forms import ContactForm
from ..models import Committee

register = template.Library()


@register.inclusion_tag("committee/_contact_form.html")
def contact_form(
    organisation: Organisation, committee: Committee | None = None
) -> dict[str, object]:
    """Nothing when the organisation has no contact address (prefetch `contacts` to
    save the query). The form carries no per-visitor token: the page stays cacheable."""
    if not organisation.contacts.all():
        return {"form": None}
    form = ContactForm.blank(
        organisation=organisation,
        language=translation.get_language() or "en",
        committee=committee,
    )
    return {"organisation": organisation, "form": form}
