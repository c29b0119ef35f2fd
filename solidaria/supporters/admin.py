from __future__ import annotations

import json

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from solidaria.core.admin import AuditedModelAdmin
from solidaria.core.web.middleware import private_response

from .models import ConsentRecord, ConsentText, Supporter
from .services import supporter_erase, supporter_export


class ConsentRecordInline(admin.TabularInline[ConsentRecord, Supporter]):
    model = ConsentRecord
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "organisation",
        "consent_text",
        "language",
        "method",
        "source",
        "given_at",
        "withdrawn_at",
    )

    def has_add_permission(self, request: HttpRequest, obj: Supporter | None = None) -> bool:
        return False


@admin.register(Supporter)
class SupporterAdmin(AuditedModelAdmin[Supporter]):
    """Only superusers (the data protection role) open individual supporter records."""

    list_display = ["__str__", "country", "language", "created_at", "erased_at"]
    list_filter = ["language", "country", "erased_at"]
    fields = ["name", "email", "phone", "country", "language", "created_at", "erased_at"]
    readonly_fields = ["created_at", "erased_at"]
    inlines = [ConsentRecordInline]
    actions = ["export_json", "erase"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def has_view_permission(self, request: HttpRequest, obj: Supporter | None = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Supporter | None = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Supporter | None = None) -> bool:
        return False

    @admin.action(description=_("Download their data (JSON)"))
    def export_json(self, request: HttpRequest, queryset: QuerySet[Supporter]) -> HttpResponse:
        data = [supporter_export(supporter=s, actor=request.user) for s in queryset]
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
        )
        response["Content-Disposition"] = 'attachment; filename="supporter-data.json"'
        return private_response(response)

    @admin.action(description=_("Erase their personal data"))
    def erase(self, request: HttpRequest, queryset: QuerySet[Supporter]) -> None:
        count = 0
        for supporter in queryset.filter(erased_at__isnull=True):
            supporter_erase(supporter=supporter, actor=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("Erased %(count)d supporter.", "Erased %(count)d supporters.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(ConsentText)
class ConsentTextAdmin(AuditedModelAdmin[ConsentText]):
    list_display = ["organisation", "version", "created_at"]
    list_filter = ["organisation"]
    readonly_fields = ["organisation", "version", "text", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ConsentText | None = None) -> bool:
        return False


# Organisers' own view of their people, beside the data protection role's above.
from . import admin_people  # noqa: E402, F401
