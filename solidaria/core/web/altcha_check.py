"""Self-hosted proof of work (the ALTCHA protocol, verified with the `altcha` package).

The browser asks for a challenge, our own script (static/solidaria/pow.js)
finds the number whose SHA-256 matches, and the form carries the solution.
Each solved challenge is accepted once: its signature is remembered until it
expires, so a solution cannot be replayed.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json

from altcha.v1 import ChallengeOptions as ChallengeOptionsV1
from altcha.v1 import create_challenge as create_challenge_v1
from altcha.v1 import verify_solution as verify_solution_v1
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

CHALLENGE_SECONDS = 600


def _key() -> str:
    return f"altcha:{settings.SECRET_KEY}"


def altcha_challenge() -> dict[str, object]:
    challenge = create_challenge_v1(
        ChallengeOptionsV1(
            hmac_key=_key(),
            max_number=getattr(settings, "ALTCHA_MAX_NUMBER", 50_000),
            expires=timezone.now() + datetime.timedelta(seconds=CHALLENGE_SECONDS),
        )
    )
    return dict(challenge.to_dict())


def altcha_verify(payload: str) -> bool:
    """True for a valid, unexpired solution seen for the first time."""
    try:
        ok, _error = verify_solution_v1(payload, _key(), check_expires=True)
    except (ValueError, TypeError, KeyError, binascii.Error):
        return False
    if not ok:
        return False
    try:
        signature = json.loads(base64.b64decode(payload))["signature"]
    except (ValueError, KeyError, TypeError):
        return False
    # cache.add is atomic: only the first use of a solution succeeds.
    return bool(cache.add(f"altcha-used:{signature}", 1, CHALLENGE_SECONDS + 60))
