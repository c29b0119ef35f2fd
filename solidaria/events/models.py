"""Events (online panels, rallies at embassies) and the days of action that group them.

Times are stored in UTC with the event's IANA zone beside them: the zone says
what the organisers meant ("18:00 in Buenos Aires") and how to show it; UTC
says when it happens for everybody else. Attendees' details are encrypted.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from i18nfield.fields import I18nCharField, I18nTextField

from solidaria.core.privacy.fields import EncryptedTextField
from solidaria.core.rendering.i18n import MultilingualText, campaign_languages, localize

from .zones import validate_zone

MAX_GUESTS = 10


class DayOfAction(models.Model):
    """One date, many local actions: "solidarity at Argentine embassies worldwide"."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        related_name="days_of_action",
        verbose_name=_("campaign"),
    )
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = I18nCharField(_("title"), max_length=200)
    description = I18nTextField(_("description"))
    date = models.DateField(_("date"))
    takes_proposals = models.BooleanField(_("supporters may propose local actions"), default=True)
    # A draft (made from a committee's accepted proposal, say) is seen by organisers
    # only, even in a live campaign, until they tick this.
    published = models.BooleanField(
        _("published"),
        default=True,
        help_text=_("Unticked, it is a draft: only organisers see it."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("day of action")
        verbose_name_plural = _("days of action")

    def __str__(self) -> str:
        return localize(self.title, languages=campaign_languages(self)) or self.slug

    def get_absolute_url(self) -> str:
        return reverse("events:day", kwargs={"slug": self.slug})

    @property
    def text(self) -> MultilingualText:
        return MultilingualText(self, self.campaign.languages)


class Event(models.Model):
    class Kind(models.TextChoices):
        ONLINE = "online", _("online")
        IN_PERSON = "in_person", _("in person")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed, waiting for moderation")
        PUBLISHED = "published", _("published")
        DECLINED = "declined", _("declined")
        CANCELLED = "cancelled", _("cancelled")

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("campaign"),
    )
    day_of_action = models.ForeignKey(
        DayOfAction,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("day of action"),
    )
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = I18nCharField(_("title"), max_length=200)
    description = I18nTextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.IN_PERSON)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_zone],
        help_text=_("Where the times are meant, e.g. America/Argentina/Buenos_Aires."),
    )
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit. When it is full, people join a waiting list."),
    )
    online_url = models.URLField(
        _("link to join"),
        blank=True,
        help_text=_("Shown only to registered attendees, never on the public page."),
    )
    host = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_events",
        verbose_name=_("host organisation"),
    )
    # Supporters who host a local action: their name is public, their contact is not.
    # Both are encrypted at rest all the same, and erased with the supporter.
    host_name = EncryptedTextField(_("host's name"))
    host_email = EncryptedTextField(_("host's email"))
    host_email_index = models.CharField(max_length=64, blank=True, editable=False)
    host_supporter = models.ForeignKey(
        "supporters.Supporter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    host_language = models.CharField(max_length=8, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    # Kept by the RSVP services under the event's row lock: places taken, people waiting.
    seats_taken = models.PositiveIntegerField(default=0, editable=False)
    waiting = models.PositiveIntegerField(default=0, editable=False)
    # When its attendees' and host's personal data was last erased at the end of
    # the campaign's retention period (see personal_data.expire).
    personal_data_erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="event_upcoming_idx")]

    def __str__(self) -> str:
        return localize(self.title, languages=campaign_languages(self)) or self.slug

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"slug": self.slug})

    @property
    def text(self) -> MultilingualText:
        return MultilingualText(self, self.campaign.languages)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(self.zone)

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.campaign.is_public

    @property
    def places_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.seats_taken, 0)

    @property
    def place(self) -> str:
        country = str(self.country.name) if self.country else ""
        return ", ".join(part for part in (self.venue, self.city, country) if part)

    @property
    def personal_data_kept_until(self) -> datetime:
        """When its attendees' and host's personal data goes: the campaign's retention
        after the event ends (moving the event later moves this too)."""
        return self.campaign.personal_data_kept_until(self.ends_at)

    @property
    def personal_data_erased(self) -> bool:
        """Whether the retention rule already erased what the event holds now."""
        erased = self.personal_data_erased_at
        return erased is not None and erased >= self.personal_data_kept_until


class Cosponsor(models.Model):
    """An organisation that asked to co-sponsor an event, and what organisers decided."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="cosponsors")
    name = models.CharField(_("organisation"), max_length=200)
    country = CountryField(_("country"), blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_name = EncryptedTextField(_("contact person"))
    contact_email = EncryptedTextField(_("contact email"))
    language = models.CharField(max_length=8)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("co-sponsor")
        verbose_name_plural = _("co-sponsors")

    def __str__(self) -> str:
        return self.name


class Rsvp(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("registered")
        WAITLISTED = "waitlisted", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="rsvps", verbose_name=_("event")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    name = EncryptedTextField(_("name"))
    email = EncryptedTextField(_("email"))
    email_index = models.CharField(max_length=64, editable=False)
    phone = EncryptedTextField(_("phone"))
    # The person, once registered (not while waiting to be confirmed by anyone).
    supporter = models.ForeignKey(
        "supporters.Supporter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        db_index=False,  # see Meta.indexes
    )
    guests = models.PositiveSmallIntegerField(
        _("guests"), default=0, validators=[MaxValueValidator(MAX_GUESTS)]
    )
    consent_owner = models.BooleanField(_("may hear from the organisation"), default=False)
    language = models.CharField(_("language"), max_length=8)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    reminded_day = models.BooleanField(default=False)
    reminded_hour = models.BooleanField(default=False)
    # When the personal link was last emailed: registering again resends it, but not often.
    link_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    promoted_at = models.DateTimeField(_("moved off the waiting list"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email_index"],
                condition=~Q(status="cancelled"),
                name="one_rsvp_per_email",
            )
        ]
        indexes = [
            models.Index(fields=["event", "status", "created_at"], name="rsvp_queue_idx"),
            # A person's registrations, and "registered for event Z" (covering).
            models.Index(
                fields=["supporter", "event", "status"],
                name="rsvp_supporter_idx",
                condition=Q(supporter__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} · #{self.pk}"

    @property
    def seats(self) -> int:
        return 1 + self.guests


class TrustedHost(models.Model):
    """Supporters whose next proposals are published without moderation."""

    email_index = models.CharField(max_length=64, unique=True)
    name = EncryptedTextField(_("name"))
    trusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("trusted host")
        verbose_name_plural = _("trusted hosts")

    def __str__(self) -> str:
        return self.name
