"""Email: every message is stored, then delivered by a task in the recipient's language.

Templates live in ``templates/emails/<name>/`` as ``subject.txt``, ``body.txt``
and ``body.html`` (the HTML part extends ``emails/base.html``).
"""

from __future__ import annotations

import json
import logging
import smtplib
import socket
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from solidaria.core.db.batches import update_in_batches
from solidaria.core.db.tasking import enqueue_durably
from solidaria.core.models import OutgoingEmail
from solidaria.core.privacy import pii
from solidaria.core.privacy.audit import audit_log
from solidaria.core.rendering.i18n import language_codes

logger = logging.getLogger(__name__)

# Failures worth trying again later; anything else is a bug and fails the message.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    smtplib.SMTPException,
    socket.error,
    TimeoutError,
)

# Where a message's attachments travel in its stored context.
ATTACHMENTS_KEY = "_attachments"

# A message that failed for good keeps its recipient this long, for an organiser to
# see what went wrong and write again; then nothing personal about it stays.
FAILED_EMAIL_KEPT = timedelta(days=30)


def email_queue(
    *,
    to: str,
    template: str,
    context: Mapping[str, object],
    language: str,
    reply_to: str = "",
    attachments: list[tuple[str, str, str]] | None = None,
) -> OutgoingEmail:
    """Stores a message and schedules its delivery in the same transaction.

    `attachments` are small text files, (filename, content, MIME type), kept with
    the (encrypted) context until the message is sent."""
    from solidaria.core.tasks import deliver_email

    if language not in language_codes():
        language = settings.LANGUAGE_CODE
    stored = {**context, ATTACHMENTS_KEY: attachments} if attachments else context
    with transaction.atomic():
        email = OutgoingEmail.objects.create(
            recipient=to,
            recipient_index=pii.email_index(to),
            language=language,
            template=template,
            context=json.dumps(stored),
            reply_to=reply_to,
        )
        enqueue_durably(deliver_email, email_id=email.pk)
    return email


def _my_data_url() -> str:
    """The page where a person sees, changes or erases what we hold: every message
    links to it. Looked up by name, since the page is the supporters app's."""
    try:
        return settings.SITE_URL + reverse("supporters:request")
    except NoReverseMatch:
        return ""


def email_render(email: OutgoingEmail) -> EmailMultiAlternatives:
    context = {**json.loads(email.context or "{}"), "site_url": settings.SITE_URL}
    attachments = context.pop(ATTACHMENTS_KEY, None) or []
    with translation.override(email.language):
        context["my_data_url"] = _my_data_url()
        base = f"emails/{email.template}"
        subject = " ".join(render_to_string(f"{base}/subject.txt", context).split())
        text = str(render_to_string(f"{base}/body.txt", context))
        if my_data_url := context["my_data_url"]:
            footer = _("What we hold about you, and how to change or erase it:")
            text += f"\n\n-- \n{footer}\n{my_data_url}\n"
        html = render_to_string(f"{base}/body.html", {**context, "subject": subject})
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.recipient],
        reply_to=[email.reply_to] if email.reply_to else None,
        headers={"Auto-Submitted": "auto-generated", "Content-Language": email.language},
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message


def email_deliver(*, email_id: int) -> OutgoingEmail.Status | None:
    """Sends one stored message. Safe to call twice: only a queued message is claimed.

    No transaction is held while the mail server is talking: the row is claimed
    (queued → sending) with one conditional UPDATE, then settled with another.
    """
    claimed = OutgoingEmail.objects.filter(pk=email_id, status=OutgoingEmail.Status.QUEUED).update(
        status=OutgoingEmail.Status.SENDING
    )
    if not claimed:
        return None
    email = OutgoingEmail.objects.get(pk=email_id)
    try:
        message = email_render(email)
        message.send()
    except TRANSIENT_ERRORS as exc:
        return _email_retry_later(email, exc)
    except Exception:
        # A template or programming error: retrying will not help, and the
        # message must not be lost silently either.
        OutgoingEmail.objects.filter(pk=email_id).update(
            status=OutgoingEmail.Status.FAILED,
            attempts=email.attempts + 1,
            last_error="could not render the message",
        )
        logger.exception("email %s could not be rendered", email_id)
        return OutgoingEmail.Status.FAILED
    OutgoingEmail.objects.filter(pk=email_id).update(
        status=OutgoingEmail.Status.SENT,
        attempts=email.attempts + 1,
        sent_at=timezone.now(),
        last_error="",
        subject=message.subject,
        # Data minimisation: nothing personal stays once the message is handed over
        # (the subject stays, encrypted, for the recipient's export; erasure empties it).
        recipient="",
        reply_to="",
        context="",
    )
    return OutgoingEmail.Status.SENT


def _email_retry_later(email: OutgoingEmail, exc: BaseException) -> OutgoingEmail.Status:
    from solidaria.core.tasks import deliver_email

    attempts = email.attempts + 1
    error = f"{type(exc).__name__}: {getattr(exc, 'smtp_code', '')}".strip(": ")
    if attempts >= settings.EMAIL_MAX_ATTEMPTS:
        OutgoingEmail.objects.filter(pk=email.pk).update(
            status=OutgoingEmail.Status.FAILED, attempts=attempts, last_error=error
        )
        logger.error("email %s failed for good after %s attempts (%s)", email.pk, attempts, error)
        return OutgoingEmail.Status.FAILED
    delay = timedelta(seconds=settings.EMAIL_RETRY_SECONDS * 2 ** (attempts - 1))
    next_attempt = timezone.now() + delay
    with transaction.atomic():
        OutgoingEmail.objects.filter(pk=email.pk).update(
            status=OutgoingEmail.Status.QUEUED,
            attempts=attempts,
            next_attempt_at=next_attempt,
            last_error=error,
        )
        enqueue_durably(deliver_email, run_after=next_attempt, email_id=email.pk)
    logger.warning("email %s not delivered (%s); next try at %s", email.pk, error, next_attempt)
    return OutgoingEmail.Status.QUEUED


def email_requeue_stalled(*, older_than: timedelta = timedelta(minutes=15)) -> int:
    """Puts back messages whose worker died while sending, and re-schedules them."""
    from solidaria.core.tasks import deliver_email

    cutoff = timezone.now() - older_than
    stalled = OutgoingEmail.objects.filter(
        status=OutgoingEmail.Status.SENDING, created_at__lt=cutoff
    )
    ids = list(stalled.values_list("pk", flat=True))
    with transaction.atomic():
        OutgoingEmail.objects.filter(pk__in=ids).update(status=OutgoingEmail.Status.QUEUED)
        for email_id in ids:
            enqueue_durably(deliver_email, email_id=email_id)
    return len(ids)


def email_prune_failed(*, now: datetime | None = None) -> int:
    """Empties messages that failed for good over FAILED_EMAIL_KEPT ago: recipient,
    its blind index, subject, context and reply-to go; template, language, dates
    and the error stay. A batch of rows per transaction; running it again changes
    nothing. Returns how many messages were emptied."""
    cutoff = (now or timezone.now()) - FAILED_EMAIL_KEPT
    failed = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.FAILED, created_at__lt=cutoff)
    # Encrypted values cannot be asked about; the blind index stands for the rest,
    # and is empty only where everything was emptied already (erasure does all).
    pruned = update_in_batches(
        failed.exclude(recipient_index=""),
        recipient="",
        recipient_index="",
        subject="",
        context="",
        reply_to="",
    )
    if pruned:
        audit_log(action="emails.failed_pruned", data={"emails": pruned})
    return pruned
