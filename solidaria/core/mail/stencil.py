"""Stencils: a message rendered and encoded once, copied for each recipient.

After a signing surge, a petition's confirmations in one language differ only in
the signer's name and two links, yet each took its templates rendered and its
MIME message built: about half of a delivery worker's time per message
(docs/scaling.md, "Email after a surge"). A template registered with
`register_stencil` names the context values that differ per recipient. The
first message of a group (same template, language, reply-to and every other
value) is rendered with a marker in place of each personal value and encoded
once, with Django's own classes; each message of the group is then those bytes
with the markers replaced: the value as it is in the plain-text part, escaped
in the HTML part, a fresh Message-ID and Date, the recipient's address.

Only values that the templates print as they are (`{{ name }}`, no filter, no
test) may be named personal: registering is that promise, and a test for each
registered template compares stencilled messages with ordinarily built ones.
A message takes the ordinary path whenever a copy could differ from it: a
recipient address that is not plain ASCII, a value with a line break or one
that would make a line too long for 8-bit transfer, a part not sent as 8-bit
text, a personal value in the subject, attachments.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from email.utils import formatdate, make_msgid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.utils.html import escape

# RFC 5322 2.1.1: a line is at most 998 characters; Django sends longer text
# quoted-printable, which markers would not survive.
LINE_LIMIT = 998
# Groups kept per process: a surge concerns a petition or two, in a few languages.
KEPT = 64
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")

# The parts of a message as the ordinary path renders them: subject, text, HTML.
Render = Callable[[str, str, Mapping[str, object]], tuple[str, str, str]]

_personal: dict[str, tuple[str, ...]] = {}


def register_stencil(template: str, *, personal: Iterable[str]) -> None:
    """Lets messages of `template` be copied from a stencil; `personal` are the
    context keys that differ per recipient. Called from an app's AppConfig.ready()."""
    _personal[template] = tuple(personal)


def personal_keys(template: str) -> tuple[str, ...] | None:
    return _personal.get(template)


class StencilledEmail(EmailMultiAlternatives):
    """A message whose encoded form was copied from a stencil. Its subject, body and
    alternatives are set as usual (for backends that read them, as anymail's do);
    `message()` gives the copied bytes."""

    encoded: bytes  # with CRLF line endings, as SMTP sends it

    # Any: stands in for Django's SafeMIMEMultipart, whose bytes are all backends take.
    def message(self, **kwargs: Any) -> Any:
        return _Encoded(self.encoded)


class _Encoded:
    """What Django's backends ask of a built message: its bytes."""

    def __init__(self, crlf: bytes) -> None:
        self._crlf = crlf

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:
        return self._crlf if linesep == "\r\n" else self._crlf.replace(b"\r\n", linesep.encode())

    def as_string(self, unixfrom: bool = False, linesep: str = "\n") -> str:
        return self.as_bytes(linesep=linesep).decode()


@dataclass(frozen=True)
class _Stencil:
    # The encoded message cut at its markers: literal bytes, then what goes after
    # them (a key of `_fill`'s values, or "" at the end).
    pieces: tuple[tuple[bytes, str], ...]
    # For each line holding markers: its length without them, and their keys.
    lines: tuple[tuple[int, tuple[str, ...]], ...]
    boundary: str
    subject: str
    text: str  # with the text part's markers
    html: str  # with the HTML part's markers
    text_marks: Mapping[str, str]
    html_marks: Mapping[str, str]
    headers: Mapping[str, str]
    reply_to: str
    ascii_only: frozenset[str]


class _Unusable(Exception):
    """This group's messages take the ordinary path."""


_stencils: OrderedDict[tuple[object, ...], _Stencil | None] = OrderedDict()
_lock = threading.Lock()


def stencilled(
    *,
    template: str,
    language: str,
    recipient: str,
    reply_to: str,
    context: Mapping[str, object],
    headers: Mapping[str, str],
    render: Render,
) -> StencilledEmail | None:
    """The message copied from its group's stencil, or None for the ordinary path."""
    keys = _personal.get(template)
    if keys is None or not _PLAIN_ADDRESS.fullmatch(recipient):
        return None
    values = {key: str(context.get(key, "")) for key in keys}
    if any("\n" in value or "\r" in value for value in values.values()):
        return None
    shared = tuple(sorted((key, repr(value)) for key, value in context.items() if key not in keys))
    group = (template, language, reply_to, tuple(sorted(headers.items())), shared)
    with _lock:
        known = group in _stencils
        stencil = _stencils.get(group)
        if known:
            _stencils.move_to_end(group)
    if not known:
        try:
            stencil = _build(template, language, reply_to, context, keys, headers, render)
        except _Unusable:
            stencil = None  # remembered: the group takes the ordinary path
        with _lock:
            _stencils[group] = stencil
            while len(_stencils) > KEPT:
                _stencils.popitem(last=False)
    if stencil is None:
        return None
    return _copy(stencil, recipient, values)


def _build(
    template: str,
    language: str,
    reply_to: str,
    context: Mapping[str, object],
    keys: tuple[str, ...],
    headers: Mapping[str, str],
    render: Render,
) -> _Stencil:
    tag = secrets.token_hex(6)
    text_marks = {key: f"stencil{tag}t{n}x" for n, key in enumerate(keys)}
    html_marks = {key: f"stencil{tag}h{n}x" for n, key in enumerate(keys)}
    to_mark, id_mark, date_mark = (f"stencil{tag}{kind}" for kind in ("to", "id", "date"))
    subject, text, _html = render(template, language, {**context, **text_marks})
    _subject, _text, html = render(template, language, {**context, **html_marks})
    if any(mark in subject for mark in (*text_marks.values(), *html_marks.values())):
        raise _Unusable(template)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[f"{to_mark}@stencil.invalid"],
        reply_to=[reply_to] if reply_to else None,
        headers={**headers, "Message-ID": id_mark, "Date": date_mark},
    )
    message.attach_alternative(html, "text/html")
    built: Any = message.message()  # Any: Django 5.2's SafeMIMEMultipart (stubs say 6.0's)
    encoded = built.as_bytes(linesep="\r\n").decode("utf-8")
    text_part, html_part = built.get_payload()
    transfer = {
        "t": text_part["Content-Transfer-Encoding"],
        "h": html_part["Content-Transfer-Encoding"],
    }
    if any(encoding not in ("7bit", "8bit") for encoding in transfer.values()):
        raise _Unusable(template)
    boundary = built.get_boundary() or ""
    marks = {
        f"{to_mark}@stencil.invalid": "\0to",
        id_mark: "\0id",
        date_mark: "\0date",
        **{mark: f"\0t{key}" for key, mark in text_marks.items()},
        **{mark: f"\0h{key}" for key, mark in html_marks.items()},
    }
    expected = {
        **{mark: text.count(mark) for mark in text_marks.values()},
        **{mark: html.count(mark) for mark in html_marks.values()},
    }
    for mark, count in expected.items():
        if encoded.count(mark) != count:  # folded or encoded on the way: not a stencil
            raise _Unusable(template)
    pattern = re.compile("|".join(re.escape(mark) for mark in marks))
    pieces: list[tuple[bytes, str]] = []
    position = 0
    for match in pattern.finditer(encoded):
        pieces.append((encoded[position : match.start()].encode(), marks[match.group()]))
        position = match.end()
    pieces.append((encoded[position:].encode(), ""))
    lines = []
    for line in encoded.split("\r\n"):
        found = pattern.findall(line)
        if found:
            literal = len(pattern.sub("", line).encode())
            lines.append((literal, tuple(marks[mark] for mark in found)))
    return _Stencil(
        pieces=tuple(pieces),
        lines=tuple(lines),
        boundary=boundary,
        subject=subject,
        text=text,
        html=html,
        text_marks=text_marks,
        html_marks=html_marks,
        headers=dict(headers),
        reply_to=reply_to,
        # Parts all ASCII: a value that is not would make them 8-bit.
        ascii_only=frozenset(part for part, encoding in transfer.items() if encoding == "7bit"),
    )


def _copy(stencil: _Stencil, recipient: str, values: Mapping[str, str]) -> StencilledEmail | None:
    fill = {"\0to": recipient, "\0id": make_msgid(domain=DNS_NAME)}
    fill["\0date"] = formatdate(localtime=settings.EMAIL_USE_LOCALTIME)
    for key, value in values.items():
        fill[f"\0t{key}"] = value
        fill[f"\0h{key}"] = escape(value)
    encoded = {slot: value.encode() for slot, value in fill.items()}
    for literal, slots in stencil.lines:
        if literal + sum(len(encoded[slot]) for slot in slots) > LINE_LIMIT:
            return None
    if stencil.boundary and any(stencil.boundary in value for value in values.values()):
        return None
    if stencil.ascii_only and not all(value.isascii() for value in values.values()):
        return None
    text, html = stencil.text, stencil.html
    for key, value in values.items():
        text = text.replace(stencil.text_marks[key], value)
        html = html.replace(stencil.html_marks[key], fill[f"\0h{key}"])
    message = StencilledEmail(
        subject=stencil.subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient],
        reply_to=[stencil.reply_to] if stencil.reply_to else None,
        headers={**stencil.headers, "Message-ID": fill["\0id"], "Date": fill["\0date"]},
    )
    message.attach_alternative(html, "text/html")
    message.encoded = b"".join(
        literal + (encoded[slot] if slot else b"") for literal, slot in stencil.pieces
    )
    return message
