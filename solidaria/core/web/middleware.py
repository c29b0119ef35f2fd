"""Serving anonymous pages from a cache, before the rest of the stack runs.

A view opts in with `@public_page`. Its response is stored only when it is
safe to share: a 200 for a visitor without a session, with no cookie set and
nothing marked private. The stored copy carries every header the stack added
(CSP, HSTS, …), so a hit is byte-for-byte what a miss would have answered.

Those pages, and only those, are sent gzipped to browsers that accept it,
compressed once when stored. Compression is safe there because such a page is
the same for everyone and carries no secret (BREACH needs a secret beside text
an attacker chose). Pages for a signed-in visitor, forms with Django's CSRF
token and personal pages are sent uncompressed.

A personal page (a thank-you, a confirmation, a donor's or a host's own page)
is marked with `@private_page`, or, for one response of a view, with
`private_response`: no cache, shared or the browser's, keeps a copy.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import (
    add_never_cache_headers,
    patch_cache_control,
    patch_vary_headers,
)

PRIVATE_COOKIES = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
# Smaller pages are not worth the header.
COMPRESS_MIN_BYTES = 512

Response = TypeVar("Response", bound=HttpResponseBase)
# A view's own arguments, after the request (the URL's parameters).
Params = ParamSpec("Params")


def public_page(
    view: Callable[Concatenate[HttpRequest, Params], Response],
) -> Callable[Concatenate[HttpRequest, Params], Response]:
    """Marks a view whose anonymous response is the same for every visitor."""

    @wraps(view)
    def wrapper(request: HttpRequest, /, *args: Params.args, **kwargs: Params.kwargs) -> Response:
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            # A mark for the page cache below; responses declare no such attribute.
            response.public_page = True  # type: ignore[attr-defined]
            patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_SECONDS)
        return response

    # A page, not a form: other methods get a 405 (core.web.hygiene). A mark on the
    # function, which declares no such attribute.
    wrapper.allowed_methods = ("GET", "HEAD")  # type: ignore[attr-defined]
    return wrapper


def private_response(response: Response) -> Response:
    """Marks a response for one visitor only: `Cache-Control: private, no-store`
    (with Django's never-cache directives), so neither the page cache, a proxy nor
    the browser keeps it."""
    add_never_cache_headers(response)
    return response


def private_page(
    view: Callable[Concatenate[HttpRequest, Params], Response],
) -> Callable[Concatenate[HttpRequest, Params], Response]:
    """Marks a view whose every response is personal (thank-you, confirm, manage…)."""

    @wraps(view)
    def wrapper(request: HttpRequest, /, *args: Params.args, **kwargs: Params.kwargs) -> Response:
        return private_response(view(request, *args, **kwargs))

    return wrapper


def page_cache_clear() -> None:
    """Forgets every stored page, e.g. once a person shown on public pages is erased.

    With a cache shared by all processes (PAGE_CACHE_URL) they all forget at once;
    with the default cache in each process's memory, the others' copies expire
    within PAGE_CACHE_SECONDS."""
    caches["pages"].clear()


def _is_anonymous(request: HttpRequest) -> bool:
    return not any(name in request.COOKIES for name in PRIVATE_COOKIES)


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def _key(self, request: HttpRequest) -> str | None:
        try:
            host = request.get_host()
        except DisallowedHost:
            return None
        url = f"{request.scheme}://{host}{request.get_full_path()}"
        return "page:v2:" + hashlib.sha256(url.encode()).hexdigest()

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        cacheable_request = request.method in ("GET", "HEAD") and _is_anonymous(request)
        key = self._key(request) if cacheable_request else None
        gzip_ok = accepts_gzip(request)
        if key is not None:
            stored = caches["pages"].get(key)
            if stored is not None:
                status, headers, content, compressed = stored
                cached = HttpResponse(content, status=status)
                for name, value in headers:
                    cached.headers[name] = value
                return _send(cached, compressed if gzip_ok else None)
        response = self.get_response(request)
        if key is None or not self._storable(response):
            return response
        assert isinstance(response, HttpResponse)
        patch_vary_headers(response, ("Accept-Encoding",))
        compressed = _gzipped(response.content)
        caches["pages"].set(
            key,
            (response.status_code, list(response.headers.items()), response.content, compressed),
            settings.PAGE_CACHE_SECONDS,
        )
        return _send(response, compressed if gzip_ok else None)

    @staticmethod
    def _storable(response: HttpResponseBase) -> bool:
        cache_control = response.get("Cache-Control", "")
        return (
            getattr(response, "public_page", False)
            and response.status_code == 200
            and isinstance(response, HttpResponse)
            and not response.cookies
            and "private" not in cache_control
            and "no-store" not in cache_control
        )


def accepts_gzip(request: HttpRequest) -> bool:
    """Whether the browser takes gzip: named with a weight above 0, or `*` if not named."""
    weights: dict[str, float] = {}
    for item in request.headers.get("Accept-Encoding", "").split(","):
        coding, _semicolon, parameters = item.partition(";")
        weight = 1.0
        name, _equals, value = parameters.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value)
            except ValueError:
                weight = 0.0
        weights[coding.strip().lower()] = weight
    return weights.get("gzip", weights.get("*", 0.0)) > 0


def _gzipped(content: bytes) -> bytes | None:
    if len(content) < COMPRESS_MIN_BYTES:
        return None
    compressed = gzip.compress(content, compresslevel=6, mtime=0)
    return compressed if len(compressed) < len(content) else None


def _send(response: HttpResponse, compressed: bytes | None) -> HttpResponse:
    """The response, with the gzipped body instead if there is one to send."""
    if compressed is not None:
        response.content = compressed
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Content-Length"] = str(len(compressed))
    return response
