"""Cross-site request protection for forms on cached public pages.

Django's CSRF token is per visitor, so a page that carries it cannot be shared
from a cache. Public forms (signing a petition) use two checks instead:

- the browser's Origin header (or, lacking it, Referer) must be this site:
  a form posted from another site is refused;
- a form token, the same for every visitor of one form during an hour,
  proves the form was fetched from us recently and is checked server-side.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import urlparse

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from solidaria.core.web.middleware import private_response

TOKEN_PERIOD_SECONDS = 3600


def _token(scope: str, period: int) -> str:
    key = hashlib.sha256(f"solidaria-form-token:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, f"{scope}:{period}".encode(), hashlib.sha256).hexdigest()[:32]


def form_token(scope: str) -> str:
    return _token(scope, int(time.time()) // TOKEN_PERIOD_SECONDS)


def form_token_valid(scope: str, token: str) -> bool:
    """Accepts this period's token and the previous one (a form left open for a while)."""
    period = int(time.time()) // TOKEN_PERIOD_SECONDS
    # Compared as bytes: compare_digest refuses text that is not ASCII (a forged token).
    given = (token or "").encode()
    return any(hmac.compare_digest(given, _token(scope, p).encode()) for p in (period, period - 1))


def form_token_refusal(scope: str, token: str) -> str | None:
    """Why a form sent with `token` is refused, in the visitor's language; None if the
    token is valid."""
    if form_token_valid(scope, token):
        return None
    return _("This form is too old. Please check your details and send it again.")


def same_origin(request: HttpRequest) -> bool:
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if not origin or origin == "null":
        return False
    parsed = urlparse(origin)
    allowed = {request.get_host(), *[urlparse(o).netloc for o in settings.CSRF_TRUSTED_ORIGINS]}
    return parsed.netloc in allowed


def cross_site_refusal(request: HttpRequest) -> HttpResponse | None:
    """The 403 page for a form posted from another site, or None if it came from ours."""
    if same_origin(request):
        return None
    return private_response(
        render(
            request,
            "403.html",
            {"reason": _("This form can only be sent from this site.")},
            status=403,
        )
    )


def client_ip(request: HttpRequest) -> str:
    """The visitor's address; behind our own TLS proxy, the one it saw."""
    if getattr(settings, "BEHIND_TLS_PROXY", False):
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))
