"""A mailing's text, from the organiser's Markdown to each recipient's message.

Markdown is rendered without raw HTML (markdown-it-py), then the HTML is
cleaned to a short list of tags and attributes (nh3), so no script, style or
event handler written into a mailing reaches anyone. Each language version is
rendered once per process; a recipient's message only fills in its merge
fields, escaped.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from functools import lru_cache

import nh3
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

from solidaria.core.mail.stencil import Marks, copy
from solidaria.core.models import OutgoingEmail
from solidaria.core.rendering.i18n import localize
from solidaria.organisations.selectors import contact_email_for

from .models import Mailing, Recipient
from .tokens import bounce_address, unsubscribe_token

# The template names mailings' messages carry in the delivery engine's queue.
MAILING_TEMPLATE = "mailing"
TEST_TEMPLATE = "mailing_test"

# What an organiser may write in braces, and what each stands for.
MERGE_FIELDS = ("first_name", "organisation", "my_data_link")
# Filled in by us, never written by organisers: the recipient's own links.
_OWN_FIELDS = ("unsubscribe_link",)
_FIELD = re.compile(r"\{([^{}\s]{1,60})\}")
_ENCODED_FIELD = re.compile(r"%7B([a-z_]{1,60})%7D")
# What looks like a merge field: a name in braces, perhaps with spaces around it
# (a brace in prose or CSS, "{ display: none }", is not one).
_IN_BRACES = re.compile(r"\{(\s*[\w-]{1,40}\s*)\}")

_TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "h1", "h2", "h3", "h4",
    "blockquote", "code", "pre", "hr", "s",
}  # fmt: skip
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("strikethrough")


def unknown_merge_fields(text: str) -> list[str]:
    """The names in braces that are not merge fields, in order, once each
    (`{ first_name }`, with spaces, would reach readers as written: it is one)."""
    found = [name for name in _IN_BRACES.findall(text) if name not in MERGE_FIELDS]
    return list(dict.fromkeys(found))


def markdown_html(text: str) -> str:
    """Safe HTML for a mailing's Markdown body."""
    return nh3.clean(
        _markdown.render(text),
        tags=_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


@dataclass(frozen=True)
class Version:
    """One language version of a mailing, rendered, its merge fields still in braces."""

    language: str
    subject: str
    text: str
    html: str
    reply_to: str  # the organisation's contact for readers of this language


def version(mailing: Mailing, language: str) -> Version:
    """The version a reader of `language` gets: theirs, else the organisation's
    first language that has one (subject and body are always of one language)."""
    return _version(mailing.pk, mailing.updated_at.isoformat(), language)


@lru_cache(maxsize=64)
def _version(mailing_id: int, _updated_at: str, language: str) -> Version:
    mailing = Mailing.objects.select_related("organisation").get(pk=mailing_id)
    # The organisation's order of preference, then whatever else was written.
    bodies = written_versions(mailing.body)
    languages = [*(mailing.organisation.languages or [settings.LANGUAGE_CODE]), *bodies]
    body = localize(bodies, languages=languages, requested=language)
    subject = localize(
        written_versions(mailing.subject), languages=[body.lang], requested=body.lang
    )
    with translation.override(body.lang):
        page = render_to_string(
            "mailing/email.html",
            {
                "subject": str(subject),
                "body": markdown_html(str(body)),
                "organisation": mailing.organisation.name,
                "site_url": settings.SITE_URL,
                "my_data_url": "{my_data_link}",
            },
        )
        footer = "\n".join(
            [
                _("You receive this because you agreed to hear from %(organisation)s.")
                % {"organisation": mailing.organisation.name},
                _("Unsubscribe: %(link)s") % {"link": "{unsubscribe_link}"},
                _("What we hold about you, and how to change or erase it: %(link)s")
                % {"link": "{my_data_link}"},
            ]
        )
        text = f"{str(body).strip()}\n\n-- \n{footer}\n"
    reply_to = contact_email_for(mailing.organisation, body.lang) or ""
    return Version(body.lang, " ".join(str(subject).split()), text, page, reply_to)


def written_versions(value: object) -> dict[str, str]:
    """A multilingual text's versions that have something in them (spaces are
    nothing), by language code."""
    data = getattr(value, "data", value)
    if not isinstance(data, dict):
        data = {settings.LANGUAGE_CODE: data}
    return {str(code): str(text) for code, text in data.items() if str(text or "").strip()}


def merge_values(mailing: Mailing, recipient: Recipient | None, language: str) -> dict[str, str]:
    """What the merge fields stand for in one recipient's message (a sample
    reader's, for previews and test sends, when `recipient` is None)."""
    with translation.override(language):
        name = (recipient.supporter.name if recipient and recipient.supporter else "") or ""
        my_data = settings.SITE_URL + reverse("supporters:request")
        unsubscribe = (
            settings.SITE_URL + reverse("mailing:unsubscribe", args=[unsubscribe_token(recipient)])
            if recipient
            else settings.SITE_URL + reverse("supporters:request")
        )
        return {
            # A missing value falls back to a neutral word, never an empty greeting.
            "first_name": name.split()[0] if name.strip() else _("friend"),
            "organisation": mailing.organisation.name,
            "my_data_link": my_data,
            "unsubscribe_link": unsubscribe,
        }


def merge(text: str, values: dict[str, str], *, escape: bool) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            return match.group(0)
        return html.escape(values[name]) if escape else values[name]

    if escape:  # links' addresses come out of Markdown percent-encoded
        text = _ENCODED_FIELD.sub(r"{\1}", text)
    return _FIELD.sub(value, text)


def message_for(
    mailing: Mailing, recipient: Recipient | None, *, to: str, language: str
) -> EmailMultiAlternatives:
    """The message one reader gets (or a preview's, with `recipient` None).

    A recipient's is copied from the stencil of the mailing's version in their
    language (core.mail.stencil), built once per process with markers for the
    first name and the unsubscribe link and token (the subject and headers that
    hold them are encoded for each reader); a message a copy could get wrong (a
    long line, a name that is not ASCII in an all-ASCII version) is built as the
    preview is."""
    rendered = version(mailing, language)
    values = merge_values(mailing, recipient, rendered.language)
    if recipient is None:
        return _message(mailing, rendered, values, values, values, to=to)
    personal = {
        "first_name": values["first_name"],
        "unsubscribe_link": values["unsubscribe_link"],
        "token": unsubscribe_token(recipient),
    }
    envelope = bounce_address(recipient)
    group = (
        "mailing",
        mailing.pk,
        mailing.updated_at.isoformat(),
        rendered.language,
        getattr(settings, "MAILING_UNSUBSCRIBE_MAILTO", ""),
        bool(getattr(settings, "ANYMAIL", None)),
    )

    def build(marks: Marks) -> EmailMultiAlternatives:
        return _message(
            mailing,
            rendered,
            {**values, **marks.text},
            {**values, **marks.html},
            {**values, **marks.header},
            to=marks.to,
        )

    copied = copy(
        group, keys=tuple(personal), values=personal, to=to, build=build, from_email=envelope
    )
    if copied is not None:
        return copied
    return _message(
        mailing,
        rendered,
        values,
        values,
        {**values, "token": personal["token"]},
        to=to,
        from_email=envelope,
    )


def _message(
    mailing: Mailing,
    rendered: Version,
    text: dict[str, str],
    html: dict[str, str],
    header: dict[str, str],
    *,
    to: str,
    from_email: str = "",
) -> EmailMultiAlternatives:
    """`text`, `html` and `header` are the merge values for each place (the same,
    but for a stencil's markers); `header` has the recipient's token, if any."""
    organisation = mailing.organisation
    _name, sender = parseaddr(settings.DEFAULT_FROM_EMAIL)
    headers = {
        # The organisation's name on the platform's address (whose domain signs it).
        "From": formataddr((organisation.name, sender)),
        "Content-Language": rendered.language,
        "Precedence": "bulk",
        "List-Id": _list_id(mailing),
    }
    if token := header.get("token"):
        # RFC 8058: mail clients offer a one-click unsubscribe that POSTs here.
        links = [f"<{header['unsubscribe_link']}>"]
        if mailbox := getattr(settings, "MAILING_UNSUBSCRIBE_MAILTO", ""):
            links.append(f"<mailto:{mailbox}?subject=unsubscribe%20{token}>")
        headers["List-Unsubscribe"] = ", ".join(links)
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        if getattr(settings, "ANYMAIL", None):
            # Providers' SMTP relays hand this back with their bounce and complaint
            # reports (mailing.webhooks) and strip the headers before delivery.
            # Only with a provider's webhooks set up: each header costs every message.
            headers["X-PM-Metadata-mailing_recipient"] = token
            headers["X-Mailgun-Variables"] = json.dumps({"mailing_recipient": token})
    message = EmailMultiAlternatives(
        subject=merge(rendered.subject, text, escape=False),
        reply_to=[rendered.reply_to] if rendered.reply_to else None,
        body=merge(rendered.text, text, escape=False),
        # The envelope sender: bounces come back to an address naming this recipient.
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers,
    )
    message.attach_alternative(merge(rendered.html, html, escape=True), "text/html")
    return message


def _list_id(mailing: Mailing) -> str:
    host = settings.SITE_URL.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    name = mailing.organisation.name.replace('"', "'")
    return f'"{name}" <{mailing.organisation.slug}.{host}>'


def render_outgoing(emails: Sequence[OutgoingEmail]) -> dict[int, EmailMultiAlternatives]:
    """The delivery engine's renderer for mailings' messages: a batch's recipients
    are loaded in one query; the mailing's text is rendered once per language."""
    wanted = {email.pk: json.loads(email.context or "{}").get("recipient") for email in emails}
    recipients = Recipient.objects.select_related("mailing__organisation", "supporter").in_bulk(
        [pk for pk in wanted.values() if pk is not None]
    )
    messages = {}
    for email in emails:
        recipient = recipients.get(wanted[email.pk])
        if recipient is not None:
            messages[email.pk] = message_for(
                recipient.mailing, recipient, to=email.recipient, language=recipient.language
            )
    return messages


def render_test(emails: Sequence[OutgoingEmail]) -> dict[int, EmailMultiAlternatives]:
    """Test sends, rendered when they were asked for (their text is in their context)."""
    messages = {}
    for email in emails:
        context = json.loads(email.context or "{}")
        message = EmailMultiAlternatives(
            subject=context["subject"],
            body=context["text"],
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.recipient],
            headers={"Content-Language": email.language},
        )
        message.attach_alternative(context["html"], "text/html")
        messages[email.pk] = message
    return messages
