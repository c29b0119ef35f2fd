"""Joining a committee in a real Chromium, confirming from the emailed link, then, from
the member's own page, proposing an action and supporting one."""

from __future__ import annotations

import json
from typing import Any

import pytest

from solidaria.committee.models import Member, Proposal, Support
from solidaria.core.models import OutgoingEmail
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _context(template: str) -> dict[str, Any]:
    email = OutgoingEmail.objects.filter(template=template).order_by("pk").last()
    assert email is not None, template
    return dict(json.loads(email.context))


def test_join_confirm_propose_and_support(page: Any, live_server: Any) -> None:
    committee = factories.CommitteeFactory()
    factories.SkillFactory(committee=committee, key="translation")
    open_one = factories.ProposalFactory(committee=committee, title="Speaking tour", author=None)
    base = live_server.url

    # Joining, with our own proof-of-work script running.
    page.goto(f"{base}/es/committees/{committee.slug}/")
    page.fill("#id_name", "Camila Torres")
    page.fill("#id_email", "camila@example.org")
    page.select_option("#id_country", "DE")
    page.check("input[name=languages][value=de]")
    page.check("input[name=skills][value=translation]")
    page.locator("form[action*='/join/'] button[type=submit]").click()
    page.wait_for_url("**/joined/**", timeout=30_000)
    member = Member.objects.get()
    assert member.status == Member.Status.PENDING
    assert set(member.languages) == {"de", "es"}  # Spanish ticked by the page's language

    # The emailed link opens a page; its button confirms.
    page.goto(f"{base}/es/committees/confirm/{_context('committee_confirm')['token']}/")
    member.refresh_from_db()
    assert member.status == Member.Status.PENDING
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    member.refresh_from_db()
    assert member.status == Member.Status.CONFIRMED

    # The member's page opens from the self-service link.
    page.goto(f"{base}/es/my/")
    page.fill("#id_email", "camila@example.org")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(f"{base}{_context('supporters_access_link')['url']}")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/my/page/")
    page.goto(f"{base}/es/my/committees/")

    prefix = f"#id_c{committee.pk}_propose_"
    page.fill(f"{prefix}title", "Puesto en la fiesta de la calle")
    page.fill(f"{prefix}description", "Vendemos productos de las cooperativas.")
    page.select_option(f"{prefix}kind", "products")
    page.select_option(f"{prefix}country", "DE")
    page.fill(f"{prefix}city", "Berlin")
    page.locator("form[action*='/propose/'] button[type=submit]").click()
    page.wait_for_url("**/my/committees/**")
    proposal = Proposal.objects.get(author=member)
    assert proposal.status == "submitted" and proposal.city == "Berlin"

    page.locator(f"form[action$='/proposals/{open_one.pk}/support/'] button").click()
    page.wait_for_url("**/my/committees/**")
    assert Support.objects.filter(proposal=open_one, member=member).exists()
    open_one.refresh_from_db()
    assert open_one.supports_count == 1
    assert page.locator(".membership .status").first.is_visible()
