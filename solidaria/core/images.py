"""Uploaded images are re-encoded before they are stored.

Photos of protests carry EXIF metadata: GPS position, camera serial number,
the time to the second. Re-encoding with Pillow keeps the pixels (rotated
upright) and drops everything else.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.base import ContentFile
from django.db import models
from PIL import Image, ImageOps

FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_SIDE = 4000


def image_without_metadata(data: bytes) -> tuple[bytes, str]:
    """Returns (re-encoded bytes, file extension)."""
    with Image.open(io.BytesIO(data)) as original:
        image_format = original.format if original.format in FORMATS else "PNG"
        image = ImageOps.exif_transpose(original)
        image.thumbnail((MAX_SIDE, MAX_SIDE))
        if image_format == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        out = io.BytesIO()
        image.save(out, format=image_format, quality=85, optimize=True)
    return out.getvalue(), FORMATS[image_format]


class CleanImageField(models.ImageField):
    """An ImageField whose new uploads are stripped of metadata before saving."""

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            file.seek(0)
            data, extension = image_without_metadata(file.read())
            stem = file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "image"
            file.file = ContentFile(data, name=f"{stem}.{extension}")
            file.name = f"{stem}.{extension}"
        return super().pre_save(model_instance, add)
