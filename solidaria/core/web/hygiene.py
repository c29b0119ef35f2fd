"""What a request must be before any view sees it, and what every response carries.

`RequestHygieneMiddleware` sits right after Django's SecurityMiddleware, before
the signing fast lane, and refuses in the visitor's language:
- an address longer than MAX_URL_LENGTH (414): every page copies parts of its
  address into links, so a long one would be sent back several times over;
- a form that is not in UTF-8 (400): Django refuses to decode it, and before
  this check its refusal could surface as a 500 while the debug page read the
  form again;
- a method the view does not serve (405 with an `Allow` header), before the
  CSRF check would have answered 403; OPTIONS is answered with `Allow` alone.
  Public pages (`@public_page`) serve GET and HEAD; other views are taken to
  serve GET, HEAD and POST, and narrow that themselves (`require_POST`).

`SecurityHeadersMiddleware` is the outermost layer, so every response has the
headers, the signing fast lane's redirect and cached pages included.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

DEFAULT_METHODS = ("GET", "HEAD", "POST")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Django decodes forms as UTF-8 and refuses any other declared charset (even "utf8").
FORM_CHARSETS = ("utf-8",)

# Nothing is granted: no page uses any of these.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
)


View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def allowed_methods(*methods: str) -> Callable[[View], View]:
    """Declares the methods a view serves, for RequestHygieneMiddleware."""

    def mark(view: View) -> View:
        # A mark on the function for process_view to read; callables declare no such attribute.
        view.allowed_methods = tuple(methods)  # type: ignore[attr-defined]
        return view

    return mark


def refusal(request: HttpRequest, status: int, reason: str) -> HttpResponse:
    """The site's short error page with a reason, in the active language.

    Rendered without the request: nothing it sent (an overlong address, say) is
    copied into the page's links."""
    page = render_to_string("400.html", {"reason": reason, "SITE_NAME": settings.SITE_NAME})
    return HttpResponse(page, status=status)


def _language(request: HttpRequest) -> str:
    # LocaleMiddleware has not run yet: the address's language, else the browser's.
    return translation.get_language_from_request(request, check_path=True)


def _form_charset_ok(request: HttpRequest) -> bool:
    content_type = request.content_type or ""
    if content_type not in FORM_TYPES:
        return True
    charset = (request.content_params or {}).get("charset")
    return charset is None or charset.strip().strip('"').lower() in FORM_CHARSETS


class RequestHygieneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        too_long = len(request.path) + len(request.META.get("QUERY_STRING", ""))
        if too_long > settings.MAX_URL_LENGTH:
            with translation.override(_language(request)):
                return refusal(request, 414, _("This address is too long."))
        if request.method == "POST" and not _form_charset_ok(request):
            with translation.override(_language(request)):
                return refusal(
                    request, 400, _("This form was sent in an encoding we do not accept.")
                )
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponseBase],
        args: Sequence[object],
        kwargs: Mapping[str, object],
    ) -> HttpResponseBase | None:
        if request.path.startswith("/admin/"):
            return None  # the admin's own views decide
        methods = getattr(view, "allowed_methods", DEFAULT_METHODS)
        allow = ", ".join(methods)
        if request.method == "OPTIONS":
            response = HttpResponse(status=200)
        elif request.method not in methods:
            response = refusal(request, 405, _("This address does not accept that request."))
        else:
            return None
        response["Allow"] = allow
        return response


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
