"""A supporter's own page: reached by an emailed link, no account, no password."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from solidaria.core.models import AuditEntry
from solidaria.petitions.models import Signature
from solidaria.petitions.services import petition_tick, signature_create
from solidaria.supporters.models import AccessLink, ConsentRecord, Supporter
from solidaria.supporters.services import (
    consent_record,
    consent_text_publish,
    personal_data_expire,
    supporter_get_or_create,
)
from tests import factories

pytestmark = pytest.mark.django_db

EMAIL = "ines.arguello@example.org"
SAME_ANSWER = "If we know this address, we have sent it a link to your page."


def ask(client: Client, email: str = EMAIL, **extra: str) -> Any:
    return client.post("/en/my/", {"email": email, **extra})


def link_in(message: Any) -> str:
    return re.search(r"http://[^\s]+(/en/my/open/[^\s/]+/)", message.body).group(1)


def signed_in(client: Client, run_tasks: Any, email: str = EMAIL) -> Client:
    assert ask(client, email).status_code == 200
    run_tasks()
    response = client.post(link_in(mail.outbox[-1]))
    assert response.status_code == 302 and response["Location"] == "/en/my/page/"
    return client


@pytest.fixture
def ines() -> Supporter:
    supporter, _created = supporter_get_or_create(email=EMAIL, name="Inés Argüello")
    return supporter


def test_a_known_and_an_unknown_address_get_the_same_answer_and_only_one_gets_mail(
    client: Client, ines: Supporter, run_tasks: Any
) -> None:
    known = ask(client)
    unknown = ask(Client(), "nobody@example.org")
    run_tasks()

    assert known.status_code == unknown.status_code == 200
    assert SAME_ANSWER in known.content.decode() and SAME_ANSWER in unknown.content.decode()
    assert [message.to for message in mail.outbox] == [[EMAIL]]
    assert "private" in known["Cache-Control"]
    link = AccessLink.objects.get(supporter=ines)
    assert link.token_hash and link.token_hash not in mail.outbox[0].body  # only the hash


def test_the_link_opens_a_button_and_only_the_button_opens_the_page(
    client: Client, ines: Supporter, run_tasks: Any
) -> None:
    ask(client)
    run_tasks()
    link = link_in(mail.outbox[0])

    scanner = Client().get(link)  # a mail scanner following the link
    assert scanner.status_code == 200 and "Open my page" in scanner.content.decode()
    assert AccessLink.objects.get().used_at is None
    assert client.get("/en/my/page/")["Location"] == "/en/my/"

    assert client.post(link)["Location"] == "/en/my/page/"
    page = client.get("/en/my/page/")
    assert page.status_code == 200 and "private" in page["Cache-Control"]
    assert AuditEntry.objects.filter(action="supporter.signed_in", object_id=str(ines.pk)).exists()


def test_a_link_works_once_and_for_an_hour(client: Client, ines: Supporter, run_tasks: Any) -> None:
    ask(client)
    ask(client)
    run_tasks()
    first, second = (link_in(message) for message in mail.outbox)

    assert client.post(first).status_code == 302
    again = Client().post(first)
    assert again.status_code == 404
    assert "This link is not valid any more. Please ask for a new one." in again.content.decode()

    AccessLink.objects.filter(used_at__isnull=True).update(
        created_at=timezone.now() - timedelta(minutes=61)
    )
    assert Client().get(second).status_code == 404
    assert Client().post(second).status_code == 404


@pytest.mark.parametrize("token", ["forged", "x" * 300, "%00", "ä"])
def test_a_forged_link_is_refused_with_a_message(client: Client, token: str) -> None:
    for response in (client.get(f"/en/my/open/{token}/"), client.post(f"/en/my/open/{token}/")):
        assert response.status_code == 404
        assert "Please ask for a new one." in response.content.decode()


def test_links_are_limited_per_address_and_per_connection_whether_known_or_not(
    client: Client, ines: Supporter, run_tasks: Any
) -> None:
    for email in (EMAIL, "nobody@example.org"):
        for _attempt in range(3):
            assert ask(Client(REMOTE_ADDR="198.51.100.9"), email).status_code == 200
        refused = ask(Client(REMOTE_ADDR="198.51.100.10"), email)
        assert refused.status_code == 429
        assert "Several links were sent for this address" in refused.content.decode()

    for n in range(4):  # ten requests in all from 198.51.100.9
        assert ask(Client(REMOTE_ADDR="198.51.100.9"), f"other{n}@example.org").status_code == 200
    refused = ask(Client(REMOTE_ADDR="198.51.100.9"), "eleventh@example.org")
    assert refused.status_code == 429
    assert "Too many links were asked for from this connection" in refused.content.decode()
    run_tasks()
    assert len(mail.outbox) == 3  # only the known address's three


def test_a_bad_address_or_a_filled_honeypot_is_answered_without_mail(
    client: Client, ines: Supporter, run_tasks: Any
) -> None:
    bad = ask(client, "not an address")
    assert bad.status_code == 400 and "Enter a valid email address." in bad.content.decode()
    bot = ask(client, EMAIL, website="http://spam.example")
    assert bot.status_code == 200 and SAME_ANSWER in bot.content.decode()
    run_tasks()
    assert mail.outbox == []
    assert not AccessLink.objects.exists()


def test_the_page_lists_actions_and_consents_and_a_signature_and_a_consent_can_be_ended(
    client: Client, ines: Supporter, run_tasks: Any
) -> None:
    petition = factories.PetitionFactory()
    signature_create(
        petition=petition, name="Inés", email=EMAIL, country="AR", language="en", ip="192.0.2.1"
    )
    Signature.objects.update(status=Signature.Status.CONFIRMED, confirmed_at=timezone.now())
    petition_tick()
    organisation = petition.campaign.owner
    wording = consent_text_publish(organisation=organisation, text={"en": "Yes, keep me posted."})
    consent_record(supporter=ines, consent_text=wording, language="en", method="web_form")
    signed_in(client, run_tasks)

    page = client.get("/en/my/page/").content.decode()
    assert f"Signed “{petition}”" in page and "Yes, keep me posted." in page

    signature = Signature.objects.get()
    ended = client.post(
        "/en/my/actions/end/", {"app": "petitions", "kind": "signature", "pk": signature.pk}
    )
    assert ended["Location"] == "/en/my/page/"
    signature.refresh_from_db()
    assert signature.status == Signature.Status.WITHDRAWN
    assert (
        f"Your signature on “{petition}” is withdrawn."
        in client.get("/en/my/page/").content.decode()
    )

    client.post(f"/en/my/consents/{organisation.pk}/withdraw/")
    assert ConsentRecord.objects.get().withdrawn_at is not None
    entry = AuditEntry.objects.get(action="consent.withdrawn")
    assert entry.organisation_id == organisation.pk and "Inés" not in json.dumps(entry.data)


def test_nobody_ends_an_action_that_is_not_theirs(
    client: Client, ines: Supporter, run_tasks: Any
) -> None:
    petition = factories.PetitionFactory()
    signature_create(
        petition=petition, name="Other", email="other@example.org", country="AR",
        language="en", ip="192.0.2.2",
    )  # fmt: skip
    theirs = Signature.objects.get()
    signed_in(client, run_tasks)

    for data in (
        {"app": "petitions", "kind": "signature", "pk": theirs.pk},
        {"app": "nowhere", "kind": "signature", "pk": theirs.pk},
        {"app": "petitions", "kind": "signature", "pk": "'; DROP TABLE x; --"},
    ):
        response = client.post("/en/my/actions/end/", data, follow=True)
        assert response.status_code == 200
        assert any(m.level_tag == "error" for m in response.context["messages"])
    theirs.refresh_from_db()
    assert theirs.status == Signature.Status.PENDING


def test_download_as_json_and_as_a_readable_page(
    client: Client, ines: Supporter, run_tasks: Any
) -> None:
    signed_in(client, run_tasks)

    download = client.get("/en/my/download.json")
    assert download["Content-Disposition"] == 'attachment; filename="my-data.json"'
    data = json.loads(download.content)
    assert data["supporter"]["name"] == "Inés Argüello"
    assert [e["subject"] for e in data["emails"]] == ["Your link to your page on Solidaria"]
    readable = client.get("/en/my/download/").content.decode()
    assert "Inés Argüello" in readable and "Emails we sent you" in readable


def test_erasing_needs_a_confirmation_then_closes_the_page(
    client: Client, ines: Supporter, run_tasks: Any
) -> None:
    signed_in(client, run_tasks)

    unconfirmed = client.post("/en/my/erase/")
    assert (
        unconfirmed.status_code == 400
        and "Tick the box to confirm." in unconfirmed.content.decode()
    )
    ines.refresh_from_db()
    assert ines.erased_at is None

    erased = client.post("/en/my/erase/", {"confirm": "on"})
    assert (
        erased.status_code == 200
        and "We hold nothing about you any more." in erased.content.decode()
    )
    ines.refresh_from_db()
    assert ines.erased_at is not None and ines.email == ""
    assert client.get("/en/my/page/")["Location"] == "/en/my/"
    again = ask(Client())
    assert again.status_code == 200  # the same answer; no link goes anywhere
    run_tasks()
    assert len(mail.outbox) == 1  # only the first link, sent before the erasure


def test_every_email_links_to_the_page(client: Client, ines: Supporter, run_tasks: Any) -> None:
    ask(client)
    run_tasks()

    message = mail.outbox[0]
    assert (
        "What we hold about you, and how to change or erase it:\nhttp://127.0.0.1:8000/en/my/"
        in message.body
    )
    html = message.alternatives[0][0]
    assert 'href="http://127.0.0.1:8000/en/my/"' in html


def test_requests_for_links_are_forgotten_after_a_day(
    client: Client, ines: Supporter, run_tasks: Any
) -> None:
    ask(client)
    ask(client, "nobody@example.org")
    AccessLink.objects.filter(supporter=ines).update(
        created_at=timezone.now() - timedelta(hours=25)
    )

    counts = personal_data_expire(now=timezone.now())

    assert counts["access_links"] == 1
    assert list(AccessLink.objects.values_list("supporter", flat=True)) == [None]
    assert AuditEntry.objects.get(action="personal_data.expired").data["access_links"] == 1
