"""What committees hold about a person (`supporters.registry`): their memberships,
the proposals and comments they wrote, and what they wrote to an organisation
through its contact form.

Memberships are found by their supporter link and by the blind index of their
address (a pending membership has no supporter yet); proposals and comments
through the memberships that wrote them; contact messages by the address's
blind index.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from solidaria.supporters.exceptions import ActionNotFound
from solidaria.supporters.registry import Action, ExportSection, Person, PersonalData

from .contact import contact_messages_erase, contact_messages_expire
from .models import Comment, Committee, ContactMessage, Member, Proposal
from .services import member_leave

# An emptied row's address index: unique per row, so one membership per address
# still holds for everyone else, and never the index of an address.
ERASED_INDEX_PREFIX = "erased:"
# Memberships emptied per statement at the end of their retention period.
EXPIRY_SLICE = 1000


def _memberships(person: Person) -> QuerySet[Member]:
    return Member.objects.filter(
        Q(supporter=person.supporter) | Q(email_index__in=person.email_indexes)
    ).select_related("committee__campaign")


def _proposals(person: Person) -> QuerySet[Proposal]:
    return Proposal.objects.filter(author__in=_memberships(person).values("pk")).select_related(
        "committee__campaign"
    )


def _comments(person: Person) -> QuerySet[Comment]:
    return Comment.objects.filter(member__in=_memberships(person).values("pk")).select_related(
        "proposal"
    )


def _messages(person: Person) -> QuerySet[ContactMessage]:
    return ContactMessage.objects.filter(email_index__in=person.email_indexes).select_related(
        "organisation"
    )


def end(person: Person, kind: str, pk: int) -> str:
    member = _memberships(person).filter(pk=pk).exclude(status=Member.Status.LEFT).first()
    if kind != "membership" or member is None:
        raise ActionNotFound(_("This membership is not yours to end, or you have left."))
    member_leave(member=member)
    return _("You have left “%(committee)s”.") % {"committee": member.committee}


def actions(person: Person) -> list[Action]:
    found = [
        Action(
            kind="membership",
            what=_("Member of “%(committee)s”") % {"committee": member.committee},
            at=member.created_at,
            status=member.get_status_display(),
            # The committee's organisation knows its members, whoever owns the campaign.
            organisation_id=member.committee.organisation_id,
            campaign_id=member.committee.campaign_id,
            pk=member.pk,
            end_label=_("Leave the committee") if member.status != Member.Status.LEFT else "",
        )
        for member in _memberships(person)
    ]
    found += [
        Action(
            kind="committee_proposal",
            what=_("Proposed “%(title)s” to “%(committee)s”")
            % {"title": proposal.title, "committee": proposal.committee},
            at=proposal.created_at,
            status=proposal.get_status_display(),
            organisation_id=proposal.committee.organisation_id,
            campaign_id=proposal.committee.campaign_id,
        )
        for proposal in _proposals(person)
    ]
    found += [
        Action(
            kind="contact_message",
            what=_("Wrote to %(organisation)s") % {"organisation": message.organisation},
            at=message.created_at,
            status=message.get_status_display(),
            organisation_id=message.organisation_id,
        )
        for message in _messages(person)
    ]
    return found


def export(person: Person) -> ExportSection:
    members = list(_memberships(person).prefetch_related("skills"))
    return {
        "committee_memberships": [
            {
                "committee": str(member.committee),
                "address": member.committee.get_absolute_url(),
                "joined": member.created_at.isoformat(),
                "status": member.status,
                "confirmed": member.confirmed_at.isoformat() if member.confirmed_at else None,
                "left": member.left_at.isoformat() if member.left_at else None,
                "name": member.name,
                "email": member.email,
                "country": str(member.country),
                "city": member.city,
                "languages_spoken": list(member.languages),
                "how_they_can_help": [skill.key for skill in member.skills.all()],
                "organisation": member.organisation_name,
                "name_shown_on_the_members_list": member.listed,
                "may_hear_from_the_organisation": member.consent_owner,
                "language": member.language,
            }
            for member in members
        ],
        "committee_proposals": [
            {
                "committee": str(proposal.committee),
                "proposed": proposal.created_at.isoformat(),
                "title": proposal.title,
                "description": proposal.description,
                "kind": proposal.kind,
                "online": proposal.online,
                "country": str(proposal.country),
                "city": proposal.city,
                "date": proposal.date.isoformat() if proposal.date else None,
                "language": proposal.language,
                "status": proposal.status,
                "reason_given": proposal.decision_reason,
            }
            for proposal in _proposals(person)
        ],
        "committee_comments": [
            {
                "proposal": comment.proposal.title,
                "written": comment.created_at.isoformat(),
                "comment": comment.body,
                "hidden_by_an_organiser": comment.hidden,
            }
            for comment in _comments(person)
        ],
        "contact_messages": [
            {
                "organisation": message.organisation.name,
                "written": message.created_at.isoformat(),
                "name": message.name,
                "email": message.email,
                "message": message.message,
                "language": message.language,
                "status": message.status,
            }
            for message in _messages(person)
        ],
    }


# Any: column values and expressions, as QuerySet.update takes them.
def _member_emptied() -> dict[str, Any]:
    """Every personal value of a membership, emptied. Status, country, languages,
    skills and dates stay: the committee's counts and table of countries are made
    of them."""
    return {
        "name": "",
        "email": "",
        "city": "",
        "organisation_name": "",
        "email_index": Concat(Value(ERASED_INDEX_PREFIX), Cast("pk", output_field=CharField())),
        "token_hash": "",
        # Nobody left to show on the members list.
        "listed": False,
    }


def _writings_emptied(member_ids: QuerySet[Any] | list[int]) -> int:
    """What the members wrote: comments lose their text and author, proposals their
    author (they stay, unsigned: others supported them), and those nobody else saw
    (never published) their text as well. Counts stay."""
    comments = Comment.objects.filter(member__in=member_ids).update(body="", member=None)
    Proposal.objects.filter(author__in=member_ids, published_at__isnull=True).update(
        title="", description="", city=""
    )
    proposals = Proposal.objects.filter(author__in=member_ids).update(author=None)
    return comments + proposals


def erase(person: Person) -> int:
    """Names, addresses, cities, organisations and comments go; memberships stay as
    rows, so the number of members and of countries do not move. Messages written
    to an organisation go altogether, with their forwards not sent yet."""
    member_ids = list(_memberships(person).values_list("pk", flat=True))
    writings = _writings_emptied(member_ids)
    members = Member.objects.filter(pk__in=member_ids).update(**_member_emptied())
    messages = contact_messages_erase(email_indexes=person.email_indexes)
    return members + writings + messages


def expire(now: datetime) -> int:
    """Retention, as for signatures and registrations: a membership's personal data
    goes the campaign's retention period after it closed, that is after the member
    left, after a pending membership was asked for (never confirmed), or after the
    campaign stopped, for everyone. What the member wrote goes with it, as in
    `erase`, and so does the link to their supporter record (the record and its
    consents stay: the supporter agreed to those). What people wrote to an
    organisation through its contact form goes after 90 days.

    A batch of rows per transaction; rows already emptied are skipped, so running
    it again changes nothing."""
    emptied = 0
    for committee in Committee.objects.select_related("campaign").order_by("pk"):
        campaign = committee.campaign
        kept = Member.objects.filter(committee=committee).exclude(
            email_index__startswith=ERASED_INDEX_PREFIX
        )
        stopped = campaign.stopped_at
        if stopped is not None and campaign.personal_data_kept_until(stopped) <= now:
            due = kept
        else:
            # A month is never shorter than 28 days: a cheap bound for the query,
            # then the calendar arithmetic of `Campaign.personal_data_kept_until`.
            bound = now - timedelta(days=28 * campaign.retention_months)
            candidates = kept.filter(
                Q(status=Member.Status.LEFT, left_at__lte=bound)
                | Q(status=Member.Status.PENDING, created_at__lte=bound)
            ).values_list("pk", "status", "left_at", "created_at")
            due_ids = [
                pk
                for pk, _status, left_at, created_at in candidates
                if campaign.personal_data_kept_until(left_at or created_at) <= now
            ]
            due = kept.filter(pk__in=due_ids)
        member_ids = list(due.values_list("pk", flat=True))
        # In slices: a committee of tens of thousands would pass SQLite's limit on
        # the values one statement may carry.
        for start in range(0, len(member_ids), EXPIRY_SLICE):
            chunk = member_ids[start : start + EXPIRY_SLICE]
            emptied += _writings_emptied(chunk)
            emptied += Member.objects.filter(pk__in=chunk).update(
                supporter=None, **_member_emptied()
            )
    return emptied + contact_messages_expire(now=now)


def took_part_choices(organisation_ids: Sequence[int]) -> list[tuple[str, str]]:
    committees = (
        Committee.objects.filter(organisation_id__in=organisation_ids)
        .select_related("campaign")
        .only("slug", "name", "campaign__languages")  # a filter's choices on every list
    )
    return [(str(c.pk), _("Member of the committee: %(name)s") % {"name": c}) for c in committees]


def took_part_in(key: str) -> QuerySet[Any]:
    return Member.objects.filter(
        committee_id=int(key), status=Member.Status.CONFIRMED, supporter__isnull=False
    ).values("supporter_id")


COMMITTEE = PersonalData(
    app_label="committee",
    models=[Member, Proposal, Comment, ContactMessage],
    actions=actions,
    export=export,
    erase=erase,
    end=end,
    expire=expire,
    took_part_choices=took_part_choices,
    took_part_in=took_part_in,
)
