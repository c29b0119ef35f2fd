from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from i18nfield.admin import I18nModelAdmin

from solidaria.core.models import OutgoingEmail
from solidaria.core.privacy.audit import audit_log


class AuditedModelAdmin(I18nModelAdmin):
    """Every add, change and delete made in the admin also lands in the audit log."""

    def _audit_organisation(self, obj: Any) -> Any:
        organisation_of = getattr(self, "organisation_of", None)
        return organisation_of(obj) if organisation_of else None

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        audit_log(
            action=f"{obj._meta.model_name}.created",
            actor=request.user,
            obj=obj,
            organisation=self._audit_organisation(obj),
        )
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
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

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        for obj in queryset:
            audit_log(
                action=f"{obj._meta.model_name}.deleted",
                actor=request.user,
                obj=obj,
                organisation=self._audit_organisation(obj),
            )
        return super().log_deletions(request, queryset)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdmin):
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
