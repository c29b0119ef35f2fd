"""The contact inbox: what people wrote to an organisation, for its staff.

Staff answer from their own mailbox (the forwarded message has Reply-To the
sender); here they read the message and mark it answered or open again. A
message cannot be added or edited here; only superusers delete one (messages
are erased after 90 days anyway).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import linebreaksbr
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from solidaria.organisations.admin_scoping import OrganisationScopedAdmin

from .contact import contact_message_answer, contact_message_reopen
from .models import ContactMessage


@admin.register(ContactMessage)
class ContactMessageAdmin(OrganisationScopedAdmin[ContactMessage]):
    list_display = ["created_at", "sender", "organisation", "committee", "language", "status"]
    list_filter = [
        "status",
        ("organisation", admin.RelatedOnlyFieldListFilter),
        "language",
    ]
    list_select_related = ["organisation", "committee__campaign"]
    actions = ["mark_answered", "reopen"]
    fields = readonly_fields = (
        "status",
        "created_at",
        "answered_at",
        "organisation",
        "committee",
        "language",
        "sent_to",
        "sender",
        "sender_email",
        "message_text",
    )

    def get_fields(self, request: HttpRequest, obj: ContactMessage | None = None) -> Any:
        # The button only for those who may press it (organisers and owners).
        if obj is not None and self.has_change_permission(request, obj):
            return ["steps", *self.fields]
        return self.fields

    def get_readonly_fields(self, request: HttpRequest, obj: ContactMessage | None = None) -> Any:
        return self.get_fields(request, obj)

    # Who may do what: read for every role, answer and reopen for organisers and
    # owners (the change permission), delete for superusers only, add for nobody.

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: ContactMessage | None = None
    ) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and user.is_superuser)

    # The list

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        waiting = self.get_queryset(request).filter(status=ContactMessage.Status.OPEN).count()
        title = ngettext("Messages: %(count)d open", "Messages: %(count)d open", waiting) % {
            "count": waiting
        }
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    @admin.display(description=_("from"))
    def sender(self, obj: ContactMessage) -> str:
        return obj.name

    @admin.display(description=_("email"))
    def sender_email(self, obj: ContactMessage) -> SafeString:
        return format_html('<a href="mailto:{}">{}</a>', obj.email, obj.email)

    @admin.display(description=_("message"))
    def message_text(self, obj: ContactMessage) -> SafeString:
        # Escaped, then its line breaks kept: what people write is never markup.
        return format_html(
            '<div class="contact-message">{}</div>', linebreaksbr(obj.message, autoescape=True)
        )

    @admin.display(description=_("what to do"))
    def steps(self, obj: ContactMessage) -> SafeString:
        """The button for the message's next step. It posts the page's own form (with
        its CSRF token) to the step's address, so no nested form is needed."""
        if obj.status == ContactMessage.Status.OPEN:
            name, label = "committee_contactmessage_answer", _("Mark answered")
        else:
            name, label = "committee_contactmessage_reopen", _("Reopen")
        return format_html(
            '<button type="submit" class="button default" formaction="{}" '
            "formnovalidate>{}</button>",
            reverse(f"admin:{name}", args=[obj.pk]),
            label,
        )

    # The message's page: read only, with the button above.

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        extra = {
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/answer/",
                view(require_POST(self.answer_view)),
                name="committee_contactmessage_answer",
            ),
            path(
                "<int:pk>/reopen/",
                view(require_POST(self.reopen_view)),
                name="committee_contactmessage_reopen",
            ),
            *super().get_urls(),
        ]

    def _step(
        self,
        request: HttpRequest,
        pk: int,
        step: Callable[..., bool],
        done: str,
    ) -> HttpResponse:
        message = self.object_for(request, pk, change=True, related="organisation")
        if step(message=message, actor=request.user):
            self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:committee_contactmessage_change", args=[message.pk])
        )

    def answer_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._step(request, pk, contact_message_answer, str(_("Marked answered.")))

    def reopen_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._step(request, pk, contact_message_reopen, str(_("Open again.")))

    # The list's actions

    def _mark(
        self, request: HttpRequest, queryset: QuerySet[ContactMessage], step: Callable[..., bool]
    ) -> None:
        done = sum(
            1
            for message in queryset.select_related("organisation")
            if self.has_change_permission(request, message)
            and step(message=message, actor=request.user)
        )
        self.message_user(
            request,
            ngettext("%(count)d message changed.", "%(count)d messages changed.", done)
            % {"count": done},
        )

    @admin.action(description=_("Mark selected messages answered"))
    def mark_answered(self, request: HttpRequest, queryset: QuerySet[ContactMessage]) -> None:
        self._mark(request, queryset, contact_message_answer)

    @admin.action(description=_("Reopen selected messages"))
    def reopen(self, request: HttpRequest, queryset: QuerySet[ContactMessage]) -> None:
        self._mark(request, queryset, contact_message_reopen)
