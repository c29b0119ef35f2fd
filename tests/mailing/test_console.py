"""The organisers' console for mailings (/admin/mailing/mailing/): writing,
previewing, testing, sending, following, and who may do which."""

from __future__ import annotations

import json
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from solidaria.core.mail.outbox import email_deliver_waiting
from solidaria.core.models import AuditEntry, OutgoingEmail
from solidaria.mailing.models import Mailing, SendingLimit
from solidaria.mailing.services import mailing_send, mailings_tick
from solidaria.organisations.models import Membership
from tests import factories

from .conftest import a_mailing, agreeing, send_everything
from .test_mailing_services import many_agreeing

pytestmark = pytest.mark.django_db

MAILINGS = "/admin/mailing/mailing/"
STEPS = ["send", "approve", "pause", "resume", "cancel", "test"]


# --- helpers ---------------------------------------------------------------------


class Page(HTMLParser):
    """What a browser finds on a page: form fields (with their language), forms'
    actions, buttons' names, iframes, and the text inside script elements."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, dict[str, str]] = {}
        self.actions: list[str] = []
        self.buttons: list[str] = []
        self.iframes: list[dict[str, str | None]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("input", "textarea", "select") and values.get("name"):
            self.fields[str(values["name"])] = {k: v or "" for k, v in values.items()}
            if values.get("type") == "submit":
                self.buttons.append(str(values["name"]))
        elif tag == "form":
            self.actions.append(values.get("action") or "")
        elif tag == "iframe":
            self.iframes.append(values)
        elif tag == "script":
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)

    def named(self, field: str, language: str) -> str:
        """The name of a multilingual field's box for `language`."""
        (name,) = [
            name
            for name, attrs in self.fields.items()
            if name.startswith(f"{field}_") and attrs.get("lang") == language
        ]
        return name


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def staff(organisation: Any, role: str = Membership.Role.ORGANISER) -> Any:
    return factories.MembershipFactory(organisation=organisation, role=role).user


def the_form(client: Client, organisation: Any, **texts: dict[str, str]) -> dict[str, str]:
    """The add form as a browser posts it, with the given texts per language."""
    page = Page(client.get(f"{MAILINGS}add/").content.decode())
    data = {name: "" for name in page.fields if name.startswith(("subject_", "body_"))}
    for field, by_language in texts.items():
        for language, text in by_language.items():
            data[page.named(field, language)] = text
    return {
        **data,
        "organisation": str(organisation.pk),
        "audience": Mailing.Audience.AGREED,
        "segment": "",
        "send_at_0": "",
        "send_at_1": "",
    }


def url(mailing: Mailing, step: str = "change") -> str:
    return f"{MAILINGS}{mailing.pk}/{step}/"


def shown_messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- writing ---------------------------------------------------------------------


def test_an_organiser_writes_a_mailing_in_two_languages_through_the_add_form(
    organisation: Any, organiser: Any
):
    client = signed_in(organiser)
    data = the_form(
        client,
        organisation,
        subject={"es": "Hola {first_name}", "en": "Hello {first_name}"},
        body={"es": "**Gracias**, {first_name}.", "en": "**Thanks**, {first_name}."},
    )

    response = client.post(f"{MAILINGS}add/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    mailing = Mailing.objects.get()
    assert response["Location"] == url(mailing) or response["Location"] == MAILINGS
    assert {k: v for k, v in mailing.subject.data.items() if v} == {
        "es": "Hola {first_name}",
        "en": "Hello {first_name}",
    }
    assert {k: v for k, v in mailing.body.data.items() if v} == {
        "es": "**Gracias**, {first_name}.",
        "en": "**Thanks**, {first_name}.",
    }
    assert (mailing.status, mailing.created_by, mailing.organisation) == (
        Mailing.Status.DRAFT,
        organiser,
        organisation,
    )
    assert AuditEntry.objects.filter(action="mailing.saved", object_id=str(mailing.pk)).exists()


@pytest.mark.parametrize(
    ("subject", "body", "error"),
    [
        (
            {"en": "Hello {nombre}"},
            {"en": "Dear friend."},
            "Unknown merge field in the English version: {nombre}.",
        ),
        (
            {"en": "Hello", "es": "Hola"},
            {"en": "Dear friend."},
            "The Spanish version has no message.",
        ),
        ({}, {}, "Write the subject and the message in at least one language."),
    ],
    ids=["an unknown merge field", "a language without its message", "nothing written"],
)
def test_a_form_with_a_mistake_is_shown_again_with_the_error_and_nothing_is_saved(
    organisation: Any,
    organiser: Any,
    subject: dict[str, str],
    body: dict[str, str],
    error: str,
):
    client = signed_in(organiser)

    response = client.post(
        f"{MAILINGS}add/", the_form(client, organisation, subject=subject, body=body)
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Mailing.objects.exists()
    assert not AuditEntry.objects.filter(action="mailing.saved").exists()


# --- preview and test ------------------------------------------------------------


def test_the_preview_shows_each_languages_html_in_a_sandboxed_frame(
    organisation: Any, organiser: Any
):
    mailing = a_mailing(organisation, organiser)
    client = signed_in(organiser)

    for language, strong, subject in (("es", "gracias", "Hola"), ("en", "thank you", "Hello")):
        response = client.get(url(mailing, f"preview/{language}"))

        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        (frame,) = Page(response.content.decode()).iframes
        assert frame["sandbox"] in ("", None)  # present, and allowing nothing
        assert "allow-scripts" not in str(frame["sandbox"])
        assert f"<strong>{strong}</strong>" in str(frame["srcdoc"])
        with translation.override(language):
            assert f"{subject} {gettext('friend')}" in response.content.decode()


def test_the_preview_in_a_language_not_written_shows_the_version_those_readers_get(
    organisation: Any, organiser: Any
):
    mailing = a_mailing(organisation, organiser)

    response = signed_in(organiser).get(url(mailing, "preview/de"))

    page = response.content.decode()
    assert "There is no version in this language" in page
    (frame,) = Page(page).iframes
    assert "<strong>gracias</strong>" in str(frame["srcdoc"])  # the organisation's first


def test_markup_written_into_a_mailing_cannot_leave_the_preview_frame(
    organisation: Any, organiser: Any
):
    hostile = '"></iframe><script>alert("escaped")</script><iframe srcdoc="'
    mailing = a_mailing(organisation, organiser, body={"en": f"Hello.\n\n{hostile}"})

    response = signed_in(organiser).get(url(mailing, "preview/en"))

    page = Page(response.content.decode())
    assert len(page.iframes) == 1
    assert not any("escaped" in script for script in page.scripts)
    assert "<script" not in str(page.iframes[0]["srcdoc"])


def test_a_test_send_reaches_the_organisers_own_address_marked_as_a_test(
    smtp_server: Any, organisation: Any, organiser: Any
):
    agreeing(organisation, 2)
    mailing = a_mailing(organisation, organiser)

    response = signed_in(organiser).post(url(mailing, "test"), {"language": "en"}, follow=True)
    email_deliver_waiting()

    assert "A test is on its way to organiser@example.org." in shown_messages(response)
    (message,) = smtp_server.messages
    assert message["To"] == "organiser@example.org"
    assert message["Subject"] == f"[Test] Hello {gettext('friend')}"
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "<strong>thank you</strong>" in html
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.DRAFT


# --- sending and following -------------------------------------------------------


def test_send_schedules_the_mailing_and_says_so(organisation: Any, organiser: Any):
    agreeing(organisation, 2)
    mailing = a_mailing(organisation, organiser)

    response = signed_in(organiser).post(url(mailing, "send"), follow=True)

    assert response.redirect_chain[-1][0] == url(mailing)
    assert "Sending has started." in shown_messages(response)
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SCHEDULED
    mailings_tick()
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENDING


def test_send_with_a_time_set_schedules_it_for_that_time(organisation: Any, organiser: Any):
    agreeing(organisation, 1)
    later = timezone.now() + timedelta(days=2)
    mailing = a_mailing(organisation, organiser, send_at=later)

    response = signed_in(organiser).post(url(mailing, "send"), follow=True)

    assert any(message.startswith("Scheduled for ") for message in shown_messages(response))
    mailing.refresh_from_db()
    assert (mailing.status, mailing.send_at) == (Mailing.Status.SCHEDULED, later)
    assert mailings_tick()["started"] == 0


def test_sending_to_nobody_is_refused_with_a_message(organisation: Any, organiser: Any):
    mailing = a_mailing(organisation, organiser)

    response = signed_in(organiser).post(url(mailing, "send"), follow=True)

    assert any("Nobody can receive this mailing" in m for m in shown_messages(response))
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.DRAFT


def test_a_large_mailing_is_approved_by_another_organiser_from_the_console(
    organisation: Any, organiser: Any
):
    many_agreeing(organisation, 1001)
    mailing = a_mailing(organisation, organiser)
    asking = signed_in(organiser)

    asked = asking.post(url(mailing, "send"), follow=True)
    own_page = asking.get(url(mailing)).content.decode()
    own_try = asking.post(url(mailing, "approve"), follow=True)
    other = signed_in(staff(organisation))
    other_page = other.get(url(mailing)).content.decode()
    approved = other.post(url(mailing, "approve"), follow=True)

    assert any("another organiser" in m for m in shown_messages(asked))
    assert url(mailing, "approve") not in own_page
    assert any("Another organiser must approve it" in m for m in shown_messages(own_try))
    assert url(mailing, "approve") in other_page
    assert any(m.startswith("Approved") for m in shown_messages(approved))
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SCHEDULED


def test_progress_json_gives_the_numbers_while_sending_and_when_done(
    smtp_server: Any, organisation: Any, organiser: Any
):
    agreeing(organisation, 3)
    SendingLimit.objects.create(organisation=organisation, per_second=1)
    mailing = mailing_send(mailing=a_mailing(organisation, organiser), actor=organiser)
    mailings_tick()
    email_deliver_waiting()
    client = signed_in(organiser)

    during = client.get(f"{MAILINGS}{mailing.pk}/progress.json")
    send_everything(rounds=20)
    after = client.get(f"{MAILINGS}{mailing.pk}/progress.json")

    assert during.status_code == 200 and "no-store" in during["Cache-Control"]
    numbers = json.loads(during.content)
    assert (numbers["status"], numbers["recipients"], numbers["sent"], numbers["remaining"]) == (
        "sending",
        3,
        1,
        2,
    )
    assert numbers["status_text"] == "sending"
    done = json.loads(after.content)
    assert (done["status"], done["sent"], done["remaining"], done["done_percent"]) == (
        "sent",
        3,
        0,
        100.0,
    )


def test_a_sent_mailings_page_shows_its_results_and_no_save_buttons(
    smtp_server: Any, organisation: Any, organiser: Any
):
    agreeing(organisation, 2)
    mailing = a_mailing(organisation, organiser)
    client = signed_in(organiser)
    draft = Page(client.get(url(mailing)).content.decode())
    mailing_send(mailing=mailing, actor=organiser)
    send_everything()

    response = client.get(url(mailing))

    page = Page(response.content.decode())
    assert {"_save", "_continue"} <= set(draft.buttons) and url(mailing, "send") in draft.actions
    assert response.status_code == 200
    assert not {"_save", "_continue", "_addanother"} & set(page.buttons)
    assert not any(name.startswith(("subject_", "body_")) for name in page.fields)
    assert 'data-field="sent">2<' in response.content.decode()
    assert url(mailing, "send") not in page.actions


def test_saving_from_a_page_opened_before_sending_started_changes_nothing_and_says_why(
    smtp_server: Any, organisation: Any, organiser: Any
):
    agreeing(organisation, 1)
    mailing = a_mailing(organisation, organiser)
    client = signed_in(organiser)
    stale_form = the_form(
        client,
        organisation,
        subject={"es": "Cambiado", "en": "Changed"},
        body={"es": "Cambiado.", "en": "Changed."},
    )
    mailing_send(mailing=mailing, actor=organiser)  # meanwhile, in another tab

    response = client.post(url(mailing), stale_form)

    assert response.status_code == 200
    assert Mailing.objects.get(pk=mailing.pk).subject.data["en"] == "Hello {first_name}"
    page = response.content.decode()
    assert "Write the subject and the message in at least one language." not in page
    assert "it can no longer change" in page


# --- who may do what -------------------------------------------------------------


def test_a_viewer_sees_no_buttons_to_send_and_posting_to_them_is_refused(
    organisation: Any, organiser: Any
):
    agreeing(organisation, 2)
    mailing = a_mailing(organisation, organiser)
    viewer = signed_in(staff(organisation, Membership.Role.VIEWER))

    page = viewer.get(url(mailing))
    refused = {step: viewer.post(url(mailing, step), {"language": "es"}) for step in STEPS}

    assert page.status_code == 200
    shown = Page(page.content.decode())
    assert not {url(mailing, step) for step in STEPS} & set(shown.actions)
    assert "_save" not in shown.buttons
    assert {step: response.status_code for step, response in refused.items()} == {
        step: 403 for step in STEPS
    }
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.DRAFT
    assert not OutgoingEmail.objects.exists()


def test_a_viewer_cannot_pause_or_cancel_a_mailing_being_sent(organisation: Any, organiser: Any):
    agreeing(organisation, 2)
    mailing = mailing_send(mailing=a_mailing(organisation, organiser), actor=organiser)
    mailings_tick()
    viewer = signed_in(staff(organisation, Membership.Role.VIEWER))

    page = Page(viewer.get(url(mailing)).content.decode())

    assert url(mailing, "pause") not in page.actions and url(mailing, "cancel") not in page.actions
    assert viewer.post(url(mailing, "pause")).status_code == 403
    assert viewer.post(url(mailing, "cancel")).status_code == 403
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.SENDING


def test_an_organiser_pauses_and_cancels_from_the_page(organisation: Any, organiser: Any):
    agreeing(organisation, 2)
    mailing = mailing_send(mailing=a_mailing(organisation, organiser), actor=organiser)
    mailings_tick()
    client = signed_in(organiser)

    assert url(mailing, "pause") in Page(client.get(url(mailing)).content.decode()).actions
    paused = client.post(url(mailing, "pause"), follow=True)
    cancelled = client.post(url(mailing, "cancel"), follow=True)

    assert any(m.startswith("Paused.") for m in shown_messages(paused))
    assert any(m.startswith("Cancelled") for m in shown_messages(cancelled))
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.CANCELLED


def test_staff_of_another_organisation_cannot_reach_someone_elses_mailing(
    organisation: Any, organiser: Any
):
    agreeing(organisation, 1)
    mailing = a_mailing(organisation, organiser)
    stranger = signed_in(staff(factories.OrganisationFactory()))

    change = stranger.get(url(mailing))
    listed = stranger.get(MAILINGS)
    others = {
        "preview": stranger.get(url(mailing, "preview/es")),
        "progress": stranger.get(f"{MAILINGS}{mailing.pk}/progress.json"),
        **{step: stranger.post(url(mailing, step), {"language": "es"}) for step in STEPS},
    }

    # Django's admin answers an object it cannot show with a redirect to its index.
    assert change.status_code in (302, 404)
    assert "Hello" not in change.content.decode()
    assert f"{MAILINGS}{mailing.pk}/" not in listed.content.decode()
    assert {name: r.status_code for name, r in others.items()} == {name: 404 for name in others}
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.DRAFT
    assert not OutgoingEmail.objects.exists()


@pytest.mark.parametrize("step", STEPS)
def test_a_get_on_a_step_that_changes_something_is_not_allowed(
    organisation: Any, organiser: Any, step: str
):
    agreeing(organisation, 1)
    mailing = a_mailing(organisation, organiser)

    response = signed_in(organiser).get(url(mailing, step))

    assert response.status_code == 405
    assert Mailing.objects.get(pk=mailing.pk).status == Mailing.Status.DRAFT
    assert not OutgoingEmail.objects.exists()


def test_a_test_send_says_test_in_the_language_of_the_version_tested(
    smtp_server: Any, organisation: Any, organiser: Any
):
    mailing = a_mailing(organisation, organiser)

    signed_in(organiser).post(url(mailing, "test"), {"language": "es"}, HTTP_ACCEPT_LANGUAGE="en")
    email_deliver_waiting()

    (message,) = smtp_server.messages
    with translation.override("es"):
        assert message["Subject"] == f"[Prueba] Hola {gettext('friend')}"


def _queries_for_the_page(client: Client, mailing: Mailing) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(mailing)).status_code == 200
    return len(queries)


def test_a_sent_mailings_page_runs_as_many_queries_for_ten_recipients_as_for_two(
    smtp_server: Any, organisation: Any, organiser: Any
):
    client = signed_in(organiser)
    agreeing(organisation, 2)
    small = mailing_send(mailing=a_mailing(organisation, organiser), actor=organiser)
    send_everything()
    agreeing(organisation, 8, language="en")
    large = mailing_send(mailing=a_mailing(organisation, organiser), actor=organiser)
    send_everything()
    _queries_for_the_page(client, small)  # warm the per-process caches

    assert _queries_for_the_page(client, small) == _queries_for_the_page(client, large)
