"""The bounce mailbox: what comes back when a mailing's message cannot be delivered.

Each recipient's message leaves with its own envelope sender,
`bounces+<token>@domain` (tokens.bounce_address), so whatever an MTA sends back
names the message it is about, and a bounce nobody could have received from us
(a forged one, meant to silence someone) names nothing: the token is keyed.
A periodic task (tasks.read_bounces) reads the mailbox over IMAP
(MAILING_BOUNCE_IMAP_URL) or from a Maildir (MAILING_BOUNCE_MAILDIR) and, for
each message:

- a delivery report (RFC 3464 DSN, or the older formats flufl.bounce knows) is a
  bounce: hard when it failed for good, soft when delivery was only delayed or
  failed for a reason that may pass (4.x.x, a full mailbox 5.2.2, a policy block
  5.7.x: these say nothing about the address itself);
- a feedback report (RFC 5965 ARF) of abuse or fraud is a complaint; other
  feedback (DMARC failure reports) is not;
- "unsubscribe <token>", the List-Unsubscribe mailto link, unsubscribes, when
  that mailbox is the same.

What a bounce means for the address (undeliverable after a hard bounce or three
soft ones, a complaint unsubscribing from every organisation) is decided by
services.bounce_record. Here a report counts once per message and kind, however
often an MTA repeats it, and a bounce counts only if it is about the address the
message went to and the person still has it.

Every message read is then deleted, whatever it said: the mailbox holds personal
data (addresses) and nothing in it is wanted twice. Only a message whose
handling failed (a bug) stays, for the next run; the logs say which, never
whose.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import mailbox
import re
import ssl
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes, message_from_string
from email.message import Message
from email.policy import default as email_policy
from email.utils import getaddresses
from typing import Protocol
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from flufl.bounce import all_failures

from solidaria.core.privacy import pii
from solidaria.supporters.models import Supporter

from .models import Bounce, Recipient
from .services import bounce_record, recipient_unsubscribe
from .tokens import bounce_recipient_id, unsubscribe_recipient_id

logger = logging.getLogger(__name__)

# What a message in the bounce mailbox came to (the keys of bounces_read's counts).
UNSUBSCRIBE = "unsubscribed"
IGNORED = "ignored"  # not a report we act on: an auto-reply, a DMARC report, an empty file
UNMATCHED = "unmatched"  # a report about mail that did not come from a mailing
FORGED = "forged"  # one of our bounce addresses, with a token we did not make
STALE = "stale"  # the recipient is gone, or the address is no longer theirs
DUPLICATE = "duplicate"  # that message's report was counted already
UNREADABLE = "unreadable"
FAILED = "failed"  # handling it raised: left in the mailbox for the next run

IMAP_TIMEOUT = 30
# Where a delivered report says which of our addresses it was sent to, most
# trustworthy first: our own MTA adds the first three on delivery (Postfix's
# Delivered-To and X-Original-To, Exim's Envelope-to); the reporting MTA writes To.
_DELIVERY_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To")
# Inside a report: Postfix's copy of the envelope sender, ARF's, and the
# Return-Path of the returned message (or of its headers).
_REPORT_FIELDS = ("X-Postfix-Sender", "Original-Mail-From")
_ORIGINAL_PARTS = ("message/rfc822", "text/rfc822-headers")
_COMPLAINT_FEEDBACK = {"abuse", "fraud"}
# The subject of the List-Unsubscribe mailto link (rendering.message_for).
_UNSUBSCRIBE_SUBJECT = re.compile(r"^\s*unsubscribe\s+(\d+-[0-9a-f]+)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Report:
    """What one message in the bounce mailbox says, read without the database."""

    kind: str = ""  # a Bounce.Kind, UNSUBSCRIBE, or "" when it is nothing we act on
    recipient_id: int | None = None
    failed: frozenset[str] = field(default_factory=frozenset)  # addresses that bounced
    forged: bool = False  # it names a bounce address of ours with a token we did not make


# --- reading one message -------------------------------------------------------------


def bounce_report_read(raw: bytes) -> Report:
    """What a message says and which recipient's message it is about. May raise
    on a message the email package or flufl.bounce cannot make sense of."""
    message = message_from_bytes(raw, policy=email_policy)
    if not message.keys():
        return Report()
    if (token := _unsubscribe_token(message)) is not None:
        recipient_id = unsubscribe_recipient_id(token)
        return Report(UNSUBSCRIBE, recipient_id, forged=recipient_id is None)
    failed: frozenset[str] = frozenset()
    kind = _feedback_kind(message)
    if kind is None:
        kind, failed = _failure(message)
    if not kind:
        return Report()
    recipient_id, forged = _verp_recipient(message)
    return Report(kind, recipient_id, failed, forged)


def status_transient(status: str) -> bool:
    """Whether an enhanced status code (RFC 3463) says nothing lasting about the
    address: a temporary failure, a full mailbox, or a policy (spam, reputation)
    block. An empty or unreadable status is not transient."""
    parts = status.strip().split(".")
    if len(parts) < 3:
        return False
    return parts[0] == "4" or parts[1] == "7" or parts[1:3] == ["2", "2"]


def _unsubscribe_token(message: Message) -> str | None:
    match = _UNSUBSCRIBE_SUBJECT.match(str(message.get("Subject", "")))
    return match.group(1) if match else None


def _blocks(part: Message) -> list[Message]:
    """The header blocks of a message/delivery-status or message/feedback-report part."""
    payload = part.get_payload()
    if not isinstance(payload, list):
        return []  # a report built in code, or malformed: a string
    return [block for block in payload if isinstance(block, Message)]


def _feedback_kind(message: Message) -> str | None:
    """A complaint for an ARF report of abuse or fraud, "" for other feedback (DMARC
    failure reports), None when the message is no feedback report."""
    for part in message.walk():
        if part.get_content_type() == "message/feedback-report":
            blocks = _blocks(part)
            feedback = str(blocks[0].get("Feedback-Type", "")) if blocks else ""
            return Bounce.Kind.COMPLAINT if feedback.strip().lower() in _COMPLAINT_FEEDBACK else ""
    return None


def _failure(message: Message) -> tuple[str, frozenset[str]]:
    """The bounce's kind and the addresses that failed; ("", …) if it is none."""
    if not message.get("From"):
        # Every MTA signs its reports; flufl's heuristics fail on a message without.
        return "", frozenset()
    temporary, permanent = all_failures(message)
    addresses = frozenset(
        address.decode("ascii", "replace") for address in temporary | permanent if address
    )
    if permanent:
        statuses = _final_statuses(message)
        if statuses and all(status_transient(status) for status in statuses):
            return Bounce.Kind.SOFT, addresses
        return Bounce.Kind.HARD, addresses
    if temporary:
        return Bounce.Kind.SOFT, addresses
    return "", frozenset()


def _final_statuses(message: Message) -> list[str]:
    """The Status of each recipient a DSN reports failed (none for older formats)."""
    statuses = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in _blocks(part):
            action = str(block.get("Action", "")).strip().lower()
            if action.startswith(("fail", "error")):
                statuses.append(str(block.get("Status", "")).strip().split(" ")[0])
    return statuses


def _verp_recipient(message: Message) -> tuple[int | None, bool]:
    """The recipient named by the first bounce address of ours found in the report,
    and whether one looked like ours without a valid token."""
    forged = False
    mailbox_address: str = getattr(settings, "MAILING_BOUNCE_ADDRESS", "")
    local, _at, domain = mailbox_address.lower().rpartition("@")
    for address in _addresses(message):
        recipient_id = bounce_recipient_id(address)
        if recipient_id is not None:
            return recipient_id, False
        lowered = address.lower()
        forged = forged or (
            bool(local) and lowered.startswith(f"{local}+") and lowered.endswith(f"@{domain}")
        )
    return None, forged


def _addresses(message: Message) -> list[str]:
    values: list[str] = []
    for header in _DELIVERY_HEADERS:
        values += [str(value) for value in message.get_all(header, [])]
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type in ("message/delivery-status", "message/feedback-report"):
            for block in _blocks(part):
                for name in _REPORT_FIELDS:
                    values += [str(value) for value in block.get_all(name, [])]
        elif content_type in _ORIGINAL_PARTS and (original := _original(part)) is not None:
            values += [str(value) for value in original.get_all("Return-Path", [])]
    # "rfc822; address" in report fields: the address type goes.
    plain = [re.sub(r"^\s*rfc822\s*;", "", value, flags=re.IGNORECASE) for value in values]
    return [address for _name, address in getaddresses(plain) if address]


def _original(part: Message) -> Message | None:
    """The returned message (or its headers) inside a report."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return payload[0] if payload and isinstance(payload[0], Message) else None
    return message_from_string(payload, policy=email_policy) if isinstance(payload, str) else None


# --- acting on it -----------------------------------------------------------------------


def bounce_report_apply(report: Report) -> str:
    """Records what a report says; returns what it came to (a Bounce.Kind or one
    of this module's outcomes)."""
    if not report.kind:
        return IGNORED
    if report.recipient_id is None:
        return FORGED if report.forged else UNMATCHED
    recipient = (
        Recipient.objects.select_related("supporter", "email", "mailing__organisation")
        .filter(pk=report.recipient_id)
        .first()
    )
    if recipient is None:
        return STALE
    if report.kind == UNSUBSCRIBE:
        recipient_unsubscribe(recipient=recipient)
        return UNSUBSCRIBE
    supporter = recipient.supporter
    if supporter is None or supporter.erased_at is not None:
        return STALE
    # A complaint is the person's, whatever their address now; a bounce is the address's.
    if report.kind != Bounce.Kind.COMPLAINT and not _bounced_their_address(
        recipient, supporter, report.failed
    ):
        return STALE
    recorded = bounce_record(
        supporter=supporter, kind=report.kind, source="smtp", recipient=recipient
    )
    return report.kind if recorded is not None else DUPLICATE


def _bounced_their_address(
    recipient: Recipient, supporter: Supporter, failed: frozenset[str]
) -> bool:
    """The report is about the address the message went to, and the person still
    has it. Compared by blind index under every key, since a rotation may have
    run since the message was sent."""
    sent_to = recipient.email.recipient_index if recipient.email else ""
    if not sent_to or not supporter.email:
        return False
    if sent_to not in pii.email_indexes(supporter.email):
        return False  # they have changed it since: the old one bounced, not theirs
    return any(sent_to in pii.email_indexes(address) for address in failed)


# --- the mailbox ------------------------------------------------------------------------


class BounceMailbox(Protocol):
    def keys(self) -> list[str]: ...
    def read(self, key: str) -> bytes: ...
    def remove(self, key: str) -> None: ...
    def close(self) -> None: ...


class MaildirMailbox:
    """A Maildir the MTA delivers to (Postfix `home_mailbox = Maildir/`, Dovecot…)."""

    def __init__(self, path: str) -> None:
        # Not created if missing: a mistyped path must fail, not read an empty box.
        self.box = mailbox.Maildir(path, factory=None, create=False)

    def keys(self) -> list[str]:
        return sorted(self.box.keys())  # names start with the delivery time

    def read(self, key: str) -> bytes:
        return self.box.get_bytes(key)

    def remove(self, key: str) -> None:
        self.box.discard(key)

    def close(self) -> None:
        self.box.close()


class ImapMailbox:
    """A folder on an IMAP server: `imaps://user:password@host:993/INBOX` (user and
    password percent-encoded); `imap://` without TLS, for a server on this host."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("imap", "imaps") or not parts.hostname:
            raise ImproperlyConfigured(
                "MAILING_BOUNCE_IMAP_URL must look like imaps://user:password@host:993/INBOX."
            )
        self.connection: imaplib.IMAP4
        if parts.scheme == "imaps":
            self.connection = imaplib.IMAP4_SSL(
                parts.hostname,
                parts.port or 993,
                ssl_context=ssl.create_default_context(),
                timeout=IMAP_TIMEOUT,
            )
        else:
            self.connection = imaplib.IMAP4(parts.hostname, parts.port or 143, timeout=IMAP_TIMEOUT)
        try:
            self.connection.login(unquote(parts.username or ""), unquote(parts.password or ""))
            folder = unquote(parts.path.lstrip("/")) or "INBOX"
            quoted = '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
            status, _data = self.connection.select(quoted)
            if status != "OK":
                raise ImproperlyConfigured("The bounce mailbox's IMAP folder cannot be opened.")
        except BaseException:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                self.connection.logout()
            raise

    def keys(self) -> list[str]:
        _status, data = self.connection.uid("SEARCH", "UNDELETED")
        return [uid.decode() for uid in (data[0] or b"").split()]

    def read(self, key: str) -> bytes:
        # PEEK: a person looking at the box still sees what is unread.
        _status, data = self.connection.uid("FETCH", key, "(BODY.PEEK[])")
        for item in data:  # bytes (flags) and (envelope, content) tuples, mixed
            if isinstance(item, tuple) and isinstance(item[1], bytes):
                return item[1]
        raise KeyError(key)

    def remove(self, key: str) -> None:
        self.connection.uid("STORE", key, "+FLAGS.SILENT", r"(\Deleted)")

    def close(self) -> None:
        try:
            self.connection.expunge()
            self.connection.close()
        finally:
            self.connection.logout()


def bounce_mailbox() -> BounceMailbox | None:
    """The configured bounce mailbox, open; None if there is none."""
    if url := getattr(settings, "MAILING_BOUNCE_IMAP_URL", ""):
        return ImapMailbox(url)
    if path := getattr(settings, "MAILING_BOUNCE_MAILDIR", ""):
        return MaildirMailbox(path)
    return None


def bounces_read(*, limit: int = 500) -> dict[str, int]:
    """Reads up to `limit` messages from the bounce mailbox, oldest first, records
    what each says and deletes it. Returns how many came to what. Safe to run
    again: a message read twice counts once. Nothing happens without a mailbox."""
    box = bounce_mailbox()
    if box is None:
        return {}
    counts: Counter[str] = Counter()
    try:
        for key in box.keys()[:limit]:
            try:
                raw = box.read(key)
            except (KeyError, FileNotFoundError):
                continue  # deleted meanwhile
            try:
                report = bounce_report_read(raw)
            except Exception as exc:  # garbage in: whatever the parsers raise
                logger.warning(
                    "bounce mailbox: message %s cannot be read (%s); deleted",
                    key,
                    type(exc).__name__,
                )
                outcome = UNREADABLE
            else:
                try:
                    outcome = bounce_report_apply(report)
                except DatabaseError:
                    raise  # the database is away: the rest waits for the next run
                except Exception:
                    logger.exception(
                        "bounce mailbox: message %s could not be handled; left for the next run",
                        key,
                    )
                    counts[FAILED] += 1
                    continue
            if outcome == FORGED:
                logger.warning("bounce mailbox: message %s has a forged token; deleted", key)
            box.remove(key)
            counts[str(outcome)] += 1
    finally:
        box.close()
    if counts:
        logger.info("bounce mailbox: %s", ", ".join(f"{n} {o}" for o, n in sorted(counts.items())))
    return dict(counts)
