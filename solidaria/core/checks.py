from __future__ import annotations

from collections.abc import Sequence

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

from solidaria.core.privacy import pii


@register()
def check_pii_key(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: object
) -> list[CheckMessage]:
    try:
        pii.keyring()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="solidaria.E001")]
    if settings.PII_KEY in settings.PII_OLD_KEYS:
        return [Error("PII_KEY is also listed in PII_OLD_KEYS.", id="solidaria.E002")]
    return []
