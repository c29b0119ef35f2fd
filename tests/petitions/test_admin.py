from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.utils import timezone

from solidaria.core.models import AuditEntry
from solidaria.organisations.models import Membership
from solidaria.petitions.models import OrganisationSignature, Signature
from solidaria.petitions.services import petition_tick, signature_create
from solidaria.supporters.selectors import supporter_find_by_email
from solidaria.supporters.services import consent_withdraw
from tests import factories

pytestmark = pytest.mark.django_db


def organiser(client: Client, petition, role=Membership.Role.ORGANISER) -> Client:
    membership = factories.MembershipFactory(organisation=petition.campaign.owner, role=role)
    client.force_login(membership.user)
    return client


def add_signatures(petition, n: int, *, confirmed: bool = True, **kwargs) -> None:
    for i in range(n):
        signature_create(
            petition=petition,
            name=f"Person {i} Last",
            email=f"p{i}@example.org",
            country=kwargs.get("country", "AR"),
            language="en",
            ip=f"10.0.{i // 250}.{i % 250}",
            show_publicly=True,
            source=kwargs.get("source", ""),
            comment=kwargs.get("comment", ""),
        )
    if confirmed:
        Signature.objects.filter(petition=petition).update(
            status=Signature.Status.CONFIRMED, confirmed_at="2026-11-20T10:00:00Z"
        )


def test_csv_export_streams_confirmed_signatures_and_is_audited(client: Client) -> None:
    petition = factories.PetitionFactory()
    add_signatures(petition, 30, comment='=HYPERLINK("http://evil")')
    client = organiser(client, petition)
    response = client.get(f"/admin/petitions/petition/{petition.pk}/export.csv")
    assert response.status_code == 200 and response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "name",
        "email",
        "city",
        "country",
        "comment",
        "confirmed_at",
        "source",
        "agreed_to_hear_from_us",
    ]
    assert len(rows) == 31
    assert rows[1][4].startswith("'=")  # spreadsheet formulas are neutralised
    entry = AuditEntry.objects.get(action="signatures.exported")
    assert entry.organisation == petition.campaign.owner


def test_viewers_cannot_export(client: Client) -> None:
    petition = factories.PetitionFactory()
    client = organiser(client, petition, role=Membership.Role.VIEWER)
    assert client.get(f"/admin/petitions/petition/{petition.pk}/export.csv").status_code == 403
    assert not AuditEntry.objects.filter(action="signatures.exported").exists()


def test_other_organisations_cannot_see_the_petition(client: Client) -> None:
    petition = factories.PetitionFactory()
    membership = factories.MembershipFactory()
    client.force_login(membership.user)
    for view in ("stats/", "export.csv", "delivery/", "bursts/"):
        assert client.get(f"/admin/petitions/petition/{petition.pk}/{view}").status_code == 404


def test_statistics_and_delivery_document(client: Client) -> None:
    petition = factories.PetitionFactory()
    add_signatures(petition, 5, source="newsletter")
    client = organiser(client, petition)
    stats = client.get(f"/admin/petitions/petition/{petition.pk}/stats/").content.decode()
    assert "<svg" in stats and "AR" in stats
    # The map is ours: drawn on the server, Argentina in the darkest shade.
    assert 'class="map-5"><title>Argentina: 5</title>' in stats
    filtered = client.get(
        f"/admin/petitions/petition/{petition.pk}/stats/?source=other"
    ).content.decode()
    assert "No confirmed signatures yet" in filtered
    delivery = client.get(f"/admin/petitions/petition/{petition.pk}/delivery/").content.decode()
    assert "Argentina" in delivery


def test_the_delivery_document_names_signers_only_as_they_agreed(client: Client) -> None:
    petition = factories.PetitionFactory()
    add_signatures(petition, 3)
    Signature.objects.filter(pk=Signature.objects.order_by("pk").first().pk).update(
        show_publicly=False
    )
    petition_tick()
    client = organiser(client, petition)

    delivery = client.get(f"/admin/petitions/petition/{petition.pk}/delivery/").content.decode()

    assert "<h3>Argentina (2)</h3><p>Person, Person</p>" in delivery
    assert "Last" not in delivery and "example.org" not in delivery
    assert "And 1 signer who chose not to be named." in delivery


def test_bursts_view_and_bulk_invalidation(client: Client) -> None:
    petition = factories.PetitionFactory()
    for i in range(6):
        signature_create(
            petition=petition,
            name="Bot",
            email=f"bot{i}@spam.example",
            country="AR",
            language="en",
            ip="192.0.2.66",
        )
    client = organiser(client, petition)
    page = client.get(f"/admin/petitions/petition/{petition.pk}/bursts/").content.decode()
    assert "spam.example" in page
    ip_hash = Signature.objects.values_list("ip_hash", flat=True).first()
    response = client.post(
        f"/admin/petitions/petition/{petition.pk}/bursts/", {"by": "ip", "key": ip_hash}
    )
    assert response.status_code == 302
    assert Signature.objects.filter(status=Signature.Status.INVALIDATED).count() == 6
    assert AuditEntry.objects.filter(action="signatures.invalidated").exists()


def test_invalidating_confirmed_signatures_lowers_the_count(client: Client) -> None:
    petition = factories.PetitionFactory()
    add_signatures(petition, 3, confirmed=False)
    from solidaria.petitions.models import CountChange

    for signature in Signature.objects.all():
        Signature.objects.filter(pk=signature.pk).update(status=Signature.Status.CONFIRMED)
        CountChange.objects.create(petition=petition, delta=1)
    petition_tick()
    petition.refresh_from_db()
    assert petition.count.confirmed == 3
    client = organiser(client, petition)
    client.post(
        "/admin/petitions/signature/",
        {"action": "invalidate", "_selected_action": [Signature.objects.first().pk]},
    )
    petition_tick()
    petition.count.refresh_from_db()
    assert petition.count.confirmed == 2


def test_open_letter_organisations_wait_for_approval_and_list_by_country(
    client: Client, run_tasks
) -> None:
    petition = factories.PetitionFactory(kind="open_letter")
    public = Client()
    form = public.get(f"/en/petitions/{petition.slug}/organisations/")
    assert form.status_code == 200
    response = public.post(
        f"/en/petitions/{petition.slug}/organisations/",
        {
            "name": "Sindicato de Prueba",
            "country": "UY",
            "contact_name": "Rosa",
            "contact_email": "rosa@example.org",
        },
    )
    assert response.status_code == 302
    bad = public.post(
        f"/en/petitions/{petition.slug}/organisations/",
        {"name": "No place", "contact_name": "X", "contact_email": "x@example.org"},
    )
    assert bad.status_code == 400 and "its region" in bad.content.decode()
    assert "Sindicato de Prueba" not in public.get(petition.get_absolute_url()).content.decode()

    client = organiser(client, petition)
    signature = OrganisationSignature.objects.get()
    client.post(
        "/admin/petitions/organisationsignature/",
        {"action": "approve", "_selected_action": [signature.pk]},
    )
    from django.core.cache import caches

    caches["pages"].clear()
    page = public.get(petition.get_absolute_url()).content.decode()
    assert "Sindicato de Prueba" in page and "Uruguay" in page


def test_comments_appear_only_once_approved(client: Client) -> None:
    petition = factories.PetitionFactory()
    add_signatures(petition, 1, comment="Solidaridad desde Córdoba")
    from django.core.cache import caches

    assert "Solidaridad desde" not in Client().get(petition.get_absolute_url()).content.decode()
    client = organiser(client, petition)
    signature = Signature.objects.get()
    client.post(
        "/admin/petitions/signature/",
        {"action": "approve_comments", "_selected_action": [signature.pk]},
    )
    caches["pages"].clear()
    assert "Solidaridad desde Córdoba" in Client().get(petition.get_absolute_url()).content.decode()
    assert AuditEntry.objects.filter(action="signature.comment_approved").exists()


def test_suspect_signatures_can_be_accepted_as_genuine(
    client: Client, smtp_server, run_tasks
) -> None:
    petition = factories.PetitionFactory()
    for i in range(3):  # one office, one address: the 2nd and 3rd are over the limit
        signature_create(
            petition=petition,
            name="Union member",
            email=f"m{i}@union.example",
            country="AR",
            language="es",
            ip="192.0.2.10",
        )
    petition_tick()
    assert Signature.objects.filter(status=Signature.Status.SUSPECT).count() == 2
    run_tasks()
    assert len(smtp_server.messages) == 1

    client = organiser(client, petition)
    ip_hash = Signature.objects.values_list("ip_hash", flat=True).first()
    client.post(
        f"/admin/petitions/petition/{petition.pk}/bursts/",
        {"by": "ip", "key": ip_hash, "accept": "1"},
    )
    assert Signature.objects.filter(status=Signature.Status.PENDING).count() == 3
    petition_tick()
    run_tasks()
    assert len(smtp_server.messages) == 3  # their confirmations went out
    assert AuditEntry.objects.filter(action="signatures.accepted").exists()


def test_the_export_says_who_agrees_to_hear_from_us_today_and_can_keep_only_them(
    client: Client,
) -> None:
    petition = factories.PetitionFactory()
    for email, consent in (
        ("yes@example.org", True),
        ("no@example.org", False),
        ("gone@example.org", True),
    ):
        signature_create(
            petition=petition, name="Signer", email=email, country="AR", language="en",
            ip="192.0.2.9", consent_owner=consent,
        )  # fmt: skip
    Signature.objects.update(status=Signature.Status.CONFIRMED, confirmed_at=timezone.now())
    petition_tick()
    consent_withdraw(
        supporter=supporter_find_by_email("gone@example.org"), organisation=petition.campaign.owner
    )
    client = organiser(client, petition)
    url = f"/admin/petitions/petition/{petition.pk}/export.csv"

    def export(query: str = "") -> list[tuple[str, str]]:
        body = b"".join(client.get(url + query).streaming_content).decode()
        return sorted(
            (r["email"], r["agreed_to_hear_from_us"]) for r in csv.DictReader(io.StringIO(body))
        )

    assert export() == [
        ("gone@example.org", "no"),
        ("no@example.org", "no"),
        ("yes@example.org", "yes"),
    ]
    assert export("?agreed=yes") == [("yes@example.org", "yes")]
    assert (
        AuditEntry.objects.filter(action="signatures.exported")
        .order_by("pk")
        .last()
        .data["agreed_only"]
        is True
    )
