"""A mailing from writing to the recipients' inboxes, through the real delivery
engine and a real SMTP server."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from solidaria.mailing.models import Mailing, Recipient
from solidaria.mailing.services import mailing_send
from solidaria.supporters.models import OrganisationSupporter

from .conftest import a_mailing, agreeing, send_everything

pytestmark = pytest.mark.django_db

HOST = settings.SITE_URL.split("//")[1].split("/")[0].split(":")[0]


def test_each_person_gets_the_version_in_their_language_with_their_name(
    smtp_server: Any, organisation: Any, organiser: Any
):
    (ana,) = agreeing(organisation, 1, language="es", name="Ana Pérez")
    (bob,) = agreeing(organisation, 1, language="en", name="Bob Smith")
    (cleo,) = agreeing(organisation, 1, language="de", name="")
    mailing = a_mailing(organisation, organiser)

    mailing_send(mailing=mailing, actor=organiser)
    send_everything()

    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT
    by_address = {m["To"]: m for m in smtp_server.messages}
    assert by_address[ana.email]["Subject"] == "Hola Ana"
    assert by_address[bob.email]["Subject"] == "Hello Bob"
    # German is not written: the organisation's first language, and a neutral word.
    with translation.override("es"):
        assert by_address[cleo.email]["Subject"] == f"Hola {gettext('friend')}"
    assert by_address[cleo.email]["Content-Language"] == "es"
    html = by_address[ana.email].get_body(preferencelist=("html",)).get_content()
    assert "<strong>gracias</strong>" in html
    assert "/es/my/" in html and "%7B" not in html
    text = by_address[bob.email].get_body(preferencelist=("plain",)).get_content()
    assert "Dear Bob: **thank you**." in text and "/unsubscribe/" in text


def test_every_message_carries_one_click_unsubscribe_headers_that_work(
    smtp_server: Any, organisation: Any, organiser: Any
):
    (ana,) = agreeing(organisation, 1)
    mailing_send(mailing=a_mailing(organisation, organiser), actor=organiser)
    send_everything()

    (message,) = smtp_server.messages
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Id"] == f'"{organisation.name}" <{organisation.slug}.{HOST}>'
    url = message["List-Unsubscribe"].strip("<>").split(">")[0]
    path = url.split("://", 1)[1].split("/", 1)[1]

    # RFC 8058: a POST with that body, no cookie, no CSRF token; no redirect.
    response = Client(enforce_csrf_checks=True).post(
        "/" + path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    record = OrganisationSupporter.objects.get(supporter=ana, organisation=organisation)
    assert record.consent_since is None
    assert Recipient.objects.get().unsubscribed_at is not None


def test_only_people_who_agree_now_and_whose_address_works_receive_it(
    smtp_server: Any, organisation: Any, organiser: Any
):
    agreed = agreeing(organisation, 2)
    withdrawn = agreeing(organisation, 1)[0]
    OrganisationSupporter.objects.filter(supporter=withdrawn).update(consent_since=None)
    bounced = agreeing(organisation, 1)[0]
    bounced.undeliverable_since = bounced.created_at
    bounced.save()

    mailing_send(mailing=a_mailing(organisation, organiser), actor=organiser)
    send_everything()

    assert sorted(m["To"] for m in smtp_server.messages) == sorted(p.email for p in agreed)
