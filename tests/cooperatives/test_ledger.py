"""The round's ledger: the fund's mechanism (core.ledger) for a buying round. Four
eyes, corrections as new entries, payments that name a cooperative and its pesos,
the console scoped to the round's organisation, bad input refused in the
organiser's language with nothing stored, the summary's totals beside the orders,
and the public page with approved entries only."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from solidaria.cooperatives.exceptions import LedgerError
from solidaria.cooperatives.ledger import (
    round_ledger_entry_create,
)
from solidaria.cooperatives.models import Order, Round, RoundItem, RoundLedgerEntry
from solidaria.core.ledger.services import ledger_entry_approve, ledger_entry_reverse
from solidaria.core.models import AuditEntry
from solidaria.organisations.models import Membership, Organisation
from tests import factories
from tests.cooperatives.factories import (
    CooperativeFactory,
    PickupPointFactory,
    RoundFactory,
    RoundItemFactory,
)
from tests.cooperatives.test_fulfilment import make_order

pytestmark = pytest.mark.django_db

LEDGER = "/admin/cooperatives/roundledgerentry/"
Kind = RoundLedgerEntry.Kind
Category = RoundLedgerEntry.Category


@pytest.fixture
def round() -> Round:
    return RoundFactory()


@pytest.fixture
def item(round: Round) -> RoundItem:
    return RoundItemFactory(round=round)


def staff(organisation: Organisation, role: str = Membership.Role.ORGANISER) -> Client:
    client = Client()
    client.force_login(factories.MembershipFactory(organisation=organisation, role=role).user)
    return client


def said(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def payment(round: Round, item: RoundItem, actor: Any, amount: int = 10000, **fields: Any):
    """A payment to the item's cooperative entered by `actor`."""
    entry = {
        "kind": Kind.PAYMENT,
        "category": Category.GOODS,
        "cooperative": item.product.cooperative,
        "description": {"en": "First half of the purchase order", "de": "Erste Hälfte"},
        "private_details": "Transfer to account 0123-4567, treasurer Marta Quiroga",
    }
    entry = {"entry_date": timezone.localdate(), **entry, **fields}
    return round_ledger_entry_create(round=round, amount_minor=amount, actor=actor, **entry)


# --- the services -------------------------------------------------------------------------


def test_a_payment_counts_only_once_another_organiser_approves_it(
    round: Round, item: RoundItem
) -> None:
    alice, bob = factories.UserFactory(), factories.UserFactory()
    entry = payment(round, item, alice)
    # 100.00 € at the round's 1,050 pesos for one euro, as nothing else was typed.
    assert entry.currency == "EUR" and entry.amount_pesos_minor == 10_500_000
    assert entry.approved_at is None
    with pytest.raises(LedgerError):
        ledger_entry_approve(entry=entry, actor=alice)
    entry.refresh_from_db()
    assert entry.approved_at is None
    approved = ledger_entry_approve(entry=entry, actor=bob)
    assert approved.approved_by == bob and approved.approved_at is not None
    audited = AuditEntry.objects.filter(object_id=str(entry.pk)).order_by("pk")
    assert [(a.action, a.actor, a.organisation) for a in audited] == [
        ("ledger.entered", alice, round.organisation),
        ("ledger.approved", bob, round.organisation),
    ]
    assert "Quiroga" not in str(list(audited.values("data", "object_repr")))


def test_a_reversal_is_a_new_entry_with_the_opposite_amount_and_pesos(
    round: Round, item: RoundItem
) -> None:
    alice, bob = factories.UserFactory(), factories.UserFactory()
    entry = ledger_entry_approve(
        entry=payment(round, item, alice, amount_pesos_minor=10_000_000), actor=bob
    )
    reversal = ledger_entry_reverse(entry=entry, actor=alice, reason="wrong account")
    assert (reversal.amount_minor, reversal.amount_pesos_minor) == (-10000, -10_000_000)
    assert reversal.corrects == entry and reversal.cooperative == entry.cooperative
    assert reversal.kind == Kind.PAYMENT and reversal.approved_at is None  # four eyes again
    reversal.refresh_from_db()
    assert reversal.description.localize("en") == "Correction: wrong account"
    assert RoundLedgerEntry.objects.filter(pk=entry.pk, amount_minor=10000).exists()
    with pytest.raises(LedgerError):
        ledger_entry_reverse(entry=entry, actor=bob, reason="again")
    with pytest.raises(LedgerError):
        ledger_entry_approve(entry=reversal, actor=alice)
    ledger_entry_approve(entry=reversal, actor=bob)


@pytest.mark.parametrize(
    ("fields", "refused_field"),
    [
        ({"cooperative": None}, "cooperative"),
        ({"amount": 0}, "amount"),
        ({"amount": -500}, "amount"),
        ({"category": Category.SHIPPING}, "category"),
        ({"kind": Kind.EXPENSE, "category": Category.SHIPPING}, "cooperative"),
        ({"entry_date": timezone.localdate() + datetime.timedelta(days=1)}, "date"),
        ({"amount_pesos_minor": -5}, "amount_pesos"),
    ],
)
def test_the_round_ledger_refuses_what_does_not_fit(
    round: Round, item: RoundItem, fields: dict[str, Any], refused_field: str
) -> None:
    amount = fields.pop("amount", 10000)
    with pytest.raises(LedgerError) as refused:
        payment(round, item, factories.UserFactory(), amount=amount, **fields)
    assert refused.value.field == refused_field
    assert not RoundLedgerEntry.objects.exists()


def test_only_the_rounds_cooperatives_can_be_paid(round: Round, item: RoundItem) -> None:
    elsewhere = CooperativeFactory()
    with pytest.raises(LedgerError) as refused:
        payment(round, item, factories.UserFactory(), cooperative=elsewhere)
    assert refused.value.field == "cooperative" and not RoundLedgerEntry.objects.exists()


def test_a_correction_stays_in_its_round(round: Round, item: RoundItem) -> None:
    from solidaria.core.ledger.services import ledger_entry_check

    entry = payment(round, item, factories.UserFactory())
    with pytest.raises(LedgerError) as refused:
        ledger_entry_check(
            entry_date=timezone.localdate(),
            amount_minor=-10000,
            book_id=RoundFactory().pk,
            corrects=entry,
        )
    assert refused.value.field == "corrects"


# --- the console --------------------------------------------------------------------------


def _form(of: Round, **fields: Any) -> dict[str, Any]:
    return {
        "round": of.pk,
        "kind": "expense",
        "date": "2026-11-02",
        "amount": "42,50",  # posted in Spanish below, or typed as a German
        "category": "shipping",
        "cooperative": "",
        "amount_pesos": "",
        "description_0": "Shipping from Buenos Aires",
        "private_details": "",
        **fields,
    }


def test_organisers_enter_approve_and_reverse_with_four_eyes(round: Round, item: RoundItem) -> None:
    alice = staff(round.organisation)
    response = alice.post(f"{LEDGER}add/", _form(round), HTTP_ACCEPT_LANGUAGE="de", follow=True)
    assert response.status_code == 200
    assert response.status_code == 200 and len(said(response)) >= 1
    entry = RoundLedgerEntry.objects.get()
    assert (entry.amount_minor, entry.currency, entry.cooperative) == (4250, "EUR", None)

    action = {"action": "approve", "_selected_action": [entry.pk]}
    refused = alice.post(LEDGER, action, follow=True)
    assert "Another organiser must approve what you entered." in said(refused)
    # The service's refusal in the organiser's language (the fund's words, translated).
    refused = alice.post(LEDGER, action, HTTP_ACCEPT_LANGUAGE="es", follow=True)
    assert "Otra persona del equipo organizador debe aprobar lo que ingresaste." in said(refused)
    entry.refresh_from_db()
    assert entry.approved_at is None

    bob = staff(round.organisation)
    approved = bob.post(LEDGER, action, follow=True)
    assert "1 entry approved." in said(approved)
    entry.refresh_from_db()
    assert entry.approved_by is not None and entry.approved_by != entry.created_by

    # Append-only: the entry's page shows it and saves nothing.
    response = bob.post(f"{LEDGER}{entry.pk}/change/", {"amount": "1"})
    entry.refresh_from_db()
    assert response.status_code == 403 and entry.amount_minor == 4250

    reversed_ = bob.post(LEDGER, {"action": "reverse", "_selected_action": [entry.pk]}, follow=True)
    assert any("correcting entry created" in message for message in said(reversed_))
    assert RoundLedgerEntry.objects.filter(corrects=entry, amount_minor=-4250).exists()


def test_a_payment_entered_in_the_console_names_the_cooperative_and_its_pesos(
    round: Round, item: RoundItem
) -> None:
    alice = staff(round.organisation)
    form = _form(
        round,
        kind="payment",
        category="goods",
        cooperative=item.product.cooperative_id,
        amount="1.200,00",
        amount_pesos="1.300.000",
    )
    response = alice.post(f"{LEDGER}add/", form, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = RoundLedgerEntry.objects.get()
    assert (entry.amount_minor, entry.amount_pesos_minor) == (120000, 130_000_000)
    assert entry.cooperative == item.product.cooperative


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount": "lots"}, None),
        ({"amount": "0"}, None),
        ({"amount": "-5"}, None),
        ({"date": "2999-01-01"}, "Un asiento no puede tener una fecha futura."),
        ({"kind": "payment", "category": "goods"}, None),  # which cooperative?
        ({"category": "goods"}, None),  # not an expense's category
        ({"kind": "payment", "category": "goods", "amount_pesos": "mucho"}, None),
        ({"round": "999999"}, None),
    ],
)
def test_bad_entries_are_form_errors_in_the_organisers_language(
    round: Round, item: RoundItem, fields: dict[str, str], message: str | None
) -> None:
    client = staff(round.organisation)
    data = _form(round, **fields)
    if fields.get("kind") == "payment" and "amount_pesos" in fields:
        data["cooperative"] = item.product.cooperative_id
    response = client.post(f"{LEDGER}add/", data, HTTP_ACCEPT_LANGUAGE="es")
    page = response.content.decode()
    assert response.status_code == 200 and "errornote" in page
    assert 'lang="es"' in page
    if message:
        assert message in page
    assert not RoundLedgerEntry.objects.exists()
    assert not AuditEntry.objects.filter(action="ledger.entered").exists()


def test_staff_of_another_organisation_neither_see_nor_approve(
    round: Round, item: RoundItem
) -> None:
    entry = payment(round, item, factories.UserFactory())
    stranger = staff(RoundFactory().organisation, Membership.Role.OWNER)

    listing = stranger.get(LEDGER)
    assert listing.status_code == 200 and entry.pk not in {
        obj.pk for obj in listing.context["cl"].result_list
    }
    assert stranger.get(f"{LEDGER}{entry.pk}/change/").status_code in (302, 404)
    stranger.post(LEDGER, {"action": "approve", "_selected_action": [entry.pk]})
    # Their form offers only their own rounds: ours is refused, nothing stored.
    response = stranger.post(f"{LEDGER}add/", _form(round, amount="42.50"))
    assert response.status_code == 200 and "errornote" in response.content.decode()
    entry.refresh_from_db()
    assert entry.approved_at is None and RoundLedgerEntry.objects.count() == 1


def test_viewers_read_the_ledger_but_do_not_approve(round: Round, item: RoundItem) -> None:
    entry = payment(round, item, factories.UserFactory())
    viewer = staff(round.organisation, Membership.Role.VIEWER)
    assert viewer.get(LEDGER).status_code == 200
    assert viewer.get(f"{LEDGER}add/").status_code == 403
    viewer.post(LEDGER, {"action": "approve", "_selected_action": [entry.pk]})
    entry.refresh_from_db()
    assert entry.approved_at is None


def test_the_summary_sets_the_approved_ledger_beside_the_orders(
    round: Round, item: RoundItem
) -> None:
    point = PickupPointFactory(round=round)
    make_order(round, [(item, 4)], point=point, status=Order.Status.PAID)  # 34.00 €
    make_order(round, [(item, 2)], point=point)  # 17.00 €, not paid
    alice, bob = factories.UserFactory(), factories.UserFactory()
    income = round_ledger_entry_create(
        round=round,
        kind=Kind.INCOME,
        category=Category.BANK_TRANSFERS,
        entry_date=timezone.localdate(),
        amount_minor=3400,
        description={"en": "Transfers of the first week"},
        actor=alice,
    )
    ledger_entry_approve(entry=income, actor=bob)
    ledger_entry_approve(entry=payment(round, item, alice, amount=3000), actor=bob)
    payment(round, item, alice, amount=999)  # waiting: not counted

    client = staff(round.organisation, Membership.Role.VIEWER)
    page = client.get(f"/admin/cooperatives/round/{round.pk}/summary/").content.decode()
    money = page[page.index("Approved in the ledger") : page.index("Packing lists")]
    assert "€34.00" in money  # income, and what buyers paid
    assert "€30.00" in money  # paid to the cooperative
    assert "€4.00" in money  # the balance
    assert "1 entry waits for a second organiser" in money
    cooperative = item.product.cooperative.name
    row = money[money.index(cooperative) : money.index("</tr>", money.index(cooperative))]
    # Ordered 51.00 € (the unpaid order counts in the purchase order), paid 30.00 €,
    # 21.00 € still to pay, 31,500 pesos at the round's rate.
    for figure in ("€51.00", "€30.00", "€21.00", "ARS"):
        assert figure in row, (figure, row)


def test_the_summary_reads_the_ledger_in_as_many_queries_for_one_cooperative_or_four(
    round: Round, item: RoundItem
) -> None:
    point = PickupPointFactory(round=round)
    alice, bob = factories.UserFactory(), factories.UserFactory()
    client = staff(round.organisation, Membership.Role.VIEWER)
    address = f"/admin/cooperatives/round/{round.pk}/summary/"

    def paid_once(paid_item: RoundItem) -> None:
        make_order(round, [(paid_item, 1)], point=point, status=Order.Status.PAID)
        ledger_entry_approve(entry=payment(round, paid_item, alice, amount=500), actor=bob)

    def queries() -> int:
        client.get(address)  # the session and the console's own look-ups, once
        with CaptureQueriesContext(connection) as captured:
            assert client.get(address).status_code == 200
        return len(captured.captured_queries)

    paid_once(item)
    one = queries()
    for _ in range(3):
        paid_once(RoundItemFactory(round=round))
    paid_to = RoundLedgerEntry.objects.filter(round=round).values("cooperative").distinct()
    assert paid_to.count() == 4

    assert queries() == one


def test_an_empty_ledger_says_so_on_the_summary(round: Round) -> None:
    page = staff(round.organisation).get(f"/admin/cooperatives/round/{round.pk}/summary/")
    assert "Nothing has been entered in the round" in page.content.decode()


# --- the public page ----------------------------------------------------------------------


def test_the_public_ledger_shows_approved_entries_and_no_private_details(
    client: Client, round: Round, item: RoundItem, django_assert_num_queries: Any
) -> None:
    alice, bob = factories.UserFactory(), factories.UserFactory()
    url = f"/en/rounds/{round.slug}/ledger/"
    waiting = payment(round, item, alice)
    assert "First half" not in client.get(url).content.decode()
    ledger_entry_approve(entry=waiting, actor=bob)
    for n in range(5):
        entry = payment(round, item, alice, amount=100 + n, description={"en": f"Part {n}"})
        ledger_entry_approve(entry=entry, actor=bob)
    caches["pages"].clear()
    with django_assert_num_queries(3):
        page = client.get(url).content.decode()
    assert "First half of the purchase order" in page and "Part 4" in page
    assert item.product.cooperative.name in page
    assert "Quiroga" not in page and "0123-4567" not in page
    assert (
        f"/en/rounds/{round.slug}/ledger/" in client.get(round.get_absolute_url()).content.decode()
    )


def test_an_unpublished_rounds_ledger_is_not_found(client: Client) -> None:
    hidden = RoundFactory(published=False)
    assert client.get(f"/en/rounds/{hidden.slug}/ledger/").status_code == 404
