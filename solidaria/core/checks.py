from __future__ import annotations

from collections.abc import Sequence

from django.apps import AppConfig
from django.conf import settings
from django.contrib import admin
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from solidaria.core.privacy import pii
from solidaria.core.privacy.fields import EncryptedTextField


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


@register(Tags.admin)
def check_admin_never_searches_encrypted_fields(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: object
) -> list[CheckMessage]:
    """Encrypted columns cannot be searched, filtered or sorted in SQL: an admin that
    tries fails only when an organiser uses it, so it is refused at start-up."""
    errors: list[CheckMessage] = []
    for model, model_admin in admin.site._registry.items():
        encrypted = {
            field.name
            for field in model._meta.get_fields()
            if isinstance(field, EncryptedTextField)
        }
        for option in ("search_fields", "list_filter", "ordering"):
            for entry in getattr(model_admin, option, ()) or ():
                name = entry.lstrip("=^@-") if isinstance(entry, str) else ""
                if name in encrypted:
                    errors.append(
                        Error(
                            f"{type(model_admin).__name__}.{option} names the encrypted "
                            f"field {name!r}.",
                            obj=type(model_admin),
                            id="solidaria.E003",
                        )
                    )
    return errors
