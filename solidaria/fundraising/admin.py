from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_stubs_ext import StrOrPromise

from solidaria.core.admin import staff_user
from solidaria.core.banking import StatementUnreadable
from solidaria.core.ledger.admin import LedgerEntryAdminMixin, LedgerEntryFormBase
from solidaria.core.privacy.audit import audit_log
from solidaria.core.rendering.charts import bar_chart
from solidaria.core.rendering.csvstream import csv_lines
from solidaria.core.rendering.i18n import I18nModelForm, language_codes, show_languages
from solidaria.core.rendering.money import Money, parse_amount, to_major
from solidaria.core.web.middleware import private_response
from solidaria.organisations.admin_scoping import OrganisationScopedAdmin

from .forms import StatementUploadForm
from .models import Donation, ExchangeRate, Fund, LedgerEntry
from .selectors import fund_progress
from .services import (
    bank_statement_import,
    ledger_entry_check,
    ledger_entry_create,
    pledge_cancel,
    pledge_mark_received,
)

# Any: Django's form hooks take their options as **kwargs and clean() returns each
# field's own type, as Django's signatures say.


class FundAdminForm(I18nModelForm[Fund]):
    goal = forms.CharField(
        label=_("Goal"),
        max_length=30,
        required=False,
        help_text=_("In the currency below, e.g. 25000 or 25.000,50. Leave empty for no goal."),
    )

    class Meta:
        model = Fund
        fields = [
            "campaign",
            "slug",
            "title",
            "purpose",
            "goal",
            "goal_currency",
            "currencies",
            "suggested_amounts",
            "allow_monthly",
            "bank_details",
            "is_open",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        show_languages(
            self.fields, self.instance.campaign.languages if self.instance.pk else language_codes()
        )
        if self.instance.pk and self.instance.goal_minor:
            self.initial["goal"] = str(
                to_major(self.instance.goal_minor, self.instance.goal_currency)
            )

    def clean_currencies(self) -> list[str]:
        from solidaria.core.rendering.money import currencies

        value = self.cleaned_data["currencies"]
        if not isinstance(value, list) or not value:
            raise ValidationError(_('List at least one currency, e.g. ["USD", "ARS"].'))
        unknown = [code for code in value if code not in currencies()]
        if unknown:
            raise ValidationError(
                _("Unknown or unsupported currency: %(codes)s."),
                params={"codes": ", ".join(map(str, unknown))},
            )
        return list(dict.fromkeys(value))

    def clean_suggested_amounts(self) -> dict[str, list[int]]:
        value = self.cleaned_data["suggested_amounts"] or {}
        if not isinstance(value, dict) or not all(
            isinstance(amounts, list)
            and all(isinstance(a, int) and not isinstance(a, bool) and a > 0 for a in amounts)
            for amounts in value.values()
        ):
            raise ValidationError(
                _('Write whole positive amounts per currency, e.g. {"USD": [10, 25, 50]}.')
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        currency = cleaned.get("goal_currency")
        goal = (cleaned.get("goal") or "").strip()
        if currency:
            try:
                self.instance.goal_minor = parse_amount(goal, currency) if goal else 0
            except ValidationError as exc:
                self.add_error("goal", exc)
        return cleaned


class ExchangeRateInline(admin.TabularInline[ExchangeRate, Fund]):
    model = ExchangeRate
    extra = 1
    fields = ["currency", "rate", "updated_at"]
    readonly_fields = ["updated_at"]


@admin.register(Fund)
class FundAdmin(OrganisationScopedAdmin[Fund]):
    form = FundAdminForm
    inlines = [ExchangeRateInline]
    organisation_lookup = "campaign__owner"
    scoped_foreign_keys: ClassVar[dict[str, str]] = {"campaign": "owner"}
    list_display = ["__str__", "campaign", "goal_display", "raised", "is_open", "tools"]
    list_filter = ["is_open", ("campaign", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["campaign"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Fund]:
        # "raised" reads each fund's totals and rates: two queries for the page, not per row.
        return super().get_queryset(request).prefetch_related("totals", "rates")

    search_fields = ["slug"]

    @admin.display(description=_("goal"))
    def goal_display(self, fund: Fund) -> str:
        return str(fund.goal) if fund.goal_minor else "—"

    @admin.display(description=_("raised"))
    def raised(self, fund: Fund) -> str:
        return str(fund_progress(fund).raised)

    @admin.display(description=_("tools"))
    def tools(self, fund: Fund) -> str:
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:fundraising_donation_changelist") + f"?fund__id__exact={fund.pk}",
            _("gifts"),
            reverse("admin:fundraising_fund_reconcile", args=[fund.pk]),
            _("reconcile transfers"),
            reverse("admin:fundraising_fund_income", args=[fund.pk]),
            _("income chart"),
            reverse("admin:fundraising_ledgerentry_changelist") + f"?fund__id__exact={fund.pk}",
            _("ledger"),
        )

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/reconcile/", view(self.reconcile_view), name="fundraising_fund_reconcile"
            ),
            path("<int:pk>/income/", view(self.income_view), name="fundraising_fund_income"),
            *super().get_urls(),
        ]

    def _fund(self, request: HttpRequest, pk: int, *, change: bool = False) -> Fund:
        return self.object_for(request, pk, change=change, related="campaign__owner")

    def reconcile_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Bank transfers: upload a statement, pledges whose reference appears are received."""
        fund = self._fund(request, pk, change=True)
        result = None
        status = 200
        if request.method == "POST":
            form = StatementUploadForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    result = bank_statement_import(
                        fund=fund, data=form.cleaned_data["statement"].read(), actor=request.user
                    )
                except StatementUnreadable as exc:
                    form.add_error("statement", str(exc))
                    status = 400
            else:
                status = 400
        else:
            form = StatementUploadForm()
        waiting = Donation.objects.filter(
            fund=fund, method=Donation.Method.BANK, status=Donation.Status.PENDING
        ).order_by("created_at")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reconcile bank transfers: %(fund)s") % {"fund": fund},
            "fund": fund,
            "form": form,
            "result": result,
            "waiting": waiting[:500],
            "waiting_count": waiting.count(),
            "opts": self.model._meta,
        }
        return render(request, "admin/fundraising/reconcile.html", context, status=status)

    def income_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        fund = self._fund(request, pk)
        rows = (
            Donation.objects.filter(fund=fund, status=Donation.Status.SUCCEEDED)
            .annotate(month=TruncMonth("succeeded_at"))
            .values("month", "currency")
            .annotate(total=Sum("amount_minor"), n=Count("pk"))
            .order_by("month", "currency")
        )
        by_currency: dict[str, list[tuple[date, int]]] = {}
        table = []
        for row in rows:
            by_currency.setdefault(row["currency"], []).append((row["month"], row["total"]))
            table.append(
                (row["month"], Money(row["total"], row["currency"]), row["n"], row["currency"])
            )
        charts = [
            (currency, bar_chart(series), Money(max(t for _m, t in series), currency))
            for currency, series in sorted(by_currency.items())
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Income over time: %(fund)s") % {"fund": fund},
            "fund": fund,
            "charts": charts,
            "table": table,
            "opts": self.model._meta,
        }
        return render(request, "admin/fundraising/income.html", context)


class ActiveMonthlyFilter(admin.SimpleListFilter):
    title = _("monthly donors")
    parameter_name = "monthly"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Donation]
    ) -> list[tuple[str, StrOrPromise]]:
        return [("active", _("monthly, still giving")), ("ended", _("monthly, ended"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Donation]) -> QuerySet[Donation]:
        # One row per monthly donor: the record made at Checkout, not each month's.
        monthly = queryset.filter(
            frequency=Donation.Frequency.MONTHLY, stripe_session_id__isnull=False
        ).exclude(stripe_subscription_id="")
        if self.value() == "active":
            return monthly.filter(cancelled_at__isnull=True, status=Donation.Status.SUCCEEDED)
        if self.value() == "ended":
            return monthly.filter(cancelled_at__isnull=False)
        return queryset


DONATION_CSV_HEADER = [
    "id",
    "created_at",
    "received_at",
    "status",
    "method",
    "frequency",
    "amount",
    "currency",
    "refunded",
    "name",
    "email",
    "consent",
    "reference",
    "source",
    "fund",
]


def donation_csv_rows(queryset: QuerySet[Donation]) -> Iterator[str]:
    """Donors' addresses only where they agreed to hear from the organisation."""
    return csv_lines(
        DONATION_CSV_HEADER,
        (
            [
                donation.pk,
                donation.created_at.isoformat(),
                donation.succeeded_at.isoformat() if donation.succeeded_at else "",
                donation.status,
                donation.method,
                donation.frequency,
                str(donation.amount.major),
                donation.currency,
                str(to_major(donation.refunded_minor, donation.currency)),
                "" if donation.anonymous else donation.name,
                donation.email if donation.consent_owner else "",
                "yes" if donation.consent_owner else "no",
                donation.reference or "",
                donation.source,
                donation.fund.slug,
            ]
            for donation in queryset.select_related("fund").iterator(chunk_size=2000)
        ),
    )


@admin.register(Donation)
class DonationAdmin(OrganisationScopedAdmin[Donation]):
    organisation_lookup = "fund__campaign__owner"
    list_display = [
        "created_at",
        "donor",
        "amount_display",
        "method",
        "frequency",
        "status",
        "reference",
        "fund",
    ]
    list_filter = [
        "status",
        "method",
        "currency",
        "frequency",
        ActiveMonthlyFilter,
        ("fund", admin.RelatedOnlyFieldListFilter),
        ("fund__campaign", admin.RelatedOnlyFieldListFilter),
        "source",
        ("created_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["fund__campaign"]
    search_fields = ["reference", "=stripe_payment_intent_id", "=stripe_subscription_id"]
    date_hierarchy = "created_at"
    actions = ["mark_received", "cancel_pledges", "export_csv"]
    list_per_page = 100

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False  # gifts come from donors (or a statement), never typed in

    def has_delete_permission(self, request: HttpRequest, obj: Donation | None = None) -> bool:
        return False  # the accounts need every record

    def get_fields(self, request: HttpRequest, obj: Donation | None = None) -> tuple[str, ...]:
        fields = [
            "fund",
            "status",
            "method",
            "frequency",
            "amount_display",
            "refunded_display",
            "donor",
            "anonymous",
            "consent_owner",
            "language",
            "source",
            "reference",
            "created_at",
            "succeeded_at",
            "received_by",
            "cancelled_at",
            "stripe_payment_intent_id",
            "stripe_subscription_id",
        ]
        if obj is not None and not obj.anonymous:
            fields.insert(fields.index("donor") + 1, "email_display")
        return tuple(fields)

    def get_readonly_fields(
        self, request: HttpRequest, obj: Donation | None = None
    ) -> tuple[str, ...]:
        return self.get_fields(request, obj)

    @admin.display(description=_("donor"))
    def donor(self, donation: Donation) -> str:
        return donation.display_name

    @admin.display(description=_("email"))
    def email_display(self, donation: Donation) -> str:
        return donation.email

    @admin.display(description=_("amount"), ordering="amount_minor")
    def amount_display(self, donation: Donation) -> str:
        return str(donation.amount)

    @admin.display(description=_("refunded"))
    def refunded_display(self, donation: Donation) -> str:
        return str(Money(donation.refunded_minor, donation.currency))

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, object] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if context and "cl" in context:
            queryset = context["cl"].queryset.order_by()
            totals = (
                queryset.values("currency")
                .annotate(
                    received=Sum("amount_minor", filter=Q(status=Donation.Status.SUCCEEDED)),
                    refunded=Sum("refunded_minor"),
                    n=Count("pk"),
                )
                .order_by("currency")
            )
            context["currency_totals"] = [
                {
                    "currency": row["currency"],
                    "received": Money(row["received"] or 0, row["currency"]),
                    "refunded": Money(row["refunded"] or 0, row["currency"]),
                    "count": row["n"],
                }
                for row in totals
            ]
        return response

    @admin.action(description=_("Mark selected bank transfers as received"))
    def mark_received(self, request: HttpRequest, queryset: QuerySet[Donation]) -> None:
        done = 0
        for donation in queryset:
            if self.has_change_permission(request, donation) and pledge_mark_received(
                donation=donation, actor=request.user
            ):
                done += 1
        skipped = queryset.count() - done
        self.message_user(
            request,
            ngettext(
                "%(count)d transfer marked as received.",
                "%(count)d transfers marked as received.",
                done,
            )
            % {"count": done},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d selected gift was not a waiting bank transfer and was left alone.",
                    "%(count)d selected gifts were not waiting bank transfers and were left alone.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Cancel selected bank transfer pledges"))
    def cancel_pledges(self, request: HttpRequest, queryset: QuerySet[Donation]) -> None:
        done = sum(
            1
            for donation in queryset
            if self.has_change_permission(request, donation)
            and pledge_cancel(donation=donation, actor=request.user)
        )
        self.message_user(
            request,
            ngettext("%(count)d pledge cancelled.", "%(count)d pledges cancelled.", done)
            % {"count": done},
        )

    @admin.action(description=_("Export selected gifts as CSV"))
    def export_csv(
        self, request: HttpRequest, queryset: QuerySet[Donation]
    ) -> StreamingHttpResponse:
        ids = list(queryset.values_list("pk", flat=True))
        audit_log(action="donations.exported", actor=request.user, data={"count": len(ids)})
        response = StreamingHttpResponse(
            donation_csv_rows(Donation.objects.filter(pk__in=ids).order_by("pk")),
            content_type="text/csv; charset=utf-8",
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="gifts-{stamp}.csv"'
        return private_response(response)


class LedgerEntryForm(LedgerEntryFormBase[LedgerEntry]):
    checked_with = ("fund", "date", "currency", "category")

    class Meta:
        model = LedgerEntry
        fields = [
            "fund",
            "kind",
            "date",
            "amount",
            "currency",
            "category",
            "description",
            "private_details",
            "show_details_publicly",
            "receipt",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = LedgerEntry.Kind.EXPENSE
        self.fields["date"].initial = timezone.localdate

    def check_entry(self, cleaned: dict[str, Any]) -> None:
        ledger_entry_check(
            fund=cleaned["fund"],
            entry_date=cleaned["date"],
            amount_minor=self.instance.amount_minor,
            currency=cleaned["currency"],
            category=cleaned["category"],
        )


@admin.register(LedgerEntry)
class LedgerEntryAdmin(LedgerEntryAdminMixin[LedgerEntry], OrganisationScopedAdmin[LedgerEntry]):
    """Append-only (core.ledger): entries are added, approved by a second organiser,
    or reversed."""

    form = LedgerEntryForm
    organisation_lookup = "fund__campaign__owner"
    scoped_foreign_keys: ClassVar[dict[str, str]] = {"fund": "campaign__owner"}
    not_yours_message = _("You cannot approve entries of this fund.")
    list_display = [
        "date",
        "fund",
        "kind",
        "category",
        "amount_display",
        "description",
        "approval",
        "created_by",
        "receipt_link",
    ]
    list_filter = [
        "kind",
        "category",
        "currency",
        "fund",
        ("approved_at", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["fund__campaign", "created_by", "approved_by"]
    shown_fields = (
        "fund",
        "kind",
        "date",
        "amount_display",
        "category",
        "description",
        "private_details",
        "show_details_publicly",
        "receipt_link",
        "donation",
        "corrects",
        "created_by",
        "created_at",
        "approved_by",
        "approved_at",
    )

    def entry_create(self, request: HttpRequest, obj: LedgerEntry, form: Any) -> LedgerEntry:
        return ledger_entry_create(
            fund=obj.fund,
            kind=obj.kind,
            entry_date=obj.date,
            amount_minor=obj.amount_minor,
            currency=obj.currency,
            category=obj.category,
            description=obj.description,
            private_details=obj.private_details,
            show_details_publicly=obj.show_details_publicly,
            receipt=form.cleaned_data.get("receipt"),
            actor=staff_user(request),
        )
