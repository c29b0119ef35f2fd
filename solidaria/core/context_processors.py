from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils import translation
from django.utils.encoding import escape_uri_path

from solidaria.core.web.query import carried_query


def site(request: HttpRequest) -> dict[str, object]:
    current = translation.get_language() or settings.LANGUAGE_CODE
    # Never the query string as it came: see core.web.query.
    path = escape_uri_path(request.path)
    query = carried_query(request.GET)
    if query:
        query = f"?{query}"
    links = []
    for code, name in settings.LANGUAGES:
        with translation.override(code):
            local_name = str(name)  # each language named in itself
        links.append(
            {
                "code": code,
                "name": local_name,
                "url": _translated(path, code) + query,
                "current": code == current,
            }
        )
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "language_links": links,
        "dev_outbox": getattr(settings, "DEV_OUTBOX", False),
    }


@lru_cache(maxsize=4096)
def _translated(path: str, code: str) -> str:
    """The page's address in another language: resolving and reversing it took a
    tenth of a small page's rendering, five times a page. The same path gives the
    same address for as long as the process runs (the URLs do not change)."""
    return translate_url(path, code)
