"""Uploaded images are re-encoded before they are stored.

Photos of protests carry EXIF metadata: GPS position, camera serial number,
the time to the second. Re-encoding with Pillow keeps the pixels (rotated
upright) and drops everything else. Fields that show an image small (logos)
also shrink it on the way, so that the page never fetches more than it shows.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.base import ContentFile
from django.db import models
from PIL import Image, ImageOps

# Any: Django's field signatures: options passed through, and pre_save's value.

FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_SIDE = 4000
# Logos are shown at most 96 pixels wide: 256 stays sharp on high-density screens.
LOGO_MAX_SIDE = 256


def image_without_metadata(data: bytes, *, max_side: int = MAX_SIDE) -> tuple[bytes, str]:
    """Returns (re-encoded bytes, file extension), fitted in a square of max_side pixels."""
    with Image.open(io.BytesIO(data)) as original:
        image_format = original.format if original.format in FORMATS else "PNG"
        image = ImageOps.exif_transpose(original)
        if max(image.size) > max_side and image.mode in ("P", "1"):
            # Pillow shrinks palette and bilevel images without smoothing: jagged logos.
            image = image.convert("RGBA" if image.mode == "P" else "L")
        image.thumbnail((max_side, max_side))
        if image_format == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        out = io.BytesIO()
        image.save(out, format=image_format, quality=85, optimize=True)
    return out.getvalue(), FORMATS[image_format]


class CleanImageField(models.ImageField):
    """An ImageField whose new uploads are stripped of metadata before saving.

    ``max_side`` bounds the stored image (``LOGO_MAX_SIDE`` for logos). It only
    shapes new uploads, so it is left out of ``deconstruct()``: migrations need
    not know it, and changing it needs none."""

    def __init__(self, *args: Any, max_side: int = MAX_SIDE, **kwargs: Any) -> None:
        self.max_side = max_side
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            file.seek(0)
            data, extension = image_without_metadata(file.read(), max_side=self.max_side)
            stem = file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "image"
            file.file = ContentFile(data, name=f"{stem}.{extension}")
            file.name = f"{stem}.{extension}"
        return super().pre_save(model_instance, add)
