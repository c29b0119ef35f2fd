"""The bounce mailbox: delivery reports in the formats real MTAs send, about
messages the delivery engine really sent (through a real SMTP server), read from
a Maildir and over IMAP."""

from __future__ import annotations

import imaplib
import logging
import mailbox
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from solidaria.mailing import bounces
from solidaria.mailing.bounces import bounces_read
from solidaria.mailing.models import Bounce, Recipient
from solidaria.mailing.tasks import read_bounces
from solidaria.supporters.models import ConsentRecord, OrganisationSupporter, Supporter
from solidaria.supporters.services import consent_record
from tests import factories
from tests.conftest import free_port

from .conftest import a_sent_mailing, agreeing

pytestmark = pytest.mark.django_db

DSN = Path(__file__).parent / "dsn"
BOUNCE_ADDRESS = "bounces@lists.example.org"
UNSUBSCRIBE_MAILTO = "unsubscribe@lists.example.org"


@pytest.fixture
def bounce_maildir(settings: Any, tmp_path: Path) -> mailbox.Maildir:
    """The bounce mailbox as a Maildir; mailings' envelope senders point at it."""
    settings.MAILING_BOUNCE_ADDRESS = BOUNCE_ADDRESS
    settings.MAILING_BOUNCE_MAILDIR = str(tmp_path / "bounces")
    return mailbox.Maildir(tmp_path / "bounces", create=True)


def sent_to(smtp_server: Any, supporter: Supporter) -> list[tuple[str, bytes]]:
    """(envelope sender, message) of each message the SMTP server took for them."""
    return [
        (envelope.mail_from, envelope.content.replace(b"\r\n", b"\n"))
        for envelope in smtp_server.handler.envelopes
        if envelope.rcpt_tos == [supporter.email]
    ]


def report(name: str, sent: tuple[str, bytes], to: str) -> bytes:
    """A file of tests/mailing/dsn/, about a message that was sent."""
    envelope_sender, original = sent
    headers = original.split(b"\n\n", 1)[0]
    return (
        (DSN / name)
        .read_bytes()
        .replace(b"@@ORIGINAL_HEADERS@@", headers)
        .replace(b"@@ORIGINAL@@", original)
        .replace(b"@@VERP@@", envelope_sender.encode())
        .replace(b"@@RCPT@@", to.encode())
    )


def undeliverable(supporter: Supporter) -> str:
    supporter.refresh_from_db()
    return supporter.undeliverable_reason if supporter.undeliverable_since else ""


@pytest.mark.parametrize("name", ["postfix.eml", "exim.eml", "gmail.eml", "microsoft365.eml"])
def test_a_hard_bounce_makes_the_address_undeliverable(
    name: str, bounce_maildir: Any, smtp_server: Any, organisation: Any, organiser: Any
):
    ana, bob = agreeing(organisation, 2)
    a_sent_mailing(organisation, organiser)
    (sent,) = sent_to(smtp_server, ana)
    assert sent[0].startswith("bounces+") and sent[0].endswith("@lists.example.org")
    bounce_maildir.add(report(name, sent, ana.email))

    assert bounces_read() == {"hard": 1}

    assert undeliverable(ana) == "hard bounce"
    assert undeliverable(bob) == ""
    bounce = Bounce.objects.get()
    recipient = Recipient.objects.get(supporter=ana)
    assert (bounce.supporter, bounce.recipient, bounce.kind, bounce.source) == (
        ana,
        recipient,
        Bounce.Kind.HARD,
        "smtp",
    )
    assert recipient.bounced_at is not None and recipient.complained_at is None
    assert Recipient.objects.get(supporter=bob).bounced_at is None
    assert not bounce_maildir.keys()  # read once: deleted


def test_a_delayed_message_is_one_soft_bounce_however_often_it_is_reported(
    bounce_maildir: Any, smtp_server: Any, organisation: Any, organiser: Any
):
    (ana,) = agreeing(organisation, 1)
    a_sent_mailing(organisation, organiser)
    (sent,) = sent_to(smtp_server, ana)
    # Postfix warns after 4 hours, and again; the last run may have stopped halfway.
    for _warning in range(3):
        bounce_maildir.add(report("postfix-delayed.eml", sent, ana.email))

    assert bounces_read() == {"soft": 1, "duplicate": 2}
    assert bounces_read() == {}

    assert list(Bounce.objects.values_list("kind", flat=True)) == [Bounce.Kind.SOFT]
    assert undeliverable(ana) == ""
    assert Recipient.objects.get().bounced_at is not None


def test_a_failure_for_a_full_mailbox_is_a_soft_bounce(
    bounce_maildir: Any, smtp_server: Any, organisation: Any, organiser: Any
):
    (ana,) = agreeing(organisation, 1)
    a_sent_mailing(organisation, organiser)
    (sent,) = sent_to(smtp_server, ana)
    bounce_maildir.add(report("gmail-mailbox-full.eml", sent, ana.email))

    assert bounces_read() == {"soft": 1}
    assert undeliverable(ana) == ""


def test_three_soft_bounces_make_the_address_undeliverable(
    bounce_maildir: Any, smtp_server: Any, organisation: Any, organiser: Any
):
    (ana,) = agreeing(organisation, 1)
    for _mailing in range(3):
        a_sent_mailing(organisation, organiser)
    first, second, third = sent_to(smtp_server, ana)
    assert len({first[0], second[0], third[0]}) == 3  # an envelope sender per message

    bounce_maildir.add(report("postfix-delayed.eml", first, ana.email))
    bounce_maildir.add(report("gmail-mailbox-full.eml", second, ana.email))
    assert bounces_read() == {"soft": 2}
    assert undeliverable(ana) == ""

    bounce_maildir.add(report("postfix-delayed.eml", third, ana.email))
    assert bounces_read() == {"soft": 1}
    assert undeliverable(ana) == "soft bounces"
    assert Bounce.objects.filter(supporter=ana, kind=Bounce.Kind.SOFT).count() == 3


def test_a_complaint_unsubscribes_the_person_from_every_organisation(
    bounce_maildir: Any, smtp_server: Any, organisation: Any, organiser: Any
):
    ana, bob = agreeing(organisation, 2)
    elsewhere = factories.OrganisationFactory()
    consent_record(
        supporter=ana,
        consent_text=factories.ConsentTextFactory(organisation=elsewhere),
        language="es",
        method=ConsentRecord.Method.WEB_FORM,
    )
    a_sent_mailing(organisation, organiser)
    (sent,) = sent_to(smtp_server, ana)
    bounce_maildir.add(report("arf-complaint.eml", sent, ana.email))

    assert bounces_read() == {"complaint": 1}

    assert not ConsentRecord.objects.filter(supporter=ana, withdrawn_at__isnull=True).exists()
    assert not OrganisationSupporter.objects.filter(
        supporter=ana, consent_since__isnull=False
    ).exists()
    assert OrganisationSupporter.objects.get(supporter=bob).consent_since is not None
    recipient = Recipient.objects.get(supporter=ana)
    assert recipient.complained_at is not None and recipient.bounced_at is None
    assert Bounce.objects.get().kind == Bounce.Kind.COMPLAINT
    assert undeliverable(ana) == "complaint"


def test_a_dmarc_failure_report_is_no_complaint(
    bounce_maildir: Any, smtp_server: Any, organisation: Any, organiser: Any
):
    (ana,) = agreeing(organisation, 1)
    a_sent_mailing(organisation, organiser)
    (sent,) = sent_to(smtp_server, ana)
    bounce_maildir.add(report("arf-auth-failure.eml", sent, ana.email))

    assert bounces_read() == {"ignored": 1}

    assert OrganisationSupporter.objects.get(supporter=ana).consent_since is not None
    assert not Bounce.objects.exists()
    assert not bounce_maildir.keys()


def test_the_unsubscribe_mailto_link_of_a_message_unsubscribes(
    settings: Any, bounce_maildir: Any, smtp_server: Any, organisation: Any, organiser: Any
):
    settings.MAILING_UNSUBSCRIBE_MAILTO = UNSUBSCRIBE_MAILTO
    (ana,) = agreeing(organisation, 1)
    a_sent_mailing(organisation, organiser)
    (message,) = [m for m in smtp_server.messages if m["To"] == ana.email]
    links = [link.strip(" <>") for link in str(message["List-Unsubscribe"]).split(",")]
    (mailto,) = [link for link in links if link.startswith("mailto:")]
    # What the reader's mail client sends when they choose "unsubscribe".
    to, query = urlsplit(mailto).path, urlsplit(mailto).query
    (subject,) = parse_qs(query)["subject"]
    bounce_maildir.add(
        (DSN / "unsubscribe.eml")
        .read_bytes()
        .replace(b"@@MAILTO@@", unquote(to).encode())
        .replace(b"@@UNSUBSCRIBE_SUBJECT@@", subject.encode())
        .replace(b"@@RCPT@@", ana.email.encode())
    )

    assert bounces_read() == {"unsubscribed": 1}

    assert OrganisationSupporter.objects.get(supporter=ana).consent_since is None
    assert Recipient.objects.get().unsubscribed_at is not None
    assert not Bounce.objects.exists()


def test_a_bounce_of_an_address_the_person_has_changed_since_changes_nothing(
    bounce_maildir: Any, smtp_server: Any, organisation: Any, organiser: Any
):
    (ana,) = agreeing(organisation, 1)
    a_sent_mailing(organisation, organiser)
    (sent,) = sent_to(smtp_server, ana)
    old_address = ana.email
    ana.email = "ana.new@example.net"
    ana.save(update_fields=["email", *ana.refresh_blind_indexes()])
    bounce_maildir.add(report("postfix.eml", sent, old_address))

    assert bounces_read() == {"stale": 1}

    assert undeliverable(ana) == ""
    assert not Bounce.objects.exists()


def test_what_is_no_report_of_ours_is_deleted_without_stopping_the_rest(
    bounce_maildir: Any,
    smtp_server: Any,
    organisation: Any,
    organiser: Any,
    caplog: pytest.LogCaptureFixture,
):
    ana, bob = agreeing(organisation, 2)
    a_sent_mailing(organisation, organiser)
    (to_ana,) = sent_to(smtp_server, ana)
    (to_bob,) = sent_to(smtp_server, bob)
    bounce_maildir.add(b"")
    bounce_maildir.add(os.urandom(4096))
    bounce_maildir.add(b"From: mailer-daemon@\n\nYour message bounced.\n")  # the parser gives up
    bounce_maildir.add(report("not-a-bounce.eml", to_ana, ana.email))  # an auto-reply
    # Someone who knows the bounce address and Ana's, but cannot make a token.
    bounce_maildir.add(report("forged.eml", to_ana, ana.email))
    bounce_maildir.add(report("exim.eml", to_bob, bob.email))

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="solidaria.mailing"):
        counts = bounces_read()

    assert counts == {"ignored": 3, "unreadable": 1, "forged": 1, "hard": 1}
    assert undeliverable(ana) == ""
    assert undeliverable(bob) == "hard bounce"
    assert not bounce_maildir.keys()
    logged = " ".join(
        record.getMessage() for record in caplog.records if record.name.startswith("solidaria")
    ).lower()
    assert "forged" in logged
    for personal in (ana.email, bob.email, to_ana[0], to_bob[0]):
        assert personal.lower() not in logged


def test_a_message_whose_handling_fails_stays_for_the_next_run(
    bounce_maildir: Any,
    smtp_server: Any,
    organisation: Any,
    organiser: Any,
    monkeypatch: pytest.MonkeyPatch,
):
    ana, bob = agreeing(organisation, 2)
    a_sent_mailing(organisation, organiser)
    (to_ana,) = sent_to(smtp_server, ana)
    (to_bob,) = sent_to(smtp_server, bob)
    bounce_maildir.add(report("postfix.eml", to_ana, ana.email))
    bounce_maildir.add(report("gmail.eml", to_bob, bob.email))
    real_bounce_record = bounces.bounce_record

    def a_bug_for_ana(**kwargs: Any) -> Bounce:
        if kwargs["supporter"] == ana:
            raise RuntimeError("a bug")
        return real_bounce_record(**kwargs)

    monkeypatch.setattr(bounces, "bounce_record", a_bug_for_ana)
    assert bounces_read() == {"failed": 1, "hard": 1}
    assert (undeliverable(ana), undeliverable(bob)) == ("", "hard bounce")
    assert len(bounce_maildir.keys()) == 1

    monkeypatch.undo()
    assert bounces_read() == {"hard": 1}
    assert undeliverable(ana) == "hard bounce"
    assert not bounce_maildir.keys()


def test_nothing_is_read_without_a_bounce_mailbox(settings: Any):
    settings.MAILING_BOUNCE_MAILDIR = ""
    settings.MAILING_BOUNCE_IMAP_URL = ""
    assert bounces_read() == {}


def test_the_periodic_task_reads_the_mailbox(
    settings: Any,
    bounce_maildir: Any,
    smtp_server: Any,
    organisation: Any,
    organiser: Any,
    run_tasks: Any,
):
    assert ("solidaria.mailing.tasks.read_bounces", 60) in settings.PERIODIC_TASKS
    (ana,) = agreeing(organisation, 1)
    a_sent_mailing(organisation, organiser)
    (sent,) = sent_to(smtp_server, ana)
    bounce_maildir.add(report("microsoft365.eml", sent, ana.email))

    read_bounces.enqueue()
    run_tasks()

    assert undeliverable(ana) == "hard bounce"


# --- over IMAP, against a real IMAP server (pymap) ----------------------------------------


@pytest.fixture
def imap_server() -> Iterator[tuple[str, int]]:
    """pymap on a free loopback port, in memory, with one account: bounces/secret."""
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("pymap")),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-tls",
            "dict",
            "--demo-user",
            "bounces",
            "--demo-password",
            "secret",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
        yield "127.0.0.1", port
    finally:
        server.terminate()
        server.wait(timeout=10)


def imap_uids(host: str, port: int) -> list[bytes]:
    connection = imaplib.IMAP4(host, port, timeout=10)
    try:
        connection.login("bounces", "secret")
        connection.select("INBOX")
        _status, data = connection.uid("SEARCH", "ALL")
        return list(data[0].split())
    finally:
        connection.logout()


def test_the_bounce_mailbox_is_read_over_imap(
    settings: Any, imap_server: Any, smtp_server: Any, organisation: Any, organiser: Any
):
    host, port = imap_server
    settings.MAILING_BOUNCE_ADDRESS = BOUNCE_ADDRESS
    settings.MAILING_BOUNCE_IMAP_URL = f"imap://bounces:secret@{host}:{port}/INBOX"
    ana, bob = agreeing(organisation, 2)
    a_sent_mailing(organisation, organiser)
    (to_ana,) = sent_to(smtp_server, ana)
    (to_bob,) = sent_to(smtp_server, bob)
    # The MTA delivers: here, an IMAP client appends.
    connection = imaplib.IMAP4(host, port, timeout=10)
    connection.login("bounces", "secret")
    for raw in (
        report("postfix.eml", to_ana, ana.email),
        report("not-a-bounce.eml", to_bob, bob.email),
        report("postfix-delayed.eml", to_bob, bob.email),
    ):
        connection.append("INBOX", None, None, raw)
    connection.logout()

    assert bounces_read() == {"hard": 1, "ignored": 1, "soft": 1}

    assert undeliverable(ana) == "hard bounce"
    assert undeliverable(bob) == ""
    assert Bounce.objects.get(supporter=bob).kind == Bounce.Kind.SOFT
    assert imap_uids(host, port) == []
    assert bounces_read() == {}
