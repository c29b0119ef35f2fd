"""Signing a petition: the work of a signing request, in one place.

It checks the fields, refuses what cannot be taken as a signature (an old form,
a closed petition, a failed proof of work), stores the signature and returns
the thank-you page's address. Both ways in call it: the fast lane
(`fastlane.SigningFastLaneMiddleware`) through `sign_if_valid`, and the full
view (`views.petition_sign`) through `signature_form` and `signature_store`,
rendering the errors this module puts on the form.

This is the hot path: it runs for every signature, in the fast lane before
most of the middleware stack. Keep its per-request work as it is: no bound form
on the fast path (`SignatureForm.clean_data`), no query it does not need,
no import inside a function.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from solidaria.core.web.altcha_check import altcha_verify
from solidaria.core.web.formguard import client_ip, form_token_refusal
from solidaria.organisations.models import Organisation

from .exceptions import PetitionClosed
from .forms import SignatureForm
from .models import Petition
from .selectors import petition_for_signing
from .services import signature_create

# Any: a form's cleaned data, each field's own type (Django's cleaned_data).


def token_scope(petition: Petition) -> str:
    """The scope of the signing form's token (`core.web.formguard`)."""
    return f"sign:{petition.pk}"


def signing_partner(petition: Petition, slug: str) -> Organisation | None:
    """The campaign's partner named by the form's `partner` field, if any."""
    if not slug:
        return None
    return petition.campaign.partners.filter(slug=slug).first()


def signing_refusal(petition: Petition, cleaned: dict[str, Any]) -> str | None:
    """Why well-formed fields cannot be taken as a signature, in the visitor's language."""
    if refusal := form_token_refusal(token_scope(petition), cleaned["form_token"]):
        return refusal
    if not petition.accepts_signatures:
        return _("This petition is closed: it no longer takes signatures.")
    # Last: a solution is spent once checked, so nothing after it may send the
    # visitor back to the form.
    if cleaned["altcha"] and not altcha_verify(cleaned["altcha"]):
        return _("The automatic check in your browser failed. Please send the form again.")
    return None


def signature_form(request: HttpRequest, petition: Petition) -> SignatureForm:
    """For the full view: the bound form, with the refusal as its error if there is one."""
    form = SignatureForm(request.POST, language=request.LANGUAGE_CODE)
    if form.is_valid():
        refusal = signing_refusal(petition, form.cleaned_data)
        if refusal:
            form.add_error(None, refusal)
    return form


def signature_store(request: HttpRequest, petition: Petition, cleaned: dict[str, Any]) -> str:
    """Stores the signature, which `signing_refusal` has let through; returns the
    thank-you page's address. Raises `PetitionClosed` if the petition closed
    meanwhile."""
    result = signature_create(
        petition=petition,
        name=cleaned["name"],
        email=cleaned["email"],
        country=cleaned["country"],
        city=cleaned["city"],
        comment=cleaned["comment"],
        show_publicly=cleaned["show_publicly"],
        consent_owner=cleaned["consent_owner"],
        consent_partner=cleaned["consent_partner"],
        language=request.LANGUAGE_CODE,
        ip=client_ip(request),
        source=cleaned["source"],
        referrer_code=cleaned["ref"],
        partner=signing_partner(petition, cleaned["partner"]),
        honeypot_filled=bool(cleaned["website"]),
        # `signing_refusal` refuses a proof that fails, so one that is here was solved.
        proof_solved=bool(cleaned["altcha"]),
    )
    # The thank-you page shows nothing but the signer's own referral link, so
    # the (unguessable) referral code is all its address needs.
    return reverse("petitions:thanks", kwargs={"slug": petition.slug, "code": result.referral_code})


def sign_if_valid(request: HttpRequest, slug: str) -> str | None:
    """For the fast lane: the thank-you address if the signature was stored, else None."""
    petition = petition_for_signing(slug=slug)
    cleaned = SignatureForm.clean_data(request.POST)
    if cleaned is None or signing_refusal(petition, cleaned):
        return None
    try:
        return signature_store(request, petition, cleaned)
    except PetitionClosed:
        return None
