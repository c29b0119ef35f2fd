from __future__ import annotations

import base64
from collections.abc import Callable
from typing import TypeVar, cast

import segno
from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from solidaria.core.privacy.audit import audit_log
from solidaria.core.web.middleware import private_page

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def _staff_only(view: View) -> View:
    """Django's staff_member_required, sending others to the admin's login."""
    return staff_member_required(view, login_url="admin:login")


class ConfirmDeviceForm(forms.Form):
    token = forms.RegexField(
        label=gettext_lazy("Code from the app"),
        regex=r"^\d{6}$",
        error_messages={"invalid": gettext_lazy("Enter the six digits shown in your app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


@private_page
@_staff_only
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP authenticator: scan the code, type one token to confirm."""
    # Only staff get here (above), so request.user is a User.
    user = cast(User, request.user)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    form = ConfirmDeviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit_log(action="staff.second_factor_added", actor=user, obj=user)
            otp_login(request, device)
            messages.success(request, _("Two-factor login is set up."))
            return redirect("admin:index")
        form.add_error(
            "token", _("That code is not valid. Check the time on your phone and try again.")
        )
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    return render(
        request,
        "admin/otp_setup.html",
        {
            "form": form,
            "qr_svg": qr_svg,
            "secret": base64.b32encode(device.bin_key).decode(),
            "title": _("Two-factor login"),
        },
        status=400 if form.errors else 200,
    )
