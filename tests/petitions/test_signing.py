from __future__ import annotations

import base64
import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from solidaria.core.models import OutgoingEmail
from solidaria.core.privacy import pii
from solidaria.petitions import services
from solidaria.petitions.models import Petition, PetitionCount, Signature
from solidaria.petitions.services import petition_tick, signature_create
from solidaria.supporters.models import ConsentRecord, Supporter
from tests import factories
from tests.helpers import ORIGIN, post_form, signing_fields

pytestmark = pytest.mark.django_db


def sign(
    client: Client, petition: Petition, language: str = "en", ip: str = "203.0.113.7", **fields: Any
):
    # As browsers send it: urlencoded, so that the fast lane is exercised.
    return post_form(
        client,
        f"/{language}/petitions/{petition.slug}/sign/",
        signing_fields(petition, **fields),
        ip=ip,
    )


def stored(petition: Petition, email: str, *, ip: str, proof_solved: bool = False) -> None:
    """A signature as the signing request stores it, without the request."""
    signature_create(
        petition=petition,
        name="Ana Gómez",
        email=email,
        country="AR",
        language="en",
        ip=ip,
        proof_solved=proof_solved,
    )


def confirm_link(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return (
        re.search(r"http://[^\s]+/petitions/confirm/[^\s]+/", text)
        .group(0)
        .split("127.0.0.1:8000")[1]
    )


def test_sign_confirm_and_count(client: Client, smtp_server, run_tasks) -> None:
    petition = factories.PetitionFactory()
    response = sign(client, petition, language="es", show_publicly="on", consent_owner="on")
    assert response.status_code == 302
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200 and "private" in thanks["Cache-Control"]
    assert "?ref=" in thanks.content.decode()
    signature = Signature.objects.get()
    assert signature.status == Signature.Status.PENDING

    petition_tick()
    run_tasks()
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "ana@example.org"
    assert message["Content-Language"] == "es"
    link = confirm_link(message)

    # A mail scanner following the link confirms nothing.
    page = client.get(link)
    assert page.status_code == 200
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING

    foreign = client.post(link, HTTP_ORIGIN="https://evil.example")
    assert foreign.status_code == 403
    assert client.post(link).status_code == 403  # neither Origin nor Referer
    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING
    assert client.post(link, HTTP_ORIGIN=ORIGIN).status_code == 302
    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED
    assert client.post(link, HTTP_ORIGIN=ORIGIN).status_code == 302  # twice counts once

    petition_tick()
    html = Client().get(f"/es/petitions/{petition.slug}/").content.decode()
    assert re.search(r"<strong>1</strong>", html)
    assert "Ana · Argentina" in html
    supporter = Supporter.objects.get()
    assert supporter.name == "Ana María Gómez"
    record = ConsentRecord.objects.get(supporter=supporter)
    assert record.organisation == petition.campaign.owner and record.language == "es"


def test_signing_again_does_not_count_twice_and_only_the_owner_hears(
    client: Client, smtp_server, run_tasks
) -> None:
    petition = factories.PetitionFactory(title={"es": "Libertad", "en": "Freedom"})
    first = sign(client, petition)
    second = sign(Client(), petition, email=" ANA@Example.org ", ip="198.51.100.9")
    assert first.status_code == second.status_code == 302
    assert Signature.objects.count() == 1
    petition_tick()
    run_tasks()
    assert sorted((m["Subject"], m["To"]) for m in smtp_server.messages) == [
        ("Please confirm your signature: Freedom", "ana@example.org"),
        ("You have already signed: Freedom", "ana@example.org"),
    ]


def test_over_the_rate_limit_is_suspect_never_counted_and_gets_no_email(
    client, smtp_server, run_tasks
) -> None:
    petition = factories.PetitionFactory()
    assert sign(client, petition, email="one@example.org").status_code == 302
    response = sign(client, petition, email="two@example.org")
    assert response.status_code == 302  # the same answer: a bot learns nothing
    # Another address, or the same one on another petition, is not held back.
    assert sign(client, petition, email="three@example.org", ip="198.51.100.9").status_code == 302
    other = factories.PetitionFactory()
    assert sign(client, other, email="two@example.org").status_code == 302
    petition_tick()
    two = Signature.objects.get(petition=petition, suspect_reason="rate_limit")
    assert two.status == Signature.Status.SUSPECT and two.email == "two@example.org"
    assert Signature.objects.filter(status=Signature.Status.SUSPECT).count() == 1
    run_tasks()
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "one@example.org",
        "three@example.org",
        "two@example.org",  # on the other petition
    ]


def test_the_rate_limit_windows_slide(settings) -> None:
    settings.SIGNING_RATE_LIMITS = ((60, 1), (300, 3))
    petition = factories.PetitionFactory()
    start = timezone.now() - timedelta(seconds=1000)
    seconds = [0, 61, 122, 183, 490, 491]
    for i, offset in enumerate(seconds):
        # With solved proofs: the stricter limits without one are tested apart.
        stored(petition, f"bea{i}@example.org", ip="192.0.2.44", proof_solved=True)
        Signature.objects.filter(email_index=pii.email_index(f"bea{i}@example.org")).update(
            created_at=start + timedelta(seconds=offset)
        )
    petition_tick()
    suspect = sorted(
        Signature.objects.filter(status=Signature.Status.SUSPECT).values_list("email", flat=True)
    )
    # At 183 s, three came before within 300 s; at 490 s none did (183 is 307 s
    # back); at 491 s, one came within 60 s.
    assert suspect == ["bea3@example.org", "bea5@example.org"]


def test_address_hashes_wait_for_signatures_still_to_be_judged(settings) -> None:
    petition = factories.PetitionFactory()
    old = timezone.now() - timedelta(hours=2)
    for i in range(2):
        stored(petition, f"cleo{i}@example.org", ip="192.0.2.55")
    Signature.objects.update(created_at=old)
    # The worker was down for two hours: the hashes are still needed to judge them.
    assert services._purge_ip_hashes() == 0
    petition_tick()
    assert Signature.objects.filter(suspect_reason="rate_limit").count() == 1
    assert set(Signature.objects.values_list("ip_hash", flat=True)) == {""}  # then forgotten


def test_honeypot_signature_is_suspect(client: Client) -> None:
    petition = factories.PetitionFactory()
    assert sign(client, petition, website="http://spam.example").status_code == 302
    assert Signature.objects.get().suspect_reason == "honeypot"


def test_withdrawal_uncounts(client: Client, smtp_server, run_tasks) -> None:
    petition = factories.PetitionFactory()
    sign(client, petition)
    petition_tick()
    run_tasks()
    link = confirm_link(smtp_server.messages[0])
    client.post(link, HTTP_ORIGIN=ORIGIN)
    petition_tick()
    withdraw = link.replace("/confirm/", "/withdraw/")
    assert "Withdraw" in client.get(withdraw).content.decode()
    assert client.post(withdraw, HTTP_ORIGIN="https://evil.example").status_code == 403
    assert Signature.objects.get().status == Signature.Status.CONFIRMED  # GET, foreign POST
    client.post(withdraw, HTTP_ORIGIN=ORIGIN)
    petition_tick()
    petition.refresh_from_db()
    assert petition.count.confirmed == 0
    assert Signature.objects.get().status == Signature.Status.WITHDRAWN


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 403), ({"HTTP_ORIGIN": "https://evil.example"}, 403), ({"HTTP_ORIGIN": "null"}, 403)],
)
def test_cross_site_posts_are_refused(client: Client, headers, status) -> None:
    petition = factories.PetitionFactory()
    response = client.post(
        f"/en/petitions/{petition.slug}/sign/", signing_fields(petition), **headers
    )
    assert response.status_code == status
    assert "only be sent from this site" in response.content.decode()
    assert not Signature.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"form_token": ""}, "too old"),
        ({"source": "<bad source>"}, "form was incomplete"),
        ({"form_token": "forged"}, "too old"),
        ({"email": "not-an-email"}, "valid email"),
        ({"country": "XX"}, "valid choice"),
        ({"name": ""}, "This field is required"),
        ({"name": "a" * 500}, "at most 120"),
        ({"name": "Bad\x00Name"}, "Null characters are not allowed"),
        ({"name": "Bad\x07Bell"}, "control characters"),
        ({"altcha": "bm90IHZhbGlk"}, "automatic check"),
    ],
)
def test_bad_input_is_a_clear_400_and_nothing_is_stored(client: Client, fields, message) -> None:
    petition = factories.PetitionFactory()
    response = sign(client, petition, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Signature.objects.exists()


def test_errors_come_in_the_visitors_language(client: Client) -> None:
    petition = factories.PetitionFactory()
    response = sign(client, petition, language="es", email="nope")
    assert response.status_code == 400
    assert "correo electrónico válida" in response.content.decode()


def test_closed_petition_refuses_signatures(client: Client) -> None:
    petition = factories.PetitionFactory(is_open=False)
    response = sign(client, petition)
    assert response.status_code == 400
    assert "closed" in response.content.decode()
    assert not Signature.objects.exists()


def test_proof_of_work_is_verified_and_cannot_be_replayed(client: Client) -> None:
    from altcha import solve_challenge_v1

    from solidaria.core.web.altcha_check import altcha_challenge

    challenge = altcha_challenge()
    solution = solve_challenge_v1(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxNumber"]
    )
    fields = {k: challenge[k] for k in ("algorithm", "challenge", "salt", "signature")}
    payload = base64.b64encode(json.dumps({**fields, "number": solution.number}).encode()).decode()
    petition = factories.PetitionFactory()
    assert sign(client, petition, altcha=payload).status_code == 302
    replay = sign(Client(), petition, altcha=payload, email="other@example.org", ip="192.0.2.1")
    assert replay.status_code == 400
    assert Signature.objects.count() == 1


def test_names_and_comments_are_always_escaped(client: Client) -> None:
    petition = factories.PetitionFactory()
    sign(client, petition, name="<script>alert(1)</script> Evil", show_publicly="on")
    Signature.objects.update(status=Signature.Status.CONFIRMED, confirmed_at="2026-01-01T00:00:00Z")
    html = client.get(f"/en/petitions/{petition.slug}/").content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_public_page_never_counts_rows(client: Client, django_assert_num_queries) -> None:
    petition = factories.PetitionFactory()
    client.get(f"/en/petitions/{petition.slug}/")  # publishes the consent wording once
    from django.core.cache import caches

    caches["pages"].clear()
    with django_assert_num_queries(3):  # petition+count, consent wording, recent signers
        client.get(f"/en/petitions/{petition.slug}/")


def test_signing_queues_no_task_and_touches_no_count(
    client: Client, django_assert_max_num_queries
) -> None:
    petition = factories.PetitionFactory()
    PetitionCount.objects.create(petition=petition, confirmed=7)
    count = PetitionCount.objects.filter(petition=petition).values_list("confirmed", "updated_at")
    before = list(count.all())
    with django_assert_max_num_queries(6):
        assert sign(client, petition).status_code == 302
    assert not DBTaskResult.objects.exists()
    assert list(count.all()) == before  # the worker alone writes the count row


def test_multipart_posts_take_the_full_stack_with_the_same_result(client: Client) -> None:
    petition = factories.PetitionFactory()
    data = signing_fields(petition, country="CL")
    response = client.post(f"/en/petitions/{petition.slug}/sign/", data, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 302 and "/thanks/" in response["Location"]
    assert Signature.objects.get().country == "CL"
    bad = client.post(
        f"/en/petitions/{petition.slug}/sign/", {**data, "email": "x"}, HTTP_ORIGIN=ORIGIN
    )
    assert bad.status_code == 400


def test_fast_lane_answers_carry_the_security_headers(client: Client) -> None:
    petition = factories.PetitionFactory()
    response = sign(client, petition)
    assert response.status_code == 302
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert not response.cookies  # no session, no CSRF cookie


def test_referral_codes_are_derived_and_cannot_be_forged() -> None:
    from solidaria.petitions.models import referral_code_for, referral_signature_id

    code = referral_code_for(12345)
    assert referral_signature_id(code) == 12345
    forged = code[:-1] + ("0" if code[-1] != "0" else "1")
    for bad in (forged, "1" + code, code.upper(), "", "zz", "!" * 12, "9" * 40):
        assert referral_signature_id(bad) is None


def test_during_a_surge_confirmations_go_out_a_few_a_round(settings, monkeypatch) -> None:
    settings.SIGNING_SURGE_RATE = 2  # signatures a second, measured over 2 s
    monkeypatch.setattr(services, "TICK_BATCH", 3)
    monkeypatch.setattr(services, "SURGE_BATCH", 2)
    petition = factories.PetitionFactory()
    for i in range(10):
        stored(petition, f"dan{i}@example.org", ip=f"192.0.2.{i + 1}")
    assert services.signing_surge()
    first = petition_tick()
    assert first["surge"] == 1 and first["confirmations"] == 2
    # The oldest first, so that nobody is passed over for as long as the surge lasts.
    assert list(
        Signature.objects.filter(confirmation_queued=True)
        .order_by("pk")
        .values_list("email_index", flat=True)
    ) == [pii.email_index(f"dan{i}@example.org") for i in (0, 1)]

    Signature.objects.update(created_at=timezone.now() - timedelta(seconds=10))
    assert not services.signing_surge()
    second = petition_tick()
    assert second["surge"] == 0 and second["confirmations"] == 8  # all the rest at once
    assert not Signature.objects.filter(confirmation_queued=False).exists()


def test_a_round_that_runs_out_of_time_is_followed_at_once_by_the_next(monkeypatch) -> None:
    from solidaria.petitions import tasks

    monkeypatch.setattr(services, "TICK_BATCH", 2)
    monkeypatch.setattr(services, "TICK_SECONDS", 0)  # one batch, then the time is up
    petition = factories.PetitionFactory()
    for i in range(5):
        stored(petition, f"gil{i}@example.org", ip=f"192.0.2.{i + 1}")
    waiting = DBTaskResult.objects.filter(task_path=tasks.tick.module_path, status="READY")

    first = tasks.tick.call()
    assert first["confirmations"] == 2 and first["confirmations_left"] == 1
    assert waiting.count() == 1
    tasks.tick.call()  # the next is already waiting: not a second one
    assert waiting.count() == 1

    waiting.delete()
    last = tasks.tick.call()
    assert last["confirmations"] == 1 and last["confirmations_left"] == 0
    assert not waiting.exists()  # nothing owed: the scheduler's pace again
    assert OutgoingEmail.objects.filter(template="petition_confirm").count() == 5


def test_a_few_signatures_are_no_surge(settings) -> None:
    settings.SIGNING_SURGE_RATE = 2
    petition = factories.PetitionFactory()
    for i in range(4):  # 4 in 2 s is the rate itself, not above it
        stored(petition, f"eva{i}@example.org", ip=f"192.0.2.{i + 1}")
    assert not services.signing_surge()


def test_two_ticks_at_once_send_one_confirmation() -> None:
    petition = factories.PetitionFactory()
    stored(petition, "fe@example.org", ip="::1")
    # Both ticks read the owed signature before either claimed it.
    seen_by_first, seen_by_second = (Signature.objects.get() for _ in range(2))
    owed, done = {"confirmation_queued": False}, {"confirmation_queued": True}
    template = "petition_confirm"
    assert services._email_signers([seen_by_first], template=template, owed=owed, done=done) == 1
    assert services._email_signers([seen_by_second], template=template, owed=owed, done=done) == 0
    assert OutgoingEmail.objects.filter(template=template).count() == 1


def test_an_already_signed_notice_waits_until_the_signature_is_judged(client: Client) -> None:
    """The notice carries the confirmation link, so it must not beat the rate limits."""
    petition = factories.PetitionFactory()
    sign(client, petition, email="gil@example.org", ip="192.0.2.60")
    sign(Client(), petition, email="gil@example.org", ip="198.51.100.60")
    assert Signature.objects.get().duplicate_notice_owed
    assert services._send_duplicate_notices() == 0
    assert not OutgoingEmail.objects.exists()
    result = petition_tick()
    assert result["confirmations"] == 1 and result["duplicate_notices"] == 1
    assert sorted(OutgoingEmail.objects.values_list("template", flat=True)) == [
        "petition_already_signed",
        "petition_confirm",
    ]


def test_signing_again_from_an_address_over_the_limit_owes_no_notice(client: Client) -> None:
    """Else anyone could flood a signer's inbox with already-signed notices."""
    petition = factories.PetitionFactory()
    sign(client, petition, email="hal@example.org", ip="192.0.2.70")
    assert sign(Client(), petition, email="hal@example.org", ip="192.0.2.70").status_code == 302
    assert not Signature.objects.get().duplicate_notice_owed
    assert sign(Client(), petition, email="hal@example.org", ip="192.0.2.71").status_code == 302
    assert Signature.objects.get().duplicate_notice_owed  # another address is under its limit
