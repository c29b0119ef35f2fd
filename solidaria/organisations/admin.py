from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from solidaria.core.admin import ReadOnlyAdmin, staff_user
from solidaria.core.models import AuditEntry

from .admin_scoping import OrganisationScopedAdmin
from .models import Membership, Organisation, OrganisationContact
from .selectors import organisations_for_user, user_role
from .services import organisation_create


class OrganisationForm(forms.ModelForm[Organisation]):
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=settings.LANGUAGES, widget=forms.CheckboxSelectMultiple
    )
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["name", "slug", "country", "region", "website", "logo", "languages"]


class ContactInline(admin.TabularInline[OrganisationContact, Organisation]):
    model = OrganisationContact
    extra = 0


class MembershipInline(admin.TabularInline[Membership, Organisation]):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]

    def _is_owner(self, request: HttpRequest, obj: Organisation | None) -> bool:
        return obj is not None and user_role(staff_user(request), obj) == Membership.Role.OWNER

    def has_add_permission(self, request: HttpRequest, obj: Organisation | None = None) -> bool:
        return self._is_owner(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Organisation | None = None) -> bool:
        return self._is_owner(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Organisation | None = None) -> bool:
        return self._is_owner(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: Organisation | None = None) -> bool:
        return True


@admin.register(Organisation)
class OrganisationAdmin(OrganisationScopedAdmin[Organisation]):
    form = OrganisationForm
    organisation_lookup = ""
    list_display = ["name", "country", "region", "website"]
    list_filter = ["country"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [ContactInline, MembershipInline]

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        # Any organiser may record a new partner organisation (e.g. a co-signer).
        return super().has_add_permission(request)

    def save_model(
        self, request: HttpRequest, obj: Organisation, form: OrganisationForm, change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        # Its recorder becomes its organiser, or it would vanish from their console.
        organisation_create(organisation=obj, actor=staff_user(request))


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin[AuditEntry]):
    """The audit log, each member of staff seeing their own organisations' entries.

    The log is core's; who may read which entry is decided by organisation
    membership, so its admin lives here (core imports no domain app)."""

    list_display = ["created_at", "actor_label", "action", "object_repr", "organisation"]
    list_filter = ["action", "organisation"]
    search_fields = ["action", "actor_label", "object_repr"]
    date_hierarchy = "created_at"
    list_select_related = ["organisation"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEntry]:
        queryset = super().get_queryset(request)
        user = request.user
        if user.is_superuser:
            return queryset
        return queryset.filter(organisation__in=organisations_for_user(user))

    def has_view_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)
