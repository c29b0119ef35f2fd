"""The order forms of a buying round, built from its items: a quantity per item (per
variant where the product has variants), the prices the buyer saw (hidden), and
the delivery (a pickup point of this round, or an address in its country).

The public order form sits on the cached round page, so it carries the hourly form
token, a honeypot and an optional proof of work instead of Django's CSRF token
(`GuardedForm`). The private order page's form is Django's usual, with its CSRF
token. The forms check the shape of what was sent; the ordering services check
the rules again, with the same limits, and refuse in the buyer's language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_stubs_ext import StrOrPromise

from solidaria.core.rendering.i18n import localize
from solidaria.core.validators import validate_no_control_characters
from solidaria.core.web import widgets
from solidaria.core.web.formguard import form_token
from solidaria.core.web.forms import (
    CountryChoiceField,
    GuardedForm,
    PublicForm,
    email_field,
    full_name_field,
)

from .models import DIRECTORY_LANGUAGES, Order, Round
from .ordering import (
    ADDRESS_MAX,
    CITY_MAX,
    POSTCODE_MAX,
    QUANTITY_MAX,
    DeliveryRequest,
    LineRequest,
    card_payment_offered,
    price_field_name,
    quantity_field_name,
)
from .rounds import RoundPage

# Any: Django's form signatures: options passed through as *args/**kwargs, and
# cleaned data holding each field's own type.

TEXT = [validate_no_control_characters]
SHIPPING_PRICE_FIELD = "p_shipping"


def order_token_scope(round: Round) -> str:
    """The scope of the order form's token (`core.web.formguard`)."""
    return f"round-order:{round.pk}"


def quantity_field(most: int) -> forms.IntegerField:
    """A quantity, 0 to QUANTITY_MAX; the browser is told `most` (what is left), and
    the form's own check says how many are left."""
    return forms.IntegerField(
        required=False,
        min_value=0,
        max_value=QUANTITY_MAX,
        error_messages={
            "invalid": _("Enter a whole number, such as 1 or 2."),
            "min_value": _("Enter 0 or more: 0 means you do not order it."),
            "max_value": _("You can order at most %(limit_value)s of this."),
        },
        widget=widgets.NumberInput(
            attrs={"min": 0, "max": most, "step": 1, "inputmode": "numeric"}
        ),
    )


class OrderFieldsMixin:
    """The quantity, price and delivery fields of a round's order, and what they mean."""

    fields: dict[str, Any]
    cleaned_data: dict[str, Any]
    page: RoundPage

    if TYPE_CHECKING:  # a Form's, which the mixin is always combined with

        def add_error(self, field: str | None, error: Any) -> None: ...

    def _add_order_fields(self, page: RoundPage) -> None:
        self.page = page
        self.quantity_names: list[str] = []
        self.price_names: list[str] = []
        for offer in page.offers:
            left = offer.item.left
            most = QUANTITY_MAX if left is None else max(min(QUANTITY_MAX, left), 0)
            item_id = offer.item.pk
            if offer.has_variants:
                for variant in offer.variants:
                    name = quantity_field_name(item_id, variant.pk)
                    self.fields[name] = quantity_field(most)
                    self.quantity_names.append(name)
            else:
                name = quantity_field_name(item_id)
                self.fields[name] = quantity_field(most)
                self.quantity_names.append(name)
            price = price_field_name(item_id)
            self.fields[price] = forms.IntegerField(required=False, widget=widgets.HiddenInput)
            self.price_names.append(price)
        self.fields[SHIPPING_PRICE_FIELD] = forms.IntegerField(
            required=False, widget=widgets.HiddenInput
        )
        round = page.round
        languages = round.organisation.languages
        self.fields["pickup_point"] = forms.TypedChoiceField(
            label=_("Pickup point"),
            coerce=int,
            required=False,
            choices=[("", "—")]
            + [
                (
                    point.pk,
                    f"{point.name}, {point.address}, {point.city}"
                    + (
                        f" ({localize(point.opening_hours, languages=languages)})"
                        if localize(point.opening_hours, languages=languages)
                        else ""
                    ),
                )
                for point in page.pickup_points
            ],
            error_messages={"invalid_choice": _("Choose one of this round's pickup points.")},
            widget=widgets.Select,
        )
        choices: list[tuple[str, StrOrPromise]] = []
        if page.pickup_points:
            choices.append((Order.Delivery.PICKUP.value, _("I collect it at a pickup point")))
        if round.ships and round.shipping_fee is not None:
            choices.append(
                (
                    Order.Delivery.SHIPPING.value,
                    _("Send it to me (%(fee)s)") % {"fee": round.shipping_fee},
                )
            )
        self.fields["delivery"] = forms.ChoiceField(
            label=_("Delivery"),
            choices=choices,
            widget=widgets.RadioSelect,
            error_messages={
                "required": _("Choose how you get your order."),
                "invalid_choice": _("Choose how you get your order."),
            },
        )
        self.fields["address"] = forms.CharField(
            label=_("Street and number"),
            max_length=ADDRESS_MAX,
            required=False,
            validators=TEXT,
            widget=widgets.TextInput,
        )
        self.fields["postcode"] = forms.CharField(
            label=_("Postcode"),
            max_length=POSTCODE_MAX,
            required=False,
            validators=TEXT,
            widget=widgets.TextInput,
        )
        self.fields["city"] = forms.CharField(
            label=_("City"),
            max_length=CITY_MAX,
            required=False,
            validators=TEXT,
            widget=widgets.TextInput,
        )
        self.fields["country"] = CountryChoiceField(
            label=_("Country"),
            required=False,
            help_text=_("This round ships only within %(country)s.")
            % {"country": round.country.name},
        )

    def initial_order_values(self) -> dict[str, Any]:
        """The prices shown now, quantities 0, the first way of delivery, the country."""
        page = self.page
        values: dict[str, Any] = {
            price_field_name(item_id): price for item_id, price in page.prices.items()
        }
        values[SHIPPING_PRICE_FIELD] = page.round.shipping_fee_minor
        values["country"] = str(page.round.country)
        values.update(dict.fromkeys(self.quantity_names, 0))
        delivery = self.fields["delivery"]
        if delivery.choices:  # pickup first, when there is a pickup point
            values["delivery"] = delivery.choices[0][0]
        if len(page.pickup_points) == 1:
            values["pickup_point"] = page.pickup_points[0].pk
        return values

    def rows(self) -> list[dict[str, Any]]:
        """The items with their quantity fields, for the template: each offer and a
        list of {"label": the variant's name or "", "field", "available"}."""
        form: Any = self  # a Form: its fields are bound by indexing
        rows = []
        for offer in self.page.offers:
            item_id = offer.item.pk
            orderable = offer.orderable
            if offer.has_variants:
                fields = [
                    {
                        "label": str(localize(variant.name, languages=DIRECTORY_LANGUAGES)),
                        "field": form[quantity_field_name(item_id, variant.pk)],
                        "available": orderable and variant.available,
                    }
                    for variant in offer.variants
                ]
            else:
                fields = [
                    {
                        "label": "",
                        "field": form[quantity_field_name(item_id)],
                        "available": orderable,
                    }
                ]
            rows.append({"offer": offer, "fields": fields})
        return rows

    def price_fields(self) -> list[Any]:
        """The hidden prices (and shipping fee) the buyer sees, as bound fields."""
        form: Any = self
        return [form[name] for name in [*self.price_names, SHIPPING_PRICE_FIELD]]

    def clean_order(self, cleaned: dict[str, Any]) -> None:
        """Nothing ordered, more than is left, or a delivery half filled in: an error
        on the field it concerns, or on the form."""
        ordered = False
        for offer in self.page.offers:
            left = offer.item.left
            names = (
                [quantity_field_name(offer.item.pk, v.pk) for v in offer.variants]
                if offer.has_variants
                else [quantity_field_name(offer.item.pk)]
            )
            total = sum(cleaned.get(name) or 0 for name in names)
            ordered = ordered or total > 0
            product = str(localize(offer.item.product.name, languages=DIRECTORY_LANGUAGES))
            if total and offer.withdrawn:
                self.add_error(
                    names[0],
                    _("“%(product)s” has been withdrawn: it can no longer be ordered.")
                    % {"product": product},
                )
                continue
            for variant in offer.variants:
                name = quantity_field_name(offer.item.pk, variant.pk)
                if cleaned.get(name) and not variant.available:
                    self.add_error(
                        name,
                        _("“%(product)s” is no longer offered in “%(variant)s”.")
                        % {
                            "product": product,
                            "variant": localize(variant.name, languages=DIRECTORY_LANGUAGES),
                        },
                    )
            if left is not None and total > left:
                message = (
                    _("This is sold out.")
                    if left == 0
                    else ngettext_lazy("Only %(left)s is left.", "Only %(left)s are left.", left)
                    % {"left": left}
                )
                self.add_error(names[-1], message)
        if not ordered and not any(name in self.errors for name in self.quantity_names):  # type: ignore[attr-defined]
            self.add_error(
                None, _("Your order is empty: enter how many you want of at least one item.")
            )
        delivery = cleaned.get("delivery")
        if (
            delivery == Order.Delivery.PICKUP
            and not cleaned.get("pickup_point")
            and "pickup_point" not in self.errors  # type: ignore[attr-defined]
        ):
            self.add_error("pickup_point", _("Choose one of this round's pickup points."))
        if delivery == Order.Delivery.SHIPPING:
            for name, message in (
                ("address", _("Enter the street and number to ship to.")),
                ("postcode", _("Enter the postcode.")),
                ("city", _("Enter the city.")),
            ):
                if name in cleaned and not cleaned[name].strip():
                    self.add_error(name, message)
            country = cleaned.get("country")
            if "country" in cleaned and country != str(self.page.round.country):
                self.add_error(
                    "country",
                    _("This round ships only within %(country)s.")
                    % {"country": self.page.round.country.name},
                )

    def lines(self) -> list[LineRequest]:
        """The lines asked for; 0 (or nothing) means "not ordered"."""
        lines = []
        for offer in self.page.offers:
            variants: Sequence[int | None] = (
                [v.pk for v in offer.variants] if offer.has_variants else [None]
            )
            for variant_id in variants:
                quantity = self.cleaned_data.get(quantity_field_name(offer.item.pk, variant_id))
                if quantity:
                    lines.append(
                        LineRequest(item_id=offer.item.pk, variant_id=variant_id, quantity=quantity)
                    )
        return lines

    def prices_seen(self) -> dict[int, int]:
        seen = {}
        for offer in self.page.offers:
            price = self.cleaned_data.get(price_field_name(offer.item.pk))
            if price is not None:
                seen[offer.item.pk] = price
        return seen

    def shipping_seen(self) -> int | None:
        value = self.cleaned_data.get(SHIPPING_PRICE_FIELD)
        return value if isinstance(value, int) else None

    def delivery(self) -> DeliveryRequest:
        cleaned = self.cleaned_data
        if cleaned.get("delivery") == Order.Delivery.SHIPPING:
            return DeliveryRequest(
                address=cleaned.get("address", ""),
                postcode=cleaned.get("postcode", ""),
                city=cleaned.get("city", ""),
                country=cleaned.get("country", ""),
            )
        return DeliveryRequest(pickup_point_id=cleaned.get("pickup_point"))

    def with_prices_of_now(self) -> None:
        """After PriceChanged: the hidden prices become today's, so that sending the
        form again confirms them."""
        form: Any = self  # a Form, whose data is a QueryDict
        data = form.data.copy()
        for item_id, price in self.page.prices.items():
            data[price_field_name(item_id)] = str(price)
        data[SHIPPING_PRICE_FIELD] = (
            ""
            if self.page.round.shipping_fee_minor is None
            else str(self.page.round.shipping_fee_minor)
        )
        form.data = data


class OrderForm(OrderFieldsMixin, GuardedForm):
    """The round page's order form, for anyone, without an account."""

    name = full_name_field()
    email = email_field(
        help_text=_("We send you the bank details and a link to your order. Nobody else sees it.")
    )
    currency = forms.CharField(max_length=3, required=False, widget=widgets.HiddenInput)
    consent_owner = forms.BooleanField(required=False, widget=widgets.CheckboxInput)

    _errors: ErrorDict | None  # Django's, set by `shows_checks_of`

    def __init__(self, *args: Any, page: RoundPage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_order_fields(page)
        # Prices are hidden too: a price that does not parse says the form is broken.
        self.hidden_field_names = (*GuardedForm.hidden_field_names, *self.price_names)
        if card_payment_offered(page.round):
            self.fields["payment"] = forms.ChoiceField(
                label=_("Payment"),
                choices=[
                    (Order.Payment.BANK.value, _("Bank transfer, with the reference we give you")),
                    (Order.Payment.CARD.value, _("Card, on Stripe's secure page, right away")),
                ],
                initial=Order.Payment.BANK.value,
                widget=widgets.RadioSelect,
                error_messages={
                    "required": _("Choose how you pay."),
                    "invalid_choice": _("Choose how you pay."),
                },
            )

    @property
    def offers_card(self) -> bool:
        return "payment" in self.fields

    @classmethod
    def blank(cls, *, page: RoundPage) -> OrderForm:
        form = cls(page=page)
        form.initial = {
            **form.initial_order_values(),
            "payment": Order.Payment.BANK.value,
            "currency": page.round.currency,
            "form_token": form_token(order_token_scope(page.round)),
        }
        return form

    def token_scope(self) -> str:
        return order_token_scope(self.page.round)

    def shows_checks_of(self, checked: OrderForm) -> None:
        """What `checked` found (the same data, checked against the items it names
        only), shown on this form over the whole round without checking it again:
        a proof of work is spent once checked."""
        self._errors = checked.errors
        self.cleaned_data = getattr(checked, "cleaned_data", {})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        currency = cleaned.get("currency") or ""
        if currency != self.page.round.currency:
            self.add_error(
                None,
                _("This round takes orders in %(currency)s only.")
                % {"currency": self.page.round.currency},
            )
        self.clean_order(cleaned)
        # Bank transfer when the round offers no choice (card_payment_offered).
        cleaned.setdefault("payment", Order.Payment.BANK.value)
        return cleaned


class OrderChangeForm(OrderFieldsMixin, PublicForm):
    """The buyer's own order page: quantities and delivery, with Django's CSRF token."""

    def __init__(
        self, *args: Any, page: RoundPage, order: Order | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._add_order_fields(page)
        if order is not None and not self.is_bound:
            self.initial = {**self.initial_order_values(), **_order_values(order)}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.clean_order(cleaned)
        return cleaned

    def clean_order(self, cleaned: dict[str, Any]) -> None:
        """As ordering, except that an order changed to nothing is the buyer's mistake
        to be told about: cancelling is its own button."""
        super().clean_order(cleaned)


def _order_values(order: Order) -> dict[str, Any]:
    values: dict[str, Any] = {
        quantity_field_name(line.item_id, line.variant_id): line.quantity
        for line in order.lines.all()
    }
    values["delivery"] = order.delivery
    values["pickup_point"] = order.pickup_point_id or ""
    values["address"] = order.address
    values["postcode"] = order.postcode
    values["city"] = order.city
    return values


class ButtonForm(forms.Form):
    """Cancelling an order: a button."""

    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
