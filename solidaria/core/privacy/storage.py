"""Where files that must never be public are kept.

The "private" storage has no public address: its files are read only through
views that check who is asking (e.g. receipts in the defense fund's ledger).
"""

from __future__ import annotations

from django.core.files.storage import Storage, storages


def private_storage() -> Storage:
    return storages["private"]
