"""Organisers' console for mailings: write, preview, test, send, follow, stop.

A draft is edited like any object; sending, approving, pausing, resuming and
cancelling are buttons on its page, each a POST to a view of its own that calls
the service and says what happened. Once sending has started the text can no
longer change and the page shows how far it has got (refreshed by a few lines
of our own JavaScript, or by reloading) and then the results.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from solidaria.core.admin import staff_user
from solidaria.core.rendering.i18n import I18nModelForm, language_codes, show_languages
from solidaria.core.web.middleware import private_response
from solidaria.organisations.admin_scoping import OrganisationScopedAdmin, organisation_ids
from solidaria.organisations.selectors import EDIT_ROLES

from .exceptions import MailingError, MailingNotAllowed
from .models import APPROVAL_THRESHOLD, Mailing, SendingLimit
from .rendering import message_for, written_versions
from .selectors import mailing_results
from .services import (
    audience,
    mailing_approve,
    mailing_cancel,
    mailing_content_errors,
    mailing_pause,
    mailing_resume,
    mailing_save,
    mailing_send,
    mailing_test_send,
)

# Any: Django's admin hooks pass their forms and keyword arguments untyped.


class MailingForm(I18nModelForm[Mailing]):
    class Meta:
        model = Mailing
        fields = ["organisation", "audience", "segment", "subject", "body", "send_at"]
        widgets = {"audience": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        show_languages(self.fields, language_codes())
        if "send_at" in self.fields:  # not once sending has started (read-only then)
            self.fields["send_at"].help_text = _(
                "Leave empty to send as soon as you press “Send”. Times are in %(zone)s."
            ) % {"zone": settings.TIME_ZONE}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk and not self.instance.is_editable:
            raise forms.ValidationError(
                _("This mailing is being sent or was sent: it can no longer change.")
            )
        errors = mailing_content_errors(
            written_versions(cleaned.get("subject")), written_versions(cleaned.get("body"))
        )
        for error in errors:
            self.add_error(None, error)
        segment = cleaned.get("segment")
        organisation = cleaned.get("organisation")
        if cleaned.get("audience") == Mailing.Audience.SEGMENT:
            if segment is None:
                self.add_error("segment", _("Choose the segment to send to."))
            elif organisation is not None and segment.organisation_id != organisation.pk:
                self.add_error("segment", _("That segment belongs to another organisation."))
        return cleaned


@admin.register(Mailing)
class MailingAdmin(OrganisationScopedAdmin[Mailing]):
    form = MailingForm
    list_display = ["subject_text", "organisation", "audience_text", "status", "recipients_count",
                    "created_at"]  # fmt: skip
    list_filter = ["status", "organisation"]
    list_select_related = ["organisation", "segment"]
    scoped_foreign_keys = {"segment": "organisation"}
    change_form_template = "admin/mailing/mailing/change_form.html"
    readonly_after_start = [
        "organisation",
        "audience",
        "segment",
        "subject",
        "body",
        "send_at",
        "status",
        "recipients_count",
        "created_by",
        "approved_by",
        "started_at",
        "finished_at",
    ]

    def get_fields(self, request: HttpRequest, obj: Mailing | None = None) -> Any:
        if obj is not None and not obj.is_editable:
            return self.readonly_after_start
        return ["organisation", "audience", "segment", "subject", "body", "send_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Mailing | None = None) -> list[str]:
        return self.readonly_after_start if obj is not None and not obj.is_editable else []

    def has_delete_permission(self, request: HttpRequest, obj: Mailing | None = None) -> bool:
        return (
            obj is None or obj.status == Mailing.Status.DRAFT
        ) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Mailing, form: Any, change: bool) -> None:
        try:
            mailing_save(mailing=obj, actor=request.user)
        except MailingNotAllowed as exc:
            raise PermissionDenied(str(exc)) from exc

    def log_addition(self, request: HttpRequest, obj: Mailing, message: Any) -> Any:
        # The service writes the audit entry; only Django's own history is kept here.
        return admin.ModelAdmin.log_addition(self, request, obj, message)

    def log_change(self, request: HttpRequest, obj: Mailing, message: Any) -> Any:
        return admin.ModelAdmin.log_change(self, request, obj, message)

    # Columns

    @admin.display(description=_("subject"))
    def subject_text(self, obj: Mailing) -> str:
        return str(obj)

    @admin.display(description=_("to"))
    def audience_text(self, obj: Mailing) -> str:
        if obj.audience == Mailing.Audience.SEGMENT:
            return str(obj.segment) if obj.segment else str(_("(segment deleted)"))
        return str(Mailing.Audience.AGREED.label)

    # The page

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        mailing = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if mailing is not None:
            extra.update(self._page_context(request, mailing))
        return super().change_view(request, object_id, form_url, extra)

    def _page_context(self, request: HttpRequest, mailing: Mailing) -> dict[str, Any]:
        may_send = request.user.is_superuser or mailing.organisation_id in organisation_ids(
            request, EDIT_ROLES
        )
        context: dict[str, Any] = {
            "mailing": mailing,
            "may_send": may_send,
            "languages": [
                (code, name)
                for code, name in settings.LANGUAGES
                if code in written_versions(mailing.body)
            ],
            "approval_threshold": APPROVAL_THRESHOLD,
            "asked_by_me": mailing.approval_requested_by_id == request.user.pk,
        }
        if mailing.is_editable:
            context["audience_count"] = audience(mailing).count()
        else:
            context["results"] = mailing_results(mailing)
            # What was sent cannot change: no save buttons.
            context.update(
                show_save=False, show_save_and_continue=False, show_save_and_add_another=False
            )
        return context

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        steps = [
            ("send", self.send_view),
            ("approve", self.approve_view),
            ("pause", self.pause_view),
            ("resume", self.resume_view),
            ("cancel", self.cancel_view),
            ("test", self.test_view),
        ]
        return [
            *(
                path(f"<int:pk>/{name}/", view(require_POST(step)), name=f"mailing_mailing_{name}")
                for name, step in steps
            ),
            path(
                "<int:pk>/preview/<str:language>/",
                view(self.preview_view),
                name="mailing_mailing_preview",
            ),
            path(
                "<int:pk>/progress.json",
                view(self.progress_view),
                name="mailing_mailing_progress",
            ),
            *super().get_urls(),
        ]

    def _mailing(self, request: HttpRequest, pk: int, *, change: bool = False) -> Mailing:
        return self.object_for(request, pk, change=change, related="organisation")

    def _back(self, mailing: Mailing) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:mailing_mailing_change", args=[mailing.pk]))

    def _step(self, request: HttpRequest, pk: int, step: Any, done: str) -> HttpResponse:
        mailing = self._mailing(request, pk, change=True)
        try:
            step(mailing)
        except MailingError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return self._back(mailing)

    def send_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        mailing = self._mailing(request, pk, change=True)
        try:
            sent = mailing_send(mailing=mailing, actor=staff_user(request), send_at=mailing.send_at)
        except MailingError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return self._back(mailing)
        if sent.status == Mailing.Status.AWAITING_APPROVAL:
            note = _(
                "More than %(n)s people: another organiser of %(organisation)s must approve it "
                "before it goes. They see it in the list of mailings."
            ) % {"n": f"{APPROVAL_THRESHOLD:,}", "organisation": mailing.organisation}
            self.message_user(request, note, messages.WARNING)
        elif sent.send_at and sent.send_at > timezone.now():
            self.message_user(
                request,
                _("Scheduled for %(when)s.") % {"when": _when(sent.send_at)},
                messages.SUCCESS,
            )
        else:
            self.message_user(request, _("Sending has started."), messages.SUCCESS)
        return self._back(mailing)

    def approve_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._step(
            request,
            pk,
            lambda m: mailing_approve(mailing=m, actor=staff_user(request)),
            str(_("Approved: it goes out now, or at the time it was scheduled for.")),
        )

    def pause_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._step(
            request,
            pk,
            lambda m: mailing_pause(mailing=m, actor=staff_user(request)),
            str(_("Paused. Messages already with the mail server still arrive.")),
        )

    def resume_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._step(
            request,
            pk,
            lambda m: mailing_resume(mailing=m, actor=staff_user(request)),
            str(_("Resumed.")),
        )

    def cancel_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._step(
            request,
            pk,
            lambda m: mailing_cancel(mailing=m, actor=staff_user(request)),
            str(_("Cancelled: nobody else will get it.")),
        )

    def test_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        language = request.POST.get("language", "")
        if language not in language_codes():
            language = settings.LANGUAGE_CODE
        address = staff_user(request).email
        return self._step(
            request,
            pk,
            lambda m: mailing_test_send(mailing=m, actor=staff_user(request), language=language),
            str(_("A test is on its way to %(address)s.") % {"address": address}),
        )

    def preview_view(self, request: HttpRequest, pk: int, language: str) -> HttpResponse:
        """The message as a reader of `language` gets it, with a sample reader's
        merge values; the HTML part shown in a sandboxed frame."""
        mailing = self._mailing(request, pk)
        if language not in language_codes():
            language = settings.LANGUAGE_CODE
        try:
            message = message_for(mailing, None, to="reader@example.org", language=language)
        except Exception as exc:  # a draft whose text cannot be rendered yet
            raise PermissionDenied(str(exc)) from exc
        html = cast(str, message.alternatives[0][0]) if message.alternatives else ""
        context = {
            **self.admin_site.each_context(request),
            "title": _("Preview: %(subject)s") % {"subject": message.subject},
            "mailing": mailing,
            "message": message,
            "html": html,
            "language": language,
            "shown_language": message.extra_headers.get("Content-Language", language),
            "languages": settings.LANGUAGES,
            "opts": self.model._meta,
        }
        return private_response(render(request, "admin/mailing/mailing/preview.html", context))

    def progress_view(self, request: HttpRequest, pk: int) -> JsonResponse:
        mailing = self._mailing(request, pk)
        data = {
            "status": mailing.status,
            "status_text": str(mailing.get_status_display()),
            **mailing_results(mailing).as_json(),
        }
        response = JsonResponse(data)
        private_response(response)
        return response


def _when(moment: datetime) -> str:
    from django.utils.formats import date_format

    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@admin.register(SendingLimit)
class SendingLimitAdmin(OrganisationScopedAdmin[SendingLimit]):
    """For providers with quotas: how fast an organisation's mailings may go."""

    list_display = ["organisation", "per_second", "per_hour"]
    fields = ["organisation", "per_second", "per_hour"]
