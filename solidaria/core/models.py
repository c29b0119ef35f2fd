from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from solidaria.core.privacy.fields import EncryptedTextField


class AuditEntry(models.Model):
    """One thing a member of staff or the system did. Append-only; never holds PII."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=150)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class OutgoingEmail(models.Model):
    """A message owed to someone. Delivered by a task; the row is the durable promise.

    The recipient and the template context are personal data, so both are
    encrypted, and both are emptied once the message has been handed over.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    created_at = models.DateTimeField(auto_now_add=True)
    recipient = EncryptedTextField(_("recipient"))
    # The recipient's blind index stays once the message is sent, so that a person's
    # export lists what we sent them and their erasure finds it; erasure empties it.
    recipient_index = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    # Kept once sent (encrypted: it says which petition or event the message was about).
    subject = EncryptedTextField(_("subject"))
    language = models.CharField(_("language"), max_length=8)
    template = models.CharField(_("template"), max_length=100)
    context = EncryptedTextField(_("context (encrypted JSON)"))
    reply_to = EncryptedTextField(_("reply to"))

    class Priority(models.IntegerChoices):
        # Someone is waiting for it (a confirmation link, a receipt): it goes first.
        TRANSACTIONAL = 0, _("transactional")
        BULK = 5, _("bulk (mailings)")

    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.TRANSACTIONAL
    )
    # Which worker's batch holds a message being sent, and since when (see
    # core.mail.outbox: a batch whose worker died is put back after a while).
    batch = models.CharField(max_length=32, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        indexes = [
            # The queue, in the order workers take it: only waiting rows are indexed,
            # so the index stays small however many messages have gone.
            models.Index(
                fields=["priority", "id"],
                name="outgoing_queue_idx",
                condition=models.Q(status="queued"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} #{self.pk} ({self.get_status_display()})"


class StripeEvent(models.Model):
    """Each webhook event from Stripe, stored in the transaction that applies it
    (core.payments.events): an event delivered twice is applied once, whichever
    app it is about."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
