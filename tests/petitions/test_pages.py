from __future__ import annotations

import re

import pytest
from django.test import Client

from solidaria.core.web.formguard import form_token
from solidaria.petitions.models import Signature
from solidaria.petitions.services import petition_tick
from solidaria.supporters.models import ConsentRecord
from tests import factories
from tests.helpers import post_form

pytestmark = pytest.mark.django_db


def post_sign(client: Client, petition, query: str = "", **fields):
    data = {
        "name": "Noa Levi",
        "email": "noa@example.org",
        "country": "UY",
        "form_token": form_token(f"sign:{petition.pk}"),
        **fields,
    }
    return post_form(client, f"/en/petitions/{petition.slug}/sign/{query}", data)


def test_unknown_or_tampered_links_are_a_clear_404(client: Client) -> None:
    petition = factories.PetitionFactory()
    for url in ("/es/petitions/confirm/not-a-token/", "/es/petitions/withdraw/x/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "no es válido" in response.content.decode()
    assert client.get(f"/en/petitions/{petition.slug}/thanks/forged-token/").status_code == 404


def test_partner_link_asks_consent_for_the_partner_and_records_it(client: Client) -> None:
    partner = factories.OrganisationFactory(name="Left Voice", slug="left-voice", country="US")
    petition = factories.PetitionFactory()
    petition.campaign.partners.add(partner)
    page = client.get(
        f"/en/petitions/{petition.slug}/?partner=left-voice&source=newsletter"
    ).content.decode()
    assert "Shared by Left Voice" in page
    assert "Yes, Left Voice may email me" in page
    assert 'name="source" value="newsletter"' in page

    assert (
        post_sign(
            client, petition, partner="left-voice", source="newsletter", consent_partner="on"
        ).status_code
        == 302
    )
    signature = Signature.objects.get()
    assert (
        signature.partner == partner
        and signature.source == "newsletter"
        and signature.consent_partner
    )
    Signature.objects.update(status=Signature.Status.CONFIRMED, confirmation_queued=True)
    petition_tick()
    record = ConsentRecord.objects.get()
    assert record.organisation == partner  # and not the owner: that box was left unticked
    assert record.source == f"petition:{petition.slug}"


def test_a_partner_that_is_not_the_campaigns_is_ignored(client: Client) -> None:
    factories.OrganisationFactory(slug="stranger")
    petition = factories.PetitionFactory()
    post_sign(client, petition, partner="stranger", consent_partner="on")
    signature = Signature.objects.get()
    assert signature.partner is None and not signature.consent_partner


def test_referrals_are_attributed(client: Client) -> None:
    petition = factories.PetitionFactory()
    response = post_sign(client, petition)
    thanks = client.get(response["Location"]).content.decode()
    code = re.search(r"\?ref=([\w-]+)", thanks).group(1)
    post_sign(Client(), petition, email="friend@example.org", ref=code)
    friend = Signature.objects.get(email_index__isnull=False, referrer__isnull=False)
    assert friend.referrer.referral_code == code


def test_organisation_logo_upload_is_checked(client: Client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    petition = factories.PetitionFactory(kind="open_letter")
    response = client.post(
        f"/en/petitions/{petition.slug}/organisations/",
        {
            "name": "Sindicato",
            "country": "AR",
            "contact_name": "Ana",
            "contact_email": "ana@example.org",
            "logo": SimpleUploadedFile(
                "logo.png", b"<svg>not a png</svg>", content_type="image/png"
            ),
        },
    )
    assert response.status_code == 400
    assert "Upload a valid image" in response.content.decode()


def test_petitions_are_not_open_letters(client: Client) -> None:
    petition = factories.PetitionFactory(kind="petition")
    assert client.get(f"/en/petitions/{petition.slug}/organisations/").status_code == 404
