"""Development mail: every message is written to var/mail/ as an .eml file.

The files are listed at /dev/outbox/ so that a newcomer can follow a
confirmation link without a mail server. If EMAIL_URL names a real server the
message is sent there too.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage
from django.utils import timezone
from django.utils.crypto import get_random_string


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        outbox = Path(settings.EMAIL_OUTBOX_DIR or "var/mail")
        outbox.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            name = f"{timezone.now():%Y%m%d-%H%M%S}-{get_random_string(6)}.eml"
            (outbox / name).write_bytes(message.message().as_bytes())
        forward: str = getattr(settings, "EMAIL_FORWARD_BACKEND", "")
        if forward and not forward.endswith(".dummy.EmailBackend"):
            get_connection(forward, fail_silently=self.fail_silently).send_messages(email_messages)
        return len(email_messages)
