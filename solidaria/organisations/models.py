from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from solidaria.core.rendering.i18n import validate_language_list
from solidaria.core.rendering.images import LOGO_MAX_SIDE, CleanImageField
from solidaria.core.validators import IMAGE_VALIDATORS


def default_languages() -> list[str]:
    return ["es", "en"]


class Organisation(models.Model):
    """A party, union, collective or committee that runs or supports campaigns."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    country = CountryField(_("country"), blank=True)
    region = models.CharField(
        _("region"),
        max_length=100,
        blank=True,
        help_text=_("For organisations that span several countries, e.g. “Europe”."),
    )
    website = models.URLField(_("website"), blank=True)
    logo = CleanImageField(
        _("logo"),
        upload_to="organisations/",
        blank=True,
        validators=IMAGE_VALIDATORS,
        max_side=LOGO_MAX_SIDE,
    )
    languages = models.JSONField(
        _("languages"),
        default=default_languages,
        validators=[validate_language_list],
        help_text=_('Language codes in order of preference, e.g. ["es", "en"].'),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def place(self) -> str:
        return str(self.country.name) if self.country else self.region


class OrganisationContact(models.Model):
    """Where to write to an organisation in a given language (seed: German to one
    address, Spanish and English to another)."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("organisation"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    email = models.EmailField(_("email"))

    class Meta:
        ordering = ["organisation", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "language"], name="one_contact_per_language"
            )
        ]
        verbose_name = _("contact address")
        verbose_name_plural = _("contact addresses")

    def __str__(self) -> str:
        return f"{self.organisation} ({self.language})"


class Membership(models.Model):
    """A member of staff's role in one organisation."""

    class Role(models.TextChoices):
        OWNER = "owner", _("owner")
        ORGANISER = "organiser", _("organiser")
        VIEWER = "viewer", _("viewer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_role_per_organisation"
            )
        ]
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"
