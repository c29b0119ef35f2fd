"""The delivery engine: batches claimed at once, sent over one connection, each
message settled as the server accepts it; nothing accepted is sent twice, nothing
queued is lost (see solidaria.core.mail.outbox)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from solidaria.core.mail import outbox
from solidaria.core.mail.outbox import email_deliver_waiting, email_queue, email_requeue_stalled
from solidaria.core.models import OutgoingEmail
from tests.conftest import RecordingHandler, is_postgres

pytestmark = pytest.mark.django_db


@dataclass
class PickyHandler(RecordingHandler):
    """A mail server that refuses some recipients for good, and closes the
    connection at the message numbered `fail_at` (421, as a server going down does)."""

    refused: set[str] = field(default_factory=set)
    fail_at: int = 0
    sessions: set[Any] = field(default_factory=set)
    seen: int = 0

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        self.sessions.add(id(session))
        if address in self.refused:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.seen += 1
        if self.seen == self.fail_at:
            return "421 4.3.2 Service shutting down"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def picky_server(smtp_server: Any) -> Any:
    smtp_server.stop()
    smtp_server.handler = PickyHandler()
    smtp_server.start()
    return smtp_server


def queue(address: str, priority: Any = OutgoingEmail.Priority.TRANSACTIONAL) -> OutgoingEmail:
    return email_queue(
        to=address, template="test_message", context={}, language="en", priority=priority
    )


def test_a_batch_goes_over_one_connection_with_transactional_mail_first(picky_server: Any):
    for n in range(3):
        queue(f"bulk{n}@example.org", OutgoingEmail.Priority.BULK)
    queue("confirm1@example.org")
    queue("confirm2@example.org")

    assert email_deliver_waiting() == 5

    assert [m["To"] for m in picky_server.messages] == [
        "confirm1@example.org",
        "confirm2@example.org",
        "bulk0@example.org",
        "bulk1@example.org",
        "bulk2@example.org",
    ]
    assert len(picky_server.handler.sessions) == 1
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {"sent"}


def test_batches_follow_the_configured_size(picky_server: Any, settings: Any):
    settings.EMAIL_BATCH_SIZE = 2
    for n in range(5):
        queue(f"p{n}@example.org")
    assert email_deliver_waiting() == 5
    assert len(picky_server.messages) == 5
    assert len(picky_server.handler.sessions) == 3  # 2 + 2 + 1, a connection each


def test_a_refused_recipient_fails_alone_and_the_batch_goes_on(picky_server: Any):
    picky_server.handler.refused = {"gone@example.org"}
    first, gone, last = (queue(a) for a in ("a@example.org", "gone@example.org", "b@example.org"))

    email_deliver_waiting()

    assert [m["To"] for m in picky_server.messages] == ["a@example.org", "b@example.org"]
    gone.refresh_from_db()
    assert gone.status == OutgoingEmail.Status.FAILED
    assert gone.last_error == "SMTPRecipientsRefused: 550"
    assert gone.attempts == 1 and gone.batch == ""
    for email in (first, last):
        email.refresh_from_db()
        assert email.status == OutgoingEmail.Status.SENT


def test_a_batch_broken_halfway_sends_the_rest_later_and_nothing_twice(picky_server: Any):
    picky_server.handler.fail_at = 3
    emails = [queue(f"p{n}@example.org") for n in range(5)]

    email_deliver_waiting()

    assert [m["To"] for m in picky_server.messages] == ["p0@example.org", "p1@example.org"]
    statuses = {}
    for email in emails:
        email.refresh_from_db()
        statuses[email.recipient or "sent"] = (email.status, email.attempts)
    # The one the server broke on counts an attempt and waits; the rest were never tried.
    assert statuses == {
        "sent": ("sent", 1),
        "p2@example.org": ("queued", 1),
        "p3@example.org": ("queued", 0),
        "p4@example.org": ("queued", 0),
    }
    assert OutgoingEmail.objects.get(recipient_index=emails[2].recipient_index).next_attempt_at

    OutgoingEmail.objects.update(next_attempt_at=None)
    email_deliver_waiting()

    delivered = [m["To"] for m in picky_server.messages]
    assert sorted(delivered) == [f"p{n}@example.org" for n in range(5)]


def test_a_batch_whose_worker_died_is_put_back_and_each_message_sent_once(picky_server: Any):
    for n in range(4):
        queue(f"p{n}@example.org")
    # A worker claims the four, the server accepts the first, and the worker is killed.
    batch = outbox._claim(10)
    outbox._send_batch(batch[:1])
    assert OutgoingEmail.objects.filter(status="sending").count() == 3

    assert email_requeue_stalled() == 0  # too recent: its worker may still be sending
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert email_requeue_stalled() == 3
        email_deliver_waiting()

    delivered = [m["To"] for m in picky_server.messages]
    assert sorted(delivered) == [f"p{n}@example.org" for n in range(4)]


def test_a_late_worker_does_not_settle_a_message_taken_over_by_another(picky_server: Any):
    email = queue("late@example.org")
    (claimed,) = outbox._claim(10)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        email_requeue_stalled()
    (taken_over,) = outbox._claim(10)
    outbox._settle_failed(claimed, "the first worker's late verdict")
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENDING and email.batch == taken_over.batch


@pytest.mark.skipif(
    not is_postgres(), reason="an in-memory SQLite test database locks whole tables"
)
@pytest.mark.django_db(transaction=True)
def test_workers_claiming_at_once_take_different_messages(settings: Any):
    for n in range(200):
        queue(f"p{n}@example.org")
    claims: list[list[int]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _round in range(5):
                claims.append([e.pk for e in outbox._claim(25)])
        except BaseException as exc:  # reported below, from the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    claimed = [pk for claim in claims for pk in claim]
    assert len(claimed) == len(set(claimed)) == 200
    assert not OutgoingEmail.objects.filter(status="queued").exists()


@pytest.mark.skipif(not is_postgres(), reason="synchronous_commit is PostgreSQL's")
def test_while_sending_commits_do_not_wait_for_the_disk_and_afterwards_they_do(
    picky_server: Any, monkeypatch: Any
):
    def synchronous_commit() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return str(cursor.fetchone()[0])

    seen: list[str] = []
    settle = outbox._settle_sent

    def settle_and_look(*args: Any) -> None:
        seen.append(synchronous_commit())
        settle(*args)

    monkeypatch.setattr(outbox, "_settle_sent", settle_and_look)
    before = synchronous_commit()
    for n in range(3):
        queue(f"q{n}@example.org")
    assert email_deliver_waiting() == 3
    assert seen == ["off", "off", "off"]
    assert synchronous_commit() == before == "on"
    assert OutgoingEmail.objects.filter(status="sent").count() == 3


def test_a_live_worker_renews_its_claim_and_the_sweep_leaves_its_batch_alone(picky_server: Any):
    for n in range(3):
        queue(f"slow{n}@example.org")
    batch = outbox._claim(10)
    start = timezone.now()
    with time_machine.travel(start + timedelta(seconds=50)):
        outbox._still_sending(batch[0].batch)  # the worker, still at it, says so
    with time_machine.travel(start + timedelta(seconds=100)):
        assert email_requeue_stalled() == 0  # renewed 50 s ago: alive
    with time_machine.travel(start + timedelta(seconds=111)):
        assert email_requeue_stalled() == 3  # a minute without a word: dead
