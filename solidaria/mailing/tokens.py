"""Tokens naming one recipient of one mailing, keyed so they cannot be forged.

The same shape serves the unsubscribe link and the bounce address (VERP), each
with its own key: `<recipient id>-<24 hex digits of HMAC-SHA256>`. Lower-case
hex, since mail servers may fold an address's case. Links keep working across a
SECRET_KEY rotation while the old key is in SECRET_KEY_FALLBACKS.
"""

from __future__ import annotations

import hmac
import re
from typing import Protocol

from django.conf import settings
from django.utils.crypto import salted_hmac

_UNSUBSCRIBE = "solidaria.mailing.unsubscribe"
_BOUNCE = "solidaria.mailing.bounce"
_TOKEN = re.compile(r"^(\d{1,19})-([0-9a-f]{24})$")


class HasPk(Protocol):
    pk: int


def _sign(salt: str, recipient_id: int, secret: str | None = None) -> str:
    digest = salted_hmac(salt, str(recipient_id), secret=secret, algorithm="sha256")
    return digest.hexdigest()[:24]


def _make(salt: str, recipient: HasPk) -> str:
    return f"{recipient.pk}-{_sign(salt, recipient.pk)}"


def _read(salt: str, token: str) -> int | None:
    """The recipient id a genuine token names, or None."""
    match = _TOKEN.match(token.strip().lower())
    if match is None:
        return None
    recipient_id = int(match.group(1))
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        if hmac.compare_digest(_sign(salt, recipient_id, secret), match.group(2)):
            return recipient_id
    return None


def unsubscribe_token(recipient: HasPk) -> str:
    return _make(_UNSUBSCRIBE, recipient)


def unsubscribe_recipient_id(token: str) -> int | None:
    return _read(_UNSUBSCRIBE, token)


def bounce_address(recipient: HasPk | None) -> str:
    """The envelope sender of a recipient's message: `bounces+<token>@domain` when a
    bounce mailbox is configured (MAILING_BOUNCE_ADDRESS), else the site's sender."""
    mailbox: str = getattr(settings, "MAILING_BOUNCE_ADDRESS", "")
    if not mailbox or recipient is None:
        return settings.DEFAULT_FROM_EMAIL
    local, _at, domain = mailbox.rpartition("@")
    return f"{local}+{_make(_BOUNCE, recipient)}@{domain}"


def bounce_recipient_id(address: str) -> int | None:
    """The recipient a bounce was addressed back to, if the address is one of ours."""
    mailbox: str = getattr(settings, "MAILING_BOUNCE_ADDRESS", "")
    if not mailbox:
        return None
    local, _at, domain = mailbox.lower().rpartition("@")
    address = address.strip().strip("<>").lower()
    prefix, suffix = f"{local}+", f"@{domain}"
    if not (address.startswith(prefix) and address.endswith(suffix)):
        return None
    return _read(_BOUNCE, address[len(prefix) : -len(suffix)])
