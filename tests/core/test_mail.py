from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from solidaria.core.mail.outbox import email_deliver_waiting, email_queue
from solidaria.core.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def test_message_is_delivered_by_the_worker_in_the_recipients_language(smtp_server, run_tasks):
    email = email_queue(to="ana@example.org", template="test_message", context={}, language="es")
    assert smtp_server.messages == []  # nothing is sent in the request

    run_tasks()

    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "ana@example.org"
    assert message["Content-Language"] == "es"
    assert message["Subject"] == "Mensaje de prueba de Solidaria"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "la entrega de correo funciona" in text
    assert "<p>" in html and 'lang="es"' in html
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
    # Nothing personal is kept once the message has gone.
    assert email.recipient == "" and email.context == ""


def test_mail_server_down_keeps_the_message_and_retries(smtp_server, run_tasks, settings):
    smtp_server.stop()
    settings.EMAIL_RETRY_SECONDS = 60
    email = email_queue(to="ben@example.org", template="test_message", context={}, language="en")

    run_tasks()

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.QUEUED
    assert email.attempts == 1
    assert email.recipient == "ben@example.org"
    assert email.next_attempt_at > timezone.now() + timedelta(seconds=30)

    # Not before it falls due, even with the server back.
    smtp_server.start()
    email_deliver_waiting()
    assert smtp_server.messages == []

    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    email_deliver_waiting()

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
    assert [m["To"] for m in smtp_server.messages] == ["ben@example.org"]


def test_gives_up_after_the_last_attempt(smtp_server, run_tasks, settings):
    smtp_server.stop()
    settings.EMAIL_MAX_ATTEMPTS = 1
    email = email_queue(to="cat@example.org", template="test_message", context={}, language="en")
    run_tasks()
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED
    # The server is down: the connection is refused, and no SMTP code came back.
    assert email.last_error == "ConnectionRefusedError"


def test_delivering_twice_sends_once(smtp_server, run_tasks):
    from solidaria.core.tasks import deliver_emails

    email_queue(to="dan@example.org", template="test_message", context={}, language="en")
    deliver_emails.enqueue()
    run_tasks()
    email_deliver_waiting()
    assert len(smtp_server.messages) == 1


def test_unknown_language_falls_back_to_the_default(smtp_server, run_tasks):
    email_queue(to="eve@example.org", template="test_message", context={}, language="xx")
    run_tasks()
    assert smtp_server.messages[0]["Content-Language"] == "en"


def test_queueing_is_atomic_with_the_callers_transaction(smtp_server, run_tasks):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        email_queue(to="fay@example.org", template="test_message", context={}, language="en")
        raise RuntimeError("the request failed after queueing")
    assert not OutgoingEmail.objects.exists()
    assert not DBTaskResult.objects.exists()
    run_tasks()
    assert smtp_server.messages == []
