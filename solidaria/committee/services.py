"""Every change to committees: joining and leaving, proposals and their support,
comments, what an accepted proposal becomes, and the organisers' digest.

Each service validates the committee's rules, runs in one transaction, writes an
audit entry (ids and counts only) and queues its emails through core's outbox in
the recipient's language, in the same transaction: a refusal stores nothing and
sends nothing.

Links in emails are not reversed here: the templates reverse them when the
message is rendered (`{% url … as … %}`), in the recipient's language. The
message's context carries only what the URL needs (a slug, a number, the
confirmation token; the context is stored encrypted).

Counters on rows (`Committee.members_count`, `Proposal.supports_count`,
`Proposal.comments_count`) are kept here, in the transaction of the change:
members under the committee's row lock, supports and comments with F()
updates, so that pages never count rows.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.core import get_global
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_countries import countries

from solidaria.core.mail.outbox import email_queue
from solidaria.core.models import AuditEntry
from solidaria.core.privacy import pii
from solidaria.core.privacy.audit import Actor, audit_log
from solidaria.core.privacy.tokens import new_token, token_hash
from solidaria.core.rendering.i18n import language_codes
from solidaria.core.validators import email_address, validate_no_control_characters
from solidaria.core.web.client_limits import ClientLimit
from solidaria.events.models import DayOfAction, Event
from solidaria.events.zones import zone_names
from solidaria.organisations.models import Membership
from solidaria.organisations.selectors import EDIT_ROLES, organisations_for_user
from solidaria.petitions.models import Petition
from solidaria.supporters.services import (
    consent_record_once,
    consent_text_at,
    supporter_acted,
    supporter_get_or_create,
)

from .exceptions import (
    AlreadySupported,
    CommitteeClosed,
    InvalidInput,
    LinkInvalid,
    NotAllowed,
    TooMany,
    WrongState,
)
from .languages import SPOKEN_LANGUAGES, validate_spoken_languages
from .models import (
    COMMENT_MAX,
    PROPOSAL_MAX,
    TITLE_MAX,
    Comment,
    Committee,
    Member,
    Proposal,
    Skill,
    Support,
)

# Limits of what people type (the forms use the same).
NAME_MAX = 120
CITY_MAX = 100
ORGANISATION_NAME_MAX = 200
REASON_MAX = 2000
# Joining again with the same address sends its owner a message at most this often,
# so that the join form cannot be used to flood someone's inbox.
LINK_RESEND_INTERVAL = timedelta(minutes=10)
# What the organisers' digest lists at most; the rest is counted.
DIGEST_PROPOSALS_MAX = 50
DIGEST_COMMENTS_MAX = 100
DIGEST_EXCERPT = 300
# Requests to join from one connection in an hour (and without a proof of work).
JOIN_LIMIT = ClientLimit(scope="join", most=20, most_without_proof=5, window=timedelta(hours=1))
# The same proposal or comment sent again within this is the same one (a double click).
REPEAT_WINDOW = timedelta(minutes=1)
# The least time between two digests of one committee.
DIGEST_EVERY = timedelta(hours=23)
# A draft event made from a proposal without a date: this far ahead, at this local time.
DRAFT_EVENT_DAYS_AHEAD = 30
# How far ahead a proposed action's date may be (a draft event must fit the calendar).
PROPOSAL_HORIZON = timedelta(days=5 * 366)
DRAFT_EVENT_START = time(18, 0)
DRAFT_EVENT_LENGTH = timedelta(hours=2)

DRAFT_KINDS = ("event", "day_of_action", "petition")


# --- checks ------------------------------------------------------------------------


def _text(value: str, *, most: int, empty: str, too_long: str) -> str:
    """Stripped text that is neither empty nor longer than `most`, without control
    characters; `empty` and `too_long` are the messages (too_long takes %(most)s)."""
    value = (value or "").strip()
    if not value:
        raise InvalidInput(empty)
    if len(value) > most:
        raise InvalidInput(too_long % {"most": most})
    _printable(value)
    return value


def _optional_text(value: str, *, most: int, too_long: str) -> str:
    value = (value or "").strip()
    if len(value) > most:
        raise InvalidInput(too_long % {"most": most})
    _printable(value)
    return value


def _printable(value: str) -> None:
    try:
        validate_no_control_characters(value)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages)) from exc


def _email(value: str) -> str:
    try:
        return email_address(value)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages)) from exc


def _country(code: str, *, required: bool = True) -> str:
    code = (code or "").strip().upper()
    if not code and not required:
        return ""
    if code not in dict(countries):
        raise InvalidInput(_("Choose a country from the list."))
    return code


def _languages(codes: Sequence[str]) -> list[str]:
    value = list(codes)
    try:
        validate_spoken_languages(value)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages)) from exc
    return value


def _skills(committee: Committee, keys: Sequence[str]) -> list[Skill]:
    wanted = list(dict.fromkeys(keys))
    found = list(Skill.objects.filter(committee=committee, key__in=wanted))
    unknown = sorted(set(wanted) - {skill.key for skill in found})
    if unknown:
        raise InvalidInput(
            _("Unknown way to help: %(keys)s.") % {"keys": ", ".join(k[:40] for k in unknown)}
        )
    return found


def _site_language(language: str) -> str:
    """The language emails go out in: one of the site's, else the default."""
    return language if language in language_codes() else settings.LANGUAGE_CODE


def _check_open(committee: Committee, message: str) -> None:
    if not committee.is_open:
        raise CommitteeClosed(message)


def _lock_member(member: Member) -> None:
    """Holds the member's row until the transaction ends, so that their requests
    are taken one after the other (on SQLite every write transaction already is)."""
    list(Member.objects.select_for_update().filter(pk=member.pk).values_list("pk"))


def _check_member(member: Member, committee_id: int) -> None:
    if member.status != Member.Status.CONFIRMED or member.committee_id != committee_id:
        raise NotAllowed(_("Only confirmed members of this committee can do this."))


def _check_organiser(actor: Actor, committee: Committee) -> None:
    """Owners and organisers of the committee's organisation (and superusers) may;
    viewers may not. No actor is the platform itself (the demo, a command)."""
    if actor is None or getattr(actor, "is_superuser", False):
        return
    allowed = actor.is_authenticated and (
        organisations_for_user(actor, roles=EDIT_ROLES)
        .filter(pk=committee.organisation_id)
        .exists()
    )
    if not allowed:
        raise NotAllowed(
            _("Only organisers of %(organisation)s can do this.")
            % {"organisation": committee.organisation}
        )


# --- emails ------------------------------------------------------------------------


def _member_email(member: Member, template: str, **context: Any) -> None:
    """A message to a member in their language; the template reverses its links."""
    committee = member.committee
    email_queue(
        to=member.email,
        template=template,
        language=_site_language(member.language),
        context={
            "name": member.name,
            "committee_name": committee.name_in(member.language),
            "slug": committee.slug,
            **context,
        },
    )


def _proposal_email(proposal: Proposal, change: str) -> None:
    """Tells the proposer what happened to their proposal, in their language.
    A proposal whose author erased their data has nobody to tell."""
    author = proposal.author
    if author is None or not author.email:
        return
    author.committee = proposal.committee
    _member_email(
        author,
        "committee_proposal",
        change=change,
        proposal_title=proposal.title,
        pk=proposal.pk,
        reason=proposal.decision_reason,
        # Its page is public only once published.
        public=proposal.is_public,
    )


# --- membership --------------------------------------------------------------------


def _last_link_sent(member: Member) -> datetime:
    """When the address's owner was last emailed about joining: at joining, or on
    joining again (the audit entries of those repeats)."""
    repeated = (
        AuditEntry.objects.filter(action="committee.member_join_repeated", object_id=str(member.pk))
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return max(member.created_at, repeated) if repeated else member.created_at


def _join_repeated(member: Member, form: dict[str, Any], skills: list[Skill]) -> None:
    """The address has a membership already: its owner is told by email (a new
    confirmation link, or that they are a member, with their page), nobody else.
    At most every LINK_RESEND_INTERVAL, so the form cannot flood an inbox.

    A membership left takes the new form's answers with the new link (the listing
    and the consent as ticked now, the wording in force now): it is asked for
    afresh, and nothing of it counts until the link is confirmed. A pending one
    keeps the answers it was asked with, and a confirmed member's are theirs to
    change on their own page: someone else typing the address must not change
    what its owner is about to confirm."""
    if _last_link_sent(member) > timezone.now() - LINK_RESEND_INTERVAL:
        return
    if member.status == Member.Status.CONFIRMED:
        _member_email(member, "committee_already_member")
    else:
        token, hashed = new_token()
        asked: dict[str, Any] = {"token_hash": hashed}
        if member.status == Member.Status.LEFT:
            asked |= {**form, "created_at": timezone.now()}
            member.skills.set(skills)
        for field, value in asked.items():
            setattr(member, field, value)
        member.save(update_fields=list(asked))
        _member_email(member, "committee_confirm", token=token, status=member.status, repeated=True)
    audit_log(
        action="committee.member_join_repeated",
        obj=member,
        organisation=member.committee.organisation,
        data={"status": member.status},
    )


def member_join(
    *,
    committee: Committee,
    name: str,
    email: str,
    country: str,
    city: str,
    languages: Sequence[str],
    skill_keys: Sequence[str],
    organisation_name: str = "",
    listed: bool = False,
    consent_owner: bool = False,
    language: str,
    ip: str = "",
    proof_solved: bool = False,
) -> None:
    """Someone asks to join: a pending membership, and an email with the link that
    confirms it (double opt-in; only the link token's hash is kept).

    A connection may ask a few times an hour (JOIN_LIMIT), fewer without a solved
    proof of work: each request emails an address of the sender's choosing.

    Joining again with an address that has a membership (pending, confirmed or
    left) stores nothing new: the address's owner is told by email. The caller
    learns nothing either way (this returns nothing), so the form cannot tell
    anyone who is a member. Input is checked before anything is looked up."""
    _check_open(committee, _("This committee is not taking new members now."))
    name = _text(
        name,
        most=NAME_MAX,
        empty=_("Please enter your name."),
        too_long=_("Your name is longer than %(most)s characters."),
    )
    email = _email(email)
    country = _country(country)
    city = _optional_text(
        city, most=CITY_MAX, too_long=_("The city is longer than %(most)s characters.")
    )
    spoken = _languages(languages)
    skills = _skills(committee, skill_keys)
    organisation_name = _optional_text(
        organisation_name,
        most=ORGANISATION_NAME_MAX,
        too_long=_("The organisation's name is longer than %(most)s characters."),
    )
    language = _site_language(language)
    if JOIN_LIMIT.reached(ip, proof_solved=proof_solved):
        raise TooMany(_("Too many requests came from this connection. Please try again later."))
    JOIN_LIMIT.count(ip, proof_solved=proof_solved)
    with transaction.atomic():
        committee = Committee.objects.select_related("campaign", "organisation").get(
            pk=committee.pk
        )
        form: dict[str, Any] = {
            "name": name,
            "email": email,
            "country": country,
            "city": city,
            "languages": spoken,
            "organisation_name": organisation_name,
            "listed": listed,
            "consent_owner": consent_owner,
            "language": language,
        }
        existing = Member.objects.filter(
            committee=committee, email_index__in=pii.email_indexes(email)
        ).first()
        if existing is not None:
            existing.committee = committee
            _join_repeated(existing, form, skills)
            return
        token, hashed = new_token()
        member = Member(
            committee=committee, email_index=pii.email_index(email), token_hash=hashed, **form
        )
        try:
            with transaction.atomic():
                member.save()
        except IntegrityError:
            # The same address joined a moment ago, in another request.
            existing = Member.objects.get(
                committee=committee, email_index__in=pii.email_indexes(email)
            )
            existing.committee = committee
            _join_repeated(existing, form, skills)
            return
        member.skills.set(skills)
        _member_email(member, "committee_confirm", token=token, status=member.status)
        audit_log(
            action="committee.member_joined",
            obj=member,
            organisation=committee.organisation,
            data={"listed": listed, "consent": consent_owner},
        )


def _member_by_token(token: str) -> Member:
    member = (
        Member.objects.filter(token_hash=token_hash(token))
        .exclude(token_hash="")  # the partial index's own condition, so SQLite uses it
        .first()
        if token
        else None
    )
    if member is None:
        raise LinkInvalid(
            _("This link is not valid any more. Join again to get a new one by email.")
        )
    return member


def _locked_committee(committee_id: int) -> Committee:
    return (
        Committee.objects.select_for_update(of=("self",))
        .select_related("campaign", "organisation")
        .get(pk=committee_id)
    )


def member_confirm(*, token: str) -> Member:
    """The button on the confirmation link's page was pressed: the person is a
    member, and a supporter with the committee among their actions. The link is
    spent: a second press, or a forged or replaced link, raises LinkInvalid."""
    with transaction.atomic():
        found = _member_by_token(token)
        # The committee's row first, then the member's: the order every service
        # that changes the count takes them in.
        committee = _locked_committee(found.committee_id)
        member = Member.objects.select_for_update().get(pk=found.pk)
        if member.token_hash != token_hash(token):  # used a moment ago
            raise LinkInvalid(
                _("This link is not valid any more. Join again to get a new one by email.")
            )
        if member.status != Member.Status.CONFIRMED:
            _check_open(committee, _("This committee is not taking new members now."))
        now = timezone.now()
        newly = member.status != Member.Status.CONFIRMED
        member.committee = committee
        member.status = Member.Status.CONFIRMED
        member.confirmed_at = now
        member.left_at = None
        member.token_hash = ""
        supporter, _created = supporter_get_or_create(
            email=member.email,
            name=member.name,
            country=str(member.country),
            language=member.language,
        )
        member.supporter = supporter
        member.save(update_fields=["status", "confirmed_at", "left_at", "token_hash", "supporter"])
        if newly:
            Committee.objects.filter(pk=committee.pk).update(
                members_count=committee.members_count + 1
            )
        supporter_acted(supporter=supporter, organisation_id=committee.organisation_id, at=now)
        if member.consent_owner:
            consent_record_once(
                supporter=supporter,
                # The wording they saw on the form, when they joined.
                consent_text=consent_text_at(committee.organisation, member.created_at),
                language=member.language,
                source=f"committee:{committee.slug}",
            )
        _member_email(member, "committee_welcome")
        audit_log(
            action="committee.member_confirmed", obj=member, organisation=committee.organisation
        )
    return member


def member_update(
    *, member: Member, languages: Sequence[str], skill_keys: Sequence[str], listed: bool
) -> Member:
    """A member changes the languages they speak, how they can help, and whether
    they are listed, from their own page."""
    if member.status != Member.Status.CONFIRMED:
        raise NotAllowed(_("Only confirmed members can change their membership."))
    spoken = _languages(languages)
    skills = _skills(member.committee, skill_keys)
    with transaction.atomic():
        Member.objects.filter(pk=member.pk).update(languages=spoken, listed=listed)
        member.languages = spoken
        member.listed = listed
        member.skills.set(skills)
        audit_log(
            action="committee.member_changed",
            obj=member,
            organisation=member.committee.organisation,
            data={"languages": len(spoken), "skills": len(skills), "listed": listed},
        )
    return member


def member_leave(*, member: Member) -> bool:
    """The member leaves (from their own page, at any time): no longer counted nor
    listed. What they proposed, supported and wrote stays. A pending membership
    is closed too, and its link stops working. Returns whether anything changed:
    leaving twice changes nothing."""
    with transaction.atomic():
        committee = _locked_committee(member.committee_id)
        locked = Member.objects.select_for_update().get(pk=member.pk)
        if locked.status == Member.Status.LEFT:
            return False
        was_counted = locked.status == Member.Status.CONFIRMED
        now = timezone.now()
        # Nor listed, nor agreeing to hear from the organisation: joining again
        # asks both afresh.
        Member.objects.filter(pk=member.pk).update(
            status=Member.Status.LEFT, left_at=now, token_hash="", listed=False, consent_owner=False
        )
        member.status, member.left_at, member.token_hash = Member.Status.LEFT, now, ""
        member.listed = member.consent_owner = False
        if was_counted:
            Committee.objects.filter(pk=committee.pk).update(
                members_count=max(committee.members_count - 1, 0)
            )
        audit_log(
            action="committee.member_left",
            obj=member,
            organisation=committee.organisation,
            data={"was_confirmed": was_counted},
        )
    return True


# --- proposals ---------------------------------------------------------------------


def proposal_submit(
    *,
    member: Member,
    title: str,
    description: str,
    kind: str,
    online: bool,
    country: str = "",
    city: str = "",
    date: date | None = None,
    language: str,
) -> Proposal:
    """A confirmed member proposes an action; it waits for an organiser to publish it."""
    committee = member.committee
    _check_member(member, committee.pk)
    _check_open(committee, _("This committee is closed: it takes no proposals now."))
    title = _text(
        title,
        most=TITLE_MAX,
        empty=_("Please give your proposal a title."),
        too_long=_("The title is longer than %(most)s characters."),
    )
    description = _text(
        description,
        most=PROPOSAL_MAX,
        empty=_("Please describe the action you propose."),
        too_long=_("The description is longer than %(most)s characters."),
    )
    if kind not in Proposal.Kind.values:
        raise InvalidInput(_("Choose what kind of action it is."))
    if online:
        country, city = "", ""
    else:
        country = _country(country)
        city = _text(
            city,
            most=CITY_MAX,
            empty=_("Say in which city, or that the action is online."),
            too_long=_("The city is longer than %(most)s characters."),
        )
    if date is not None and date < timezone.localdate():
        raise InvalidInput(_("The date has passed: choose a later one, or none."))
    if date is not None and date > timezone.localdate() + PROPOSAL_HORIZON:
        raise InvalidInput(_("The date is too far ahead: choose one within five years, or none."))
    if language not in SPOKEN_LANGUAGES:
        raise InvalidInput(_("Choose the language the proposal is written in."))
    with transaction.atomic():
        _lock_member(member)
        if twice := (
            Proposal.objects.filter(
                author=member, title=title, created_at__gte=timezone.now() - REPEAT_WINDOW
            )
            .exclude(status=Proposal.Status.WITHDRAWN)
            .first()
        ):
            return twice  # the form sent twice (a double click): stored once
        proposal = Proposal.objects.create(
            committee=committee,
            author=member,
            title=title,
            description=description,
            kind=kind,
            online=online,
            country=country,
            city=city,
            date=date,
            language=language,
        )
        _proposal_email(proposal, "received")
        audit_log(
            action="committee.proposal_submitted",
            obj=proposal,
            organisation=committee.organisation,
            data={"kind": kind},
        )
    return proposal


def _proposal_change(
    proposal: Proposal,
    *,
    allowed: Sequence[str],
    refusal: str,
    action: str,
    change: str,
    actor: Actor = None,
    **values: Any,
) -> Proposal:
    """Moves a proposal on if it is still in one of the `allowed` states (a
    conditional update: two organisers pressing at once decide once), tells its
    author and writes the audit entry."""
    with transaction.atomic():
        updated = Proposal.objects.filter(pk=proposal.pk, status__in=allowed).update(**values)
        if not updated:
            raise WrongState(refusal)
        proposal.refresh_from_db()
        _proposal_email(proposal, change)
        audit_log(
            action=action,
            actor=actor,
            obj=proposal,
            organisation=proposal.committee.organisation,
            data={"status": proposal.status},
        )
    return proposal


def proposal_publish(*, proposal: Proposal, actor: Actor) -> Proposal:
    """An organiser publishes a submitted proposal: members may support it now."""
    _check_organiser(actor, proposal.committee)
    return _proposal_change(
        proposal,
        allowed=[Proposal.Status.SUBMITTED],
        refusal=_("Only a proposal waiting for moderation can be published."),
        action="committee.proposal_published",
        change="published",
        actor=actor,
        status=Proposal.Status.OPEN,
        published_at=timezone.now(),
    )


def proposal_accept(*, proposal: Proposal, actor: Actor, reason: str = "") -> Proposal:
    """An organiser accepts a proposal (published, or straight from moderation)."""
    _check_organiser(actor, proposal.committee)
    reason = _optional_text(
        reason, most=REASON_MAX, too_long=_("The reason is longer than %(most)s characters.")
    )
    return _proposal_change(
        proposal,
        allowed=[Proposal.Status.SUBMITTED, Proposal.Status.OPEN],
        refusal=_("This proposal has already been decided or withdrawn."),
        action="committee.proposal_accepted",
        change="accepted",
        actor=actor,
        status=Proposal.Status.ACCEPTED,
        decision_reason=reason,
        decided_at=timezone.now(),
    )


def proposal_decline(*, proposal: Proposal, actor: Actor, reason: str) -> Proposal:
    """An organiser declines a proposal, with a reason its author reads."""
    _check_organiser(actor, proposal.committee)
    reason = _text(
        reason,
        most=REASON_MAX,
        empty=_("Please tell the author why the proposal is declined."),
        too_long=_("The reason is longer than %(most)s characters."),
    )
    return _proposal_change(
        proposal,
        allowed=[Proposal.Status.SUBMITTED, Proposal.Status.OPEN],
        refusal=_("This proposal has already been decided or withdrawn."),
        action="committee.proposal_declined",
        change="declined",
        actor=actor,
        status=Proposal.Status.DECLINED,
        decision_reason=reason,
        decided_at=timezone.now(),
    )


def proposal_withdraw(*, proposal: Proposal, member: Member) -> Proposal:
    """The author takes their proposal back, until it is decided."""
    if proposal.author_id is None or proposal.author_id != member.pk:
        raise NotAllowed(_("Only the author of a proposal can withdraw it."))
    return _proposal_change(
        proposal,
        allowed=[Proposal.Status.SUBMITTED, Proposal.Status.OPEN],
        refusal=_("This proposal has been decided: it can no longer be withdrawn."),
        action="committee.proposal_withdrawn",
        change="withdrawn",
        status=Proposal.Status.WITHDRAWN,
    )


def proposal_support(*, proposal: Proposal, member: Member) -> None:
    """A confirmed member backs an open proposal, once; the count is kept on the row."""
    _check_member(member, proposal.committee_id)
    if proposal.status != Proposal.Status.OPEN:
        raise WrongState(_("Only proposals open for support can be supported."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                Support.objects.create(proposal=proposal, member=member)
        except IntegrityError as exc:
            raise AlreadySupported(_("You already support this proposal.")) from exc
        # Still open as the support is counted; else the support goes with the refusal.
        counted = Proposal.objects.filter(pk=proposal.pk, status=Proposal.Status.OPEN).update(
            supports_count=F("supports_count") + 1
        )
        if not counted:
            raise WrongState(_("Only proposals open for support can be supported."))
        audit_log(
            action="committee.proposal_supported",
            obj=proposal,
            organisation=proposal.committee.organisation,
        )


def comment_add(*, proposal: Proposal, member: Member, body: str) -> Comment:
    """A confirmed member comments on a published proposal. Shown at once (escaped);
    organisers may hide it."""
    _check_member(member, proposal.committee_id)
    if not proposal.is_public:
        raise WrongState(_("Only published proposals take comments."))
    body = _text(
        body,
        most=COMMENT_MAX,
        empty=_("Please write a comment."),
        too_long=_("The comment is longer than %(most)s characters."),
    )
    with transaction.atomic():
        _lock_member(member)
        if twice := Comment.objects.filter(
            proposal=proposal,
            member=member,
            body=body,
            created_at__gte=timezone.now() - REPEAT_WINDOW,
        ).first():
            return twice  # the form sent twice (a double click): stored once
        comment = Comment.objects.create(proposal=proposal, member=member, body=body)
        Proposal.objects.filter(pk=proposal.pk).update(comments_count=F("comments_count") + 1)
        audit_log(
            action="committee.comment_added",
            obj=comment,
            organisation=proposal.committee.organisation,
            data={"proposal": proposal.pk},
        )
    return comment


def _comment_visibility(comment: Comment, *, hidden: bool, actor: Actor) -> bool:
    committee = comment.proposal.committee
    _check_organiser(actor, committee)
    with transaction.atomic():
        changed = Comment.objects.filter(pk=comment.pk, hidden=not hidden).update(hidden=hidden)
        if not changed:
            return False
        comment.hidden = hidden
        # comments_count counts the comments shown.
        Proposal.objects.filter(pk=comment.proposal_id).update(
            comments_count=F("comments_count") + (-1 if hidden else 1)
        )
        audit_log(
            action="committee.comment_hidden" if hidden else "committee.comment_shown",
            actor=actor,
            obj=comment,
            organisation=committee.organisation,
            data={"proposal": comment.proposal_id},
        )
    return True


def comment_hide(*, comment: Comment, actor: Actor) -> bool:
    """Returns whether it was shown until now; hiding twice changes nothing."""
    return _comment_visibility(comment, hidden=True, actor=actor)


def comment_show(*, comment: Comment, actor: Actor) -> bool:
    return _comment_visibility(comment, hidden=False, actor=actor)


# --- what an accepted proposal becomes -----------------------------------------------


def _draft_slug(title: str) -> str:
    base = slugify(title)[:60].strip("-") or "action"
    return f"{base}-{secrets.token_hex(3)}"


def _zone_for(country: str) -> str:
    """The main time zone of a country (CLDR's first), for a draft the organisers
    will correct anyway; UTC when the country is unknown or the action online."""
    zones = get_global("territory_zones").get(country or "", [])
    known = set(zone_names())
    return next((zone for zone in zones if zone in known), "UTC")


def _written_in(proposal: Proposal, committee: Committee) -> str:
    """The key for the proposal's text in a multilingual field: its own language
    if the site has it, else the campaign's first (organisers translate)."""
    if proposal.language in language_codes():
        return proposal.language
    return committee.campaign.languages[0] if committee.campaign.languages else "en"


def _draft_event(proposal: Proposal, committee: Committee) -> Event:
    zone_name = _zone_for(str(proposal.country))
    day = proposal.date or (timezone.localdate() + timedelta(days=DRAFT_EVENT_DAYS_AHEAD))
    starts = datetime.combine(day, DRAFT_EVENT_START, tzinfo=ZoneInfo(zone_name))
    lang = _written_in(proposal, committee)
    return Event.objects.create(
        campaign=committee.campaign,
        slug=_draft_slug(proposal.title),
        title={lang: proposal.title},
        description={lang: proposal.description},
        kind=Event.Kind.ONLINE if proposal.online else Event.Kind.IN_PERSON,
        city=proposal.city,
        country=proposal.country,
        starts_at=starts,
        ends_at=starts + DRAFT_EVENT_LENGTH,
        timezone=zone_name,
        # The committee's organisation hosts it when the campaign is another's.
        host=(
            committee.organisation
            if committee.organisation_id != committee.campaign.owner_id
            else None
        ),
        # Not public: events show only once published, and organisers find it
        # among the actions waiting for them.
        status=Event.Status.PROPOSED,
    )


def _draft_day_of_action(proposal: Proposal, committee: Committee) -> DayOfAction:
    lang = _written_in(proposal, committee)
    day = proposal.date or (timezone.localdate() + timedelta(days=DRAFT_EVENT_DAYS_AHEAD))
    return DayOfAction.objects.create(
        campaign=committee.campaign,
        slug=_draft_slug(proposal.title),
        title={lang: proposal.title},
        description={lang: proposal.description},
        date=day,
        takes_proposals=False,
        published=False,
    )


def _draft_petition(proposal: Proposal, committee: Committee) -> Petition:
    lang = _written_in(proposal, committee)
    return Petition.objects.create(
        campaign=committee.campaign,
        slug=_draft_slug(proposal.title),
        title={lang: proposal.title},
        target={},
        text={lang: proposal.description},
        is_open=False,
        published=False,
    )


@dataclass(frozen=True)
class Draft:
    """What an accepted proposal became: one of the three, not public yet."""

    into: str
    obj: Event | DayOfAction | Petition


def proposal_make_draft(*, proposal: Proposal, actor: Actor, into: str) -> Draft:
    """An organiser turns an accepted proposal into a draft event, day of action or
    petition in the committee's campaign, prefilled from it, and links the
    proposal to it. Once only.

    A draft is not public: an event is made "proposed", a day of action or a
    petition unpublished; no public page shows it until an organiser publishes it
    from the console."""
    if into not in DRAFT_KINDS:
        raise InvalidInput(_("Choose an event, a day of action or a petition."))
    committee = Committee.objects.select_related("campaign", "organisation").get(
        pk=proposal.committee_id
    )
    _check_organiser(actor, committee)
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status != Proposal.Status.ACCEPTED:
            raise WrongState(_("Only an accepted proposal can become an action."))
        if locked.event_id or locked.day_of_action_id or locked.petition_id:
            raise WrongState(_("This proposal has already become an action."))
        made: Event | DayOfAction | Petition
        if into == "event":
            made = _draft_event(locked, committee)
        elif into == "day_of_action":
            made = _draft_day_of_action(locked, committee)
        else:
            made = _draft_petition(locked, committee)
        Proposal.objects.filter(pk=locked.pk).update(**{into: made})
        proposal.refresh_from_db()
        proposal.committee = committee
        _proposal_email(proposal, "became")
        audit_log(
            action="committee.proposal_became",
            actor=actor,
            obj=proposal,
            organisation=committee.organisation,
            data={"into": into, "id": made.pk},
        )
    return Draft(into=into, obj=made)


# --- the organisers' digest ------------------------------------------------------------


def _digest_recipients(committee: Committee) -> list[User]:
    """The staff who moderate: owners and organisers of the committee's organisation."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=committee.organisation_id,
            memberships__role__in=[Membership.Role.OWNER, Membership.Role.ORGANISER],
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def _digest_for(committee: Committee, *, now: datetime) -> int:
    """One committee's digest: what came since the last one, to each of its
    moderators. Claimed with a conditional update of `digest_sent_at`, so two runs
    at once send it once. Returns how many messages were queued.

    Not twice within a day: the scheduler runs daily tasks at each of its starts
    too, and every deploy would otherwise send one."""
    if committee.digest_sent_at and now - committee.digest_sent_at < DIGEST_EVERY:
        return 0
    since = committee.digest_sent_at or committee.created_at
    window = {"created_at__gt": since, "created_at__lte": now}
    proposals = Proposal.objects.filter(committee=committee, **window).order_by("created_at")
    comments = (
        Comment.objects.filter(proposal__committee=committee, **window)
        .select_related("proposal")
        .order_by("created_at")
    )
    n_proposals, n_comments = proposals.count(), comments.count()
    if not n_proposals and not n_comments:
        return 0
    recipients = _digest_recipients(committee)
    languages = [code for code in committee.organisation.languages if code in language_codes()]
    language = languages[0] if languages else settings.LANGUAGE_CODE
    context = {
        "committee_name": committee.name_in(language),
        "slug": committee.slug,
        "proposals": [
            {"pk": p.pk, "title": p.title, "status": p.get_status_display(), "kind": p.kind}
            for p in proposals[:DIGEST_PROPOSALS_MAX]
        ],
        "more_proposals": max(n_proposals - DIGEST_PROPOSALS_MAX, 0),
        "comments": [
            {
                "proposal_pk": c.proposal_id,
                "proposal_title": c.proposal.title,
                "excerpt": c.body[:DIGEST_EXCERPT],
                "hidden": c.hidden,
            }
            for c in comments[:DIGEST_COMMENTS_MAX]
        ],
        "more_comments": max(n_comments - DIGEST_COMMENTS_MAX, 0),
    }
    with transaction.atomic():
        claimed = Committee.objects.filter(
            pk=committee.pk, digest_sent_at=committee.digest_sent_at
        ).update(digest_sent_at=now)
        if not claimed:
            return 0
        for user in recipients:
            email_queue(
                to=user.email, template="committee_digest", context=context, language=language
            )
        audit_log(
            action="committee.digest_sent",
            obj=committee,
            organisation=committee.organisation,
            data={"proposals": n_proposals, "comments": n_comments, "recipients": len(recipients)},
        )
    return len(recipients)


def committee_digest(*, now: datetime) -> int:
    """The daily digest of new proposals and comments for each committee's
    organisers. Nothing is sent for a committee with nothing new; running it again
    sends nothing more. Returns how many messages were queued."""
    queued = 0
    for committee in Committee.objects.select_related("campaign", "organisation").order_by("pk"):
        queued += _digest_for(committee, now=now)
    return queued
