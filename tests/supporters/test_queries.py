"""A supporter's own page and the organisers' people list run the same number of
queries however many actions and people there are (STYLE.md, rule 4)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from solidaria.events.services import rsvp_create
from solidaria.organisations.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def own_page_queries(actions: int, run_tasks: Any) -> int:
    campaign = factories.CampaignFactory()
    for _n in range(actions):
        event = factories.EventFactory(campaign=campaign)
        rsvp_create(event=event, name="Inés", email="ines@example.org", language="en")
    client = Client()
    client.post("/en/my/", {"email": "ines@example.org"})
    run_tasks()
    link = re.search(r"http://[^\s]+(/en/my/open/[^\s/]+/)", mail.outbox[-1].body).group(1)
    client.post(link)
    return queries_for(client, "/en/my/page/")


def test_the_own_page_runs_a_fixed_number_of_queries(run_tasks: Any) -> None:
    one = own_page_queries(1, run_tasks)
    mail.outbox.clear()

    many = own_page_queries(12, run_tasks)

    assert one == many


def people_list_queries(people: int) -> int:
    event = factories.EventFactory()
    for n in range(people):
        rsvp_create(event=event, name=f"P {n}", email=f"p{n}@example.org", language="en")
    client = Client()
    client.force_login(
        factories.MembershipFactory(
            organisation=event.campaign.owner, role=Membership.Role.ORGANISER
        ).user
    )
    return queries_for(client, "/admin/supporters/organisationsupporter/")


def test_the_people_list_runs_a_fixed_number_of_queries() -> None:
    assert people_list_queries(1) == people_list_queries(30)
