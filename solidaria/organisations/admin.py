from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .admin_scoping import OrganisationScopedAdmin
from .models import Membership, Organisation, OrganisationContact
from .selectors import user_role


class OrganisationForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=settings.LANGUAGES, widget=forms.CheckboxSelectMultiple
    )
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["name", "slug", "country", "region", "website", "logo", "languages"]


class ContactInline(admin.TabularInline):
    model = OrganisationContact
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]

    def _is_owner(self, request: HttpRequest, obj: Any) -> bool:
        return obj is not None and user_role(request.user, obj) == Membership.Role.OWNER

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_owner(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_owner(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_owner(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True


@admin.register(Organisation)
class OrganisationAdmin(OrganisationScopedAdmin):
    form = OrganisationForm
    organisation_lookup = ""
    list_display = ["name", "country", "region", "website"]
    list_filter = ["country"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [ContactInline, MembershipInline]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # Any organiser may record a new partner organisation (e.g. a co-signer).
        return super().has_add_permission(request)
