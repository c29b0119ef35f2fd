"""The console's screens for any ledger: the entry form's amount (typed in the
organiser's notation) and receipt, and an admin that adds entries, never changes
or deletes them, approves with four eyes, reverses with a correcting entry and
serves receipts to the ledger's own organisers only (audited).

A ledger's admin puts `LedgerEntryAdminMixin` before its scoped admin class (whose
`has_change_permission` says who may act on an entry) and says how an entry is
created (`entry_create`, its app's service) and, where it differs, reversed.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_stubs_ext import StrOrPromise

from solidaria.core.admin import staff_user
from solidaria.core.privacy.audit import audit_log
from solidaria.core.rendering.i18n import I18nModelForm
from solidaria.core.rendering.money import format_money, parse_amount
from solidaria.core.web.middleware import private_response

from .exceptions import LedgerError
from .models import LedgerEntryBase
from .services import ledger_entry_approve, ledger_entry_reverse

_EntryT = TypeVar("_EntryT", bound=LedgerEntryBase)

# Any: Django's form hooks take their options as **kwargs and clean() returns each
# field's own type, as Django's signatures say.

RECEIPT_MAX_BYTES = 10 * 1024 * 1024


class LedgerEntryFormBase(I18nModelForm[_EntryT]):
    """The amount as the organiser writes it, the receipt's size, and the ledger's
    own rules (`check_entry`, its app's service) shown beside the field at fault."""

    amount = forms.CharField(
        label=_("Amount"), max_length=30, help_text=_("In the currency chosen, e.g. 1500,00.")
    )
    # The fields `check_entry` needs; it runs only once each is valid.
    checked_with: ClassVar[tuple[str, ...]] = ()

    def entry_currency(self, cleaned: dict[str, Any]) -> str | None:
        """The currency the amount is in."""
        currency = cleaned.get("currency")
        return str(currency) if currency else None

    def check_entry(self, cleaned: dict[str, Any]) -> None:
        """The ledger's own rules; raises `LedgerError`."""
        raise NotImplementedError

    def clean_receipt(self) -> object:
        receipt = self.cleaned_data.get("receipt")
        if receipt and getattr(receipt, "size", 0) > RECEIPT_MAX_BYTES:
            raise ValidationError(_("The file is larger than 10 MB."))
        return receipt

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        currency = self.entry_currency(cleaned)
        if currency and cleaned.get("amount"):
            try:
                self.instance.amount_minor = parse_amount(
                    cleaned["amount"], currency, language=translation.get_language()
                )
            except ValidationError as exc:
                self.add_error("amount", exc)
        ready = all(cleaned.get(name) for name in self.checked_with)
        if ready and currency and not self.has_error("amount"):
            try:
                self.check_entry(cleaned)
            except LedgerError as exc:
                field = exc.field if exc.field in self.fields else None
                self.add_error(field, str(exc))
        return cleaned


class LedgerEntryAdminMixin(admin.ModelAdmin[_EntryT]):
    """Append-only: entries are added, approved by a second organiser, or reversed."""

    actions = ["approve", "reverse"]
    date_hierarchy = "date"
    # What an entry's own page shows (all read only).
    shown_fields: ClassVar[tuple[str, ...]] = ()
    # Why an organiser may not approve an entry of this book.
    not_yours_message: ClassVar[StrOrPromise] = _("You cannot approve entries of this ledger.")
    saved_message: ClassVar[StrOrPromise] = _(
        "Saved. The entry appears in the public ledger once another organiser approves it."
    )

    def entry_create(self, request: HttpRequest, obj: _EntryT, form: Any) -> _EntryT:
        """Stores the entry the form describes, through the ledger's service."""
        raise NotImplementedError

    def entry_reverse(self, entry: _EntryT, actor: User) -> _EntryT:
        return ledger_entry_reverse(entry=entry, actor=actor, reason="")

    def may_act_on(self, request: HttpRequest, entry: _EntryT) -> bool:
        """Whether the staff member may approve or reverse this entry: what the scoped
        admin after this mixin allows as a change (entries themselves never change)."""
        return bool(super().has_change_permission(request, entry))

    def has_change_permission(self, request: HttpRequest, obj: _EntryT | None = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: _EntryT | None = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: _EntryT | None = None) -> list[str]:
        return [] if obj is None else list(self.shown_fields)

    def get_fields(self, request: HttpRequest, obj: _EntryT | None = None) -> tuple[str, ...]:
        if obj is None:
            return tuple(self.form._meta.fields or ())
        return self.shown_fields

    def save_model(self, request: HttpRequest, obj: _EntryT, form: Any, change: bool) -> None:
        if change:
            raise PermissionDenied  # append-only; has_change_permission says so first
        entry = self.entry_create(request, obj, form)
        # The admin goes on with `obj` (its history entry, the redirect): make it the saved entry.
        obj.__dict__.update(entry.__dict__)
        self.message_user(request, self.saved_message)

    @admin.display(description=_("amount"), ordering="amount_minor")
    def amount_display(self, entry: _EntryT) -> str:
        return format_money(entry.amount_minor, entry.currency)

    @admin.display(description=_("approved"), boolean=False)
    def approval(self, entry: _EntryT) -> str:
        if entry.approved_at is None:
            return str(_("waiting for a second organiser"))
        if entry.approved_by is None:
            return str(_("automatic (money received)"))
        return str(_("by %(user)s") % {"user": entry.approved_by.get_username()})

    def _receipt_url_name(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_receipt"

    @admin.display(description=_("receipt"))
    def receipt_link(self, entry: _EntryT) -> SafeString | str:
        if not entry.receipt:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse(f"admin:{self._receipt_url_name()}", args=[entry.pk]),
            _("download"),
        )

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/receipt/", view(self.receipt_view), name=self._receipt_url_name()),
            *super().get_urls(),
        ]

    def receipt_view(self, request: HttpRequest, pk: int) -> FileResponse:
        entry = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, entry) or not entry.receipt:
            raise PermissionDenied
        audit_log(
            action="ledger.receipt_viewed",
            actor=request.user,
            obj=entry,
            organisation=entry.organisation(),
        )
        try:
            handle = entry.receipt.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(handle, as_attachment=True)
        return private_response(response)

    @admin.action(description=_("Approve selected entries (four eyes)"))
    def approve(self, request: HttpRequest, queryset: QuerySet[_EntryT]) -> None:
        approved, refused = 0, []
        for entry in queryset.filter(approved_at__isnull=True):
            if not self.may_act_on(request, entry):
                refused.append(str(self.not_yours_message))
                continue
            try:
                ledger_entry_approve(entry=entry, actor=staff_user(request))
                approved += 1
            except LedgerError as exc:
                refused.append(str(exc))
        if approved:
            self.message_user(
                request,
                ngettext("%(count)d entry approved.", "%(count)d entries approved.", approved)
                % {"count": approved},
                messages.SUCCESS,
            )
        for reason in dict.fromkeys(refused):
            self.message_user(request, reason, messages.ERROR)

    @admin.action(description=_("Reverse selected entries (a correcting entry)"))
    def reverse(self, request: HttpRequest, queryset: QuerySet[_EntryT]) -> None:
        done = 0
        for entry in queryset.filter(approved_at__isnull=False, corrects__isnull=True):
            if not self.may_act_on(request, entry):
                continue
            try:
                self.entry_reverse(entry, staff_user(request))
                done += 1
            except LedgerError as exc:
                self.message_user(request, str(exc), messages.ERROR)
        self.message_user(
            request,
            ngettext(
                "%(count)d correcting entry created; it waits for a second organiser.",
                "%(count)d correcting entries created; they wait for a second organiser.",
                done,
            )
            % {"count": done},
        )
