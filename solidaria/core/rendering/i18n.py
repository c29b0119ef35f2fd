"""Multilingual organiser text on top of django-i18nfield.

Each multilingual object has an ordered list of languages (its first is the
original). Text is shown in the visitor's language when it exists, otherwise in
the object's languages in their order, otherwise the site default, otherwise
any language that has text; the language actually shown is kept so templates
can mark it with ``lang=`` for screen readers and translators.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import Field
from django.urls import Resolver404, resolve, translate_url
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from i18nfield.strings import LazyI18nString

if TYPE_CHECKING:
    # django-i18nfield ships no types. Its model form only swaps in per-language
    # widgets, so to the checker it is the ModelForm it extends.
    from django.forms import ModelForm

    I18nModelForm = ModelForm
else:
    from i18nfield.forms import I18nModelForm as I18nModelForm  # re-exported for the admins


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def validate_language_list(value: object) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choose at least one language."), code="empty")
    unknown = [code for code in value if code not in language_codes()]
    if unknown:
        raise ValidationError(
            _("Unknown language code: %(codes)s."),
            code="unknown_language",
            params={"codes": ", ".join(map(str, unknown))},
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("A language is listed twice."), code="duplicate")


class Localized(str):
    """A string that remembers which language it is in."""

    lang: str

    def __new__(cls, value: str, lang: str) -> Localized:
        obj = super().__new__(cls, value)
        obj.lang = lang
        return obj


def fallback_order(languages: Sequence[str], requested: str | None = None) -> list[str]:
    requested = (requested or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    order: list[str] = []
    for code in (requested, *languages, settings.LANGUAGE_CODE):
        if code not in order:
            order.append(code)
    return order


def localize(
    text: LazyI18nString | str | None,
    *,
    languages: Sequence[str],
    requested: str | None = None,
) -> Localized:
    if text is None:
        return Localized("", requested or settings.LANGUAGE_CODE)
    data = text.data if isinstance(text, LazyI18nString) else text
    if not isinstance(data, dict):
        return Localized(str(data or ""), languages[0] if languages else settings.LANGUAGE_CODE)
    for code in fallback_order(languages, requested):
        if data.get(code):
            return Localized(data[code], code)
    for code, value in data.items():
        if value:
            return Localized(value, code)
    return Localized("", settings.LANGUAGE_CODE)


class MultilingualText:
    """``obj.text.title`` → the title in the best available language."""

    def __init__(self, obj: object, languages: Sequence[str]) -> None:
        self._obj = obj
        self._languages = languages

    def __getattr__(self, name: str) -> Localized:
        if name.startswith("_"):
            raise AttributeError(name)
        return localize(getattr(self._obj, name), languages=self._languages)


# Any: an object of a domain app with a `campaign` (core may not name those models).
def campaign_languages(obj: Any) -> Sequence[str]:
    """The languages of the campaign an object belongs to, without a query.

    `__str__` runs for every row of admin lists and filters: when the campaign was
    not loaded with the object, the languages the text itself is written in will do
    (in the order they were saved, the original first)."""
    if obj._meta.get_field("campaign").is_cached(obj):
        return list(obj.campaign.languages)
    title = getattr(obj, "title", None)
    data = getattr(title, "data", None)
    return [code for code, value in data.items() if value] if isinstance(data, dict) else []


def site_url_in_language(url: str, language: str) -> str:
    """The same page of this site in another language; any other address unchanged.

    Organisers paste addresses as their browser shows them: `/en/campaigns/…`,
    the same on SITE_URL, or without the prefix. Another host, `mailto:` and a
    path no view answers come back as they are (`translate_url` keeps what it
    cannot resolve)."""
    parts = urlsplit(url)
    if parts.netloc:
        if parts.netloc.lower() != urlsplit(settings.SITE_URL).netloc.lower():
            return url
    elif parts.scheme or not parts.path.startswith("/"):
        return url
    path_language = translation.get_language_from_path(parts.path)
    # The path resolves only under the language of its own prefix.
    with translation.override(path_language or settings.LANGUAGE_CODE):
        if path_language is None:
            prefixed = f"/{settings.LANGUAGE_CODE}{parts.path}"
            try:
                resolve(prefixed)
            except Resolver404:
                pass  # not a page under a language prefix (/media/…)
            else:
                url = urlunsplit(parts._replace(path=prefixed))
        return translate_url(url, language)


def show_languages(fields: Mapping[str, Field], languages: Sequence[str]) -> None:
    """Only these languages get a text box in the multilingual fields of a form."""
    from i18nfield.forms import I18nFormField

    for field in fields.values():
        if isinstance(field, I18nFormField):
            field.widget.enabled_locales = list(languages)


def in_every_language(message: str, **params: str) -> dict[str, str]:
    """A message marked with gettext_noop, translated into each site language: the
    multilingual text of something the system writes (a ledger line, a correction)."""
    texts = {}
    for code in language_codes():
        with translation.override(code):
            text = translation.gettext(message)
            texts[code] = text % params if params else text
    return texts
