from __future__ import annotations

import calendar
from datetime import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from i18nfield.fields import I18nCharField, I18nTextField

from solidaria.core.rendering.i18n import MultilingualText, validate_language_list
from solidaria.core.rendering.images import CleanImageField
from solidaria.core.validators import IMAGE_VALIDATORS


def default_languages() -> list[str]:
    return ["es", "en"]


# How long supporters' personal data is kept after an action closes (a petition,
# an event), in months. Six by default, as the UK Parliament petitions site keeps
# signers' data; organisers may shorten it to one month, never lengthen it past
# two years: long enough to deliver a petition and follow a case to its next
# hearing, short enough that a list of names does not outlive its purpose.
RETENTION_DEFAULT_MONTHS = 6
RETENTION_MIN_MONTHS = 1
RETENTION_MAX_MONTHS = 24


def months_after(moment: datetime, months: int) -> datetime:
    """The same time `months` calendar months later; the 31st becomes the month's last day."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(
        year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1])
    )


def public_campaign_q(*, via: str) -> models.Q:
    """`Campaign.objects.public()` for rows that belong to a campaign: `via` is the path
    to it ("campaign"). A filter through the join the query already makes, not a subquery."""
    return models.Q(**{f"{via}__status__in": Campaign.PUBLIC_STATUSES})


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def public(self) -> CampaignQuerySet:
        """What visitors may open: live campaigns and closed ones kept for the record."""
        return self.filter(status__in=Campaign.PUBLIC_STATUSES)


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        LIVE = "live", _("live")
        CLOSED = "closed", _("closed")
        ARCHIVED = "archived", _("archived")

    # The one place that says which campaigns are public (see CampaignQuerySet.public).
    PUBLIC_STATUSES = (Status.LIVE, Status.CLOSED)

    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = I18nCharField(_("title"), max_length=200)
    summary = I18nTextField(
        _("summary"),
        max_length=500,
        help_text=_("One or two sentences for lists and link previews."),
    )
    story = I18nTextField(
        _("story"), help_text=_("Plain text; leave an empty line between paragraphs.")
    )
    image = CleanImageField(
        _("image"), upload_to="campaigns/", blank=True, validators=IMAGE_VALIDATORS
    )
    image_alt = I18nCharField(_("image description"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    owner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("organisation"),
    )
    partners = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="partner_campaigns",
        verbose_name=_("partner organisations"),
    )
    languages = models.JSONField(
        _("languages"),
        default=default_languages,
        validators=[validate_language_list],
        help_text=_(
            "The campaign's languages in order: the first is the original, "
            "the others are used when a translation is missing."
        ),
    )
    retention_months = models.PositiveSmallIntegerField(
        _("keep supporters' personal data for (months)"),
        default=RETENTION_DEFAULT_MONTHS,
        validators=[
            MinValueValidator(RETENTION_MIN_MONTHS),
            MaxValueValidator(RETENTION_MAX_MONTHS),
        ],
        help_text=_(
            "Months after a petition closes or an event ends before the names, addresses "
            "and comments of its signers, attendees and hosts are erased. Counts, totals "
            "and statistics stay. 6 by default; from 1 to 24 months. What supporters "
            "agreed to keep (hearing from you) stays."
        ),
    )
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    # When the campaign last stopped being live (closed, archived or back to draft);
    # empty while it is live. Its petitions close then, if not before.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    retention_months__gte=RETENTION_MIN_MONTHS,
                    retention_months__lte=RETENTION_MAX_MONTHS,
                ),
                name="campaign_retention_in_range",
            )
        ]

    def __str__(self) -> str:
        return self.text.title or self.slug

    def get_absolute_url(self) -> str:
        return reverse("campaigns:detail", kwargs={"slug": self.slug})

    @property
    def text(self) -> MultilingualText:
        return MultilingualText(self, self.languages)

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES

    @property
    def is_live(self) -> bool:
        """Live campaigns take signatures, gifts and sign-ups; closed ones do not."""
        return self.status == self.Status.LIVE

    @property
    def stopped_at(self) -> datetime | None:
        """When the campaign stopped being live, if it is not live now. Campaigns
        closed before the moment was recorded fall back to their last change,
        which came at or after it: their data is never erased early."""
        if self.is_live:
            return None
        if self.closed_at is not None:
            return self.closed_at
        # Never published: it never took anything.
        return self.updated_at if self.published_at is not None else None

    def personal_data_kept_until(self, closed: datetime) -> datetime:
        """When the personal data of an action of this campaign that closed at `closed` goes."""
        return months_after(closed, self.retention_months)


class CampaignUpdate(models.Model):
    """News on a campaign, newest first on its page."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="updates", verbose_name=_("campaign")
    )
    title = I18nCharField(_("title"), max_length=200)
    body = I18nTextField(_("text"))
    is_published = models.BooleanField(_("published"), default=True)
    published_at = models.DateTimeField(_("date"), db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("campaign update")
        verbose_name_plural = _("campaign updates")

    def __str__(self) -> str:
        return str(self.text.title)

    @property
    def text(self) -> MultilingualText:
        return MultilingualText(self, self.campaign.languages)
