"""Messages that failed for good keep their recipient a month, then lose it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from solidaria.core.mail.outbox import email_prune_failed, email_queue
from solidaria.core.models import AuditEntry, OutgoingEmail
from solidaria.core.privacy import pii

pytestmark = pytest.mark.django_db

T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def queue(to: str, *, at: datetime, status: OutgoingEmail.Status) -> OutgoingEmail:
    with time_machine.travel(at, tick=False):
        email = email_queue(
            to=to,
            template="petition_confirm",
            context={"name": "Zelmira", "confirm_url": "https://example.org/c/x/"},
            language="es",
            reply_to="organisers@example.org",
        )
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=status, subject="Confirma tu firma", last_error="SMTPRecipientsRefused: 550"
    )
    return email


def test_failed_emails_older_than_30_days_lose_their_recipient() -> None:
    old = queue("old@example.org", at=T0 - timedelta(days=31), status=OutgoingEmail.Status.FAILED)
    new = queue("new@example.org", at=T0 - timedelta(days=29), status=OutgoingEmail.Status.FAILED)
    waiting = queue(
        "waiting@example.org", at=T0 - timedelta(days=31), status=OutgoingEmail.Status.QUEUED
    )

    with time_machine.travel(T0, tick=False):
        assert email_prune_failed() == 1
        assert email_prune_failed() == 0  # twice changes nothing more

    old.refresh_from_db()
    assert (old.recipient, old.recipient_index, old.subject, old.context, old.reply_to) == (
        "",
        "",
        "",
        "",
        "",
    )
    # What says what went wrong, and when, stays.
    assert (old.template, old.status, old.last_error) == (
        "petition_confirm",
        OutgoingEmail.Status.FAILED,
        "SMTPRecipientsRefused: 550",
    )
    for kept, address in ((new, "new@example.org"), (waiting, "waiting@example.org")):
        kept.refresh_from_db()
        assert kept.recipient == address and kept.recipient_index == pii.email_index(address)
        assert kept.subject and "Zelmira" in kept.context
    assert [entry.data for entry in AuditEntry.objects.filter(action="emails.failed_pruned")] == [
        {"emails": 1}
    ]
