from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from i18nfield.fields import I18nTextField

from solidaria.core.privacy import pii
from solidaria.core.privacy.fields import EncryptedTextField


class Supporter(models.Model):
    """One person, across every petition, gift and RSVP, found by their email's blind index.

    Name, email and phone are encrypted (see core.privacy.pii); `email_index` is the
    keyed hash of the normalised address and the only way to look a person up.
    """

    # NULL, not "", once erased: many erased rows must not collide on the unique index.
    email_index = models.CharField(  # noqa: DJ001
        max_length=64, unique=True, null=True, editable=False
    )
    email = EncryptedTextField(_("email"))
    name = EncryptedTextField(_("name"))
    phone = EncryptedTextField(_("phone"))
    country = CountryField(_("country"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    created_at = models.DateTimeField(_("first seen"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)

    class UndeliverableReason(models.TextChoices):
        HARD_BOUNCE = "hard bounce", _("mail to it bounced")
        SOFT_BOUNCES = "soft bounces", _("mail to it bounced several times")
        COMPLAINT = "complaint", _("a mailing was marked as spam")

    # Mail to this address bounced for good (or it complained): no mailing goes to
    # it until the person confirms the address from their own page.
    undeliverable_since = models.DateTimeField(_("undeliverable since"), null=True, blank=True)
    undeliverable_reason = models.CharField(
        _("why undeliverable"),
        max_length=100,
        blank=True,
        editable=False,
        choices=UndeliverableReason.choices,
    )
    # When the person last said the address works: soft bounces before it no
    # longer count towards making it undeliverable.
    address_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("supporter")
        verbose_name_plural = _("supporters")

    def __str__(self) -> str:
        # Never the name or address: this string ends up in logs and the audit trail.
        return f"Supporter #{self.pk}"

    def refresh_blind_indexes(self) -> list[str]:
        """Recomputes the look-up hashes under the current key (used by key rotation)."""
        self.email_index = pii.email_index(self.email) if self.email else None
        return ["email_index"]


class ConsentText(models.Model):
    """One exact wording of a request for consent, as it was shown. Never edited:
    a new wording is a new version, so every record proves what was agreed to."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="consent_texts",
        verbose_name=_("organisation"),
    )
    version = models.PositiveIntegerField(_("version"))
    text = I18nTextField(_("text"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "version"], name="one_consent_text_per_version"
            )
        ]
        verbose_name = _("consent wording")
        verbose_name_plural = _("consent wordings")

    def __str__(self) -> str:
        return f"{self.organisation} v{self.version}"


class ConsentRecord(models.Model):
    """A supporter agreed (or withdrew) to hear from one organisation."""

    class Method(models.TextChoices):
        WEB_FORM = "web_form", _("web form")
        IMPORT = "import", _("import")
        API = "api", _("API")
        STAFF = "staff", _("entered by staff")

    supporter = models.ForeignKey(
        Supporter, on_delete=models.CASCADE, related_name="consents", verbose_name=_("supporter")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("organisation"),
    )
    consent_text = models.ForeignKey(
        ConsentText, on_delete=models.PROTECT, related_name="records", verbose_name=_("wording")
    )
    language = models.CharField(_("language shown"), max_length=8)
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    source = models.CharField(_("where"), max_length=200, blank=True)
    given_at = models.DateTimeField(_("given"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")

    def __str__(self) -> str:
        return f"{self.supporter} → {self.organisation}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class AccessLink(models.Model):
    """A request for a link to one's own page, by typing one's address.

    A row is kept for every request, known address or not, so that requests can
    be limited per address and per client without telling anyone which addresses
    we know. Only known addresses get a link; its token is stored as a hash, works
    once, and expires after an hour."""

    email_index = models.CharField(max_length=64, db_index=True, editable=False)
    ip_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    supporter = models.ForeignKey(
        Supporter, null=True, on_delete=models.CASCADE, related_name="+", editable=False
    )
    # NULL, not "", when no link was sent: many such rows must not collide.
    token_hash = models.CharField(  # noqa: DJ001
        max_length=64, unique=True, null=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    used_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        verbose_name = _("link to a supporter's page")
        verbose_name_plural = _("links to supporters' pages")

    def __str__(self) -> str:
        return f"AccessLink #{self.pk}"


class Tag(models.Model):
    """A label an organisation puts on its people (e.g. "translator", "Berlin group")."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="tags",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="one_tag_name_per_org")
        ]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class OrganisationSupporter(models.Model):
    """A supporter as one organisation knows them: someone who acted on its campaigns
    or agreed to hear from it. Kept up to date by the services that record actions
    and consents, so that an organisation's list of people is one indexed table,
    never a search through every signature and gift."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="people",
        verbose_name=_("organisation"),
    )
    supporter = models.ForeignKey(
        Supporter,
        on_delete=models.CASCADE,
        related_name="organisations_known",
        verbose_name=_("supporter"),
    )
    first_seen = models.DateTimeField(_("first seen"))
    last_action_at = models.DateTimeField(_("last action"), null=True, blank=True)
    actions = models.PositiveIntegerField(_("actions"), default=0)
    # Whether they currently agree to hear from this organisation, and since when.
    consent_since = models.DateTimeField(_("agreed to hear from us"), null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="people", verbose_name=_("tags"))
    notes = EncryptedTextField(_("private notes"))

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "supporter"], name="one_record_per_org_and_supporter"
            )
        ]
        indexes = [
            models.Index(
                fields=["organisation", "-last_action_at", "-id"], name="orgsupporter_recent_idx"
            ),
            # Covering for segments: "agreed" and "took part" read no row of this table.
            models.Index(
                fields=["organisation", "consent_since", "supporter"],
                name="orgsupporter_consent_idx",
            ),
        ]

    def __str__(self) -> str:
        # Never the name: this string ends up in the audit trail.
        return f"Person #{self.pk}"


class Segment(models.Model):
    """A named, stored choice of an organisation's people: criteria from the people
    list's filters, kept as data (never SQL), counted live."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="segments",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=100)
    criteria = models.JSONField(_("criteria"), default=dict, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="one_segment_name_per_org"
            )
        ]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self) -> str:
        return self.name
