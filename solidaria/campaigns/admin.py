from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.db.models import ManyToManyField, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from solidaria.core.rendering.i18n import I18nModelForm, language_codes, show_languages
from solidaria.organisations.admin_scoping import OrganisationScopedAdmin
from solidaria.organisations.models import Organisation

from .exceptions import CampaignError
from .models import Campaign, CampaignUpdate
from .services import campaign_set_status

# Any: Django's admin and form hooks pass options through **kwargs untyped, and
# their field arguments are fields to any model; these overrides keep its signatures.


class CampaignAdminForm(I18nModelForm[Campaign]):
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The first ticked language, in this order, is the original; the others fill gaps."
        ),
    )

    class Meta:
        model = Campaign
        fields = [
            "slug",
            "title",
            "summary",
            "story",
            "image",
            "image_alt",
            "owner",
            "partners",
            "languages",
            "retention_months",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.conf import settings

        cast(forms.MultipleChoiceField, self.fields["languages"]).choices = settings.LANGUAGES
        # Only the campaign's own languages get a text box.
        show_languages(
            self.fields, (self.instance.languages if self.instance.pk else None) or language_codes()
        )

    def clean_languages(self) -> list[str]:
        chosen = self.cleaned_data["languages"]
        # Keep the site's order (es, en, pt, fr, de) but put the original first.
        previous = self.instance.languages if self.instance.pk else []
        first = next((code for code in previous if code in chosen), None)
        ordered = [code for code in language_codes() if code in chosen]
        if first:
            ordered.remove(first)
            ordered.insert(0, first)
        return ordered


class CampaignUpdateInline(admin.StackedInline[CampaignUpdate, Campaign]):
    model = CampaignUpdate
    extra = 0
    fields = ["title", "body", "published_at", "is_published"]

    def get_formset(
        self, request: HttpRequest, obj: Campaign | None = None, **kwargs: Any
    ) -> type[BaseInlineFormSet[CampaignUpdate, Campaign, forms.ModelForm[CampaignUpdate]]]:
        formset = super().get_formset(request, obj, **kwargs)
        show_languages(
            formset.form.base_fields, obj.languages if obj is not None else language_codes()
        )
        formset.form.base_fields["published_at"].initial = timezone.now
        return formset


@admin.register(Campaign)
class CampaignAdmin(OrganisationScopedAdmin[Campaign]):
    form = CampaignAdminForm
    organisation_lookup = "owner"
    list_display = ["__str__", "owner", "status", "published_at", "updated_at"]
    list_filter = ["status", ("owner", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["owner"]
    search_fields = ["slug"]
    prepopulated_fields = {}
    filter_horizontal = ["partners"]
    readonly_fields = ["status", "published_at"]
    inlines = [CampaignUpdateInline]
    actions = ["publish", "close", "unpublish", "archive"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "owner", "status", "published_at", "languages"]}),
        (_("Text"), {"fields": ["summary", "story", "image", "image_alt"]}),
        (_("Partners"), {"fields": ["partners"]}),
        (_("Supporters' personal data"), {"fields": ["retention_months"]}),
    ]

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField[Any] | None:
        if db_field.name == "partners":
            kwargs["queryset"] = Organisation.objects.order_by("name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _set_status(self, request: HttpRequest, queryset: QuerySet[Campaign], status: str) -> None:
        done = 0
        for campaign in queryset.select_related("owner"):
            if not self.has_change_permission(request, campaign):
                continue
            try:
                campaign_set_status(campaign=campaign, status=status, actor=request.user)
                done += 1
            except CampaignError as exc:
                self.message_user(request, f"{campaign}: {exc}", messages.ERROR)
        if done:
            self.message_user(
                request,
                ngettext("%(count)d campaign changed.", "%(count)d campaigns changed.", done)
                % {"count": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("Publish (make live)"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        self._set_status(request, queryset, Campaign.Status.LIVE)

    @admin.action(description=_("Close (keep public, stop actions)"))
    def close(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        self._set_status(request, queryset, Campaign.Status.CLOSED)

    @admin.action(description=_("Unpublish (back to draft)"))
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        self._set_status(request, queryset, Campaign.Status.DRAFT)

    @admin.action(description=_("Archive"))
    def archive(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> None:
        self._set_status(request, queryset, Campaign.Status.ARCHIVED)
