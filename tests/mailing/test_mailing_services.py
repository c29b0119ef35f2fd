"""The services that write, send, pace, pause and stop mailings, with the real
database, the real delivery engine and a real SMTP server."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone, translation
from django.utils.translation import gettext

from solidaria.core.mail.outbox import _claim, _send_batch, email_deliver_waiting
from solidaria.core.models import AuditEntry, OutgoingEmail
from solidaria.core.privacy import pii
from solidaria.mailing import services
from solidaria.mailing.exceptions import MailingError, MailingNotAllowed
from solidaria.mailing.models import Bounce, Mailing, Recipient, SendingLimit
from solidaria.mailing.selectors import mailing_results
from solidaria.mailing.services import (
    bounce_record,
    mailing_approve,
    mailing_cancel,
    mailing_content_errors,
    mailing_pause,
    mailing_resume,
    mailing_save,
    mailing_send,
    mailings_tick,
    recipient_unsubscribe,
)
from solidaria.organisations.models import Membership
from solidaria.supporters.models import (
    ConsentRecord,
    OrganisationSupporter,
    Segment,
    Supporter,
)
from solidaria.supporters.services import consent_withdraw, segment_save, supporter_erase
from tests import factories

from .conftest import a_mailing, agreeing
from .test_rendering import use_catalogs, write_catalog

pytestmark = pytest.mark.django_db

USE = "Use {first_name}, {organisation} or {my_data_link}."
OPEN = [Mailing.Status.SCHEDULED, Mailing.Status.PREPARING, Mailing.Status.SENDING]


# --- helpers ---------------------------------------------------------------------


class Scheduler:
    """The scheduler's work, a second at a time: each tick a second after the last,
    so that the organisation's sending rate refills as it does in production."""

    def __init__(self) -> None:
        self.now = timezone.now()

    def tick(self) -> dict[str, int]:
        self.now += timedelta(seconds=1)
        return mailings_tick(now=self.now)

    def again(self) -> dict[str, int]:
        """A second tick in the same second (two workers, or a slow one)."""
        return mailings_tick(now=self.now)

    def run(self, *, seconds: int = 60) -> None:
        """Ticks and deliveries until no mailing is left to start or send."""
        for _second in range(seconds):
            self.tick()
            email_deliver_waiting()
            if not Mailing.objects.filter(status__in=OPEN).exists():
                return


def many_agreeing(organisation: Any, count: int) -> list[int]:
    """`count` people who agree to hear from the organisation, written in two
    queries; their supporter ids."""
    now = timezone.now()
    supporters = Supporter.objects.bulk_create(
        Supporter(
            email=f"crowd{n}@example.org",
            email_index=pii.email_index(f"crowd{n}@example.org"),
            name=f"Crowd Member{n}",
            language="es",
            country="AR",
        )
        for n in range(count)
    )
    OrganisationSupporter.objects.bulk_create(
        OrganisationSupporter(
            organisation=organisation, supporter=supporter, first_seen=now, consent_since=now
        )
        for supporter in supporters
    )
    return [supporter.pk for supporter in supporters]


def staff(organisation: Any, role: str = Membership.Role.ORGANISER) -> Any:
    return factories.MembershipFactory(organisation=organisation, role=role).user


def received(smtp_server: Any) -> Counter[str]:
    """How many messages each address received."""
    return Counter(str(message["To"]) for message in smtp_server.messages)


def draft(organisation: Any, **fields: Any) -> Mailing:
    """An unsaved mailing, as the console's form hands it to the service."""
    values = {
        "organisation": organisation,
        "subject": {"es": "Hola {first_name}", "en": "Hello {first_name}"},
        "body": {"es": "Querida {first_name}: gracias.", "en": "Dear {first_name}: thanks."},
        **fields,
    }
    return Mailing(**values)


# --- what is wrong with a mailing's text -----------------------------------------


@pytest.mark.parametrize(
    ("subject", "body", "errors"),
    [
        ({}, {}, ["Write the subject and the message in at least one language."]),
        (
            {"es": "  ", "en": ""},
            {"es": "\n ", "en": ""},
            ["Write the subject and the message in at least one language."],
        ),
        (
            {"es": "Hola", "en": "Hello"},
            {"es": "Texto", "en": ""},
            ["The English version has no message."],
        ),
        ({"es": ""}, {"es": "Texto"}, ["The Spanish version has no subject."]),
        (
            {"es": "x" * 201},
            {"es": "Texto"},
            ["The Spanish subject must be one line of at most 200 characters."],
        ),
        (
            {"es": "Hola\nBcc: alguien@example.org"},
            {"es": "Texto"},
            ["The Spanish subject must be one line of at most 200 characters."],
        ),
        (
            {"es": "Hola"},
            {"es": "x" * 50_001},
            ["The Spanish message is longer than 50000 characters."],
        ),
        (
            {"es": "Hola {nombre}"},
            {"es": "Texto"},
            [f"Unknown merge field in the Spanish version: {{nombre}}. {USE}"],
        ),
        (
            {"es": "Hola {nombre}"},
            {"es": "{apellido} y {nombre} otra vez"},
            [f"Unknown merge fields in the Spanish version: {{nombre}}, {{apellido}}. {USE}"],
        ),
    ],
    ids=[
        "nothing written",
        "only spaces",
        "a language without its message",
        "a language without its subject",
        "subject over 200 characters",
        "subject of two lines",
        "message over 50000 characters",
        "one unknown merge field",
        "two unknown merge fields, each named once",
    ],
)
def test_mailing_content_errors_says_what_is_wrong(
    subject: dict[str, str], body: dict[str, str], errors: list[str]
):
    assert mailing_content_errors(subject, body) == errors


def test_mailing_content_errors_accepts_the_longest_subject_and_message_allowed():
    subject = {"es": "x" * 200, "en": "Hello {first_name}"}
    body = {"es": "y" * 50_000, "en": "From {organisation}: [your data]({my_data_link})"}

    assert mailing_content_errors(subject, body) == []


def test_mailing_content_errors_names_languages_in_the_organisers_language():
    with translation.override("es"):
        errors = mailing_content_errors({"de": "Hallo"}, {"de": ""})
        sentence = gettext("The %(language)s version has no message.")

    # The project's catalog names the languages in Spanish (the sentence is the
    # catalog's too, once translated: English until then).
    assert errors == [sentence % {"language": "Alemán"}]


def test_mailing_content_errors_are_translated_into_the_organisers_language(
    settings: Any, tmp_path: Path
):
    write_catalog(
        tmp_path,
        "es",
        {
            "The %(language)s version has no message.": (
                "La versión en %(language)s no tiene mensaje."
            ),
            "The %(language)s message is longer than %(n)d characters.": (
                "El mensaje en %(language)s tiene más de %(n)d caracteres."
            ),
        },
    )
    use_catalogs(settings, tmp_path)

    with translation.override("es"):
        errors = mailing_content_errors(
            {"de": "Hallo", "en": "Hello"}, {"de": "", "en": "x" * 50_001}
        )
    english = mailing_content_errors({"de": "Hallo"}, {"de": ""})

    assert errors == [
        "El mensaje en Inglés tiene más de 50000 caracteres.",
        "La versión en Alemán no tiene mensaje.",
    ]
    assert english == ["The German version has no message."]


# --- who may write and send ------------------------------------------------------


def test_mailing_save_stores_a_draft_and_notes_it_in_the_audit_log(
    organisation: Any, organiser: Any
):
    mailing = mailing_save(mailing=draft(organisation), actor=organiser)

    stored = Mailing.objects.get()
    assert stored.pk == mailing.pk
    assert (stored.status, stored.created_by) == (Mailing.Status.DRAFT, organiser)
    entry = AuditEntry.objects.get(action="mailing.saved")
    assert (entry.actor, entry.organisation, entry.object_id) == (
        organiser,
        organisation,
        str(mailing.pk),
    )
    assert entry.data == {"languages": ["en", "es"]}


@pytest.mark.parametrize("who", ["viewer", "organiser of another organisation"])
def test_mailing_save_refuses_a_viewer_and_an_organiser_of_another_organisation(
    organisation: Any, who: str
):
    if who == "viewer":
        actor = staff(organisation, Membership.Role.VIEWER)
    else:
        actor = staff(factories.OrganisationFactory())

    with pytest.raises(MailingNotAllowed):
        mailing_save(mailing=draft(organisation), actor=actor)

    assert not Mailing.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="mailing.").exists()


def test_a_viewer_cannot_change_an_existing_draft(organisation: Any, organiser: Any):
    mailing = mailing_save(mailing=draft(organisation), actor=organiser)
    viewer = staff(organisation, Membership.Role.VIEWER)

    mailing.subject = {"es": "Otro asunto", "en": "Another subject"}
    with pytest.raises(MailingNotAllowed):
        mailing_save(mailing=mailing, actor=viewer)
    with pytest.raises(MailingNotAllowed):
        mailing_send(mailing=Mailing.objects.get(pk=mailing.pk), actor=viewer)

    stored = Mailing.objects.get(pk=mailing.pk)
    assert stored.subject.data["en"] == "Hello {first_name}"
    assert stored.status == Mailing.Status.DRAFT


def test_mailing_save_refuses_a_segment_of_another_organisation(organisation: Any, organiser: Any):
    elsewhere = factories.OrganisationFactory()
    segment = Segment.objects.create(organisation=elsewhere, name="Theirs", criteria={})

    with pytest.raises(MailingError, match=r"That segment belongs to another organisation\."):
        mailing_save(
            mailing=draft(organisation, audience=Mailing.Audience.SEGMENT, segment=segment),
            actor=organiser,
        )
    assert not Mailing.objects.exists()


def test_a_mailing_that_started_sending_can_no_longer_be_saved(
    smtp_server: Any, organisation: Any, organiser: Any
):
    agreeing(organisation, 1)
    mailing = mailing_save(mailing=draft(organisation), actor=organiser)
    mailing_send(mailing=mailing, actor=organiser)
    stale = Mailing.objects.get(pk=mailing.pk)
    Scheduler().run()

    stale.subject = {"es": "Cambiado", "en": "Changed"}
    with pytest.raises(MailingError, match="can no longer change"):
        mailing_save(mailing=stale, actor=organiser)
    assert Mailing.objects.get(pk=mailing.pk).subject.data["en"] == "Hello {first_name}"


# --- sending ---------------------------------------------------------------------


def test_sending_to_nobody_who_agrees_is_refused_and_the_mailing_stays_a_draft(
    organisation: Any, organiser: Any
):
    (withdrew,) = agreeing(organisation, 1)
    consent_withdraw(supporter=withdrew, organisation=organisation)
    mailing = a_mailing(organisation, organiser)

    with pytest.raises(MailingError, match="Nobody can receive this mailing"):
        mailing_send(mailing=mailing, actor=organiser)

    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DRAFT
    assert not AuditEntry.objects.filter(action="mailing.scheduled").exists()


def test_a_send_time_in_the_past_is_refused(organisation: Any, organiser: Any):
    agreeing(organisation, 1)
    mailing = a_mailing(organisation, organiser)

    with pytest.raises(MailingError, match="The time to send it has passed"):
        mailing_send(
            mailing=mailing, actor=organiser, send_at=timezone.now() - timedelta(minutes=5)
        )
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.DRAFT


def test_a_mailing_for_exactly_the_threshold_goes_without_approval(
    organisation: Any, organiser: Any
):
    many_agreeing(organisation, 1000)

    mailing = mailing_send(mailing=a_mailing(organisation, organiser), actor=organiser)

    assert mailing.status == Mailing.Status.SCHEDULED
    assert mailing.approval_requested_by is None


def test_a_mailing_for_more_than_1000_people_waits_for_another_organisers_approval(
    organisation: Any, organiser: Any
):
    many_agreeing(organisation, 1001)
    mailing = mailing_send(mailing=a_mailing(organisation, organiser), actor=organiser)
    assert mailing.status == Mailing.Status.AWAITING_APPROVAL
    assert mailing.approval_requested_by == organiser
    assert mailings_tick()["started"] == 0  # nothing goes before it is approved

    with pytest.raises(MailingError, match="Another organiser must approve it"):
        mailing_approve(mailing=mailing, actor=organiser)
    with pytest.raises(MailingNotAllowed):
        mailing_approve(mailing=mailing, actor=staff(organisation, Membership.Role.VIEWER))
    with pytest.raises(MailingNotAllowed):
        mailing_approve(mailing=mailing, actor=staff(factories.OrganisationFactory()))
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.AWAITING_APPROVAL

    other = staff(organisation)
    approved = mailing_approve(mailing=mailing, actor=other)

    assert approved.status == Mailing.Status.SCHEDULED
    assert approved.approved_by == other and approved.approved_at is not None
    with pytest.raises(MailingError, match="not waiting for approval"):
        mailing_approve(mailing=approved, actor=other)


def test_pressing_send_twice_queues_the_mailing_once_and_each_person_gets_it_once(
    smtp_server: Any, organisation: Any, organiser: Any
):
    people = agreeing(organisation, 3)
    mailing = a_mailing(organisation, organiser)
    first_click, second_click = (Mailing.objects.get(pk=mailing.pk) for _n in range(2))

    mailing_send(mailing=first_click, actor=organiser)
    with pytest.raises(MailingError, match=r"This mailing was sent already\."):
        mailing_send(mailing=second_click, actor=organiser)  # loaded before the first
    with pytest.raises(MailingError, match="Only a draft can be sent"):
        mailing_send(mailing=Mailing.objects.get(pk=mailing.pk), actor=organiser)
    Scheduler().run()

    assert AuditEntry.objects.filter(action="mailing.scheduled").count() == 1
    assert received(smtp_server) == {person.email: 1 for person in people}


def test_a_mailing_scheduled_for_later_starts_at_its_time_not_before(
    smtp_server: Any, organisation: Any, organiser: Any
):
    people = agreeing(organisation, 2)
    t0 = datetime(2031, 3, 2, 10, 0, 17, tzinfo=UTC)
    with time_machine.travel(t0, tick=False):
        mailing = mailing_send(
            mailing=a_mailing(organisation, organiser),
            actor=organiser,
            send_at=t0 + timedelta(hours=2),
        )
    assert mailing.status == Mailing.Status.SCHEDULED

    with time_machine.travel(t0 + timedelta(hours=2) - timedelta(seconds=1), tick=False):
        assert mailings_tick()["started"] == 0
        email_deliver_waiting()
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SCHEDULED
    assert not Recipient.objects.exists() and not smtp_server.messages

    with time_machine.travel(t0 + timedelta(hours=2), tick=False):
        assert mailings_tick()["started"] == 1
        email_deliver_waiting()
        mailings_tick()
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT
    assert mailing.started_at == t0 + timedelta(hours=2)
    assert received(smtp_server) == {person.email: 1 for person in people}


def test_a_segment_mailing_reaches_only_the_segments_people_who_agree(
    smtp_server: Any, organisation: Any, organiser: Any
):
    english = agreeing(organisation, 2, language="en")
    agreeing(organisation, 2, language="es")
    (withdrew,) = agreeing(organisation, 1, language="en")
    consent_withdraw(supporter=withdrew, organisation=organisation)
    segment = segment_save(
        organisation=organisation,
        name="English speakers",
        query={"supporter__language": "en"},
        actor=organiser,
    )
    mailing = a_mailing(organisation, organiser, audience=Mailing.Audience.SEGMENT, segment=segment)

    mailing_send(mailing=mailing, actor=organiser)
    Scheduler().run()

    mailing.refresh_from_db()
    assert mailing.recipients_count == 2
    assert received(smtp_server) == {person.email: 1 for person in english}


def test_a_segment_of_people_who_do_not_agree_reaches_nobody(organisation: Any, organiser: Any):
    agreeing(organisation, 2)
    for person in agreeing(organisation, 2):
        consent_withdraw(supporter=person, organisation=organisation)
    segment = segment_save(
        organisation=organisation, name="Said no", query={"agreed": "no"}, actor=organiser
    )
    mailing = a_mailing(organisation, organiser, audience=Mailing.Audience.SEGMENT, segment=segment)

    with pytest.raises(MailingError, match="Nobody can receive this mailing"):
        mailing_send(mailing=mailing, actor=organiser)


def test_a_segment_deleted_before_sending_starts_cancels_the_mailing_instead_of_sending_to_all(
    smtp_server: Any, organisation: Any, organiser: Any
):
    agreeing(organisation, 2, language="en")
    agreeing(organisation, 2, language="es")
    segment = segment_save(
        organisation=organisation,
        name="English speakers",
        query={"supporter__language": "en"},
        actor=organiser,
    )
    mailing = a_mailing(organisation, organiser, audience=Mailing.Audience.SEGMENT, segment=segment)
    mailing_send(mailing=mailing, actor=organiser)

    segment.delete()
    Scheduler().run()

    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.CANCELLED
    assert not Recipient.objects.exists()
    assert not smtp_server.messages
    entry = AuditEntry.objects.get(action="mailing.cancelled")
    assert entry.data == {"reason": "segment deleted before sending"}


def test_a_segment_deleted_while_sending_changes_nothing_its_recipients_are_frozen(
    smtp_server: Any, organisation: Any, organiser: Any
):
    english = agreeing(organisation, 3, language="en")
    agreeing(organisation, 2, language="es")
    segment = segment_save(
        organisation=organisation,
        name="English speakers",
        query={"supporter__language": "en"},
        actor=organiser,
    )
    SendingLimit.objects.create(organisation=organisation, per_second=1)
    mailing = a_mailing(organisation, organiser, audience=Mailing.Audience.SEGMENT, segment=segment)
    mailing_send(mailing=mailing, actor=organiser)
    scheduler = Scheduler()
    assert scheduler.tick()["fed"] == 1

    segment.delete()
    (late,) = agreeing(organisation, 1, language="en")  # agreed after the freeze
    scheduler.run()

    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT
    assert (mailing.segment, mailing.recipients_count) == (None, 3)
    assert received(smtp_server) == {person.email: 1 for person in english}
    assert late.email not in received(smtp_server)


def test_people_who_withdraw_or_whose_address_stops_working_after_the_freeze_are_skipped(
    smtp_server: Any, organisation: Any, organiser: Any
):
    stays, withdraws, bounces = agreeing(organisation, 3)
    SendingLimit.objects.create(organisation=organisation, per_second=1)
    mailing = mailing_send(mailing=a_mailing(organisation, organiser), actor=organiser)
    scheduler = Scheduler()
    assert scheduler.tick()["fed"] == 1  # the first of the three, by the order frozen

    consent_withdraw(supporter=withdraws, organisation=organisation)
    bounce_record(supporter=bounces, kind=Bounce.Kind.HARD, source="smtp")
    scheduler.run()

    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT
    assert received(smtp_server) == {stays.email: 1}
    statuses = dict(Recipient.objects.values_list("supporter_id", "status"))
    assert statuses == {
        stays.pk: Recipient.Status.QUEUED,
        withdraws.pk: Recipient.Status.SKIPPED,
        bounces.pk: Recipient.Status.SKIPPED,
    }
    results = mailing_results(mailing)
    assert (results.recipients, results.sent, results.skipped, results.remaining) == (3, 1, 2, 0)


# --- pause, resume, cancel -------------------------------------------------------


def queued_and_two_sent(settings: Any, organisation: Any, organiser: Any) -> Mailing:
    """Five people; every message handed to the delivery engine; two of them sent."""
    settings.EMAIL_BATCH_SIZE = 2
    agreeing(organisation, 5)
    mailing = mailing_send(mailing=a_mailing(organisation, organiser), actor=organiser)
    assert mailings_tick()["fed"] == 5
    assert email_deliver_waiting(seconds=0) == 2  # one batch, then the worker stops
    return mailing


def test_pause_takes_back_unclaimed_messages_and_resume_sends_each_person_exactly_once(
    smtp_server: Any, organisation: Any, organiser: Any, settings: Any
):
    mailing = queued_and_two_sent(settings, organisation, organiser)

    assert mailing_pause(mailing=mailing, actor=organiser) == 3
    assert email_deliver_waiting() == 0
    scheduler = Scheduler()
    assert scheduler.tick()["fed"] == 0
    assert len(smtp_server.messages) == 2
    assert Recipient.objects.filter(status=Recipient.Status.WAITING).count() == 3
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).count() == 0

    mailing_resume(mailing=mailing, actor=organiser)
    scheduler.run()

    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT
    everyone = Supporter.objects.values_list("email", flat=True)
    assert received(smtp_server) == {email: 1 for email in everyone}


def test_a_message_a_worker_has_claimed_when_the_mailing_is_paused_is_sent_once(
    smtp_server: Any, organisation: Any, organiser: Any, settings: Any
):
    people = agreeing(organisation, 3)
    mailing = mailing_send(mailing=a_mailing(organisation, organiser), actor=organiser)
    mailings_tick()
    # The delivery engine's two halves, with the pause in between.
    claimed = _claim(1)

    assert mailing_pause(mailing=mailing, actor=organiser) == 2
    _send_batch(claimed)
    mailing_resume(mailing=mailing, actor=organiser)
    Scheduler().run()

    assert received(smtp_server) == {person.email: 1 for person in people}


def test_cancel_stops_the_rest_and_nothing_starts_it_again(
    smtp_server: Any, organisation: Any, organiser: Any, settings: Any
):
    mailing = queued_and_two_sent(settings, organisation, organiser)

    assert mailing_cancel(mailing=mailing, actor=organiser) == 3
    Scheduler().run()

    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.CANCELLED and mailing.finished_at is not None
    assert len(smtp_server.messages) == 2
    results = mailing_results(mailing)
    assert (results.sent, results.cancelled, results.remaining) == (2, 3, 0)
    with pytest.raises(MailingError):
        mailing_resume(mailing=mailing, actor=organiser)
    with pytest.raises(MailingError):
        mailing_cancel(mailing=mailing, actor=organiser)


def test_only_a_mailing_being_sent_can_be_paused(organisation: Any, organiser: Any):
    agreeing(organisation, 1)
    mailing = mailing_send(mailing=a_mailing(organisation, organiser), actor=organiser)

    with pytest.raises(MailingError, match=r"Only a mailing being sent can be paused\."):
        mailing_pause(mailing=mailing, actor=organiser)
    with pytest.raises(MailingError, match=r"Only a paused mailing can be resumed\."):
        mailing_resume(mailing=mailing, actor=organiser)


@pytest.mark.parametrize("step", [mailing_pause, mailing_cancel])
def test_a_viewer_can_neither_pause_nor_cancel(organisation: Any, organiser: Any, step: Any):
    agreeing(organisation, 2)
    mailing = mailing_send(mailing=a_mailing(organisation, organiser), actor=organiser)
    mailings_tick()

    with pytest.raises(MailingNotAllowed):
        step(mailing=mailing, actor=staff(organisation, Membership.Role.VIEWER))
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENDING


# --- freezing the recipients, pacing ---------------------------------------------


def test_preparing_again_or_from_a_stale_copy_never_makes_two_recipients_of_one_person(
    smtp_server: Any, organisation: Any, organiser: Any, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(services, "PREPARE_CHUNK", 2)
    monkeypatch.setattr(services, "PREPARE_SECONDS", 0)  # one chunk a tick
    people = agreeing(organisation, 5)
    mailing = mailing_send(mailing=a_mailing(organisation, organiser), actor=organiser)
    scheduler = Scheduler()
    assert scheduler.tick()["prepared"] == 2  # one chunk a tick
    before_second_chunk = Mailing.objects.get(pk=mailing.pk)
    assert scheduler.again()["prepared"] == 2
    # A worker that loaded the mailing before the last chunk was written does it again.
    services._prepare(before_second_chunk)
    assert max(Counter(Recipient.objects.values_list("supporter_id", flat=True)).values()) == 1
    scheduler.run()

    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT and mailing.recipients_count == 5
    per_person = Counter(Recipient.objects.values_list("supporter_id", flat=True))
    assert per_person == {person.pk: 1 for person in people}
    assert received(smtp_server) == {person.email: 1 for person in people}


def test_a_preparation_from_a_stale_copy_after_the_freeze_adds_nobody(
    smtp_server: Any, organisation: Any, organiser: Any, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(services, "PREPARE_CHUNK", 2)
    monkeypatch.setattr(services, "PREPARE_SECONDS", 0)  # one chunk a tick
    people = agreeing(organisation, 3)
    mailing = mailing_send(mailing=a_mailing(organisation, organiser), actor=organiser)
    scheduler = Scheduler()
    scheduler.tick()  # started, the first chunk frozen
    # Another worker's tick loads the mailing as being prepared, and is slower.
    stale = Mailing.objects.get(pk=mailing.pk)
    assert stale.status == Mailing.Status.PREPARING
    scheduler.again()  # the last chunk: frozen, sending
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENDING
    (late,) = agreeing(organisation, 1)  # agrees once the recipients are frozen

    services._prepare(stale)
    scheduler.run()

    assert received(smtp_server) == {person.email: 1 for person in people}
    assert late.email not in received(smtp_server)
    assert Mailing.objects.get(pk=mailing.pk).recipients_count == Recipient.objects.count() == 3
    assert AuditEntry.objects.filter(action="mailing.recipients_frozen").count() == 1


def test_running_the_tick_twice_in_the_same_second_hands_each_message_over_once(
    smtp_server: Any, organisation: Any, organiser: Any
):
    people = agreeing(organisation, 4)
    mailing_send(mailing=a_mailing(organisation, organiser), actor=organiser)
    scheduler = Scheduler()

    first, second = scheduler.tick(), scheduler.again()

    assert (first["started"], first["fed"]) == (1, 4)
    assert (second["started"], second["fed"]) == (0, 0)
    assert OutgoingEmail.objects.count() == 4
    scheduler.run()
    assert received(smtp_server) == {person.email: 1 for person in people}


def test_the_organisations_sending_limit_caps_how_many_are_handed_over_each_second(
    smtp_server: Any, organisation: Any, organiser: Any
):
    SendingLimit.objects.create(organisation=organisation, per_second=2)
    agreeing(organisation, 5)
    mailing_send(mailing=a_mailing(organisation, organiser), actor=organiser)
    scheduler = Scheduler()

    fed = [scheduler.tick()["fed"], scheduler.again()["fed"], scheduler.tick()["fed"]]
    fed.append(scheduler.tick()["fed"])

    assert fed == [2, 0, 2, 1]
    assert OutgoingEmail.objects.count() == 5


def test_two_mailings_sending_at_once_share_the_organisations_rate(
    smtp_server: Any, organisation: Any, organiser: Any
):
    SendingLimit.objects.create(organisation=organisation, per_second=4)
    agreeing(organisation, 6)
    first = mailing_send(mailing=a_mailing(organisation, organiser), actor=organiser)
    second = mailing_send(mailing=a_mailing(organisation, organiser), actor=organiser)
    start = timezone.now()

    assert mailings_tick(now=start + timedelta(seconds=1))["fed"] == 4

    handed = Counter(
        Recipient.objects.filter(status=Recipient.Status.QUEUED).values_list(
            "mailing_id", flat=True
        )
    )
    assert handed == {first.pk: 2, second.pk: 2}


def test_the_organisations_hourly_limit_holds_the_rest_until_the_next_hour(
    smtp_server: Any, organisation: Any, organiser: Any
):
    SendingLimit.objects.create(organisation=organisation, per_second=10, per_hour=3)
    agreeing(organisation, 5)
    mailing = mailing_send(mailing=a_mailing(organisation, organiser), actor=organiser)
    start = timezone.now()

    assert mailings_tick(now=start + timedelta(seconds=1))["fed"] == 3
    assert mailings_tick(now=start + timedelta(minutes=59))["fed"] == 0
    assert mailings_tick(now=start + timedelta(minutes=61))["fed"] == 2
    email_deliver_waiting()
    mailings_tick(now=start + timedelta(minutes=61, seconds=1))

    assert len(smtp_server.messages) == 5
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENT


# --- the audit trail, erasure ----------------------------------------------------


def test_each_step_is_in_the_audit_log_without_personal_data(
    smtp_server: Any, organisation: Any, organiser: Any
):
    many_agreeing(organisation, 1001)
    small = factories.OrganisationFactory()
    factories.MembershipFactory(user=organiser, organisation=small)
    (only_one,) = agreeing(small, 1)
    second = staff(organisation)

    large = mailing_save(mailing=draft(organisation), actor=organiser)
    mailing_send(mailing=large, actor=organiser)
    mailing_approve(mailing=large, actor=second)
    mailings_tick()
    mailing_pause(mailing=large, actor=organiser)
    mailing_resume(mailing=large, actor=second)
    mailing_cancel(mailing=large, actor=organiser)
    mailing_send(mailing=mailing_save(mailing=draft(small), actor=organiser), actor=organiser)

    entries = AuditEntry.objects.filter(action__startswith="mailing.")
    assert set(entries.values_list("action", flat=True)) >= {
        "mailing.saved",
        "mailing.approval_requested",
        "mailing.approved",
        "mailing.recipients_frozen",
        "mailing.paused",
        "mailing.resumed",
        "mailing.cancelled",
        "mailing.scheduled",
    }
    assert entries.get(action="mailing.approved").actor == second
    assert entries.get(action="mailing.scheduled").organisation == small
    personal = [only_one.email, only_one.name, *only_one.name.split()]
    for entry in entries:
        recorded = json.dumps(entry.data) + entry.object_repr + entry.actor_label
        assert "@" not in recorded, entry.action
        assert "Crowd" not in recorded and not any(p in recorded for p in personal), entry.action


def test_erasing_people_after_a_mailing_keeps_its_results_and_removes_them_from_its_rows(
    smtp_server: Any, organisation: Any, organiser: Any
):
    bounced, unsubscribed, kept = agreeing(organisation, 3)
    mailing = mailing_send(mailing=a_mailing(organisation, organiser), actor=organiser)
    Scheduler().run()
    bounce_record(
        supporter=bounced,
        kind=Bounce.Kind.HARD,
        source="smtp",
        recipient=Recipient.objects.get(supporter=bounced),
    )
    recipient_unsubscribe(recipient=Recipient.objects.get(supporter=unsubscribed))
    mailing.refresh_from_db()
    before = mailing_results(mailing)

    supporter_erase(supporter=bounced)
    supporter_erase(supporter=unsubscribed)

    after = mailing_results(mailing)
    assert after.as_json() == before.as_json()
    assert after.by_language == before.by_language
    assert (after.sent, after.bounced, after.unsubscribed) == (3, 1, 1)
    assert Recipient.objects.count() == 3
    assert list(
        Recipient.objects.filter(supporter__isnull=False).values_list("supporter_id", flat=True)
    ) == [kept.pk]
    assert not Bounce.objects.filter(supporter=bounced).exists()
    assert not ConsentRecord.objects.filter(supporter__in=[bounced, unsubscribed]).exists()


def test_someone_erased_before_their_turn_is_skipped_and_the_mailing_still_finishes(
    smtp_server: Any, organisation: Any, organiser: Any
):
    first, erased = agreeing(organisation, 2)
    SendingLimit.objects.create(organisation=organisation, per_second=1)
    mailing = mailing_send(mailing=a_mailing(organisation, organiser), actor=organiser)
    scheduler = Scheduler()
    scheduler.tick()

    supporter_erase(supporter=erased)
    scheduler.run()

    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT
    assert received(smtp_server) == {first.email: 1}
    results = mailing_results(mailing)
    assert (results.recipients, results.sent, results.skipped) == (2, 1, 1)
