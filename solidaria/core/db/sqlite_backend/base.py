"""SQLite whose writers queue in the kernel instead of polling.

SQLite lets one connection write at a time. A connection that finds the write
lock taken retries after growing sleeps (1, 2, 5, 10, 15, 20, 25 … ms), so
under a burst of signatures from several processes a writer could sleep
through dozens of other transactions: measured, p99 178 ms at 1,100
signatures/s, with a median of 6 ms.

Here every write transaction first takes an exclusive `flock` on a file beside
the database. Waiting writers sleep in the kernel and the next one wakes the
moment the lock is let go, so the lock changes hands without gaps, in arrival
order. The kernel lets go of the lock of a process that dies, so a killed
worker never leaves it held. Databases in memory (the tests) have no file and
no other process, so they skip it.

Transactions are taken IMMEDIATE (`transaction_mode` in the settings): a write
transaction holds SQLite's lock from its BEGIN, which is what the flock orders.
A statement outside `transaction.atomic()` still writes in SQLite's own
implicit transaction and waits the old way; hot paths write inside atomic blocks
(`solidaria.core.db.rows.RowInserter`).
"""

from __future__ import annotations

import fcntl
import os
from typing import Any, BinaryIO

from django.db.backends.sqlite3 import base

# Any: Django's database backend signatures (connection options, the DB-API connection).


class DatabaseWrapper(base.DatabaseWrapper):
    # The hooks overridden below are Django's own private ones, which django-stubs
    # does not declare (hence the type: ignore on each call to the parent's).
    # RowInserter asks: on this backend a lone INSERT is cheaper inside BEGIN/COMMIT
    # than waiting for the lock in SQLite's implicit transaction.
    queues_writers = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._writer_lock: BinaryIO | None = None
        self._writer_lock_held = False

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        if not self.is_in_memory_db():
            self._close_writer_lock()
            path = f"{self.settings_dict['NAME']}-writers.lock"
            # One open file per connection: flocks on separate opens of the same
            # file exclude each other, threads of one process included. Read-only
            # is enough for a flock, so a file made by another user will do; a
            # file object is closed, and its lock let go, even if this connection
            # is dropped without being closed (its thread ended).
            descriptor = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
            self._writer_lock = os.fdopen(descriptor, "rb", buffering=0)
        return connection

    def _start_transaction_under_autocommit(self) -> None:
        self._lock_writers()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._unlock_writers()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._unlock_writers()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._unlock_writers()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._close_writer_lock()

    def _lock_writers(self) -> None:
        if self._writer_lock is not None and not self._writer_lock_held:
            fcntl.flock(self._writer_lock, fcntl.LOCK_EX)
            self._writer_lock_held = True

    def _unlock_writers(self) -> None:
        if self._writer_lock is not None and self._writer_lock_held:
            fcntl.flock(self._writer_lock, fcntl.LOCK_UN)
            self._writer_lock_held = False

    def _close_writer_lock(self) -> None:
        if self._writer_lock is not None:
            self._writer_lock.close()  # closing lets go of a lock still held
            self._writer_lock = None
            self._writer_lock_held = False
