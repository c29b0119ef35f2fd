"""Re-encrypts every personal value under the current PII_KEY, in batches."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction

from solidaria.core.privacy.audit import audit_log
from solidaria.core.privacy.fields import EncryptedTextField


def pii_rotate(*, batch_size: int = 500) -> dict[str, int]:
    """Loads each row (decrypting under whichever key sealed it) and writes it back
    under the current key; blind indexes are recomputed by models that have them
    (`refresh_blind_indexes()`). Safe to interrupt and run again."""
    counts: dict[str, int] = {}
    for model in apps.get_models():
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if not fields:
            continue
        label = model._meta.label
        counts[label] = 0
        last_pk = None
        while True:
            queryset = model._default_manager.order_by("pk")
            if last_pk is not None:
                queryset = queryset.filter(pk__gt=last_pk)
            rows = list(queryset[:batch_size])
            if not rows:
                break
            with transaction.atomic():
                for row in rows:
                    values = {name: getattr(row, name) for name in fields}
                    refresh = getattr(row, "refresh_blind_indexes", None)
                    for name in refresh() if refresh else []:
                        values[name] = getattr(row, name)
                    model._default_manager.filter(pk=row.pk).update(**values)
            counts[label] += len(rows)
            last_pk = rows[-1].pk
    audit_log(action="pii.rotated", data=counts)
    return counts
