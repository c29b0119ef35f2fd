"""Providers' bounce and complaint webhooks, posted as Postmark and Mailgun post them
(their documented payloads, Postmark's basic auth, Mailgun's HMAC signature) to
anymail's views, about mailings really sent through the delivery engine."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import subprocess
import sys
import time
from base64 import b64encode
from pathlib import Path
from typing import Any

import pytest
from anymail.exceptions import AnymailInsecureWebhookWarning
from django.conf import settings
from django.test import Client
from django.urls import reverse

from solidaria.mailing.models import Bounce, Recipient
from solidaria.mailing.tokens import unsubscribe_token
from solidaria.mailing.webhooks import METADATA_KEY
from solidaria.supporters.models import OrganisationSupporter, Supporter

from .conftest import a_sent_mailing, agreeing

pytestmark = pytest.mark.django_db

POSTMARK = reverse("anymail:postmark_tracking_webhook")
MAILGUN = reverse("anymail:mailgun_tracking_webhook")


def basic_auth(credentials: str | None = None) -> str:
    credentials = credentials or settings.ANYMAIL["WEBHOOK_SECRET"]
    return "Basic " + b64encode(credentials.encode()).decode()


def undeliverable(supporter: Supporter) -> str:
    supporter.refresh_from_db()
    return supporter.undeliverable_reason if supporter.undeliverable_since else ""


def metadata_of(supporter: Supporter) -> dict[str, str]:
    """What a mailing's message to them carries in the provider's metadata."""
    return {METADATA_KEY: unsubscribe_token(Recipient.objects.get(supporter=supporter))}


# --- Postmark ---------------------------------------------------------------------------


def postmark_bounce(address: str, type_: str = "HardBounce", **fields: Any) -> dict[str, Any]:
    """A bounce webhook as Postmark documents it."""
    return {
        "RecordType": "Bounce",
        "MessageStream": "broadcast",
        "ID": 4323372036854775807,
        "Type": type_,
        "TypeCode": 1,
        "Name": "Hard bounce",
        "Tag": "",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Metadata": {},
        "ServerID": 23,
        "Description": "The server was unable to deliver your message (ex: unknown user).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": address,
        "From": "noreply@lists.example.org",
        "BouncedAt": "2025-06-03T10:12:05.9070259Z",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "Hola",
        "Content": "<Full dump of bounce>",
        **fields,
    }


def post_postmark(client: Client, payload: dict[str, Any], **headers: Any) -> Any:
    headers.setdefault("HTTP_AUTHORIZATION", basic_auth())
    return client.post(POSTMARK, json.dumps(payload), content_type="application/json", **headers)


def test_a_postmark_hard_bounce_makes_the_address_undeliverable(
    client: Client, organisation: Any, organiser: Any
):
    ana, bob = agreeing(organisation, 2)
    a_sent_mailing(organisation, organiser)

    payload = postmark_bounce(ana.email, Metadata=metadata_of(ana))
    assert post_postmark(client, payload).status_code == 200

    assert undeliverable(ana) == "hard bounce"
    assert undeliverable(bob) == ""
    bounce = Bounce.objects.get()
    recipient = Recipient.objects.get(supporter=ana)
    assert (bounce.kind, bounce.source, bounce.recipient) == (
        Bounce.Kind.HARD,
        "postmark",
        recipient,
    )
    assert recipient.bounced_at is not None
    # Postmark retries what it thinks failed: the second time changes nothing.
    assert post_postmark(client, payload).status_code == 200
    assert Bounce.objects.count() == 1


def test_a_postmark_soft_bounce_counts_once_per_message(
    client: Client, organisation: Any, organiser: Any
):
    (ana,) = agreeing(organisation, 1)
    a_sent_mailing(organisation, organiser)

    # No metadata: the mailing's message is not known, the provider's message is.
    for bounce_id in (1, 2):
        payload = postmark_bounce(ana.email, "SoftBounce", ID=bounce_id, Name="Soft bounce")
        assert post_postmark(client, payload).status_code == 200

    assert list(Bounce.objects.values_list("kind", "recipient")) == [(Bounce.Kind.SOFT, None)]
    assert undeliverable(ana) == ""


def test_a_postmark_spam_complaint_unsubscribes_the_person(
    client: Client, organisation: Any, organiser: Any
):
    ana, bob = agreeing(organisation, 2)
    a_sent_mailing(organisation, organiser)

    payload = postmark_bounce(
        ana.email.upper(),  # as their provider spells it: found all the same
        RecordType="SpamComplaint",
        Type="SpamComplaint",
        TypeCode=512,
        Name="Spam complaint",
        Description="The subscriber explicitly marked this message as spam.",
        Details="Test spam complaint details",
        Metadata=metadata_of(ana),
    )
    assert post_postmark(client, payload).status_code == 200

    assert OrganisationSupporter.objects.get(supporter=ana).consent_since is None
    assert OrganisationSupporter.objects.get(supporter=bob).consent_since is not None
    assert Recipient.objects.get(supporter=ana).complained_at is not None
    assert Bounce.objects.get().kind == Bounce.Kind.COMPLAINT


@pytest.mark.parametrize(
    "authorization",
    [None, basic_auth("solidaria-test:wrong"), basic_auth("someone:webhook-secret")],
)
def test_a_postmark_post_without_the_right_credentials_changes_nothing(
    authorization: str | None, client: Client, organisation: Any, organiser: Any
):
    (ana,) = agreeing(organisation, 1)
    a_sent_mailing(organisation, organiser)
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = client.post(
        POSTMARK, json.dumps(postmark_bounce(ana.email)), content_type="application/json", **headers
    )

    assert response.status_code == 400
    assert undeliverable(ana) == ""
    assert not Bounce.objects.exists()


def test_postmark_posts_are_refused_while_no_secret_is_set(
    settings: Any, client: Client, organisation: Any, organiser: Any
):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": "test-mailgun-signing-key"}
    (ana,) = agreeing(organisation, 1)
    a_sent_mailing(organisation, organiser)

    with pytest.warns(AnymailInsecureWebhookWarning):  # anymail itself would let it in
        response = client.post(
            POSTMARK, json.dumps(postmark_bounce(ana.email)), content_type="application/json"
        )

    assert response.status_code == 400
    assert undeliverable(ana) == ""


def test_a_report_about_an_address_nobody_has_is_acknowledged(client: Client):
    assert post_postmark(client, postmark_bounce("nobody@example.com")).status_code == 200
    assert not Bounce.objects.exists()


# --- Mailgun ----------------------------------------------------------------------------


def mailgun_signature(timestamp: str, token: str, key: str | None = None) -> str:
    """As Mailgun signs its webhooks: HMAC-SHA256 of timestamp and token."""
    key = key or settings.ANYMAIL["MAILGUN_WEBHOOK_SIGNING_KEY"]
    return hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()


def mailgun_payload(
    event_data: dict[str, Any],
    *,
    signed_at: float | None = None,
    token: str | None = None,
    key: str | None = None,
) -> dict[str, Any]:
    timestamp = str(int(signed_at if signed_at is not None else time.time()))
    token = token or secrets.token_hex(25)
    return {
        "signature": {
            "timestamp": timestamp,
            "token": token,
            "signature": mailgun_signature(timestamp, token, key),
        },
        "event-data": event_data,
    }


def mailgun_failure(address: str, severity: str = "permanent", **fields: Any) -> dict[str, Any]:
    """A failed delivery's event-data as Mailgun documents it."""
    permanent = severity == "permanent"
    return {
        "id": "G9Bn5sl1TC6nu79C8C0bwg",
        "timestamp": time.time(),
        "log-level": "error" if permanent else "warn",
        "event": "failed",
        "severity": severity,
        "reason": "bounce" if permanent else "generic",
        "recipient": address,
        "recipient-domain": address.rpartition("@")[2],
        "tags": [],
        "user-variables": {},
        "envelope": {"sender": "bounces@mg.lists.example.org", "transport": "smtp"},
        "message": {
            "headers": {
                "to": address,
                "message-id": "20250603101205.13651.20287@mg.lists.example.org",
                "from": "noreply@lists.example.org",
                "subject": "Hola",
            },
            "attachments": [],
            "size": 111,
        },
        "delivery-status": {
            "attempt-no": 1,
            "message": "No Such User Here" if permanent else "Greylisted, try again later",
            "code": 550 if permanent else 451,
            "enhanced-code": "5.1.1" if permanent else "4.7.1",
            "description": "",
            "session-seconds": 0.4,
        },
        **fields,
    }


def post_mailgun(client: Client, payload: dict[str, Any]) -> Any:
    # WEBHOOK_SECRET is set, so Mailgun's posts carry it too (in the webhook's URL).
    return client.post(
        MAILGUN,
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=basic_auth(),
    )


def test_a_mailgun_permanent_failure_makes_the_address_undeliverable(
    client: Client, organisation: Any, organiser: Any
):
    ana, bob = agreeing(organisation, 2)
    a_sent_mailing(organisation, organiser)

    event = mailgun_failure(ana.email, **{"user-variables": metadata_of(ana)})
    assert post_mailgun(client, mailgun_payload(event)).status_code == 200

    assert undeliverable(ana) == "hard bounce"
    assert undeliverable(bob) == ""
    bounce = Bounce.objects.get()
    assert (bounce.kind, bounce.source) == (Bounce.Kind.HARD, "mailgun")
    assert bounce.recipient == Recipient.objects.get(supporter=ana)


def test_mailgun_retrying_a_greylisted_message_is_one_soft_bounce(
    client: Client, organisation: Any, organiser: Any
):
    (ana,) = agreeing(organisation, 1)
    a_sent_mailing(organisation, organiser)

    for _attempt in range(3):
        payload = mailgun_payload(mailgun_failure(ana.email, "temporary"))
        assert post_mailgun(client, payload).status_code == 200

    assert list(Bounce.objects.values_list("kind", flat=True)) == [Bounce.Kind.SOFT]
    assert undeliverable(ana) == ""


def test_a_mailgun_complaint_unsubscribes_the_person(
    client: Client, organisation: Any, organiser: Any
):
    (ana,) = agreeing(organisation, 1)
    a_sent_mailing(organisation, organiser)
    event = {
        "event": "complained",
        "id": "-Agny091SquKnsrW2NEKUA",
        "timestamp": time.time(),
        "log-level": "warn",
        "recipient": ana.email,
        "tags": [],
        "user-variables": metadata_of(ana),
        "message": {
            "headers": {
                "to": ana.email,
                "message-id": "20250603101205.25246.63817@mg.lists.example.org",
                "from": "noreply@lists.example.org",
                "subject": "Hola",
            }
        },
    }

    assert post_mailgun(client, mailgun_payload(event)).status_code == 200

    assert OrganisationSupporter.objects.get(supporter=ana).consent_since is None
    assert Recipient.objects.get().complained_at is not None


def test_a_mailgun_post_with_a_bad_signature_changes_nothing(
    client: Client, organisation: Any, organiser: Any
):
    (ana,) = agreeing(organisation, 1)
    a_sent_mailing(organisation, organiser)

    forged = mailgun_payload(mailgun_failure(ana.email), key="not-the-signing-key")
    assert post_mailgun(client, forged).status_code == 400

    assert undeliverable(ana) == ""
    assert not Bounce.objects.exists()


def test_a_replayed_mailgun_post_is_refused(client: Client, organisation: Any, organiser: Any):
    ana, bob = agreeing(organisation, 2)
    a_sent_mailing(organisation, organiser)

    captured = mailgun_payload(mailgun_failure(ana.email, "temporary"))
    assert post_mailgun(client, captured).status_code == 200
    assert post_mailgun(client, captured).status_code == 400
    # Signed right, but ten minutes ago: a capture held back.
    held_back = mailgun_payload(mailgun_failure(bob.email), signed_at=time.time() - 600)
    assert post_mailgun(client, held_back).status_code == 400

    assert list(Bounce.objects.values_list("supporter", "kind")) == [(ana.pk, Bounce.Kind.SOFT)]
    assert undeliverable(bob) == ""


def test_mailgun_suppressing_a_complainer_is_no_bounce(
    client: Client, organisation: Any, organiser: Any
):
    (ana,) = agreeing(organisation, 1)
    a_sent_mailing(organisation, organiser)

    event = mailgun_failure(ana.email, reason="suppress-complaint")
    assert post_mailgun(client, mailgun_payload(event)).status_code == 200

    assert not Bounce.objects.exists()


# --- wiring -----------------------------------------------------------------------------


def test_the_receiver_is_connected_when_the_platform_starts():
    """Nothing here imports the webhooks module for the platform: the app must."""
    probe = (
        "import django; django.setup(); "
        "from anymail.signals import tracking; print(tracking.has_listeners())"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        check=True,
    )
    assert result.stdout.strip() == "True"
