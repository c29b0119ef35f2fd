"""The public directory of cooperatives, with its map of Argentina, and each cooperative's
page. Both are the same for every visitor and served from the page cache
(`@public_page`); neither has a form that posts, and neither shows a cooperative's
contact (it is encrypted, for the purchase orders only).

A filter the directory does not know (`?sector=mining`, a province code that is not
one) is answered with a 400 that says so, and the whole directory under it; a page
number that is not one shows the first or the last page, as the list of campaigns does.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from solidaria.core.rendering.countrymap import country_map_svg
from solidaria.core.web.middleware import public_page

from .directory import cooperative_page, directory_listing, directory_totals, open_rounds
from .directory_forms import DirectoryFilterForm

COOPERATIVES_PER_PAGE = 24


@public_page
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET)
    status = 200 if form.is_valid() else 400
    filters = form.filters()
    listing = directory_listing(
        sector=filters["sector"], province=filters["province"], query=filters["q"]
    )
    page = Paginator(listing.cooperatives, COOPERATIVES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "cooperatives/directory.html",
        {
            "form": form,
            "filtered": any(filters.values()),
            "open_rounds": open_rounds(),
            "totals": directory_totals(),
            "listing": listing,
            "page": page,
            # The valid filters again, for the links to the other pages of the list.
            "page_query": urlencode({name: value for name, value in filters.items() if value}),
            "country_map": country_map_svg(
                "AR",
                label=ngettext(
                    "Map of Argentina with %(count)s cooperative",
                    "Map of Argentina with %(count)s cooperatives",
                    listing.count,
                )
                % {"count": listing.count},
                points=listing.points,
            ),
        },
        status=status,
    )


@public_page
def cooperative_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = cooperative_page(slug=slug)
    return render(
        request,
        "cooperatives/cooperative.html",
        {"page": page, "cooperative": page.cooperative},
    )
