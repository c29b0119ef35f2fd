"""The query parameters a page's links to itself in other languages carry over.

Every page repeats its own address eight times (the `hreflang` alternates and the
language switcher). Copied as it came, the query string let anyone make any page
as large as the address they typed: a 60 KB `?tz=` made the event page 515 KB.
Only the parameters public pages read are carried, each only with a value the
page would accept, so these links stay short whatever the address.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlencode
from zoneinfo import available_timezones

from django.http import QueryDict

# The day of action's search reads at most this much of `q`.
SEARCH_MAX_LENGTH = 100

# A validator returns the value to carry (possibly normalised), or None to drop it.
Validator = Callable[[str], str | None]

_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_CURRENCY = re.compile(r"[A-Z]{3}")
_REFERRAL_CODE = re.compile(r"[0-9a-z]{1,16}")  # base 36 and a hex tag (petitions.models)
_PROVINCE = re.compile(r"AR-[A-Z]")  # cooperatives.models.PROVINCES
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _positive_integer(value: str) -> str | None:
    if value.isascii() and value.isdigit() and len(value) <= 9 and int(value) > 0:
        return str(int(value))
    return None


def _search(value: str) -> str | None:
    # As the page reads it: trimmed and cut to its length.
    return value.strip()[:SEARCH_MAX_LENGTH] or None


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    # Every IANA name: the event page narrows that further itself.
    return frozenset(available_timezones())


def _time_zone(value: str) -> str | None:
    return value if len(value) <= 64 and value in _zone_names() else None


def _slug(max_length: int) -> Validator:
    def validate(value: str) -> str | None:
        return value if len(value) <= max_length and _SLUG.fullmatch(value) else None

    return validate


def _text(max_length: int) -> Validator:
    def validate(value: str) -> str | None:
        if len(value) > max_length or _CONTROL_CHARACTERS.search(value):
            return None
        return value or None

    return validate


def _matching(pattern: re.Pattern[str]) -> Validator:
    def validate(value: str) -> str | None:
        return value if len(value) <= 64 and pattern.fullmatch(value) else None

    return validate


def _exactly(expected: str) -> Validator:
    def validate(value: str) -> str | None:
        return value if value == expected else None

    return validate


# Every parameter a public page reads (`request.GET` in the apps' views), with
# the values its page accepts. Anything else in a query string is not carried.
CARRIED_PARAMETERS: dict[str, Validator] = {
    "page": _positive_integer,  # lists of campaigns
    "q": _search,  # day of action: search by city or country; cooperatives: name or city
    "sector": _slug(16),  # cooperatives: the directory's sector
    "province": _matching(_PROVINCE),  # cooperatives: the directory's province
    "tz": _time_zone,  # event: times shown in the visitor's zone
    "currency": _matching(_CURRENCY),  # fund: the currency to give in
    "source": _slug(64),  # petition, fund: where a visitor came from
    "ref": _matching(_REFERRAL_CODE),  # petition: the signer who shared the link
    "partner": _slug(80),  # petition: the partner organisation that shared it
    "cancelled": _exactly("1"),  # fund: back from a cancelled card payment
    "instance": _text(253),  # share on Mastodon: the visitor's server
    "text": _text(1000),  # share on Mastodon: what to post
}


def carried_query(query: QueryDict) -> str:
    """The encoded query string (without `?`) that links to this page in another
    language keep: the allowed parameters with valid values, nothing else."""
    carried = {}
    for name, validate in CARRIED_PARAMETERS.items():
        value = query.get(name)  # the last one, as the views read it
        if value is not None and (valid := validate(value)) is not None:
            carried[name] = valid
    return urlencode(carried)
