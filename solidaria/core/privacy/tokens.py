"""The secret tokens in emailed links (confirm a signature, manage a monthly gift).

Only a token's hash is stored, for look-up: a leaked database opens no link. A
token is long and random, so a plain SHA-256 is enough, without salt or key.
The hash must never change: links already sent are checked against it.
"""

from __future__ import annotations

import hashlib
import secrets


def token_hash(token: str) -> str:
    """The hex SHA-256 of a token, as stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh token for an emailed link, and the hash to store."""
    token = secrets.token_urlsafe(24)
    return token, token_hash(token)
