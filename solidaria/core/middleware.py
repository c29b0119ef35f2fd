"""Serving anonymous pages from a cache, before the rest of the stack runs.

A view opts in with `@public_page`. Its response is stored only when it is
safe to share: a 200 for a visitor without a session, with no cookie set and
nothing marked private. The stored copy carries every header the stack added
(CSP, HSTS, …), so a hit is byte-for-byte what a miss would have answered.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import patch_cache_control

PRIVATE_COOKIES = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)


def public_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Marks a view whose anonymous response is the same for every visitor."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            response.public_page = True  # type: ignore[attr-defined]
            patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_SECONDS)
        return response

    return wrapper


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
        return "page:" + hashlib.sha256(url.encode()).hexdigest()

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        cacheable_request = request.method in ("GET", "HEAD") and _is_anonymous(request)
        key = self._key(request) if cacheable_request else None
        if key is not None:
            stored = caches["pages"].get(key)
            if stored is not None:
                status, headers, content = stored
                cached = HttpResponse(content, status=status)
                for name, value in headers:
                    cached.headers[name] = value
                return cached
        response = self.get_response(request)
        if key is not None and self._storable(response):
            assert isinstance(response, HttpResponse)
            caches["pages"].set(
                key,
                (response.status_code, list(response.headers.items()), response.content),
                settings.PAGE_CACHE_SECONDS,
            )
        return response

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
