"""The committee's console: scoped to the staff's organisations, moderation through
the services (buttons on the proposal's page, list actions), an audited export of
members, filters over the JSON list of languages, and lists whose query count
does not grow with their rows."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from solidaria.campaigns.models import Campaign
from solidaria.committee.admin import members_speaking
from solidaria.committee.models import Comment, Committee, Member, Proposal, Skill
from solidaria.committee.services import comment_add
from solidaria.core.models import AuditEntry
from solidaria.events.models import Event
from solidaria.organisations.models import Membership, Organisation
from solidaria.petitions.models import Petition
from tests import factories

pytestmark = pytest.mark.django_db

COMMITTEES = "/admin/committee/committee/"
MEMBERS = "/admin/committee/member/"
PROPOSALS = "/admin/committee/proposal/"
COMMENTS = "/admin/committee/comment/"


def staff(
    client: Client, organisation: Organisation, role: str = Membership.Role.ORGANISER
) -> Client:
    user = factories.UserFactory()
    factories.MembershipFactory(user=user, organisation=organisation, role=role)
    client.force_login(user)
    return client


def said(response: Any) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def listed(response: Any) -> set[int]:
    return {obj.pk for obj in response.context["cl"].result_list}


@pytest.fixture
def committee() -> Committee:
    return factories.CommitteeFactory()


def proposal(committee: Committee, **fields: Any) -> Proposal:
    return factories.ProposalFactory(committee=committee, **fields)


# --- scoping --------------------------------------------------------------------------


def test_staff_of_another_organisation_see_nothing_of_a_committee(
    client: Client, committee: Committee
) -> None:
    ours = factories.CommitteeFactory()
    member = factories.MemberFactory(committee=committee, name="Rosa Ajena")
    theirs = proposal(committee, status="submitted", published_at=None, title="Their stall")
    comment = comment_add(proposal=proposal(committee), member=member, body="A comment of theirs")
    client = staff(client, ours.organisation, Membership.Role.OWNER)

    for url in (COMMITTEES, MEMBERS, PROPOSALS, COMMENTS):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert not (listed(response) - {ours.pk}), url
        assert "Their stall" not in page and "Rosa" not in page
    for url in (
        f"{COMMITTEES}{committee.pk}/change/",
        f"{MEMBERS}{member.pk}/change/",
        f"{PROPOSALS}{theirs.pk}/change/",
        f"{COMMENTS}{comment.pk}/change/",
    ):
        assert client.get(url)["Location"] == "/admin/", url  # as if it did not exist
    assert client.post(f"{PROPOSALS}{theirs.pk}/publish/").status_code == 404
    assert client.post(f"{COMMENTS}{comment.pk}/hide/").status_code == 404
    theirs.refresh_from_db()
    comment.refresh_from_db()
    assert theirs.status == "submitted" and not comment.hidden


def test_viewers_read_but_cannot_moderate_or_export(client: Client, committee: Committee) -> None:
    waiting = proposal(committee, status="submitted", published_at=None)
    member = factories.MemberFactory(committee=committee)
    comment = comment_add(proposal=proposal(committee), member=member, body="Hola")
    client = staff(client, committee.organisation, Membership.Role.VIEWER)

    page = client.get(f"{PROPOSALS}{waiting.pk}/change/")
    members = client.get(MEMBERS)
    proposals = client.get(PROPOSALS)

    assert page.status_code == 200
    html = page.content.decode()
    assert "/publish/" not in html and "/decline/" not in html and "formaction" not in html
    assert "Only organisers and owners" in html
    assert "export_csv" not in members.content.decode()
    assert "publish_selected" not in proposals.content.decode()
    for step in ("publish", "accept", "decline", "draft"):
        assert client.post(f"{PROPOSALS}{waiting.pk}/{step}/", {"reason": "x"}).status_code == 403
    assert client.post(f"{COMMENTS}{comment.pk}/hide/").status_code == 403
    client.post(PROPOSALS, {"action": "publish_selected", "_selected_action": [waiting.pk]})
    exported = client.post(MEMBERS, {"action": "export_csv", "_selected_action": [member.pk]})
    assert exported.get("Content-Type", "").startswith("text/html")  # no file
    waiting.refresh_from_db()
    comment.refresh_from_db()
    assert waiting.status == "submitted" and not comment.hidden
    assert not AuditEntry.objects.filter(action="committee.members_exported").exists()


# --- the proposal's page --------------------------------------------------------------


def test_the_publish_button_publishes_through_the_service(
    client: Client, committee: Committee
) -> None:
    waiting = proposal(committee, status="submitted", published_at=None, title="<b>Stall</b>")
    client = staff(client, committee.organisation)

    page = client.get(f"{PROPOSALS}{waiting.pk}/change/").content.decode()
    response = client.post(f"{PROPOSALS}{waiting.pk}/publish/")

    assert f'action="{PROPOSALS}{waiting.pk}/publish/"' in page
    assert "&lt;b&gt;Stall&lt;/b&gt;" in page and "<b>Stall</b>" not in page
    assert 'name="_save"' not in page  # nothing to save: the buttons do the work
    assert response["Location"] == f"{PROPOSALS}{waiting.pk}/change/"
    assert said(response) == [
        ("success", "Published: members can support it now. Its author has been told.")
    ]
    waiting.refresh_from_db()
    assert waiting.status == "open" and waiting.published_at is not None
    entry = AuditEntry.objects.get(action="committee.proposal_published")
    assert entry.object_id == str(waiting.pk) and entry.organisation == committee.organisation
    assert entry.actor_label != "system"
    # Twice: the service refuses, the page says so.
    again = client.post(f"{PROPOSALS}{waiting.pk}/publish/")
    assert said(again)[-1] == ("error", "Only a proposal waiting for moderation can be published.")


def test_declining_needs_the_reason_its_author_reads(client: Client, committee: Committee) -> None:
    waiting = proposal(committee)
    client = staff(client, committee.organisation)

    empty = client.post(f"{PROPOSALS}{waiting.pk}/decline/", {"reason": "   "})
    waiting.refresh_from_db()
    status_after_empty = waiting.status
    declined = client.post(
        f"{PROPOSALS}{waiting.pk}/decline/", {"reason": "We have no stall permit this year."}
    )
    waiting.refresh_from_db()

    assert empty.status_code == 302 and status_after_empty == "open"
    assert said(empty) == [("error", "Please tell the author why the proposal is declined.")]
    assert declined.status_code == 302
    assert said(declined)[-1][0] == "success"
    assert waiting.status == "declined"
    assert waiting.decision_reason == "We have no stall permit this year."
    assert AuditEntry.objects.filter(action="committee.proposal_declined").count() == 1


def test_accepting_then_creating_a_draft_event_from_the_page(
    client: Client, committee: Committee
) -> None:
    open_proposal = proposal(committee, kind="event", title="A speaking tour")
    client = staff(client, committee.organisation)

    accepted = client.post(f"{PROPOSALS}{open_proposal.pk}/accept/", {"reason": "Yes!"})
    page = client.get(f"{PROPOSALS}{open_proposal.pk}/change/").content.decode()
    made = client.post(f"{PROPOSALS}{open_proposal.pk}/draft/", {"into": "event"})
    open_proposal.refresh_from_db()
    after = client.get(f"{PROPOSALS}{open_proposal.pk}/change/").content.decode()

    assert said(accepted) == [("success", "Accepted. Its author has been told.")]
    assert 'name="into" value="event"' in page and 'name="into" value="petition"' in page
    assert said(made)[0][0] == "success"
    event = Event.objects.get()
    assert open_proposal.event == event and event.status == Event.Status.PROPOSED
    assert f"/admin/events/event/{event.pk}/change/" in after
    assert 'name="into"' not in after  # once only
    assert AuditEntry.objects.filter(action="committee.proposal_became").count() == 1


def test_a_draft_petition_in_a_live_campaign_is_made_unpublished(
    client: Client, committee: Committee
) -> None:
    assert committee.campaign.status == Campaign.Status.LIVE
    accepted = proposal(committee, status="accepted", kind="petition")
    client = staff(client, committee.organisation)

    response = client.post(f"{PROPOSALS}{accepted.pk}/draft/", {"into": "petition"})

    ((level, _message),) = said(response)
    assert level == "success"
    petition = Petition.objects.get()
    assert not petition.published
    accepted.refresh_from_db()
    assert accepted.petition_id == petition.pk


@pytest.mark.parametrize(
    ("step", "data", "status"),
    [
        ("draft", {"into": "nonsense"}, 302),  # refused by the service, said on the page
        ("draft", {}, 302),
        ("accept", {"reason": "x" * 5000}, 302),
        ("decline", {"reason": "\x00bad"}, 302),
    ],
)
def test_bad_input_is_told_never_a_server_error(
    client: Client, committee: Committee, step: str, data: dict[str, str], status: int
) -> None:
    target = proposal(committee, status="accepted" if step == "draft" else "open")
    client = staff(client, committee.organisation)

    response = client.post(f"{PROPOSALS}{target.pk}/{step}/", data)

    assert response.status_code == status
    assert [level for level, _message in said(response)] == ["error"]
    before = target.status
    target.refresh_from_db()
    assert target.status == before and target.became is None


def test_steps_answer_only_posts_to_proposals_that_exist(
    client: Client, committee: Committee
) -> None:
    target = proposal(committee)
    client = staff(client, committee.organisation)

    assert client.get(f"{PROPOSALS}{target.pk}/publish/").status_code == 405
    assert client.post(f"{PROPOSALS}987654/accept/").status_code == 404
    # The page itself saves nothing.
    assert client.post(f"{PROPOSALS}{target.pk}/change/", {"title": "Changed"}).status_code == 302
    target.refresh_from_db()
    assert target.title != "Changed"


def test_the_list_counts_what_waits_and_publishes_in_bulk(
    client: Client, committee: Committee
) -> None:
    first = proposal(committee, status="submitted", published_at=None)
    second = proposal(committee, status="submitted", published_at=None)
    decided = proposal(committee, status="declined", decision_reason="No.")
    other_committee = factories.CommitteeFactory()
    elsewhere = proposal(other_committee, status="submitted", published_at=None)
    client = staff(client, committee.organisation)

    before = client.get(PROPOSALS).content.decode()
    response = client.post(
        PROPOSALS,
        {
            "action": "publish_selected",
            "_selected_action": [first.pk, second.pk, decided.pk, elsewhere.pk],
        },
    )
    after = client.get(PROPOSALS).content.decode()

    assert "Proposals: 2 waiting for moderation" in before
    assert "Proposals: 0 waiting for moderation" in after
    assert said(response) == [("success", "2 proposals published.")]
    statuses = dict(Proposal.objects.values_list("pk", "status"))
    assert statuses == {
        first.pk: "open",
        second.pk: "open",
        decided.pk: "declined",
        elsewhere.pk: "submitted",
    }
    assert AuditEntry.objects.filter(action="committee.proposal_published").count() == 2
    filtered = client.get(PROPOSALS, {"status__exact": "open", "kind__exact": "products"})
    assert listed(filtered) == {first.pk, second.pk}


# --- comments --------------------------------------------------------------------------


def test_comments_are_hidden_and_shown_through_the_services(
    client: Client, committee: Committee
) -> None:
    target = proposal(committee)
    member = factories.MemberFactory(committee=committee)
    first = comment_add(proposal=target, member=member, body="<script>x</script>")
    second = comment_add(proposal=target, member=member, body="Count me in")
    client = staff(client, committee.organisation)

    page = client.get(f"{PROPOSALS}{target.pk}/change/").content.decode()
    hidden = client.post(f"{COMMENTS}{first.pk}/hide/?back=proposal")
    client.post(COMMENTS, {"action": "hide_selected", "_selected_action": [first.pk, second.pk]})
    target.refresh_from_db()
    count_after_hiding = target.comments_count
    client.post(COMMENTS, {"action": "show_selected", "_selected_action": [second.pk]})
    target.refresh_from_db()

    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x</script>" not in page
    assert f'formaction="{COMMENTS}{first.pk}/hide/?back=proposal"' in page
    assert hidden["Location"] == f"{PROPOSALS}{target.pk}/change/"
    assert said(hidden) == [("success", "Comment hidden.")]
    assert count_after_hiding == 0
    assert target.comments_count == 1
    assert dict(Comment.objects.values_list("pk", "hidden")) == {first.pk: True, second.pk: False}
    actions = list(
        AuditEntry.objects.filter(action__startswith="committee.comment_h")
        .order_by("pk")
        .values_list("action", "object_id")
    )
    assert actions == [
        ("committee.comment_hidden", str(first.pk)),
        ("committee.comment_hidden", str(second.pk)),
    ]
    assert AuditEntry.objects.filter(action="committee.comment_shown").count() == 1


# --- members ---------------------------------------------------------------------------


def test_names_and_addresses_only_on_a_members_own_page(
    client: Client, committee: Committee
) -> None:
    member = factories.MemberFactory(
        committee=committee, name="Inés Calvo", email="ines@example.org", city="Zaragoza"
    )
    client = staff(client, committee.organisation, Membership.Role.VIEWER)

    listing = client.get(MEMBERS).content.decode()
    page = client.get(f"{MEMBERS}{member.pk}/change/").content.decode()

    for private in ("Inés", "ines@example.org", "Zaragoza"):
        assert private not in listing
        assert private in page
    assert client.get(f"{MEMBERS}add/").status_code == 403
    assert client.post(f"{MEMBERS}{member.pk}/delete/", {"post": "yes"}).status_code == 403

    assert Member.objects.filter(pk=member.pk).exists()


def test_nobody_deletes_a_comment_organisers_hide_it_instead(
    client: Client, committee: Committee
) -> None:
    member = factories.MemberFactory(committee=committee)
    proposal = factories.ProposalFactory(committee=committee)
    comment = Comment.objects.create(proposal=proposal, member=member, body="Hello")
    superuser = factories.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(superuser)

    deleting = client.post(f"/admin/committee/comment/{comment.pk}/delete/", {"post": "yes"})

    assert deleting.status_code == 403 and Comment.objects.filter(pk=comment.pk).exists()


def test_an_exact_address_finds_a_member(client: Client, committee: Committee) -> None:
    wanted = factories.MemberFactory(committee=committee, email="Ines@Example.org")
    factories.MemberFactory(committee=committee)
    client = staff(client, committee.organisation)

    response = client.get(MEMBERS, {"q": "ines@example.org"})

    assert listed(response) == {wanted.pk}


def test_the_language_filter_reads_the_json_list(client: Client, committee: Committee) -> None:
    spanish = factories.MemberFactory(committee=committee, languages=["es", "it"])
    german = factories.MemberFactory(committee=committee, languages=["de", "en"])
    basque = factories.MemberFactory(committee=committee, languages=["eu"])
    client = staff(client, committee.organisation)

    def speaking(code: str) -> set[int]:
        response = client.get(MEMBERS, {"speaks": code})
        assert response.status_code == 200
        return listed(response)

    assert speaking("es") == {spanish.pk}
    assert speaking("en") == {german.pk}
    assert speaking("eu") == {basque.pk}
    assert speaking("it") == {spanish.pk}
    assert speaking("fr") == set()
    assert speaking('"es') == set()  # not a language: nothing, and no error
    assert {m.pk for m in members_speaking(Member.objects.all(), "de")} == {german.pk}


def test_members_filter_by_committee_country_skill_status_and_date(
    client: Client, committee: Committee
) -> None:
    translation = factories.SkillFactory(committee=committee, key="translation")
    legal = factories.SkillFactory(
        committee=committee, key="legal", label={"es": "Apoyo legal", "en": "Legal support"}
    )
    berlin = factories.MemberFactory(committee=committee, country="DE")
    berlin.skills.set([translation])
    madrid = factories.MemberFactory(committee=committee, country="ES")
    madrid.skills.set([legal, translation])
    left = factories.MemberFactory(committee=committee, country="ES", status="left")
    second = factories.CommitteeFactory(campaign=committee.campaign)
    elsewhere = factories.MemberFactory(committee=second, country="DE")
    client = staff(client, committee.organisation)

    def found(**query: str) -> set[int]:
        response = client.get(MEMBERS, query)
        assert response.status_code == 200
        return listed(response)

    assert found(country="DE") == {berlin.pk, elsewhere.pk}
    assert found(country="es", status__exact="confirmed") == {madrid.pk}
    assert found(skill=str(legal.pk)) == {madrid.pk}
    assert found(skill=str(translation.pk)) == {berlin.pk, madrid.pk}
    assert found(committee__id__exact=str(second.pk)) == {elsewhere.pk}
    assert found(status__exact="left") == {left.pk}
    assert found(created_at__gte="2000-01-01 00:00:00+00:00") == {
        berlin.pk,
        madrid.pk,
        left.pk,
        elsewhere.pk,
    }
    assert found(skill="nope") == set() and found(country="XX") == set()
    assert found(skill="²") == set() and found(skill="9" * 30) == set()  # not ids
    page = client.get(MEMBERS).content.decode()
    assert "Legal support" in page or "Apoyo legal" in page  # the skill's label, not its key


def test_the_export_is_audited_and_escapes_formula_cells(
    client: Client, committee: Committee
) -> None:
    skill = factories.SkillFactory(committee=committee, key="legal")
    risky = factories.MemberFactory(
        committee=committee,
        name='=HYPERLINK("http://evil.example","x")',
        city="+cmd",
        organisation_name="@SUM(A1)",
    )
    risky.skills.set([skill])
    plain = factories.MemberFactory(committee=committee, name="Ana Pérez")
    factories.MemberFactory(committee=committee)  # not selected
    other = factories.MemberFactory()  # another organisation's
    # An address anyone may have typed, and someone who left: not members.
    pending = factories.MemberFactory(committee=committee, status=Member.Status.PENDING)
    left = factories.MemberFactory(committee=committee, status=Member.Status.LEFT)
    client = staff(client, committee.organisation)

    response = client.post(
        MEMBERS,
        {
            "action": "export_csv",
            "_selected_action": [risky.pk, plain.pk, other.pk, pending.pk, left.pk],
        },
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert sorted(row["name"] for row in rows) == sorted(
        ['\'=HYPERLINK("http://evil.example","x")', "Ana Pérez"]
    )
    (first,) = [row for row in rows if row["skills"]]
    assert first["city"] == "'+cmd" and first["organisation"] == "'@SUM(A1)"
    assert first["skills"] == "legal" and first["languages"] == "es en"
    entry = AuditEntry.objects.get(action="committee.members_exported")
    assert entry.data == {"members": 2}
    assert entry.organisation == committee.organisation and entry.object_id == str(committee.pk)
    assert "HYPERLINK" not in str(entry.data) and entry.actor_label != "system"


# --- committees and their skills -------------------------------------------------------


def test_an_organiser_creates_a_committee_with_its_skills_in_the_campaigns_languages(
    client: Client,
) -> None:
    campaign = factories.CampaignFactory()
    elsewhere = factories.CampaignFactory()
    client = staff(client, campaign.owner)
    data = {
        "name_0": "Comité internacional",
        "name_1": "International committee",
        "slug": "international",
        "campaign": campaign.pk,
        "organisation": campaign.owner.pk,
        "is_open": "on",
        "description_0": "Apoyamos a las cooperativas.",
        "description_1": "We back the cooperatives.",
        "skills-TOTAL_FORMS": "1",
        "skills-INITIAL_FORMS": "0",
        "skills-MIN_NUM_FORMS": "0",
        "skills-MAX_NUM_FORMS": "1000",
        "skills-0-key": "translation",
        "skills-0-label_0": "Traducción",
        "skills-0-label_1": "Translation",
        "skills-0-position": "1",
    }

    form = client.get(f"{COMMITTEES}add/").content.decode()
    refused = client.post(f"{COMMITTEES}add/", {**data, "campaign": elsewhere.pk})
    stored_after_refusal = Committee.objects.count()
    created = client.post(f"{COMMITTEES}add/", data)

    assert 'name="skills-0-label_0"' in form or "skills-__prefix__-label_0" in form
    assert refused.status_code == 200 and stored_after_refusal == 0
    assert "campaign" in refused.context["adminform"].form.errors
    assert created.status_code == 302, created.content.decode()[:3000]
    committee = Committee.objects.get()
    assert committee.name.data["en"] == "International committee"
    skill = Skill.objects.get(committee=committee)
    assert skill.key == "translation" and skill.label.data["es"] == "Traducción"
    assert AuditEntry.objects.filter(
        action="committee.created", organisation=campaign.owner
    ).exists()
    page = client.get(f"{COMMITTEES}{committee.pk}/change/").content.decode()
    assert "see the members" in page


def test_the_committee_list_shows_its_counts(client: Client, committee: Committee) -> None:
    author = factories.MemberFactory(committee=committee)
    factories.MemberFactory(committee=committee, country="DE")
    proposal(committee, status="submitted", published_at=None, author=author)
    proposal(committee, author=author)
    client = staff(client, committee.organisation, Membership.Role.VIEWER)

    response = client.get(COMMITTEES)
    page = client.get(f"{COMMITTEES}{committee.pk}/change/").content.decode()

    (row,) = response.context["cl"].result_list
    assert (row.members_count, row.proposals_waiting, row.proposals_open) == (2, 1, 1)
    assert "Germany (1)" in page and "Argentina (1)" in page
    assert 'name="_save"' not in page  # viewers read


# --- query counts ----------------------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _fill(committee: Committee, n: int) -> None:
    skill = factories.SkillFactory(committee=committee)
    for _ in range(n):
        member = factories.MemberFactory(committee=committee)
        member.skills.set([skill])
        proposal(committee, author=member)


def test_the_member_and_proposal_lists_cost_the_same_for_many_rows(
    client: Client, committee: Committee, django_assert_max_num_queries: Any
) -> None:
    client = staff(client, committee.organisation)
    _fill(committee, 2)
    few = {url: _queries(client, url) for url in (MEMBERS, PROPOSALS, COMMENTS, COMMITTEES)}
    _fill(committee, 12)

    for url, count in few.items():
        assert _queries(client, url) == count, url
    with django_assert_max_num_queries(15):
        client.get(MEMBERS)
    with django_assert_max_num_queries(13):
        client.get(PROPOSALS)
