"""Every change to events, registrations, co-sponsors and proposed local actions.

Registrations for one event are made one at a time under the event's row lock,
which also keeps the event's counters (places taken, people waiting): pages
read them and never count rows. Emails go through the task queue, in the
attendee's language, with a calendar file where there is a place to go to.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import base36_to_int, int_to_base36
from django.utils.translation import gettext as _

from solidaria.core.mail.outbox import email_queue
from solidaria.core.privacy import pii
from solidaria.core.privacy.audit import Actor, audit_log
from solidaria.core.rendering.i18n import localize
from solidaria.organisations.selectors import contact_email_for
from solidaria.supporters.services import (
    consent_record_once,
    consent_text_current,
    supporter_acted,
    supporter_get_or_create,
)

from .calendars import ics
from .exceptions import EventError
from .models import Cosponsor, DayOfAction, Event, Rsvp, TrustedHost

# At most this many messages from a host to their attendees per event and day.
HOST_MESSAGES_PER_DAY = 3
# Registering again resends the personal link at most this often.
LINK_RESEND_INTERVAL = timedelta(minutes=10)


def _signed_token(kind: str, pk: int) -> str:
    """A private link's token: the row's number and a keyed tag. Derived, so every
    email carries the same link and nothing secret is stored."""
    tag = salted_hmac(f"solidaria.events.{kind}", str(pk)).hexdigest()[:32]
    return f"{int_to_base36(pk)}-{tag}"


def _token_pk(kind: str, token: str) -> int | None:
    number, _sep, _tag = token.partition("-")
    try:
        pk = base36_to_int(number)
    except ValueError:
        return None
    return pk if constant_time_compare(_signed_token(kind, pk), token) else None


def attendee_token(rsvp: Rsvp) -> str:
    return _signed_token("attendee", rsvp.pk)


def host_token(event: Event) -> str:
    return _signed_token("host", event.pk)


def _url_in(language: str, name: str, **kwargs: str | int) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def _event_context(event: Event, language: str) -> dict[str, object]:
    languages = event.campaign.languages
    with translation.override(language):
        return {
            "event_title": str(localize(event.title, languages=languages, requested=language)),
            "when": format_when(event),
            "place": event.place if event.kind == Event.Kind.IN_PERSON else _("Online"),
            "address": event.address,
            "event_url": _url_in(language, "events:detail", slug=event.slug),
        }


def format_when(event: Event) -> str:
    """The event's time in its own zone, in the active language."""
    from django.utils.formats import date_format

    start, end = event.local_start, event.local_end
    same_day = start.date() == end.date()
    text = f"{date_format(start, 'DATE_FORMAT')} {start:%H:%M}–"
    text += f"{end:%H:%M}" if same_day else f"{date_format(end, 'DATE_FORMAT')} {end:%H:%M}"
    return f"{text} ({event.timezone})"


def _attendee_email(rsvp: Rsvp, template: str) -> None:
    """Confirmation, promotion or reminder: with the personal link and, for a place,
    the calendar file whose entry points at that personal page."""
    event = rsvp.event
    personal = _url_in(rsvp.language, "events:attendee", token=attendee_token(rsvp))
    from django.conf import settings

    context = {
        **_event_context(event, rsvp.language),
        "name": rsvp.name,
        "status": rsvp.status,
        "guests": rsvp.guests,
        "personal_url": personal,
        "online_url": event.online_url if rsvp.status == Rsvp.Status.CONFIRMED else "",
    }
    attachments = None
    if rsvp.status == Rsvp.Status.CONFIRMED:
        calendar = ics(
            [event],
            name=str(context["event_title"]),
            language=rsvp.language,
            private_url=settings.SITE_URL.rstrip("/") + personal,
        )
        attachments = [("event.ics", calendar.decode(), "text/calendar")]
    email_queue(
        to=rsvp.email,
        template=template,
        language=rsvp.language,
        context=context,
        reply_to=contact_email_for(event.host or event.campaign.owner, rsvp.language) or "",
        attachments=attachments,
    )


def _locked(event: Event) -> Event:
    return (
        Event.objects.select_for_update(of=("self",))
        .select_related("campaign__owner", "host")
        .get(pk=event.pk)
    )


def _check_open(event: Event) -> None:
    if event.status == Event.Status.CANCELLED:
        raise EventError(_("This event has been cancelled."))
    if not event.is_public:
        raise EventError(_("This event is not open for registration."))
    if event.is_past:
        raise EventError(_("This event is over."))


@dataclass(frozen=True)
class RsvpResult:
    rsvp: Rsvp
    repeated: bool


def rsvp_create(
    *,
    event: Event,
    name: str,
    email: str,
    phone: str = "",
    guests: int = 0,
    consent_owner: bool = False,
    language: str,
) -> RsvpResult:
    """Registers someone, or puts them on the waiting list when the places are taken.

    Registering again with the same address changes nothing; the address's owner
    gets their personal link again by email, so nobody else learns anything."""
    with transaction.atomic():
        event = _locked(event)
        _check_open(event)
        existing = (
            Rsvp.objects.filter(event=event, email_index=pii.email_index(email))
            .exclude(status=Rsvp.Status.CANCELLED)
            .first()
        )
        if existing is not None:
            # The owner of the address gets their link again, at most every few minutes.
            recent = timezone.now() - LINK_RESEND_INTERVAL
            if existing.link_sent_at is None or existing.link_sent_at < recent:
                existing.event = event
                existing.link_sent_at = timezone.now()
                existing.save(update_fields=["link_sent_at"])
                _attendee_email(existing, "events_registration")
            return RsvpResult(rsvp=existing, repeated=True)
        seats = 1 + guests
        if event.capacity is not None and seats > event.capacity:
            raise EventError(
                _("This event has %(count)s places in all: please come with fewer guests.")
                % {"count": event.capacity}
            )
        fits = event.capacity is None or event.seats_taken + seats <= event.capacity
        # Nobody jumps the queue: while people wait, newcomers wait behind them.
        status = Rsvp.Status.CONFIRMED if fits and not event.waiting else Rsvp.Status.WAITLISTED
        try:
            with transaction.atomic():
                rsvp = Rsvp.objects.create(
                    event=event,
                    status=status,
                    name=name.strip(),
                    email=email.strip(),
                    email_index=pii.email_index(email),
                    phone=phone.strip(),
                    guests=guests,
                    consent_owner=consent_owner,
                    language=language,
                    link_sent_at=timezone.now(),
                    **_reminders_already_covered(event),
                )
        except IntegrityError as exc:
            raise EventError(_("You are already registered.")) from exc
        if status == Rsvp.Status.CONFIRMED:
            Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") + seats)
        else:
            Event.objects.filter(pk=event.pk).update(waiting=F("waiting") + 1)
        _link_supporter(rsvp, event)
        _attendee_email(rsvp, "events_registration")
    return RsvpResult(rsvp=rsvp, repeated=False)


def _reminders_already_covered(event: Event) -> dict[str, bool]:
    """Registered a few hours before: the confirmation is the day-before reminder."""
    until_start = event.starts_at - timezone.now()
    return {
        "reminded_day": until_start < timedelta(days=1),
        "reminded_hour": until_start < timedelta(hours=1),
    }


def _link_supporter(rsvp: Rsvp, event: Event) -> None:
    """A registration is one of the person's actions, consent or not."""
    supporter, _created = supporter_get_or_create(
        email=rsvp.email, name=rsvp.name, phone=rsvp.phone, language=rsvp.language
    )
    Rsvp.objects.filter(pk=rsvp.pk).update(supporter=supporter)
    rsvp.supporter = supporter
    supporter_acted(
        supporter=supporter, organisation_id=event.campaign.owner_id, at=rsvp.created_at
    )
    if rsvp.consent_owner:
        consent_record_once(
            supporter=supporter,
            consent_text=consent_text_current(event.campaign.owner),
            language=rsvp.language,
            source=f"event:{event.slug}",
        )


def _link_host(event: Event) -> None:
    """A published local action is one of its host's actions."""
    if not event.host_email or event.host_supporter_id is not None:
        return
    supporter, _created = supporter_get_or_create(
        email=event.host_email, name=event.host_name, language=event.host_language or "en"
    )
    Event.objects.filter(pk=event.pk).update(host_supporter=supporter)
    event.host_supporter = supporter
    supporter_acted(
        supporter=supporter, organisation_id=event.campaign.owner_id, at=event.created_at
    )


def rsvp_for_token(token: str) -> Rsvp | None:
    pk = _token_pk("attendee", token or "")
    if pk is None:
        return None
    return (
        Rsvp.objects.select_related("event__campaign__owner", "event__host").filter(pk=pk).first()
    )


def rsvp_cancel(*, rsvp: Rsvp) -> list[Rsvp]:
    """Frees the place; the waiting list moves up in order. Returns who got a place."""
    with transaction.atomic():
        event = _locked(rsvp.event)
        rsvp = Rsvp.objects.select_for_update().get(pk=rsvp.pk)
        if rsvp.status == Rsvp.Status.CANCELLED:
            return []
        was = rsvp.status
        rsvp.status = Rsvp.Status.CANCELLED
        rsvp.cancelled_at = timezone.now()
        rsvp.save(update_fields=["status", "cancelled_at"])
        if was == Rsvp.Status.CONFIRMED:
            event.seats_taken = max(event.seats_taken - rsvp.seats, 0)
        else:
            event.waiting = max(event.waiting - 1, 0)
        promoted = _promote(event)
        Event.objects.filter(pk=event.pk).update(
            seats_taken=event.seats_taken, waiting=event.waiting
        )
    return promoted


def _promote(event: Event) -> list[Rsvp]:
    """Gives freed places to the waiting list, first come first served: the first in
    line who does not fit stops the line (nobody overtakes them). Nothing moves for
    an event that is cancelled, unpublished or over."""
    if event.status != Event.Status.PUBLISHED or event.is_past:
        return []
    promoted = []
    for waiting in Rsvp.objects.filter(event=event, status=Rsvp.Status.WAITLISTED).order_by(
        "created_at", "pk"
    ):
        if event.capacity is not None and waiting.seats > event.capacity:
            continue  # can never fit (capacity lowered since): not a reason to block the line
        if event.capacity is not None and event.seats_taken + waiting.seats > event.capacity:
            break
        waiting.status = Rsvp.Status.CONFIRMED
        waiting.promoted_at = timezone.now()
        covered = _reminders_already_covered(event)
        waiting.reminded_day = waiting.reminded_day or covered["reminded_day"]
        waiting.reminded_hour = waiting.reminded_hour or covered["reminded_hour"]
        waiting.save(update_fields=["status", "promoted_at", "reminded_day", "reminded_hour"])
        event.seats_taken += waiting.seats
        event.waiting = max(event.waiting - 1, 0)
        waiting.event = event
        _attendee_email(waiting, "events_promoted")
        promoted.append(waiting)
    return promoted


def event_capacity_changed(*, event: Event) -> list[Rsvp]:
    """After organisers add places: the waiting list moves up."""
    with transaction.atomic():
        locked = _locked(event)
        promoted = _promote(locked)
        Event.objects.filter(pk=locked.pk).update(
            seats_taken=locked.seats_taken, waiting=locked.waiting
        )
    return promoted


def event_moved(*, event: Event, actor: Actor) -> int:
    """The organisers changed the time: reminders start again, and everyone is told."""
    with transaction.atomic():
        locked = _locked(event)
        rsvps = Rsvp.objects.filter(event=locked).exclude(status=Rsvp.Status.CANCELLED)
        rsvps.update(reminded_day=False, reminded_hour=False)
        covered = _reminders_already_covered(locked)
        if any(covered.values()):
            rsvps.update(**covered)
        told = 0
        for rsvp in rsvps:
            rsvp.event = locked
            _attendee_email(rsvp, "events_moved")
            told += 1
        audit_log(
            action="event.moved",
            actor=actor,
            obj=locked,
            organisation=locked.campaign.owner,
            data={"told": told},
        )
    return told


@dataclass
class EventUpdate:
    told: int = 0  # people registered who were told the new time
    promoted: list[Rsvp] = field(default_factory=list)  # moved from the waiting list


# Kept by the registration services under the row lock: never written from a form.
EVENT_COUNTERS = ("seats_taken", "waiting", "status")


def event_update(*, event: Event, actor: Actor) -> EventUpdate:
    """Saves the organisers' changes to an event held in memory, and what follows from
    them: a new time is told to everyone registered, added places move the waiting list
    up. One transaction: if a step fails, nothing is saved and no email leaves."""
    editable = [
        f
        for f in Event._meta.concrete_fields
        if not f.primary_key and f.name not in EVENT_COUNTERS and f.editable
    ]
    result = EventUpdate()
    with transaction.atomic():
        before = _locked(event)
        changed = [
            f.name for f in editable if getattr(before, f.attname) != getattr(event, f.attname)
        ]
        event.save(update_fields=[*(f.name for f in editable), "updated_at"])
        audit_log(
            action="event.changed",
            actor=actor,
            obj=event,
            organisation=before.campaign.owner,
            data={"fields": changed},
        )
        if (event.starts_at, event.ends_at) != (before.starts_at, before.ends_at):
            result.told = event_moved(event=event, actor=actor)
        if event.capacity != before.capacity:
            result.promoted = event_capacity_changed(event=event)
    # The counters may have moved under the lock: the caller's copy shows them.
    event.refresh_from_db(fields=list(EVENT_COUNTERS))
    return result


def event_cancel(*, event: Event, actor: Actor) -> int:
    """Cancels the event and tells everyone registered or waiting."""
    with transaction.atomic():
        locked = _locked(event)
        if locked.status == Event.Status.CANCELLED:
            return 0
        locked.status = Event.Status.CANCELLED
        locked.save(update_fields=["status", "updated_at"])
        told = 0
        for rsvp in Rsvp.objects.filter(event=locked).exclude(status=Rsvp.Status.CANCELLED):
            email_queue(
                to=rsvp.email,
                template="events_cancelled",
                language=rsvp.language,
                context=_event_context(locked, rsvp.language),
            )
            told += 1
        audit_log(
            action="event.cancelled",
            actor=actor,
            obj=locked,
            organisation=locked.campaign.owner,
            data={"told": told},
        )
    return told


def reminders_send(*, now: datetime | None = None, batch: int = 200) -> int:
    """The day-before and hour-before reminders that are due. Run by the scheduler."""
    now = now or timezone.now()
    sent = 0
    due = (
        ("reminded_hour", now + timedelta(hours=1), "events_reminder_hour"),
        ("reminded_day", now + timedelta(days=1), "events_reminder_day"),
    )
    for flag, horizon, template in due:
        rsvps = (
            Rsvp.objects.select_related("event__campaign__owner", "event__host")
            .filter(
                status=Rsvp.Status.CONFIRMED,
                event__status=Event.Status.PUBLISHED,
                event__starts_at__gt=now,
                event__starts_at__lte=horizon,
                **{flag: False},
            )
            .order_by("event__starts_at", "pk")[:batch]
        )
        for rsvp in rsvps:
            with transaction.atomic():
                # Claimed with a conditional update, so two runs never send twice.
                claimed = Rsvp.objects.filter(pk=rsvp.pk, **{flag: False}).update(
                    reminded_hour=True if flag == "reminded_hour" else F("reminded_hour"),
                    reminded_day=True,
                )
                if not claimed:
                    continue
                _attendee_email(rsvp, template)
                sent += 1
    return sent


def cosponsor_request(
    *,
    event: Event,
    name: str,
    country: str,
    website: str,
    contact_name: str,
    contact_email: str,
    language: str,
) -> Cosponsor:
    if not event.is_public or event.is_past:
        raise EventError(_("This event does not take co-sponsors any more."))
    with transaction.atomic():
        cosponsor = Cosponsor.objects.create(
            event=event,
            name=name.strip(),
            country=country,
            website=website,
            contact_name=contact_name.strip(),
            contact_email=contact_email.strip(),
            language=language,
        )
        audit_log(action="cosponsor.requested", obj=cosponsor, organisation=event.campaign.owner)
    return cosponsor


def cosponsor_decide(*, cosponsor: Cosponsor, approve: bool, actor: Actor) -> bool:
    with transaction.atomic():
        updated = Cosponsor.objects.filter(pk=cosponsor.pk, status=Cosponsor.Status.PENDING).update(
            status=Cosponsor.Status.APPROVED if approve else Cosponsor.Status.DECLINED,
            decided_at=timezone.now(),
        )
        if not updated:
            return False
        cosponsor.refresh_from_db()
        email_queue(
            to=cosponsor.contact_email,
            template="events_cosponsor_decided",
            language=cosponsor.language,
            context={
                **_event_context(cosponsor.event, cosponsor.language),
                "organisation": cosponsor.name,
                "approved": approve,
            },
        )
        audit_log(
            action="cosponsor.approved" if approve else "cosponsor.declined",
            actor=actor,
            obj=cosponsor,
            organisation=cosponsor.event.campaign.owner,
        )
    return True


def event_propose(
    *,
    day: DayOfAction,
    title: str,
    description: str,
    venue: str,
    address: str,
    city: str,
    country: str,
    latitude: Decimal | None,
    longitude: Decimal | None,
    starts_at: datetime,
    ends_at: datetime,
    zone_name: str,
    host_name: str,
    host_email: str,
    language: str,
) -> tuple[Event, str]:
    """A supporter's local action for a day of action. Published at once for a trusted
    host, otherwise after moderation. Returns the event and the host's secret link."""
    if not day.takes_proposals or not day.campaign.is_public:
        raise EventError(_("This day of action does not take proposals."))
    if starts_at <= timezone.now():
        raise EventError(_("The action must start in the future."))
    trusted = TrustedHost.objects.filter(email_index=pii.email_index(host_email)).exists()
    with transaction.atomic():
        event = Event(
            campaign=day.campaign,
            day_of_action=day,
            slug=_free_slug(day, city),
            title={language: title.strip()},
            description={language: description.strip()},
            kind=Event.Kind.IN_PERSON,
            venue=venue.strip(),
            address=address.strip(),
            city=city.strip(),
            country=country,
            latitude=latitude,
            longitude=longitude,
            starts_at=starts_at,
            ends_at=ends_at,
            timezone=zone_name,
            host_name=host_name.strip(),
            host_email=host_email.strip(),
            host_email_index=pii.email_index(host_email),
            host_language=language,
            # Even a trusted host's action waits until they open the link we email:
            # whoever types a trusted address does not publish anything.
            status=Event.Status.PROPOSED,
        )
        event.full_clean(exclude=["title", "description", "slug"])
        event.save()
        email_queue(
            to=host_email,
            template="events_proposal_received",
            language=language,
            context={
                **_event_context(event, language),
                "host_url": _url_in(language, "events:host", token=host_token(event)),
                "trusted": trusted,
            },
        )
        audit_log(
            action="event.proposed",
            obj=event,
            organisation=day.campaign.owner,
            data={"trusted_host": trusted},
        )
    return event, host_token(event)


def _free_slug(day: DayOfAction, city: str) -> str:
    from django.utils.text import slugify

    base = slugify(f"{day.slug}-{city}")[:60] or day.slug[:60]
    return f"{base}-{secrets.token_hex(3)}"


def proposal_decide(*, event: Event, approve: bool, trust: bool, actor: User) -> bool:
    with transaction.atomic():
        updated = Event.objects.filter(pk=event.pk, status=Event.Status.PROPOSED).update(
            status=Event.Status.PUBLISHED if approve else Event.Status.DECLINED,
            updated_at=timezone.now(),
        )
        if not updated:
            return False
        event.refresh_from_db()
        if approve:
            _link_host(event)
        if approve and trust and event.host_email_index:
            TrustedHost.objects.get_or_create(
                email_index=event.host_email_index,
                defaults={"name": event.host_name, "trusted_by": actor},
            )
        # A draft organisers made themselves (from a committee's proposal) has no
        # host to tell.
        if event.host_email:
            language = event.host_language or event.campaign.languages[0]
            email_queue(
                to=event.host_email,
                template="events_proposal_decided",
                language=language,
                context={**_event_context(event, language), "approved": approve},
            )
        audit_log(
            action="event.proposal_approved" if approve else "event.proposal_declined",
            actor=actor,
            obj=event,
            organisation=event.campaign.owner,
            data={"trusted": bool(approve and trust)},
        )
    return True


def event_publish_by_trusted_host(*, event: Event) -> bool:
    """A trusted host pressed "publish" on their page: their waiting action goes public.

    Not on opening the emailed link: mail scanners open links too."""
    if event.status != Event.Status.PROPOSED:
        return False
    if not TrustedHost.objects.filter(email_index=event.host_email_index).exists():
        return False
    updated = Event.objects.filter(pk=event.pk, status=Event.Status.PROPOSED).update(
        status=Event.Status.PUBLISHED, updated_at=timezone.now()
    )
    if updated:
        event.status = Event.Status.PUBLISHED
        _link_host(event)
        audit_log(
            action="event.proposal_approved",
            obj=event,
            organisation=event.campaign.owner,
            data={"trusted_host": True},
        )
    return bool(updated)


def event_for_host_token(token: str) -> Event | None:
    pk = _token_pk("host", token or "")
    if pk is None:
        return None
    return (
        Event.objects.select_related("campaign__owner", "day_of_action")
        .filter(pk=pk)
        .exclude(host_email_index="")
        .first()
    )


def host_message_send(*, event: Event, subject: str, body: str) -> int:
    """A host writes to everyone registered, through us: hosts never see addresses."""
    from solidaria.core.models import AuditEntry

    since = timezone.now() - timedelta(days=1)
    sent = 0
    with transaction.atomic():
        event = _locked(event)  # one message at a time per event, so the limit holds
        recent = AuditEntry.objects.filter(
            action="event.host_message", object_id=str(event.pk), created_at__gte=since
        ).count()
        if recent >= HOST_MESSAGES_PER_DAY:
            raise EventError(
                _("You have sent the most messages allowed today. Try again tomorrow.")
            )
        for rsvp in Rsvp.objects.filter(event=event, status=Rsvp.Status.CONFIRMED):
            email_queue(
                to=rsvp.email,
                template="events_host_message",
                language=rsvp.language,
                context={
                    **_event_context(event, rsvp.language),
                    "host_name": event.host_name,
                    "subject": subject.strip(),
                    "body": body.strip(),
                },
            )
            sent += 1
        audit_log(
            action="event.host_message",
            obj=event,
            organisation=event.campaign.owner,
            data={"recipients": sent},
        )
    return sent


def rsvp_mark_attendance(*, rsvp: Rsvp, attended: bool | None, actor: Actor) -> None:
    Rsvp.objects.filter(pk=rsvp.pk).update(attended=attended)
    audit_log(
        action="rsvp.attendance",
        actor=actor,
        obj=rsvp,
        organisation=rsvp.event.campaign.owner,
        data={"attended": attended},
    )
