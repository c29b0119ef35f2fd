"""Validators that models, forms and services in several apps share: uploaded images,
printable text, email addresses."""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.validators import FileExtensionValidator, validate_email
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
validate_image_extension = FileExtensionValidator(
    IMAGE_EXTENSIONS,
    message=_("Upload a JPEG, PNG or WebP image (this file ends in “%(extension)s”)."),
)


def validate_image_size(file: File[bytes]) -> None:
    limit = settings.MAX_IMAGE_UPLOAD_BYTES
    if file.size is not None and file.size > limit:
        raise ValidationError(
            _("This image is %(size)s; the limit is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )


IMAGE_VALIDATORS = [validate_image_extension, validate_image_size]


def validate_no_control_characters(value: str) -> None:
    """Names and comments are printable text: no control or invisible formatting characters."""
    allowed = {"\n", "\r", "\t"}
    for char in value:
        if char not in allowed and unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn"):
            raise ValidationError(
                _("Please remove the invisible control characters."), code="control"
            )


# RFC 5321's limit on a whole address.
EMAIL_MAX = 254


def email_address(value: str) -> str:
    """An address a person typed, stripped, as services store it; a ValidationError
    whose message is for that person otherwise."""
    value = (value or "").strip()
    if len(value) > EMAIL_MAX:
        raise ValidationError(_("Enter a valid email address."), code="invalid")
    try:
        validate_email(value)
    except ValidationError as exc:
        raise ValidationError(_("Enter a valid email address."), code="invalid") from exc
    return value
