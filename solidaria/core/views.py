from __future__ import annotations

import email
import email.policy
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django_tasks_db.models import DBTaskResult

from solidaria.core.models import OutgoingEmail
from solidaria.core.web.middleware import private_page


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: is the database up, is the task queue moving?"""
    # Any: a JSON document whose sections are filled in (and amended) as they are checked.
    report: dict[str, Any] = {"status": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        report["database"] = {"status": "ok", "vendor": connection.vendor}
    except DatabaseError:
        report["status"] = "error"
        report["database"] = {"status": "error"}
        return JsonResponse(report, status=503)

    now = timezone.now()
    ready = DBTaskResult.objects.ready()
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    lag = (now - oldest).total_seconds() if oldest else 0.0
    report["tasks"] = {
        "ready": ready.count(),
        "running": DBTaskResult.objects.running().count(),
        "failed_last_hour": DBTaskResult.objects.failed()
        .filter(finished_at__gte=now - timedelta(hours=1))
        .count(),
        "oldest_ready_seconds": round(lag, 1),
    }
    report["email"] = {
        "queued": OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).count(),
        "failed": OutgoingEmail.objects.filter(status=OutgoingEmail.Status.FAILED).count(),
    }
    # A queue nobody has worked on for ten minutes means the worker is down.
    # Apps add their own sections (settings.HEALTH_REPORTS: name → dotted callable).
    for name, path in getattr(settings, "HEALTH_REPORTS", {}).items():
        report[name] = import_string(path)()
    if lag > 600:
        report["status"] = "degraded"
        report["tasks"]["status"] = "stalled"
    else:
        report["tasks"]["status"] = "ok"
    return JsonResponse(report, status=200)


def _outbox_dir() -> Path:
    if not getattr(settings, "DEV_OUTBOX", False) or settings.EMAIL_OUTBOX_DIR is None:
        raise Http404
    return Path(settings.EMAIL_OUTBOX_DIR)


def _parse(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


@private_page
def dev_outbox(request: HttpRequest) -> HttpResponse:
    outbox = _outbox_dir()
    files = sorted(outbox.glob("*.eml"), reverse=True)[:200] if outbox.exists() else []
    messages = []
    for path in files:
        message = _parse(path)
        messages.append(
            {
                "name": path.stem,
                "subject": message["subject"],
                "to": message["to"],
                "date": path.stem,
            }
        )
    return render(request, "core/outbox.html", {"messages_list": messages})


@private_page
def dev_outbox_message(request: HttpRequest, name: str) -> HttpResponse:
    outbox = _outbox_dir()
    path = outbox / f"{name}.eml"
    if "/" in name or not path.is_file():
        raise Http404
    message = _parse(path)
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    return render(
        request,
        "core/outbox_message.html",
        {
            "subject": message["subject"],
            "sender": message["from"],
            "recipient": message["to"],
            "language": message["Content-Language"],
            "text": text,
        },
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: whatever failed may fail again while rendering.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render({}), status=500)
