"""Bounces and complaints that a mail provider reports (Postmark, Mailgun), through
django-anymail's tracking webhooks (`/anymail/<provider>/tracking/`).

anymail's views check who posts: Postmark by basic auth (ANYMAIL["WEBHOOK_SECRET"]),
Mailgun by its HMAC signature (and by the basic auth too when a secret is set).
They then send each event to `tracking_received`. Mailgun signs a timestamp and a
token that anymail does not check, so a captured post could be replayed for
ever: posts more than MAILGUN_MAX_AGE away from now, or with a token seen
before, are refused here with a 400, like a bad signature. Postmark posts are
refused while no secret is set, since anymail then lets anyone in.

Which person: the event's recipient address, by its blind index (whoever has the
address now). Which mailing's message: the recipient token mailings carry in the
provider's metadata (METADATA_KEY), if it names that same person; it is keyed,
so another site sending through the same account matches nothing. Reports about
other mail (confirmations, receipts) count for the address all the same.

Hard or soft is read from the provider's own payload: anymail's "bounced" covers
Postmark's soft bounces, and a policy block is no verdict on the address.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Mapping
from typing import Any

from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.signals import tracking
from django.conf import settings
from django.core.cache import cache
from django.dispatch import receiver

from solidaria.core.privacy import pii
from solidaria.supporters.models import Supporter

from .bounces import IGNORED, status_transient
from .models import Bounce, Recipient
from .services import bounce_record
from .tokens import unsubscribe_recipient_id

logger = logging.getLogger(__name__)

# The metadata key under which a mailing's message names its recipient (a token
# from tokens.unsubscribe_token); Postmark allows keys of up to 20 characters.
METADATA_KEY = "mailing_recipient"
# A Mailgun post signed further than this from now is refused (Mailgun's advice).
MAILGUN_MAX_AGE = 300
# Reports not tied to a mailing's message are counted once per provider message
# for this long: providers retry a deferred message for hours.
REPORT_MEMORY = 3 * 24 * 3600
UNKNOWN = "unknown"  # no supporter has that address
DUPLICATE = "duplicate"

# Postmark's bounce Type → what it says about the address. Absent (VirusNotification,
# AutoResponder, Blocked, DMARCPolicy, …): nothing about the address, or our own set-up.
_POSTMARK_KINDS = {
    "HardBounce": Bounce.Kind.HARD,
    "BadEmailAddress": Bounce.Kind.HARD,
    "ManuallyDeactivated": Bounce.Kind.HARD,
    "SoftBounce": Bounce.Kind.SOFT,
    "Transient": Bounce.Kind.SOFT,
    "DnsError": Bounce.Kind.SOFT,
    "SpamComplaint": Bounce.Kind.COMPLAINT,
    "SpamNotification": Bounce.Kind.COMPLAINT,
}
# Mailgun's reasons for a permanent failure that are not about the address (already
# suppressed for a complaint or an unsubscription, or our account blocked).
_MAILGUN_NOT_THE_ADDRESS = {"suppress-complaint", "suppress-unsubscribe", "esp-block"}


def _postmark_kind(payload: Mapping[str, Any]) -> str | None:
    if payload.get("RecordType") not in ("Bounce", "SpamComplaint"):
        return None
    return _POSTMARK_KINDS.get(str(payload.get("Type", "")))


def _mailgun_kind(payload: Mapping[str, Any]) -> str | None:
    data = payload.get("event-data")
    if not isinstance(data, Mapping):
        return None  # a legacy (form) webhook: set up the current ones instead
    event = data.get("event")
    if event == "complained":
        return Bounce.Kind.COMPLAINT
    if event != "failed":
        return None
    if data.get("severity") == "temporary":
        return Bounce.Kind.SOFT
    reason = str(data.get("reason", ""))
    if reason in _MAILGUN_NOT_THE_ADDRESS:
        return None
    if reason == "old":  # retried until it expired: temporary failures all along
        return Bounce.Kind.SOFT
    status = data.get("delivery-status")
    status = status if isinstance(status, Mapping) else {}
    if status_transient(str(status.get("enhanced-code") or "")):
        return Bounce.Kind.SOFT
    if str(status.get("code", "")).startswith("4"):
        return Bounce.Kind.SOFT
    return Bounce.Kind.HARD


_KINDS = {"Postmark": _postmark_kind, "Mailgun": _mailgun_kind}


@receiver(tracking, dispatch_uid="solidaria.mailing.webhooks.tracking_received")
def tracking_received(sender: object, event: Any, esp_name: str, **kwargs: object) -> None:
    """anymail's tracking signal: the request is authenticated by now (see above).
    `event` is an anymail.signals.AnymailTrackingEvent."""
    if esp_name == "Mailgun":
        seen = _mailgun_claim(event.esp_event)
        try:
            webhook_event_handle(esp_name=esp_name, event=event)
        except BaseException:
            cache.delete(seen)  # not handled: Mailgun's retry must get through
            raise
        return
    if esp_name not in _KINDS:
        logger.warning("%s webhooks are not handled; event ignored", esp_name)
        return
    if not getattr(settings, "ANYMAIL", {}).get("WEBHOOK_SECRET"):
        raise AnymailWebhookValidationFailure(
            f"{esp_name} webhooks are refused until ANYMAIL_WEBHOOK_SECRET is set."
        )
    webhook_event_handle(esp_name=esp_name, event=event)


def _mailgun_claim(payload: Any) -> str:
    """Refuses a Mailgun post that is stale or replayed; returns the cache key that
    now marks its token as seen."""
    signature = payload.get("signature")
    if not isinstance(signature, Mapping):  # a legacy form post
        signature = {"timestamp": payload.get("timestamp"), "token": payload.get("token")}
    try:
        signed_at = float(signature.get("timestamp") or "")
    except ValueError:
        raise AnymailWebhookValidationFailure("Mailgun webhook without a timestamp.") from None
    if abs(time.time() - signed_at) > MAILGUN_MAX_AGE:
        raise AnymailWebhookValidationFailure(
            "Mailgun webhook signed more than 5 minutes from now: refused as a replay."
        )
    token = str(signature.get("token") or "")
    key = "mailing:mailgun-token:" + hashlib.sha256(token.encode()).hexdigest()
    # Remembered past the time its timestamp could still be accepted.
    if not token or not cache.add(key, True, timeout=2 * MAILGUN_MAX_AGE + 60):
        raise AnymailWebhookValidationFailure(
            "Mailgun webhook token seen before: refused as a replay."
        )
    return key


def webhook_event_handle(*, esp_name: str, event: Any) -> str:
    """Records what a provider's event says about an address; returns what it came
    to (a Bounce.Kind, or "ignored", "unknown", "duplicate")."""
    kind = _KINDS[esp_name](event.esp_event)
    if kind is None:
        return IGNORED
    address = str(event.recipient or "")
    supporter = (
        Supporter.objects.filter(email_index__in=pii.email_indexes(address)).first()
        if address
        else None
    )
    if supporter is None:
        return UNKNOWN
    recipient = _recipient(event.metadata, supporter)
    # Not tied to a mailing's message, a report counts once per provider message.
    seen = _report_key(esp_name, event, kind) if recipient is None else ""
    if seen and cache.get(seen):
        return DUPLICATE
    if (
        bounce_record(supporter=supporter, kind=kind, source=esp_name.lower(), recipient=recipient)
        is None
    ):
        return DUPLICATE
    if seen:
        cache.set(seen, True, timeout=REPORT_MEMORY)
    return kind


def _report_key(esp_name: str, event: Any, kind: str) -> str:
    message_id = str(event.message_id or event.event_id or "")
    if not message_id:
        return ""
    digest = hashlib.sha256(f"{esp_name}\0{message_id}\0{kind}".encode()).hexdigest()
    return "mailing:webhook-report:" + digest


def _recipient(metadata: Any, supporter: Supporter) -> Recipient | None:
    token = str((metadata or {}).get(METADATA_KEY) or "")
    recipient_id = unsubscribe_recipient_id(token) if token else None
    if recipient_id is None:
        return None
    return Recipient.objects.filter(pk=recipient_id, supporter=supporter).first()
