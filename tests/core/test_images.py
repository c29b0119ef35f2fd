from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests import factories

pytestmark = pytest.mark.django_db


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (120, 80), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x0131] = "Software that knows where you were"
    exif[0x9003] = "2024:01:24 16:00:00"  # DateTimeOriginal
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_uploaded_images_lose_their_metadata(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif()  # the fixture really has EXIF

    campaign = factories.CampaignFactory(image=SimpleUploadedFile("protest.jpg", original))

    with Image.open(campaign.image.path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (120, 80)
        assert not stored.getexif()
    assert campaign.image.name.startswith("campaigns/protest")
