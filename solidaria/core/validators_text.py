from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_no_control_characters(value: str) -> None:
    """Names and comments are printable text: no control or invisible formatting characters."""
    allowed = {"\n", "\r", "\t"}
    for char in value:
        if char not in allowed and unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn"):
            raise ValidationError(
                _("Please remove the invisible control characters."), code="control"
            )
