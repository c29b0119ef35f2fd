"""SQLite upkeep that must not happen inside a visitor's request.

In WAL mode SQLite copies the log back into the database file (a checkpoint)
from whichever connection commits when the log passes its threshold, and a
checkpoint waits for the disk. Under a burst of signatures that put an fsync
into one request in every few hundred and held every other writer behind it.
So web connections checkpoint only as a fallback, once the log holds 16 MiB
(`wal_autocheckpoint` in `config.settings.base`), and the scheduler checkpoints every second without
blocking anyone.
"""

from __future__ import annotations

from django.db import OperationalError, connections


def checkpoint(alias: str = "default") -> tuple[int, int, int] | None:
    """A passive checkpoint: copies what it can without waiting for readers or writers.

    Returns SQLite's (busy, log frames, frames copied), or None for other databases."""
    connection = connections[alias]
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            busy, log_frames, copied = cursor.fetchone()
    except OperationalError:  # locked: the next second's checkpoint will do
        return None
    return int(busy), int(log_frames), int(copied)
