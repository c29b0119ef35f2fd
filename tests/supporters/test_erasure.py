"""Erasing a person erases them in every app, and moves no public number."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.utils import timezone

from solidaria.committee.contact import contact_message_send
from solidaria.committee.services import member_confirm, member_join
from solidaria.cooperatives.fulfilment import orders_mark_paid
from solidaria.cooperatives.models import Cooperative, Order, RoundLedgerEntry
from solidaria.cooperatives.ordering import DeliveryRequest, LineRequest, order_place
from solidaria.core.models import AuditEntry, OutgoingEmail
from solidaria.core.privacy.fields import EncryptedTextField
from solidaria.events.models import Event, Rsvp, TrustedHost
from solidaria.events.services import cosponsor_request, proposal_decide, rsvp_create
from solidaria.fundraising.models import Donation, FundTotal, LedgerEntry
from solidaria.fundraising.services import pledge_create, pledge_mark_received
from solidaria.petitions.models import Petition, PetitionCount, Signature
from solidaria.petitions.services import (
    organisation_signature_create,
    organisation_signature_decide,
    petition_tick,
    signature_create,
)
from solidaria.supporters.models import OrganisationSupporter, Supporter
from solidaria.supporters.registry import covered_models
from solidaria.supporters.selectors import supporter_find_by_email
from solidaria.supporters.services import (
    person_record_update,
    supporter_erase,
    supporter_export,
)
from tests import factories
from tests.cooperatives.factories import RoundFactory, RoundItemFactory
from tests.helpers import ORIGIN, action_proposed
from tests.supporters.dumps import database_dump

NAME = "Zelmira Quintanilla-Ortúzar"
EMAIL = "zelmira.quintanilla@example.org"
PHONE = "+54 9 341 555 0199"
# What must not be found anywhere once she is erased.
STREET = "Oranienstraße 199"
TRACES = (
    NAME,
    EMAIL,
    PHONE,
    STREET,
    "Zelmira",
    "Quintanilla",
    "zelmira.quintanilla",
    "341 555 0199",
)

# Personal data that is not about supporters, and why no supporter's erasure touches it.
NOT_ABOUT_SUPPORTERS = {
    LedgerEntry: "its private details name payees and the people defended, not donors",
    Cooperative: "its contact answers for the cooperative (purchase orders), not as a supporter",
    RoundLedgerEntry: "its private details name payees and bank accounts, not buyers",
}


@dataclass
class Everywhere:
    petition: Petition
    fund: Any
    round: Any


def personal_models() -> set[type[models.Model]]:
    """Every model that stores a personal value (in an encrypted field)."""
    return {
        model
        for model in apps.get_models()
        if any(isinstance(field, EncryptedTextField) for field in model._meta.get_fields())
    }


def decrypted_values(model: type[models.Model]) -> list[str]:
    fields = [f.name for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)]
    return [value for row in model.objects.values_list(*fields) for value in row if value]


def act_everywhere(client: Client, smtp_server: Any, run_tasks: Any) -> Everywhere:
    """One person with an action in every app that holds personal data."""
    staff = factories.UserFactory(is_staff=True, is_superuser=True)
    petition = factories.PetitionFactory()
    signature_create(
        petition=petition,
        name=NAME,
        email=EMAIL,
        country="AR",
        city="Rosario",
        comment="Zelmira firma desde Rosario.",
        consent_owner=True,
        show_publicly=True,
        language="es",
        ip="203.0.113.50",
    )
    petition_tick()
    run_tasks()
    text = smtp_server.messages[-1].get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"/es/petitions/confirm/[^\s]+/", text).group(0)
    assert client.post(link, HTTP_ORIGIN=ORIGIN).status_code == 302
    petition_tick()

    letter = factories.PetitionFactory(kind=Petition.Kind.OPEN_LETTER)
    sent = organisation_signature_create(
        petition=letter,
        name="Cooperativa Textil Pigüé",
        country="AR",
        contact_name=NAME,
        contact_email=EMAIL,
        language="es",
    )
    organisation_signature_decide(signature=sent, approve=True, actor=staff)

    fund = factories.FundFactory()
    gift = pledge_create(
        fund=fund,
        amount_minor=5000,
        currency="USD",
        name=NAME,
        email=EMAIL,
        consent_owner=True,
        language="es",
    )
    pledge_mark_received(donation=gift, actor=staff)

    event = factories.EventFactory(capacity=10)
    rsvp_create(event=event, name=NAME, email=EMAIL, phone=PHONE, guests=1, language="es")
    cosponsor_request(
        event=event,
        name="Cooperativa Textil Pigüé",
        country="AR",
        website="https://coop.example.org",
        contact_name=NAME,
        contact_email=EMAIL,
        language="es",
    )

    day = factories.DayOfActionFactory()
    starts = timezone.now() + timedelta(days=20)
    hosted = action_proposed(day, starts=starts, host_name=NAME, host_email=EMAIL)
    proposal_decide(event=hosted, approve=True, trust=True, actor=staff)
    committee = factories.CommitteeFactory()
    member_join(
        committee=committee,
        name=NAME,
        email=EMAIL,
        country="AR",
        city="Rosario",
        languages=["es", "de"],
        skill_keys=[],
        listed=True,
        language="es",
    )
    confirmation = OutgoingEmail.objects.filter(template="committee_confirm").latest("pk")
    member_confirm(token=json.loads(confirmation.context)["token"])
    committee.organisation.contacts.create(language="es", email="solidaridad@example.org")
    contact_message_send(
        organisation=committee.organisation,
        committee=committee,
        name=NAME,
        email=EMAIL,
        message="Zelmira puede traducir al alemán.",
        language="es",
        ip="203.0.113.50",
    )
    # She buys from a round, has it sent home, and pays.
    round_ = RoundFactory()
    item = RoundItemFactory(round=round_, price_minor=850)
    placed = order_place(
        round=round_,
        lines=[LineRequest(item_id=item.pk, variant_id=None, quantity=2)],
        delivery=DeliveryRequest(address=STREET, postcode="10999", city="Berlin", country="DE"),
        prices_seen={item.pk: 850},
        currency=round_.currency,
        name=NAME,
        email=EMAIL,
        consent_owner=True,
        language="es",
    )
    orders_mark_paid(orders=[placed.order], actor=staff)
    # An organiser's private note about her.
    record = OrganisationSupporter.objects.filter(supporter__email_index__isnull=False).first()
    person_record_update(record=record, tags=[], notes=f"{NAME} translates.", actor=staff)
    # The confirmation went out (its subject is kept); the later messages are still queued.
    return Everywhere(petition=petition, fund=fund, round=round_)


def public_figures() -> dict[str, object]:
    """Every number a public page or the ledger shows."""
    return {
        "petition_counts": sorted(PetitionCount.objects.values_list("petition_id", "confirmed")),
        "signatures": sorted(
            Signature.objects.values_list("petition_id", "status", "country", "created_at")
        ),
        "fund_totals": sorted(
            FundTotal.objects.values_list("fund_id", "currency", "raised_minor", "gifts")
        ),
        "ledger": sorted(LedgerEntry.objects.values_list("fund_id", "amount_minor", "currency")),
        "gifts": sorted(Donation.objects.values_list("fund_id", "status", "amount_minor")),
        "events": sorted(Event.objects.values_list("pk", "status", "seats_taken", "waiting")),
        "registrations": sorted(Rsvp.objects.values_list("event_id", "status", "guests")),
    }


@pytest.mark.django_db(transaction=True)
def test_erasure_leaves_no_trace_of_the_person_in_any_table(
    client: Client, smtp_server: Any, run_tasks: Any
) -> None:
    act_everywhere(client, smtp_server, run_tasks)
    supporter = supporter_find_by_email(EMAIL)
    assert supporter is not None
    # She is in every model that holds a supporter's data, so the test covers them all.
    for model in personal_models() - set(NOT_ABOUT_SUPPORTERS) - {Supporter}:
        assert any(NAME in v or EMAIL in v for v in decrypted_values(model)), model.__name__

    counts = supporter_erase(supporter=supporter)

    assert counts["petitions"] == 2 and counts["events"] == 4 and counts["fundraising"] == 1
    assert counts["committee"] == 2  # her membership and her message
    assert counts["cooperatives"] == 1  # her order: its lines and amounts stay
    assert Order.objects.get().items_minor == 2 * 850
    dump = database_dump()
    assert "petitions_signature" in dump  # the dump really holds the tables
    for trace in TRACES:
        assert trace.lower() not in dump.lower(), trace
    for model in personal_models():
        for value in decrypted_values(model):
            assert not any(trace in value for trace in TRACES), (model.__name__, value)
    assert supporter_find_by_email(EMAIL) is None
    assert not TrustedHost.objects.exists()
    assert not OutgoingEmail.objects.filter(
        status__in=[OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.SENDING]
    ).exists()
    entry = AuditEntry.objects.get(action="supporter.erased")
    assert entry.data == counts


@pytest.mark.django_db
def test_erasure_moves_no_public_count_total_or_ledger_amount(
    client: Client, smtp_server: Any, run_tasks: Any, django_capture_on_commit_callbacks: Any
) -> None:
    everywhere = act_everywhere(client, smtp_server, run_tasks)
    before = public_figures()
    page_before = Client().get(everywhere.petition.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        supporter_erase(supporter=supporter_find_by_email(EMAIL))
    petition_tick()

    assert public_figures() == before
    page = Client().get(everywhere.petition.get_absolute_url()).content.decode()
    assert re.search(r"<strong>1</strong>", page)
    assert "Zelmira" in page_before.content.decode() and "Zelmira" not in page


@pytest.mark.django_db
def test_the_export_holds_every_action_consent_and_email(
    client: Client, smtp_server: Any, run_tasks: Any
) -> None:
    everywhere = act_everywhere(client, smtp_server, run_tasks)

    data = supporter_export(supporter=supporter_find_by_email(EMAIL))

    assert data["supporter"]["phone"] == PHONE
    assert [s["city"] for s in data["signatures"]] == ["Rosario"]
    assert [s["contact_name"] for s in data["organisation_signatures"]] == [NAME]
    assert [(g["amount_minor"], g["currency"], g["status"]) for g in data["gifts"]] == [
        (5000, "USD", "succeeded")
    ]
    assert [(r["phone"], r["guests"]) for r in data["event_registrations"]] == [(PHONE, 1)]
    assert [h["host_name"] for h in data["hosted_actions"]] == [NAME]
    assert [c["contact_email"] for c in data["cosponsorships"]] == [EMAIL]
    assert [(o["shipping_address"], o["items_minor"], o["status"]) for o in data["orders"]] == [
        (STREET, 2 * 850, "paid")
    ]
    assert sorted((c["organisation"], c["where"]) for c in data["consents"]) == sorted(
        [
            (everywhere.petition.campaign.owner.name, f"petition:{everywhere.petition.slug}"),
            (everywhere.fund.campaign.owner.name, f"fund:{everywhere.fund.slug}"),
            (everywhere.round.organisation.name, f"round:{everywhere.round.slug}"),
        ]
    )
    assert all(c["wording"] for c in data["consents"])
    sent = [e for e in data["emails"] if e["sent"]]
    assert sent and all(e["subject"] for e in sent)


def test_every_model_with_personal_data_is_covered_by_an_app_in_the_registry() -> None:
    uncovered = personal_models() - covered_models() - set(NOT_ABOUT_SUPPORTERS)
    assert uncovered == set(), sorted(model.__name__ for model in uncovered)
