"""What events hold about a person: their registrations, the local actions they
host, and their place among trusted hosts (`supporters.registry`).

Co-sponsors' contact people are found by comparing addresses: that table holds
a few rows per event, and it has no index of the address to look up.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from solidaria.core.db.batches import update_in_batches
from solidaria.core.privacy import pii
from solidaria.supporters.exceptions import ActionNotFound
from solidaria.supporters.registry import Action, ExportSection, Person, PersonalData

from .models import Cosponsor, Event, Rsvp, TrustedHost
from .services import rsvp_cancel


def _registrations(person: Person) -> QuerySet[Rsvp]:
    return Rsvp.objects.filter(
        Q(supporter=person.supporter) | Q(email_index__in=person.email_indexes)
    ).select_related("event__campaign")


def _hosted(person: Person) -> QuerySet[Event]:
    return Event.objects.filter(
        Q(host_supporter=person.supporter) | Q(host_email_index__in=person.email_indexes)
    ).select_related("campaign")


def _cosponsorships(person: Person) -> list[Cosponsor]:
    wanted = set(person.email_indexes)
    return [
        cosponsor
        for cosponsor in Cosponsor.objects.select_related("event__campaign")
        if cosponsor.contact_email and pii.email_index(cosponsor.contact_email) in wanted
    ]


def end(person: Person, kind: str, pk: int) -> str:
    rsvp = _registrations(person).filter(pk=pk).exclude(status=Rsvp.Status.CANCELLED).first()
    if kind != "registration" or rsvp is None or rsvp.event.is_past:
        raise ActionNotFound(_("This registration is not yours to cancel, or it is cancelled."))
    rsvp_cancel(rsvp=rsvp)
    return _("Your registration for “%(event)s” is cancelled.") % {"event": rsvp.event}


def actions(person: Person) -> list[Action]:
    found = [
        Action.on(
            rsvp.event.campaign,
            kind="registration",
            what=_("Registered for “%(event)s”") % {"event": rsvp.event},
            at=rsvp.created_at,
            status=rsvp.get_status_display(),
            pk=rsvp.pk,
            end_label=(
                _("Cancel my registration")
                if rsvp.status != Rsvp.Status.CANCELLED and not rsvp.event.is_past
                else ""
            ),
        )
        for rsvp in _registrations(person)
    ]
    found += [
        Action.on(
            event.campaign,
            kind="hosted_action",
            what=_("Hosts “%(event)s”") % {"event": event},
            at=event.created_at,
            status=event.get_status_display(),
        )
        for event in _hosted(person)
    ]
    found += [
        Action.on(
            cosponsor.event.campaign,
            kind="cosponsorship",
            what=_("Asked to co-sponsor “%(event)s” for %(organisation)s")
            % {"event": cosponsor.event, "organisation": cosponsor.name},
            at=cosponsor.created_at,
            status=cosponsor.get_status_display(),
        )
        for cosponsor in _cosponsorships(person)
    ]
    return found


def export(person: Person) -> ExportSection:
    return {
        "event_registrations": [
            {
                "event": str(rsvp.event),
                "address": rsvp.event.get_absolute_url(),
                "registered": rsvp.created_at.isoformat(),
                "status": rsvp.status,
                "name": rsvp.name,
                "email": rsvp.email,
                "phone": rsvp.phone,
                "guests": rsvp.guests,
                "may_hear_from_the_organisation": rsvp.consent_owner,
                "language": rsvp.language,
                "cancelled": rsvp.cancelled_at.isoformat() if rsvp.cancelled_at else None,
            }
            for rsvp in _registrations(person)
        ],
        "hosted_actions": [
            {
                "event": str(event),
                "address": event.get_absolute_url(),
                "proposed": event.created_at.isoformat(),
                "status": event.status,
                "host_name": event.host_name,
                "host_email": event.host_email,
            }
            for event in _hosted(person)
        ],
        "cosponsorships": [
            {
                "event": str(cosponsor.event),
                "organisation": cosponsor.name,
                "asked": cosponsor.created_at.isoformat(),
                "status": cosponsor.status,
                "contact_name": cosponsor.contact_name,
                "contact_email": cosponsor.contact_email,
            }
            for cosponsor in _cosponsorships(person)
        ],
    }


# An emptied registration's address index: unique per row, so one registration per
# address still holds for everyone else, and never the index of an address.
ERASED_INDEX_PREFIX = "erased:"


# Any: column values and expressions, as QuerySet.update takes them.
def _registration_emptied() -> dict[str, Any]:
    return {
        "name": "",
        "email": "",
        "phone": "",
        "email_index": Concat(Value(ERASED_INDEX_PREFIX), Cast("pk", output_field=CharField())),
    }


HOST_EMPTIED = {"host_name": "", "host_email": "", "host_email_index": ""}
COSPONSOR_CONTACT_EMPTIED = {"contact_name": "", "contact_email": ""}


def erase(person: Person) -> int:
    """Names, addresses and phones go; registrations stay as rows, so places taken
    and attendance figures do not move, and a hosted action stays on the map
    without its host's name."""
    registrations = _registrations(person).update(**_registration_emptied())
    hosted = _hosted(person).update(**HOST_EMPTIED)
    cosponsors = Cosponsor.objects.filter(
        pk__in=[cosponsor.pk for cosponsor in _cosponsorships(person)]
    ).update(**COSPONSOR_CONTACT_EMPTIED)
    trusted, _by_model = TrustedHost.objects.filter(email_index__in=person.email_indexes).delete()
    return registrations + hosted + cosponsors + trusted


def _events_maybe_due(now: datetime) -> QuerySet[Event]:
    """Events that ended at least the shortest retention period ago (a month is
    never shorter than 28 days), less those erased after they ended: an event
    moved later, to take registrations again, ends after its last erasure."""
    return (
        Event.objects.filter(ends_at__lte=now - timedelta(days=28))
        .exclude(personal_data_erased_at__gt=F("ends_at"))
        .select_related("campaign")
        .order_by("pk")
    )


def expire(now: datetime) -> int:
    """Retention: attendees, the supporter hosting and co-sponsors' contact people
    of events that ended longer ago than their campaign keeps personal data lose
    it, as in `erase`, and so do the links to supporter records (the records and
    their consents stay: the supporters agreed to those). Registrations stay as
    rows, with their status, guests and attendance; a hosted action stays on the
    map without its host's name. A batch of rows per transaction; an event
    already done is skipped."""
    emptied = 0
    for event in _events_maybe_due(now):
        if event.personal_data_kept_until > now or event.personal_data_erased:
            continue
        emptied += update_in_batches(
            Rsvp.objects.filter(event=event).exclude(email_index__startswith=ERASED_INDEX_PREFIX),
            supporter=None,
            **_registration_emptied(),
        )
        if event.host_name or event.host_email or event.host_supporter_id is not None:
            emptied += Event.objects.filter(pk=event.pk).update(host_supporter=None, **HOST_EMPTIED)
        # Encrypted, so their emptiness cannot be asked of the database: a few rows an event.
        contacts = [
            cosponsor.pk
            for cosponsor in Cosponsor.objects.filter(event=event)
            if cosponsor.contact_name or cosponsor.contact_email
        ]
        emptied += Cosponsor.objects.filter(pk__in=contacts).update(**COSPONSOR_CONTACT_EMPTIED)
        Event.objects.filter(pk=event.pk).update(personal_data_erased_at=now)
    return emptied


def took_part_choices(organisation_ids: Sequence[int]) -> list[tuple[str, str]]:
    events = (
        Event.objects.filter(campaign__owner_id__in=organisation_ids, host_email_index="")
        .select_related("campaign")
        .only("slug", "title", "campaign__languages")  # a filter's choices on every list
    )
    return [(str(e.pk), _("Registered: %(event)s") % {"event": e}) for e in events]


def took_part_in(key: str) -> QuerySet[Any]:
    return (
        Rsvp.objects.filter(event_id=int(key), supporter__isnull=False)
        .exclude(status=Rsvp.Status.CANCELLED)
        .values("supporter_id")
    )


EVENTS = PersonalData(
    app_label="events",
    models=[Rsvp, Event, Cosponsor, TrustedHost],
    actions=actions,
    export=export,
    erase=erase,
    end=end,
    expire=expire,
    took_part_choices=took_part_choices,
    took_part_in=took_part_in,
)
