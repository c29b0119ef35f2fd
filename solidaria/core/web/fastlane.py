"""Fast lanes: well-formed POSTs of one hot form answered before most of the stack.

When a petition goes viral or a buying round opens, thousands of POSTs a second
come to one address, and most of Django's stack (sessions, authentication,
messages, CSRF cookies, URL resolution) has nothing to do for them. A fast lane,
placed right after SecurityMiddleware, recognises such a POST, runs the same
checks and the same service as the view, and answers the redirect to the page
that follows. Each app that has such a form subclasses `FastLaneMiddleware`
(petitions.fastlane, cooperatives.fastlane).

Anything the lane is not sure about (an invalid field, a bad token, a closed
petition or round, another host, a form sent as multipart) it leaves alone: the
request continues down the normal stack to the view, which renders the errors
in the visitor's language. A fast lane never answers an error itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import ClassVar

from csp.utils import build_policy
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.http.response import Http404
from django.utils import translation

from .formguard import same_origin


class FastLaneMiddleware:
    """A subclass gives `path`, with the groups `language` and `slug`, and `answer`."""

    path: ClassVar[re.Pattern[str]]

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method == "POST":
            match = self.path.match(request.path_info)
            if match and match["language"] in self.languages:
                response = self.lane(request, match["language"], match["slug"])
                if response is not None:
                    return response
        return self.get_response(request)

    def answer(self, request: HttpRequest, slug: str) -> str | None:
        """The address to send the visitor to once the form's work is done, or None
        for the full view to answer. Called again once if the database dropped the
        connection meanwhile, so it must give the same result if run twice."""
        raise NotImplementedError

    def lane(self, request: HttpRequest, language: str, slug: str) -> HttpResponseBase | None:
        if request.content_type != "application/x-www-form-urlencoded" or not same_origin(request):
            return None
        with translation.override(language):
            request.LANGUAGE_CODE = language
            # Django checks a reused connection with a query of its own before a
            # request's first (CONN_HEALTH_CHECKS): on PostgreSQL a round trip, a
            # fifth of signing. Here the form's own statements are the check.
            connection.health_check_done = True  # type: ignore[attr-defined]  # not in the stubs
            try:
                try:
                    location = self.answer(request, slug)
                except DatabaseError:
                    if connection.connection is None or connection.is_usable():
                        raise
                    # The database dropped the connection (a restart). The second
                    # try does the work, or finds it done. A proof-of-work solution
                    # is spent by the first try, so a visitor who sent one is asked
                    # by the full view to send the form again (a 400).
                    connection.close()
                    location = self.answer(request, slug)
            except Http404:
                location = None
        if not location:
            # The full view answers: Django checks the connection for it as usual.
            connection.health_check_done = False  # type: ignore[attr-defined]  # not in the stubs
            return None
        response = HttpResponseRedirect(location)
        # What CSPMiddleware and XFrameOptionsMiddleware, below the lane, give every
        # other response; the policy is the same for all, so built once.
        response["Content-Security-Policy"] = _content_security_policy()
        response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
        return response


@lru_cache(maxsize=1)
def _content_security_policy() -> str:
    return str(build_policy())
