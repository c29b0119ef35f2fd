"""What committees hold about a person: listed, exported, ended, erased and expired."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from solidaria.committee.contact import contact_message_send
from solidaria.committee.models import Comment, Committee, ContactMessage, Member, Proposal
from solidaria.committee.personal_data import COMMITTEE, expire
from solidaria.committee.services import (
    comment_add,
    member_confirm,
    member_join,
    proposal_submit,
    proposal_support,
)
from solidaria.core.models import OutgoingEmail
from solidaria.core.privacy import pii
from solidaria.supporters.registry import covered_models
from solidaria.supporters.selectors import person_of, supporter_find_by_email
from solidaria.supporters.services import supporter_action_end, supporter_erase, supporter_export
from tests import factories

NAME = "Zelmira Quintanilla-Ortúzar"
EMAIL = "zelmira.quintanilla@example.org"


def join_and_confirm(committee: Committee, *, name: str = NAME, email: str = EMAIL) -> Member:
    member_join(
        committee=committee,
        name=name,
        email=email,
        country="AR",
        city="Rosario",
        languages=["es", "de"],
        skill_keys=[],
        organisation_name="Cooperativa Textil Pigüé",
        listed=True,
        consent_owner=True,
        language="es",
    )
    email_row = OutgoingEmail.objects.filter(template="committee_confirm").latest("pk")
    return member_confirm(token=json.loads(email_row.context)["token"])


def wrote_to(committee: Committee, *, email: str = EMAIL, name: str = NAME) -> ContactMessage:
    """A message through the contact form's service: stored, and its forward to the
    organisation queued (not sent: no task runs here)."""
    committee.organisation.contacts.get_or_create(
        language="es", defaults={"email": "solidaridad@example.org"}
    )
    contact_message_send(
        organisation=committee.organisation,
        committee=committee,
        name=name,
        email=email,
        message=f"Hola, soy {name}: ¿cómo ayudo?",
        language="es",
        ip="203.0.113.7",
    )
    return ContactMessage.objects.filter(email_index=pii.email_index(email)).latest("pk")


def everything(committee: Committee) -> tuple[Member, Proposal, Comment, ContactMessage]:
    member = join_and_confirm(committee)
    proposal = proposal_submit(
        member=member,
        title="Una gira de charlas",
        description="Trabajadores de una fábrica recuperada cuentan su lucha.",
        kind=Proposal.Kind.EVENT,
        online=True,
        language="es",
    )
    Proposal.objects.filter(pk=proposal.pk).update(
        status=Proposal.Status.OPEN, published_at=timezone.now()
    )
    proposal.refresh_from_db()
    proposal_support(proposal=proposal, member=member)
    comment = comment_add(proposal=proposal, member=member, body=f"{NAME} puede traducir.")
    return member, proposal, comment, wrote_to(committee)


@pytest.mark.django_db
def test_the_committee_covers_its_models_with_personal_data() -> None:
    assert {Member, ContactMessage} <= covered_models()


@pytest.mark.django_db
def test_a_member_sees_exports_and_ends_their_membership_from_their_page() -> None:
    committee = factories.CommitteeFactory()
    member, proposal, comment, message = everything(committee)
    supporter = member.supporter
    assert supporter is not None

    kinds = {a.kind: a for a in COMMITTEE.actions(person_of(supporter))}
    assert set(kinds) == {"membership", "committee_proposal", "contact_message"}
    assert kinds["membership"].end_label and kinds["membership"].pk == member.pk
    assert kinds["membership"].organisation_id == committee.organisation_id

    data = supporter_export(supporter=supporter)
    (exported,) = data["committee_memberships"]
    assert (exported["name"], exported["email"], exported["city"]) == (NAME, EMAIL, "Rosario")
    assert [c["comment"] for c in data["committee_comments"]] == [comment.body]
    assert [p["title"] for p in data["committee_proposals"]] == [proposal.title]
    assert [m["message"] for m in data["contact_messages"]] == [message.message]

    said = supporter_action_end(
        supporter=supporter, app_label="committee", kind="membership", pk=member.pk
    )
    assert said
    member.refresh_from_db()
    committee.refresh_from_db()
    assert member.status == Member.Status.LEFT and committee.members_count == 0


@pytest.mark.django_db
def test_erasure_empties_what_they_wrote_and_moves_no_count() -> None:
    committee = factories.CommitteeFactory()
    member, proposal, comment, message = everything(committee)
    someone = join_and_confirm(committee, name="Otra Persona", email="otra@example.org")
    theirs = wrote_to(committee, email="otra@example.org", name="Otra Persona")
    unseen = proposal_submit(
        member=member,
        title=f"Idea de {NAME}",
        description="Nadie más la leyó.",
        kind=Proposal.Kind.OTHER,
        online=False,
        country="AR",
        city="Rosario",
        language="es",
    )

    counts = supporter_erase(supporter=supporter_find_by_email(EMAIL))

    assert counts["committee"] == 5  # membership, two proposals, comment, message
    unseen.refresh_from_db()  # never published: only her words, which go
    assert (unseen.title, unseen.description, unseen.city, unseen.author_id) == ("", "", "", None)
    member.refresh_from_db()
    assert (member.name, member.email, member.city, member.organisation_name) == ("", "", "", "")
    assert member.email_index == f"erased:{member.pk}" and not member.listed
    assert member.status == Member.Status.CONFIRMED  # still counted
    comment.refresh_from_db()
    assert (comment.body, comment.member_id) == ("", None)
    proposal.refresh_from_db()
    assert proposal.author_id is None and proposal.supports_count == 1
    assert proposal.comments_count == 1
    # A message to an organisation goes altogether, and so does its forward, which
    # has not gone out yet and carries what she wrote.
    assert message.forward_id is not None
    assert not ContactMessage.objects.filter(pk=message.pk).exists()
    assert not OutgoingEmail.objects.filter(pk=message.forward_id).exists()
    committee.refresh_from_db()
    assert committee.members_count == 2
    someone.refresh_from_db()
    assert someone.name == "Otra Persona"  # nobody else
    theirs.refresh_from_db()
    assert theirs.name == "Otra Persona"
    # The same address may join again, as a new person.
    assert join_and_confirm(committee).pk != member.pk


@pytest.mark.django_db
def test_retention_empties_members_who_left_or_never_confirmed_and_old_messages(
    time_machine: Any,
) -> None:
    committee = factories.CommitteeFactory()
    staying = join_and_confirm(committee, name="Se Queda", email="stays@example.org")
    leaving = join_and_confirm(committee, name="Se Va", email="leaves@example.org")
    member_join(
        committee=committee,
        name="Nunca Confirma",
        email="never@example.org",
        country="ES",
        city="Madrid",
        languages=["es"],
        skill_keys=[],
        language="es",
    )
    Member.objects.filter(pk=leaving.pk).update(status=Member.Status.LEFT, left_at=timezone.now())
    old = wrote_to(committee, email="old@example.org")
    ContactMessage.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=91))
    recent = wrote_to(committee, email="recent@example.org")

    assert expire(timezone.now()) == 1  # the old message only
    assert not ContactMessage.objects.filter(pk=old.pk).exists()

    later = timezone.now() + timedelta(days=31 * committee.campaign.retention_months + 1)
    assert expire(later) == 2 + 1  # the one who left, the one never confirmed; `recent`
    assert expire(later) == 0  # twice: nothing more
    names = dict(Member.objects.values_list("pk", "status"))
    assert len(names) == 3
    staying.refresh_from_db()
    leaving.refresh_from_db()
    assert staying.name == "Se Queda" and leaving.name == "" and leaving.supporter_id is None
    assert not ContactMessage.objects.filter(pk=recent.pk).exists()


@pytest.mark.django_db
def test_everyone_is_emptied_once_the_campaign_has_stopped_long_enough() -> None:
    committee = factories.CommitteeFactory()
    member = join_and_confirm(committee)
    committee.campaign.status = "closed"
    committee.campaign.closed_at = timezone.now()
    committee.campaign.save()

    assert expire(timezone.now()) == 0
    later = timezone.now() + timedelta(days=31 * committee.campaign.retention_months + 1)
    assert expire(later) >= 1
    member.refresh_from_db()
    assert member.name == "" and member.email_index.startswith("erased:")
    committee.refresh_from_db()
    assert committee.members_count == 1  # counts stay


@pytest.mark.django_db
def test_organisers_can_pick_the_members_of_a_committee() -> None:
    committee = factories.CommitteeFactory()
    member = join_and_confirm(committee)
    join_and_confirm(factories.CommitteeFactory(), email="elsewhere@example.org")
    assert COMMITTEE.took_part_choices is not None and COMMITTEE.took_part_in is not None

    choices = COMMITTEE.took_part_choices([committee.organisation_id])

    assert [key for key, _label in choices] == [str(committee.pk)]
    ids = list(COMMITTEE.took_part_in(str(committee.pk)).values_list("supporter_id", flat=True))
    assert ids == [member.supporter_id]
