"""Unsubscribing from an organisation's mailings with the link every message
carries (RFC 8058): a page with a button for people, one click for mail
clients, nothing for link scanners, nothing for a forged link."""

from __future__ import annotations

from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from solidaria.core.models import AuditEntry
from solidaria.mailing.models import Mailing, Recipient
from solidaria.mailing.selectors import mailing_results
from solidaria.mailing.services import mailing_send
from solidaria.supporters.models import ConsentRecord, OrganisationSupporter
from solidaria.supporters.services import consent_record
from tests import factories

from .conftest import a_mailing, agreeing, send_everything
from .test_rendering import use_catalogs, write_catalog

pytestmark = pytest.mark.django_db

INVALID = "This unsubscribe link is not one of ours, or it was cut short."
ONE_CLICK = "List-Unsubscribe=One-Click"


# --- helpers ---------------------------------------------------------------------


def deliver(organisation: Any, organiser: Any) -> Mailing:
    mailing = mailing_send(mailing=a_mailing(organisation, organiser), actor=organiser)
    send_everything()
    return mailing


def link_in(message: EmailMessage) -> str:
    """The path of the unsubscribe link a message's List-Unsubscribe header gives."""
    first = str(message["List-Unsubscribe"]).split(",")[0].strip()
    return urlsplit(first.strip("<>")).path


def link_for(smtp_server: Any, person: Any) -> str:
    (message,) = [m for m in smtp_server.messages if m["To"] == person.email]
    return link_in(message)


def one_click(path: str) -> Any:
    """What a mail client sends: a POST with that body, no cookie, no CSRF token."""
    return Client(enforce_csrf_checks=True).post(
        path, ONE_CLICK, content_type="application/x-www-form-urlencoded"
    )


def agrees(person: Any, organisation: Any) -> bool:
    return OrganisationSupporter.objects.filter(
        supporter=person, organisation=organisation, consent_since__isnull=False
    ).exists()


def also_agreeing(person: Any, organisation: Any) -> None:
    consent_record(
        supporter=person,
        consent_text=factories.ConsentTextFactory(organisation=organisation),
        language=person.language,
        method=ConsentRecord.Method.WEB_FORM,
    )


class Forms(HTMLParser):
    """The forms of a page: their method, action and fields."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append({**values, "fields": {}, "buttons": 0})
        elif tag == "input" and self.forms and "name" in values:
            self.forms[-1]["fields"][values["name"]] = values.get("value", "")
        elif tag == "button" and self.forms:
            self.forms[-1]["buttons"] += 1


def private(response: Any) -> bool:
    cache_control = response.get("Cache-Control", "")
    return "private" in cache_control and "no-store" in cache_control


# --- opening the link ------------------------------------------------------------


def test_opening_the_link_shows_a_button_in_the_recipients_language_and_unsubscribes_nobody(
    client: Client,
    smtp_server: Any,
    organisation: Any,
    organiser: Any,
    settings: Any,
    tmp_path: Path,
):
    write_catalog(
        tmp_path,
        "de",
        {
            "Unsubscribe": "Abbestellen",
            "Stop receiving mailings from %(organisation)s?": (
                "Keine Rundschreiben mehr von %(organisation)s erhalten?"
            ),
        },
    )
    use_catalogs(settings, tmp_path)
    (greta,) = agreeing(organisation, 1, language="de")
    deliver(organisation, organiser)
    path = link_for(smtp_server, greta)

    responses = [client.get(path), client.get(path)]  # a person, then a link scanner

    page = responses[0].content.decode()
    assert responses[0].status_code == 200
    assert '<html lang="de"' in page
    assert f"Keine Rundschreiben mehr von {organisation.name} erhalten?" in page
    assert "Abbestellen" in page
    (form,) = [f for f in Forms(page).forms if f.get("method") == "post"]
    assert form["buttons"] == 1 and form.get("action", "") in ("", path)
    assert all(response.status_code == 200 and private(response) for response in responses)
    assert agrees(greta, organisation)
    assert Recipient.objects.get(supporter=greta).unsubscribed_at is None
    assert not AuditEntry.objects.filter(action="consent.withdrawn").exists()


def test_the_page_in_the_recipients_language_says_so_in_its_content_language_header(
    client: Client, smtp_server: Any, organisation: Any, organiser: Any
):
    (greta,) = agreeing(organisation, 1, language="de")
    deliver(organisation, organiser)

    response = client.get(link_for(smtp_server, greta), HTTP_ACCEPT_LANGUAGE="en")

    assert '<html lang="de"' in response.content.decode()
    assert response["Content-Language"] == "de"


def test_the_button_on_the_page_unsubscribes(smtp_server: Any, organisation: Any, organiser: Any):
    (ana,) = agreeing(organisation, 1)
    deliver(organisation, organiser)
    path = link_for(smtp_server, ana)
    browser = Client(enforce_csrf_checks=True)
    (form,) = Forms(browser.get(path).content.decode()).forms

    response = browser.post(form.get("action") or path, form["fields"])

    assert response.status_code == 200
    assert not agrees(ana, organisation)


# --- one click -------------------------------------------------------------------


def test_one_click_withdraws_the_consent_and_answers_with_a_page_not_a_redirect(
    smtp_server: Any, organisation: Any, organiser: Any
):
    (ana,) = agreeing(organisation, 1, language="en")
    (other,) = agreeing(organisation, 1)
    mailing = deliver(organisation, organiser)

    response = one_click(link_for(smtp_server, ana))

    assert response.status_code == 200
    assert "Location" not in response
    assert private(response)
    assert (
        f"You will receive no more mailings from {organisation.name}." in response.content.decode()
    )
    record = ConsentRecord.objects.get(supporter=ana)
    assert record.withdrawn_at is not None
    assert not agrees(ana, organisation)
    assert Recipient.objects.get(supporter=ana).unsubscribed_at is not None
    assert agrees(other, organisation)
    assert Recipient.objects.get(supporter=other).unsubscribed_at is None
    assert mailing_results(mailing).unsubscribed == 1
    entry = AuditEntry.objects.get(action="consent.withdrawn")
    assert entry.organisation == organisation and "@" not in str(entry.data)


def test_a_second_one_click_changes_nothing_and_still_answers_200(
    smtp_server: Any, organisation: Any, organiser: Any
):
    (ana,) = agreeing(organisation, 1, language="en")
    deliver(organisation, organiser)
    path = link_for(smtp_server, ana)
    one_click(path)
    withdrawn_at = ConsentRecord.objects.get(supporter=ana).withdrawn_at
    unsubscribed_at = Recipient.objects.get(supporter=ana).unsubscribed_at

    again = one_click(path)
    page = Client().get(path)

    assert again.status_code == 200 and "Location" not in again
    assert ConsentRecord.objects.get(supporter=ana).withdrawn_at == withdrawn_at
    assert Recipient.objects.get(supporter=ana).unsubscribed_at == unsubscribed_at
    assert AuditEntry.objects.filter(action="consent.withdrawn").count() == 1
    assert f"You are unsubscribed from {organisation.name}" in page.content.decode()
    assert not Forms(page.content.decode()).forms


def test_a_link_from_before_a_secret_key_rotation_still_unsubscribes(
    smtp_server: Any, organisation: Any, organiser: Any, settings: Any
):
    (ana,) = agreeing(organisation, 1)
    deliver(organisation, organiser)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the-key-after-rotation-" + "z" * 40

    assert one_click(link_for(smtp_server, ana)).status_code == 200
    assert not agrees(ana, organisation)


# --- links that are not ours -----------------------------------------------------


def forgeries(path: str, other_recipient_id: int) -> dict[str, str]:
    token = path.removeprefix("/unsubscribe/").rstrip("/")
    number, digest = token.split("-")
    flipped = digest[:-1] + ("0" if digest[-1] != "0" else "1")
    return {
        "one digit changed": f"/unsubscribe/{number}-{flipped}/",
        "cut short": f"/unsubscribe/{token[:-3]}/",
        "cut at the dash": f"/unsubscribe/{number}-/",
        "another recipient's id": f"/unsubscribe/{other_recipient_id}-{digest}/",
        "made up": "/unsubscribe/123-0123456789abcdef01234567/",
        "not a token": "/unsubscribe/hello/",
    }


@pytest.mark.parametrize(
    "kind",
    [
        "one digit changed",
        "cut short",
        "cut at the dash",
        "another recipient's id",
        "made up",
        "not a token",
    ],
)
def test_a_forged_or_truncated_link_gets_a_404_page_that_says_so_and_changes_nothing(
    smtp_server: Any, organisation: Any, organiser: Any, kind: str
):
    ana, bob = agreeing(organisation, 2)
    deliver(organisation, organiser)
    bad = forgeries(link_for(smtp_server, ana), Recipient.objects.get(supporter=bob).pk)[kind]

    shown, posted = Client().get(bad), one_click(bad)

    for response in (shown, posted):
        assert response.status_code == 404
        assert INVALID in response.content.decode()
        assert private(response)
    assert agrees(ana, organisation) and agrees(bob, organisation)
    assert not Recipient.objects.filter(unsubscribed_at__isnull=False).exists()
    assert not ConsentRecord.objects.filter(withdrawn_at__isnull=False).exists()


# --- afterwards ------------------------------------------------------------------


def test_once_unsubscribed_the_organisations_next_mailing_skips_them_but_another_ones_reaches_them(
    smtp_server: Any, organisation: Any, organiser: Any
):
    ana, bob = agreeing(organisation, 2)
    elsewhere = factories.OrganisationFactory()
    factories.MembershipFactory(user=organiser, organisation=elsewhere)
    also_agreeing(ana, elsewhere)
    deliver(organisation, organiser)
    one_click(link_for(smtp_server, ana))
    smtp_server.messages.clear()

    deliver(organisation, organiser)
    ours = [str(m["To"]) for m in smtp_server.messages]
    smtp_server.messages.clear()
    deliver(elsewhere, organiser)
    theirs = [str(m["To"]) for m in smtp_server.messages]

    assert ours == [bob.email]
    assert theirs == [ana.email]
    assert agrees(ana, elsewhere)


def test_a_head_request_to_the_link_answers_and_unsubscribes_nobody(
    client: Client, smtp_server: Any, organisation: Any, organiser: Any
):
    (ana,) = agreeing(organisation, 1)
    deliver(organisation, organiser)

    response = client.head(link_for(smtp_server, ana))

    assert response.status_code == 200
    assert agrees(ana, organisation)


def test_the_unsubscribe_page_and_its_post_run_a_fixed_number_of_queries(
    smtp_server: Any, organisation: Any, organiser: Any
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    people = agreeing(organisation, 3)
    deliver(organisation, organiser)
    counts = []
    for person in people:  # the first warms the per-process caches
        path = link_for(smtp_server, person)
        with CaptureQueriesContext(connection) as page:
            Client().get(path)
        with CaptureQueriesContext(connection) as post:
            Client().post(path, {"List-Unsubscribe": "One-Click"})
        counts.append((len(page), len(post)))

    assert counts[1] == counts[2]
    assert counts[1][0] == 1  # the recipient, with their mailing and organisation
    assert counts[1][1] <= 10
