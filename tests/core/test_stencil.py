"""Messages copied from a stencil (core.mail.stencil) are the messages the ordinary
path builds: same headers, same parts, same bytes once the per-message values
(Message-ID, Date, boundary) are set aside."""

from __future__ import annotations

from email import message_from_bytes
from email.message import Message
from email.policy import default as default_policy
from typing import Any

import pytest
from django.core.mail import EmailMultiAlternatives
from django.utils.html import escape

from solidaria.core.mail import stencil
from solidaria.core.mail.outbox import email_deliver_waiting, email_prepare, email_render
from solidaria.core.models import OutgoingEmail

pytestmark = pytest.mark.django_db

NAMES = [
    "Ana",
    "José Pérez",
    "Zoë <script>alert(1)</script> & “Co”",
    'O\'Brien "Jack"',
    "Ünal Öztürk",
    "李小龍",
    "",
]


def _email(template: str, language: str, name: str, *, to: str = "someone@example.org") -> Any:
    email = email_prepare(
        to=to,
        template=template,
        language=language,
        context={
            "name": name,
            "petition_title": "Libertad & justicia <ya>",
            "petition_url": "https://solidaria.example/es/p/1/",
            "is_open_letter": False,
            "confirm_url": f"https://solidaria.example/c/{len(name)}tok/",
            "withdraw_url": f"https://solidaria.example/w/{len(name)}tok/",
            "status": "pending",
        },
    )
    email.pk = 1
    return email


def _ordinary(email: Any) -> Any:
    """The same message built without a stencil."""
    registered = stencil._personal.pop(email.template)
    try:
        return email_render(email)
    finally:
        stencil._personal[email.template] = registered


def _parsed(message: Any) -> Message:
    return message_from_bytes(message.message().as_bytes(linesep="\r\n"), policy=default_policy)


def _comparable(message: Message) -> list[tuple[str, str]]:
    headers = [
        (name, str(value))
        for name, value in message.items()
        if name not in ("Message-ID", "Date", "Content-Type")
    ]
    parts = [
        (part.get_content_type(), part["Content-Transfer-Encoding"], part.get_content())
        for part in message.iter_parts()
    ]
    return [*headers, ("content-type", message.get_content_type()), *map(str, parts)]  # type: ignore[list-item]


@pytest.mark.parametrize("template", ["petition_confirm", "petition_already_signed"])
@pytest.mark.parametrize("language", ["en", "es", "de", "fr", "pt"])
def test_copies_are_the_messages_the_ordinary_path_builds(template: str, language: str) -> None:
    for name in NAMES:
        email = _email(template, language, name)
        copied = email_render(email)
        assert isinstance(copied, stencil.StencilledEmail), (language, name)
        ordinary = _ordinary(email)
        assert _comparable(_parsed(copied)) == _comparable(_parsed(ordinary)), (language, name)
        # And the attributes backends read (subject, body, HTML) are the same too.
        assert copied.subject == ordinary.subject
        assert copied.body == ordinary.body
        assert copied.alternatives == ordinary.alternatives
        assert copied.to == ordinary.to
        assert copied.extra_headers["Content-Language"] == language


def test_the_html_part_escapes_the_name_and_the_text_part_does_not() -> None:
    message = _parsed(email_render(_email("petition_confirm", "en", "<b>Zoë</b> & Co")))
    text, html = (part.get_content() for part in message.iter_parts())
    assert "Hello <b>Zoë</b> & Co," in text
    assert "Hello &lt;b&gt;Zoë&lt;/b&gt; &amp; Co," in html
    assert "<b>Zoë" not in html


def test_each_copy_has_its_own_message_id_and_recipient() -> None:
    first = _parsed(email_render(_email("petition_confirm", "es", "Ana", to="ana@example.org")))
    second = _parsed(email_render(_email("petition_confirm", "es", "Bea", to="bea@example.org")))
    assert first["Message-ID"] != second["Message-ID"]
    assert (first["To"], second["To"]) == ("ana@example.org", "bea@example.org")
    assert "Bea" in second.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Ana" not in second.get_body(("plain",)).get_content()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "to"),
    [
        ("Ana", "añа@exämple.org"),  # an address that is not plain ASCII
        ("Ana\nBcc: victim@example.org", "someone@example.org"),  # a line break
        ("A" * 1200, "someone@example.org"),  # a line too long for 8-bit transfer
    ],
)
def test_what_a_copy_could_get_wrong_takes_the_ordinary_path(name: str, to: str) -> None:
    email = _email("petition_confirm", "es", name, to=to)
    message = email_render(email)
    assert not isinstance(message, stencil.StencilledEmail)


def test_a_part_built_7_bit_takes_a_name_that_is_not_ascii_the_ordinary_way() -> None:
    """A part built 7-bit from ASCII text would be mislabelled with a non-ASCII name."""

    def build(marks: stencil.Marks) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(
            subject="Hello", body=f"Hi {marks.text['name']}", to=[marks.to]
        )
        message.attach_alternative(f"<p>Hi {marks.html['name']}</p>", "text/html")
        return message

    group = ("test", "ascii")
    keys = ("name",)
    assert (
        stencil.copy(group, keys=keys, values={"name": "Zoë"}, to="a@example.org", build=build)
        is None
    )
    copied = stencil.copy(group, keys=keys, values={"name": "Zoe"}, to="a@example.org", build=build)
    assert copied is not None
    assert "Hi Zoe" in copied.message().as_bytes().decode()


def test_a_name_holding_the_boundary_takes_the_ordinary_path() -> None:
    copied = email_render(_email("petition_confirm", "de", "Ana"))
    boundary = _parsed(copied).get_boundary()
    assert boundary
    message = email_render(_email("petition_confirm", "de", f"x{boundary}x"))
    assert not isinstance(message, stencil.StencilledEmail)


def test_copies_reach_a_real_mail_server_whole(smtp_server: Any) -> None:
    names = ["Ana", "José <b>", "李小龍"]
    for number, name in enumerate(names):
        email = _email("petition_confirm", "es", name, to=f"signer{number}@example.org")
        email.pk = None
        email.save()
    email_deliver_waiting()
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT).count() == 3
    received = {message["To"]: message for message in smtp_server.messages}
    for number, name in enumerate(names):
        message = received[f"signer{number}@example.org"]
        assert message.is_multipart()
        plain = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert f"Hola, {name}:" in plain
        assert f"Hola, {escape(name)}:" in html
        assert f"/c/{len(name)}tok/" in plain
