"""View decorators several apps share."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from solidaria.core.web.formguard import cross_site_refusal
from solidaria.core.web.query import carried_query

# A view's own arguments, after the request (the URL's parameters).
Params = ParamSpec("Params")
View = Callable[Concatenate[HttpRequest, Params], HttpResponseBase]


def post_only_or_redirect(
    to: str, *, anchor: str = "", with_arguments: bool = True
) -> Callable[[View[Params]], View[Params]]:
    """For the address a form posts to: GET and HEAD go to the page with the form.

    That address shows in the browser after a rejected form, so it gets reloaded,
    bookmarked, shared, and opened in another language by the language switcher;
    an empty 405 helped no one. `to` names the form's page, reversed with the
    view's own arguments (unless `with_arguments` is false: one page holds the
    forms of several addresses) in the language of the request.
    """

    def decorator(view: View[Params]) -> View[Params]:
        @wraps(view)
        def wrapper(
            request: HttpRequest, /, *args: Params.args, **kwargs: Params.kwargs
        ) -> HttpResponseBase:
            if request.method in ("GET", "HEAD"):
                url = reverse(to, args=args, kwargs=kwargs) if with_arguments else reverse(to)
                if query := carried_query(request.GET):  # ?source=, ?ref= stay
                    url = f"{url}?{query}"
                return HttpResponseRedirect(f"{url}#{anchor}" if anchor else url)
            # Other methods never get here: core.web.hygiene answers them 405.
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def public_form_post(to: str, *, anchor: str = "") -> Callable[[View[Params]], View[Params]]:
    """For the address a form on a cached public page posts to (signing, giving,
    registering): GET and HEAD go to the page (`post_only_or_redirect`), and a POST
    from another site is refused before the view runs.

    The page is shared from a cache, so it carries no per-visitor CSRF token: the
    Origin check here and the view's form token take its place (`core.web.formguard`).
    """

    def decorator(view: View[Params]) -> View[Params]:
        @wraps(view)
        def refusing_other_sites(
            request: HttpRequest, /, *args: Params.args, **kwargs: Params.kwargs
        ) -> HttpResponseBase:
            if (refusal := cross_site_refusal(request)) is not None:
                return refusal
            return view(request, *args, **kwargs)

        return csrf_exempt(post_only_or_redirect(to, anchor=anchor)(refusing_other_sites))

    return decorator
