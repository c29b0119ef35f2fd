from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from solidaria.core.rendering.money import Money, convert, format_money, parse_amount


@pytest.mark.parametrize(
    ("text", "currency", "language", "minor"),
    [
        ("25", "USD", "en", 2500),
        ("25.50", "USD", "en", 2550),
        ("1,000.50", "USD", "en", 100050),
        ("25,50", "EUR", "de", 2550),
        ("1.000,50", "ARS", "es", 100050),
        ("1.000", "ARS", "es", 100000),
        ("$ 10", "ARS", "es", 1000),
        (" 7 ", "GBP", "fr", 700),
    ],
)
def test_amounts_are_read_in_the_visitors_notation(
    text: str, currency: str, language: str, minor: int
) -> None:
    assert parse_amount(text, currency, language=language) == minor


@pytest.mark.parametrize(
    "text", ["0", "-5", "0,00", "abc", "", "1e5", "NaN", "Infinity", "25.505", "9" * 30, "1..2"]
)
def test_bad_amounts_are_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_amount(text, "USD", language="en")


@given(st.text(max_size=40), st.sampled_from(["en", "es", "pt", "fr", "de"]))
def test_parsing_never_fails_with_anything_but_a_validation_error(text: str, language: str) -> None:
    try:
        minor = parse_amount(text, "EUR", language=language)
    except ValidationError:
        return
    assert isinstance(minor, int) and 0 < minor <= 10**13


def test_conversion_rounds_half_to_even_in_minor_units() -> None:
    assert convert(100000, "ARS", into="USD", rate=Decimal("0.001")) == 100  # 1,000 ARS → 1 USD
    assert convert(1, "EUR", into="USD", rate=Decimal("0.5")) == 0  # 0.005 → 0.00 (even)
    assert convert(3, "EUR", into="USD", rate=Decimal("0.5")) == 2  # 0.015 → 0.02 (even)


def test_money_is_formatted_per_language_and_never_mixed() -> None:
    assert format_money(123456, "EUR", language="de") == "1.234,56\xa0€"
    assert format_money(123456, "USD", language="en") == "$1,234.56"
    assert (Money(100, "USD") + Money(250, "USD")).minor == 350
    with pytest.raises(ValueError):
        Money(100, "USD") + Money(100, "EUR")
