"""The signing fast lane: well-formed signatures skip most of the middleware stack.

A petition going viral means thousands of POSTs a second, and most of Django's
stack (sessions, authentication, messages, CSRF cookies, URL resolution) has
nothing to do for them. This middleware, placed right after SecurityMiddleware,
recognises a signature POST, runs the same checks and the same service as the
view, and answers the redirect to the thank-you page.

Anything it is not sure about (an invalid field, a bad token, a closed petition,
another host) it leaves alone: the request continues down the normal stack to
`views.petition_sign`, which checks everything again and renders the errors in
the visitor's language. The fast lane never answers an error itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from csp.utils import build_policy
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.http.response import Http404
from django.utils import translation

from solidaria.core.web.formguard import same_origin

SIGN_PATH = re.compile(r"^/(?P<language>[a-z]{2})/petitions/(?P<slug>[-a-zA-Z0-9_]+)/sign/$")


class SigningFastLaneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method == "POST":
            match = SIGN_PATH.match(request.path_info)
            if match and match["language"] in self.languages:
                response = self.sign(request, match["language"], match["slug"])
                if response is not None:
                    return response
        return self.get_response(request)

    def sign(self, request: HttpRequest, language: str, slug: str) -> HttpResponseBase | None:
        from .signing import sign_if_valid

        if request.content_type != "application/x-www-form-urlencoded" or not same_origin(request):
            return None
        with translation.override(language):
            request.LANGUAGE_CODE = language
            # Django checks a reused connection with a query of its own before a
            # request's first (CONN_HEALTH_CHECKS): on PostgreSQL a round trip, a
            # fifth of signing. Here the signature's own statements are the check.
            connection.health_check_done = True  # type: ignore[attr-defined]  # not in the stubs
            try:
                try:
                    location = sign_if_valid(request, slug)
                except DatabaseError:
                    if connection.connection is None or connection.is_usable():
                        raise
                    # The database dropped the connection (a restart). The second
                    # try stores the signature, or finds it stored. A proof-of-work
                    # solution is spent by the first try, so a signer who sent one
                    # is asked by the full view to send the form again (a 400).
                    connection.close()
                    location = sign_if_valid(request, slug)
            except Http404:
                location = None
        if not location:
            # The full view answers: Django checks the connection for it as usual.
            connection.health_check_done = False  # type: ignore[attr-defined]  # not in the stubs
            return None
        response = HttpResponseRedirect(location)
        # What CSPMiddleware and XFrameOptionsMiddleware, below this one, give
        # every other response; the policy is the same for all, so built once.
        response["Content-Security-Policy"] = _content_security_policy()
        response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
        return response


@lru_cache(maxsize=1)
def _content_security_policy() -> str:
    return str(build_policy())
