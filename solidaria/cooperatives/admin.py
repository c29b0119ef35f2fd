"""Organisers' console for the cooperatives: the directory (cooperatives and their
products), buying rounds (their products at the round's prices, pickup points),
orders and their fulfilment, and the pages a round needs once it closes: purchase
orders per cooperative, packing lists, the summary and the bank statement import.

Scoping: a cooperative and its products are kept by the organisation that keeps
the entry (usually the committee) and by the cooperative's own account; staff of
either see and change them. A round, its products, pickup points and orders
belong to the round's organisation. Viewers read and never act.

Orders change state only through the services (fulfilment, and ordering for a
cancellation), from list actions; an order's page only shows it. Buyers' names
and addresses are decrypted on an order's own page and on the packing lists
(organisers only, audited), never in a list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import ForeignKey, Model, Q, QuerySet
from django.forms import ModelChoiceField
from django.forms.models import BaseInlineFormSet, ModelForm
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext
from django_stubs_ext import StrOrPromise
from i18nfield.fields import I18nCharField
from i18nfield.forms import I18nTextInput

from solidaria.core.admin import staff_user
from solidaria.core.banking import StatementUnreadable
from solidaria.core.ledger.admin import LedgerEntryAdminMixin, LedgerEntryFormBase
from solidaria.core.payments.client import card_payments_enabled
from solidaria.core.privacy import pii
from solidaria.core.privacy.audit import audit_log
from solidaria.core.rendering.csvstream import csv_lines
from solidaria.core.rendering.gazetteer import GazetteerUnavailable
from solidaria.core.rendering.i18n import I18nModelForm, language_codes, localize, show_languages
from solidaria.core.rendering.money import Money, parse_amount
from solidaria.core.web.middleware import private_response
from solidaria.organisations.admin_scoping import OrganisationScopedAdmin, organisation_ids
from solidaria.organisations.selectors import EDIT_ROLES

from .card import orders_card_settled
from .directory import cooperative_fill_place
from .documents import (
    PACKING_CSV_HEADER,
    PURCHASE_ORDER_LANGUAGE,
    amount_text,
    packing_csv_rows,
    packing_list,
    purchase_orders,
    rate_text,
    round_summary,
)
from .exceptions import CooperativesError
from .fulfilment import (
    Transition,
    orders_mark_handed_over,
    orders_mark_packed,
    orders_mark_paid,
    purchase_order_csv,
    purchase_order_filename,
    round_close,
    round_statement_import,
)
from .ledger import round_ledger_entry_check, round_ledger_entry_create
from .ledger_selectors import round_ledger_totals
from .models import (
    CARD_NEEDS_A_PERSON,
    DIRECTORY_LANGUAGES,
    Cooperative,
    CooperativePhoto,
    Order,
    OrderLine,
    PickupPoint,
    Product,
    ProductVariant,
    Round,
    RoundItem,
    RoundLedgerEntry,
)
from .ordering import REFERENCE_PREFIX, order_cancel

# Any: Django's admin hooks pass their forms, formsets and options untyped, and a
# foreign key's form field is one to any model; these overrides keep its signatures.

_ModelT = TypeVar("_ModelT", bound=Model)

SAVE_BUTTONS_HIDDEN = {
    "show_save": False,
    "show_save_and_continue": False,
    "show_save_and_add_another": False,
    "show_delete": False,
}


def _may_edit(request: HttpRequest, organisations: set[int] | None = None) -> bool:
    """Owners and organisers of one of `organisations` (of any of the staff member's,
    when None), and superusers; never viewers."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    allowed = organisation_ids(request, EDIT_ROLES)
    return bool(allowed) if organisations is None else bool(allowed & organisations)


def _ids_along(obj: Model, lookup: str) -> int | None:
    """The id at the end of `lookup` (a__b__organisation), read from the foreign key's
    column, so that asking costs no query for the organisation itself."""
    *path_, last = lookup.split("__")
    target: object = obj
    for part in path_:
        target = getattr(target, part, None)
        if target is None:
            return None
    value = getattr(target, f"{last}_id", None)
    return value if isinstance(value, int) else None


class KeptOrOwnScopedAdmin(OrganisationScopedAdmin[_ModelT]):
    """A directory row is seen and changed by the staff of the organisation that
    keeps it (`organisation_lookup`) and by the staff of the cooperative's own
    account (`own_organisation_lookup`), with the roles of OrganisationScopedAdmin.
    Audit entries name the keeper."""

    organisation_lookup = "organisation"
    own_organisation_lookup = "own_organisation"

    def organisation_ids_of(self, obj: Model) -> set[int]:
        ids = {
            _ids_along(obj, lookup)
            for lookup in (self.organisation_lookup, self.own_organisation_lookup)
        }
        return {value for value in ids if value is not None}

    def _allowed(
        self, request: HttpRequest, obj: Model | None, roles: tuple[str, ...] | None
    ) -> bool:
        if obj is None:
            return super()._allowed(request, None, roles)
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        if user.is_superuser:
            return True
        return bool(self.organisation_ids_of(obj) & organisation_ids(request, roles))

    def get_queryset(self, request: HttpRequest) -> QuerySet[_ModelT]:
        # Past OrganisationScopedAdmin's filter, which knows one path only.
        queryset = super(OrganisationScopedAdmin, self).get_queryset(request)
        return _kept_or_own(
            request, queryset, self.organisation_lookup, self.own_organisation_lookup
        )


def _kept_or_own(
    request: HttpRequest,
    queryset: QuerySet[_ModelT],
    kept: str,
    own: str,
    roles: tuple[str, ...] | None = None,
) -> QuerySet[_ModelT]:
    """The rows whose keeper (`kept`) or own account (`own`) is one of the staff
    member's organisations (with one of `roles`)."""
    if request.user.is_superuser:
        return queryset
    mine = sorted(organisation_ids(request, roles))
    return queryset.filter(Q(**{f"{kept}__in": mine}) | Q(**{f"{own}__in": mine}))


class _ParentInline(admin.TabularInline[_ModelT, Any]):
    """Shown on its parent's page (which only its readers reach); changed by those
    who may change the parent: the parent's admin decides, not Django's model
    permissions, which staff do not hold."""

    extra = 0
    formfield_overrides = {I18nCharField: {"widget": I18nTextInput}}

    def _may_change(self, request: HttpRequest, obj: Any) -> bool:
        parent = self.admin_site._registry[self.parent_model]
        return bool(
            parent.has_change_permission(request, obj)
            if obj is not None
            else parent.has_add_permission(request)
        )

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request, obj)


# --- cooperatives -------------------------------------------------------------------------


class CooperativeAdminForm(I18nModelForm[Cooperative]):
    website = forms.URLField(
        label=_("website"), max_length=200, required=False, assume_scheme="https"
    )

    class Meta:
        model = Cooperative
        fields = "__all__"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        show_languages(self.fields, DIRECTORY_LANGUAGES)


class CooperativePhotoInline(_ParentInline[CooperativePhoto]):
    model = CooperativePhoto
    fields = ["image", "caption", "position"]

    def get_formset(
        self, request: HttpRequest, obj: Cooperative | None = None, **kwargs: Any
    ) -> type[BaseInlineFormSet[CooperativePhoto, Any, ModelForm[CooperativePhoto]]]:
        formset = super().get_formset(request, obj, **kwargs)
        show_languages(formset.form.base_fields, DIRECTORY_LANGUAGES)
        return formset


CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")


@admin.register(Cooperative)
class CooperativeAdmin(KeptOrOwnScopedAdmin[Cooperative]):
    form = CooperativeAdminForm
    inlines = [CooperativePhotoInline]
    list_display = ["name", "sector", "city", "province", "status", "workers", "published"]
    list_filter = ["published", "status", "sector", "province", "is_example"]
    list_select_related = ["organisation"]
    search_fields = ["name", "city", "slug"]
    prepopulated_fields = {"slug": ("name",)}

    def get_fieldsets(self, request: HttpRequest, obj: Cooperative | None = None) -> Any:
        fieldsets: list[tuple[StrOrPromise | None, dict[str, Any]]] = [
            (
                None,
                {"fields": ["name", "slug", "legal_form", "sector", "status", "capacity_percent"]},
            ),
            (
                _("Where"),
                {
                    "fields": ["city", "province", "country", "latitude", "longitude"],
                    "description": _(
                        "Leave the coordinates empty: they are found from the city when "
                        "it is saved. Type them only for a town the map does not know."
                    ),
                },
            ),
            (_("In numbers"), {"fields": ["year_recovered", "workers"]}),
            (_("Story"), {"fields": ["story", "website", "languages"]}),
        ]
        # The contact is personal and encrypted: only for those who may change it.
        if obj is None or self.has_change_permission(request, obj):
            fieldsets.append((_("Contact (not public)"), {"fields": list(CONTACT_FIELDS)}))
        fieldsets.append(
            (
                _("Who keeps it"),
                {"fields": ["organisation", "own_organisation", "published", "is_example"]},
            )
        )
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Cooperative | None = None) -> Any:
        readonly = []
        if not request.user.is_superuser:
            # Linking an organisation's account to a cooperative gives its staff the
            # entry: an administrator's decision.
            readonly.append("own_organisation")
            if obj is not None and obj.organisation_id not in organisation_ids(request, EDIT_ROLES):
                readonly.append("organisation")  # the cooperative's own staff
        return readonly

    def save_model(self, request: HttpRequest, obj: Cooperative, form: Any, change: bool) -> None:
        # Coordinates left empty come from the city; a city changed without new
        # coordinates typed moves the dot (or takes it off the map if unknown).
        moved = "city" in form.changed_data or "country" in form.changed_data
        typed = "latitude" in form.changed_data or "longitude" in form.changed_data
        if moved and not typed:
            obj.latitude = obj.longitude = None
        try:
            cooperative_fill_place(cooperative=obj)
        except GazetteerUnavailable:
            self.message_user(
                request,
                _("The map of places is not available: type the coordinates, or save again later."),
                messages.WARNING,
            )
        super().save_model(request, obj, form, change)


# --- products -----------------------------------------------------------------------------


class ProductAdminForm(I18nModelForm[Product]):
    reference_price = forms.CharField(
        label=_("Reference price in pesos"),
        max_length=30,
        required=False,
        help_text=_("The cooperative's own price at home, written as in your language."),
    )

    class Meta:
        model = Product
        fields = [
            "cooperative",
            "name",
            "description",
            "unit",
            "reference_price",
            "weight_grams",
            "exportable",
            "available",
            "image",
            "position",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        show_languages(self.fields, DIRECTORY_LANGUAGES)
        if self.instance.pk and self.instance.reference_price_minor is not None:
            self.initial["reference_price"] = amount_text(
                self.instance.reference_price_minor, "ARS"
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        text = (cleaned.get("reference_price") or "").strip()
        try:
            self.instance.reference_price_minor = parse_amount(text, "ARS") if text else None
        except ValidationError as exc:
            self.add_error("reference_price", exc)
        return cleaned


class ProductVariantInline(_ParentInline[ProductVariant]):
    model = ProductVariant
    fields = ["name", "available", "position"]

    def get_formset(
        self, request: HttpRequest, obj: Product | None = None, **kwargs: Any
    ) -> type[BaseInlineFormSet[ProductVariant, Any, ModelForm[ProductVariant]]]:
        formset = super().get_formset(request, obj, **kwargs)
        show_languages(formset.form.base_fields, DIRECTORY_LANGUAGES)
        return formset


@admin.register(Product)
class ProductAdmin(KeptOrOwnScopedAdmin[Product]):
    form = ProductAdminForm
    inlines = [ProductVariantInline]
    organisation_lookup = "cooperative__organisation"
    own_organisation_lookup = "cooperative__own_organisation"
    list_display = ["__str__", "cooperative", "price_display", "available", "exportable"]
    list_filter = ["available", "exportable", ("cooperative", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["cooperative"]
    search_fields = ["name", "cooperative__name"]

    @admin.display(description=_("reference price"), ordering="reference_price_minor")
    def price_display(self, product: Product) -> str:
        return str(product.reference_price) if product.reference_price else "—"

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        # Products are filed under cooperatives the staff member keeps or works in.
        if db_field.name == "cooperative":
            kwargs["queryset"] = _kept_or_own(
                request, Cooperative.objects.all(), "organisation", "own_organisation", EDIT_ROLES
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- buying rounds ------------------------------------------------------------------------


def _amount_field(label: StrOrPromise, help_text: StrOrPromise) -> forms.CharField:
    return forms.CharField(label=label, max_length=30, required=False, help_text=help_text)


class RoundAdminForm(I18nModelForm[Round]):
    shipping_fee = _amount_field(
        _("Flat shipping fee"),
        _("In the round's currency. Leave empty to offer pickup only."),
    )

    class Meta:
        model = Round
        fields = [
            "organisation",
            "slug",
            "title",
            "description",
            "country",
            "currency",
            "time_zone",
            "opens_at",
            "closes_at",
            "exchange_rate",
            "shipping_fee",
            "bank_details",
            "card_payments",
            "payment_days",
            "published",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        show_languages(
            self.fields,
            self.instance.organisation.languages if self.instance.pk else language_codes(),
        )
        if self.instance.pk and self.instance.shipping_fee_minor is not None:
            self.initial["shipping_fee"] = amount_text(
                self.instance.shipping_fee_minor, self.instance.currency
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        currency = cleaned.get("currency") or self.instance.currency
        text = (cleaned.get("shipping_fee") or "").strip()
        if currency:
            try:
                self.instance.shipping_fee_minor = parse_amount(text, currency) if text else None
            except ValidationError as exc:
                self.add_error("shipping_fee", exc)
        if cleaned.get("card_payments") and not card_payments_enabled():
            self.add_error(
                "card_payments",
                _("Card payments need STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET on the server."),
            )
        details = cleaned.get("bank_details")
        if cleaned.get("published") and not localize(details, languages=language_codes()):
            # Buyers may always pay by transfer, also where cards are taken.
            self.add_error(
                "bank_details",
                _("A published round needs bank details: buyers pay by bank transfer."),
            )
        return cleaned


class RoundItemForm(forms.ModelForm[RoundItem]):
    price = forms.CharField(
        label=_("Price"), max_length=30, help_text=_("In the round's currency.")
    )
    # Set per request by the inline: every row offers the same products.
    product_choices: ClassVar[list[tuple[Any, str]] | None] = None

    class Meta:
        model = RoundItem
        fields = ["product", "price", "max_quantity", "position"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.product_choices is not None:
            self.fields["product"].choices = self.product_choices  # type: ignore[attr-defined]
        if self.instance.pk:
            self.initial["price"] = amount_text(
                self.instance.price_minor, self.instance.round.currency
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        currency = getattr(getattr(self.instance, "round", None), "currency", "")
        if not currency:
            self.add_error("price", _("Choose the round's currency first."))
        elif cleaned.get("price"):
            try:
                self.instance.price_minor = parse_amount(cleaned["price"], currency)
            except ValidationError as exc:
                self.add_error("price", exc)
        limit = cleaned.get("max_quantity")
        if limit is not None and limit < self.instance.sold:
            self.add_error(
                "max_quantity",
                ngettext(
                    "%(sold)d has been ordered already: the limit cannot be lower.",
                    "%(sold)d have been ordered already: the limit cannot be lower.",
                    self.instance.sold,
                )
                % {"sold": self.instance.sold},
            )
        return cleaned


class RoundItemInline(_ParentInline[RoundItem]):
    """The products the round offers, at its prices. Any published cooperative's
    products can be offered, whoever keeps them."""

    model = RoundItem
    form = RoundItemForm
    fields = ["product", "price", "max_quantity", "sold", "position"]
    readonly_fields = ["sold"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RoundItem]:
        return super().get_queryset(request).select_related("round", "product")

    def get_formset(
        self, request: HttpRequest, obj: Round | None = None, **kwargs: Any
    ) -> type[BaseInlineFormSet[RoundItem, Any, ModelForm[RoundItem]]]:
        formset = super().get_formset(request, obj, **kwargs)
        # One query for every row's list of products, not one per row.
        offered = Q(available=True, cooperative__published=True)
        if obj is not None:
            offered |= Q(round_items__round=obj)
        products = (
            Product.objects.filter(offered)
            .select_related("cooperative")
            .distinct()
            .order_by("cooperative__name", "position", "pk")
        )
        choices: list[tuple[Any, str]] = [("", "---------")]
        choices += [(product.pk, f"{product.cooperative.name} — {product}") for product in products]
        form = formset.form
        formset.form = type(form.__name__, (form,), {"product_choices": choices})
        return formset


class PickupPointInline(_ParentInline[PickupPoint]):
    model = PickupPoint
    fields = ["name", "address", "city", "opening_hours", "position"]

    def get_formset(
        self, request: HttpRequest, obj: Round | None = None, **kwargs: Any
    ) -> type[BaseInlineFormSet[PickupPoint, Any, ModelForm[PickupPoint]]]:
        formset = super().get_formset(request, obj, **kwargs)
        show_languages(
            formset.form.base_fields,
            obj.organisation.languages if obj is not None else language_codes(),
        )
        return formset


class StatementUploadForm(forms.Form):
    statement = forms.FileField(
        label=_("Bank statement (CSV)"),
        help_text=_("Exported from your bank. Rows are matched on the order references (BR-…)."),
    )

    def clean_statement(self) -> object:
        upload = self.cleaned_data["statement"]
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 5 MB."))
        return upload


@admin.register(Round)
class RoundAdmin(OrganisationScopedAdmin[Round]):
    form = RoundAdminForm
    inlines = [RoundItemInline, PickupPointInline]
    list_display = [
        "__str__",
        "organisation",
        "opens_at",
        "closes_at",
        "ordered_display",
        "orders_count",
        "state",
        "tools",
    ]
    list_filter = ["published", ("organisation", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["organisation"]
    search_fields = ["slug"]
    actions = ["close_selected"]
    fieldsets = [
        (
            None,
            {"fields": ["console", "organisation", "slug", "title", "description", "published"]},
        ),
        (
            _("When and where"),
            {"fields": ["country", "time_zone", "opens_at", "closes_at", "payment_days"]},
        ),
        (
            _("Money"),
            {
                "fields": [
                    "currency",
                    "exchange_rate",
                    "shipping_fee",
                    "bank_details",
                    "card_payments",
                ]
            },
        ),
        (
            _("So far"),
            {
                "fields": [
                    "ordered_display",
                    "orders_count",
                    "cooperatives_count",
                    "closed_at",
                    "unpaid_cancelled_at",
                ]
            },
        ),
    ]
    KEPT = (
        "ordered_display",
        "orders_count",
        "cooperatives_count",
        "closed_at",
        "unpaid_cancelled_at",
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Round | None = None) -> Any:
        readonly = ["console", *self.KEPT]
        if obj is not None and obj.orders.exists():
            readonly.append("currency")  # the orders' amounts are in it
        if obj is not None and obj.closed_at is not None:
            # Its purchase orders went out: moving the dates would take orders that
            # no cooperative hears of.
            readonly += ["opens_at", "closes_at"]
        return readonly

    def get_fieldsets(self, request: HttpRequest, obj: Round | None = None) -> Any:
        if obj is None:
            first = self.fieldsets[0][1]["fields"]
            return [(None, {"fields": [f for f in first if f != "console"]}), *self.fieldsets[1:3]]
        return self.fieldsets

    @admin.display(description=_("ordered"), ordering="ordered_minor")
    def ordered_display(self, round: Round) -> str:
        return str(round.ordered)

    @admin.display(description=_("state"))
    def state(self, round: Round) -> str:
        now = timezone.now()
        if round.closed_at is not None:
            return pgettext("buying round", "closed")
        if round.closes_at <= now:
            return str(_("closing"))
        if round.is_open_at(now):
            return pgettext("buying round", "open")
        return str(_("not open yet") if round.opens_at > now else _("not published"))

    @admin.display(description=_("tools"))
    def tools(self, round: Round) -> SafeString:
        return format_html(
            '<a href="{}">{}</a> · <a href="{}?round={}">{}</a> · <a href="{}?round={}">{}</a>',
            reverse("admin:cooperatives_round_summary", args=[round.pk]),
            _("summary"),
            reverse("admin:cooperatives_order_changelist"),
            round.pk,
            _("orders"),
            reverse("admin:cooperatives_roundledgerentry_changelist"),
            round.pk,
            _("ledger"),
        )

    @admin.display(description=_("console"))
    def console(self, round: Round) -> SafeString | str:
        """Links to the round's pages, on its own page."""
        if round.pk is None:
            return "—"
        links: list[tuple[str, StrOrPromise]] = [
            (reverse("admin:cooperatives_round_summary", args=[round.pk]), _("Summary")),
            (
                reverse("admin:cooperatives_order_changelist") + f"?round={round.pk}",
                _("Orders"),
            ),
            (
                reverse("admin:cooperatives_round_statement", args=[round.pk]),
                _("Import a bank statement"),
            ),
            (
                reverse("admin:cooperatives_roundledgerentry_changelist") + f"?round={round.pk}",
                _("Ledger"),
            ),
        ]
        cooperatives = (
            Cooperative.objects.filter(products__round_items__round=round)
            .distinct()
            .order_by("name")
            .values_list("pk", "name")
        )
        for cooperative_id, name in cooperatives:
            links.append(
                (
                    reverse(
                        "admin:cooperatives_round_purchase_order", args=[round.pk, cooperative_id]
                    ),
                    _("Purchase order: %(name)s") % {"name": name},
                )
            )
        for point in round.pickup_points.all():
            links.append(
                (
                    reverse("admin:cooperatives_round_packing", args=[round.pk, point.pk]),
                    _("Packing list: %(point)s") % {"point": point},
                )
            )
        if round.ships:
            links.append(
                (
                    reverse("admin:cooperatives_round_packing_shipping", args=[round.pk]),
                    _("Packing list: shipping"),
                )
            )
        return format_html(
            '<ul class="round-console">{}</ul>',
            format_html_join("", '<li><a href="{}">{}</a></li>', links),
        )

    # Closing by hand

    @admin.action(
        description=_("Close the selected rounds now (if their time is over)"),
        permissions=["change"],
    )
    def close_selected(self, request: HttpRequest, queryset: QuerySet[Round]) -> None:
        sent = closed = 0
        for round in queryset.select_related("organisation"):
            if not self.has_change_permission(request, round):
                continue
            closing = round_close(round=round)
            if closing is None:
                self.message_user(
                    request,
                    _("“%(round)s” is still open: it closes on its own when its time is over.")
                    % {"round": round},
                    messages.ERROR,
                )
                continue
            closed += closing.closed_now
            sent += len(closing.sent)
            for cooperative in closing.without_contact:
                self.message_user(
                    request,
                    _("%(cooperative)s has no contact address: its purchase order was not sent.")
                    % {"cooperative": cooperative},
                    messages.WARNING,
                )
        self.message_user(
            request,
            ngettext("%(count)d round closed.", "%(count)d rounds closed.", closed)
            % {"count": closed}
            + " "
            + ngettext("%(count)d purchase order sent.", "%(count)d purchase orders sent.", sent)
            % {"count": sent},
            messages.SUCCESS,
        )

    # The round's pages

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/summary/", view(self.summary_view), name="cooperatives_round_summary"),
            path(
                "<int:pk>/statement/",
                view(self.statement_view),
                name="cooperatives_round_statement",
            ),
            path(
                "<int:pk>/purchase-order/<int:cooperative>/",
                view(self.purchase_order_view),
                name="cooperatives_round_purchase_order",
            ),
            path(
                "<int:pk>/purchase-order/<int:cooperative>/csv/",
                view(self.purchase_order_csv_view),
                name="cooperatives_round_purchase_order_csv",
            ),
            path(
                "<int:pk>/packing/<int:point>/",
                view(self.packing_view),
                name="cooperatives_round_packing",
            ),
            path(
                "<int:pk>/packing/<int:point>/csv/",
                view(self.packing_csv_view),
                name="cooperatives_round_packing_csv",
            ),
            path(
                "<int:pk>/packing/shipping/",
                view(self.packing_view),
                name="cooperatives_round_packing_shipping",
            ),
            path(
                "<int:pk>/packing/shipping/csv/",
                view(self.packing_csv_view),
                name="cooperatives_round_packing_shipping_csv",
            ),
            *super().get_urls(),
        ]

    def _round(self, request: HttpRequest, pk: int, *, change: bool = False) -> Round:
        return self.object_for(request, pk, change=change, related="organisation")

    def _context(
        self, request: HttpRequest, round: Round, title: str, **extra: Any
    ) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "round": round,
            "opts": self.model._meta,
            "round_url": reverse("admin:cooperatives_round_change", args=[round.pk]),
            **extra,
        }

    def summary_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        round = self._round(request, pk)
        summary = round_summary(round)
        context = self._context(
            request,
            round,
            str(_("Summary: %(round)s") % {"round": round}),
            summary=summary,
            ledger=round_ledger_totals(round, summary=summary),
            rate=rate_text(round),
            may_edit=self.has_change_permission(request, round),
        )
        return render(request, "admin/cooperatives/round_summary.html", context)

    def statement_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Bank transfers: upload a statement; waiting orders whose reference appears are paid."""
        round = self._round(request, pk, change=True)
        result = None
        status = 200
        if request.method == "POST":
            form = StatementUploadForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    result = round_statement_import(
                        round=round,
                        data=form.cleaned_data["statement"].read(),
                        actor=request.user,
                    )
                except StatementUnreadable as exc:
                    form.add_error("statement", str(exc))
                    status = 400
            else:
                status = 400
        else:
            form = StatementUploadForm()
        waiting = Order.objects.filter(round=round, status=Order.Status.PENDING).order_by(
            "created_at"
        )
        context = self._context(
            request,
            round,
            str(_("Reconcile bank transfers: %(round)s") % {"round": round}),
            form=form,
            result=result,
            prefix=REFERENCE_PREFIX,
            waiting=waiting.select_related("round")[:500],
            waiting_count=waiting.count(),
        )
        return render(request, "admin/cooperatives/statement.html", context, status=status)

    def _purchase_order(self, request: HttpRequest, pk: int, cooperative: int) -> Any:
        round = self._round(request, pk)
        found = purchase_orders(round, language=PURCHASE_ORDER_LANGUAGE, cooperative_id=cooperative)
        if not found:
            raise Http404
        return found[0]

    def purchase_order_view(self, request: HttpRequest, pk: int, cooperative: int) -> HttpResponse:
        """The purchase order as the cooperative gets it (in Spanish), ready to print."""
        purchase_order = self._purchase_order(request, pk, cooperative)
        round = purchase_order.round
        supplier = round.suppliers.filter(cooperative=purchase_order.cooperative).first()
        with translation.override(PURCHASE_ORDER_LANGUAGE):
            document = {
                "round_title": localize(
                    round.title, languages=round.organisation.languages, requested="es"
                ),
                "rate": rate_text(round),
                "country": str(round.country.name),
            }
        context = self._context(
            request,
            round,
            str(_("Purchase order: %(cooperative)s") % {"cooperative": purchase_order.cooperative}),
            purchase_order=purchase_order,
            document=document,
            sent_at=supplier.purchase_order_sent_at if supplier else None,
            csv_url=reverse(
                "admin:cooperatives_round_purchase_order_csv",
                args=[round.pk, purchase_order.cooperative.pk],
            ),
            summary_url=reverse("admin:cooperatives_round_summary", args=[round.pk]),
        )
        return render(request, "admin/cooperatives/purchase_order.html", context)

    def purchase_order_csv_view(
        self, request: HttpRequest, pk: int, cooperative: int
    ) -> HttpResponse:
        purchase_order = self._purchase_order(request, pk, cooperative)
        round = purchase_order.round
        audit_log(
            action="cooperatives.purchase_order_exported",
            actor=request.user,
            obj=round,
            organisation=round.organisation,
            data={"cooperative": purchase_order.cooperative.pk},
        )
        response = HttpResponse(
            purchase_order_csv(purchase_order), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{purchase_order_filename(purchase_order)}"'
        )
        return private_response(response)

    def _packing(self, request: HttpRequest, pk: int, point: int | None) -> Any:
        """Buyers' names and addresses: organisers only (403 for viewers)."""
        round = self._round(request, pk, change=True)
        if point is None:
            if not round.ships:
                raise Http404
            return packing_list(round, pickup_point=None)
        pickup_point = get_object_or_404(PickupPoint, pk=point, round=round)
        return packing_list(round, pickup_point=pickup_point)

    def packing_view(self, request: HttpRequest, pk: int, point: int | None = None) -> HttpResponse:
        packing = self._packing(request, pk, point)
        round = packing.round
        audit_log(
            action="cooperatives.packing_list_viewed",
            actor=request.user,
            obj=round,
            organisation=round.organisation,
            data={"pickup_point": point, "orders": len(packing.orders)},
        )
        where = str(packing.pickup_point) if packing.pickup_point else str(_("shipping"))
        csv_name = (
            "admin:cooperatives_round_packing_csv"
            if point is not None
            else "admin:cooperatives_round_packing_shipping_csv"
        )
        context = self._context(
            request,
            round,
            str(_("Packing list: %(where)s") % {"where": where}),
            packing=packing,
            csv_url=reverse(csv_name, args=[round.pk, point] if point is not None else [round.pk]),
            round_title=localize(round.title, languages=round.organisation.languages),
            printed_at=timezone.now(),
        )
        return private_response(render(request, "admin/cooperatives/packing_list.html", context))

    def packing_csv_view(
        self, request: HttpRequest, pk: int, point: int | None = None
    ) -> StreamingHttpResponse:
        packing = self._packing(request, pk, point)
        round = packing.round
        audit_log(
            action="cooperatives.packing_list_exported",
            actor=request.user,
            obj=round,
            organisation=round.organisation,
            data={"pickup_point": point, "orders": len(packing.orders)},
        )
        response = StreamingHttpResponse(
            csv_lines(PACKING_CSV_HEADER, packing_csv_rows(packing)),
            content_type="text/csv; charset=utf-8",
        )
        where = f"point-{point}" if point is not None else "shipping"
        response["Content-Disposition"] = f'attachment; filename="packing-{round.slug}-{where}.csv"'
        return private_response(response)


# --- orders -------------------------------------------------------------------------------


class RoundFilter(admin.SimpleListFilter):
    """The rounds the staff member sees (named in one query, with their organisations)."""

    title = _("round")
    parameter_name = "round"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        rounds = Round.objects.select_related("organisation").order_by("-opens_at")
        if not request.user.is_superuser:
            rounds = rounds.filter(organisation_id__in=sorted(organisation_ids(request)))
        return [(str(round.pk), str(round)) for round in rounds[:100]]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        is_id = value.isascii() and value.isdecimal() and len(value) <= 9
        return queryset.filter(round_id=int(value)) if is_id else queryset.none()


class PickupPointFilter(admin.SimpleListFilter):
    title = _("pickup point")
    parameter_name = "point"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        points = PickupPoint.objects.order_by("round_id", "position", "pk")
        if not request.user.is_superuser:
            points = points.filter(round__organisation_id__in=sorted(organisation_ids(request)))
        round_id = request.GET.get("round", "")
        if round_id.isascii() and round_id.isdecimal() and len(round_id) <= 9:
            points = points.filter(round_id=int(round_id))
        return [(str(point.pk), str(point)) for point in points[:100]]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        is_id = value.isascii() and value.isdecimal() and len(value) <= 9
        return queryset.filter(pickup_point_id=int(value)) if is_id else queryset.none()


class CardPaymentFilter(admin.SimpleListFilter):
    """Card payments that need a person: money that arrived but could not count (not
    the order's total, or for a cancelled order), and disputes (card.py marks them)."""

    title = _("card payment")
    parameter_name = "card"
    DISPUTE = "dispute_"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, StrOrPromise]]:
        return [
            ("check", _("to check: a problem or a dispute not won")),
            *Order.CardPaymentProblem.choices,
            *((f"{self.DISPUTE}{value}", label) for value, label in Order.CardDispute.choices),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        if value == "check":
            return queryset.filter(CARD_NEEDS_A_PERSON)
        if value in Order.CardPaymentProblem.values:
            return queryset.filter(card_payment_problem=value)
        dispute = value.removeprefix(self.DISPUTE)
        if value.startswith(self.DISPUTE) and dispute in Order.CardDispute.values:
            return queryset.filter(card_dispute=dispute)
        return queryset.none()


class OrderLineInline(admin.TabularInline[OrderLine, Order]):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = readonly_fields = ("product", "variant_name", "quantity", "unit_price", "line_total")

    def get_queryset(self, request: HttpRequest) -> QuerySet[OrderLine]:
        return (
            super()
            .get_queryset(request)
            .select_related("item__product__cooperative", "variant", "order__round")
        )

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True  # shown only on the page of an order its reader may see

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("product"))
    def product(self, line: OrderLine) -> str:
        return f"{line.item.product} ({line.item.product.cooperative})"

    @admin.display(description=_("variant"))
    def variant_name(self, line: OrderLine) -> str:
        return str(line.variant) if line.variant else "—"

    @admin.display(description=_("unit price"))
    def unit_price(self, line: OrderLine) -> str:
        return str(Money(line.unit_price_minor, line.order.round.currency))

    @admin.display(description=_("total"))
    def line_total(self, line: OrderLine) -> str:
        return str(Money(line.line_minor, line.order.round.currency))


ORDER_FIELDS = (
    "round",
    "reference",
    "status",
    "payment",
    "card_payment_display",
    "delivery",
    "pickup_point",
    "name",
    "email",
    "language",
    "consent_owner",
    "items_display",
    "shipping_display",
    "total_display",
    "created_at",
    "paid_at",
    "packed_at",
    "handed_over_at",
    "cancelled_at",
    "cancelled_by",
)
SHIPPING_FIELDS = ("address", "postcode", "city")


@admin.register(Order)
class OrderAdmin(OrganisationScopedAdmin[Order]):
    """Orders come from buyers; organisers move them on from the list, in bulk. The
    list shows no names; an order's page shows its buyer."""

    organisation_lookup = "round__organisation"
    inlines = [OrderLineInline]
    list_display = [
        "reference",
        "round",
        "status",
        "where",
        "total_display",
        "card_payment_mark",
        "created_at",
    ]
    list_filter = [
        RoundFilter,
        "status",
        "delivery",
        PickupPointFilter,
        "payment",
        CardPaymentFilter,
    ]
    list_select_related = ["round__organisation", "pickup_point"]
    list_per_page = 100
    # A reference, or an exact email address by its blind index (see get_search_results).
    search_fields = ["reference"]
    search_help_text = _("A reference (BR-…) or an exact email address.")
    actions = [
        "mark_paid",
        "mark_packed",
        "mark_handed_over",
        "cancel_selected",
        "card_settled",
    ]
    date_hierarchy = "created_at"

    def get_list_display(self, request: HttpRequest) -> Any:
        """The round's column only when it tells rows apart: not under the round
        filter, nor for staff who see one round (asked once per request)."""
        several = request.__dict__.get("_several_rounds")
        if several is None:
            rounds = Round.objects.all()
            if not request.user.is_superuser:
                rounds = rounds.filter(organisation_id__in=sorted(organisation_ids(request)))
            several = request.__dict__["_several_rounds"] = rounds[:2].count() > 1
        if not several or request.GET.get(RoundFilter.parameter_name):
            return [name for name in self.list_display if name != "round"]
        return list(self.list_display)

    def get_fields(self, request: HttpRequest, obj: Order | None = None) -> Any:
        fields = list(ORDER_FIELDS)
        if obj is not None and obj.delivery == Order.Delivery.SHIPPING:
            position = fields.index("pickup_point")
            fields[position : position + 1] = SHIPPING_FIELDS
        if obj is None or obj.payment != Order.Payment.CARD:
            fields.remove("card_payment_display")
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj: Order | None = None) -> Any:
        return self.get_fields(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False  # buyers order from the round's page

    def has_delete_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False  # cancelled, never deleted: the stock and the totals follow the orders

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # The page only shows: a POST to it (a stale form) leads back to it.
        if request.method == "POST":
            return HttpResponseRedirect(request.path)
        extra = {**SAVE_BUTTONS_HIDDEN, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Order], search_term: str
    ) -> tuple[QuerySet[Order], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        if "@" in term:
            return queryset.filter(email_index__in=pii.email_indexes(term)), False
        reference = term.upper().replace(" ", "")
        if not reference.startswith(f"{REFERENCE_PREFIX}-"):
            bare = reference.removeprefix(REFERENCE_PREFIX)
            reference = f"{REFERENCE_PREFIX}-{bare}"
        return queryset.filter(reference=reference), False

    @admin.display(description=_("delivery"), ordering="pickup_point")
    def where(self, order: Order) -> str:
        if order.delivery == Order.Delivery.SHIPPING:
            return str(_("shipping"))
        return str(order.pickup_point) if order.pickup_point else "—"

    @admin.display(description=_("items"))
    def items_display(self, order: Order) -> str:
        return str(order.items_total)

    @admin.display(description=_("shipping"))
    def shipping_display(self, order: Order) -> str:
        return str(order.shipping)

    @admin.display(description=_("total"), ordering="items_minor")
    def total_display(self, order: Order) -> str:
        return str(order.total)

    @admin.display(description=_("card payment"))
    def card_payment_mark(self, order: Order) -> str:
        """In the list: what a person must look at, and nothing for the others."""
        if not order.card_needs_a_person:
            return ""
        problems = [
            str(label)
            for label in (
                order.get_card_payment_problem_display(),
                order.get_card_dispute_display(),
            )
            if label
        ]
        received = order.card_received
        if received is not None and order.card_payment_problem:
            problems.append(str(_("%(amount)s received") % {"amount": received}))
        return "⚠ " + "; ".join(problems)

    @admin.display(description=_("card payment"))
    def card_payment_display(self, order: Order) -> SafeString | str:
        """On a card order's page: what Stripe confirmed against what the order
        costs, what was refunded, and what a person must settle."""
        received = order.card_received
        if received is None:
            return str(_("No payment confirmed by Stripe."))
        rows: list[tuple[StrOrPromise, str]] = [
            (_("Received"), str(received)),
            (_("Order total"), str(order.total)),
        ]
        if order.card_refunded_minor:
            rows.append((_("Refunded"), str(order.card_refunded)))
        if order.card_payment_problem:
            rows.append((_("To check"), order.get_card_payment_problem_display()))
        if order.card_dispute:
            rows.append((_("Dispute"), order.get_card_dispute_display()))
        rows.append((_("Stripe payment"), order.stripe_payment_intent_id or "—"))
        return format_html_join("\n", "<div>{}: {}</div>", rows)

    # Bulk steps

    def _editable(self, request: HttpRequest, queryset: QuerySet[Order]) -> QuerySet[Order]:
        """The selected orders of rounds the staff member organises (not only views)."""
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            round__organisation_id__in=sorted(organisation_ids(request, EDIT_ROLES))
        )

    def _report(
        self,
        request: HttpRequest,
        result: Transition,
        done: Callable[[int], str],
        refused: Callable[[int], str],
    ) -> None:
        if result.changed:
            self.message_user(request, done(len(result.changed)), messages.SUCCESS)
        if result.already:
            self.message_user(
                request,
                ngettext(
                    "%(count)d selected order had taken this step already.",
                    "%(count)d selected orders had taken this step already.",
                    len(result.already),
                )
                % {"count": len(result.already)},
                messages.INFO,
            )
        if result.refused:
            references = ", ".join(order.reference for order in result.refused[:20])
            self.message_user(
                request, f"{refused(len(result.refused))} {references}", messages.ERROR
            )
        if not (result.changed or result.already or result.refused):
            self.message_user(
                request, _("None of the selected orders is yours to change."), messages.WARNING
            )

    @admin.action(description=_("Mark as paid (transfer checked)"), permissions=["change"])
    def mark_paid(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        result = orders_mark_paid(
            orders=self._editable(request, queryset), actor=staff_user(request)
        )
        self._report(
            request,
            result,
            lambda n: (
                ngettext("%(count)d order marked as paid.", "%(count)d orders marked as paid.", n)
                % {"count": n}
            ),
            lambda n: (
                ngettext(
                    "%(count)d order was cancelled and was left alone:",
                    "%(count)d orders were cancelled and were left alone:",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(
        description=_("Mark as packed (buyers who collect are told)"), permissions=["change"]
    )
    def mark_packed(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        result = orders_mark_packed(
            orders=self._editable(request, queryset), actor=staff_user(request)
        )
        self._report(
            request,
            result,
            lambda n: (
                ngettext(
                    "%(count)d order marked as packed.", "%(count)d orders marked as packed.", n
                )
                % {"count": n}
            ),
            lambda n: (
                ngettext(
                    "%(count)d order is not paid (or was cancelled) and cannot be packed:",
                    "%(count)d orders are not paid (or were cancelled) and cannot be packed:",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(
        description=_("Mark as collected or shipped (buyers of shipped orders are told)"),
        permissions=["change"],
    )
    def mark_handed_over(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        result = orders_mark_handed_over(
            orders=self._editable(request, queryset), actor=staff_user(request)
        )
        self._report(
            request,
            result,
            lambda n: (
                ngettext(
                    "%(count)d order marked as collected or shipped.",
                    "%(count)d orders marked as collected or shipped.",
                    n,
                )
                % {"count": n}
            ),
            lambda n: (
                ngettext(
                    "%(count)d order is not packed (or was cancelled): not handed over:",
                    "%(count)d orders are not packed (or were cancelled): not handed over:",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(
        description=_("Cancel the selected orders (the buyers are told)"), permissions=["change"]
    )
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        done = 0
        for order in self._editable(request, queryset).select_related("round__organisation"):
            try:
                changed = order_cancel(
                    order=order, by=Order.CancelledBy.ORGANISERS, actor=staff_user(request)
                )
            except CooperativesError as exc:
                self.message_user(request, f"{order.reference}: {exc}", messages.ERROR)
                continue
            done += changed
        self.message_user(
            request,
            ngettext("%(count)d order cancelled.", "%(count)d orders cancelled.", done)
            % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Card payment settled in Stripe (taken, refunded or dispute closed)"),
        permissions=["change"],
    )
    def card_settled(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        settled = orders_card_settled(
            orders=self._editable(request, queryset), actor=staff_user(request)
        )
        if not settled:
            self.message_user(
                request,
                _(
                    "None of the selected orders has a card payment to check, or its "
                    "dispute is still open at Stripe."
                ),
                messages.WARNING,
            )
            return
        self.message_user(
            request,
            ngettext(
                "%(count)d card payment marked as settled.",
                "%(count)d card payments marked as settled.",
                len(settled),
            )
            % {"count": len(settled)},
            messages.SUCCESS,
        )


# --- the round's ledger -------------------------------------------------------------------


class RoundLedgerEntryForm(LedgerEntryFormBase[RoundLedgerEntry]):
    amount = forms.CharField(
        label=_("Amount"),
        max_length=30,
        help_text=_("In the round's currency, e.g. 1500,00."),
    )
    amount_pesos = _amount_field(
        _("Amount in pesos"),
        _(
            "For a payment to a cooperative: what arrived in pesos. Leave empty to count "
            "it at the round's exchange rate."
        ),
    )
    checked_with = ("round", "kind", "date", "category")

    class Meta:
        model = RoundLedgerEntry
        fields = [
            "round",
            "kind",
            "date",
            "amount",
            "category",
            "cooperative",
            "amount_pesos",
            "description",
            "private_details",
            "show_details_publicly",
            "receipt",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = RoundLedgerEntry.Kind.EXPENSE
        self.fields["date"].initial = timezone.localdate

    def entry_currency(self, cleaned: dict[str, Any]) -> str | None:
        round = cleaned.get("round")
        return round.currency if isinstance(round, Round) else None

    def clean_amount_pesos(self) -> str:
        text = (self.cleaned_data.get("amount_pesos") or "").strip()
        self.instance.amount_pesos_minor = parse_amount(text, "ARS") if text else None
        return text

    def check_entry(self, cleaned: dict[str, Any]) -> None:
        if self.has_error("amount_pesos"):
            return
        round_ledger_entry_check(
            round=cleaned["round"],
            kind=cleaned["kind"],
            category=cleaned["category"],
            entry_date=cleaned["date"],
            amount_minor=self.instance.amount_minor,
            cooperative=cleaned.get("cooperative"),
            amount_pesos_minor=self.instance.amount_pesos_minor,
        )


@admin.register(RoundLedgerEntry)
class RoundLedgerEntryAdmin(
    LedgerEntryAdminMixin[RoundLedgerEntry], OrganisationScopedAdmin[RoundLedgerEntry]
):
    """A round's accounts (core.ledger: append-only, four eyes): belong to the round's
    organisation; its organisers add, approve and reverse, its viewers read."""

    form = RoundLedgerEntryForm
    organisation_lookup = "round__organisation"
    scoped_foreign_keys: ClassVar[dict[str, str]] = {"round": "organisation"}
    not_yours_message = _("You cannot approve entries of this round.")
    list_display = [
        "date",
        "round",
        "category",
        "amount_display",
        "cooperative",
        "pesos_display",
        "description",
        "approval",
        "created_by",
        "receipt_link",
    ]
    list_filter = [
        RoundFilter,
        "kind",
        "category",
        ("approved_at", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["round__organisation", "cooperative", "created_by", "approved_by"]
    shown_fields = (
        "round",
        "kind",
        "date",
        "amount_display",
        "category",
        "cooperative",
        "pesos_display",
        "description",
        "private_details",
        "show_details_publicly",
        "receipt_link",
        "corrects",
        "created_by",
        "created_at",
        "approved_by",
        "approved_at",
    )

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        # The cooperatives offered in rounds the staff member organises.
        if db_field.name == "cooperative":
            offered = Cooperative.objects.all()
            if not request.user.is_superuser:
                offered = offered.filter(
                    products__round_items__round__organisation_id__in=sorted(
                        organisation_ids(request, EDIT_ROLES)
                    )
                )
            kwargs["queryset"] = offered.distinct().order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_list_display(self, request: HttpRequest) -> Any:
        """The round's column only when it tells rows apart: not under the round filter."""
        if request.GET.get(RoundFilter.parameter_name):
            return [name for name in self.list_display if name != "round"]
        return list(self.list_display)

    @admin.display(description=_("in pesos"))
    def pesos_display(self, entry: RoundLedgerEntry) -> str:
        return str(entry.amount_pesos) if entry.amount_pesos is not None else "—"

    def entry_create(
        self, request: HttpRequest, obj: RoundLedgerEntry, form: Any
    ) -> RoundLedgerEntry:
        return round_ledger_entry_create(
            round=obj.round,
            kind=obj.kind,
            category=obj.category,
            entry_date=obj.date,
            amount_minor=obj.amount_minor,
            description=obj.description,
            cooperative=obj.cooperative,
            amount_pesos_minor=obj.amount_pesos_minor,
            private_details=obj.private_details,
            show_details_publicly=obj.show_details_publicly,
            receipt=form.cleaned_data.get("receipt"),
            actor=staff_user(request),
        )
