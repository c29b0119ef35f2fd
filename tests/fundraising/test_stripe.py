"""Card gifts: Checkout against a local stand-in for Stripe, webhooks with real signatures."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from solidaria.core.models import StripeEvent
from solidaria.core.web.formguard import form_token
from solidaria.fundraising.models import Donation, Fund, FundTotal, LedgerEntry
from tests import factories
from tests.helpers import ORIGIN, post_form

from .conftest import StripeStandIn, event, signed_post

pytestmark = pytest.mark.django_db


def give_by_card(client: Client, fund: Fund, **fields: Any):
    data = {
        "amount": "25",
        "currency": "USD",
        "method": "card",
        "name": "Ana María Gómez",
        "email": "ana@example.org",
        "form_token": form_token(f"give:{fund.pk}"),
        **fields,
    }
    return post_form(client, f"/en/funds/{fund.slug}/give/", data)


def checkout(client: Client, stripe_api: StripeStandIn, fund: Fund, **fields: Any) -> Donation:
    stripe_api.answer("POST", "/v1/checkout/sessions", 200, "checkout_session_created.json")
    response = give_by_card(client, fund, **fields)
    assert response.status_code == 302
    assert response["Location"].startswith("https://checkout.stripe.com/")
    return Donation.objects.get(stripe_session_id="cs_test_a1B2c3D4e5F6g7H8i9J0")


def completed(donation: Donation, **extra: Any) -> dict[str, Any]:
    return {
        "id": "cs_test_a1B2c3D4e5F6g7H8i9J0",
        "object": "checkout.session",
        "client_reference_id": str(donation.pk),
        "metadata": {"donation_id": str(donation.pk)},
        "payment_status": "paid",
        "payment_intent": "pi_3QxYzAbCdEfGhIjK",
        "customer": "cus_RkLmNoPqRsTuVw",
        "subscription": None,
        **extra,
    }


def test_card_option_appears_with_stripe_configured(client: Client, stripe_api) -> None:
    fund = factories.FundFactory()
    assert 'value="card"' in client.get(f"/en/funds/{fund.slug}/").content.decode()


def test_the_gift_form_may_lead_to_stripes_checkout(client: Client, stripe_api) -> None:
    """Browsers hold the redirect after a form to the page's form-action."""
    fund = factories.FundFactory()
    page = client.get(f"/en/funds/{fund.slug}/")
    shown_again = give_by_card(client, fund, amount="-1")  # refused: the form again
    for response in (page, shown_again):
        policy = response["Content-Security-Policy"]
        form_action = next(p for p in policy.split(";") if "form-action" in p)
        assert "https://checkout.stripe.com" in form_action


def test_checkout_sends_the_gift_to_stripe_and_waits_for_the_webhook(
    client: Client, stripe_api: StripeStandIn
) -> None:
    fund = factories.FundFactory()
    donation = checkout(client, stripe_api, fund)
    (request,) = stripe_api.requests
    assert request["form"]["mode"] == "payment"
    assert request["form"]["line_items[0][price_data][unit_amount]"] == "2500"
    assert request["form"]["line_items[0][price_data][currency]"] == "usd"
    assert request["form"]["client_reference_id"] == str(donation.pk)
    assert request["idempotency_key"] == f"donation-{donation.pk}-checkout"
    assert request["authorization"] == "Bearer sk_test_solidaria"
    assert donation.status == Donation.Status.PENDING  # only the webhook makes it count
    assert not FundTotal.objects.exists()


def test_monthly_gifts_become_subscriptions(client: Client, stripe_api: StripeStandIn) -> None:
    fund = factories.FundFactory()
    donation = checkout(client, stripe_api, fund, frequency="monthly")
    form = stripe_api.requests[0]["form"]
    assert form["mode"] == "subscription"
    assert form["line_items[0][price_data][recurring][interval]"] == "month"
    assert donation.frequency == Donation.Frequency.MONTHLY


def test_when_stripe_is_down_the_donor_is_told_and_nothing_counts(
    client: Client, stripe_api: StripeStandIn
) -> None:
    fund = factories.FundFactory()
    stripe_api.answer("POST", "/v1/checkout/sessions", 500, "error_api_down.json")
    response = give_by_card(client, fund)
    assert response.status_code == 400
    assert "Nothing was charged" in response.content.decode()
    assert Donation.objects.get().status == Donation.Status.FAILED


def test_a_signed_webhook_makes_the_gift_count_once(
    client: Client, stripe_api: StripeStandIn, run_tasks
) -> None:
    fund = factories.FundFactory()
    donation = checkout(client, stripe_api, fund)
    payload = event("checkout.session.completed", completed(donation))
    assert signed_post(client, payload).status_code == 200
    assert signed_post(client, payload).json()["outcome"] == "duplicate"
    donation.refresh_from_db()
    assert donation.status == Donation.Status.SUCCEEDED
    assert donation.stripe_payment_intent_id == "pi_3QxYzAbCdEfGhIjK"
    assert FundTotal.objects.get(fund=fund).raised_minor == 2500
    assert LedgerEntry.objects.count() == 1 and StripeEvent.objects.count() == 1
    run_tasks()
    assert [m.subject for m in mail.outbox if "Receipt" in m.subject]


@pytest.mark.parametrize(
    "tamper",
    ["bad signature", "stale", "not json", "no header", "other secret"],
)
def test_unverified_webhooks_are_refused_and_change_nothing(
    client: Client, stripe_api: StripeStandIn, tamper: str
) -> None:
    fund = factories.FundFactory()
    donation = checkout(client, stripe_api, fund)
    payload = event("checkout.session.completed", completed(donation))
    if tamper == "bad signature":
        import json

        import stripe

        header = stripe.WebhookSignature.generate_signature_header(
            json.dumps(payload), "whsec_test_solidaria"
        )
        payload["data"]["object"]["payment_status"] = "paid "  # altered after signing
        response = client.post(
            "/stripe/webhook/",
            json.dumps(payload),
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=header,
        )
    elif tamper == "stale":
        response = signed_post(client, payload, timestamp=int(time.time()) - 3600)
    elif tamper == "not json":
        response = signed_post(client, "{not json")
    elif tamper == "other secret":
        response = signed_post(client, payload, secret="whsec_someone_else")
    else:
        response = client.post("/stripe/webhook/", payload, content_type="application/json")
    assert response.status_code == 400
    donation.refresh_from_db()
    assert donation.status == Donation.Status.PENDING and not StripeEvent.objects.exists()


def test_webhook_is_off_without_stripe_keys(client: Client) -> None:
    assert client.post("/stripe/webhook/", "{}", content_type="application/json").status_code == 404


def test_refunds_and_disputes_update_the_record_and_the_ledger(
    client: Client, stripe_api: StripeStandIn
) -> None:
    fund = factories.FundFactory()
    donation = checkout(client, stripe_api, fund)
    signed_post(client, event("checkout.session.completed", completed(donation)))
    charge = {"object": "charge", "payment_intent": "pi_3QxYzAbCdEfGhIjK", "amount_refunded": 1000}
    signed_post(client, event("charge.refunded", charge, event_id="evt_refund_1"))
    donation.refresh_from_db()
    assert (donation.status, donation.refunded_minor) == (Donation.Status.SUCCEEDED, 1000)
    assert FundTotal.objects.get(fund=fund).raised_minor == 1500
    full = {**charge, "amount_refunded": 2500}
    signed_post(client, event("charge.refunded", full, event_id="evt_refund_2"))
    donation.refresh_from_db()
    assert donation.status == Donation.Status.REFUNDED
    assert FundTotal.objects.get(fund=fund).raised_minor == 0
    refunds = LedgerEntry.objects.filter(amount_minor__lt=0)
    assert sorted(e.amount_minor for e in refunds) == [-1500, -1000]
    assert all(entry.corrects is not None for entry in refunds)

    Donation.objects.filter(pk=donation.pk).update(stripe_session_id=None)  # one recorded id
    other = checkout(client, stripe_api, fund, email="bea@example.org")
    signed_post(
        client,
        event(
            "checkout.session.completed",
            completed(other, payment_intent="pi_other"),
            event_id="evt_other",
        ),
    )
    dispute = {"object": "dispute", "payment_intent": "pi_other", "status": "needs_response"}
    signed_post(client, event("charge.dispute.created", dispute, event_id="evt_dispute"))
    other.refresh_from_db()
    assert other.status == Donation.Status.DISPUTED
    assert FundTotal.objects.get(fund=fund).raised_minor == 0
    won = {**dispute, "status": "won"}
    signed_post(client, event("charge.dispute.closed", won, event_id="evt_dispute_won"))
    other.refresh_from_db()
    assert other.status == Donation.Status.SUCCEEDED
    assert FundTotal.objects.get(fund=fund).raised_minor == 2500


def test_monthly_payments_failures_and_cancellation(
    client: Client, stripe_api: StripeStandIn, run_tasks
) -> None:
    fund = factories.FundFactory()
    parent = checkout(client, stripe_api, fund, frequency="monthly")
    session = completed(parent, subscription="sub_1QxYzAbCdEfGhIjK", payment_intent=None)
    signed_post(client, event("checkout.session.completed", session))
    invoice = {
        "object": "invoice",
        "id": "in_1",
        "billing_reason": "subscription_cycle",
        "amount_paid": 2500,
        "amount_due": 2500,
        "currency": "usd",
        "parent": {"subscription_details": {"subscription": "sub_1QxYzAbCdEfGhIjK"}},
        "payments": {"data": [{"payment": {"payment_intent": "pi_month_2"}}]},
    }
    signed_post(client, event("invoice.paid", invoice, event_id="evt_month_2"))
    # The same invoice in another event, and an invoice of nothing, count nothing.
    signed_post(client, event("invoice.paid", invoice, event_id="evt_month_2_again"))
    free = {**invoice, "id": "in_free", "amount_paid": 0}
    signed_post(client, event("invoice.paid", free, event_id="evt_free"))
    failed = {**invoice, "id": "in_2"}
    signed_post(client, event("invoice.payment_failed", failed, event_id="evt_month_3"))
    gifts = Donation.objects.filter(fund=fund).order_by("pk")
    assert [g.status for g in gifts] == ["succeeded", "succeeded", "failed"]
    assert FundTotal.objects.get(fund=fund).raised_minor == 5000
    assert gifts[1].stripe_payment_intent_id == "pi_month_2"

    # The receipt of the first month carries the donor's own link to manage the gift.
    run_tasks()
    receipt = next(m for m in mail.outbox if "/funds/manage/" in m.body)
    manage_url = re.search(r"/en/funds/manage/[\w-]+/", receipt.body).group(0)
    assert client.get(manage_url).status_code == 200

    stripe_api.answer("GET", "/v1/subscriptions/sub_1QxYzAbCdEfGhIjK", 200, "subscription.json")
    stripe_api.answer("POST", "/v1/subscriptions/sub_1QxYzAbCdEfGhIjK", 200, "subscription.json")
    # Only the gift started at Checkout has a link: receipts of later months do not.
    assert sum("/funds/manage/" in m.body for m in mail.outbox) == 1
    assert (
        client.post(
            manage_url, {"action": "change", "amount": "40"}, HTTP_ORIGIN=ORIGIN
        ).status_code
        == 302
    )
    update = stripe_api.requests[-1]["form"]
    assert update["items[0][price_data][unit_amount]"] == "4000"
    assert update["items[0][price_data][product]"] == "prod_RkLmNoPqRsTuVw"
    parent.refresh_from_db()
    assert (parent.amount_minor, parent.next_amount_minor) == (2500, 4000)  # what arrived stays
    assert "$40.00" in client.get(manage_url).content.decode()
    assert (
        client.post(
            manage_url, {"action": "change", "amount": "-3"}, HTTP_ORIGIN=ORIGIN
        ).status_code
        == 400
    )

    stripe_api.answer(
        "DELETE", "/v1/subscriptions/sub_1QxYzAbCdEfGhIjK", 200, "subscription_cancelled.json"
    )
    # Opening the link stops nothing; nor does a form posted from another site.
    assert client.get(manage_url).status_code == 200
    foreign = client.post(manage_url, {"action": "cancel"}, HTTP_ORIGIN="https://evil.example")
    assert foreign.status_code == 403
    parent.refresh_from_db()
    assert parent.cancelled_at is None
    assert client.post(manage_url, {"action": "cancel"}, HTTP_ORIGIN=ORIGIN).status_code == 302
    parent.refresh_from_db()
    assert parent.cancelled_at is not None
    deleted = {"object": "subscription", "id": "sub_1QxYzAbCdEfGhIjK"}
    assert (
        signed_post(client, event("customer.subscription.deleted", deleted, "evt_end")).json()[
            "outcome"
        ]
        == "ignored"
    )  # already recorded by the donor's own cancellation
    assert client.get("/en/funds/manage/forged/").status_code == 404


def test_sessions_we_did_not_start_are_ignored(client: Client, stripe_api: StripeStandIn) -> None:
    fund = factories.FundFactory()
    donation = checkout(client, stripe_api, fund)
    foreign = completed(donation, id="cs_test_of_another_site")
    outcome = signed_post(client, event("checkout.session.completed", foreign)).json()["outcome"]
    donation.refresh_from_db()
    assert outcome == "ignored" and donation.status == Donation.Status.PENDING


def test_a_refund_of_a_monthly_gift_is_found_through_its_invoice(
    client: Client, stripe_api: StripeStandIn
) -> None:
    fund = factories.FundFactory()
    parent = checkout(client, stripe_api, fund, frequency="monthly")
    session = completed(
        parent, subscription="sub_1QxYzAbCdEfGhIjK", payment_intent=None, invoice="in_first_month"
    )
    signed_post(client, event("checkout.session.completed", session))
    stripe_api.answer("GET", "/v1/invoice_payments", 200, "invoice_payments_list.json")
    charge = {"object": "charge", "payment_intent": "pi_first_month", "amount_refunded": 2500}
    assert signed_post(client, event("charge.refunded", charge, "evt_r")).json()["outcome"] == (
        "refunded"
    )
    lookup = stripe_api.requests[-1]
    assert lookup["method"] == "GET" and "payment_intent%5D=pi_first_month" in lookup["path"]
    parent.refresh_from_db()
    assert parent.status == Donation.Status.REFUNDED
    total = FundTotal.objects.get(fund=fund)
    assert (total.raised_minor, total.gifts) == (0, 0)


def test_inquiries_move_no_money_and_disputes_take_only_what_the_bank_took(
    client: Client, stripe_api: StripeStandIn
) -> None:
    fund = factories.FundFactory()
    donation = checkout(client, stripe_api, fund)
    signed_post(client, event("checkout.session.completed", completed(donation)))
    inquiry = {"object": "dispute", "payment_intent": "pi_3QxYzAbCdEfGhIjK"}
    for status, event_id in (("warning_needs_response", "e1"), ("warning_closed", "e2")):
        kind = "charge.dispute.created" if event_id == "e1" else "charge.dispute.closed"
        signed_post(client, event(kind, {**inquiry, "status": status, "amount": 2500}, event_id))
    donation.refresh_from_db()
    assert donation.status == Donation.Status.SUCCEEDED
    assert FundTotal.objects.get(fund=fund).raised_minor == 2500
    dispute = {**inquiry, "status": "needs_response", "amount": 1000}
    signed_post(client, event("charge.dispute.created", dispute, "e3"))
    assert FundTotal.objects.get(fund=fund).raised_minor == 1500
    signed_post(client, event("charge.dispute.closed", {**dispute, "status": "lost"}, "e4"))
    donation.refresh_from_db()
    assert donation.status == Donation.Status.DISPUTED
    assert FundTotal.objects.get(fund=fund).raised_minor == 1500


def monthly_gift_started(client: Client, stripe_api: StripeStandIn, fund: Fund) -> Donation:
    """A monthly gift whose first payment Stripe has confirmed."""
    parent = checkout(client, stripe_api, fund, frequency="monthly")
    session = completed(parent, subscription="sub_1QxYzAbCdEfGhIjK", payment_intent=None)
    signed_post(client, event("checkout.session.completed", session))
    parent.refresh_from_db()
    return parent


def test_a_monthly_gift_changed_or_stopped_is_audited_with_who_did_it(
    client: Client, stripe_api: StripeStandIn
) -> None:
    from solidaria.core.models import AuditEntry
    from solidaria.fundraising.services import monthly_cancel, monthly_change

    fund = factories.FundFactory()
    parent = monthly_gift_started(client, stripe_api, fund)

    stripe_api.answer("GET", "/v1/subscriptions/sub_1QxYzAbCdEfGhIjK", 200, "subscription.json")
    stripe_api.answer("POST", "/v1/subscriptions/sub_1QxYzAbCdEfGhIjK", 200, "subscription.json")
    monthly_change(donation=parent, amount_minor=4000)  # the donor, through their link
    changed = AuditEntry.objects.get(action="donation.monthly_changed")
    assert changed.object_id == str(parent.pk) and changed.actor is None
    assert changed.data == {"by": "donor", "from_minor": 2500, "to_minor": 4000, "currency": "USD"}

    staff = factories.MembershipFactory(organisation=fund.campaign.owner).user
    stripe_api.answer(
        "DELETE", "/v1/subscriptions/sub_1QxYzAbCdEfGhIjK", 200, "subscription_cancelled.json"
    )
    assert monthly_cancel(donation=parent, actor=staff) is True
    assert monthly_cancel(donation=parent, actor=staff) is False  # once
    cancelled = AuditEntry.objects.get(action="donation.monthly_cancelled")
    assert cancelled.actor == staff and cancelled.data == {"by": "staff"}
    assert parent.cancelled_at is not None


def test_a_monthly_change_stripe_refuses_changes_and_audits_nothing(
    client: Client, stripe_api: StripeStandIn
) -> None:
    from solidaria.core.models import AuditEntry
    from solidaria.fundraising.exceptions import PaymentUnavailable
    from solidaria.fundraising.services import monthly_change

    fund = factories.FundFactory()
    parent = monthly_gift_started(client, stripe_api, fund)
    stripe_api.answer("GET", "/v1/subscriptions/sub_1QxYzAbCdEfGhIjK", 500, "error_api_down.json")
    with pytest.raises(PaymentUnavailable):
        monthly_change(donation=parent, amount_minor=4000)
    parent.refresh_from_db()
    assert parent.next_amount_minor is None
    assert not AuditEntry.objects.filter(action="donation.monthly_changed").exists()
