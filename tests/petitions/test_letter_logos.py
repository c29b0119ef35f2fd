"""Organisations' logos on the open letter: shown once approved, stored small and clean."""

from __future__ import annotations

import io
import re

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from solidaria.petitions.models import OrganisationSignature
from solidaria.petitions.services import organisation_signature_decide
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def image_upload(
    size: tuple[int, int], *, image_format: str = "JPEG", with_exif: bool = False
) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (179, 38, 30))
    if image_format == "PNG":
        image = image.convert("P", palette=Image.Palette.ADAPTIVE)
    exif = Image.Exif()
    if with_exif:
        exif[0x010F] = "Camera maker"  # Make
        exif[0x9003] = "2024:01:24 16:00:00"  # DateTimeOriginal
    buffer = io.BytesIO()
    image.save(buffer, image_format, exif=exif)
    assert bool(Image.open(buffer).getexif()) == with_exif
    extension = "jpg" if image_format == "JPEG" else "png"
    return SimpleUploadedFile(f"logo.{extension}", buffer.getvalue())


def sign_as_organisation(
    petition, name: str, logo: SimpleUploadedFile | None
) -> OrganisationSignature:
    data = {
        "name": name,
        "country": "AR",
        "contact_name": "Ana",
        "contact_email": "ana@example.org",
    }
    if logo is not None:
        data["logo"] = logo
    response = Client().post(f"/en/petitions/{petition.slug}/organisations/", data)
    assert response.status_code == 302, response.content.decode()
    return OrganisationSignature.objects.get(name=name)


def public_page(petition) -> str:
    caches["pages"].clear()
    return Client().get(petition.get_absolute_url()).content.decode()


def test_only_approved_organisations_show_their_logo_with_their_name_as_alt() -> None:
    petition = factories.PetitionFactory(kind="open_letter")
    staff = factories.UserFactory()
    signed = {
        name: sign_as_organisation(petition, name, image_upload((300, 150)))
        for name in ("Sindicato Aprobado", "Partido Rechazado", "Colectivo Pendiente")
    }
    organisation_signature_decide(signature=signed["Sindicato Aprobado"], approve=True, actor=staff)
    organisation_signature_decide(signature=signed["Partido Rechazado"], approve=False, actor=staff)

    page = public_page(petition)

    logos = re.findall(r'<img class="org-logo"[^>]*>', page)
    assert len(logos) == 1
    logo = logos[0]
    assert f'src="/media/{signed["Sindicato Aprobado"].logo.name}"' in logo
    assert 'alt="Sindicato Aprobado"' in logo
    assert 'loading="lazy"' in logo and 'width="96"' in logo and 'height="48"' in logo
    for name in ("Partido Rechazado", "Colectivo Pendiente"):
        assert name not in page
        assert signed[name].logo.name not in page


def test_an_organisation_without_a_logo_is_listed_without_an_image() -> None:
    petition = factories.PetitionFactory(kind="open_letter")
    signature = sign_as_organisation(petition, "Cooperativa sin logo", None)
    organisation_signature_decide(signature=signature, approve=True, actor=factories.UserFactory())

    page = public_page(petition)

    assert "Cooperativa sin logo" in page
    assert "org-logo" not in page


@pytest.mark.parametrize(
    ("upload", "stored_size"),
    [
        (image_upload((2000, 2000), with_exif=True), (256, 256)),
        # A palette PNG (as logos often are) keeps its shape, shrunk smoothly.
        (image_upload((1200, 300), image_format="PNG"), (256, 64)),
        # Small logos are not enlarged.
        (image_upload((120, 40)), (120, 40)),
    ],
)
def test_logos_are_stored_small_and_without_metadata(upload, stored_size) -> None:
    petition = factories.PetitionFactory(kind="open_letter")
    with Image.open(upload) as original:
        original_format = original.format
    upload.seek(0)

    signature = sign_as_organisation(petition, "Sindicato", upload)

    with Image.open(signature.logo.path) as stored:
        assert stored.size == stored_size
        assert not stored.getexif()
        assert stored.format == original_format


def test_the_open_letter_page_runs_a_fixed_number_of_queries_whatever_the_logos(
    client: Client, django_assert_num_queries
) -> None:
    petition = factories.PetitionFactory(kind="open_letter")
    staff = factories.UserFactory()
    client.get(petition.get_absolute_url())  # publishes the consent wording once
    for number in range(3):
        signature = sign_as_organisation(petition, f"Sindicato {number}", image_upload((400, 200)))
        organisation_signature_decide(signature=signature, approve=True, actor=staff)
    caches["pages"].clear()

    # petition+count, consent wording, recent signers, organisations
    with django_assert_num_queries(4):
        page = client.get(petition.get_absolute_url()).content.decode()
    assert page.count('class="org-logo"') == 3
