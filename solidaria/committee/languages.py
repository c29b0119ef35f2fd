"""The languages members can say they speak: many more than the site's own five.

Names come from Babel's CLDR data, in the reader's language, so the list needs
no translations of its own. Codes are ISO 639-1, as the site's languages are.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

# The languages of Argentina and of the countries solidarity comes from most,
# then the widely spoken rest: enough to find a translator or a speaker.
SPOKEN_LANGUAGES = (
    "es", "en", "de", "fr", "pt", "it", "ca", "eu", "gl", "nl", "sv", "da", "no", "fi",
    "pl", "cs", "sk", "hu", "ro", "el", "tr", "ru", "uk", "sr", "hr", "sl", "bg", "sq",
    "ar", "he", "fa", "hi", "bn", "ur", "zh", "ja", "ko", "id", "vi", "th", "sw", "qu",
    "gn", "eo",
)  # fmt: skip


@lru_cache(maxsize=16)
def _names(locale: str) -> tuple[tuple[str, str], ...]:
    reader = Locale.parse(locale.replace("-", "_"))
    named = [
        (code, (Locale.parse(code).get_display_name(reader) or code)) for code in SPOKEN_LANGUAGES
    ]
    return tuple(sorted(named, key=lambda pair: pair[1].casefold()))


def spoken_language_choices() -> tuple[tuple[str, str], ...]:
    """(code, name in the active language), sorted by name."""
    return _names(translation.get_language() or "en")


def spoken_language_name(code: str) -> str:
    return dict(spoken_language_choices()).get(code, code)


def validate_spoken_languages(value: object) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choose at least one language you speak."), code="empty")
    unknown = [code for code in value if code not in SPOKEN_LANGUAGES]
    if unknown:
        raise ValidationError(
            _("Unknown language: %(codes)s."),
            code="unknown_language",
            params={"codes": ", ".join(map(str, unknown))},
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("A language is listed twice."), code="duplicate")
