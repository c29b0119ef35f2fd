"""Personal data at rest: authenticated encryption and blind indexes.

Every personal value (a name, an email address, a phone number) is stored as
``pii1.<key id>.<base64(nonce | ciphertext)>``, encrypted with AES-256-GCM under
a key derived from ``settings.PII_KEY``. The column it lives in is bound into
the ciphertext as associated data, so a value copied into another column does
not decrypt. Equality look-ups (is this email already a supporter?) use a
*blind index*: an HMAC-SHA256 of the normalised value under a second derived
key. A database dump without the key therefore shows no person.

Rotation: set the new key as ``PII_KEY`` and the old one in ``PII_OLD_KEYS``;
values under old keys still decrypt, look-ups try every key's index, and the
``rotate_pii_key`` command re-encrypts in batches.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "pii1"
NONCE_BYTES = 12


class PiiDecryptionError(Exception):
    """A stored value could not be decrypted (unknown key, or tampered with)."""


@dataclass(frozen=True)
class PiiKey:
    key_id: str
    aead: AESGCM
    index_key: bytes


@dataclass(frozen=True)
class Keyring:
    current: PiiKey
    all: tuple[PiiKey, ...]

    def by_id(self, key_id: str) -> PiiKey:
        for key in self.all:
            if key.key_id == key_id:
                return key
        raise PiiDecryptionError(f"no configured PII key has the id {key_id}")


def _derive(secret: bytes, purpose: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"solidaria:{purpose}".encode()
    ).derive(secret)


def _decode_secret(value: str) -> bytes:
    try:
        secret = base64.urlsafe_b64decode(value.encode() + b"=" * (-len(value) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured("PII_KEY must be url-safe base64 of 32 random bytes.") from exc
    if len(secret) < 32:
        raise ImproperlyConfigured("PII_KEY must hold at least 32 random bytes (base64).")
    return secret


def _make_key(value: str) -> PiiKey:
    secret = _decode_secret(value)
    return PiiKey(
        key_id=_derive(secret, "key-id")[:4].hex(),
        aead=AESGCM(_derive(secret, "encryption")),
        index_key=_derive(secret, "blind-index"),
    )


@lru_cache(maxsize=4)
def _keyring(current: str, old: tuple[str, ...]) -> Keyring:
    if not current:
        raise ImproperlyConfigured("PII_KEY is not set.")
    current_key = _make_key(current)
    return Keyring(current=current_key, all=(current_key, *(_make_key(k) for k in old if k)))


def keyring() -> Keyring:
    return _keyring(settings.PII_KEY, tuple(settings.PII_OLD_KEYS))


def generate_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def encrypt(plaintext: str, *, context: str) -> str:
    key = keyring().current
    nonce = os.urandom(NONCE_BYTES)
    sealed = key.aead.encrypt(nonce, plaintext.encode(), context.encode())
    return f"{PREFIX}.{key.key_id}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def decrypt(token: str, *, context: str) -> str:
    try:
        prefix, key_id, payload = token.split(".", 2)
        raw = base64.urlsafe_b64decode(payload.encode())
    except (ValueError, binascii.Error) as exc:
        raise PiiDecryptionError("not an encrypted value") from exc
    if prefix != PREFIX or len(raw) <= NONCE_BYTES:
        raise PiiDecryptionError("not an encrypted value")
    key = keyring().by_id(key_id)
    try:
        return key.aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode()).decode()
    except InvalidTag as exc:
        raise PiiDecryptionError("the value was altered or belongs to another column") from exc


def key_id_of(token: str) -> str:
    return token.split(".", 2)[1] if token.startswith(PREFIX + ".") else ""


def normalise_email(email: str) -> str:
    """The form of an address used for de-duplication: trimmed, NFKC, case-folded.

    The local part is case-folded too: providers that distinguish case there are
    vanishingly rare, while people who type their address differently are not.
    """
    email = unicodedata.normalize("NFKC", email).strip()
    local, _, domain = email.rpartition("@")
    if not local:
        return email.casefold()
    with contextlib.suppress(UnicodeError):  # not a valid IDN: keep it as typed
        domain = domain.encode("idna").decode("ascii")
    return f"{local.casefold()}@{domain.casefold()}"


def normalise_phone(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit() or ch == "+")


def _index(key: PiiKey, value: str, kind: str) -> str:
    message = f"{kind}\x00{value}".encode()
    return hmac.new(key.index_key, message, hashlib.sha256).hexdigest()


def blind_index(value: str, *, kind: str) -> str:
    """The index under the current key. `value` must already be normalised."""
    return _index(keyring().current, value, kind)


def blind_indexes(value: str, *, kind: str) -> list[str]:
    """The index under every configured key, for look-ups while a rotation runs."""
    return [_index(key, value, kind) for key in keyring().all]


def email_index(email: str) -> str:
    return blind_index(normalise_email(email), kind="email")


def email_indexes(email: str) -> list[str]:
    return blind_indexes(normalise_email(email), kind="email")


def ip_hash(ip: str) -> str:
    """A keyed hash of a client address, for rate limits. Never store the address itself."""
    return blind_index(ip.strip(), kind="ip")


def email_domain_index(email: str) -> str:
    return blind_index(normalise_email(email).rpartition("@")[2], kind="email-domain")
