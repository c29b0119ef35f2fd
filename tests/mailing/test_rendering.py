"""What a mailing's reader receives: their language, their name, safe HTML, a
plain-text part with the footer, and the headers mail clients and bounce
handling rely on. Each message goes through the real delivery engine to a real
SMTP server, and is read as the server received it."""

from __future__ import annotations

import struct
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import parseaddr
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from solidaria.mailing.models import Mailing, Recipient
from solidaria.mailing.rendering import message_for, unknown_merge_fields
from solidaria.mailing.services import mailing_save, mailing_send
from solidaria.mailing.tokens import (
    bounce_address,
    bounce_recipient_id,
    unsubscribe_recipient_id,
    unsubscribe_token,
)
from solidaria.organisations.models import OrganisationContact
from tests import factories

from .conftest import a_mailing, agreeing, send_everything

pytestmark = pytest.mark.django_db

# Every tag our own email layout (emails/base.html) and the cleaned Markdown may hold.
LAYOUT_TAGS = {"html", "head", "meta", "title", "body", "hr", "p", "a"}
MARKDOWN_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "h1", "h2", "h3", "h4",
                 "blockquote", "code", "pre", "hr", "s"}  # fmt: skip
BOUNCES = "bounces@mail.example.org"


# --- helpers ---------------------------------------------------------------------


def write_catalog(directory: Path, language: str, messages: dict[str, str]) -> None:
    """A compiled gettext catalog (GNU .mo) for `language` under `directory`: lets a
    test see that a string is translated in the right language at the right
    moment, whether or not the project's own catalogs have it yet."""
    entries = {
        "": "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n",
        **messages,
    }
    keys = sorted(entries)
    originals = [key.encode() for key in keys]
    translations = [entries[key].encode() for key in keys]
    count = len(keys)
    originals_at, translations_at = 28, 28 + 8 * count
    data_at = translations_at + 8 * count
    table, data = [], b""
    for text in [*originals, *translations]:
        table.append(struct.pack("<2I", len(text), data_at + len(data)))
        data += text + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, count, originals_at, translations_at, 0, 0)
    folder = directory / language / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "django.mo").write_bytes(header + b"".join(table) + data)


def use_catalogs(settings: Any, directory: Path) -> None:
    """Our catalogs first: Django reloads its translations when LOCALE_PATHS changes."""
    settings.LOCALE_PATHS = [str(directory), *settings.LOCALE_PATHS]


def deliver(mailing: Mailing, organiser: Any) -> None:
    mailing_send(mailing=mailing, actor=organiser)
    send_everything()
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.SENT


def received_by(smtp_server: Any, supporter: Any) -> EmailMessage:
    (message,) = [m for m in smtp_server.messages if m["To"] == supporter.email]
    return message


def html_of(message: EmailMessage) -> str:
    return str(message.get_body(preferencelist=("html",)).get_content())


def text_of(message: EmailMessage) -> str:
    """The plain-text part, with the line ends it had before SMTP made them CRLF."""
    return str(message.get_body(preferencelist=("plain",)).get_content()).replace("\r\n", "\n")


class Elements(HTMLParser):
    """Every element of an HTML document, with its attributes, as a browser reads them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {name: value or "" for name, value in attrs}))

    def tags(self) -> set[str]:
        return {tag for tag, _attrs in self.found}

    def attributes(self) -> list[tuple[str, str, str]]:
        return [(tag, name, value) for tag, attrs in self.found for name, value in attrs.items()]


# --- Markdown, made safe ---------------------------------------------------------


def test_markdown_is_rendered_to_html_and_the_text_part_keeps_the_markdown(
    smtp_server: Any, organisation: Any, organiser: Any
):
    body = (
        "# Title\n\n*quiet* **loud** ~~gone~~\n\n- one\n- two\n\n"
        "> quoted\n\n[our site](https://example.org/news)"
    )
    (ana,) = agreeing(organisation, 1)
    deliver(
        a_mailing(organisation, organiser, body={"es": body}, subject={"es": "Hola"}), organiser
    )

    message = received_by(smtp_server, ana)
    html = html_of(message)
    for fragment in (
        "<h1>Title</h1>",
        "<em>quiet</em>",
        "<strong>loud</strong>",
        "<s>gone</s>",
        "<li>one</li>",
        "<blockquote>",
        '<a href="https://example.org/news" rel="noopener noreferrer">our site</a>',
    ):
        assert fragment in html
    assert "**loud**" in text_of(message)


def benign_html(smtp_server: Any, organisation: Any, organiser: Any) -> str:
    (reader,) = agreeing(organisation, 1)
    deliver(
        a_mailing(organisation, organiser, body={"es": "Hola."}, subject={"es": "Hola"}), organiser
    )
    return html_of(received_by(smtp_server, reader))


HOSTILE = {
    "script tag": "<script>alert(1)</script>",
    "style tag": "<style>body { display: none }</style>",
    "img with onerror": '<img src="x" onerror="alert(1)">',
    "markdown image (a tracking pixel)": "![pixel](https://tracker.example/p.gif)",
    "javascript link": "[click](javascript:alert(1))",
    "javascript link in capitals": "[click](JAVASCRIPT:alert(1))",
    "javascript link hidden by an entity": "[click](jav&#x61;script:alert(1))",
    "javascript autolink": "<javascript:alert(1)>",
    "data link": "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "raw html with style and handler": '<div style="color:red" onclick="steal()">raw</div>',
    "raw link with handler": '<a href="https://ok.example" onmouseover="steal()">x</a>',
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "form": '<form action="https://evil.example"><input name="password"></form>',
}


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
def test_nothing_active_written_into_the_markdown_reaches_the_html_part(
    smtp_server: Any, organisation: Any, organiser: Any, hostile: str
):
    (reader,) = agreeing(organisation, 1)
    body = f"Hola.\n\n{hostile}\n\nChau."
    deliver(
        a_mailing(organisation, organiser, body={"es": body}, subject={"es": "Hola"}), organiser
    )

    html = html_of(received_by(smtp_server, reader))
    elements = Elements(html)
    assert elements.tags() <= LAYOUT_TAGS | MARKDOWN_TAGS, html
    for tag, name, value in elements.attributes():
        assert not name.startswith("on"), (tag, name, value)
        if name in ("href", "src", "action"):
            scheme = "".join(value.split()).lower().split(":", 1)[0]
            assert scheme in ("http", "https", "mailto") or ":" not in value, (tag, value)
    # Style attributes: only our layout's own, never one from the mailing.
    styled = [a for a in elements.attributes() if a[1] == "style"]
    layout = Elements(benign_html(smtp_server, organisation, organiser))
    assert len(styled) == len([a for a in layout.attributes() if a[1] == "style"])


# --- merge fields ----------------------------------------------------------------


def test_merge_fields_are_filled_in_and_html_escaped_in_the_html_part_only(
    smtp_server: Any, organiser: Any
):
    organisation = factories.OrganisationFactory(name='Tom & Jerry "Union"')
    factories.MembershipFactory(user=organiser, organisation=organisation)
    (eve,) = agreeing(organisation, 1, name="<b>Eve</b> Ortiz")
    mailing = a_mailing(
        organisation,
        organiser,
        subject={"es": "Hola {first_name}, de {organisation}"},
        body={"es": "Querida {first_name}: {organisation} te saluda."},
    )
    deliver(mailing, organiser)

    message = received_by(smtp_server, eve)
    html = html_of(message)
    assert "Querida &lt;b&gt;Eve&lt;/b&gt;: Tom &amp; Jerry &quot;Union&quot; te saluda." in html
    assert "<b>" not in html and "{first_name}" not in html and "{organisation}" not in html
    assert "b" not in Elements(html).tags()
    # Plain text and headers are not HTML: the values as they are.
    assert message["Subject"] == 'Hola <b>Eve</b>, de Tom & Jerry "Union"'
    assert 'Querida <b>Eve</b>: Tom & Jerry "Union" te saluda.' in text_of(message)


def test_a_markdown_link_to_the_my_data_field_points_to_the_readers_own_page_in_their_language(
    smtp_server: Any, organisation: Any, organiser: Any
):
    (ana,) = agreeing(organisation, 1, language="es")
    (bob,) = agreeing(organisation, 1, language="en")
    deliver(a_mailing(organisation, organiser), organiser)  # "[Tus datos]({my_data_link})"

    for person, language, label in ((ana, "es", "Tus datos"), (bob, "en", "Your data")):
        with translation.override(language):
            page = settings.SITE_URL + reverse("supporters:request")
        assert f"/{language}/" in page
        message = received_by(smtp_server, person)
        links = [attrs for tag, attrs in Elements(html_of(message)).found if tag == "a"]
        assert page in [attrs["href"] for attrs in links]
        assert f"[{label}]({page})" in text_of(message)
        assert "%7B" not in html_of(message) and "{my_data_link}" not in html_of(message)


def test_a_reader_without_a_name_is_greeted_with_the_neutral_word_of_the_language_they_read(
    smtp_server: Any, organisation: Any, organiser: Any, settings: Any, tmp_path: Path
):
    # Our own catalogs: the project's may not translate the word yet.
    write_catalog(tmp_path, "es", {"friend": "compañere"})
    write_catalog(tmp_path, "de", {"friend": "Freundin"})
    write_catalog(tmp_path, "pt", {"friend": "amigue"})
    use_catalogs(settings, tmp_path)
    (nameless,) = agreeing(organisation, 1, language="es", name="")
    (blank,) = agreeing(organisation, 1, language="de", name="   ")
    (portuguese,) = agreeing(organisation, 1, language="pt", name="")
    mailing = a_mailing(
        organisation,
        organiser,
        subject={"es": "Hola {first_name}", "de": "Hallo {first_name}"},
        body={"es": "Querida {first_name}.", "de": "Liebe {first_name}."},
    )
    deliver(mailing, organiser)

    assert received_by(smtp_server, nameless)["Subject"] == "Hola compañere"
    assert received_by(smtp_server, blank)["Subject"] == "Hallo Freundin"
    assert "Liebe Freundin." in html_of(received_by(smtp_server, blank))
    # No Portuguese version: the Spanish one, greeting in Spanish too.
    assert received_by(smtp_server, portuguese)["Subject"] == "Hola compañere"


def test_unknown_merge_fields_are_listed_once_each_in_the_order_written():
    text = (
        "{Name} {first_name} {x} {Name} {organisation} {first-name} {my_data_link} "
        "{x} {unsubscribe_link} {{nested}}"
    )
    assert unknown_merge_fields(text) == ["Name", "x", "first-name", "unsubscribe_link", "nested"]
    assert unknown_merge_fields("Hola {first_name} de {organisation}: {my_data_link}") == []


# --- languages -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("organisation_languages", "written", "reader", "expected"),
    [
        (["es", "en"], ["es", "en", "de"], "de", "de"),  # their own
        (["de", "en"], ["es", "en", "de"], "fr", "de"),  # none: the organisation's first
        (["en", "de"], ["es", "en", "de"], "fr", "en"),
        (["fr", "en"], ["es", "en"], "pt", "en"),  # its first not written: its next
        (["fr"], ["de"], "pt", "de"),  # none of its languages: whatever was written
    ],
)
def test_each_reader_gets_their_language_else_the_organisations_order_of_preference(
    smtp_server: Any,
    organiser: Any,
    organisation_languages: list[str],
    written: list[str],
    reader: str,
    expected: str,
):
    organisation = factories.OrganisationFactory(languages=organisation_languages)
    factories.MembershipFactory(user=organiser, organisation=organisation)
    (person,) = agreeing(organisation, 1, language=reader)
    mailing = a_mailing(
        organisation,
        organiser,
        subject={code: f"Subject {code}" for code in written},
        body={code: f"Body {code}" for code in written},
    )
    deliver(mailing, organiser)

    message = received_by(smtp_server, person)
    assert message["Subject"] == f"Subject {expected}"
    assert message["Content-Language"] == expected
    assert f"Body {expected}" in text_of(message)
    assert f"<p>Body {expected}</p>" in html_of(message)
    assert f'<html lang="{expected}">' in html_of(message)
    assert Recipient.objects.get(supporter=person).language == reader


def test_the_subject_is_always_in_the_language_of_the_body(organisation: Any, organiser: Any):
    # Stored as no form would let it: a Spanish subject without a Spanish message.
    mailing = a_mailing(
        organisation,
        organiser,
        subject={"es": "Asunto", "en": "Subject"},
        body={"es": "", "en": "The English message."},
    )

    message = message_for(mailing, None, to="reader@example.org", language="es")

    assert message.subject == "Subject"
    assert message.body.startswith("The English message.")
    assert message.extra_headers["Content-Language"] == "en"


def test_a_language_written_only_as_spaces_is_not_sent_as_an_empty_message(
    smtp_server: Any, organisation: Any, organiser: Any
):
    (ana,) = agreeing(organisation, 1, language="es")
    mailing = Mailing(
        organisation=organisation,
        subject={"es": "   ", "en": "Hello {first_name}"},
        body={"es": " \n ", "en": "Dear {first_name}, thank you."},
    )
    mailing_save(mailing=mailing, actor=organiser)  # valid: Spanish counts as absent
    deliver(mailing, organiser)

    message = received_by(smtp_server, ana)
    assert message["Subject"] == f"Hello {ana.name.split()[0]}"
    assert "thank you" in text_of(message)


# --- the footer and the headers --------------------------------------------------


def unsubscribe_url(message: EmailMessage) -> str:
    first = str(message["List-Unsubscribe"]).split(",")[0].strip()
    assert first.startswith("<") and first.endswith(">")
    return first[1:-1]


def test_the_plain_text_part_ends_with_a_footer_with_the_unsubscribe_and_my_data_links(
    smtp_server: Any, organisation: Any, organiser: Any
):
    (bob,) = agreeing(organisation, 1, language="en")
    deliver(a_mailing(organisation, organiser), organiser)

    message = received_by(smtp_server, bob)
    text = text_of(message)
    body, separator, footer = text.partition("\n-- \n")
    assert separator and "Dear" in body
    with translation.override("en"):
        my_data = settings.SITE_URL + reverse("supporters:request")
    recipient = Recipient.objects.get(supporter=bob)
    link = settings.SITE_URL + reverse("mailing:unsubscribe", args=[unsubscribe_token(recipient)])
    assert f"You receive this because you agreed to hear from {organisation.name}." in footer
    assert f"Unsubscribe: {link}" in footer
    assert f"What we hold about you, and how to change or erase it: {my_data}" in footer
    assert unsubscribe_url(message) == link
    # The HTML part links to the same page.
    hrefs = [attrs.get("href") for tag, attrs in Elements(html_of(message)).found if tag == "a"]
    assert link in hrefs


def test_every_message_has_list_unsubscribe_with_an_https_address_naming_its_recipient(
    smtp_server: Any, organisation: Any, organiser: Any, settings: Any
):
    settings.SITE_URL = "https://act.example.org"
    people = agreeing(organisation, 2)
    deliver(a_mailing(organisation, organiser), organiser)

    for person in people:
        message = received_by(smtp_server, person)
        url = unsubscribe_url(message)
        assert url.startswith("https://act.example.org/unsubscribe/")
        token = url.removeprefix("https://act.example.org/unsubscribe/").rstrip("/")
        assert unsubscribe_recipient_id(token) == Recipient.objects.get(supporter=person).pk
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Id"] == f'"{organisation.name}" <{organisation.slug}.act.example.org>'
        assert message["Precedence"] == "bulk"


def test_a_mailto_unsubscribe_is_offered_too_when_a_mailbox_is_configured(
    smtp_server: Any, organisation: Any, organiser: Any, settings: Any
):
    settings.MAILING_UNSUBSCRIBE_MAILTO = "unsubscribe@mail.example.org"
    (ana,) = agreeing(organisation, 1)
    deliver(a_mailing(organisation, organiser), organiser)

    token = unsubscribe_token(Recipient.objects.get(supporter=ana))
    links = [
        part.strip() for part in str(received_by(smtp_server, ana)["List-Unsubscribe"]).split(",")
    ]
    assert links[1] == f"<mailto:unsubscribe@mail.example.org?subject=unsubscribe%20{token}>"


def test_the_sender_shown_is_the_organisation_on_the_platforms_address(
    smtp_server: Any, organiser: Any
):
    organisation = factories.OrganisationFactory(name='Comité "Justicia", Sección Sur')
    factories.MembershipFactory(user=organiser, organisation=organisation)
    (ana,) = agreeing(organisation, 1)
    deliver(a_mailing(organisation, organiser), organiser)

    (sender,) = received_by(smtp_server, ana)["From"].addresses
    assert isinstance(sender, Address)
    assert sender.display_name == 'Comité "Justicia", Sección Sur'
    assert sender.addr_spec == parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def test_reply_to_is_the_organisations_contact_for_the_language_of_the_message(
    smtp_server: Any, organisation: Any, organiser: Any
):
    OrganisationContact.objects.create(
        organisation=organisation, language="es", email="hola@org.example"
    )
    OrganisationContact.objects.create(
        organisation=organisation, language="en", email="hi@org.example"
    )
    (ana,) = agreeing(organisation, 1, language="es")
    (bob,) = agreeing(organisation, 1, language="en")
    (cleo,) = agreeing(organisation, 1, language="fr")  # gets the Spanish version
    deliver(a_mailing(organisation, organiser), organiser)

    assert received_by(smtp_server, ana)["Reply-To"] == "hola@org.example"
    assert received_by(smtp_server, bob)["Reply-To"] == "hi@org.example"
    assert received_by(smtp_server, cleo)["Reply-To"] == "hola@org.example"


def test_without_a_contact_address_a_message_has_no_reply_to(
    smtp_server: Any, organisation: Any, organiser: Any
):
    (ana,) = agreeing(organisation, 1)
    deliver(a_mailing(organisation, organiser), organiser)

    assert received_by(smtp_server, ana)["Reply-To"] is None


def test_the_envelope_sender_is_a_bounce_address_naming_the_recipient_when_one_is_configured(
    smtp_server: Any, organisation: Any, organiser: Any, settings: Any
):
    settings.MAILING_BOUNCE_ADDRESS = BOUNCES
    people = agreeing(organisation, 2)
    deliver(a_mailing(organisation, organiser), organiser)

    senders = {
        envelope.rcpt_tos[0]: envelope.mail_from for envelope in smtp_server.handler.envelopes
    }
    for person in people:
        sender = senders[person.email]
        assert sender.startswith("bounces+") and sender.endswith("@mail.example.org")
        recipient = Recipient.objects.get(supporter=person)
        assert bounce_recipient_id(sender) == recipient.pk
        # Mail servers may change an address's case, and reports quote it in brackets.
        assert bounce_recipient_id(f"<{sender.upper()}>") == recipient.pk
        # The header still shows the organisation on the platform's address.
        assert (
            received_by(smtp_server, person)["From"].addresses[0].addr_spec
            == parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
        )
    assert len(set(senders.values())) == 2


def test_without_a_bounce_mailbox_the_envelope_sender_is_the_platforms_address(
    smtp_server: Any, organisation: Any, organiser: Any
):
    agreeing(organisation, 1)
    deliver(a_mailing(organisation, organiser), organiser)

    (envelope,) = smtp_server.handler.envelopes
    assert envelope.mail_from == parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def sent_recipients(organisation: Any, organiser: Any, count: int) -> list[Recipient]:
    people = agreeing(organisation, count)
    deliver(a_mailing(organisation, organiser), organiser)
    return [Recipient.objects.get(supporter=person) for person in people]


def edits(token: str, other_id: int) -> dict[str, str]:
    """Ways to change a genuine `<id>-<digest>` token into one it does not make."""
    number, digest = token.split("-")
    flipped = digest[:-1] + ("0" if digest[-1] != "0" else "1")
    return {
        "one digit changed": f"{number}-{flipped}",
        "another recipient's id": f"{other_id}-{digest}",
        "digest cut short": f"{number}-{digest[:-2]}",
        "digest made longer": f"{number}-{digest}00",
        "no digest": number,
        "digest only": digest,
        "empty": "",
    }


def test_a_forged_or_edited_bounce_address_names_nobody(
    smtp_server: Any, organisation: Any, organiser: Any, settings: Any
):
    settings.MAILING_BOUNCE_ADDRESS = BOUNCES
    first, second = sent_recipients(organisation, organiser, 2)
    genuine = bounce_address(first)
    token = genuine.removeprefix("bounces+").removesuffix("@mail.example.org")
    assert bounce_recipient_id(genuine) == first.pk

    for name, forged in edits(token, second.pk).items():
        assert bounce_recipient_id(f"bounces+{forged}@mail.example.org") is None, name
    assert bounce_recipient_id(genuine.replace("mail.example.org", "evil.example")) is None
    assert bounce_recipient_id(genuine.replace("bounces+", "other+")) is None
    # An unsubscribe token is signed with another key: it is no bounce token.
    assert bounce_recipient_id(f"bounces+{unsubscribe_token(first)}@mail.example.org") is None


def test_a_forged_or_edited_unsubscribe_token_names_nobody(
    smtp_server: Any, organisation: Any, organiser: Any, settings: Any
):
    settings.MAILING_BOUNCE_ADDRESS = BOUNCES
    first, second = sent_recipients(organisation, organiser, 2)
    token = unsubscribe_token(first)
    assert unsubscribe_recipient_id(token) == first.pk

    for name, forged in edits(token, second.pk).items():
        assert unsubscribe_recipient_id(forged) is None, name
    bounce_token = bounce_address(first).removeprefix("bounces+").removesuffix("@mail.example.org")
    assert unsubscribe_recipient_id(bounce_token) is None


def test_tokens_made_with_the_old_key_still_work_while_it_is_among_the_fallbacks(
    smtp_server: Any, organisation: Any, organiser: Any, settings: Any
):
    settings.MAILING_BOUNCE_ADDRESS = BOUNCES
    (recipient,) = sent_recipients(organisation, organiser, 1)
    old_key = settings.SECRET_KEY
    unsubscribe_old, bounce_old = unsubscribe_token(recipient), bounce_address(recipient)

    settings.SECRET_KEY = "a-new-secret-key-" + "y" * 40
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert unsubscribe_recipient_id(unsubscribe_old) == recipient.pk
    assert bounce_recipient_id(bounce_old) == recipient.pk
    # New tokens are made with the new key, and differ.
    assert unsubscribe_token(recipient) != unsubscribe_old
    assert unsubscribe_recipient_id(unsubscribe_token(recipient)) == recipient.pk

    settings.SECRET_KEY_FALLBACKS = []
    assert unsubscribe_recipient_id(unsubscribe_old) is None
    assert bounce_recipient_id(bounce_old) is None


def test_a_bounce_address_is_only_read_when_a_bounce_mailbox_is_configured(
    smtp_server: Any, organisation: Any, organiser: Any, settings: Any
):
    settings.MAILING_BOUNCE_ADDRESS = BOUNCES
    (recipient,) = sent_recipients(organisation, organiser, 1)
    address = bounce_address(recipient)

    settings.MAILING_BOUNCE_ADDRESS = ""
    assert bounce_recipient_id(address) is None
    assert bounce_address(recipient) == settings.DEFAULT_FROM_EMAIL


def test_a_merge_field_written_with_spaces_is_refused_not_sent_as_written():
    from solidaria.mailing.rendering import unknown_merge_fields

    assert unknown_merge_fields("Hola { first_name } y {organisation}") == [" first_name "]
    assert unknown_merge_fields("Hola {first_name}, {my_data_link}") == []


def test_a_readers_message_is_copied_from_a_stencil_and_is_what_the_ordinary_path_builds(
    organisation: Any, organiser: Any, settings: Any, monkeypatch: Any
):
    """core.mail.stencil: each reader's message, subject with their name included, is
    the message built for them alone, apart from its Message-ID, Date and boundary."""
    from email import message_from_bytes
    from email.policy import default as default_policy

    from solidaria.core.mail import stencil
    from solidaria.mailing import rendering

    settings.MAILING_UNSUBSCRIBE_MAILTO = "unsubscribe@mail.example.org"
    settings.MAILING_BOUNCE_ADDRESS = BOUNCES
    names = ["Ana", "Zoë <b>&amp;", 'O\'Brien "Jack"', "李小龍", ""]
    for name in names:
        agreeing(organisation, 1, name=name, language="es")
        agreeing(organisation, 1, name=name, language="en")
    mailing = a_mailing(organisation, organiser)
    mailing_send(mailing=mailing, actor=organiser)
    from solidaria.mailing.services import mailings_tick

    mailings_tick()
    recipients = list(Recipient.objects.filter(mailing=mailing).select_related("supporter"))
    assert len(recipients) == 2 * len(names)

    def comparable(message: Any) -> list[str]:
        encoded = message.message().as_bytes(linesep="\r\n")
        parsed = message_from_bytes(encoded, policy=default_policy)
        headers = [
            f"{name}: {value}"
            for name, value in parsed.items()
            if name not in ("Message-ID", "Date", "Content-Type")
        ]
        parts = [
            f"{part.get_content_type()} {part['Content-Transfer-Encoding']} {part.get_content()}"
            for part in parsed.iter_parts()
        ]
        return [*headers, *parts]

    copied_count = 0
    for recipient in recipients:
        kwargs = {"to": recipient.supporter.email, "language": recipient.language}
        copied = message_for(mailing, recipient, **kwargs)
        copied_count += isinstance(copied, stencil.StencilledEmail)
        with monkeypatch.context() as patched:
            patched.setattr(rendering, "copy", lambda *args, **kwargs: None)
            ordinary = message_for(mailing, recipient, **kwargs)
        assert not isinstance(ordinary, stencil.StencilledEmail)
        assert comparable(copied) == comparable(ordinary), recipient.supporter.name
        assert copied.from_email == ordinary.from_email  # the envelope: a bounce address
        assert copied.subject == ordinary.subject
        assert copied.body == ordinary.body
        assert copied.alternatives == ordinary.alternatives
        unsubscribe = ordinary.extra_headers["List-Unsubscribe"]
        assert copied.extra_headers["List-Unsubscribe"] == unsubscribe
    # English text is ASCII: a reader whose name is not takes the ordinary path.
    assert copied_count >= 2 * len(names) - 2
