from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from solidaria.core.payments.checkout import checkout_form_allowed
from solidaria.core.payments.client import card_payments_enabled
from solidaria.core.rendering.i18n import localize
from solidaria.core.rendering.money import parse_amount
from solidaria.core.web.decorators import public_form_post
from solidaria.core.web.formguard import cross_site_refusal, form_token, form_token_refusal
from solidaria.core.web.forms import PublicForm
from solidaria.core.web.formviews import refusal_as_form_error
from solidaria.core.web.middleware import private_page, private_response, public_page
from solidaria.supporters.services import consent_text_current

from .exceptions import FundClosed, GiftRefused, PaymentUnavailable
from .forms import GiftForm
from .models import Donation, Fund
from .selectors import fund_get_public, fund_presets, fund_progress, ledger_public
from .services import (
    card_gift_start,
    donation_for_manage_token,
    monthly_cancel,
    monthly_change,
    pledge_create,
)

# Any: a form's options, passed on to Django's form as **kwargs.

PLEDGE_SALT = "solidaria.fundraising.pledge"
PLEDGE_MAX_AGE = 90 * 24 * 3600


def _token_scope(fund: Fund) -> str:
    return f"give:{fund.pk}"


def _methods(fund: Fund) -> list[tuple[str, str]]:
    methods = []
    if card_payments_enabled():
        methods.append((Donation.Method.CARD.value, _("Card")))
    if localize(fund.bank_details, languages=fund.campaign.languages):
        methods.append((Donation.Method.BANK.value, _("Bank transfer")))
    return methods


def _currency(fund: Fund, requested: str) -> str:
    if requested in fund.currencies:
        return requested
    return fund.goal_currency if fund.goal_currency in fund.currencies else fund.currencies[0]


def _form(fund: Fund, currency: str, data: Any = None, **kwargs: Any) -> GiftForm:
    return GiftForm(
        data,
        fund=fund,
        currency=currency,
        presets=fund_presets(fund, currency),
        methods=_methods(fund),
        **kwargs,
    )


def _context(request: HttpRequest, fund: Fund, form: GiftForm) -> dict[str, object]:
    languages = fund.campaign.languages
    methods = _methods(fund)
    return {
        "fund": fund,
        "campaign": fund.campaign,
        "progress": fund_progress(fund),
        "form": form,
        "currency": form.gift_currency,
        "currency_links": [
            (code, f"{fund.get_absolute_url()}?currency={code}") for code in fund.currencies
        ],
        "consent_owner_text": localize(
            consent_text_current(fund.campaign.owner).text, languages=languages
        ),
        "methods": methods,
        "card_offered": Donation.Method.CARD in dict(methods),
    }


@public_page
@checkout_form_allowed
def fund_detail(request: HttpRequest, slug: str) -> HttpResponse:
    fund = fund_get_public(slug=slug)
    currency = _currency(fund, request.GET.get("currency", ""))
    form = _form(
        fund,
        currency,
        initial={
            "form_token": form_token(_token_scope(fund)),
            "source": request.GET.get("source", "")[:64],
        },
    )
    return render(request, "fundraising/fund_detail.html", _context(request, fund, form))


@public_form_post("fundraising:detail", anchor="give-heading")
@checkout_form_allowed
def fund_give(request: HttpRequest, slug: str) -> HttpResponse:
    fund = fund_get_public(slug=slug)
    currency = _currency(fund, request.POST.get("currency", ""))
    form = _form(fund, currency, request.POST)
    if form.is_valid():
        cleaned = form.cleaned_data
        if refusal := form_token_refusal(_token_scope(fund), cleaned["form_token"]):
            form.add_error(None, refusal)
        elif not fund.accepts_gifts:
            form.add_error(None, _("This fund is closed: it no longer takes gifts."))
        elif cleaned["website"]:
            # A bot filled the hidden field: answer as if all went well, store nothing.
            return redirect(fund.get_absolute_url())
    if form.is_valid():
        cleaned = form.cleaned_data
        gift = {
            "fund": fund,
            "amount_minor": cleaned["amount_minor"],
            "currency": currency,
            # Anonymous means not even the organisers know: the name is not kept.
            "name": "" if cleaned["anonymous"] else cleaned["name"],
            "email": cleaned["email"],
            "anonymous": cleaned["anonymous"],
            "consent_owner": cleaned["consent_owner"],
            "language": request.LANGUAGE_CODE,
            "source": cleaned["source"],
        }
        with refusal_as_form_error(form, FundClosed, GiftRefused, PaymentUnavailable):
            if cleaned["method"] == Donation.Method.CARD:
                return redirect(
                    card_gift_start(
                        **gift, monthly=cleaned["frequency"] == Donation.Frequency.MONTHLY
                    )
                )
            donation = pledge_create(**gift)
            token = signing.dumps(donation.pk, salt=PLEDGE_SALT)
            return redirect("fundraising:pledge", slug=fund.slug, token=token)
    data = request.POST.copy()
    data["form_token"] = form_token(_token_scope(fund))
    form.data = data
    return private_response(
        render(request, "fundraising/fund_detail.html", _context(request, fund, form), status=400)
    )


@private_page
def pledge_detail(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    fund = fund_get_public(slug=slug)
    try:
        donation_id = signing.loads(token, salt=PLEDGE_SALT, max_age=PLEDGE_MAX_AGE)
    except signing.BadSignature as exc:
        raise Http404 from exc
    donation = Donation.objects.filter(pk=donation_id, fund=fund).first()
    if donation is None:
        raise Http404
    return render(
        request,
        "fundraising/pledge.html",
        {
            "fund": fund,
            "campaign": fund.campaign,
            "donation": donation,
            "bank_details": localize(fund.bank_details, languages=fund.campaign.languages),
        },
    )


@private_page
def checkout_return(request: HttpRequest, slug: str) -> HttpResponse:
    """Where Stripe sends the donor back. The gift counts when the webhook says so."""
    fund = fund_get_public(slug=slug)
    cancelled = request.GET.get("cancelled") == "1"
    return render(
        request,
        "fundraising/thanks.html",
        {"fund": fund, "campaign": fund.campaign, "cancelled": cancelled},
    )


@public_page
def fund_ledger(request: HttpRequest, slug: str) -> HttpResponse:
    fund = fund_get_public(slug=slug)
    return render(
        request,
        "fundraising/ledger.html",
        {
            "fund": fund,
            "campaign": fund.campaign,
            "ledger": ledger_public(fund),
            "progress": fund_progress(fund),
            "give_url": reverse("fundraising:detail", kwargs={"slug": fund.slug}),
            "site_url": settings.SITE_URL,
        },
    )


class ManageForm(PublicForm):
    action = forms.ChoiceField(choices=[("change", "change"), ("cancel", "cancel")])
    amount = forms.CharField(max_length=30, required=False)


@private_page
def monthly_manage(request: HttpRequest, token: str) -> HttpResponse:
    """A monthly donor's own page, reached from the link in their receipt."""
    donation = donation_for_manage_token(token)
    if donation is None or donation.frequency != Donation.Frequency.MONTHLY:
        return render(
            request,
            "fundraising/manage_invalid.html",
            {"reason": _("This link is not valid any more.")},
            status=404,
        )
    error = ""
    if request.method == "POST":
        if (refusal := cross_site_refusal(request)) is not None:
            return refusal
        form = ManageForm(request.POST)
        if not form.is_valid():
            error = _("Choose what to do.")
        elif donation.cancelled_at is not None:
            error = _("This monthly gift has already ended.")
        else:
            try:
                if form.cleaned_data["action"] == "cancel":
                    monthly_cancel(donation=donation)
                    messages.success(request, _("Your monthly gift has been stopped. Thank you."))
                else:
                    amount = parse_amount(form.cleaned_data["amount"] or "", donation.currency)
                    monthly_change(donation=donation, amount_minor=amount)
                    messages.success(
                        request, _("From your next payment, your monthly gift is the new amount.")
                    )
                return redirect(request.path)
            except ValidationError as exc:  # the amount, as typed
                error = " ".join(exc.messages)
            except (GiftRefused, PaymentUnavailable) as exc:
                error = str(exc)
        donation.refresh_from_db()
    response = render(
        request,
        "fundraising/manage.html",
        {"donation": donation, "fund": donation.fund, "error": error},
        status=400 if error else 200,
    )
    return response
