from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from solidaria.core.mail.outbox import email_deliver_waiting
from solidaria.mailing.models import Mailing
from solidaria.mailing.services import mailing_send, mailings_tick
from solidaria.organisations.models import Membership
from solidaria.supporters.models import ConsentRecord, Supporter
from solidaria.supporters.services import consent_record
from tests import factories


@pytest.fixture
def organiser(organisation: Any) -> Any:
    user = factories.UserFactory(email="organiser@example.org", is_staff=True)
    factories.MembershipFactory(
        user=user, organisation=organisation, role=Membership.Role.ORGANISER
    )
    return user


def agreeing(organisation: Any, count: int, *, language: str = "es", **fields: Any) -> list[Any]:
    """People who agreed to hear from the organisation."""
    wording = factories.ConsentTextFactory(organisation=organisation)
    people = []
    for _n in range(count):
        supporter = factories.SupporterFactory(language=language, **fields)
        consent_record(
            supporter=supporter,
            consent_text=wording,
            language=language,
            method=ConsentRecord.Method.WEB_FORM,
        )
        people.append(supporter)
    return people


def a_mailing(organisation: Any, organiser: Any, **fields: Any) -> Mailing:
    values = {
        "organisation": organisation,
        "created_by": organiser,
        "subject": {"es": "Hola {first_name}", "en": "Hello {first_name}"},
        "body": {
            "es": "Querida {first_name}: **gracias**. [Tus datos]({my_data_link})",
            "en": "Dear {first_name}: **thank you**. [Your data]({my_data_link})",
        },
        **fields,
    }
    return Mailing.objects.create(**values)


def send_everything(rounds: int = 10) -> None:
    """The scheduler's work, done until nothing moves: ticks and deliveries."""
    start = timezone.now()
    for second in range(rounds):
        # A second apart, as the scheduler runs it: the organisation's rate refills.
        moved = mailings_tick(now=start + timedelta(seconds=second + 1))
        delivered = email_deliver_waiting()
        if not any(moved.values()) and not delivered:
            return


__all__ = ["Supporter", "a_mailing", "agreeing", "send_everything"]


def a_sent_mailing(organisation: Any, organiser: Any, **fields: Any) -> Mailing:
    """A mailing sent to everyone who agrees to hear from the organisation, through
    the delivery engine (to the test's SMTP server, if it has one)."""
    mailing = a_mailing(organisation, organiser, **fields)
    mailing_send(mailing=mailing, actor=organiser)
    send_everything()
    return mailing
