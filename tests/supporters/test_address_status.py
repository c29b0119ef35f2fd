"""An address mail no longer reaches (it bounced, or a mailing was marked as spam):
the person sees it on their own page and says it works again; organisers see it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from solidaria.core.models import AuditEntry
from solidaria.mailing.models import Bounce, Mailing
from solidaria.mailing.services import audience, bounce_record
from solidaria.organisations.models import Membership
from solidaria.supporters.models import ConsentRecord, OrganisationSupporter, Supporter
from solidaria.supporters.services import (
    consent_record,
    supporter_address_confirm,
    supporter_get_or_create,
)
from tests import factories
from tests.supporters.test_self_service import EMAIL, signed_in

pytestmark = pytest.mark.django_db

PAGE = "/en/my/page/"
CONFIRM = "/en/my/address/confirm/"
WORKS_AGAIN = "My address works again: send me mailings"


@pytest.fixture
def ines() -> Supporter:
    supporter, _created = supporter_get_or_create(email=EMAIL, name="Inés Argüello")
    return supporter


def undeliverable(supporter: Supporter, kind: str = Bounce.Kind.HARD) -> Supporter:
    """As the mailing app marks it when a bounce report comes in."""
    bounce_record(supporter=supporter, kind=kind, source="test")
    supporter.refresh_from_db()
    assert supporter.undeliverable_since is not None
    return supporter


def agreeing_to_hear(supporter: Supporter) -> OrganisationSupporter:
    consent_record(
        supporter=supporter,
        consent_text=factories.ConsentTextFactory(),
        language="en",
        method=ConsentRecord.Method.WEB_FORM,
    )
    return OrganisationSupporter.objects.get(supporter=supporter)


def confirmations(supporter: Supporter) -> int:
    return AuditEntry.objects.filter(
        action="supporter.address_confirmed", object_id=str(supporter.pk)
    ).count()


def test_a_working_address_is_said_to_work_and_offers_no_button(
    client: Client, ines: Supporter, run_tasks: Any
) -> None:
    page = signed_in(client, run_tasks).get(PAGE).content.decode()

    assert "Mailings reach this address." in page
    assert CONFIRM not in page


def test_a_bounced_address_is_explained_with_its_date_in_the_pages_language(
    client: Client, ines: Supporter, run_tasks: Any
) -> None:
    signed_in(client, run_tasks)
    undeliverable(ines)
    # Midday UTC: the same day in the site's time zone.
    Supporter.objects.filter(pk=ines.pk).update(
        undeliverable_since=datetime(2026, 3, 14, 12, tzinfo=UTC)
    )

    page = client.get(PAGE).content.decode()
    assert "Mailings do not reach this address at the moment." in page
    assert "does not exist or does not accept mail" in page
    assert "Since March 14, 2026" in page
    assert WORKS_AGAIN in page and f'action="{CONFIRM}"' in page
    assert "Mailings reach this address." not in page
    # The date in the language of the page, whatever the one the texts are in.
    assert "14 de marzo de 2026" in client.get("/es/my/page/").content.decode()


def test_repeated_soft_bounces_are_explained_as_such(
    client: Client, ines: Supporter, run_tasks: Any
) -> None:
    signed_in(client, run_tasks)
    for _n in range(3):
        bounce_record(supporter=ines, kind=Bounce.Kind.SOFT, source="test")

    page = client.get(PAGE).content.decode()
    assert "have come back several times" in page and WORKS_AGAIN in page


def test_a_complaint_is_explained_with_the_consents_it_withdrew(
    client: Client, ines: Supporter, run_tasks: Any
) -> None:
    signed_in(client, run_tasks)
    record = agreeing_to_hear(ines)
    undeliverable(ines, Bounce.Kind.COMPLAINT)

    page = client.get(PAGE).content.decode()
    assert "a message we sent you was marked as spam" in page
    assert "stopped all mailings to you" in page
    assert "withdrew your agreement to hear from every organisation" in page
    assert "agree to it on one of its campaign pages" in page
    assert "Send me mailings again" in page and f'action="{CONFIRM}"' in page

    client.post(CONFIRM)
    ines.refresh_from_db()
    record.refresh_from_db()
    assert ines.undeliverable_since is None
    assert record.consent_since is None  # the complaint's withdrawal stands


def test_the_button_clears_the_mark_once_and_audits_it_without_personal_data(
    client: Client, ines: Supporter, run_tasks: Any
) -> None:
    signed_in(client, run_tasks)
    undeliverable(ines)

    response = client.post(CONFIRM)

    assert response.status_code == 302 and response["Location"] == PAGE
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Thank you. Mailings reach you again from the organisations you agree to hear from."
    ]
    ines.refresh_from_db()
    assert ines.undeliverable_since is None and ines.undeliverable_reason == ""
    entry = AuditEntry.objects.get(action="supporter.address_confirmed")
    assert entry.object_id == str(ines.pk) and entry.actor is None
    assert EMAIL not in str(entry.data) and "Inés" not in entry.object_repr
    page = client.get(PAGE).content.decode()
    assert "Mailings reach this address." in page and CONFIRM not in page

    again = client.post(CONFIRM)  # a second tab, a double click
    assert again["Location"] == PAGE
    assert not list(get_messages(again.wsgi_request))
    assert confirmations(ines) == 1


def test_a_confirmed_address_receives_mailings_of_organisations_it_agrees_to_hear_from(
    ines: Supporter,
) -> None:
    record = agreeing_to_hear(ines)
    mailing = Mailing(organisation=record.organisation, audience=Mailing.Audience.AGREED)
    undeliverable(ines)
    assert not audience(mailing).exists()

    assert supporter_address_confirm(supporter=ines) is True

    assert list(audience(mailing)) == [record]
    assert supporter_address_confirm(supporter=ines) is False


def test_opening_the_confirm_address_changes_nothing(
    client: Client, ines: Supporter, run_tasks: Any
) -> None:
    signed_in(client, run_tasks)
    undeliverable(ines)

    for method in (client.get, client.head):
        response = method(CONFIRM)
        assert response.status_code == 302 and response["Location"] == PAGE

    assert Supporter.objects.get(pk=ines.pk).undeliverable_since is not None
    assert confirmations(ines) == 0


def test_without_an_open_page_nobody_clears_the_mark(
    client: Client, ines: Supporter, run_tasks: Any
) -> None:
    undeliverable(ines)

    stranger = Client().post(CONFIRM)
    assert stranger.status_code == 302 and stranger["Location"] == "/en/my/"

    signed_in(client, run_tasks)
    client.post("/en/my/leave/")
    closed = client.post(CONFIRM)
    assert closed["Location"] == "/en/my/"

    # Another site's form, posted by the person's own browser: no CSRF token.
    forged = Client(enforce_csrf_checks=True)
    forged.cookies = signed_in(Client(), run_tasks).cookies
    assert forged.get(PAGE).status_code == 200  # the page is open in this browser
    assert forged.post(CONFIRM).status_code == 403

    assert Supporter.objects.get(pk=ines.pk).undeliverable_since is not None
    assert confirmations(ines) == 0


def test_organisers_see_the_status_but_cannot_clear_it(ines: Supporter) -> None:
    record = agreeing_to_hear(ines)
    membership = factories.MembershipFactory(
        organisation=record.organisation, role=Membership.Role.ORGANISER
    )
    client = Client()
    client.force_login(membership.user)
    change = f"/admin/supporters/organisationsupporter/{record.pk}/change/"

    assert "Undeliverable since" not in client.get(change).content.decode()

    undeliverable(ines, Bounce.Kind.COMPLAINT)
    page = client.get(change).content.decode()
    date = timezone.localtime(ines.undeliverable_since).strftime("%Y-%m-%d")
    assert f"Undeliverable since {date} (a mailing was marked as spam)" in page
    assert "until they confirm their address on their own page" in page
    assert "undeliverable_since" not in page  # shown, not a field to change

    saved = client.post(change, {"tags": [], "notes": "called her"})
    assert saved.status_code == 302
    ines.refresh_from_db()
    assert ines.undeliverable_since is not None
