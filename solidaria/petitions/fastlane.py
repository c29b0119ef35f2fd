"""The signing fast lane (core.web.fastlane): valid signatures are stored and
answered before most of the middleware stack, through `signing.sign_if_valid`,
the same checks and service as `views.petition_sign`, which answers everything
else."""

from __future__ import annotations

import re

from django.http import HttpRequest

from solidaria.core.web.fastlane import FastLaneMiddleware

SIGN_PATH = re.compile(r"^/(?P<language>[a-z]{2})/petitions/(?P<slug>[-a-zA-Z0-9_]+)/sign/$")


class SigningFastLaneMiddleware(FastLaneMiddleware):
    path = SIGN_PATH

    def answer(self, request: HttpRequest, slug: str) -> str | None:
        from .signing import sign_if_valid

        return sign_if_valid(request, slug)
