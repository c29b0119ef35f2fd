"""Bank transfers: the reference a payer writes on a transfer, and finding those
references in a bank statement. One mechanism for every app that is paid by
transfer (a fund's pledges, a buying round's orders); each app has its own prefix.

A reference is a prefix and eight characters with no 0/O, 1/I/L or U, so that it
survives being read out or retyped; banks' statements may drop the dash or
change the case, and it is still found. A statement is any CSV a bank exports:
the reference is looked for in every cell, and a column named amount (importe,
monto, Betrag…) gives the amount, in either decimal notation.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Generic, TypeVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from solidaria.core.rendering.money import to_minor

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_LENGTH = 8

STATEMENT_AMOUNT = re.compile(r"[-+]?[0-9][0-9.,']{0,20}")
AMOUNT_HEADERS = ("amount", "importe", "monto", "valor", "montant", "betrag", "credit", "crédito")

# An amount column whose cell cannot be read: the payment is left for a person.
UNREADABLE = -1


class StatementUnreadable(Exception):
    """The file is not a CSV statement; the message is for the organiser."""


def new_reference(prefix: str) -> str:
    """A fresh reference; the caller stores it under a unique constraint and draws
    again on the rare clash."""
    return f"{prefix}-" + "".join(
        secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH)
    )


@lru_cache(maxsize=8)
def reference_pattern(prefix: str) -> re.Pattern[str]:
    return re.compile(
        rf"\b{re.escape(prefix)}[- ]?([{REFERENCE_ALPHABET}]{{{REFERENCE_LENGTH}}})\b",
        re.IGNORECASE,
    )


@dataclass(frozen=True)
class StatementLine:
    """A statement row that names one of the prefix's references."""

    reference: str
    row: dict[str, str]

    def amount_minor(self, currency: str) -> int | None:
        """The row's amount in minor units, None without an amount column, or UNREADABLE."""
        for header, value in self.row.items():
            if header and header.strip().lower() in AMOUNT_HEADERS and value:
                return _amount(value, currency)
        return None


def _amount(value: str, currency: str) -> int:
    text = value.strip().replace(" ", "")
    if not STATEMENT_AMOUNT.fullmatch(text):
        return UNREADABLE
    # Either notation: the last separator is the decimal one.
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal_mark == "," else ",", "")
        text = text.replace(",", ".")
    elif "," in text:
        text = text.replace(",", ".")
    try:
        return to_minor(Decimal(text), currency)
    except (InvalidOperation, ValidationError):
        return UNREADABLE


@dataclass
class Statement:
    lines: list[StatementLine]
    rows_without_reference: int


def statement_read(data: bytes, *, prefix: str) -> Statement:
    """The rows of a bank statement that name a reference with `prefix`, each
    reference once (the first row naming it), in the file's order."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    pattern = reference_pattern(prefix)
    lines: list[StatementLine] = []
    without = 0
    seen: set[str] = set()
    try:
        for row in _rows(text, dialect):
            cells = " ".join(str(v) for v in row.values() if isinstance(v, str))
            match = pattern.search(cells)
            if not match:
                without += 1
                continue
            reference = f"{prefix}-{match.group(1).upper()}"
            if reference not in seen:
                seen.add(reference)
                lines.append(StatementLine(reference, row))
    except csv.Error as exc:
        raise StatementUnreadable(_("This file could not be read as CSV.")) from exc
    return Statement(lines, without)


def _rows(text: str, dialect: type[csv.Dialect] | csv.Dialect) -> Iterator[dict[str, str]]:
    yield from csv.DictReader(io.StringIO(text), dialect=dialect)


Payment = TypeVar("Payment")  # a fund's pledge, a round's order


@dataclass
class Reconciliation(Generic[Payment]):
    """What a statement did to an app's payments, as its console shows it."""

    received: list[Payment] = field(default_factory=list)
    already: list[Payment] = field(default_factory=list)  # paid or cancelled before
    # (payment, the statement's amount in minor units, or None if unreadable)
    amount_differs: list[tuple[Payment, int | None]] = field(default_factory=list)
    unknown_references: list[str] = field(default_factory=list)
    rows_without_reference: int = 0

    def to_mark(
        self,
        line: StatementLine,
        payment: Payment | None,
        *,
        waiting: bool,
        expected_minor: int,
        currency: str,
    ) -> bool:
        """Files a statement line under what it says of `payment` (the app's row for
        its reference, None if there is none); True if the payment is to be marked
        received, which the app does through its own service."""
        if payment is None:
            self.unknown_references.append(line.reference)
            return False
        if not waiting:
            self.already.append(payment)
            return False
        amount = line.amount_minor(currency)
        if amount is not None and amount != expected_minor:
            self.amount_differs.append((payment, None if amount == UNREADABLE else amount))
            return False
        return True

    def counts(self) -> dict[str, int]:
        """For the audit log: how many of each, nobody named."""
        return {
            "received": len(self.received),
            "already": len(self.already),
            "amount_differs": len(self.amount_differs),
            "unknown": len(self.unknown_references),
        }
