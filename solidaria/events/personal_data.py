"""What events hold about a person: their registrations, the local actions they
host, and their place among trusted hosts (`supporters.registry`).

Co-sponsors' contact people are found by comparing addresses: that table holds
a few rows per event, and it has no index of the address to look up.
"""

from __future__ import annotations

from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

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
        Action(
            kind="registration",
            what=_("Registered for “%(event)s”") % {"event": rsvp.event},
            at=rsvp.created_at,
            status=rsvp.get_status_display(),
            organisation_id=rsvp.event.campaign.owner_id,
            campaign_id=rsvp.event.campaign_id,
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
        Action(
            kind="hosted_action",
            what=_("Hosts “%(event)s”") % {"event": event},
            at=event.created_at,
            status=event.get_status_display(),
            organisation_id=event.campaign.owner_id,
            campaign_id=event.campaign_id,
        )
        for event in _hosted(person)
    ]
    found += [
        Action(
            kind="cosponsorship",
            what=_("Asked to co-sponsor “%(event)s” for %(organisation)s")
            % {"event": cosponsor.event, "organisation": cosponsor.name},
            at=cosponsor.created_at,
            status=cosponsor.get_status_display(),
            organisation_id=cosponsor.event.campaign.owner_id,
            campaign_id=cosponsor.event.campaign_id,
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


def erase(person: Person) -> int:
    """Names, addresses and phones go; registrations stay as rows, so places taken
    and attendance figures do not move, and a hosted action stays on the map
    without its host's name."""
    erased_index = Concat(Value("erased:"), Cast("pk", output_field=CharField()))
    registrations = _registrations(person).update(
        name="", email="", phone="", email_index=erased_index
    )
    hosted = _hosted(person).update(host_name="", host_email="", host_email_index="")
    cosponsors = Cosponsor.objects.filter(
        pk__in=[cosponsor.pk for cosponsor in _cosponsorships(person)]
    ).update(contact_name="", contact_email="")
    trusted, _by_model = TrustedHost.objects.filter(email_index__in=person.email_indexes).delete()
    return registrations + hosted + cosponsors + trusted


EVENTS = PersonalData(
    app_label="events",
    models=[Rsvp, Event, Cosponsor, TrustedHost],
    actions=actions,
    export=export,
    erase=erase,
    end=end,
)
