"""Every change to a mailing, its recipients and the addresses it reaches.

The life of a mailing: written (draft) → asked to be sent (scheduled, or
awaiting a second organiser when it is for more than APPROVAL_THRESHOLD people)
→ its recipients frozen (preparing) → fed to the delivery engine at the
organisation's pace (sending; may be paused, resumed, cancelled) → sent.
Each step is a conditional UPDATE on the status, so two clicks, two workers or a
killed worker never do a step twice. Who may receive it is decided by the
service, not by the segment: people who agree to hear from the organisation
now, whose address does not bounce, checked again at the moment their message
is handed over.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from solidaria.core.mail.outbox import email_queue, email_wake_worker
from solidaria.core.models import OutgoingEmail
from solidaria.core.privacy.audit import Actor, audit_log
from solidaria.organisations.models import Organisation
from solidaria.organisations.selectors import EDIT_ROLES, organisations_for_user
from solidaria.supporters.models import OrganisationSupporter, Supporter
from solidaria.supporters.selectors import segment_people
from solidaria.supporters.services import consent_withdraw

from .exceptions import MailingError, MailingNotAllowed
from .models import (
    APPROVAL_THRESHOLD,
    BODY_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    Bounce,
    Mailing,
    Recipient,
    SendingLimit,
)
from .rendering import (
    MAILING_TEMPLATE,
    TEST_TEMPLATE,
    message_for,
    unknown_merge_fields,
    written_versions,
)

# Recipients frozen per step, each step its own short transaction, for at most
# PREPARE_SECONDS per tick.
PREPARE_CHUNK = 5000
PREPARE_SECONDS = 3.0
# Messages handed to the delivery engine ahead of it, at most, per mailing: this
# many seconds' worth at the organisation's rate (never fewer than FEED_AHEAD_LEAST).
# A pause or a cancellation takes back whatever the engine has not started on.
FEED_AHEAD_SECONDS = 10
FEED_AHEAD_LEAST = 1000
# Recipients handed over per transaction: short, so that signers and the workers
# marking messages sent never wait long for SQLite's write lock.
FEED_CHUNK = 250
# Soft bounces within SOFT_BOUNCE_WINDOW that make an address undeliverable.
SOFT_BOUNCE_LIMIT = 3
SOFT_BOUNCE_WINDOW = timedelta(days=30)


# --- writing ---------------------------------------------------------------------


def mailing_content_errors(subject: Mapping[str, str], body: Mapping[str, str]) -> list[str]:
    """What is wrong with a mailing's text, in the organiser's language; empty if
    nothing. Each language is complete (subject and body) or absent."""
    errors: list[str] = []
    languages = [code for code, _name in settings.LANGUAGES]
    written = [code for code in languages if (subject.get(code) or body.get(code) or "").strip()]
    if not written:
        errors.append(_("Write the subject and the message in at least one language."))
    names = dict(settings.LANGUAGES)
    for code in written:
        one_subject, one_body = (subject.get(code) or "").strip(), (body.get(code) or "").strip()
        language = str(names[code])
        if not one_subject:
            errors.append(_("The %(language)s version has no subject.") % {"language": language})
        if not one_body:
            errors.append(_("The %(language)s version has no message.") % {"language": language})
        if len(one_subject) > SUBJECT_MAX_LENGTH or "\n" in one_subject:
            errors.append(
                _("The %(language)s subject must be one line of at most %(n)d characters.")
                % {"language": language, "n": SUBJECT_MAX_LENGTH}
            )
        if len(one_body) > BODY_MAX_LENGTH:
            errors.append(
                _("The %(language)s message is longer than %(n)d characters.")
                % {"language": language, "n": BODY_MAX_LENGTH}
            )
        unknown = unknown_merge_fields(one_subject + "\n" + one_body)
        if unknown:
            errors.append(
                ngettext(
                    "Unknown merge field in the %(language)s version: %(fields)s. "
                    "Use {first_name}, {organisation} or {my_data_link}.",
                    "Unknown merge fields in the %(language)s version: %(fields)s. "
                    "Use {first_name}, {organisation} or {my_data_link}.",
                    len(unknown),
                )
                % {"language": language, "fields": ", ".join(f"{{{u}}}" for u in unknown)}
            )
    return errors


def _text_errors(mailing: Mailing) -> list[str]:
    return mailing_content_errors(written_versions(mailing.subject), written_versions(mailing.body))


def _may_send(actor: Actor, organisation: Organisation) -> None:
    """Organisers (and owners) of the organisation may; viewers may not. No actor
    is the platform itself (the demo, a command)."""
    if actor is None or getattr(actor, "is_superuser", False):
        return
    if not actor.is_authenticated:
        raise MailingNotAllowed(_("Sign in as an organiser of %(o)s.") % {"o": organisation})
    if not organisations_for_user(actor, roles=EDIT_ROLES).filter(pk=organisation.pk).exists():
        raise MailingNotAllowed(
            _("Only organisers of %(organisation)s can send its mailings.")
            % {"organisation": organisation}
        )


def mailing_save(*, mailing: Mailing, actor: Actor) -> Mailing:
    """Stores a draft (or a new one) after checking its text and audience."""
    _may_send(actor, mailing.organisation)
    if (
        mailing.pk
        and not Mailing.objects.filter(
            pk=mailing.pk, status__in=[Mailing.Status.DRAFT, Mailing.Status.AWAITING_APPROVAL]
        ).exists()
    ):
        raise MailingError(_("This mailing is being sent or was sent: it can no longer change."))
    errors = mailing_content_errors(
        written_versions(mailing.subject), written_versions(mailing.body)
    )
    errors += _audience_errors(mailing)
    if errors:
        raise MailingError(" ".join(errors))
    with transaction.atomic():
        if mailing.status == Mailing.Status.AWAITING_APPROVAL:
            # Changed after it was asked for: it must be asked for again.
            mailing.status = Mailing.Status.DRAFT
            mailing.approval_requested_by = None
        if mailing.created_by is None and actor is not None and actor.is_authenticated:
            mailing.created_by = actor
        mailing.save()
        audit_log(
            action="mailing.saved",
            actor=actor,
            obj=mailing,
            organisation=mailing.organisation,
            data={"languages": sorted(written_versions(mailing.body))},
        )
    return mailing


def _audience_errors(mailing: Mailing) -> list[str]:
    if mailing.audience == Mailing.Audience.SEGMENT:
        if mailing.segment is None:
            return [_("Choose a segment, or send to everyone who agreed to hear from you.")]
        if mailing.segment.organisation_id != mailing.organisation_id:
            return [_("That segment belongs to another organisation.")]
    return []


# --- who receives it -------------------------------------------------------------


def audience(mailing: Mailing) -> QuerySet[OrganisationSupporter]:
    """The people a mailing may go to now: its segment (or everyone known to the
    organisation), narrowed to those who agree to hear from it now and whose
    address does not bounce. Whatever the segment says."""
    if mailing.audience == Mailing.Audience.SEGMENT:
        if mailing.segment is None:
            return OrganisationSupporter.objects.none()
        people = segment_people(mailing.segment)
    else:
        people = OrganisationSupporter.objects.filter(organisation_id=mailing.organisation_id)
    return people.filter(
        consent_since__isnull=False,
        supporter__undeliverable_since__isnull=True,
        supporter__erased_at__isnull=True,
    )


# --- sending ---------------------------------------------------------------------


def mailing_send(*, mailing: Mailing, actor: Actor, send_at: datetime | None = None) -> Mailing:
    """Asks for a draft to be sent now or at `send_at`. For more than
    APPROVAL_THRESHOLD people it waits for a second organiser's approval."""
    _may_send(actor, mailing.organisation)
    if mailing.status != Mailing.Status.DRAFT:
        raise MailingError(
            _("Only a draft can be sent; this mailing is %(s)s.")
            % {"s": mailing.get_status_display()}
        )
    errors = mailing_content_errors(
        written_versions(mailing.subject), written_versions(mailing.body)
    )
    errors += _audience_errors(mailing)
    if send_at is not None and send_at < timezone.now() - timedelta(minutes=1):
        errors.append(_("The time to send it has passed: choose a later one, or send it now."))
    if errors:
        raise MailingError(" ".join(errors))
    count = audience(mailing).count()
    if not count:
        raise MailingError(
            _("Nobody can receive this mailing: nobody in it agrees to hear from you now.")
        )
    # Four eyes for people; the platform itself (the demo, a command) asks nobody.
    needs_approval = count > APPROVAL_THRESHOLD and actor is not None
    status = Mailing.Status.AWAITING_APPROVAL if needs_approval else Mailing.Status.SCHEDULED
    with transaction.atomic():
        changed = Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.DRAFT).update(
            status=status,
            send_at=send_at,
            approval_requested_by=actor if needs_approval else None,
            updated_at=timezone.now(),
        )
        if not changed:
            raise MailingError(_("This mailing was sent already."))
        audit_log(
            action="mailing.approval_requested" if needs_approval else "mailing.scheduled",
            actor=actor,
            obj=mailing,
            organisation=mailing.organisation,
            data=_audience_data(mailing, count),
        )
    mailing.refresh_from_db()
    return mailing


def _audience_data(mailing: Mailing, count: int) -> dict[str, object]:
    return {
        "people": count,
        "audience": mailing.audience,
        "segment": mailing.segment_id,
        "criteria": mailing.segment.criteria if mailing.segment else {},
    }


def mailing_approve(*, mailing: Mailing, actor: Actor) -> Mailing:
    """Four eyes: another organiser than the one who asked lets a large mailing go."""
    _may_send(actor, mailing.organisation)
    asked_by = mailing.approval_requested_by_id
    if actor is not None and asked_by is not None and getattr(actor, "pk", None) == asked_by:
        raise MailingError(_("Another organiser must approve it: you asked for it to be sent."))
    with transaction.atomic():
        changed = Mailing.objects.filter(
            pk=mailing.pk, status=Mailing.Status.AWAITING_APPROVAL
        ).update(
            status=Mailing.Status.SCHEDULED,
            approved_by=actor,
            approved_at=timezone.now(),
            updated_at=timezone.now(),
        )
        if not changed:
            raise MailingError(_("This mailing is not waiting for approval."))
        audit_log(
            action="mailing.approved", actor=actor, obj=mailing, organisation=mailing.organisation
        )
    mailing.refresh_from_db()
    return mailing


def mailing_pause(*, mailing: Mailing, actor: Actor) -> int:
    """Stops handing messages over; those the engine has not started on come back.
    Returns how many came back."""
    _may_send(actor, mailing.organisation)
    with transaction.atomic():
        if not Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.SENDING).update(
            status=Mailing.Status.PAUSED, updated_at=timezone.now()
        ):
            raise MailingError(_("Only a mailing being sent can be paused."))
        taken_back = _take_back(mailing, to=Recipient.Status.WAITING)
        audit_log(
            action="mailing.paused",
            actor=actor,
            obj=mailing,
            organisation=mailing.organisation,
            data={"taken_back": taken_back},
        )
    return taken_back


def mailing_resume(*, mailing: Mailing, actor: Actor) -> None:
    _may_send(actor, mailing.organisation)
    with transaction.atomic():
        if not Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.PAUSED).update(
            status=Mailing.Status.SENDING, updated_at=timezone.now()
        ):
            raise MailingError(_("Only a paused mailing can be resumed."))
        audit_log(
            action="mailing.resumed", actor=actor, obj=mailing, organisation=mailing.organisation
        )


def mailing_cancel(*, mailing: Mailing, actor: Actor) -> int:
    """Nobody else gets it. Messages already handed to the mail server are gone;
    the rest are not sent. Returns how many people will not get it."""
    _may_send(actor, mailing.organisation)
    open_states = [
        Mailing.Status.DRAFT,
        Mailing.Status.AWAITING_APPROVAL,
        Mailing.Status.SCHEDULED,
        Mailing.Status.PREPARING,
        Mailing.Status.SENDING,
        Mailing.Status.PAUSED,
    ]
    with transaction.atomic():
        if not Mailing.objects.filter(pk=mailing.pk, status__in=open_states).update(
            status=Mailing.Status.CANCELLED, finished_at=timezone.now(), updated_at=timezone.now()
        ):
            raise MailingError(_("This mailing was sent or cancelled already."))
        not_sent = _take_back(mailing, to=Recipient.Status.CANCELLED)
        not_sent += Recipient.objects.filter(
            mailing=mailing, status=Recipient.Status.WAITING
        ).update(status=Recipient.Status.CANCELLED)
        audit_log(
            action="mailing.cancelled",
            actor=actor,
            obj=mailing,
            organisation=mailing.organisation,
            data={"not_sent": not_sent},
        )
    return not_sent


def _take_back(mailing: Mailing, *, to: str) -> int:
    """Messages handed over but not yet claimed by a worker are deleted from the
    queue, their recipients set back to `to`; messages being sent go on."""
    handed = Recipient.objects.filter(
        mailing=mailing, status=Recipient.Status.QUEUED, email__status=OutgoingEmail.Status.QUEUED
    )
    ids = list(handed.values_list("pk", "email_id"))
    if not ids:
        return 0
    # Only rows still waiting are deleted: a worker may claim some meanwhile.
    deleted = set(
        OutgoingEmail.objects.filter(
            pk__in=[email_id for _pk, email_id in ids], status=OutgoingEmail.Status.QUEUED
        ).values_list("pk", flat=True)
    )
    OutgoingEmail.objects.filter(pk__in=deleted, status=OutgoingEmail.Status.QUEUED).delete()
    return Recipient.objects.filter(
        pk__in=[pk for pk, email_id in ids if email_id in deleted], email__isnull=True
    ).update(status=to)


def mailing_test_send(*, mailing: Mailing, actor: Actor, language: str) -> OutgoingEmail:
    """The mailing in one language, to the organiser's own address, as a sample
    reader gets it ("[Test]" before the subject)."""
    _may_send(actor, mailing.organisation)
    address = getattr(actor, "email", "")
    if not address:
        raise MailingError(_("Your account has no email address to send a test to."))
    errors = mailing_content_errors(
        written_versions(mailing.subject), written_versions(mailing.body)
    )
    if errors:
        raise MailingError(" ".join(errors))
    message = message_for(mailing, None, to=address, language=language)
    email = email_queue(
        to=address,
        template=TEST_TEMPLATE,
        context={
            "subject": _test_subject(
                str(message.subject), message.extra_headers["Content-Language"]
            ),
            "text": message.body,
            "html": message.alternatives[0][0] if message.alternatives else "",
        },
        language=language,
    )
    audit_log(
        action="mailing.test_sent",
        actor=actor,
        obj=mailing,
        organisation=mailing.organisation,
        data={"language": language},
    )
    return email


def _test_subject(subject: str, language: str) -> str:
    """A test's subject says so in the language of the version tested."""
    with translation.override(language):
        return _("[Test] %(subject)s") % {"subject": subject}


# --- the background work ---------------------------------------------------------


def mailings_tick(*, now: datetime | None = None) -> dict[str, int]:
    """One round of mailings' background work: start what is due, freeze
    recipients, feed the delivery engine, close what is done. Safe to run twice."""
    now = now or timezone.now()
    started = 0
    for mailing in Mailing.objects.filter(status=Mailing.Status.SCHEDULED):
        if mailing.send_at is None or mailing.send_at <= now:
            started += Mailing.objects.filter(
                pk=mailing.pk, status=Mailing.Status.SCHEDULED
            ).update(status=Mailing.Status.PREPARING, started_at=now)
    prepared = 0
    deadline = time.monotonic() + PREPARE_SECONDS
    for mailing in Mailing.objects.filter(status=Mailing.Status.PREPARING):
        # Chunk after chunk, each its own short transaction, for a while.
        while (chunk := _prepare(mailing)) == PREPARE_CHUNK and time.monotonic() < deadline:
            prepared += chunk
            mailing.refresh_from_db()
        prepared += chunk
    sending: dict[int, list[Mailing]] = {}
    for mailing in (
        Mailing.objects.filter(status=Mailing.Status.SENDING)
        .select_related("organisation")
        .order_by("pk")
    ):
        sending.setdefault(mailing.organisation_id, []).append(mailing)
    fed = sum(_feed(mailings, now=now) for mailings in sending.values())
    finished = sum(
        _finish(mailing) for mailing in Mailing.objects.filter(status=Mailing.Status.SENDING)
    )
    return {"started": started, "prepared": prepared, "fed": fed, "finished": finished}


def _prepare(mailing: Mailing) -> int:
    """Freezes the next chunk of recipients; the last chunk sets the mailing sending.
    Resumable: rows already written are skipped (one per person and mailing)."""
    if mailing.audience == Mailing.Audience.SEGMENT and mailing.segment_id is None:
        Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.PREPARING).update(
            status=Mailing.Status.CANCELLED, finished_at=timezone.now()
        )
        audit_log(
            action="mailing.cancelled",
            obj=mailing,
            organisation=mailing.organisation,
            data={"reason": "segment deleted before sending"},
        )
        return 0
    with transaction.atomic():
        # Read again under the lock: a tick holding an older copy must not add
        # anyone once the list is frozen, nor freeze it twice.
        current = _locked(mailing, Mailing.Status.PREPARING)
        if current is None:
            return 0
        mailing = current
        people = (
            audience(mailing)
            .filter(supporter_id__gt=mailing.prepared_up_to)
            .order_by("supporter_id")
            .values_list("supporter_id", "supporter__language")[:PREPARE_CHUNK]
        )
        rows = list(people)
        Recipient.objects.bulk_create(
            [Recipient(mailing=mailing, supporter_id=pk, language=lang) for pk, lang in rows],
            ignore_conflicts=True,
        )
        if len(rows) == PREPARE_CHUNK:
            Mailing.objects.filter(pk=mailing.pk).update(prepared_up_to=rows[-1][0])
            return len(rows)
        count = Recipient.objects.filter(mailing=mailing).count()
        Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.PREPARING).update(
            status=Mailing.Status.SENDING,
            recipients_count=count,
            prepared_up_to=rows[-1][0] if rows else mailing.prepared_up_to,
        )
        audit_log(
            action="mailing.recipients_frozen",
            obj=mailing,
            organisation=mailing.organisation,
            data={"recipients": count},
        )
    return len(rows)


def _feed(mailings: list[Mailing], *, now: datetime) -> int:
    """Hands the next recipients of one organisation's sending mailings to the
    delivery engine, within the organisation's limits and a few seconds ahead of
    it; checks once more that each may still receive it. Mailings sending at once
    share the organisation's rate: what one cannot use goes to the next. Returns
    how many were handed over."""
    limit, _created = SendingLimit.objects.get_or_create(organisation=mailings[0].organisation)
    if limit.hour_started_at is None or now - limit.hour_started_at >= timedelta(hours=1):
        limit.hour_started_at, limit.sent_this_hour = now, 0
    since = (now - limit.last_fed_at).total_seconds() if limit.last_fed_at else 1.0
    # What the rate allows since the last hand-over, up to a few seconds' worth.
    room = min(
        limit.per_hour - limit.sent_this_hour,
        int(limit.per_second * min(max(since, 0.0), FEED_AHEAD_SECONDS)),
    )
    most_ahead = max(FEED_AHEAD_LEAST, limit.per_second * FEED_AHEAD_SECONDS)
    handed = 0
    for position, mailing in enumerate(mailings):
        share = room // (len(mailings) - position)  # of what is left, an equal part
        ahead = Recipient.objects.filter(
            mailing=mailing,
            status=Recipient.Status.QUEUED,
            email__status__in=[OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.SENDING],
        ).count()
        left = min(share, most_ahead - ahead)
        fed = 0
        while left > 0:
            chunk = _feed_chunk(mailing, min(left, FEED_CHUNK))
            if chunk is None:
                break
            fed += chunk
            left -= FEED_CHUNK
        room -= fed
        handed += fed
    SendingLimit.objects.filter(pk=limit.pk).update(
        hour_started_at=limit.hour_started_at,
        sent_this_hour=limit.sent_this_hour + handed,
        last_fed_at=now,
    )
    return handed


def _feed_chunk(mailing: Mailing, size: int) -> int | None:
    """One transaction: up to `size` waiting recipients handed over or skipped.
    None when nobody is waiting."""
    with transaction.atomic():
        # One feeder per mailing at a time, and only while it is sending: what
        # is read below cannot be handed over twice.
        if _locked(mailing, Mailing.Status.SENDING) is None:
            return None
        waiting = list(
            Recipient.objects.filter(mailing=mailing, status=Recipient.Status.WAITING)
            .order_by("pk")
            .select_related("supporter")[:size]
        )
        if not waiting:
            return None
        allowed = set(
            audience_of_supporters(mailing, [r.supporter_id for r in waiting if r.supporter_id])
        )
        handed = 0
        for recipient in waiting:
            supporter = recipient.supporter
            if supporter is None or supporter.pk not in allowed or not supporter.email:
                recipient.status = Recipient.Status.SKIPPED
                continue
            recipient.email = OutgoingEmail(
                recipient=supporter.email,
                recipient_index=supporter.email_index or "",
                language=recipient.language,
                template=MAILING_TEMPLATE,
                context=json.dumps({"recipient": recipient.pk}),
                priority=OutgoingEmail.Priority.BULK,
            )
            recipient.status = Recipient.Status.QUEUED
            handed += 1
        OutgoingEmail.objects.bulk_create([r.email for r in waiting if r.email is not None])
        _recipients_handed(waiting)
        if handed:
            email_wake_worker()
    return handed


def _recipients_handed(recipients: list[Recipient]) -> None:
    """Writes each recipient's new status and message, one prepared statement run
    for all: Django's bulk_update writes a CASE with a branch per row, which the
    database evaluates for every row (quadratic; a thousand rows took a second)."""
    table = connection.ops.quote_name(Recipient._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET status = %s, email_id = %s WHERE id = %s",  # noqa: S608
            [(r.status, r.email.pk if r.email else None, r.pk) for r in recipients],
        )


def _locked(mailing: Mailing, status: str) -> Mailing | None:
    """The mailing as stored now, if it still has `status`, locked for the rest of
    the transaction (its row on PostgreSQL; SQLite's transactions take the write
    lock as they begin)."""
    return Mailing.objects.select_for_update().filter(pk=mailing.pk, status=status).first()


def audience_of_supporters(mailing: Mailing, supporter_ids: list[int]) -> list[int]:
    """Which of these people the mailing may still go to, now."""
    return list(
        OrganisationSupporter.objects.filter(
            organisation_id=mailing.organisation_id,
            supporter_id__in=supporter_ids,
            consent_since__isnull=False,
            supporter__undeliverable_since__isnull=True,
            supporter__erased_at__isnull=True,
        ).values_list("supporter_id", flat=True)
    )


def _finish(mailing: Mailing) -> int:
    pending = (
        Recipient.objects.filter(mailing=mailing).filter(status=Recipient.Status.WAITING).exists()
        or Recipient.objects.filter(
            mailing=mailing,
            status=Recipient.Status.QUEUED,
            email__status__in=[OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.SENDING],
        ).exists()
    )
    if pending:
        return 0
    with transaction.atomic():
        done = Mailing.objects.filter(pk=mailing.pk, status=Mailing.Status.SENDING).update(
            status=Mailing.Status.SENT, finished_at=timezone.now()
        )
        if done:
            audit_log(action="mailing.sent", obj=mailing, organisation=mailing.organisation)
    return done


# --- unsubscribing and bounces ---------------------------------------------------


def recipient_unsubscribe(*, recipient: Recipient) -> Organisation:
    """The recipient no longer wants to hear from the mailing's organisation: their
    consent is withdrawn (a consent record's withdrawal, with its time), and every
    later mailing honours it. Doing it twice changes nothing more."""
    organisation = recipient.mailing.organisation
    with transaction.atomic():
        Recipient.objects.filter(pk=recipient.pk, unsubscribed_at__isnull=True).update(
            unsubscribed_at=timezone.now()
        )
        if recipient.supporter is not None:
            consent_withdraw(supporter=recipient.supporter, organisation=organisation)
    return organisation


def bounce_record(
    *, supporter: Supporter, kind: str, source: str, recipient: Recipient | None = None
) -> Bounce | None:
    """A report that mail to a person bounced (for good or for now) or was marked
    as spam. A hard bounce, or SOFT_BOUNCE_LIMIT soft ones in SOFT_BOUNCE_WINDOW,
    makes the address undeliverable; a complaint unsubscribes the person from
    every organisation.

    A message's report counts once per kind (an MTA's delay warning every few
    hours, a provider's retries, a report read twice): None if it was recorded
    already."""
    now = timezone.now()
    with transaction.atomic():
        if recipient is not None:
            # Two reports of one message at once: the second waits here, then sees the first.
            list(Recipient.objects.select_for_update().filter(pk=recipient.pk).values("pk"))
            if Bounce.objects.filter(recipient=recipient, kind=kind).exists():
                return None
        bounce = Bounce.objects.create(
            supporter=supporter, recipient=recipient, kind=kind, source=source[:40]
        )
        if recipient is not None:
            field = "complained_at" if kind == Bounce.Kind.COMPLAINT else "bounced_at"
            Recipient.objects.filter(pk=recipient.pk, **{f"{field}__isnull": True}).update(
                **{field: now}
            )
        reasons = Supporter.UndeliverableReason
        reason = ""
        if kind == Bounce.Kind.HARD:
            reason = reasons.HARD_BOUNCE
        elif kind == Bounce.Kind.SOFT:
            # Counted since the person last said the address works, if that is later.
            since = max(
                now - SOFT_BOUNCE_WINDOW, supporter.address_confirmed_at or now - SOFT_BOUNCE_WINDOW
            )
            recent = Bounce.objects.filter(
                supporter=supporter, kind=Bounce.Kind.SOFT, at__gte=since
            ).count()
            if recent >= SOFT_BOUNCE_LIMIT:
                reason = reasons.SOFT_BOUNCES
        elif kind == Bounce.Kind.COMPLAINT:
            reason = reasons.COMPLAINT
            for organisation in Organisation.objects.filter(
                pk__in=supporter.consents.filter(withdrawn_at__isnull=True).values(
                    "organisation_id"
                )
            ):
                consent_withdraw(supporter=supporter, organisation=organisation)
        if reason:
            Supporter.objects.filter(pk=supporter.pk, undeliverable_since__isnull=True).update(
                undeliverable_since=now, undeliverable_reason=reason
            )
        audit_log(action=f"address.{kind}", obj=supporter, data={"source": source[:40]})
    return bounce
