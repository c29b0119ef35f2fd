from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from solidaria.campaigns.share import share_links
from solidaria.core.rendering.i18n import localize
from solidaria.core.web.altcha_check import altcha_challenge
from solidaria.core.web.decorators import public_form_post
from solidaria.core.web.formguard import cross_site_refusal, form_token
from solidaria.core.web.formviews import form_page, refusal_as_form_error
from solidaria.core.web.middleware import private_page, private_response, public_page
from solidaria.supporters.services import consent_text_current

from .exceptions import PetitionClosed, SignatureNotFound
from .forms import ConfirmForm, OrganisationSignatureForm, SignatureForm
from .models import Petition, Signature, referral_signature_id
from .selectors import (
    letter_organisations_by_country,
    petition_for_signing,
    petition_get_public,
    petition_next_action_url,
    petition_public_count,
    petition_recent_signers,
)
from .services import (
    organisation_signature_create,
    signature_confirm,
    signature_for_token,
    signature_withdraw,
)
from .signing import signature_form, signature_store, signing_partner, token_scope


def _petition_context(
    request: HttpRequest, petition: Petition, form: SignatureForm
) -> dict[str, object]:
    count = petition_public_count(petition)
    groups = letter_organisations_by_country(petition) if petition.is_open_letter else []
    partner = signing_partner(petition, form["partner"].value() or "")
    languages = petition.campaign.languages
    return {
        "consent_owner_text": localize(
            consent_text_current(petition.campaign.owner).text, languages=languages
        ),
        "consent_partner_text": localize(consent_text_current(partner).text, languages=languages)
        if partner
        else "",
        "petition": petition,
        "campaign": petition.campaign,
        "count": count,
        "goal": max(petition.goal, 1),
        "recent_signers": petition_recent_signers(petition),
        "letter_groups": groups,
        "organisation_count": sum(group.count for group in groups),
        "form": form,
        "share_links": share_links(
            url=settings.SITE_URL + request.path, title=str(petition.text_in.title)
        ),
        "partner": partner,
    }


@public_page
def petition_detail(request: HttpRequest, slug: str) -> HttpResponse:
    petition = petition_get_public(slug=slug)
    form = SignatureForm(
        language=request.LANGUAGE_CODE,
        initial={
            "form_token": form_token(token_scope(petition)),
            "source": request.GET.get("source", "")[:64],
            "ref": request.GET.get("ref", "")[:16],
            "partner": request.GET.get("partner", "")[:80],
        },
    )
    return render(
        request, "petitions/petition_detail.html", _petition_context(request, petition, form)
    )


@public_form_post("petitions:detail", anchor="sign-heading")
def petition_sign(request: HttpRequest, slug: str) -> HttpResponse:
    petition = petition_for_signing(slug=slug)
    form = signature_form(request, petition)
    if form.is_valid():
        with refusal_as_form_error(form, PetitionClosed):
            return redirect(signature_store(request, petition, form.cleaned_data))
    # Shown again with a new token, and without the spent proof of work, to send again.
    data = request.POST.copy()
    data["form_token"] = form_token(token_scope(petition))
    data["altcha"] = ""
    form.data = data
    return private_response(
        render(
            request,
            "petitions/petition_detail.html",
            _petition_context(request, petition, form),
            status=400,
        )
    )


@private_page
def petition_thanks(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    petition = petition_get_public(slug=slug)
    if referral_signature_id(code) is None:
        raise Http404
    referral_url = f"{settings.SITE_URL}{petition.get_absolute_url()}?ref={code}"
    next_action = localize(petition.next_action_label, languages=petition.campaign.languages)
    return render(
        request,
        "petitions/thanks.html",
        {
            "petition": petition,
            "referral_url": referral_url,
            "share_links": share_links(url=referral_url, title=str(petition.text_in.title)),
            "next_action_label": next_action,
            "next_action_url": petition_next_action_url(petition, language=request.LANGUAGE_CODE),
        },
    )


def _token_page(request: HttpRequest, token: str, *, action: str) -> HttpResponse:
    try:
        signature = signature_for_token(token)
    except SignatureNotFound as exc:
        return render(request, "petitions/link_invalid.html", {"reason": str(exc)}, status=404)
    petition = signature.petition
    if request.method == "POST":
        if (refusal := cross_site_refusal(request)) is not None:
            return refusal
        form = ConfirmForm(request.POST)
        if form.is_valid():
            if action == "confirm":
                signature = signature_confirm(token=token)
                messages.success(request, _("Thank you: your signature is confirmed and counts."))
            else:
                signature = signature_withdraw(token=token)
                messages.success(request, _("Your signature has been withdrawn."))
            return redirect(request.path)
    template = "petitions/confirm.html" if action == "confirm" else "petitions/withdraw.html"
    return render(
        request,
        template,
        {
            "petition": petition,
            "signature": signature,
            "done": signature.status
            in (
                (Signature.Status.CONFIRMED,)
                if action == "confirm"
                else (Signature.Status.WITHDRAWN,)
            ),
            "share_links": share_links(
                url=settings.SITE_URL
                + petition.get_absolute_url()
                + f"?ref={signature.referral_code}",
                title=str(petition.text_in.title),
            ),
        },
    )


@private_page
def signature_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    return _token_page(request, token, action="confirm")


@private_page
def signature_withdraw_view(request: HttpRequest, token: str) -> HttpResponse:
    return _token_page(request, token, action="withdraw")


@private_page
def organisation_sign(request: HttpRequest, slug: str) -> HttpResponse:
    petition = petition_get_public(slug=slug)
    if not petition.is_open_letter:
        raise Http404
    if request.method == "POST":
        form = OrganisationSignatureForm(request.POST, request.FILES)
    else:
        form = OrganisationSignatureForm()
    if form.is_valid():
        with refusal_as_form_error(form, PetitionClosed):
            organisation_signature_create(
                petition=petition, language=request.LANGUAGE_CODE, **form.cleaned_data
            )
            messages.success(
                request,
                _(
                    "Thank you. An organiser will check the signature "
                    "before it appears in the list."
                ),
            )
            return redirect(petition.get_absolute_url())
    return form_page(request, "petitions/organisation_sign.html", form, {"petition": petition})


@private_page
def pow_challenge(request: HttpRequest) -> JsonResponse:
    return JsonResponse(altcha_challenge())


def petition_list_redirect(request: HttpRequest) -> HttpResponse:
    return redirect(reverse("campaigns:list"))
