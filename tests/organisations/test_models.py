"""Organisations' own rules: addresses, languages, places, logos and one role per person."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from PIL import Image

from solidaria.organisations.admin import OrganisationForm
from solidaria.organisations.models import Membership, Organisation, OrganisationContact
from tests import factories

pytestmark = pytest.mark.django_db


def test_two_organisations_cannot_share_a_slug() -> None:
    factories.OrganisationFactory(slug="union")

    with pytest.raises(IntegrityError):
        factories.OrganisationFactory(slug="union")


def test_a_slug_with_spaces_or_punctuation_is_refused() -> None:
    organisation = factories.OrganisationFactory.build(slug="not a slug!")

    with pytest.raises(ValidationError) as refused:
        organisation.full_clean()

    assert list(refused.value.message_dict) == ["slug"]


def test_languages_default_to_spanish_then_english() -> None:
    assert Organisation(name="Union", slug="union").languages == ["es", "en"]


@pytest.mark.parametrize("languages", [["xx"], [], "es", ["es", "es"]])
def test_languages_we_do_not_speak_are_refused(languages) -> None:
    organisation = factories.OrganisationFactory.build(languages=languages)

    with pytest.raises(ValidationError) as refused:
        organisation.full_clean()

    assert list(refused.value.message_dict) == ["languages"]


def test_the_place_is_the_countrys_name() -> None:
    organisation = factories.OrganisationFactory.build(country="AR", region="Europe")

    assert organisation.place == "Argentina"


def test_without_a_country_the_place_is_the_region() -> None:
    organisation = factories.OrganisationFactory.build(country="", region="Europe")

    assert organisation.place == "Europe"


def jpeg_with_exif(size: tuple[int, int]) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x9003] = "2024:01:24 16:00:00"  # DateTimeOriginal
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 40)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_a_logo_is_stored_without_its_metadata_and_at_most_256_pixels_wide() -> None:
    original = jpeg_with_exif((1024, 512))
    assert Image.open(io.BytesIO(original)).getexif()  # the upload really carries EXIF
    organisation = factories.OrganisationFactory(
        logo=SimpleUploadedFile("logo.jpg", original, content_type="image/jpeg")
    )

    organisation.refresh_from_db()
    with organisation.logo.open("rb") as stored_file, Image.open(stored_file) as stored:
        assert (stored.format, stored.size, dict(stored.getexif())) == ("JPEG", (256, 128), {})
    assert organisation.logo.name.startswith("organisations/logo")


def test_an_organisation_has_one_contact_address_per_language() -> None:
    organisation = factories.OrganisationFactory()
    OrganisationContact.objects.create(
        organisation=organisation, language="es", email="a@example.org"
    )

    with pytest.raises(IntegrityError):
        OrganisationContact.objects.create(
            organisation=organisation, language="es", email="b@example.org"
        )


def test_a_person_has_one_role_per_organisation() -> None:
    membership = factories.MembershipFactory(role=Membership.Role.VIEWER)

    with pytest.raises(IntegrityError):
        factories.MembershipFactory(
            user=membership.user, organisation=membership.organisation, role=Membership.Role.OWNER
        )


def organisation_form(**overrides):
    data = {
        "name": "Sindicato",
        "slug": "sindicato",
        "country": "AR",
        "region": "",
        "website": "",
        "languages": ["es", "en"],
        **overrides,
    }
    return OrganisationForm(data)


def test_a_website_typed_without_a_scheme_is_taken_as_https() -> None:
    form = organisation_form(website="sindicato.example.org")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["website"] == "https://sindicato.example.org"


def test_the_organisation_form_offers_only_languages_we_speak() -> None:
    form = organisation_form(languages=["es", "xx"])

    assert not form.is_valid()
    assert form.errors == {
        "languages": ["Select a valid choice. xx is not one of the available choices."]
    }
