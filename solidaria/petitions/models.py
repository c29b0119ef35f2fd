from __future__ import annotations

from datetime import datetime

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import base36_to_int, int_to_base36
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from i18nfield.fields import I18nCharField, I18nTextField

from solidaria.core.privacy.fields import EncryptedTextField
from solidaria.core.rendering.i18n import MultilingualText, campaign_languages, localize
from solidaria.core.rendering.images import LOGO_MAX_SIDE, CleanImageField
from solidaria.core.validators import IMAGE_VALIDATORS


class Petition(models.Model):
    """A petition, or an open letter that organisations can sign too."""

    class Kind(models.TextChoices):
        PETITION = "petition", _("petition")
        OPEN_LETTER = "open_letter", _("open letter")

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        related_name="petitions",
        verbose_name=_("campaign"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.PETITION)
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = I18nCharField(_("title"), max_length=200)
    target = I18nCharField(
        _("addressed to"), max_length=300, help_text=_("Who the petition is addressed to.")
    )
    text = I18nTextField(_("text"), help_text=_("Plain text; an empty line between paragraphs."))
    goal = models.PositiveIntegerField(_("goal"), default=1000)
    deadline = models.DateTimeField(_("closes at"), null=True, blank=True)
    is_open = models.BooleanField(_("open for signatures"), default=True)
    # A draft (made from a committee's accepted proposal, say) is seen by organisers
    # only, even in a live campaign, until they tick this.
    published = models.BooleanField(
        _("published"),
        default=True,
        help_text=_("Unticked, it is a draft: only organisers see it."),
    )
    next_action_label = I18nCharField(
        _("next action (label)"),
        max_length=200,
        blank=True,
        help_text=_("Shown after signing, e.g. “Give to the defense fund”."),
    )
    next_action_url = models.CharField(_("next action (address)"), max_length=300, blank=True)
    # When an organiser last closed it by hand (unticked "open"); empty while open.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    # When its signers' personal data was last erased at the end of the campaign's
    # retention period (see personal_data.expire).
    personal_data_erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("petition or open letter")
        verbose_name_plural = _("petitions and open letters")

    def __str__(self) -> str:
        return localize(self.title, languages=campaign_languages(self)) or self.slug

    def get_absolute_url(self) -> str:
        return reverse("petitions:detail", kwargs={"slug": self.slug})

    @property
    def text_in(self) -> MultilingualText:
        return MultilingualText(self, self.campaign.languages)

    @property
    def accepts_signatures(self) -> bool:
        if not self.published or not self.is_open or not self.campaign.is_live:
            return False
        return self.deadline is None or self.deadline > timezone.now()

    @property
    def is_open_letter(self) -> bool:
        return self.kind == self.Kind.OPEN_LETTER

    def ended_at(self, now: datetime) -> datetime | None:
        """When the petition stopped taking signatures for good, as of `now`: the
        first of its deadline, the moment an organiser closed it and the moment its
        campaign closed. None while it is open, or could open again by the clock
        (a deadline still ahead). Reopening it (a later deadline, ticking "open")
        moves this later or empties it."""
        ends = []
        if self.deadline is not None and self.deadline <= now:
            ends.append(self.deadline)
        if not self.is_open:
            # Closed before the moment was recorded: its last change came at or after it.
            ends.append(self.closed_at or self.updated_at)
        if (stopped := self.campaign.stopped_at) is not None:
            ends.append(stopped)
        return min(ends, default=None)

    def personal_data_kept_until(self, now: datetime) -> datetime | None:
        """When its signers' personal data goes (the campaign's retention after the
        petition ended), or None while the petition is open."""
        ended = self.ended_at(now)
        return None if ended is None else self.campaign.personal_data_kept_until(ended)

    def personal_data_erased(self, now: datetime) -> bool:
        """Whether the retention rule already erased what the petition holds now."""
        until = self.personal_data_kept_until(now)
        erased = self.personal_data_erased_at
        return until is not None and erased is not None and erased >= until


class PetitionCount(models.Model):
    """The public count, maintained by the worker from the journal below.

    Signing never touches this row; pages read it and never count rows."""

    petition = models.OneToOneField(
        Petition, on_delete=models.CASCADE, primary_key=True, related_name="count"
    )
    confirmed = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("signature count")

    def __str__(self) -> str:
        return f"{self.petition_id}: {self.confirmed}"


class CountChange(models.Model):
    """+1 when a signature is confirmed, -1 when withdrawn or invalidated.

    Appended in the same transaction as the change; folded into PetitionCount
    and deleted by the worker in batches."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="+")
    delta = models.SmallIntegerField()

    def __str__(self) -> str:
        return f"{self.petition_id}: {self.delta:+d}"


REFERRAL_SALT = "solidaria.petitions.referral"
REFERRAL_TAG_LENGTH = 8


def referral_code_for(signature_id: int) -> str:
    """The code in a signer's personal link: their signature's number in base 36 and
    a keyed tag, so codes cannot be guessed. Derived, so signing stores nothing."""
    tag = salted_hmac(REFERRAL_SALT, str(signature_id)).hexdigest()[:REFERRAL_TAG_LENGTH]
    return f"{int_to_base36(signature_id)}{tag}"


def referral_signature_id(code: str) -> int | None:
    """The signature a referral code was made for, if the code is genuine."""
    if not REFERRAL_TAG_LENGTH < len(code) <= REFERRAL_TAG_LENGTH + 12:
        return None
    try:
        signature_id = base36_to_int(code[:-REFERRAL_TAG_LENGTH])
    except ValueError:
        return None
    return signature_id if constant_time_compare(referral_code_for(signature_id), code) else None


class Signature(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        CONFIRMED = "confirmed", _("confirmed")
        WITHDRAWN = "withdrawn", _("withdrawn")
        SUSPECT = "suspect", _("suspect")
        INVALIDATED = "invalidated", _("invalidated")

    class CommentStatus(models.TextChoices):
        NONE = "", _("no comment")
        PENDING = "pending", _("waiting for moderation")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    # Indexes cost every signature a write, so the foreign keys below have none of
    # their own: the petition leads the composite indexes, and the others are
    # mostly empty, indexed only where set (see Meta.indexes).
    petition = models.ForeignKey(
        Petition,
        on_delete=models.CASCADE,
        related_name="signatures",
        verbose_name=_("petition"),
        db_index=False,
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    suspect_reason = models.CharField(_("why suspect"), max_length=32, blank=True)
    # The form works without JavaScript, so a signature may come without a solved
    # proof of work: it is taken, under stricter rate limits. False unless the
    # proof was verified, so that nothing unproven passes for proven.
    proof_solved = models.BooleanField(_("proof of work solved"), default=False)
    email_index = models.CharField(max_length=64, editable=False)
    # Not indexed on its own: every index is paid for on each signature; the bursts
    # view narrows by petition and time first.
    email_domain_index = models.CharField(max_length=64, editable=False)
    email = EncryptedTextField(_("email"))
    name = EncryptedTextField(_("name"))
    city = EncryptedTextField(_("city"))
    comment = EncryptedTextField(_("comment"))
    comment_status = models.CharField(
        _("comment"), max_length=8, choices=CommentStatus.choices, blank=True, default=""
    )
    country = CountryField(_("country"))
    language = models.CharField(_("language"), max_length=8)
    show_publicly = models.BooleanField(_("name shown publicly"), default=False)
    consent_owner = models.BooleanField(_("may hear from the organisation"), default=False)
    consent_partner = models.BooleanField(_("may hear from the partner"), default=False)
    source = models.CharField(_("source"), max_length=64, blank=True)
    partner = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("arrived through"),
        db_index=False,
    )
    referrer = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals",
        verbose_name=_("referred by"),
        db_index=False,
    )
    # Keyed hash of the address, kept only while the rate-limit window lasts.
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)
    token_hash = models.CharField(max_length=64, blank=True, editable=False)
    confirmation_queued = models.BooleanField(default=False)
    duplicate_notice_owed = models.BooleanField(default=False)
    supporter = models.ForeignKey(
        "supporters.Supporter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signatures",
        db_index=False,
    )
    created_at = models.DateTimeField(_("signed"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "email_index"], name="one_signature_per_email"
            )
        ]
        indexes = [
            models.Index(fields=["petition", "ip_hash", "created_at"], name="signature_rate_idx"),
            # Set by the worker, not when signing: a partial index costs the insert nothing.
            models.Index(
                fields=["token_hash"],
                name="signature_token_idx",
                condition=~models.Q(token_hash=""),
            ),
            models.Index(
                fields=["petition", "status", "confirmed_at"], name="signature_public_idx"
            ),
            # The public list of recent signers. Every filter is a leading column, so
            # the planner picks it without statistics (a partial index was ignored).
            models.Index(
                fields=["petition", "show_publicly", "status", "-confirmed_at"],
                name="signature_shown_idx",
            ),
            models.Index(
                fields=["confirmation_queued"],
                name="signature_owed_idx",
                condition=models.Q(confirmation_queued=False),
            ),
            models.Index(
                fields=["duplicate_notice_owed"],
                name="signature_dup_idx",
                condition=models.Q(duplicate_notice_owed=True),
            ),
            *(
                models.Index(
                    fields=[column],
                    name=f"signature_{column}_idx",
                    condition=models.Q(**{f"{column}__isnull": False}),
                )
                for column in ("partner", "referrer")
            ),
            # A person's signatures, and "signed petition X" in the people list and
            # segments: every column the check reads is in the index (covering), so
            # counting half a million people never opens a signature's row.
            models.Index(
                fields=["supporter", "petition", "status"],
                name="signature_supporter_idx",
                condition=models.Q(supporter__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"Signature #{self.pk}"

    @property
    def referral_code(self) -> str:
        return referral_code_for(self.pk)

    @property
    def public_name(self) -> str:
        """First name only: what a signer who chose to be shown is shown as."""
        return (self.name or "").split(" ")[0][:40]


class OrganisationSignature(models.Model):
    """An organisation that signs an open letter. Public only once an organiser approves."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    petition = models.ForeignKey(
        Petition,
        on_delete=models.CASCADE,
        related_name="organisation_signatures",
        verbose_name=_("open letter"),
    )
    name = models.CharField(_("organisation"), max_length=200)
    country = CountryField(_("country"), blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = CleanImageField(
        _("logo"),
        upload_to="letters/",
        blank=True,
        validators=IMAGE_VALIDATORS,
        max_side=LOGO_MAX_SIDE,
    )
    contact_name = EncryptedTextField(_("contact person"))
    contact_email = EncryptedTextField(_("contact email"))
    contact_email_index = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    # The contact person as a supporter, once an organiser has approved the signature.
    contact_supporter = models.ForeignKey(
        "supporters.Supporter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    language = models.CharField(_("language"), max_length=8)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["country", "name"]
        verbose_name = _("organisation signature")
        verbose_name_plural = _("organisation signatures")

    def __str__(self) -> str:
        return self.name

    @property
    def place(self) -> str:
        return str(self.country.name) if self.country else self.region
