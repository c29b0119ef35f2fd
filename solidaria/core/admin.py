from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.db.models import Model, QuerySet
from django.http import HttpRequest

if TYPE_CHECKING:
    # django-i18nfield ships no types. Its admin only adds per-language widgets,
    # so to the checker it is the ModelAdmin it extends.
    I18nModelAdmin = admin.ModelAdmin
else:
    from i18nfield.admin import I18nModelAdmin

from solidaria.core.models import OutgoingEmail
from solidaria.core.privacy.audit import audit_log

_ModelT = TypeVar("_ModelT", bound=Model)


def staff_user(request: HttpRequest) -> User:
    """The member of staff using the admin. Its views open only to signed-in staff, so
    request.user is a User there, which the checker cannot know."""
    return cast(User, request.user)


class AuditedModelAdmin(I18nModelAdmin[_ModelT]):
    """Every add, change and delete made in the admin also lands in the audit log."""

    # Any below: `message` is Django's change message (a string, or the list of dicts
    # `construct_change_message` builds); the organisation is a model core may not name.

    def _audit_organisation(self, obj: _ModelT) -> Any:
        organisation_of = getattr(self, "organisation_of", None)
        return organisation_of(obj) if organisation_of else None

    def log_addition(self, request: HttpRequest, obj: _ModelT, message: Any) -> LogEntry:
        audit_log(
            action=f"{obj._meta.model_name}.created",
            actor=request.user,
            obj=obj,
            organisation=self._audit_organisation(obj),
        )
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: _ModelT, message: Any) -> LogEntry:
        changed = [
            field
            for entry in (message if isinstance(message, list) else [])
            for field in entry.get("changed", {}).get("fields", [])
        ]
        audit_log(
            action=f"{obj._meta.model_name}.changed",
            actor=request.user,
            obj=obj,
            organisation=self._audit_organisation(obj),
            data={"fields": changed} if changed else None,
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[_ModelT]) -> list[LogEntry]:
        for obj in queryset:
            audit_log(
                action=f"{obj._meta.model_name}.deleted",
                actor=request.user,
                obj=obj,
                organisation=self._audit_organisation(obj),
            )
        return super().log_deletions(request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin[_ModelT]):
    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return False


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdmin[OutgoingEmail]):
    """Delivery state only: who a message is for stays encrypted and unseen."""

    list_display = ["created_at", "template", "language", "status", "attempts", "sent_at"]
    list_filter = ["status", "template", "language"]
    fields = readonly_fields = (
        "created_at",
        "template",
        "language",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "sent_at",
    )
