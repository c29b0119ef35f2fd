"""Who a person's own pages are for: the supporter whose emailed link opened this
browser session (`views.access_open`). No account and no password.

Here rather than in `views.py` because other apps' pages for the same person (a
committee member's page) use it too, and no app imports another app's views.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from solidaria.core.web.middleware import private_response

from .models import Supporter

SESSION_KEY = "supporter_id"
# The page stays open this long after the last visit to it.
SESSION_SECONDS = 60 * 60

# Any: a view's own arguments after the request and the supporter (its URL's parameters).
SupporterView = Callable[..., HttpResponse]


def session_open(request: HttpRequest, supporter: Supporter) -> None:
    """The person's pages open for this browser session, under a fresh session id."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = supporter.pk
    request.session.set_expiry(SESSION_SECONDS)


def session_supporter(request: HttpRequest) -> Supporter | None:
    """The supporter this session was opened for, or None (no query without a session)."""
    supporter_id = request.session.get(SESSION_KEY)
    if supporter_id is None:
        return None
    return Supporter.objects.filter(pk=int(supporter_id), erased_at__isnull=True).first()


def supporter_page(view: SupporterView) -> Callable[..., HttpResponse]:
    """For the person whose link opened this session; anyone else is sent to ask for one.
    The view gets the supporter after the request."""

    @wraps(view)
    def wrapper(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        supporter = session_supporter(request)
        if supporter is None:
            messages.info(request, _("Your page has closed. Ask for a new link below."))
            return redirect("supporters:request")
        request.session.set_expiry(SESSION_SECONDS)
        return private_response(view(request, supporter, **kwargs))

    return wrapper
