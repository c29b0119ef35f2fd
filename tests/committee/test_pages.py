"""The committee's pages: the public page and joining, the confirmation link's page,
a proposal's page, and the member's own page with what they do there.

Every bad input is answered with a 4xx and a message, and stores nothing."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import resolve, reverse

from solidaria.committee.forms import join_token_scope
from solidaria.committee.models import Comment, Committee, Member, Proposal, Support
from solidaria.committee.services import member_confirm, member_join
from solidaria.committee.views import member_confirm_view
from solidaria.core.mail.outbox import email_render
from solidaria.core.models import OutgoingEmail
from solidaria.core.web.formguard import form_token
from solidaria.organisations.models import OrganisationContact
from solidaria.supporters.access import SESSION_KEY
from solidaria.supporters.models import Supporter
from tests import factories

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"
HTML = "<script>alert(1)</script><b>bold</b>"


@pytest.fixture(autouse=True)
def _fresh_page_cache() -> None:
    caches["pages"].clear()


@pytest.fixture
def committee() -> Committee:
    committee = factories.CommitteeFactory(aims={"en": "Support the cooperatives."})
    factories.SkillFactory(committee=committee, key="translation")
    factories.SkillFactory(
        committee=committee, key="legal", label={"es": "Apoyo jurídico", "en": "Legal support"}
    )
    return committee


def url(name: str, *args: Any, lang: str = "en") -> str:
    from django.utils import translation

    with translation.override(lang):
        return reverse(f"committee:{name}", args=args)


def join_data(committee: Committee, **fields: Any) -> dict[str, Any]:
    return {
        "name": "Ana María Gómez",
        "email": "ana@example.org",
        "country": "AR",
        "city": "Rosario",
        "languages": ["es", "it"],
        "skills": ["translation"],
        "organisation_name": "",
        "form_token": form_token(join_token_scope(committee)),
        **fields,
    }


def post_join(client: Client, committee: Committee, **fields: Any) -> Any:
    return client.post(
        url("join", committee.slug), join_data(committee, **fields), HTTP_ORIGIN=ORIGIN
    )


def last_token() -> str:
    email = OutgoingEmail.objects.filter(template="committee_confirm").order_by("pk").last()
    assert email is not None
    return str(json.loads(email.context)["token"])


def make_member(committee: Committee, email: str = "ana@example.org", **fields: Any) -> Member:
    data: dict[str, Any] = {
        "name": "Ana María Gómez",
        "email": email,
        "country": "AR",
        "city": "Rosario",
        "languages": ["es"],
        "skill_keys": [],
        "language": "en",
        **fields,
    }
    member_join(committee=committee, **data)
    return member_confirm(token=last_token())


def open_page(client: Client, supporter: Supporter | None) -> None:
    """The person's own pages open in this browser, as the emailed link's button does."""
    assert supporter is not None
    session = client.session
    session[SESSION_KEY] = supporter.pk
    session.save()


@pytest.fixture
def member(committee: Committee) -> Member:
    return make_member(committee)


@pytest.fixture
def member_client(client: Client, member: Member) -> Client:
    open_page(client, member.supporter)
    return client


def text(response: Any) -> str:
    return unescape(response.content.decode())


# --- the public page -------------------------------------------------------------------


def test_the_public_page_shows_the_committee_its_members_and_proposals(
    client: Client, committee: Committee
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
    open_one = factories.ProposalFactory(committee=committee, title="Open stall", author=None)
    Proposal.objects.filter(pk=open_one.pk).update(supports_count=7)
    petition = factories.PetitionFactory(campaign=committee.campaign)
    factories.ProposalFactory(
        committee=committee,
        title="Accepted tour",
        status="accepted",
        author=None,
        petition=petition,
    )
    factories.ProposalFactory(
        committee=committee, title="Waiting idea", status="submitted", author=None
    )

    response = client.get(url("detail", committee.slug))

    assert response.status_code == 200
    html = text(response)
    assert "We propose and organise actions." in html and "Support the cooperatives." in html
    assert re.search(r"<strong>3</strong>\s*members", html)
    assert re.search(r"<strong>2</strong>\s*countries", html)
    assert 'class="world-map"' in html and "map-table" in html
    assert "Ana" in html and "Bruno" in html and "Gómez" not in html and "Keller" not in html
    assert "Hidden" not in html and "Pending" not in html
    assert "Gruppe Arbeitszeit" in html
    assert "Open stall" in html and "7 support it" in html
    assert "Accepted tour" in html and petition.get_absolute_url() in html
    assert "Waiting idea" not in html
    # The join form, its skills in the page's language, the unticked consents.
    assert 'name="languages"' in html and 'value="it"' in html
    assert "Translation" in html and "Legal support" in html
    assert 'name="listed"' in html and 'name="consent_owner"' in html
    assert not re.search(r'name="(listed|consent_owner)"[^>]*checked', html)
    assert "may email me" in html  # the organisation's consent wording
    # No contact address: no contact form (see the query count test for one).
    assert url("contact-send", committee.organisation.slug) not in html


def test_the_skills_are_labelled_in_the_pages_language(
    client: Client, committee: Committee
) -> None:
    html = text(client.get(url("detail", committee.slug, lang="es")))
    assert "Traducción" in html and "Apoyo jurídico" in html


def test_the_public_page_is_cacheable_and_carries_no_personal_token(
    client: Client, committee: Committee
) -> None:
    response = client.get(url("detail", committee.slug))
    assert "public" in response["Cache-Control"]
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_a_committee_of_a_draft_campaign_is_not_shown(client: Client) -> None:
    committee = factories.CommitteeFactory(campaign__status="draft")
    assert client.get(url("detail", committee.slug)).status_code == 404
    assert client.get(url("detail", "no-such-committee")).status_code == 404


@pytest.mark.parametrize("n", [1, 20])
def test_the_public_page_runs_a_fixed_number_of_queries(
    client: Client, committee: Committee, django_assert_num_queries: Any, n: int
) -> None:
    OrganisationContact.objects.create(
        organisation=committee.organisation, language="en", email="committee@example.org"
    )
    for i in range(n):
        factories.MemberFactory(committee=committee, listed=True, country=["AR", "DE", "ES"][i % 3])
        factories.ProposalFactory(committee=committee, status=["open", "accepted"][i % 2])
    client.get(url("detail", committee.slug))  # publishes the consent wording once
    caches["pages"].clear()

    # committee+campaign+organisation, countries, listed members, their organisations,
    # proposals with what they became, skills; the contact addresses; the consent wording
    with django_assert_num_queries(8):
        response = client.get(url("detail", committee.slug))
    assert response.status_code == 200
    html = response.content.decode()
    assert url("contact-send", committee.organisation.slug) in html
    assert html.count("pow.js") == 1  # one script for the join and contact forms


def test_the_campaign_page_links_its_committee(client: Client, committee: Committee) -> None:
    html = text(client.get(committee.campaign.get_absolute_url()))
    assert url("detail", committee.slug) in html
    other = factories.CampaignFactory()
    assert "/committees/" not in text(client.get(other.get_absolute_url()))


# --- joining ---------------------------------------------------------------------------


def test_joining_answers_check_your_email_and_stores_a_pending_member(
    client: Client, committee: Committee
) -> None:
    response = post_join(client, committee, listed="on", organisation_name="Gruppe")

    assert response.status_code == 302 and response["Location"] == url("joined", committee.slug)
    member = Member.objects.get()
    assert member.status == Member.Status.PENDING and member.listed
    assert not member.consent_owner
    assert member.languages == ["es", "it"] and member.language == "en"
    assert [s.key for s in member.skills.all()] == ["translation"]
    assert OutgoingEmail.objects.filter(template="committee_confirm").count() == 1
    answer = client.get(response["Location"])
    assert answer.status_code == 200 and "Check your email" in text(answer)
    assert "no-store" in answer["Cache-Control"]


def test_joining_twice_gives_the_same_answer_and_keeps_one_membership(
    client: Client, committee: Committee
) -> None:
    first = post_join(client, committee)
    second = post_join(client, committee, name="Somebody Else", email=" ANA@example.org ")
    make_member(committee, email="bruno@example.org")
    third = post_join(client, committee, email="bruno@example.org")

    assert first["Location"] == second["Location"] == third["Location"]
    assert Member.objects.filter(committee=committee).count() == 2


def test_the_honeypot_is_answered_as_anyone_and_stores_nothing(
    client: Client, committee: Committee
) -> None:
    response = post_join(client, committee, website="https://spam.example")
    assert response.status_code == 302
    assert not Member.objects.exists() and not OutgoingEmail.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "x" * 5000}, "at most 120 characters"),
        ({"email": "not an address"}, "valid email"),
        ({"country": "XX"}, "not one of the available choices"),
        ({"languages": []}, "Choose at least one language you speak."),
        ({"languages": ["es", "klingon"]}, "not one of the available choices"),
        ({"skills": ["juggling"]}, "not one of the available choices"),
        ({"city": "Rosario\x00"}, ""),
        ({"form_token": "old"}, "too old"),
        ({"form_token": ""}, "too old"),
        ({"altcha": "forged"}, "automatic check"),
    ],
)
def test_bad_input_to_the_join_form_is_a_400_with_a_message_and_stores_nothing(
    client: Client, committee: Committee, fields: dict[str, Any], message: str
) -> None:
    response = post_join(client, committee, **fields)

    assert response.status_code == 400
    assert message in text(response)
    assert "no-store" in response["Cache-Control"]
    assert not Member.objects.exists() and not OutgoingEmail.objects.exists()


def test_html_in_every_field_is_kept_as_text_and_never_rendered(
    client: Client, committee: Committee
) -> None:
    response = post_join(client, committee, name=HTML, city=HTML, organisation_name=HTML)
    assert response.status_code == 302
    member = member_confirm(token=last_token())
    Member.objects.filter(pk=member.pk).update(listed=True)
    assert member.name == HTML

    html = client.get(url("detail", committee.slug)).content.decode()
    assert "<script>alert" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in html


def test_a_join_form_from_another_site_is_refused(client: Client, committee: Committee) -> None:
    response = client.post(url("join", committee.slug), join_data(committee))
    assert response.status_code == 403
    response = client.post(
        url("join", committee.slug), join_data(committee), HTTP_ORIGIN="https://evil.example"
    )
    assert response.status_code == 403 and "only be sent from this site" in text(response)
    assert not Member.objects.exists()


def test_the_join_address_opened_with_get_leads_to_the_form(
    client: Client, committee: Committee
) -> None:
    response = client.get(url("join", committee.slug))
    assert response.status_code == 302
    assert response["Location"] == url("detail", committee.slug) + "#join-heading"


def test_a_closed_committee_shows_no_form_and_refuses_a_join(
    client: Client, committee: Committee
) -> None:
    Committee.objects.filter(pk=committee.pk).update(is_open=False)

    html = text(client.get(url("detail", committee.slug)))
    assert "not taking new members now" in html and 'name="languages"' not in html

    response = post_join(client, committee)
    assert response.status_code == 403
    assert "not taking new members now" in text(response)
    assert not Member.objects.exists()


# --- confirming ------------------------------------------------------------------------


def test_the_confirmation_link_opens_a_page_whose_button_confirms(
    client: Client, committee: Committee
) -> None:
    post_join(client, committee)
    token = last_token()
    link = url("confirm", token)

    page = client.get(link)  # what a mail scanner does
    assert page.status_code == 200 and "Yes, I join the committee" in text(page)
    assert Member.objects.get().status == Member.Status.PENDING

    done = client.post(link, HTTP_ORIGIN=ORIGIN)
    assert done.status_code == 200 and "you are a member" in text(done)
    assert Member.objects.get().status == Member.Status.CONFIRMED
    committee.refresh_from_db()
    assert committee.members_count == 1

    # Replayed: a clear 404, counted once.
    for replay in (client.get(link), client.post(link, HTTP_ORIGIN=ORIGIN)):
        assert replay.status_code == 404 and "not valid any more" in text(replay)
    committee.refresh_from_db()
    assert committee.members_count == 1


@pytest.mark.parametrize("token", ["forged", "x" * 300, "%3Cscript%3E"])
def test_a_forged_confirmation_link_is_a_404(
    client: Client, committee: Committee, token: str
) -> None:
    post_join(client, committee)
    for response in (
        client.get(f"/en/committees/confirm/{token}/"),
        client.post(f"/en/committees/confirm/{token}/", HTTP_ORIGIN=ORIGIN),
    ):
        assert response.status_code == 404 and "not valid" in text(response)
    assert Member.objects.get().status == Member.Status.PENDING


def test_a_confirmation_from_another_site_is_refused(client: Client, committee: Committee) -> None:
    post_join(client, committee)
    response = client.post(url("confirm", last_token()), HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert Member.objects.get().status == Member.Status.PENDING


def test_the_emails_link_to_these_pages(client: Client, committee: Committee) -> None:
    post_join(client, committee)
    token = last_token()
    make_member(committee, email="bruno@example.org")
    proposal = factories.ProposalFactory(committee=committee)
    for email in OutgoingEmail.objects.all():
        body = str(email_render(email).body)
        for path in re.findall(r"https?://[^/\s]+(/\S+)", body):
            resolve(path.rstrip("."))
    confirm = OutgoingEmail.objects.filter(template="committee_confirm").order_by("pk").first()
    assert confirm is not None
    assert url("confirm", token) in str(email_render(confirm).body)
    assert resolve(url("confirm", token)).func == member_confirm_view
    assert url("member") == "/en/my/committees/"
    assert url("proposal", committee.slug, proposal.pk).endswith(f"/proposals/{proposal.pk}/")


# --- the member's page -----------------------------------------------------------------


def test_the_members_page_needs_the_self_service_link(client: Client, committee: Committee) -> None:
    response = client.get(url("member"))
    assert response.status_code == 302 and response["Location"] == "/en/my/"


def test_the_members_page_shows_news_proposals_and_forms(
    member_client: Client, committee: Committee, member: Member
) -> None:
    factories.CampaignUpdateFactory(
        campaign=committee.campaign, title={"en": "Good news from Buenos Aires"}
    )
    open_one = factories.ProposalFactory(committee=committee, title="Support me", author=None)
    supported = factories.ProposalFactory(committee=committee, title="Supported", author=None)
    Support.objects.create(proposal=supported, member=member)
    factories.ProposalFactory(
        committee=committee,
        author=member,
        title="My declined idea",
        status="declined",
        decision_reason="Not this year, sorry.",
    )

    response = member_client.get(url("member"))

    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    html = text(response)
    assert "Good news from Buenos Aires" in html
    assert "Support me" in html and url("support", committee.slug, open_one.pk) in html
    assert url("support", committee.slug, supported.pk) not in html and "You support it" in html
    assert "My declined idea" in html and "Not this year, sorry." in html
    assert "declined" in html
    assert 'name="languages"' in html and 'name="title"' in html
    assert url("leave", committee.slug) in html


def test_the_supporters_page_links_the_committee_page(
    member_client: Client, member: Member
) -> None:
    html = text(member_client.get("/en/my/page/"))
    assert url("member") in html


def test_a_member_proposes_an_action(
    member_client: Client, committee: Committee, member: Member
) -> None:
    response = member_client.post(
        url("propose", committee.slug),
        {
            "title": HTML,
            "description": "A stall at the street festival.",
            "kind": "products",
            "country": "DE",
            "city": "Berlin",
            "date": "",
            "language": "de",
        },
    )

    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.status == "submitted" and proposal.author_id == member.pk
    assert proposal.title == HTML and proposal.language == "de"
    html = member_client.get(url("member")).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_an_online_proposal_needs_no_place(member_client: Client, committee: Committee) -> None:
    response = member_client.post(
        url("propose", committee.slug),
        {
            "title": "Webinar",
            "description": "Workers speak.",
            "kind": "event",
            "online": "on",
            "language": "en",
        },
    )
    assert response.status_code == 302
    assert Proposal.objects.get().online


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"description": "x" * 6000}, "at most 5000 characters"),
        ({"kind": "party"}, "not one of the available choices"),
        ({"city": ""}, "Say in which city"),
        ({"country": ""}, "Say in which country"),
        ({"language": "klingon"}, "not one of the available choices"),
        ({"date": "2001-01-01"}, "The date has passed"),
        ({"date": "not a date"}, "Enter a valid date."),
    ],
)
def test_bad_proposals_are_a_400_and_store_nothing(
    member_client: Client, committee: Committee, fields: dict[str, Any], message: str
) -> None:
    data = {
        "title": "A stall",
        "description": "At the festival.",
        "kind": "products",
        "country": "DE",
        "city": "Berlin",
        "language": "en",
        **fields,
    }
    response = member_client.post(url("propose", committee.slug), data)
    assert response.status_code == 400 and message in text(response)
    assert not Proposal.objects.exists()


def test_no_proposal_on_a_closed_committee(member_client: Client, committee: Committee) -> None:
    Committee.objects.filter(pk=committee.pk).update(is_open=False)
    response = member_client.post(
        url("propose", committee.slug),
        {"title": "A", "description": "B", "kind": "other", "online": "on", "language": "en"},
    )
    assert response.status_code == 403 and "closed" in text(response)
    assert not Proposal.objects.exists()


def test_someone_else_cannot_propose_to_a_committee_they_are_not_in(
    client: Client, committee: Committee
) -> None:
    other = factories.CommitteeFactory()
    outsider = make_member(other, email="out@example.org")
    open_page(client, outsider.supporter)
    response = client.post(
        url("propose", committee.slug),
        {"title": "A", "description": "B", "kind": "other", "online": "on", "language": "en"},
    )
    assert response.status_code == 403
    assert not Proposal.objects.exists()


def test_a_member_changes_languages_skills_and_listing(
    member_client: Client, committee: Committee, member: Member
) -> None:
    response = member_client.post(
        url("member-update", committee.slug),
        {"languages": ["de", "en"], "skills": ["legal"], "listed": "on"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.languages == ["de", "en"] and member.listed
    assert [s.key for s in member.skills.all()] == ["legal"]


@pytest.mark.parametrize(
    "data",
    [
        {"languages": ["tlh"], "skills": []},
        {"languages": [], "skills": []},
        {"languages": ["de"], "skills": ["juggling"]},
    ],
)
def test_unknown_languages_or_skills_are_a_400_and_change_nothing(
    member_client: Client, committee: Committee, member: Member, data: dict[str, Any]
) -> None:
    response = member_client.post(url("member-update", committee.slug), data)
    assert response.status_code == 400
    member.refresh_from_db()
    assert member.languages == ["es"] and not member.skills.exists()


def test_leaving_asks_first_then_leaves(
    member_client: Client, committee: Committee, member: Member
) -> None:
    page = member_client.get(url("leave", committee.slug))
    assert page.status_code == 200 and "Yes, leave the committee" in text(page)
    member.refresh_from_db()
    assert member.status == Member.Status.CONFIRMED

    response = member_client.post(url("leave", committee.slug))
    assert response.status_code == 302
    member.refresh_from_db()
    committee.refresh_from_db()
    assert member.status == Member.Status.LEFT and committee.members_count == 0
    again = member_client.post(url("leave", committee.slug))
    assert again.status_code == 404


# --- supporting, commenting, withdrawing -----------------------------------------------


def test_a_member_supports_once(
    member_client: Client, committee: Committee, member: Member
) -> None:
    proposal = factories.ProposalFactory(committee=committee, author=None)
    link = url("support", committee.slug, proposal.pk)

    first = member_client.post(link, {"back": "proposal"})
    assert first.status_code == 302 and first["Location"] == proposal.get_absolute_url()
    second = member_client.post(link, {"back": "proposal"})
    assert second.status_code == 409 and "already support" in text(second)

    proposal.refresh_from_db()
    assert proposal.supports_count == 1 and Support.objects.count() == 1


def test_only_open_proposals_are_supported(member_client: Client, committee: Committee) -> None:
    proposal = factories.ProposalFactory(committee=committee, author=None, status="submitted")
    response = member_client.post(url("support", committee.slug, proposal.pk))
    assert response.status_code == 409
    assert not Support.objects.exists()
    assert member_client.post(url("support", committee.slug, 999999)).status_code == 404


def test_a_visitor_without_the_link_cannot_support(client: Client, committee: Committee) -> None:
    proposal = factories.ProposalFactory(committee=committee, author=None)
    response = client.post(url("support", committee.slug, proposal.pk))
    assert response.status_code == 302 and response["Location"] == "/en/my/"
    assert not Support.objects.exists()


def test_the_proposal_page_is_public_for_published_proposals_only(
    client: Client, committee: Committee
) -> None:
    proposal = factories.ProposalFactory(committee=committee, title=HTML, description=HTML)
    member = factories.MemberFactory(committee=committee, name="Carla Díaz", listed=True)
    Comment.objects.create(proposal=proposal, member=member, body=HTML)
    Comment.objects.create(proposal=proposal, member=member, body="Hidden words", hidden=True)

    response = client.get(url("proposal", committee.slug, proposal.pk))
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    html = response.content.decode()
    assert "<script>alert" not in html and "<b>bold</b>" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3
    assert "Carla" in html and "Díaz" not in html and "Hidden words" not in html
    assert "csrfmiddlewaretoken" not in html

    for status in ("submitted", "declined", "withdrawn"):
        Proposal.objects.filter(pk=proposal.pk).update(status=status)
        caches["pages"].clear()
        assert client.get(url("proposal", committee.slug, proposal.pk)).status_code == 404
    other = factories.CommitteeFactory()
    Proposal.objects.filter(pk=proposal.pk).update(status="open")
    assert client.get(url("proposal", other.slug, proposal.pk)).status_code == 404


@pytest.mark.parametrize("n", [1, 15])
def test_the_proposal_page_runs_a_fixed_number_of_queries(
    client: Client, committee: Committee, django_assert_num_queries: Any, n: int
) -> None:
    proposal = factories.ProposalFactory(committee=committee)
    for i in range(n):
        member = factories.MemberFactory(committee=committee)
        Comment.objects.create(proposal=proposal, member=member, body=f"Comment {i}")
    # the proposal with its committee, campaign and what it became; the comments
    with django_assert_num_queries(2):
        response = client.get(url("proposal", committee.slug, proposal.pk))
    assert response.status_code == 200


def test_members_support_and_comment_from_the_proposal_page(
    member_client: Client, committee: Committee, member: Member
) -> None:
    proposal = factories.ProposalFactory(committee=committee, author=None)
    page = member_client.get(url("proposal", committee.slug, proposal.pk))
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    html = text(page)
    assert url("support", committee.slug, proposal.pk) in html
    assert url("comment", committee.slug, proposal.pk) in html

    response = member_client.post(url("comment", committee.slug, proposal.pk), {"body": HTML})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.body == HTML and comment.member_id == member.pk
    proposal.refresh_from_db()
    assert proposal.comments_count == 1


@pytest.mark.parametrize(("body", "message"), [("", "required"), ("x" * 2001, "at most 2000")])
def test_an_empty_or_oversized_comment_is_a_400(
    member_client: Client, committee: Committee, body: str, message: str
) -> None:
    proposal = factories.ProposalFactory(committee=committee, author=None)
    response = member_client.post(url("comment", committee.slug, proposal.pk), {"body": body})
    assert response.status_code == 400 and message in text(response)
    assert not Comment.objects.exists()


def test_the_author_withdraws_until_it_is_decided(
    member_client: Client, committee: Committee, member: Member
) -> None:
    mine = factories.ProposalFactory(committee=committee, author=member, status="submitted")
    decided = factories.ProposalFactory(committee=committee, author=member, status="accepted")
    others = factories.ProposalFactory(committee=committee)

    assert member_client.post(url("withdraw", committee.slug, mine.pk)).status_code == 302
    mine.refresh_from_db()
    assert mine.status == "withdrawn"
    refused = member_client.post(url("withdraw", committee.slug, decided.pk))
    assert refused.status_code == 409 and "decided" in text(refused)
    assert member_client.post(url("withdraw", committee.slug, others.pk)).status_code == 403
    others.refresh_from_db()
    decided.refresh_from_db()
    assert others.status == "open" and decided.status == "accepted"


def test_a_pending_member_sees_the_wait_and_can_leave(client: Client, committee: Committee) -> None:
    post_join(client, committee)
    supporter = factories.SupporterFactory(email="ana@example.org")
    open_page(client, supporter)
    html = text(client.get(url("member")))
    assert "waits for your confirmation" in html and 'name="title"' not in html
    assert client.post(url("leave", committee.slug)).status_code == 302
    assert Member.objects.get().status == Member.Status.LEFT
