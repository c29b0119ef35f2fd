"""The round's public ledger: approved entries only, as a fund's public ledger shows
its own (fundraising.views.fund_ledger). The same for every visitor, so served from
the page cache (`@public_page`). Buyers are never named: income shows as a total."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from solidaria.core.web.middleware import public_page

from .ledger_selectors import round_ledger_public
from .rounds import round_get_public


@public_page
def round_ledger(request: HttpRequest, slug: str) -> HttpResponse:
    round = round_get_public(slug=slug)
    return render(
        request,
        "cooperatives/round_ledger.html",
        {"round": round, "ledger": round_ledger_public(round)},
    )
