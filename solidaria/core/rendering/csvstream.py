"""CSV exports that stream: one line at a time, so memory stays flat at any size."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """Every cell passes through `spreadsheet_safe` here, so no export can forget a column."""
    writer = csv.writer(_Echo())
    yield writer.writerow([_cell(value) for value in header])
    for row in rows:
        yield writer.writerow([_cell(value) for value in row])


# OWASP's list (CSV Injection), with LF and NUL: a cell starting with one of these is
# read as a formula, or stripped of it and the rest read as one.
_FORMULA_STARTS = frozenset("=+-@\t\r\n\0")
# Some spreadsheets also drop leading spaces on import; after them, these start a formula.
# Their full-width forms too, as a precaution: a spreadsheet that folds them to ASCII
# would read a formula.
_FORMULA_SIGNS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
# A plain decimal number, such as a negative amount, is a value, not a formula: left as it
# is so that the column still adds up. A leading + is not allowed here: "+54 11 …" is a phone
# number a spreadsheet would otherwise turn into 5.4E+11.
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def _cell(value: object) -> object:
    if value is None or isinstance(value, (bool, int, float, Decimal)):
        return value  # numbers stay numbers
    return spreadsheet_safe(str(value))


def spreadsheet_safe(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: neutralise them.

    A leading apostrophe makes a spreadsheet show the rest as text; it is not itself
    a formula start, so passing a value through twice adds it once.
    """
    if not value:
        return value
    if value[0] not in _FORMULA_STARTS and value.lstrip()[:1] not in _FORMULA_SIGNS:
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value
