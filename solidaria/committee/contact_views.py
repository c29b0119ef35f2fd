"""The contact page, the address its form posts to, and the thank-you page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from solidaria.core.web.decorators import public_form_post
from solidaria.core.web.formguard import client_ip
from solidaria.core.web.middleware import private_page, private_response, public_page
from solidaria.organisations.models import Organisation

from .contact import (
    ContactRateLimited,
    ContactRefused,
    contact_message_send,
    contact_organisation_get,
)
from .contact_forms import ContactForm


def _page(
    request: HttpRequest, organisation: Organisation, form: ContactForm, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "committee/contact.html",
        {"organisation": organisation, "form": form},
        status=status,
    )


@public_page
def contact_page(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = contact_organisation_get(slug=slug)
    form = ContactForm.blank(organisation=organisation, language=request.LANGUAGE_CODE)
    return _page(request, organisation, form)


@public_form_post("committee:contact", anchor="contact-heading")
def contact_send(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = contact_organisation_get(slug=slug)
    form = ContactForm(request.POST, organisation=organisation)
    status = 400
    if form.is_valid():
        cleaned = form.cleaned_data
        try:
            contact_message_send(
                organisation=organisation,
                committee=cleaned["committee"],
                name=cleaned["name"],
                email=cleaned["email"],
                message=cleaned["message"],
                language=cleaned["language"],
                ip=client_ip(request),
                # The form refuses a proof that fails, so one that is here was solved.
                proof_solved=bool(cleaned["altcha"]),
                honeypot_filled=bool(cleaned["website"]),
            )
        except ContactRefused as exc:
            form.add_error(None, str(exc))
            status = 429 if isinstance(exc, ContactRateLimited) else 400
        else:
            return redirect(reverse("committee:contact-sent", kwargs={"slug": organisation.slug}))
    form.again()
    return private_response(_page(request, organisation, form, status=status))


@private_page
def contact_sent(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = contact_organisation_get(slug=slug)
    return render(request, "committee/contact_sent.html", {"organisation": organisation})
