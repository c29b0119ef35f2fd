"""Money: whole numbers of minor units (cents, centavos) with an ISO 4217 code.

Never floats. Amounts typed by people are parsed with the conventions of their
language ("1.000,50" in Spanish, "1,000.50" in English) and shown with Babel.
Conversions between currencies go through `convert`, the one rounding rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from babel.numbers import NumberFormatError, format_currency, get_currency_precision
from babel.numbers import parse_decimal as babel_parse_decimal
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# Currencies gifts can be made in; settings.CURRENCIES may narrow or extend it.
DEFAULT_CURRENCIES = ("ARS", "USD", "EUR", "BRL", "GBP")
# Digits and the separators people use; no exponents, no words.
AMOUNT_CHARACTERS = re.compile(r"-?[0-9][0-9.,' ]*")
# Far above any gift, far below what a 64-bit column holds.
MAX_MINOR_UNITS = 10**13


def currencies() -> tuple[str, ...]:
    return tuple(getattr(settings, "CURRENCIES", DEFAULT_CURRENCIES))


def currency_choices() -> list[tuple[str, str]]:
    return [(code, code) for code in currencies()]


def minor_digits(currency: str) -> int:
    return int(get_currency_precision(currency))


def to_major(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-minor_digits(currency))


def to_minor(amount: Decimal, currency: str) -> int:
    """An exact amount in minor units; refuses fractions of a cent rather than round them."""
    if not amount.is_finite() or abs(amount) >= MAX_MINOR_UNITS:
        raise ValidationError(_("That amount is too large."), code="too_large")
    scaled = amount.scaleb(minor_digits(currency))
    if scaled != scaled.to_integral_value():
        raise ValidationError(
            _("%(currency)s amounts have at most %(digits)s decimals."),
            code="precision",
            params={"currency": currency, "digits": minor_digits(currency)},
        )
    return int(scaled)


def parse_amount(text: str, currency: str, *, language: str | None = None) -> int:
    """What a person typed, in their language's notation, as minor units of `currency`."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    cleaned = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    for symbol in (currency, "$", "€", "£", "R$", "US$"):
        cleaned = cleaned.replace(symbol, "")
    cleaned = cleaned.strip()
    try:
        if not AMOUNT_CHARACTERS.fullmatch(cleaned):
            raise ValueError(cleaned)
        amount = babel_parse_decimal(cleaned, locale=language, strict=True)
    except (NumberFormatError, InvalidOperation, ValueError) as exc:
        raise ValidationError(
            _("Write the amount as a number, for example %(example)s."),
            code="invalid",
            params={"example": format_number_example(currency, language)},
        ) from exc
    if not amount.is_finite():
        raise ValidationError(_("Write the amount as a number."), code="invalid")
    minor = to_minor(amount, currency)
    if minor <= 0:
        raise ValidationError(_("The amount must be more than zero."), code="not_positive")
    if minor > MAX_MINOR_UNITS:
        raise ValidationError(_("That amount is too large."), code="too_large")
    return minor


def format_number_example(currency: str, language: str) -> str:
    from babel.numbers import format_decimal

    return str(
        format_decimal(to_major(2550, currency), locale=language, format="#,##0.00")
        if minor_digits(currency)
        else format_decimal(25, locale=language)
    )


def format_money(minor: int, currency: str, *, language: str | None = None) -> str:
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    return str(format_currency(to_major(minor, currency), currency, locale=language))


def convert(minor: int, currency: str, *, into: str, rate: Decimal) -> int:
    """`minor` units of `currency` in `into`, at `rate` units of `into` per unit of
    `currency`, rounded half to even to the nearest minor unit of `into`."""
    major = to_major(minor, currency) * rate
    return int(major.scaleb(minor_digits(into)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


@dataclass(frozen=True)
class Money:
    minor: int
    currency: str

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise ValueError(f"cannot add {other.currency} to {self.currency}")
        return Money(self.minor + other.minor, self.currency)

    def __str__(self) -> str:
        return format_money(self.minor, self.currency)

    @property
    def major(self) -> Decimal:
        return to_major(self.minor, self.currency)
