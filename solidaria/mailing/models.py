"""Mailings: one organisation writing to its people, in their languages.

A mailing is written (subject and Markdown body per language), then sent to a
saved segment or to everyone who agreed to hear from the organisation. When
sending starts its recipients are frozen, a row each (`Recipient`), so the
mailing reaches each person once whatever happens to the segment, the worker
or the button. Rows are fed to the delivery engine (core.mail.outbox) at the
organisation's rate; what happened to each (sent, bounced, complained,
unsubscribed) stays on its row for the results. No opens or clicks are
tracked: that is a promise, not a missing feature.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from i18nfield.fields import I18nCharField, I18nTextField

# More recipients than this, and a second organiser must approve the sending.
APPROVAL_THRESHOLD = 1000
SUBJECT_MAX_LENGTH = 200
BODY_MAX_LENGTH = 50_000


class Mailing(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        AWAITING_APPROVAL = "approval", _("awaiting a second organiser's approval")
        SCHEDULED = "scheduled", _("scheduled")
        # Recipients being frozen (resumable: a killed worker picks up where it was).
        PREPARING = "preparing", _("preparing the recipient list")
        SENDING = "sending", _("sending")
        PAUSED = "paused", _("paused")
        SENT = "sent", _("sent")
        CANCELLED = "cancelled", _("cancelled")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="mailings",
        verbose_name=_("from"),
    )

    class Audience(models.TextChoices):
        AGREED = "agreed", _("everyone who agreed to hear from us")
        SEGMENT = "segment", _("a saved segment")

    audience = models.CharField(
        _("to"), max_length=7, choices=Audience.choices, default=Audience.AGREED
    )
    # A segment deleted after sending started changes nothing: the recipients are
    # frozen by then. Deleted before, the mailing is not sent to anyone else.
    segment = models.ForeignKey(
        "supporters.Segment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mailings",
        verbose_name=_("segment"),
    )
    subject = I18nCharField(_("subject"), max_length=SUBJECT_MAX_LENGTH)
    body = I18nTextField(
        _("message"),
        help_text=_(
            "Markdown: *italics*, **bold**, [a link](https://example.org), lists, "
            "headings. Merge fields: {first_name}, {organisation}, {my_data_link}."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("written by"),
    )
    approval_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sending asked by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("sending finished"), null=True, blank=True)
    # Where freezing the recipients has got to (the last supporter id written).
    prepared_up_to = models.BigIntegerField(default=0, editable=False)
    recipients_count = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")

    def __str__(self) -> str:
        return str(self.subject) or f"Mailing #{self.pk}"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.AWAITING_APPROVAL)


class Recipient(models.Model):
    """One person a mailing is for, frozen when sending starts."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")  # frozen, not yet handed to the delivery engine
        QUEUED = "queued", _("handed to the delivery engine")
        # No longer allowed to receive it when their turn came (withdrew, bounced…).
        SKIPPED = "skipped", _("skipped")
        CANCELLED = "cancelled", _("cancelled")

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="recipients")
    supporter = models.ForeignKey(
        "supporters.Supporter", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(max_length=8)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.WAITING)
    email = models.OneToOneField(
        "core.OutgoingEmail",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mailing_recipient",
    )
    bounced_at = models.DateTimeField(null=True, blank=True)
    complained_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints = [
            # Sent once per person, however often the button is pressed.
            models.UniqueConstraint(fields=["mailing", "supporter"], name="one_recipient_each")
        ]
        indexes = [
            models.Index(fields=["mailing", "status", "id"], name="recipient_feed_idx"),
            models.Index(
                fields=["supporter"],
                name="recipient_supporter_idx",
                condition=models.Q(supporter__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Recipient #{self.pk}"


class SendingLimit(models.Model):
    """How fast an organisation's mailings may go out, for providers with quotas."""

    organisation = models.OneToOneField(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="sending_limit",
        verbose_name=_("organisation"),
    )
    per_second = models.PositiveIntegerField(
        _("messages a second"),
        default=1000,
        validators=[MinValueValidator(1), MaxValueValidator(10_000)],
    )
    per_hour = models.PositiveIntegerField(
        _("messages an hour"),
        default=1_000_000,
        validators=[MinValueValidator(1), MaxValueValidator(36_000_000)],
    )
    # The hour being counted against `per_hour`, and what was handed over in it.
    hour_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_this_hour = models.PositiveIntegerField(default=0, editable=False)
    last_fed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("sending limit")
        verbose_name_plural = _("sending limits")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.per_second}/s, {self.per_hour}/h"


class Bounce(models.Model):
    """A report that mail to a person did not arrive, or that they marked it spam.

    Soft bounces are kept to count them (three in 30 days make an address
    undeliverable); the person's erasure deletes them."""

    class Kind(models.TextChoices):
        HARD = "hard", _("bounced for good")
        SOFT = "soft", _("bounced for now")
        COMPLAINT = "complaint", _("marked as spam")

    supporter = models.ForeignKey(
        "supporters.Supporter", on_delete=models.CASCADE, related_name="+"
    )
    recipient = models.ForeignKey(
        Recipient, null=True, blank=True, on_delete=models.SET_NULL, related_name="bounces"
    )
    kind = models.CharField(max_length=9, choices=Kind.choices)
    source = models.CharField(max_length=40)  # "smtp", or the provider's name
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["supporter", "kind", "at"], name="bounce_count_idx")]
        verbose_name = _("bounce")
        verbose_name_plural = _("bounces")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
