from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from i18nfield.fields import I18nCharField, I18nTextField

from solidaria.core.rendering.i18n import MultilingualText, validate_language_list
from solidaria.core.rendering.images import CleanImageField
from solidaria.core.validators import IMAGE_VALIDATORS


def default_languages() -> list[str]:
    return ["es", "en"]


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
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

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
