"""Unsubscribing from an organisation's mailings (RFC 8058).

The link in every mailing names its recipient with a keyed token: no account,
no cookie, no CSRF token is needed, since the token is the proof. A GET shows a
page with a button (mail scanners follow links; nobody is unsubscribed by one);
a POST unsubscribes at once, whether it comes from that button or from a mail
client's one-click unsubscribe, and answers with a page, never a redirect.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from solidaria.core.web.middleware import private_page

from .models import Recipient
from .services import recipient_unsubscribe
from .tokens import unsubscribe_recipient_id


@csrf_exempt  # the token in the address is the proof; mail clients send no cookie
@require_http_methods(["GET", "HEAD", "POST"])  # HEAD: link checkers; it changes nothing
@private_page
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    recipient_id = unsubscribe_recipient_id(token)
    recipient = (
        Recipient.objects.select_related("mailing__organisation", "supporter")
        .filter(pk=recipient_id)
        .first()
        if recipient_id is not None
        else None
    )
    if recipient is None:
        return render(request, "mailing/unsubscribe_invalid.html", status=404)
    with translation.override(recipient.language):
        organisation = recipient.mailing.organisation
        if request.method == "POST":
            recipient_unsubscribe(recipient=recipient)
            response = render(request, "mailing/unsubscribed.html", {"organisation": organisation})
        else:
            response = render(
                request,
                "mailing/unsubscribe.html",
                {"organisation": organisation, "done": recipient.unsubscribed_at is not None},
            )
        # The page's language, which the locale middleware would not know.
        response["Content-Language"] = translation.get_language()
    return response
