"""What mailings hold about a person (`supporters.registry`): which mailings were
for them, and the bounce reports about their address.

The messages themselves are the outbox's, exported and erased by the
supporters app. Erasure keeps a recipient row without its person, so that a
mailing's results do not change.
"""

from __future__ import annotations

from solidaria.supporters.registry import Action, ExportSection, Person, PersonalData

from .models import Bounce, Recipient


def actions(person: Person) -> list[Action]:
    # Receiving a mailing is not something a person did.
    return []


def export(person: Person) -> ExportSection:
    recipients = Recipient.objects.filter(supporter=person.supporter).select_related(
        "mailing__organisation", "email"
    )
    return {
        "mailings": [
            {
                "organisation": recipient.mailing.organisation.name,
                "subject": str(recipient.mailing.subject),
                "status": recipient.status,
                "sent": (
                    recipient.email.sent_at.isoformat()
                    if recipient.email and recipient.email.sent_at
                    else None
                ),
                "language": recipient.language,
                "bounced": recipient.bounced_at.isoformat() if recipient.bounced_at else None,
                "marked_as_spam": (
                    recipient.complained_at.isoformat() if recipient.complained_at else None
                ),
                "unsubscribed": (
                    recipient.unsubscribed_at.isoformat() if recipient.unsubscribed_at else None
                ),
            }
            for recipient in recipients.order_by("pk")
        ],
        "bounce_reports": [
            {"kind": bounce.kind, "source": bounce.source, "at": bounce.at.isoformat()}
            for bounce in Bounce.objects.filter(supporter=person.supporter).order_by("at")
        ],
        "address_status": [
            {
                "undeliverable_since": person.supporter.undeliverable_since.isoformat(),
                "why": person.supporter.undeliverable_reason,
            }
        ]
        if person.supporter.undeliverable_since
        else [],
    }


def erase(person: Person) -> int:
    bounces, _by_model = Bounce.objects.filter(supporter=person.supporter).delete()
    # Messages not yet handed over are not sent (the outbox's are emptied by the
    # supporters app); the rows stay, without the person, for the results.
    Recipient.objects.filter(supporter=person.supporter, status=Recipient.Status.WAITING).update(
        status=Recipient.Status.SKIPPED
    )
    recipients = Recipient.objects.filter(supporter=person.supporter).update(supporter=None)
    return bounces + recipients


MAILING = PersonalData(
    app_label="mailing",
    models=[Recipient, Bounce],
    actions=actions,
    export=export,
    erase=erase,
)
