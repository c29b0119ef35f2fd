"""A campaign's international committee: the people who join it, what they can
do, and the actions they propose (propose → support → decide).

Members' names, addresses and cities are encrypted (core.privacy.pii) and found
by the blind index of their address, as signers are. A member is public only if
they chose to be listed, and then only by first name and country. Counts shown
on public pages (members, supports, comments) are kept on the rows by the
services, never counted per page view.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField
from i18nfield.fields import I18nCharField, I18nTextField

from solidaria.core.privacy.fields import EncryptedTextField
from solidaria.core.rendering.i18n import MultilingualText, localize

from .languages import validate_spoken_languages

TITLE_MAX = 200
PROPOSAL_MAX = 5000
COMMENT_MAX = 2000


class Committee(models.Model):
    """People from many countries who organise solidarity for one campaign."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        related_name="committees",
        verbose_name=_("campaign"),
    )
    # Who runs it: its staff moderate proposals and members, and its contact
    # addresses per language receive what people write to the committee.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="committees",
        verbose_name=_("organisation"),
    )
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    name = I18nCharField(_("name"), max_length=TITLE_MAX)
    description = I18nTextField(_("description"))
    aims = I18nTextField(_("aims"), blank=True)
    is_open = models.BooleanField(
        _("open to new members"),
        default=True,
        help_text=_("When closed, nobody can join or propose an action."),
    )
    # Kept by the membership services under the committee's row lock.
    members_count = models.PositiveIntegerField(default=0, editable=False)
    # When organisers were last sent the digest of new proposals and comments.
    digest_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("committee")
        verbose_name_plural = _("committees")

    def __str__(self) -> str:
        # The campaign's languages when it was loaded with the committee; else the
        # name's own (admin lists must not query per row).
        languages = self.campaign.languages if self._campaign_loaded else []
        return localize(self.name, languages=languages) or self.slug

    def get_absolute_url(self) -> str:
        return reverse("committee:detail", kwargs={"slug": self.slug})

    def name_in(self, language: str) -> str:
        """Its name for someone reading `language`, else in its campaign's order."""
        return str(localize(self.name, languages=self.campaign.languages, requested=language))

    @property
    def _campaign_loaded(self) -> bool:
        return Committee.campaign.is_cached(self)

    @property
    def text(self) -> MultilingualText:
        return MultilingualText(self, self.campaign.languages)


class Skill(models.Model):
    """A way a member can help, e.g. translation or legal support; each committee
    keeps its own list, with a label in every language."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="skills", verbose_name=_("committee")
    )
    key = models.SlugField(_("key"), max_length=40)
    label = I18nCharField(_("label"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["committee", "position", "key"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        constraints = [
            models.UniqueConstraint(fields=["committee", "key"], name="skill_key_per_committee")
        ]

    def __str__(self) -> str:
        return localize(self.label, languages=[]) or self.key


class Member(models.Model):
    """One person's membership of one committee, from the join form on.

    Pending until they confirm from the link we email them (double opt-in, as
    for signatures); then a supporter with the committee among their actions.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        CONFIRMED = "confirmed", _("member")
        LEFT = "left", _("left")

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="members", verbose_name=_("committee")
    )
    name = EncryptedTextField(_("name"))
    email = EncryptedTextField(_("email"))
    email_index = models.CharField(max_length=64, editable=False)
    country = CountryField(_("country"))
    city = EncryptedTextField(_("city"))
    languages = models.JSONField(
        _("languages spoken"), default=list, validators=[validate_spoken_languages]
    )
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="members", verbose_name=_("how they can help")
    )
    # Encrypted like the name: which group someone belongs to is a political opinion.
    organisation_name = EncryptedTextField(_("organisation they belong to"), blank=True)
    listed = models.BooleanField(
        _("name, country and organisation shown on the members list"), default=False
    )
    # The separate, unticked consent to hear from the committee's organisation.
    consent_owner = models.BooleanField(default=False, editable=False)
    # The language of the pages they used, for every email we send them.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # SHA-256 of the confirmation link's token (core.privacy.tokens); "" once used.
    token_hash = models.CharField(max_length=64, blank=True, editable=False)
    supporter = models.ForeignKey(
        "supporters.Supporter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="committee_memberships",
        editable=False,
    )
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True, editable=False)
    left_at = models.DateTimeField(_("left"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            # One membership per address and committee, whatever its state: joining
            # again is answered by email, never with a second row.
            models.UniqueConstraint(
                fields=["committee", "email_index"],
                name="one_membership_per_address",
                condition=~Q(email_index=""),
            )
        ]
        indexes = [
            models.Index(fields=["committee", "status", "country"], name="member_list_idx"),
            models.Index(
                fields=["token_hash"], name="member_token_idx", condition=~Q(token_hash="")
            ),
            models.Index(
                fields=["supporter", "committee", "status"],
                name="member_supporter_idx",
                condition=Q(supporter__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        # Never the name or address: this string ends up in logs and the audit trail.
        return f"member #{self.pk}"

    @property
    def first_name(self) -> str:
        return (self.name or "").split(" ")[0]


class Proposal(models.Model):
    """An action a member proposes to the committee; organisers publish it, members
    support it, and organisers accept or decline it."""

    class Kind(models.TextChoices):
        EVENT = "event", _("an event or a day of action")
        PETITION = "petition", _("a petition or an open letter")
        FUNDRAISER = "fundraiser", _("a fundraiser")
        PRODUCTS = "products", _("circulating the cooperatives' products")
        OTHER = "other", _("something else")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("waiting for moderation")
        OPEN = "open", _("open for support")
        ACCEPTED = "accepted", _("accepted")
        # A proposal's, apart from an event's: in Spanish and Portuguese the word
        # agrees with its noun.
        DECLINED = "declined", pgettext_lazy("proposal", "declined")
        WITHDRAWN = "withdrawn", _("withdrawn by its author")

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("committee")
    )
    # Emptied when the author erases their data: the proposal stays, unsigned.
    author = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
        verbose_name=_("author"),
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), validators=[MaxLengthValidator(PROPOSAL_MAX)])
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    online = models.BooleanField(_("online"), default=False)
    country = CountryField(_("country"), blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    language = models.CharField(_("written in"), max_length=8)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    decision_reason = models.TextField(
        _("reason given to the author"), blank=True, validators=[MaxLengthValidator(2000)]
    )
    # Kept by the services: pages never count rows.
    supports_count = models.PositiveIntegerField(default=0, editable=False)
    comments_count = models.PositiveIntegerField(default=0, editable=False)
    # What it became once accepted (at most one of them).
    event = models.ForeignKey(
        "events.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("became the event"),
    )
    day_of_action = models.ForeignKey(
        "events.DayOfAction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("became the day of action"),
    )
    petition = models.ForeignKey(
        "petitions.Petition",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("became the petition"),
    )
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(event__isnull=True, day_of_action__isnull=True)
                    | Q(event__isnull=True, petition__isnull=True)
                    | Q(day_of_action__isnull=True, petition__isnull=True)
                ),
                name="proposal_became_one_thing",
            )
        ]
        indexes = [
            models.Index(fields=["committee", "status", "created_at"], name="proposal_list_idx")
        ]

    def __str__(self) -> str:
        # Not the title: a member's own words, and this string goes into the audit log.
        return f"proposal #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("committee:proposal", kwargs={"slug": self.committee.slug, "pk": self.pk})

    @property
    def is_public(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.ACCEPTED)

    @property
    def became(self) -> models.Model | None:
        return self.event or self.day_of_action or self.petition


class Support(models.Model):
    """A member backs an open proposal, once."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="supports")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "member"], name="one_support_per_member")
        ]

    def __str__(self) -> str:
        return f"support #{self.pk}"


class Comment(models.Model):
    """A member's comment on a proposal; organisers may hide it."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    # Emptied with the author's data, as the comment's text is.
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    body = models.TextField(_("comment"), validators=[MaxLengthValidator(COMMENT_MAX)])
    hidden = models.BooleanField(_("hidden by an organiser"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["proposal", "hidden", "created_at"], name="comment_idx")]

    def __str__(self) -> str:
        return f"comment #{self.pk}"


class ContactMessage(models.Model):
    """What someone wrote to an organisation from its contact form, in their
    language: forwarded to the organisation's contact address for that language
    (Reply-To the sender), listed for its staff, erased after 90 days."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ANSWERED = "answered", _("answered")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="contact_messages",
        verbose_name=_("organisation"),
    )
    # The committee whose page it was written on, if any.
    committee = models.ForeignKey(
        Committee,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact_messages",
        verbose_name=_("committee"),
    )
    name = EncryptedTextField(_("name"))
    email = EncryptedTextField(_("email"))
    email_index = models.CharField(max_length=64, editable=False)
    message = EncryptedTextField(_("message"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    # The address it was forwarded to (the contact for its language, or the fallback).
    sent_to = EncryptedTextField(_("sent to"))
    # The forward itself, until it is sent: it carries what was written, so an
    # erasure deletes it with the message (once sent, it keeps nothing personal).
    forward = models.OneToOneField(
        "core.OutgoingEmail",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["organisation", "status", "created_at"], name="contact_inbox_idx"),
            models.Index(fields=["email_index"], name="contact_email_idx"),
            models.Index(fields=["created_at"], name="contact_expiry_idx"),
        ]

    def __str__(self) -> str:
        return f"message #{self.pk}"
