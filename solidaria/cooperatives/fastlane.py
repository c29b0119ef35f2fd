"""The ordering fast lane (core.web.fastlane): a transfer order sent from a round's
page is placed and answered before most of the middleware stack, through
`placing.order_if_valid`, the same checks and service as `views.round_order`,
which answers everything else."""

from __future__ import annotations

import re

from django.http import HttpRequest

from solidaria.core.web.fastlane import FastLaneMiddleware

ORDER_PATH = re.compile(r"^/(?P<language>[a-z]{2})/rounds/(?P<slug>[-a-zA-Z0-9_]+)/order/$")


class OrderingFastLaneMiddleware(FastLaneMiddleware):
    path = ORDER_PATH

    def answer(self, request: HttpRequest, slug: str) -> str | None:
        from .placing import order_if_valid

        return order_if_valid(request, slug)
