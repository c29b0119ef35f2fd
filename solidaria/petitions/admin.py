from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from solidaria.core.privacy.audit import audit_log
from solidaria.core.rendering.charts import bar_chart
from solidaria.core.rendering.i18n import I18nModelForm, language_codes, show_languages
from solidaria.core.rendering.worldmap import world_map_svg
from solidaria.core.web.middleware import private_response
from solidaria.organisations.admin_scoping import OrganisationScopedAdmin

from . import reports
from .models import OrganisationSignature, Petition, Signature
from .selectors import letter_organisations_by_country, petition_public_count, signatures_for_export
from .services import (
    organisation_signature_decide,
    signature_comment_moderate,
    signatures_accept_suspect,
    signatures_invalidate,
)

# Any: a form's options pass through __init__ as **kwargs, as Django's signature says.


class PetitionAdminForm(I18nModelForm[Petition]):
    class Meta:
        model = Petition
        fields = [
            "campaign",
            "kind",
            "slug",
            "title",
            "target",
            "text",
            "goal",
            "deadline",
            "is_open",
            "published",
            "next_action_label",
            "next_action_url",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        show_languages(
            self.fields, self.instance.campaign.languages if self.instance.pk else language_codes()
        )


@admin.register(Petition)
class PetitionAdmin(OrganisationScopedAdmin[Petition]):
    form = PetitionAdminForm
    organisation_lookup = "campaign__owner"
    scoped_foreign_keys: ClassVar[dict[str, str]] = {"campaign": "owner"}
    list_display = ["__str__", "kind", "campaign", "is_open", "signature_count", "goal", "tools"]
    list_filter = ["kind", "is_open", ("campaign", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["campaign", "count"]
    search_fields = ["slug"]
    readonly_fields = ["personal_data_retention"]

    def save_model(
        self, request: HttpRequest, obj: Petition, form: PetitionAdminForm, change: bool
    ) -> None:
        # When it was closed by hand: its signers' data is kept for a while after.
        if not change or "is_open" in form.changed_data:
            obj.closed_at = None if obj.is_open else timezone.now()
        super().save_model(request, obj, form, change)

    @admin.display(description=_("personal data"))
    def personal_data_retention(self, petition: Petition) -> str:
        if petition.pk is None:
            return str(
                _(
                    "Signers' personal data will be erased when the campaign's retention "
                    "period after the petition closes is over."
                )
            )
        now = timezone.now()
        months = petition.campaign.retention_months
        until = petition.personal_data_kept_until(now)
        if until is None:
            return ngettext(
                "Signers' personal data will be erased %(months)d month after the petition closes.",
                "Signers' personal data will be erased %(months)d months after the "
                "petition closes.",
                months,
            ) % {"months": months}
        erased_at = petition.personal_data_erased_at
        if erased_at is not None and petition.personal_data_erased(now):
            return ngettext(
                "Signers' personal data was erased on %(date)s (%(months)d month after "
                "the petition closed).",
                "Signers' personal data was erased on %(date)s (%(months)d months after "
                "the petition closed).",
                months,
            ) % {"date": formats.date_format(timezone.localtime(erased_at)), "months": months}
        return ngettext(
            "Signers' personal data will be erased on %(date)s (%(months)d month after "
            "the petition closed).",
            "Signers' personal data will be erased on %(date)s (%(months)d months after "
            "the petition closed).",
            months,
        ) % {"date": formats.date_format(timezone.localtime(until)), "months": months}

    @admin.display(description=_("confirmed signatures"))
    def signature_count(self, petition: Petition) -> int:
        return petition_public_count(petition)

    @admin.display(description=_("tools"))
    def tools(self, petition: Petition) -> str:
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> (<a href="{}?agreed=yes">{}</a>) · '
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:petitions_petition_stats", args=[petition.pk]),
            _("statistics"),
            reverse("admin:petitions_petition_export", args=[petition.pk]),
            _("CSV"),
            reverse("admin:petitions_petition_export", args=[petition.pk]),
            _("only those who agreed to hear from us"),
            reverse("admin:petitions_petition_delivery", args=[petition.pk]),
            _("delivery document"),
            reverse("admin:petitions_petition_bursts", args=[petition.pk]),
            _("suspicious activity"),
        )

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/stats/", view(self.stats_view), name="petitions_petition_stats"),
            path("<int:pk>/export.csv", view(self.export_view), name="petitions_petition_export"),
            path(
                "<int:pk>/delivery/", view(self.delivery_view), name="petitions_petition_delivery"
            ),
            path("<int:pk>/bursts/", view(self.bursts_view), name="petitions_petition_bursts"),
            *super().get_urls(),
        ]

    def _petition(self, request: HttpRequest, pk: int, *, change: bool = False) -> Petition:
        return self.object_for(request, pk, change=change, related="campaign__owner")

    def stats_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        petition = self._petition(request, pk)
        filters = reports.SignatureFilters.from_query(request.GET)
        series = reports.signatures_per_day(petition, filters)
        by_country = reports.signatures_by_country(petition, filters)
        top = max((n for _c, n in by_country), default=0) or 1
        context = {
            **self.admin_site.each_context(request),
            "title": _("Statistics: %(petition)s") % {"petition": petition},
            "petition": petition,
            "chart": bar_chart(series),
            "by_country": [(code, n, round(n / top * 100)) for code, n in by_country],
            "world_map": world_map_svg(dict(by_country), label=str(_("Signatures by country"))),
            "total": sum(n for _c, n in by_country),
            "filters": filters,
            "partners": petition.campaign.partners.order_by("name"),
            "sources": Signature.objects.filter(petition=petition)
            .exclude(source="")
            .values_list("source", flat=True)
            .distinct()
            .order_by("source")[:100],
            "opts": self.model._meta,
        }
        return render(request, "admin/petitions/stats.html", context)

    def export_view(self, request: HttpRequest, pk: int) -> StreamingHttpResponse:
        petition = self._petition(request, pk, change=True)
        agreed_only = request.GET.get("agreed") == "yes"
        audit_log(
            action="signatures.exported",
            actor=request.user,
            obj=petition,
            organisation=petition.campaign.owner,
            data={"confirmed": petition_public_count(petition), "agreed_only": agreed_only},
        )
        response = StreamingHttpResponse(
            reports.csv_rows(signatures_for_export(petition, agreed_only=agreed_only)),
            content_type="text/csv; charset=utf-8",
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="{petition.slug}-{stamp}.csv"'
        return private_response(response)

    def delivery_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Print-ready: the text, the count, public signers and organisations by country.

        Only signers who chose to be shown are named, and only as they agreed: first
        name and country. A delivery document goes to the very people a campaign may
        be up against; everyone else is counted, not named."""
        petition = self._petition(request, pk)
        public = (
            Signature.objects.filter(
                petition=petition, status=Signature.Status.CONFIRMED, show_publicly=True
            )
            .only("name", "country")
            .order_by("country", "pk")
        )
        people: dict[str, list[str]] = {}
        for signature in public.iterator(chunk_size=2000):
            people.setdefault(str(signature.country.name), []).append(signature.public_name)
        # Counted once per document, which is printed rarely.
        unnamed = Signature.objects.filter(
            petition=petition, status=Signature.Status.CONFIRMED, show_publicly=False
        ).count()
        audit_log(
            action="petition.delivery_document",
            actor=request.user,
            obj=petition,
            organisation=petition.campaign.owner,
        )
        response = render(
            request,
            "admin/petitions/delivery.html",
            {
                "petition": petition,
                "count": petition_public_count(petition),
                "unnamed": unnamed,
                "by_country": reports.signatures_by_country(petition, reports.SignatureFilters()),
                "people": sorted(people.items()),
                "organisations": letter_organisations_by_country(petition)
                if petition.is_open_letter
                else [],
                "generated_at": timezone.now(),
            },
        )
        return private_response(response)

    def bursts_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        petition = self._petition(request, pk)
        if request.method == "POST":
            petition = self._petition(request, pk, change=True)
            by = request.POST.get("by", "")
            key = request.POST.get("key", "")
            if by in ("ip", "domain") and key:
                field = "ip_hash" if by == "ip" else "email_domain_index"
                group = Signature.objects.filter(petition=petition, **{field: key})
                if request.POST.get("accept"):
                    count = signatures_accept_suspect(queryset=group, actor=request.user)
                    message = ngettext(
                        "%(count)d signature accepted.", "%(count)d signatures accepted.", count
                    )
                else:
                    count = signatures_invalidate(
                        queryset=group.exclude(status=Signature.Status.WITHDRAWN),
                        actor=request.user,
                    )
                    message = ngettext(
                        "%(count)d signature invalidated.",
                        "%(count)d signatures invalidated.",
                        count,
                    )
                messages.success(request, message % {"count": count})
            return HttpResponseRedirect(request.path)
        domain_bursts = reports.bursts(petition, by="domain")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Suspicious activity: %(petition)s") % {"petition": petition},
            "petition": petition,
            "ip_bursts": reports.bursts(petition, by="ip", since_minutes=10, minimum=2),
            "domain_bursts": [(b, reports.domain_of(petition, b.key)) for b in domain_bursts],
            "suspect_total": Signature.objects.filter(
                petition=petition, status=Signature.Status.SUSPECT
            ).count(),
            "opts": self.model._meta,
        }
        return render(request, "admin/petitions/bursts.html", context)


@admin.register(Signature)
class SignatureAdmin(OrganisationScopedAdmin[Signature]):
    """Moderation and invalidation. Addresses are not listed; the CSV export is audited."""

    organisation_lookup = "petition__campaign__owner"
    list_display = [
        "__str__",
        "petition",
        "status",
        "country",
        "source",
        "partner",
        "created_at",
        "comment_status",
        "proof_solved",
    ]
    # Related filters list only what the staff member can see, never other
    # organisations' petitions or partners.
    list_filter = [
        "status",
        "comment_status",
        ("petition", admin.RelatedOnlyFieldListFilter),
        "source",
        ("partner", admin.RelatedOnlyFieldListFilter),
        "suspect_reason",
        "proof_solved",
    ]
    list_select_related = ["petition__campaign", "partner"]
    fields = readonly_fields = (
        "petition",
        "status",
        "suspect_reason",
        "proof_solved",
        "country",
        "show_publicly",
        "comment",
        "comment_status",
        "source",
        "partner",
        "referrer",
        "created_at",
        "confirmed_at",
        "withdrawn_at",
    )
    actions = ["invalidate", "accept_suspect", "approve_comments", "reject_comments"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Signature | None = None) -> bool:
        return False

    @admin.action(description=_("Invalidate (never count) the selected signatures"))
    def invalidate(self, request: HttpRequest, queryset: QuerySet[Signature]) -> None:
        count = signatures_invalidate(queryset=queryset, actor=request.user)
        self.message_user(
            request,
            ngettext("%(count)d signature invalidated.", "%(count)d signatures invalidated.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Accept suspect signatures as genuine (send confirmation)"))
    def accept_suspect(self, request: HttpRequest, queryset: QuerySet[Signature]) -> None:
        count = signatures_accept_suspect(queryset=queryset, actor=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d signature accepted: its confirmation email is on its way.",
                "%(count)d signatures accepted: their confirmation emails are on their way.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Approve the comments"))
    def approve_comments(self, request: HttpRequest, queryset: QuerySet[Signature]) -> None:
        for signature in queryset.exclude(comment_status=""):
            signature_comment_moderate(signature=signature, approve=True, actor=request.user)

    @admin.action(description=_("Reject the comments"))
    def reject_comments(self, request: HttpRequest, queryset: QuerySet[Signature]) -> None:
        for signature in queryset.exclude(comment_status=""):
            signature_comment_moderate(signature=signature, approve=False, actor=request.user)


@admin.register(OrganisationSignature)
class OrganisationSignatureAdmin(OrganisationScopedAdmin[OrganisationSignature]):
    organisation_lookup = "petition__campaign__owner"
    list_display = ["name", "place", "petition", "status", "created_at"]
    list_filter = ["status", ("petition", admin.RelatedOnlyFieldListFilter), "country"]
    search_fields = ["name"]
    fields = [
        "petition",
        "name",
        "country",
        "region",
        "website",
        "logo",
        "contact_name",
        "contact_email",
        "language",
        "status",
        "created_at",
        "decided_at",
    ]
    readonly_fields = [
        "petition",
        "contact_name",
        "contact_email",
        "language",
        "status",
        "created_at",
        "decided_at",
    ]
    actions = ["approve", "reject"]

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[OrganisationSignature], approve: bool
    ) -> None:
        count = 0
        for signature in queryset.select_related("petition__campaign__owner"):
            if self.has_change_permission(request, signature):
                organisation_signature_decide(
                    signature=signature, approve=approve, actor=request.user
                )
                count += 1
        self.message_user(
            request, ngettext("%(count)d decided.", "%(count)d decided.", count) % {"count": count}
        )

    @admin.action(description=_("Approve: show in the public list"))
    def approve(self, request: HttpRequest, queryset: QuerySet[OrganisationSignature]) -> None:
        self._decide(request, queryset, True)

    @admin.action(description=_("Reject"))
    def reject(self, request: HttpRequest, queryset: QuerySet[OrganisationSignature]) -> None:
        self._decide(request, queryset, False)
