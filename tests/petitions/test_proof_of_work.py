"""A signature records whether its proof of work was solved, and one without a
solved proof is taken under stricter rate limits."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from solidaria.core.models import OutgoingEmail
from solidaria.core.privacy import pii
from solidaria.core.web.formguard import form_token
from solidaria.petitions import fastlane
from solidaria.petitions.models import Petition, Signature
from solidaria.petitions.services import petition_tick, signature_create
from tests import factories
from tests.helpers import ORIGIN, solved_proof

from .test_admin import organiser
from .test_signing import sign, stored

pytestmark = pytest.mark.django_db
ADDRESS = "203.0.113.40"


@pytest.fixture(autouse=True)
def _limits(settings) -> None:
    # The defaults, pinned: the tests below reason about these windows.
    settings.SIGNING_RATE_LIMITS = [(60, 1), (300, 5)]
    settings.SIGNING_RATE_LIMITS_WITHOUT_PROOF = [(600, 1)]


def signed(email: str) -> Signature:
    return Signature.objects.get(email_index=pii.email_index(email))


def signed_ago(email: str, seconds: int) -> None:
    Signature.objects.filter(email_index=pii.email_index(email)).update(
        created_at=timezone.now() - timedelta(seconds=seconds)
    )


def test_a_signature_without_the_proof_is_taken_and_marked(client: Client) -> None:
    petition = factories.PetitionFactory()
    assert sign(client, petition, email="nojs@example.org").status_code == 302
    signature = signed("nojs@example.org")
    assert signature.status == Signature.Status.PENDING
    assert signature.proof_solved is False


def test_a_solved_proof_is_recorded(client: Client) -> None:
    petition = factories.PetitionFactory()
    assert sign(client, petition, email="js@example.org", altcha=solved_proof()).status_code == 302
    assert signed("js@example.org").proof_solved is True


def test_a_failed_proof_is_refused_in_the_visitors_language_and_without_it_signing_works(
    client: Client,
) -> None:
    petition = factories.PetitionFactory()
    spent = solved_proof()
    assert sign(Client(), petition, email="first@example.org", altcha=spent).status_code == 302
    refused = sign(client, petition, language="es", email="ines@example.org", altcha=spent)
    assert refused.status_code == 400
    assert "Falló la verificación automática" in refused.content.decode()
    assert not Signature.objects.filter(email_index=pii.email_index("ines@example.org")).exists()
    # Sent again as a browser without JavaScript sends it: taken, and marked.
    assert sign(client, petition, language="es", email="ines@example.org").status_code == 302
    assert signed("ines@example.org").proof_solved is False


def test_without_proof_one_address_signs_once_in_ten_minutes(client: Client) -> None:
    petition = factories.PetitionFactory()
    sign(client, petition, email="one@example.org", ip=ADDRESS)
    signed_ago("one@example.org", 120)  # outside the one-a-minute limit for everyone
    assert sign(client, petition, email="two@example.org", ip=ADDRESS).status_code == 302
    # Another address is not held back.
    sign(client, petition, email="other@example.org", ip="198.51.100.40")
    petition_tick()
    two = signed("two@example.org")
    assert two.status == Signature.Status.SUSPECT
    assert two.suspect_reason == "rate_limit_no_proof"
    assert signed("one@example.org").status == Signature.Status.PENDING
    assert signed("other@example.org").status == Signature.Status.PENDING
    assert OutgoingEmail.objects.filter(template="petition_confirm").count() == 2  # not two


def test_with_solved_proofs_the_usual_limits_apply(client: Client) -> None:
    petition = factories.PetitionFactory()
    sign(client, petition, email="one@example.org", ip=ADDRESS, altcha=solved_proof())
    signed_ago("one@example.org", 120)
    sign(client, petition, email="two@example.org", ip=ADDRESS, altcha=solved_proof())
    # Within a minute of the second: over the limit that holds for everyone.
    sign(client, petition, email="three@example.org", ip=ADDRESS, altcha=solved_proof())
    petition_tick()
    assert Signature.objects.filter(proof_solved=True).count() == 3
    assert signed("one@example.org").status == Signature.Status.PENDING
    assert signed("two@example.org").status == Signature.Status.PENDING
    assert signed("three@example.org").suspect_reason == "rate_limit"
    assert OutgoingEmail.objects.filter(template="petition_confirm").count() == 2


def test_signatures_with_and_without_proof_do_not_hold_each_other_back(client: Client) -> None:
    """One office, one address: a colleague without JavaScript is not suspect
    because someone else signed with it, nor the other way round."""
    petition = factories.PetitionFactory()
    sign(client, petition, email="with@example.org", ip=ADDRESS, altcha=solved_proof())
    signed_ago("with@example.org", 240)
    sign(client, petition, email="without@example.org", ip=ADDRESS)
    signed_ago("without@example.org", 120)
    sign(client, petition, email="with2@example.org", ip=ADDRESS, altcha=solved_proof())
    petition_tick()
    rows = Signature.objects.order_by("pk").values_list("proof_solved", "status")
    assert list(rows) == [(True, "pending"), (False, "pending"), (True, "pending")]


def test_the_limit_without_proof_reaches_behind_signatures_with_proof() -> None:
    """Judged in a batch of one, a signature's earlier ones without proof are found
    even behind more signatures with proof than any limit allows."""
    petition = factories.PetitionFactory()
    # Recent enough that the tick keeps the address hashes (for the longest window).
    start = timezone.now() - timedelta(seconds=500)

    def store(email: str, offset: int, *, proof_solved: bool) -> None:
        stored(petition, email, ip=ADDRESS, proof_solved=proof_solved)
        Signature.objects.filter(email_index=pii.email_index(email)).update(
            created_at=start + timedelta(seconds=offset)
        )

    store("first@example.org", 0, proof_solved=False)
    for i, offset in enumerate((70, 140, 210, 280, 350)):  # within every usual limit
        store(f"with{i}@example.org", offset, proof_solved=True)
    petition_tick()
    assert not Signature.objects.filter(status=Signature.Status.SUSPECT).exists()
    store("late@example.org", 420, proof_solved=False)
    petition_tick()
    assert signed("late@example.org").suspect_reason == "rate_limit_no_proof"


def test_signing_again_without_proof_owes_no_notice_within_the_stricter_limit(
    client: Client,
) -> None:
    petition = factories.PetitionFactory()
    sign(client, petition, email="eva@example.org", ip=ADDRESS)
    signed_ago("eva@example.org", 120)
    assert sign(Client(), petition, email="eva@example.org", ip=ADDRESS).status_code == 302
    assert not signed("eva@example.org").duplicate_notice_owed
    again = sign(Client(), petition, email="eva@example.org", ip=ADDRESS, altcha=solved_proof())
    assert again.status_code == 302
    assert signed("eva@example.org").duplicate_notice_owed  # under the usual limits


def _burst_cells(page: str, label: str) -> list[str]:
    row = re.search(rf"<tr><td><code>{re.escape(label)}</code></td>(.*?)</tr>", page, re.S)
    assert row, "no row for the address"
    return re.findall(r"<td>(\d+)</td>", row.group(1))


def test_the_bursts_view_and_the_signature_list_show_signatures_without_proof(
    client: Client,
) -> None:
    petition = factories.PetitionFactory()
    for i, solved in enumerate((False, False, True)):
        signature_create(
            petition=petition,
            name="Bot",
            email=f"bot{i}@spam.example",
            country="AR",
            language="en",
            ip=ADDRESS,
            proof_solved=solved,
        )
    client = organiser(client, petition)
    page = client.get(f"/admin/petitions/petition/{petition.pk}/bursts/").content.decode()
    assert "Without proof of work" in page
    # Total, suspect, waiting, confirmed, without proof.
    assert _burst_cells(page, pii.ip_hash(ADDRESS)[:12]) == ["3", "0", "3", "0", "2"]

    listing = client.get("/admin/petitions/signature/", {"proof_solved__exact": "0"})
    assert listing.status_code == 200
    shown = set(map(int, re.findall(r">Signature #(\d+)<", listing.content.decode())))
    assert shown == set(Signature.objects.filter(proof_solved=False).values_list("pk", flat=True))
    assert len(shown) == 2


@pytest.mark.parametrize("proof", [False, True])
def test_the_fast_lane_and_the_full_view_record_the_same(
    client: Client, monkeypatch: pytest.MonkeyPatch, proof: bool
) -> None:
    answered = []
    sign_in_lane = fastlane.SigningFastLaneMiddleware.lane

    def recording(self: Any, *args: Any) -> Any:
        response = sign_in_lane(self, *args)
        answered.append(response is not None)
        return response

    monkeypatch.setattr(fastlane.SigningFastLaneMiddleware, "lane", recording)
    petition: Petition = factories.PetitionFactory()
    extra = {"altcha": solved_proof()} if proof else {}
    assert sign(client, petition, email="lane@example.org", **extra).status_code == 302
    # Multipart, as some browsers send it: the fast lane leaves it to the view.
    extra = {"altcha": solved_proof()} if proof else {}
    full = Client().post(
        f"/en/petitions/{petition.slug}/sign/",
        {
            "name": "Ana María Gómez",
            "email": "view@example.org",
            "country": "AR",
            "form_token": form_token(f"sign:{petition.pk}"),
            **extra,
        },
        HTTP_ORIGIN=ORIGIN,
        REMOTE_ADDR="198.51.100.41",
    )
    assert full.status_code == 302
    assert answered == [True, False]  # the first taken by the fast lane, the second not
    assert signed("lane@example.org").proof_solved is proof
    assert signed("view@example.org").proof_solved is proof
