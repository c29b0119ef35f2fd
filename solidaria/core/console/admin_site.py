"""The organisers' console: the Django admin, behind a second factor.

Staff who have a confirmed TOTP device must give its code at login. With
OTP_REQUIRED (always in production) staff without a device are sent to enrol
one before anything else opens; in development the second factor is optional.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_stubs_ext import StrOrPromise

if TYPE_CHECKING:

    class OTPAuthenticationFormMixin:
        """django-otp ships no types: what the login form uses of its mixin."""

        otp_error_messages: ClassVar[dict[str, StrOrPromise]]

        def clean_otp(self, user: User) -> None: ...

else:
    from django_otp.forms import OTPAuthenticationFormMixin

# Any: a form's cleaned_data holds each field's own type (Django's signature), and
# django-otp's middleware gives request.user an is_verified() that User does not declare.


class StaffLoginForm(AdminAuthenticationForm, OTPAuthenticationFormMixin):
    otp_token = forms.CharField(
        label=_("Authentication code"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("The six digits from your authenticator app, if you have set one up."),
    )
    otp_error_messages = dict(
        OTPAuthenticationFormMixin.otp_error_messages,
        token_required=_("Please enter the code from your authenticator app."),
        invalid_token=_("That code is not valid. Please check your app and try again."),
    )

    def _chosen_device(self, user: User) -> TOTPDevice | None:
        # Staff enrol one authenticator; the form has no device picker.
        return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        user = self.get_user()
        if user is not None and user_has_device(user):
            self.clean_otp(user)
        return cleaned


class SolidariaAdminSite(admin.AdminSite):
    site_header = _("Solidaria organisers")
    site_title = _("Solidaria")
    index_title = _("Campaigns, organisations and supporters")
    login_form = StaffLoginForm
    login_template = "admin/solidaria_login.html"

    def has_permission(self, request: HttpRequest) -> bool:
        user: Any = request.user
        if not (user.is_active and user.is_staff):
            return False
        return user.is_verified() or not settings.OTP_REQUIRED

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().login(request, extra_context)
        user = request.user
        needs_device = (
            settings.OTP_REQUIRED
            and user.is_authenticated
            and user.is_staff
            # Right after the password, request.user is the plain user from auth.login().
            and getattr(user, "otp_device", None) is None
            and not user_has_device(user)
        )
        if needs_device:
            return HttpResponseRedirect(reverse("admin:otp-setup"))
        return response

    def get_urls(self) -> list[URLResolver | URLPattern]:
        from solidaria.core.console.otp_views import otp_setup

        return [path("two-factor/", otp_setup, name="otp-setup"), *super().get_urls()]
