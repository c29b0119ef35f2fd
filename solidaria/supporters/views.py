"""A supporter's own page: what we hold about them, and their say over it.

No account and no password: a person types their address and we email a link
(`services.access_link_send`). The link opens a page with a button, because mail
scanners open links; pressing it opens their page for this browser session.
Every page here is personal: never cached, never shared.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from solidaria.core.web.decorators import post_only_or_redirect
from solidaria.core.web.formguard import client_ip
from solidaria.core.web.middleware import private_page, private_response
from solidaria.organisations.models import Organisation

from .access import session_open, supporter_page
from .exceptions import SupporterError
from .forms import AccessRequestForm, EndActionForm, EraseForm, LanguageForm
from .models import Supporter
from .selectors import export_sections, supporter_actions, supporter_consents
from .services import (
    access_link_send,
    access_link_usable,
    access_link_use,
    consent_withdraw,
    supporter_action_end,
    supporter_address_confirm,
    supporter_erase,
    supporter_export,
    supporter_language_set,
)

# A button's address opened with GET leads back to the page with the button.
post_only = post_only_or_redirect("supporters:page", with_arguments=False)


@private_page
def access_request(request: HttpRequest) -> HttpResponse:
    form = AccessRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:  # the honeypot: a bot, answered as anyone
            return render(request, "supporters/link_sent.html")
        try:
            access_link_send(
                email=form.cleaned_data["email"],
                ip=client_ip(request),
                language=request.LANGUAGE_CODE,
            )
        except SupporterError as exc:
            form.add_error(None, str(exc))
            return render(request, "supporters/request.html", {"form": form}, status=429)
        return render(request, "supporters/link_sent.html")
    status = 400 if form.is_bound else 200
    return render(request, "supporters/request.html", {"form": form}, status=status)


@private_page
def access_open(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        try:
            supporter = access_link_use(token=token)
        except SupporterError as exc:
            return render(request, "supporters/link_invalid.html", {"reason": exc}, status=404)
        session_open(request, supporter)  # a fresh session id, for this person only
        return redirect("supporters:page")
    if not access_link_usable(token):
        reason = _("This link is not valid any more. Please ask for a new one.")
        return render(request, "supporters/link_invalid.html", {"reason": reason}, status=404)
    return render(request, "supporters/open.html")


@supporter_page
def my_page(request: HttpRequest, supporter: Supporter) -> HttpResponse:
    return render(
        request,
        "supporters/page.html",
        {
            "supporter": supporter,
            "actions": supporter_actions(supporter),
            "consents": supporter_consents(supporter),
            "language_form": LanguageForm(initial={"language": supporter.language}),
        },
    )


@post_only
@supporter_page
def withdraw_consent(
    request: HttpRequest, supporter: Supporter, organisation_id: int
) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    if consent_withdraw(supporter=supporter, organisation=organisation):
        messages.success(
            request,
            _("%(organisation)s will not write to you any more.")
            % {"organisation": organisation.name},
        )
    return redirect("supporters:page")


@post_only
@supporter_page
def language_set(request: HttpRequest, supporter: Supporter) -> HttpResponse:
    form = LanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the languages offered."))
        return redirect("supporters:page")
    supporter_language_set(supporter=supporter, language=form.cleaned_data["language"])
    messages.success(request, _("We will write to you in this language."))
    return redirect("supporters:page")


@post_only
@supporter_page
def address_confirm(request: HttpRequest, supporter: Supporter) -> HttpResponse:
    # Whoever holds this session opened it from a link emailed to the address.
    if supporter_address_confirm(supporter=supporter):
        messages.success(
            request,
            _("Thank you. Mailings reach you again from the organisations you agree to hear from."),
        )
    return redirect("supporters:page")


@post_only
@supporter_page
def action_end(request: HttpRequest, supporter: Supporter) -> HttpResponse:
    form = EndActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This cannot be changed from your page."))
        return redirect("supporters:page")
    try:
        message = supporter_action_end(
            supporter=supporter,
            app_label=form.cleaned_data["app"],
            kind=form.cleaned_data["kind"],
            pk=form.cleaned_data["pk"],
        )
    except SupporterError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, message)
    return redirect("supporters:page")


@supporter_page
def download_json(request: HttpRequest, supporter: Supporter) -> HttpResponse:
    data = supporter_export(supporter=supporter)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@supporter_page
def download_page(request: HttpRequest, supporter: Supporter) -> HttpResponse:
    data = supporter_export(supporter=supporter)
    return render(request, "supporters/download.html", {"sections": export_sections(data)})


@supporter_page
def erase(request: HttpRequest, supporter: Supporter) -> HttpResponse:
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            supporter_erase(supporter=supporter)
        except SupporterError as exc:
            form.add_error(None, str(exc))
        else:
            request.session.flush()
            return render(request, "supporters/erased.html")
    return render(
        request,
        "supporters/erase.html",
        {"form": form, "actions": supporter_actions(supporter)},
        status=400 if form.is_bound else 200,
    )


@post_only
def leave(request: HttpRequest) -> HttpResponse:
    request.session.flush()
    messages.info(request, _("Your page is closed on this device."))
    return private_response(redirect("supporters:request"))
