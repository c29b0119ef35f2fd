"""Reads for the committee's pages, each in a fixed number of queries whatever the
number of members, proposals or comments (pinned by tests).

Public pages show a member only if they chose to be listed, and then only their
first name and country; counts come from the rows the services keep, never from
counting members, supports or comments per page view (the table of countries is
one grouped query over an index, and the page is cached).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django_countries.fields import Country

from solidaria.campaigns.models import CampaignUpdate, public_campaign_q
from solidaria.core.privacy.tokens import token_hash
from solidaria.supporters.models import Supporter
from solidaria.supporters.selectors import person_of

from .models import Comment, Committee, Member, Proposal, Skill, Support

# How many listed members and organisations a public page shows at most.
LISTED_MEMBERS_SHOWN = 200
ORGANISATIONS_SHOWN = 200
# Listed members whose organisation is read for the list (decrypted one by one).
ORGANISATIONS_READ = 5000
# Campaign updates on a member's page.
UPDATES_SHOWN = 10


@dataclass(frozen=True)
class CountryCount:
    code: str
    count: int

    @property
    def country(self) -> Country:
        """Its name in the active language: `country.name`."""
        return Country(code=self.code)


@dataclass(frozen=True)
class ListedMember:
    first_name: str
    country: Country


@dataclass(frozen=True)
class CommitteePage:
    committee: Committee
    # Country -> members, most first (the table and the map).
    countries: list[CountryCount]
    listed_members: list[ListedMember]
    organisations: list[str]
    open_proposals: list[Proposal]
    accepted_proposals: list[Proposal]
    skills: list[Skill]  # the join form's choices

    @property
    def members_count(self) -> int:
        return self.committee.members_count

    @property
    def countries_count(self) -> int:
        return len(self.countries)

    @property
    def country_counts(self) -> dict[str, int]:
        """For the server-drawn map (`core.rendering.worldmap`)."""
        return {row.code: row.count for row in self.countries}


def _committees_public() -> QuerySet[Committee]:
    return Committee.objects.select_related("campaign", "organisation").filter(
        public_campaign_q(via="campaign")
    )


def committee_get_public(*, slug: str) -> Committee:
    committee = _committees_public().filter(slug=slug).first()
    if committee is None:
        raise Http404("no such committee")
    return committee


def committee_countries(committee: Committee) -> list[CountryCount]:
    """Confirmed members by country, from one grouped query (member_list_idx)."""
    rows = (
        Member.objects.filter(committee=committee, status=Member.Status.CONFIRMED)
        .values("country")
        .annotate(count=Count("pk"))
        .order_by("-count", "country")
    )
    return [CountryCount(code=str(row["country"]), count=row["count"]) for row in rows]


def committee_page(*, slug: str) -> CommitteePage:
    """Everything the public committee page shows, in six queries: the committee
    with its campaign and organisation, the countries, the listed members, their
    organisations, the open and accepted proposals, and the skills."""
    committee = committee_get_public(slug=slug)
    listed = (
        Member.objects.filter(committee=committee, status=Member.Status.CONFIRMED, listed=True)
        .order_by("confirmed_at", "pk")
        .only("name", "country")[:LISTED_MEMBERS_SHOWN]
    )
    # Encrypted, so told apart and sorted here, not by the database.
    named = Member.objects.filter(
        committee=committee, status=Member.Status.CONFIRMED, listed=True
    ).values_list("organisation_name", flat=True)[:ORGANISATIONS_READ]
    organisations = sorted({name for name in named if name}, key=str.casefold)[:ORGANISATIONS_SHOWN]
    proposals = list(
        Proposal.objects.filter(
            committee=committee, status__in=[Proposal.Status.OPEN, Proposal.Status.ACCEPTED]
        )
        .select_related("event", "day_of_action", "petition")
        .order_by("-supports_count", "-published_at", "-pk")
    )
    return CommitteePage(
        committee=committee,
        countries=committee_countries(committee),
        listed_members=[
            ListedMember(first_name=member.first_name, country=member.country)
            for member in listed
            if member.first_name  # not an erased member
        ],
        organisations=list(organisations),
        open_proposals=[p for p in proposals if p.status == Proposal.Status.OPEN],
        accepted_proposals=[p for p in proposals if p.status == Proposal.Status.ACCEPTED],
        skills=list(Skill.objects.filter(committee=committee)),
    )


@dataclass(frozen=True)
class PublicComment:
    pk: int
    # Only for members who chose to be listed; "" for the others, and once its
    # author erased their data (then the comment's text is gone too).
    first_name: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class ProposalPage:
    proposal: Proposal
    comments: list[PublicComment]


def proposal_page(*, slug: str, pk: int) -> ProposalPage:
    """A published proposal (open or accepted) of a public committee, with what it
    became and its visible comments with their authors' first names: two queries."""
    proposal = (
        Proposal.objects.select_related(
            "committee__campaign", "committee__organisation", "event", "day_of_action", "petition"
        )
        .filter(
            public_campaign_q(via="committee__campaign"),
            committee__slug=slug,
            pk=pk,
            status__in=[Proposal.Status.OPEN, Proposal.Status.ACCEPTED],
        )
        .first()
    )
    if proposal is None:
        raise Http404("no such proposal")
    comments = (
        Comment.objects.filter(proposal=proposal, hidden=False)
        .exclude(body="")  # erased with its author
        .select_related("member")
        .only("body", "created_at", "member__name", "member__listed", "member__status")
        .order_by("created_at", "pk")
    )
    return ProposalPage(
        proposal=proposal,
        comments=[
            PublicComment(
                pk=comment.pk,
                first_name=(
                    comment.member.first_name
                    if comment.member
                    and comment.member.listed
                    and comment.member.status == Member.Status.CONFIRMED
                    else ""
                ),
                body=comment.body,
                created_at=comment.created_at,
            )
            for comment in comments
        ],
    )


def member_for_token(token: str) -> Member | None:
    """The pending membership a confirmation link is for, for the page whose button
    confirms it (mail scanners open links); None for a forged or spent link."""
    if not token:
        return None
    return (
        Member.objects.select_related("committee__campaign")
        .filter(token_hash=token_hash(token))
        .exclude(token_hash="")
        .first()
    )


def member_of(*, supporter: Supporter, committee: Committee) -> Member | None:
    """The person's confirmed membership of this committee, for their own pages."""
    return (
        Member.objects.select_related("committee__campaign", "committee__organisation")
        .filter(
            committee=committee,
            supporter=supporter,
            status=Member.Status.CONFIRMED,
        )
        .first()
    )


@dataclass
class MembershipPage:
    member: Member
    committee: Committee
    skills: list[Skill]  # the member's
    own_proposals: list[Proposal]
    proposals: list[Proposal]  # the committee's open and accepted ones
    supported: set[int]  # proposals this member supports
    updates: list[CampaignUpdate] = field(default_factory=list)


def member_pages(*, supporter: Supporter) -> list[MembershipPage]:
    """A member's own page: each of their memberships (pending and confirmed, not
    those they left) with their skills, their proposals in every state, their
    committee's published proposals, what they support and the campaign's news.
    Six queries, whatever the number of memberships."""
    person = person_of(supporter)
    members = list(
        Member.objects.filter(
            Q(supporter=supporter) | Q(email_index__in=person.email_indexes),
        )
        .exclude(status=Member.Status.LEFT)
        .select_related("committee__campaign", "committee__organisation")
        .prefetch_related(
            Prefetch("skills", queryset=Skill.objects.order_by("position", "key")),
            Prefetch(
                "proposals",
                queryset=Proposal.objects.order_by("-created_at"),
                to_attr="own_proposals",
            ),
        )
        .order_by("created_at")
    )
    if not members:
        return []
    committee_ids = {member.committee_id for member in members}
    campaign_ids = {member.committee.campaign_id for member in members}
    published: dict[int, list[Proposal]] = {}
    for proposal in Proposal.objects.filter(
        committee_id__in=committee_ids,
        status__in=[Proposal.Status.OPEN, Proposal.Status.ACCEPTED],
    ).order_by("-supports_count", "-published_at", "-pk"):
        published.setdefault(proposal.committee_id, []).append(proposal)
    supported = set(
        Support.objects.filter(member__in=members).values_list("proposal_id", flat=True)
    )
    news: dict[int, list[CampaignUpdate]] = {}
    for update in (
        CampaignUpdate.objects.filter(campaign_id__in=campaign_ids, is_published=True)
        .select_related("campaign")
        .annotate(
            newest=Window(
                RowNumber(),
                partition_by=[F("campaign_id")],
                order_by=[F("published_at").desc(), F("pk").desc()],
            )
        )
        .filter(newest__lte=UPDATES_SHOWN)
        .order_by("-published_at", "-pk")
    ):
        news.setdefault(update.campaign_id, []).append(update)
    return [
        MembershipPage(
            member=member,
            committee=member.committee,
            skills=list(member.skills.all()),
            own_proposals=list(getattr(member, "own_proposals", [])),
            proposals=published.get(member.committee_id, []),
            supported=supported,
            updates=news.get(member.committee.campaign_id, []),
        )
        for member in members
    ]


def committee_skills(committee_ids: Iterable[int]) -> dict[int, list[Skill]]:
    """Each committee's skills in their order (the choices of its members' forms):
    one query for all of a person's committees."""
    found: dict[int, list[Skill]] = {}
    for skill in Skill.objects.filter(committee_id__in=set(committee_ids)):
        found.setdefault(skill.committee_id, []).append(skill)
    return found


def membership_for(*, supporter: Supporter, slug: str) -> Member | None:
    """The person's membership (pending or confirmed, not one they left) of the
    committee with this address, for the buttons of their own page: found by their
    supporter link or, while pending, by their address's blind indexes."""
    person = person_of(supporter)
    return (
        Member.objects.filter(
            Q(supporter=supporter) | Q(email_index__in=person.email_indexes),
            committee__slug=slug,
        )
        .exclude(status=Member.Status.LEFT)
        .select_related("committee__campaign", "committee__organisation")
        .first()
    )


def proposal_of_committee(*, slug: str, pk: int) -> Proposal:
    """A proposal of the committee with this address, whatever its state, for what a
    member does to it (its author withdraws it while it waits for moderation); 404
    otherwise. The services decide what its state allows."""
    proposal = (
        Proposal.objects.select_related("committee__campaign", "committee__organisation")
        .filter(committee__slug=slug, pk=pk)
        .first()
    )
    if proposal is None:
        raise Http404("no such proposal")
    return proposal
