"""Writing to an organisation in one's language: routing by language through a real
SMTP server, the form's defences and bad input, the console inbox, and erasure after
90 days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import Message
from typing import Any

import pytest
import time_machine
from django.template import Context, Template
from django.test import Client

from solidaria.committee.contact import (
    ContactRefused,
    ContactUnavailable,
    contact_message_send,
    contact_messages_expire,
)
from solidaria.committee.models import Committee, ContactMessage
from solidaria.core.models import AuditEntry, OutgoingEmail
from solidaria.core.privacy import pii
from solidaria.core.web.formguard import form_token
from solidaria.organisations.models import Membership, Organisation, OrganisationContact
from solidaria.supporters.tasks import expire_personal_data
from tests import factories
from tests.helpers import post_form, solved_proof

pytestmark = pytest.mark.django_db

# As in seed 004: German to one group; here Spanish and English each to their own, so
# that which one a message reached tells which rule sent it there.
GERMAN = "gruppe_arbeitszeit@example.org"
SPANISH = "solidaridadERT@example.org"
ENGLISH = "solidarity@example.org"
SENDER = "Ana.Gomez@example.org"
TEXT = "Queremos vender productos de las cooperativas en la fiesta del barrio."


def organisation_with_contacts(**fields: Any) -> Organisation:
    """Languages in the order Spanish, English; addresses for German, Spanish, English."""
    organisation = factories.OrganisationFactory(languages=["es", "en"], **fields)
    for language, email in (("de", GERMAN), ("es", SPANISH), ("en", ENGLISH)):
        OrganisationContact.objects.create(
            organisation=organisation, language=language, email=email
        )
    return organisation


def committee_of(organisation: Organisation, slug: str = "comite-ert") -> Committee:
    return Committee.objects.create(
        campaign=factories.CampaignFactory(owner=organisation),
        organisation=organisation,
        slug=slug,
        name={"es": "Comité internacional", "de": "Internationales Komitee"},
        description={"es": "Apoyamos a las cooperativas."},
    )


def contact_fields(organisation: Organisation, **fields: Any) -> dict[str, Any]:
    """A valid message, as the form sends it; `fields` replace or add."""
    return {
        "name": "Ana Gómez",
        "email": SENDER,
        "language": "es",
        "message": TEXT,
        "form_token": form_token(f"contact:{organisation.pk}"),
        **fields,
    }


def send(
    client: Client, organisation: Organisation, *, ip: str = "127.0.0.1", **fields: Any
) -> Any:
    return post_form(
        client,
        f"/en/organisations/{organisation.slug}/contact/send/",
        contact_fields(organisation, **fields),
        ip=ip,
    )


def text_of(message: Message) -> str:
    return str(message.get_body(preferencelist=("plain",)).get_content())  # type: ignore[union-attr]


def html_of(message: Message) -> str:
    return str(message.get_body(preferencelist=("html",)).get_content())  # type: ignore[union-attr]


def nothing_stored() -> bool:
    return not ContactMessage.objects.exists() and not OutgoingEmail.objects.exists()


# Routing, through a real SMTP server


@pytest.mark.parametrize(
    ("language", "address", "address_language", "sent_by"),
    [
        ("de", GERMAN, "de", "Gesendet von"),
        ("es", SPANISH, "es", "Enviado por"),
        ("en", ENGLISH, "en", "Sent by"),
        # French has no address: the organisation's first language that has one
        # (Spanish, before English), not the first address there is (German).
        ("fr", SPANISH, "es", "Envoyé par"),
    ],
)
def test_a_message_goes_to_the_address_for_its_language_with_reply_to_the_sender(
    client: Client,
    smtp_server: Any,
    run_tasks: Any,
    language: str,
    address: str,
    address_language: str,
    sent_by: str,
) -> None:
    organisation = organisation_with_contacts()

    response = send(client, organisation, language=language)
    run_tasks()

    assert response.status_code == 302
    by_recipient = {message["To"]: message for message in smtp_server.messages}
    assert set(by_recipient) == {address, SENDER}
    forward = by_recipient[address]
    assert forward["Reply-To"] == SENDER
    assert TEXT in text_of(forward)
    assert forward["Content-Language"] == address_language  # its readers' language
    # The acknowledgement: in the sender's language, answerable, and without the
    # text, so that the form cannot send anyone words of a stranger's choosing.
    acknowledgement = by_recipient[SENDER]
    assert acknowledgement["Content-Language"] == language
    assert acknowledgement["Reply-To"] == address
    assert f'<html lang="{language}">' in html_of(acknowledgement)
    assert sent_by in html_of(acknowledgement)
    assert TEXT not in text_of(acknowledgement) + html_of(acknowledgement)
    assert "Ana" not in text_of(acknowledgement) + html_of(acknowledgement)  # nor the name
    # The forward's subject outlives the message (it stays with the sent email):
    # it names the language, not the sender.
    assert "Ana" not in forward["Subject"]
    assert "Ana" not in OutgoingEmail.objects.get(recipient_index=pii.email_index(address)).subject
    stored = ContactMessage.objects.get()
    assert (stored.organisation, stored.language, stored.sent_to, stored.status) == (
        organisation,
        language,
        address,
        ContactMessage.Status.OPEN,
    )
    assert (stored.name, stored.email, stored.message) == ("Ana Gómez", SENDER, TEXT)


def test_without_any_address_in_its_languages_a_message_goes_to_the_one_there_is() -> None:
    organisation = factories.OrganisationFactory(languages=["pt"])
    OrganisationContact.objects.create(organisation=organisation, language="de", email=GERMAN)

    stored = contact_message_send(
        organisation=organisation, name="Ana", email=SENDER, message=TEXT, language="fr"
    )

    assert stored is not None and stored.sent_to == GERMAN
    assert OutgoingEmail.objects.filter(template="committee_contact_forward").get().language == "de"


def test_an_organisation_without_an_address_cannot_be_written_to(client: Client) -> None:
    organisation = factories.OrganisationFactory()

    with pytest.raises(ContactUnavailable):
        contact_message_send(
            organisation=organisation, name="Ana", email=SENDER, message=TEXT, language="es"
        )
    assert client.get(f"/en/organisations/{organisation.slug}/contact/").status_code == 404
    assert send(client, organisation).status_code == 404
    assert nothing_stored()


def test_a_message_from_a_committee_page_names_the_committee(
    client: Client, smtp_server: Any, run_tasks: Any
) -> None:
    organisation = organisation_with_contacts()
    committee = committee_of(organisation)

    assert send(client, organisation, language="de", committee=committee.slug).status_code == 302
    run_tasks()

    assert ContactMessage.objects.get().committee == committee
    forward = next(m for m in smtp_server.messages if m["To"] == GERMAN)
    assert "Internationales Komitee" in text_of(forward)


# The form


def test_the_contact_page_offers_the_pages_language_and_works_without_javascript(
    client: Client,
) -> None:
    organisation = organisation_with_contacts(name="Gruppe Arbeitszeit")

    response = client.get(f"/de/organisations/{organisation.slug}/contact/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]  # cacheable: no per-visitor token
    assert '<option value="de" selected>Deutsch</option>' in html
    assert f'action="/de/organisations/{organisation.slug}/contact/send/#contact-heading"' in html
    assert 'name="website"' in html and 'name="form_token"' in html
    # A browser without JavaScript sends the form as it is, with no proof of work.
    response = post_form(
        client,
        f"/de/organisations/{organisation.slug}/contact/send/",
        contact_fields(organisation, language="de", altcha=""),
    )
    assert response["Location"] == f"/de/organisations/{organisation.slug}/contact/sent/"
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "no-store" in thanks["Cache-Control"]
    assert '<html lang="de"' in thanks.content.decode()


def test_a_get_on_the_sending_address_leads_to_the_form(client: Client) -> None:
    organisation = organisation_with_contacts()

    response = client.get(f"/en/organisations/{organisation.slug}/contact/send/")

    assert response["Location"] == f"/en/organisations/{organisation.slug}/contact/#contact-heading"


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"message": ""}, "This field is required."),
        ({"message": "   \n  "}, "This field is required."),
        ({"message": "x" * 5001}, "at most 5000 characters"),
        ({"name": ""}, "This field is required."),
        ({"email": "ana-at-example.org"}, "Enter a valid email address."),
        ({"language": "xx"}, "Select a valid choice."),
        ({"language": "<b>de</b>"}, "Select a valid choice."),
        ({"name": "Ana\x00Gómez"}, "invisible control characters"),
        ({"committee": "no-such-committee"}, "The form was incomplete."),
        ({"form_token": "0" * 32}, "This form is too old."),
        ({"altcha": "bm90IHZhbGlk"}, "automatic check"),
    ],
)
def test_bad_input_comes_back_with_a_message_and_stores_nothing(
    client: Client, fields: dict[str, str], says: str
) -> None:
    organisation = organisation_with_contacts()

    response = send(client, organisation, **fields)

    assert response.status_code == 400
    assert says in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert nothing_stored()


def test_a_rejected_form_shows_back_what_was_typed_with_a_new_token(client: Client) -> None:
    organisation = organisation_with_contacts()

    response = send(client, organisation, email="ana-at-example", language="de", altcha="spent")

    html = response.content.decode()
    assert 'value="Ana Gómez"' in html and 'value="ana-at-example"' in html
    assert f"{TEXT}</textarea>" in html
    assert '<option value="de" selected>' in html
    assert f'name="form_token" value="{form_token(f"contact:{organisation.pk}")}"' in html
    assert 'name="altcha" value="spent"' not in html


def test_a_committee_of_another_organisation_is_refused(client: Client) -> None:
    organisation = organisation_with_contacts()
    theirs = committee_of(factories.OrganisationFactory(), slug="ajeno")

    response = send(client, organisation, committee=theirs.slug)

    assert response.status_code == 400
    assert nothing_stored()
    with pytest.raises(ContactRefused):
        contact_message_send(
            organisation=organisation,
            committee=theirs,
            name="Ana",
            email=SENDER,
            message=TEXT,
            language="es",
        )


def test_a_form_posted_from_another_site_is_refused(client: Client) -> None:
    organisation = organisation_with_contacts()

    response = post_form(
        client,
        f"/en/organisations/{organisation.slug}/contact/send/",
        contact_fields(organisation),
        origin="https://evil.example",
    )

    assert response.status_code == 403
    assert nothing_stored()


def test_html_is_stored_as_written_and_shown_escaped(client: Client) -> None:
    organisation = organisation_with_contacts()
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'

    assert send(client, organisation, name=f"<b>Ana</b>{evil}", message=evil).status_code == 302
    # Shown back on a rejected form: escaped too.
    again = send(client, organisation, name=evil, message=evil, email="nope").content.decode()

    stored = ContactMessage.objects.get()
    assert (stored.name, stored.message) == (f"<b>Ana</b>{evil}", evil)
    assert "<script>" not in again and "&lt;script&gt;" in again
    forward = OutgoingEmail.objects.get(template="committee_contact_forward")
    from solidaria.core.mail.outbox import email_render

    rendered = email_render(forward)
    html = str(rendered.alternatives[0][0])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>Ana</b>" not in html


def test_the_honeypot_answers_as_if_sent_and_stores_nothing(client: Client) -> None:
    organisation = organisation_with_contacts()

    response = send(client, organisation, website="https://spam.example")

    assert response["Location"] == f"/en/organisations/{organisation.slug}/contact/sent/"
    assert nothing_stored()


def test_an_address_may_write_a_few_times_an_hour(client: Client) -> None:
    organisation = organisation_with_contacts()
    for n in range(3):
        assert send(client, organisation, ip=f"192.0.2.{n}").status_code == 302

    response = send(client, organisation, ip="192.0.2.99", email=SENDER.upper())

    assert response.status_code == 429
    assert "Several messages were sent from this address" in response.content.decode()
    assert ContactMessage.objects.count() == 3
    assert OutgoingEmail.objects.count() == 6  # a forward and an acknowledgement each


def test_a_connection_without_proof_of_work_is_held_to_fewer_messages(client: Client) -> None:
    organisation = organisation_with_contacts()
    ip = "198.51.100.7"
    for n in range(3):
        assert send(client, organisation, ip=ip, email=f"p{n}@example.org").status_code == 302

    refused = send(client, organisation, ip=ip, email="p3@example.org")
    with_proof = send(client, organisation, ip=ip, email="p3@example.org", altcha=solved_proof())
    elsewhere = send(client, organisation, ip="198.51.100.8", email="p4@example.org")

    assert refused.status_code == 429
    assert "Too many messages were sent from this connection" in refused.content.decode()
    assert (with_proof.status_code, elsewhere.status_code) == (302, 302)
    assert ContactMessage.objects.count() == 5


# Embedding


def test_the_template_tag_offers_the_form_only_where_there_is_an_address() -> None:
    organisation = organisation_with_contacts()
    committee = committee_of(organisation)
    template = Template(
        "{% load committee_contact %}{% contact_form organisation committee=committee %}"
    )

    html = template.render(Context({"organisation": organisation, "committee": committee}))
    silent = template.render(
        Context({"organisation": factories.OrganisationFactory(), "committee": None})
    )

    assert f'action="/en/organisations/{organisation.slug}/contact/send/#contact-heading"' in html
    assert f'name="committee" value="{committee.slug}"' in html
    assert "<form" not in silent


def test_the_campaign_page_links_to_the_owners_contact_form(client: Client) -> None:
    campaign = factories.CampaignFactory(owner=organisation_with_contacts())
    without = factories.CampaignFactory()

    html = client.get(f"/en/campaigns/{campaign.slug}/").content.decode()
    other = client.get(f"/en/campaigns/{without.slug}/").content.decode()

    assert f'href="/en/organisations/{campaign.owner.slug}/contact/"' in html
    assert "Write to us" in html
    assert "/contact/" not in other


# The console


INBOX = "/admin/committee/contactmessage/"


def staff(client: Client, organisation: Organisation, role: str) -> Client:
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organisation=organisation, role=role)
    client.force_login(user)
    return client


def message_to(organisation: Organisation, **fields: Any) -> ContactMessage:
    stored = contact_message_send(
        organisation=organisation,
        name=fields.pop("name", "Ana"),
        email=fields.pop("email", SENDER),
        message=fields.pop("message", TEXT),
        language=fields.pop("language", "es"),
    )
    assert stored is not None
    return stored


def test_staff_see_only_their_own_organisations_messages(client: Client) -> None:
    ours, theirs = organisation_with_contacts(), organisation_with_contacts()
    mine = message_to(ours, name="Ana")
    answered = message_to(ours, name="Beatriz", email="bea@example.org")
    answered.status = ContactMessage.Status.ANSWERED
    answered.save(update_fields=["status"])
    other = message_to(theirs, name="Carla", email="carla@example.org")
    client = staff(client, ours, Membership.Role.VIEWER)

    response = client.get(INBOX)
    filtered = client.get(INBOX, {"status__exact": "open", "language__exact": "es"})

    assert {m.pk for m in response.context["cl"].result_list} == {mine.pk, answered.pk}
    assert "Messages: 1 open" in response.content.decode()
    assert [m.pk for m in filtered.context["cl"].result_list] == [mine.pk]
    assert client.get(f"{INBOX}{other.pk}/change/").status_code == 302  # as if not there
    assert client.post(f"{INBOX}{other.pk}/answer/").status_code == 404


def test_staff_read_the_message_and_mark_it_answered_then_reopen_it(client: Client) -> None:
    organisation = organisation_with_contacts()
    stored = message_to(organisation, name="<b>Ana</b>", message="Hola\n<script>x</script>")
    client = staff(client, organisation, Membership.Role.ORGANISER)

    page = client.get(f"{INBOX}{stored.pk}/change/").content.decode()
    answered = client.post(f"{INBOX}{stored.pk}/answer/")
    stored.refresh_from_db()
    status_after_answer, answered_at = stored.status, stored.answered_at
    client.post(f"{INBOX}{stored.pk}/reopen/")
    stored.refresh_from_db()

    assert "Hola<br>&lt;script&gt;x&lt;/script&gt;" in page
    assert "&lt;b&gt;Ana&lt;/b&gt;" in page and "<b>Ana</b>" not in page
    assert f'formaction="{INBOX}{stored.pk}/answer/"' in page
    assert 'name="_save"' not in page  # read only
    assert answered["Location"] == f"{INBOX}{stored.pk}/change/"
    assert status_after_answer == ContactMessage.Status.ANSWERED and answered_at is not None
    assert (stored.status, stored.answered_at) == (ContactMessage.Status.OPEN, None)
    entries = AuditEntry.objects.filter(object_id=str(stored.pk)).order_by("pk")
    assert [(e.action, e.organisation_id, e.actor_label) for e in entries] == [
        ("contact_message.answered", organisation.pk, entries[0].actor_label),
        ("contact_message.reopened", organisation.pk, entries[0].actor_label),
    ]
    assert entries[0].actor_label != "system"


def test_the_list_actions_go_through_the_services(client: Client) -> None:
    organisation = organisation_with_contacts()
    first, second = message_to(organisation), message_to(organisation, email="b@example.org")
    client = staff(client, organisation, Membership.Role.ORGANISER)

    client.post(INBOX, {"action": "mark_answered", "_selected_action": [first.pk, second.pk]})

    assert set(ContactMessage.objects.values_list("status", flat=True)) == {"answered"}
    assert AuditEntry.objects.filter(action="contact_message.answered").count() == 2


def test_viewers_read_but_cannot_answer_and_nobody_but_superusers_deletes(
    client: Client,
) -> None:
    organisation = organisation_with_contacts()
    stored = message_to(organisation)
    viewer = staff(Client(), organisation, Membership.Role.VIEWER)
    owner = staff(client, organisation, Membership.Role.OWNER)
    superuser = Client()
    superuser.force_login(factories.UserFactory(is_superuser=True))

    assert "formaction" not in viewer.get(f"{INBOX}{stored.pk}/change/").content.decode()
    assert viewer.post(f"{INBOX}{stored.pk}/answer/").status_code == 403
    assert owner.get(f"{INBOX}add/").status_code == 403
    assert owner.get(f"{INBOX}{stored.pk}/delete/").status_code == 403
    assert superuser.post(f"{INBOX}{stored.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not ContactMessage.objects.exists()


# Erasure after 90 days


T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_messages_are_erased_after_90_days() -> None:
    organisation = organisation_with_contacts()
    with time_machine.travel(T0, tick=False):
        old = message_to(organisation)
    with time_machine.travel(T0 + timedelta(days=60), tick=False):
        recent = message_to(organisation, email="later@example.org")

    with time_machine.travel(T0 + timedelta(days=89), tick=False):
        kept = contact_messages_expire(now=datetime.now(UTC))
    with time_machine.travel(T0 + timedelta(days=90, seconds=1), tick=False):
        # The daily task that ends every app's retention periods (scheduled).
        erased = expire_personal_data.call()["committee"]
        again = expire_personal_data.call()["committee"]

    assert (kept, erased, again) == (0, 1, 0)
    assert list(ContactMessage.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not ContactMessage.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(action="contact_messages.expired").get().data == {
        "messages": 1
    }
