"""Stencils: a message rendered and encoded once, copied for each recipient.

After a signing surge, a petition's confirmations in one language differ only in
the signer's name and two links, yet each took its templates rendered and its
MIME message built: about half of a delivery worker's time per message
(docs/scaling.md, "Email after a surge"). A template registered with
`register_stencil` names the context values that differ per recipient. The
first message of a group (same template, language, reply-to and every other
value) is rendered with a marker in place of each personal value and encoded
once, with Django's own classes; each message of the group is then those bytes
with the markers replaced: the value as it is in the plain-text part and in
headers, escaped in the HTML part, a fresh Message-ID and Date, the recipient's
address, and a subject that names the reader encoded by the same functions
Django's message uses. Mailings are copied the same way (mailing.rendering).

Only values that the templates print as they are (`{{ name }}`, no filter, no
test) may be named personal: registering is that promise, and a test for each
registered template compares stencilled messages with ordinarily built ones.
A message takes the ordinary path whenever a copy could differ from it: a
recipient address that is not plain ASCII, a value with a line break or one
that would make a line too long for 8-bit transfer, a part built 7-bit from
ASCII text and a value that is not, a value holding the multipart boundary,
attachments.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from email.generator import BytesGenerator
from email.message import Message
from email.utils import formatdate, make_msgid
from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import forbid_multi_line_headers
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


@dataclass(frozen=True)
class Marks:
    """Where a stencil's personal values go: a marker per value and part, and the
    recipient's address. Markers are ASCII letters and digits, unchanged by
    escaping, encoding or folding."""

    text: Mapping[str, str]
    html: Mapping[str, str]
    header: Mapping[str, str]
    to: str


# Builds the message of a group with the markers in place of the personal values.
Build = Callable[[Marks], EmailMultiAlternatives]


class StencilledEmail(EmailMultiAlternatives):
    """A message whose encoded form was copied from a stencil. Its subject, body,
    alternatives and headers are set as usual (for backends that read them, as
    anymail's do); `message()` gives the copied bytes."""

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
    marks: Marks
    # The encoded message cut at its markers: literal bytes, then the slot that
    # follows them ("" at the end). Slots: "to", "id", "date", "t:<key>" (a value in
    # the text part), "h:<key>" (in the HTML part), "header:<marker>" (a header
    # encoded per copy).
    pieces: tuple[tuple[bytes, str], ...]
    # For each line holding markers: its length without them, and their slots.
    lines: tuple[tuple[int, tuple[str, ...]], ...]
    boundary: str
    # Parts sent 7-bit: a value that is not ASCII would make them 8-bit.
    ascii_only: frozenset[str]
    # Marker → (header, its value with markers, their part): see `_build`.
    encoded_per_copy: Mapping[str, tuple[str, str, str]]
    message: EmailMultiAlternatives  # as built, with the markers


class _Unusable(Exception):
    """This group's messages take the ordinary path."""


_stencils: OrderedDict[Hashable, _Stencil | None] = OrderedDict()
_lock = threading.Lock()


def copy(
    group: Hashable,
    *,
    keys: tuple[str, ...],
    values: Mapping[str, str],
    to: str,
    build: Build,
    from_email: str | None = None,
) -> StencilledEmail | None:
    """The message of `group` for one recipient, copied from the group's stencil
    (built with `build` the first time), or None: then the caller builds it the
    ordinary way. `from_email` is the envelope sender, when it differs per
    recipient (the message's From header must then be set by `build`)."""
    if not _PLAIN_ADDRESS.fullmatch(to):
        return None
    if any("\n" in value or "\r" in value for value in values.values()):
        return None
    # What every message's headers take from settings (tests change them).
    group = (group, settings.DEFAULT_FROM_EMAIL, settings.SITE_URL, settings.EMAIL_USE_LOCALTIME)
    with _lock:
        known = group in _stencils
        stencil = _stencils.get(group)
        if known:
            _stencils.move_to_end(group)
    if not known:
        try:
            stencil = _build(keys, build)
        except _Unusable:
            stencil = None  # remembered: the group takes the ordinary path
        with _lock:
            _stencils[group] = stencil
            while len(_stencils) > KEPT:
                _stencils.popitem(last=False)
    if stencil is None:
        return None
    return _copy(stencil, to, values, from_email)


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
    """A message from templates (core.mail.outbox), copied if its template is
    registered, else None."""
    keys = _personal.get(template)
    if keys is None:
        return None

    def build(marks: Marks) -> EmailMultiAlternatives:
        subject, text, _html = render(template, language, {**context, **marks.text})
        _subject, _text, html = render(template, language, {**context, **marks.html})
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[marks.to],
            reply_to=[reply_to] if reply_to else None,
            headers=dict(headers),
        )
        message.attach_alternative(html, "text/html")
        return message

    shared = tuple(sorted((key, repr(value)) for key, value in context.items() if key not in keys))
    group = ("template", template, language, reply_to, tuple(sorted(headers.items())), shared)
    values = {key: str(context.get(key, "")) for key in keys}
    return copy(group, keys=keys, values=values, to=recipient, build=build)


def _build(keys: tuple[str, ...], build: Build) -> _Stencil:
    tag = secrets.token_hex(6)
    marks = Marks(
        text={key: f"stencil{tag}t{n}x" for n, key in enumerate(keys)},
        html={key: f"stencil{tag}h{n}x" for n, key in enumerate(keys)},
        header={key: f"stencil{tag}x{n}x" for n, key in enumerate(keys)},
        to=f"stencil{tag}to@stencil.invalid",
    )
    id_mark, date_mark = f"stencil{tag}id", f"stencil{tag}date"
    message = build(marks)
    if message.attachments or len(message.alternatives) != 1 or message.cc or message.bcc:
        raise _Unusable("not a plain message with an HTML alternative")
    subject = str(message.subject)
    if any(mark in subject for mark in (*marks.html.values(), *marks.header.values())):
        raise _Unusable("an HTML or header value in the subject")
    headers = {name: str(value) for name, value in message.extra_headers.items()}
    # Headers holding a personal value (a subject naming the reader, an unsubscribe
    # link) are encoded and folded for each copy, as the ordinary path does: their
    # length decides where they fold. The stencil holds one marker for each.
    encoded_per_copy: dict[str, tuple[str, str, str]] = {}
    stand_ins = {}
    if any(mark in subject for mark in marks.text.values()):
        encoded_per_copy[f"stencil{tag}subject"] = ("Subject", subject, "t")
        message.subject = f"stencil{tag}subject"
    for number, (name, value) in enumerate(headers.items()):
        if any(mark in value for mark in marks.header.values()):
            encoded_per_copy[f"stencil{tag}header{number}"] = (name, value, "x")
            stand_ins[name] = f"stencil{tag}header{number}"
    message.extra_headers = {**headers, **stand_ins, "Message-ID": id_mark, "Date": date_mark}
    built: Any = message.message()  # Any: Django 5.2's SafeMIMEMultipart (stubs say 6.0's)
    encoded = built.as_bytes(linesep="\r\n").decode("utf-8")
    message.extra_headers, message.subject = headers, subject
    text_part, html_part = built.get_payload()
    transfer = {
        "t": text_part["Content-Transfer-Encoding"],
        "h": html_part["Content-Transfer-Encoding"],
    }
    if any(encoding not in ("7bit", "8bit") for encoding in transfer.values()):
        raise _Unusable("a part not sent as text")
    slots = {marks.to: "to", id_mark: "id", date_mark: "date"}
    slots.update({mark: f"t:{key}" for key, mark in marks.text.items()})
    slots.update({mark: f"h:{key}" for key, mark in marks.html.items()})
    slots.update({mark: f"header:{mark}" for mark in encoded_per_copy})
    html = str(message.alternatives[0][0])
    expected = {
        **{mark: str(message.body).count(mark) for mark in marks.text.values()},
        **{mark: html.count(mark) for mark in marks.html.values()},
        **{mark: 1 for mark in (marks.to, id_mark, date_mark, *encoded_per_copy)},
    }
    for mark, count in expected.items():
        if encoded.count(mark) != count:  # folded or encoded on the way
            raise _Unusable("a marker changed on the way")
    pattern = re.compile("|".join(re.escape(mark) for mark in slots))
    pieces: list[tuple[bytes, str]] = []
    position = 0
    for match in pattern.finditer(encoded):
        pieces.append((encoded[position : match.start()].encode(), slots[match.group()]))
        position = match.end()
    pieces.append((encoded[position:].encode(), ""))
    lines = []
    for line in encoded.split("\r\n"):
        found = [slots[mark] for mark in pattern.findall(line)]
        # An encoded header comes folded: its lines are the header encoding's own.
        if found := [slot for slot in found if not slot.startswith("header:")]:
            lines.append((len(pattern.sub("", line).encode()), tuple(found)))
    return _Stencil(
        marks=marks,
        pieces=tuple(pieces),
        lines=tuple(lines),
        boundary=built.get_boundary() or "",
        ascii_only=frozenset(part for part, encoding in transfer.items() if encoding == "7bit"),
        encoded_per_copy=encoded_per_copy,
        message=message,
    )


def _copy(
    stencil: _Stencil, to: str, values: Mapping[str, str], from_email: str | None
) -> StencilledEmail | None:
    built = stencil.message
    varies = from_email is not None and from_email != built.from_email
    if varies and "From" not in built.extra_headers:
        return None
    if stencil.ascii_only and not all(value.isascii() for value in values.values()):
        return None
    if stencil.boundary and any(stencil.boundary in value for value in values.values()):
        return None
    fill = {
        "to": to,
        "id": make_msgid(domain=str(DNS_NAME)),
        "date": formatdate(localtime=settings.EMAIL_USE_LOCALTIME),
    }
    for key, value in values.items():
        fill[f"t:{key}"] = value
        fill[f"h:{key}"] = escape(value)
        fill[f"x:{key}"] = value
    part_marks = {"t": stencil.marks.text, "h": stencil.marks.html, "x": stencil.marks.header}
    encoded = {slot: value.encode() for slot, value in fill.items()}
    for literal, slots in stencil.lines:
        if literal + sum(len(encoded[slot]) for slot in slots) > LINE_LIMIT:
            return None
    headers = dict(built.extra_headers)
    subject = str(built.subject)
    for mark, (name, value, part) in stencil.encoded_per_copy.items():
        value = filled_in(value, fill, part, part_marks[part])
        encoded[f"header:{mark}"] = _header_value(name, value)
        if name == "Subject":
            subject = value
        else:
            headers[name] = value
    message = StencilledEmail(
        subject=subject,
        body=filled_in(str(built.body), fill, "t", stencil.marks.text),
        from_email=from_email if from_email is not None else built.from_email,
        to=[to],
        reply_to=built.reply_to,
        headers={**headers, "Message-ID": fill["id"], "Date": fill["date"]},
    )
    message.attach_alternative(
        filled_in(str(built.alternatives[0][0]), fill, "h", stencil.marks.html), "text/html"
    )
    message.encoded = b"".join(
        literal + (encoded[slot] if slot else b"") for literal, slot in stencil.pieces
    )
    return message


def filled_in(text: str, fill: Mapping[str, str], part: str, marks: Mapping[str, str]) -> str:
    for key, mark in marks.items():
        if mark in text:
            text = text.replace(mark, fill[f"{part}:{key}"])
    return text


def _header_value(name: str, value: str) -> bytes:
    """A header's value as Django's message carries it: encoded and folded by the
    same functions (RFC 2047 for what is not ASCII)."""
    header = Message()
    header[name] = forbid_multi_line_headers(name, value, settings.DEFAULT_CHARSET)[1]
    out = BytesIO()
    BytesGenerator(out, mangle_from_=False).flatten(header, linesep="\r\n")
    return out.getvalue().removeprefix(f"{name}: ".encode()).removesuffix(b"\r\n\r\n")
