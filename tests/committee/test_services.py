"""Joining, proposals, support, comments, drafts and the digest: the committee's services.

The committee's pages and their URLs are another module's (committee/urls.py);
these tests read a confirmation token from the stored message's context, so they
do not depend on them. One test routes the committee's URL names to a stand-in
(this module's `urlpatterns`) to check that the emails carry their links.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.urls import include, path
from django.utils import timezone

from config.urls import urlpatterns as site_urlpatterns
from solidaria.committee.exceptions import (
    AlreadySupported,
    CommitteeClosed,
    InvalidInput,
    LinkInvalid,
    NotAllowed,
    TooMany,
    WrongState,
)
from solidaria.committee.models import COMMENT_MAX, Comment, Committee, Member, Proposal, Support
from solidaria.committee.selectors import (
    committee_page,
    committee_skills,
    member_pages,
    membership_for,
    proposal_page,
)
from solidaria.committee.services import (
    comment_add,
    comment_hide,
    comment_show,
    committee_digest,
    member_confirm,
    member_join,
    member_leave,
    member_update,
    proposal_accept,
    proposal_decline,
    proposal_make_draft,
    proposal_publish,
    proposal_submit,
    proposal_support,
    proposal_withdraw,
)
from solidaria.committee.tasks import send_digests
from solidaria.core.mail.outbox import email_render
from solidaria.core.models import AuditEntry, OutgoingEmail
from solidaria.events.models import Event
from solidaria.supporters.models import ConsentRecord, OrganisationSupporter
from tests import factories

pytestmark = pytest.mark.django_db


def _page(request: Any, **kwargs: Any) -> HttpResponse:
    return HttpResponse("")


# The committee's URL names, for the link test only (the real ones come with
# committee/urls.py). First, so that they win over the site's "committee"
# namespace while it lacks them; everything else routes as on the site.
_stand_in = [
    path("confirm/<str:token>/", _page, name="confirm"),
    path("me/", _page, name="member"),
    path("<slug:slug>/", _page, name="detail"),
    path("<slug:slug>/proposals/<int:pk>/", _page, name="proposal"),
]
urlpatterns = [path("committee-stand-in/", include((_stand_in, "committee"))), *site_urlpatterns]


def join(committee: Committee, email: str = "ana@example.org", **fields: Any) -> None:
    data: dict[str, Any] = {
        "name": "Ana María Gómez",
        "email": email,
        "country": "AR",
        "city": "Rosario",
        "languages": ["es", "it"],
        "skill_keys": [],
        "organisation_name": "",
        "listed": False,
        "consent_owner": False,
        "language": "es",
        **fields,
    }
    member_join(committee=committee, **data)


def emails(template: str) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(template=template).order_by("pk"))


def context(email: OutgoingEmail) -> dict[str, Any]:
    return dict(json.loads(email.context))


def last_token() -> str:
    return str(context(emails("committee_confirm")[-1])["token"])


def confirmed_member(committee: Committee, email: str = "ana@example.org", **fields: Any) -> Member:
    join(committee, email, **fields)
    return member_confirm(token=last_token())


@pytest.fixture
def committee() -> Committee:
    committee = factories.CommitteeFactory()
    factories.SkillFactory(committee=committee, key="translation")
    factories.SkillFactory(committee=committee, key="legal")
    return committee


def staff(committee: Committee, role: str = "organiser") -> Any:
    user = factories.UserFactory()
    user.email = f"{user.username}@example.org"
    user.save(update_fields=["email"])
    factories.MembershipFactory(user=user, organisation=committee.organisation, role=role)
    return user


@pytest.fixture
def organiser(committee: Committee) -> Any:
    return staff(committee)


# --- joining -------------------------------------------------------------------------


def test_joining_stores_a_pending_member_and_emails_a_link_of_which_only_the_hash_is_kept(
    committee: Committee,
) -> None:
    join(committee, skill_keys=["translation"], listed=True)

    member = Member.objects.get()
    assert member.status == Member.Status.PENDING
    assert [s.key for s in member.skills.all()] == ["translation"]
    assert member.languages == ["es", "it"]
    (email,) = emails("committee_confirm")
    assert email.language == "es" and email.recipient == "ana@example.org"
    token = context(email)["token"]
    assert token and member.token_hash and token not in member.token_hash
    committee.refresh_from_db()
    assert committee.members_count == 0  # not counted before confirming


def test_confirming_makes_a_counted_member_and_a_supporter_with_consent_at_join_time(
    committee: Committee,
) -> None:
    wording = factories.ConsentTextFactory(organisation=committee.organisation)
    join(committee, consent_owner=True)
    factories.ConsentTextFactory(organisation=committee.organisation)  # a later wording

    member = member_confirm(token=last_token())

    assert member.status == Member.Status.CONFIRMED and member.confirmed_at
    assert member.token_hash == ""
    committee.refresh_from_db()
    assert committee.members_count == 1
    assert member.supporter is not None and member.supporter.email == "ana@example.org"
    known = OrganisationSupporter.objects.get(supporter=member.supporter)
    assert known.organisation_id == committee.organisation_id and known.actions == 1
    (record,) = ConsentRecord.objects.filter(supporter=member.supporter)
    assert record.consent_text_id == wording.pk
    assert record.source == f"committee:{committee.slug}"
    assert emails("committee_welcome")


def test_no_consent_record_without_the_tick(committee: Committee) -> None:
    member = confirmed_member(committee)
    assert not ConsentRecord.objects.filter(supporter=member.supporter).exists()


@pytest.mark.parametrize("token", ["", "forged-token-of-the-right-length-000000", "x" * 500])
def test_a_forged_link_confirms_nothing(committee: Committee, token: str) -> None:
    join(committee)
    with pytest.raises(LinkInvalid):
        member_confirm(token=token)
    assert Member.objects.get().status == Member.Status.PENDING


def test_a_replayed_link_is_refused_and_counts_once(committee: Committee) -> None:
    join(committee)
    token = last_token()
    member_confirm(token=token)
    with pytest.raises(LinkInvalid):
        member_confirm(token=token)
    committee.refresh_from_db()
    assert committee.members_count == 1


def test_joining_twice_while_pending_keeps_one_row_and_sends_a_new_link(
    committee: Committee, time_machine: Any
) -> None:
    join(committee)
    first = last_token()
    time_machine.move_to(timezone.now() + timedelta(minutes=11))

    result = member_join(
        committee=committee,
        name="Someone Else",
        email="  ANA@example.org ",  # the same address, normalised
        country="DE",
        city="Berlin",
        languages=["de"],
        skill_keys=[],
        language="en",
    )

    assert result is None  # the caller learns nothing
    member = Member.objects.get()
    assert (member.name, str(member.country)) == ("Ana María Gómez", "AR")  # nothing changed
    second = last_token()
    assert second != first and len(emails("committee_confirm")) == 2
    assert context(emails("committee_confirm")[-1])["repeated"] is True
    with pytest.raises(LinkInvalid):
        member_confirm(token=first)  # replaced by the new one
    member_confirm(token=second)


def test_joining_twice_when_confirmed_tells_the_member_and_nobody_else(
    committee: Committee, time_machine: Any
) -> None:
    confirmed_member(committee)
    time_machine.move_to(timezone.now() + timedelta(minutes=11))

    join(committee, email="Ana@Example.org")

    assert Member.objects.count() == 1
    (notice,) = emails("committee_already_member")
    assert notice.recipient == "ana@example.org"
    assert len(emails("committee_confirm")) == 1
    committee.refresh_from_db()
    assert committee.members_count == 1
    entry = AuditEntry.objects.get(action="committee.member_join_repeated")
    assert "ana" not in json.dumps(entry.data).lower() and "ana" not in entry.object_repr


def test_joining_again_soon_sends_nothing_more(committee: Committee) -> None:
    join(committee)
    for _attempt in range(5):
        join(committee)
    assert Member.objects.count() == 1
    assert len(emails("committee_confirm")) == 1


def test_a_member_who_left_can_join_again_with_a_new_link(
    committee: Committee, time_machine: Any
) -> None:
    member = confirmed_member(committee)
    assert member_leave(member=member) is True
    assert member_leave(member=member) is False  # twice changes nothing
    committee.refresh_from_db()
    assert committee.members_count == 0
    time_machine.move_to(timezone.now() + timedelta(minutes=11))

    join(committee)
    assert context(emails("committee_confirm")[-1])["status"] == "left"
    member = member_confirm(token=last_token())

    assert member.status == Member.Status.CONFIRMED and member.left_at is None
    committee.refresh_from_db()
    assert committee.members_count == 1
    assert Member.objects.count() == 1


def test_joining_again_after_leaving_asks_listing_and_consent_afresh(
    committee: Committee, time_machine: Any
) -> None:
    member = confirmed_member(committee, listed=True, consent_owner=True)
    consents = ConsentRecord.objects.count()
    member_leave(member=member)
    member.refresh_from_db()
    assert not member.listed and not member.consent_owner  # leaving ends both
    time_machine.move_to(timezone.now() + timedelta(minutes=11))

    join(committee, listed=False, consent_owner=False, city="Córdoba", languages=["es"])
    member = member_confirm(token=last_token())

    assert member.status == Member.Status.CONFIRMED
    assert not member.listed and not member.consent_owner
    assert (member.city, member.languages) == ("Córdoba", ["es"])  # the new form's answers
    assert ConsentRecord.objects.count() == consents  # no consent recorded again


def test_one_connection_asks_to_join_a_few_times_an_hour(committee: Committee) -> None:
    for n in range(5):
        join(committee, f"bot{n}@example.org", ip="203.0.113.9")
    with pytest.raises(TooMany):
        join(committee, "bot5@example.org", ip="203.0.113.9")
    assert Member.objects.count() == 5 and len(emails("committee_confirm")) == 5
    # With a solved proof of work the limit is higher; other connections are apart.
    join(committee, "human@example.org", ip="203.0.113.9", proof_solved=True)
    join(committee, "neighbour@example.org", ip="203.0.113.10")
    assert Member.objects.count() == 7


def test_a_closed_committee_takes_no_members(committee: Committee) -> None:
    Committee.objects.filter(pk=committee.pk).update(is_open=False)
    committee.refresh_from_db()
    with pytest.raises(CommitteeClosed) as refused:
        join(committee)
    assert str(refused.value)
    assert not Member.objects.exists() and not OutgoingEmail.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"languages": ["xx"]}, "xx"),
        ({"languages": []}, "language"),
        ({"languages": ["es", "es"]}, "twice"),
        ({"skill_keys": ["translation", "hacking"]}, "hacking"),
        ({"name": "   "}, "name"),
        ({"name": "A" * 500}, "120"),
        ({"name": "Ana\x00"}, "control"),
        ({"email": "not-an-address"}, "email"),
        ({"email": "a" * 250 + "@example.org"}, "email"),
        ({"country": "ZZ"}, "country"),
        ({"city": "R" * 101}, "100"),
        ({"organisation_name": "O" * 201}, "200"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(
    committee: Committee, fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        join(committee, **fields)
    assert message in str(refused.value).lower()
    assert not Member.objects.exists() and not OutgoingEmail.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_skill_of_another_committee_is_unknown_here(committee: Committee) -> None:
    factories.SkillFactory(key="design")  # another committee's
    with pytest.raises(InvalidInput):
        join(committee, skill_keys=["design"])
    assert not Member.objects.exists()


def test_html_is_stored_as_typed_and_escaped_in_the_html_email(committee: Committee) -> None:
    join(committee, name="<b>Ana</b>")
    message = email_render(emails("committee_confirm")[0])
    assert Member.objects.get().name == "<b>Ana</b>"
    html = message.alternatives[0][0]
    assert "&lt;b&gt;Ana&lt;/b&gt;" in str(html) and "<b>Ana</b>" not in str(html)


@pytest.mark.urls(__name__)
def test_the_emails_carry_their_links_in_the_recipients_language(committee: Committee) -> None:
    join(committee, language="de")
    message = email_render(emails("committee_confirm")[0])
    token = last_token()
    assert message.extra_headers["Content-Language"] == "de"
    assert re.search(rf"http\S+/confirm/{re.escape(token)}/", message.body)
    member = member_confirm(token=token)
    welcome = email_render(emails("committee_welcome")[0])
    # Where to ask for the link to their page (no password), in their language, and
    # the same page again in the footer every message carries.
    assert f"/{committee.slug}/" in welcome.body and welcome.body.count("/de/my/") == 2
    proposal = proposal_submit(member=member, **proposal_fields())
    received = email_render(emails("committee_proposal")[0])
    # Not public yet: no link to its page, but one to ask for the member's own.
    assert f"/proposals/{proposal.pk}/" not in received.body
    assert received.body.count("/de/my/") == 2


def test_a_member_changes_languages_and_skills_and_leaves(committee: Committee) -> None:
    member = confirmed_member(committee)
    member_update(member=member, languages=["pt", "es"], skill_keys=["legal"], listed=True)
    member.refresh_from_db()
    assert member.languages == ["pt", "es"] and member.listed
    assert [s.key for s in member.skills.all()] == ["legal"]
    with pytest.raises(InvalidInput):
        member_update(member=member, languages=["klingon"], skill_keys=[], listed=False)
    with pytest.raises(InvalidInput):
        member_update(member=member, languages=["es"], skill_keys=["nope"], listed=False)
    member.refresh_from_db()
    assert member.languages == ["pt", "es"]  # nothing half-way
    assert [s.key for s in member.skills.all()] == ["legal"]


# --- proposals -----------------------------------------------------------------------


def proposal_fields(**fields: Any) -> dict[str, Any]:
    return {
        "title": "A stall at the street festival",
        "description": "Selling the cooperatives' yerba and textiles in Kreuzberg.",
        "kind": Proposal.Kind.PRODUCTS,
        "online": False,
        "country": "DE",
        "city": "Berlin",
        "date": timezone.localdate() + timedelta(days=40),
        "language": "en",
        **fields,
    }


def test_a_proposal_goes_from_submitted_to_open_to_accepted_and_the_author_is_told(
    committee: Committee, organiser: Any
) -> None:
    member = confirmed_member(committee, language="pt")
    proposal = proposal_submit(member=member, **proposal_fields())
    assert proposal.status == Proposal.Status.SUBMITTED

    proposal_publish(proposal=proposal, actor=organiser)
    assert proposal.status == Proposal.Status.OPEN and proposal.published_at
    proposal_accept(proposal=proposal, actor=organiser)
    assert proposal.status == Proposal.Status.ACCEPTED and proposal.decided_at

    changes = [context(e)["change"] for e in emails("committee_proposal")]
    assert changes == ["received", "published", "accepted"]
    assert {e.language for e in emails("committee_proposal")} == {"pt"}
    actions = list(
        AuditEntry.objects.filter(action__startswith="committee.proposal_")
        .values_list("action", flat=True)
        .order_by("pk")
    )
    assert actions == [
        "committee.proposal_submitted",
        "committee.proposal_published",
        "committee.proposal_accepted",
    ]
    assert AuditEntry.objects.get(action="committee.proposal_accepted").actor == organiser


def test_declining_needs_a_reason_that_the_author_reads(
    committee: Committee, organiser: Any
) -> None:
    member = confirmed_member(committee)
    proposal = proposal_submit(member=member, **proposal_fields())
    with pytest.raises(InvalidInput):
        proposal_decline(proposal=proposal, actor=organiser, reason="  ")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    proposal_decline(proposal=proposal, actor=organiser, reason="Not in our campaign's aims.")
    assert proposal.status == Proposal.Status.DECLINED
    last = emails("committee_proposal")[-1]
    assert context(last)["change"] == "declined"
    assert "Not in our campaign's aims." in email_render(last).body
    with pytest.raises(WrongState):
        proposal_accept(proposal=proposal, actor=organiser)


def test_only_the_author_withdraws_and_only_until_it_is_decided(
    committee: Committee, organiser: Any
) -> None:
    author = confirmed_member(committee)
    other = confirmed_member(committee, email="other@example.org")
    proposal = proposal_submit(member=author, **proposal_fields())
    with pytest.raises(NotAllowed):
        proposal_withdraw(proposal=proposal, member=other)
    proposal_withdraw(proposal=proposal, member=author)
    assert proposal.status == Proposal.Status.WITHDRAWN
    decided = proposal_submit(member=author, **proposal_fields())
    proposal_accept(proposal=decided, actor=organiser)
    with pytest.raises(WrongState):
        proposal_withdraw(proposal=decided, member=author)


def test_viewers_and_other_organisations_staff_cannot_moderate(committee: Committee) -> None:
    member = confirmed_member(committee)
    proposal = proposal_submit(member=member, **proposal_fields())
    viewer = factories.MembershipFactory(organisation=committee.organisation, role="viewer").user
    stranger = factories.MembershipFactory().user
    for actor in (viewer, stranger):
        with pytest.raises(NotAllowed):
            proposal_publish(proposal=proposal, actor=actor)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED


def test_a_closed_committee_takes_no_proposals(committee: Committee) -> None:
    member = confirmed_member(committee)
    Committee.objects.filter(pk=committee.pk).update(is_open=False)
    member.committee.refresh_from_db()
    with pytest.raises(CommitteeClosed):
        proposal_submit(member=member, **proposal_fields())
    assert not Proposal.objects.exists()


def test_only_confirmed_members_propose(committee: Committee) -> None:
    join(committee)
    with pytest.raises(NotAllowed):
        proposal_submit(member=Member.objects.get(), **proposal_fields())
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "title"),
        ({"title": "T" * 201}, "200"),
        ({"description": " \n "}, "describe"),
        ({"description": "D" * 5001}, "5000"),
        ({"kind": "riot"}, "kind"),
        ({"country": "", "online": False}, "country"),
        ({"city": "", "online": False}, "city"),
        ({"date": timezone.localdate() - timedelta(days=1)}, "passed"),
        ({"date": timezone.localdate() + timedelta(days=6 * 366)}, "too far"),
        ({"language": "tlh"}, "language"),
    ],
)
def test_bad_proposals_are_refused_and_nothing_is_stored(
    committee: Committee, fields: dict[str, Any], message: str
) -> None:
    member = confirmed_member(committee)
    before = OutgoingEmail.objects.count()
    with pytest.raises(InvalidInput) as refused:
        proposal_submit(member=member, **proposal_fields(**fields))
    assert message in str(refused.value).lower()
    assert not Proposal.objects.exists() and OutgoingEmail.objects.count() == before


def test_a_proposal_or_comment_sent_twice_is_stored_once(committee: Committee) -> None:
    member = confirmed_member(committee)
    first = proposal_submit(member=member, **proposal_fields())
    again = proposal_submit(member=member, **proposal_fields())  # a double click
    assert again == first and Proposal.objects.count() == 1
    Proposal.objects.filter(pk=first.pk).update(status=Proposal.Status.OPEN)
    first.refresh_from_db()

    comment = comment_add(proposal=first, member=member, body="Count me in.")
    assert comment_add(proposal=first, member=member, body="Count me in.") == comment
    first.refresh_from_db()
    assert Comment.objects.count() == 1 and first.comments_count == 1


def test_an_online_proposal_keeps_no_place(committee: Committee) -> None:
    member = confirmed_member(committee)
    proposal = proposal_submit(member=member, **proposal_fields(online=True, city="Berlin"))
    assert (proposal.country, proposal.city) == ("", "")


# --- support and comments --------------------------------------------------------------


def test_a_member_supports_an_open_proposal_once(committee: Committee) -> None:
    member = confirmed_member(committee)
    proposal = factories.ProposalFactory(committee=committee)

    proposal_support(proposal=proposal, member=member)
    with pytest.raises(AlreadySupported):
        proposal_support(proposal=proposal, member=member)

    proposal.refresh_from_db()
    assert proposal.supports_count == 1 and Support.objects.count() == 1


@pytest.mark.parametrize("status", ["submitted", "accepted", "declined", "withdrawn"])
def test_only_open_proposals_take_support(committee: Committee, status: str) -> None:
    member = confirmed_member(committee)
    proposal = factories.ProposalFactory(committee=committee, status=status)
    with pytest.raises(WrongState):
        proposal_support(proposal=proposal, member=member)
    proposal.refresh_from_db()
    assert proposal.supports_count == 0 and not Support.objects.exists()


def test_a_proposal_closed_meanwhile_is_not_supported(committee: Committee) -> None:
    member = confirmed_member(committee)
    proposal = factories.ProposalFactory(committee=committee)
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.DECLINED)
    with pytest.raises(WrongState):
        proposal_support(proposal=proposal, member=member)  # the copy in hand says open
    assert not Support.objects.exists()


def test_members_of_another_committee_neither_support_nor_comment(committee: Committee) -> None:
    outsider = factories.MemberFactory()
    proposal = factories.ProposalFactory(committee=committee)
    with pytest.raises(NotAllowed):
        proposal_support(proposal=proposal, member=outsider)
    with pytest.raises(NotAllowed):
        comment_add(proposal=proposal, member=outsider, body="Hello")


def test_comments_are_counted_while_shown(committee: Committee, organiser: Any) -> None:
    member = confirmed_member(committee)
    proposal = factories.ProposalFactory(committee=committee)
    comment = comment_add(proposal=proposal, member=member, body="  I can translate.  ")
    assert comment.body == "I can translate."
    proposal.refresh_from_db()
    assert proposal.comments_count == 1

    assert comment_hide(comment=comment, actor=organiser) is True
    assert comment_hide(comment=comment, actor=organiser) is False  # twice: once
    proposal.refresh_from_db()
    assert proposal.comments_count == 0
    assert proposal_page(slug=committee.slug, pk=proposal.pk).comments == []

    comment_show(comment=comment, actor=organiser)
    proposal.refresh_from_db()
    assert proposal.comments_count == 1
    with pytest.raises(NotAllowed):
        comment_hide(comment=comment, actor=factories.MembershipFactory().user)


@pytest.mark.parametrize(("body", "message"), [("", "write"), ("x" * (COMMENT_MAX + 1), "2000")])
def test_empty_or_oversized_comments_are_refused(
    committee: Committee, body: str, message: str
) -> None:
    member = confirmed_member(committee)
    proposal = factories.ProposalFactory(committee=committee)
    with pytest.raises(InvalidInput) as refused:
        comment_add(proposal=proposal, member=member, body=body)
    assert message in str(refused.value)
    assert not Comment.objects.exists()


def test_unpublished_proposals_take_no_comments(committee: Committee) -> None:
    member = confirmed_member(committee)
    proposal = factories.ProposalFactory(committee=committee, status="submitted")
    with pytest.raises(WrongState):
        comment_add(proposal=proposal, member=member, body="Early")


# --- drafts --------------------------------------------------------------------------


def test_an_accepted_proposal_becomes_a_draft_event_once(
    committee: Committee, organiser: Any
) -> None:
    proposal = factories.ProposalFactory(committee=committee, status="accepted", language="de")

    draft = proposal_make_draft(proposal=proposal, actor=organiser, into="event")

    event = Event.objects.get()
    assert draft.obj == event and proposal.event == event
    assert event.campaign == committee.campaign
    assert event.status == Event.Status.PROPOSED and not event.is_public
    assert event.title == {"de": proposal.title}
    assert (event.city, str(event.country), event.timezone) == ("Berlin", "DE", "Europe/Berlin")
    assert event.local_start.date() == proposal.date if proposal.date else True
    with pytest.raises(WrongState):
        proposal_make_draft(proposal=proposal, actor=organiser, into="event")
    assert Event.objects.count() == 1
    assert AuditEntry.objects.filter(action="committee.proposal_became").count() == 1


def test_only_accepted_proposals_become_drafts(committee: Committee, organiser: Any) -> None:
    proposal = factories.ProposalFactory(committee=committee, status="open")
    with pytest.raises(WrongState):
        proposal_make_draft(proposal=proposal, actor=organiser, into="event")
    with pytest.raises(InvalidInput):
        proposal_make_draft(proposal=proposal, actor=organiser, into="fundraiser")
    assert not Event.objects.exists()


@pytest.mark.parametrize("into", ["petition", "day_of_action"])
def test_a_petition_or_day_draft_in_a_live_campaign_stays_unpublished(
    client: Any, organiser: Any, into: str
) -> None:
    live = factories.CommitteeFactory()
    assert live.campaign.is_public
    factories.MembershipFactory(user=organiser, organisation=live.organisation)
    proposal = factories.ProposalFactory(committee=live, status="accepted")

    made = proposal_make_draft(proposal=proposal, actor=organiser, into=into)

    draft = made.obj
    assert not draft.published and draft.campaign == live.campaign
    assert getattr(proposal, into) == draft
    # Not on its own address, nor on its campaign's page, until an organiser publishes it.
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert (
        draft.get_absolute_url()
        not in client.get(live.campaign.get_absolute_url()).content.decode()
    )
    type(draft).objects.filter(pk=draft.pk).update(published=True)
    assert client.get(draft.get_absolute_url()).status_code == 200


# --- the digest ----------------------------------------------------------------------


def test_the_digest_lists_what_is_new_once_and_nothing_when_nothing_is(
    committee: Committee, organiser: Any
) -> None:
    staff(committee, role="viewer")
    owner = staff(committee, role="owner")
    member = confirmed_member(committee)
    proposal = factories.ProposalFactory(committee=committee, author=member)
    comment_add(proposal=proposal, member=member, body="Count me in.")

    queued = committee_digest(now=timezone.now())

    sent = emails("committee_digest")
    assert queued == 2 and {e.recipient for e in sent} == {organiser.email, owner.email}
    body = email_render(sent[0]).body
    assert proposal.title in body and "Count me in." in body
    assert committee_digest(now=timezone.now()) == 0  # idempotent
    assert send_digests.call() == 0
    staff(factories.CommitteeFactory())
    assert committee_digest(now=timezone.now()) == 0  # nothing new anywhere
    assert len(emails("committee_digest")) == 2


def test_a_committee_gets_one_digest_a_day_however_often_the_task_runs(
    committee: Committee, organiser: Any, time_machine: Any
) -> None:
    member = confirmed_member(committee)
    factories.ProposalFactory(committee=committee, author=member)
    assert committee_digest(now=timezone.now()) == 1
    factories.ProposalFactory(committee=committee, author=member)

    time_machine.move_to(timezone.now() + timedelta(hours=2))  # the scheduler restarted
    assert committee_digest(now=timezone.now()) == 0
    time_machine.move_to(timezone.now() + timedelta(hours=22))
    assert committee_digest(now=timezone.now()) == 1  # the second proposal, a day later
    assert len(emails("committee_digest")) == 2


def test_the_digest_claims_its_window_so_two_runs_send_once(
    committee: Committee, organiser: Any
) -> None:
    factories.ProposalFactory(committee=committee)
    now = timezone.now()
    with transaction.atomic():
        assert committee_digest(now=now) == 1
        assert committee_digest(now=now) == 0
    assert len(emails("committee_digest")) == 1


# --- selectors -----------------------------------------------------------------------


def test_the_public_page_shows_listed_first_names_and_counts_in_six_queries(
    committee: Committee, django_assert_num_queries: Any
) -> None:
    factories.MemberFactory(committee=committee, name="Ana Gómez", listed=True, country="AR")
    factories.MemberFactory(
        committee=committee,
        name="Bruno Keller",
        listed=True,
        country="DE",
        organisation_name="Gruppe Arbeitszeit",
    )
    factories.MemberFactory(committee=committee, name="Hidden Person", country="DE")
    factories.MemberFactory(committee=committee, name="Pending Person", status="pending")
    for status in ("open", "accepted", "submitted"):
        factories.ProposalFactory(committee=committee, status=status, author=None)

    with django_assert_num_queries(6):
        page = committee_page(slug=committee.slug)
        names = [(m.first_name, m.country.code) for m in page.listed_members]

    assert page.members_count == 3 and page.countries_count == 2
    assert page.country_counts == {"DE": 2, "AR": 1}
    assert names == [("Ana", "AR"), ("Bruno", "DE")]
    assert page.organisations == ["Gruppe Arbeitszeit"]
    assert len(page.open_proposals) == 1 and len(page.accepted_proposals) == 1


def test_the_proposal_page_shows_visible_comments_with_first_names_in_two_queries(
    committee: Committee, django_assert_num_queries: Any
) -> None:
    proposal = factories.ProposalFactory(committee=committee)
    for n in range(4):
        member = factories.MemberFactory(
            committee=committee, name=f"Person{n} Surname", listed=n != 3
        )
        comment_add(proposal=proposal, member=member, body=f"<i>comment {n}</i>")
    Comment.objects.filter(body="<i>comment 1</i>").update(hidden=True)

    with django_assert_num_queries(2):
        page = proposal_page(slug=committee.slug, pk=proposal.pk)

    assert [(c.first_name, c.body) for c in page.comments] == [
        ("Person0", "<i>comment 0</i>"),
        ("Person2", "<i>comment 2</i>"),
        ("", "<i>comment 3</i>"),  # not on the members list: no name either
    ]


def test_a_members_page_in_a_fixed_number_of_queries(
    committee: Committee, django_assert_num_queries: Any
) -> None:
    member = confirmed_member(committee, skill_keys=["legal"])
    factories.CampaignUpdateFactory(campaign=committee.campaign)
    mine = proposal_submit(member=member, **proposal_fields())
    open_one = factories.ProposalFactory(committee=committee)
    proposal_support(proposal=open_one, member=member)
    second = factories.CommitteeFactory(campaign=committee.campaign)
    join(second)
    member_confirm(token=last_token())
    supporter = member.supporter
    assert supporter is not None

    with django_assert_num_queries(6):
        pages = member_pages(supporter=supporter)
        for page in pages:
            [s.key for s in page.skills], [str(u) for u in page.updates]

    first = pages[0]
    assert [p.pk for p in first.own_proposals] == [mine.pk]
    assert [p.pk for p in first.proposals] == [open_one.pk]
    assert first.supported == {open_one.pk}
    assert [s.key for s in first.skills] == ["legal"]
    assert len(first.updates) == 1 and len(pages) == 2


# --- reads for the member's own pages ---------------------------------------------------


def test_committee_skills_are_grouped_by_committee_in_one_query(
    committee: Committee, django_assert_num_queries: Any
) -> None:
    other = factories.CommitteeFactory()
    factories.SkillFactory(committee=other, key="speaking")
    with django_assert_num_queries(1):
        skills = committee_skills([committee.pk, other.pk, committee.pk])
    assert {s.key for s in skills[committee.pk]} == {"translation", "legal"}
    assert [s.key for s in skills[other.pk]] == ["speaking"]


def test_membership_for_finds_pending_and_confirmed_not_left(committee: Committee) -> None:
    join(committee)
    supporter = factories.SupporterFactory(email="ana@example.org")
    pending = membership_for(supporter=supporter, slug=committee.slug)
    assert pending is not None and pending.status == Member.Status.PENDING
    member = member_confirm(token=last_token())
    assert member.supporter is not None
    found = membership_for(supporter=member.supporter, slug=committee.slug)
    assert found is not None and found.pk == member.pk
    member_leave(member=member)
    assert membership_for(supporter=member.supporter, slug=committee.slug) is None
    assert membership_for(supporter=factories.SupporterFactory(), slug=committee.slug) is None


def test_proposal_of_committee_finds_any_state_of_that_committee_only(
    committee: Committee,
) -> None:
    from django.http import Http404

    from solidaria.committee.selectors import proposal_of_committee

    proposal = factories.ProposalFactory(committee=committee, status="submitted")
    assert proposal_of_committee(slug=committee.slug, pk=proposal.pk).pk == proposal.pk
    with pytest.raises(Http404):
        proposal_of_committee(slug=factories.CommitteeFactory().slug, pk=proposal.pk)
