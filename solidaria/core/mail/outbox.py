"""Email: every message is stored, then delivered by a task in the recipient's language.

Templates live in ``templates/emails/<name>/`` as ``subject.txt``, ``body.txt``
and ``body.html`` (the HTML part extends ``emails/base.html``).
"""

from __future__ import annotations

import json
import logging
import secrets
import smtplib
import socket
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection as database
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from solidaria.core.db.batches import update_in_batches
from solidaria.core.db.tasking import enqueue_durably, task_waiting
from solidaria.core.mail.stencil import stencilled
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

# How long one delivery task sends before it leaves the rest to a new task.
DELIVERY_SECONDS = 5.0
# A worker renews the claim on its batch this often while sending it; a claim not
# renewed for STALLED_AFTER is a dead worker's, and its messages go back.
CLAIM_HEARTBEAT_SECONDS = 10.0
STALLED_AFTER = timedelta(seconds=60)

# Where a message's attachments travel in its stored context.
ATTACHMENTS_KEY = "_attachments"

# A message that failed for good keeps its recipient this long, for an organiser to
# see what went wrong and write again; then nothing personal about it stays.
FAILED_EMAIL_KEPT = timedelta(days=30)


def email_prepare(
    *,
    to: str,
    template: str,
    context: Mapping[str, object],
    language: str,
    reply_to: str = "",
    attachments: list[tuple[str, str, str]] | None = None,
    priority: OutgoingEmail.Priority = OutgoingEmail.Priority.TRANSACTIONAL,
) -> OutgoingEmail:
    """A message ready to be stored, not stored yet: see `email_queue`.
    `attachments` are small text files, (filename, content, MIME type), kept with
    the (encrypted) context until the message is sent."""
    if language not in language_codes():
        language = settings.LANGUAGE_CODE
    stored = {**context, ATTACHMENTS_KEY: attachments} if attachments else context
    return OutgoingEmail(
        recipient=to,
        recipient_index=pii.email_index(to),
        language=language,
        template=template,
        context=json.dumps(stored),
        reply_to=reply_to,
        priority=priority,
    )


def email_queue(
    *,
    to: str,
    template: str,
    context: Mapping[str, object],
    language: str,
    reply_to: str = "",
    attachments: list[tuple[str, str, str]] | None = None,
    priority: OutgoingEmail.Priority = OutgoingEmail.Priority.TRANSACTIONAL,
    wake: bool = True,
) -> OutgoingEmail:
    """Stores a message, in the caller's transaction: the row is the promise.

    Nothing else is written per message, unless no delivery task is waiting: then
    one is queued with it (see `email_wake_worker`), which sends whatever is waiting,
    in batches."""
    email = email_prepare(
        to=to,
        template=template,
        context=context,
        language=language,
        reply_to=reply_to,
        attachments=attachments,
        priority=priority,
    )
    email.save()
    if wake:  # a caller queueing many wakes the workers once, at the end
        email_wake_worker()
    return email


def email_queue_all(emails: Sequence[OutgoingEmail]) -> None:
    """Stores messages made by `email_prepare` in one statement, in the caller's
    transaction, and wakes the workers once."""
    if emails:
        OutgoingEmail.objects.bulk_create(emails)
        email_wake_worker()


def email_wake_worker() -> None:
    """Makes sure a delivery task is waiting to run, without piling them up: one
    waiting task sends everything queued before it starts. Should a message slip
    in after a task's last look, the scheduler's delivery run (every second)
    takes it."""
    from solidaria.core.tasks import deliver_emails

    if not task_waiting(deliver_emails):
        enqueue_durably(deliver_emails)  # in the caller's transaction, as the message


def _my_data_url() -> str:
    """The page where a person sees, changes or erases what we hold: every message
    links to it. Looked up by name, since the page is the supporters app's."""
    try:
        return settings.SITE_URL + reverse("supporters:request")
    except NoReverseMatch:
        return ""


# Messages that an app renders itself (a mailing's, from its Markdown), by the
# template name they are queued with; the rest come from templates/emails/. Such
# a renderer takes a whole batch, so that it loads what the batch needs at once;
# it returns a message per email id, leaving out any it could not render.
BatchRenderer = Callable[[Sequence[OutgoingEmail]], Mapping[int, EmailMultiAlternatives]]
_renderers: dict[str, BatchRenderer] = {}


def register_renderer(template: str, render: BatchRenderer) -> None:
    """Called from an app's AppConfig.ready(): core imports no app."""
    _renderers[template] = render


def _render_batch(batch: Sequence[OutgoingEmail]) -> dict[int, EmailMultiAlternatives]:
    """The messages of a batch that apps render themselves, rendered together."""
    rendered: dict[int, EmailMultiAlternatives] = {}
    templates = {email.template for email in batch if email.template in _renderers}
    for template in templates:
        emails = [email for email in batch if email.template == template]
        try:
            rendered.update(_renderers[template](emails))
        except Exception:
            logger.exception("%s emails could not be rendered", template)
    return rendered


def email_render(email: OutgoingEmail) -> EmailMultiAlternatives:
    if render := _renderers.get(email.template):
        return render([email])[email.pk]
    context = {**json.loads(email.context or "{}"), "site_url": settings.SITE_URL}
    attachments = context.pop(ATTACHMENTS_KEY, None) or []
    headers = {"Auto-Submitted": "auto-generated", "Content-Language": email.language}
    if not attachments:
        copied = stencilled(
            template=email.template,
            language=email.language,
            recipient=email.recipient,
            reply_to=email.reply_to,
            context=context,
            headers=headers,
            render=_render_parts,
        )
        if copied is not None:
            return copied
    subject, text, html = _render_parts(email.template, email.language, context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.recipient],
        reply_to=[email.reply_to] if email.reply_to else None,
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message


def _render_parts(
    template: str, language: str, context: Mapping[str, object]
) -> tuple[str, str, str]:
    """A message's subject, plain text and HTML from its templates, in `language`."""
    with translation.override(language):
        context = {**context, "my_data_url": _my_data_url()}
        base = f"emails/{template}"
        subject = " ".join(render_to_string(f"{base}/subject.txt", context).split())
        text = str(render_to_string(f"{base}/body.txt", context))
        if my_data_url := context["my_data_url"]:
            footer = _("What we hold about you, and how to change or erase it:")
            text += f"\n\n-- \n{footer}\n{my_data_url}\n"
        html = render_to_string(f"{base}/body.html", {**context, "subject": subject})
    return subject, text, html


def email_deliver_waiting(*, seconds: float = DELIVERY_SECONDS) -> int:
    """Sends waiting messages, a batch at a time, for at most about `seconds`;
    returns how many were claimed. Transactional messages go before mailings.

    A longer queue is left to a new task, so that a worker stopping (SIGTERM)
    waits for a few seconds of sending at most. Several workers may run this
    side by side: each claims its own batch (`_claim`)."""
    from solidaria.core.tasks import deliver_emails

    deadline = time.monotonic() + seconds
    claimed = 0
    while True:
        batch = _claim(settings.EMAIL_BATCH_SIZE)
        if not batch:
            return claimed
        claimed += len(batch)
        if len(batch) == settings.EMAIL_BATCH_SIZE:
            # More may be waiting: an idle worker beside this one can take a share.
            email_wake_worker()
        if not _send_batch(batch):
            return claimed  # the server is down or going down: the next run tries again
        if time.monotonic() > deadline:
            if _due().exists():
                deliver_emails.enqueue()
            return claimed


def _due() -> QuerySet[OutgoingEmail]:
    return OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now())
    )


def _claim(size: int) -> list[OutgoingEmail]:
    """Takes up to `size` waiting messages for this worker (queued → sending).

    On PostgreSQL the rows are locked with SKIP LOCKED, so two workers claiming
    at once take different messages; everywhere, the UPDATE only takes rows still
    queued, and the batch mark says which worker has them."""
    batch = secrets.token_hex(8)
    with transaction.atomic():
        ids = list(
            _due()
            .order_by("priority", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:size]
        )
        if not ids:
            return []
        OutgoingEmail.objects.filter(pk__in=ids, status=OutgoingEmail.Status.QUEUED).update(
            status=OutgoingEmail.Status.SENDING, batch=batch, claimed_at=timezone.now()
        )
    mine = OutgoingEmail.objects.filter(
        pk__in=ids, batch=batch, status=OutgoingEmail.Status.SENDING
    ).order_by("priority", "pk")
    return list(mine)


def _send_batch(batch: list[OutgoingEmail]) -> bool:
    """Sends a claimed batch over one connection to the mail server.

    Each message is marked sent as soon as the server has accepted it, so that
    a worker killed halfway never sends an accepted message again (the rest of
    its batch goes back to the queue with the stalled-message sweep). A message
    the server refuses for good fails alone; when the connection breaks, the
    message being sent and the rest of the batch are tried again later. Returns
    whether the connection held to the end."""
    connection = get_connection()
    try:
        connection.open()
    except TRANSIENT_ERRORS as exc:
        _retry_later(batch, exc)
        return False
    try:
        with _commits_without_waiting_for_disk():
            return _send_over(connection, batch)
    finally:
        connection.close()


def _send_over(connection: BaseEmailBackend, batch: list[OutgoingEmail]) -> bool:
    """`_send_batch`'s work once the connection is open."""
    rendered = _render_batch(batch)
    alive_since = time.monotonic()
    for position, email in enumerate(batch):
        try:
            message = rendered.get(email.pk) or email_render(email)
        except Exception:
            # A template or programming error: retrying will not help, and the
            # message must not be lost silently either.
            logger.exception("email %s could not be rendered", email.pk)
            _settle_failed(email, "could not render the message")
            continue
        try:
            connection.send_messages([message])
        except smtplib.SMTPRecipientsRefused as exc:
            if _permanent(exc):
                _settle_failed(email, _error_text(exc))
            else:
                _retry_later([email], exc)
            continue
        except TRANSIENT_ERRORS as exc:
            _retry_later([email], exc)
            _put_back(batch[position + 1 :])
            return False
        _settle_sent(email, message)
        if time.monotonic() - alive_since > CLAIM_HEARTBEAT_SECONDS:
            alive_since = _still_sending(email.batch)
    return True


@contextmanager
def _commits_without_waiting_for_disk() -> Iterator[None]:
    """On PostgreSQL, a sending worker's commits return before they reach the disk
    (synchronous_commit off, for this session only, until the batch is done).

    Sending settles every message in a commit of its own, and waiting for the
    disk at each one held a mailing on PostgreSQL below its target rate. What
    this risks is narrow: only if the database server itself crashes can it
    forget the last fraction of a second of "sent" marks, and those messages
    are then sent again by the stalled-message sweep. None is lost: messages
    are queued by commits that do wait for the disk."""
    if database.vendor != "postgresql":
        yield
        return
    with database.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with database.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _still_sending(batch: str) -> float:
    """The batch's worker is alive: its claim is renewed, so the stalled-message
    sweep leaves it alone however slow the mail server is."""
    OutgoingEmail.objects.filter(batch=batch, status=OutgoingEmail.Status.SENDING).update(
        claimed_at=timezone.now()
    )
    return time.monotonic()


def _permanent(exc: smtplib.SMTPRecipientsRefused) -> bool:
    codes = [code for code, _message in exc.recipients.values()]
    return bool(codes) and all(500 <= code < 600 for code in codes)


def _error_text(exc: BaseException) -> str:
    code = getattr(exc, "smtp_code", "")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code = ",".join(str(c) for c, _m in exc.recipients.values())
    return f"{type(exc).__name__}: {code}".strip(": ")[:200]


def _settle_sent(email: OutgoingEmail, message: EmailMultiAlternatives) -> None:
    """Marks one message sent, in its own commit: a worker killed after this never
    sends it again.

    Data minimisation: nothing personal stays once the message is handed over
    (the subject stays, encrypted, for the recipient's export; erasure empties it).
    Only this worker's claim is settled: if the sweep gave the message to another
    worker meanwhile, that one settles it. One prepared statement: the ORM's
    update cost 0.29 ms of CPU a message against 0.07, a tenth of a message's
    whole cost, at every message of a mailing or a surge.

    On SQLite it is a transaction of its own, so that it waits for the write lock
    in line with the web's writers (core.db.sqlite_backend) instead of polling
    for it: polling, a worker settling an order's email every few milliseconds
    cost the ordering web a third of its rate (bench/orders.py)."""
    table = database.ops.quote_name(OutgoingEmail._meta.db_table)
    subject = OutgoingEmail._meta.get_field("subject").get_db_prep_value(message.subject, database)
    in_line = transaction.atomic() if getattr(database, "queues_writers", False) else nullcontext()
    with in_line, database.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, attempts = %s, sent_at = %s, "  # noqa: S608
            "last_error = '', subject = %s, recipient = '', reply_to = '', context = '', "
            "batch = '' WHERE id = %s AND batch = %s",
            [
                OutgoingEmail.Status.SENT.value,
                email.attempts + 1,
                database.ops.adapt_datetimefield_value(timezone.now()),
                subject,
                email.pk,
                email.batch,
            ],
        )


def _settle_failed(email: OutgoingEmail, error: str) -> None:
    OutgoingEmail.objects.filter(pk=email.pk, batch=email.batch).update(
        status=OutgoingEmail.Status.FAILED,
        attempts=email.attempts + 1,
        last_error=error,
        batch="",
    )


def _put_back(emails: list[OutgoingEmail]) -> None:
    """Claimed but not tried: back to the queue as they were, no attempt counted."""
    for email in emails:
        OutgoingEmail.objects.filter(pk=email.pk, batch=email.batch).update(
            status=OutgoingEmail.Status.QUEUED, batch=""
        )


def _retry_later(emails: list[OutgoingEmail], exc: BaseException) -> None:
    """Tried and failed for a reason that may pass (server down, busy, greylisting):
    tried again with a growing delay, until EMAIL_MAX_ATTEMPTS."""
    error = _error_text(exc)
    now = timezone.now()
    with transaction.atomic():
        for email in emails:
            attempts = email.attempts + 1
            mine = OutgoingEmail.objects.filter(pk=email.pk, batch=email.batch)
            if attempts >= settings.EMAIL_MAX_ATTEMPTS:
                mine.update(
                    status=OutgoingEmail.Status.FAILED,
                    attempts=attempts,
                    last_error=error,
                    batch="",
                )
                logger.error(
                    "email %s failed for good after %s attempts (%s)", email.pk, attempts, error
                )
                continue
            delay = timedelta(seconds=settings.EMAIL_RETRY_SECONDS * 2 ** (attempts - 1))
            mine.update(
                status=OutgoingEmail.Status.QUEUED,
                attempts=attempts,
                next_attempt_at=now + delay,
                last_error=error,
                batch="",
            )
    logger.warning("%s email(s) not delivered (%s); tried again later", len(emails), error)


def email_requeue_stalled(*, older_than: timedelta = STALLED_AFTER) -> int:
    """Puts back the messages of batches whose worker died while sending.

    A live worker renews its claim every CLAIM_HEARTBEAT_SECONDS, so a claim older
    than STALLED_AFTER belongs to a dead one. Whatever the server accepted from
    such a batch was marked sent one by one; the rest is sent again. Returns how
    many messages were put back."""
    cutoff = timezone.now() - older_than
    stalled = OutgoingEmail.objects.filter(
        status=OutgoingEmail.Status.SENDING, claimed_at__lt=cutoff
    )
    with transaction.atomic():
        requeued = stalled.update(status=OutgoingEmail.Status.QUEUED, batch="")
        if requeued:
            email_wake_worker()
    return requeued


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
