"""What the supporters app itself holds about a person besides their record and
consents: the emails we sent or owe them (`supporters.registry`).

The outbox belongs to core, which knows nothing of supporters; it keeps each
message's recipient as a blind index, so that it is found here by address.
"""

from __future__ import annotations

from solidaria.core.models import OutgoingEmail

from .models import ConsentRecord, OrganisationSupporter, Supporter
from .registry import Action, ExportSection, Person, PersonalData


def _emails(person: Person) -> list[OutgoingEmail]:
    return list(
        OutgoingEmail.objects.filter(recipient_index__in=person.email_indexes).order_by(
            "created_at"
        )
    )


def actions(person: Person) -> list[Action]:
    # Receiving an email is not something a person did.
    return []


def export(person: Person) -> ExportSection:
    records = person.supporter.organisations_known.select_related("organisation")
    return {
        "organisations_records": [
            {
                "organisation": record.organisation.name,
                "first_seen": record.first_seen.isoformat(),
                "actions": record.actions,
                "tags": [tag.name for tag in record.tags.all()],
                "notes": record.notes,
            }
            for record in records.prefetch_related("tags")
        ],
        "emails": [
            {
                "subject": email.subject,
                "queued": email.created_at.isoformat(),
                "sent": email.sent_at.isoformat() if email.sent_at else None,
                "status": email.status,
                "language": email.language,
            }
            for email in _emails(person)
        ],
    }


def erase(person: Person) -> int:
    """Messages still owed are not sent; nothing about any message stays but its
    template, language and dates."""
    emails = OutgoingEmail.objects.filter(recipient_index__in=person.email_indexes)
    emails.filter(status__in=[OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.SENDING]).update(
        status=OutgoingEmail.Status.FAILED, last_error="recipient erased"
    )
    return emails.update(recipient="", recipient_index="", subject="", context="", reply_to="")


SUPPORTERS = PersonalData(
    app_label="supporters",
    models=[Supporter, ConsentRecord, OutgoingEmail, OrganisationSupporter],
    actions=actions,
    export=export,
    erase=erase,
)
