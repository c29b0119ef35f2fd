"""Writers on a SQLite file queue on a kernel lock beside it (solidaria.core.db.sqlite_backend)."""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections, transaction
from django.db.utils import ConnectionHandler

ALIAS = "writers_test"


@pytest.fixture
def file_database(tmp_path: Path, django_db_blocker: Any) -> Iterator[Path]:
    """A second alias on a SQLite file, whatever database the suite runs on.

    Outside the suite's test database, so outside pytest-django's transactions."""
    path = tmp_path / "writers.sqlite3"
    settings = ConnectionHandler().configure_settings(
        {
            "default": {"ENGINE": "django.db.backends.dummy"},
            ALIAS: {
                "ENGINE": "solidaria.core.db.sqlite_backend",
                "NAME": str(path),
                "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 5},
            },
        }
    )
    connections.settings[ALIAS] = settings[ALIAS]
    with django_db_blocker.unblock():
        with connections[ALIAS].cursor() as cursor:
            cursor.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT)")
        yield Path(f"{path}-writers.lock")
        connections[ALIAS].close()
    del connections[ALIAS]
    del connections.settings[ALIAS]


def _taken(lock: Path) -> bool:
    """Whether some writer holds the lock, asked from a separate open file like another process."""
    with lock.open("a") as other:
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(other, fcntl.LOCK_UN)
        return False


def _write(text: str) -> None:
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("INSERT INTO note (text) VALUES (%s)", [text])


def test_a_write_transaction_holds_the_lock_until_it_commits(file_database: Path) -> None:
    assert not _taken(file_database)
    with transaction.atomic(using=ALIAS):
        _write("one")
        assert _taken(file_database)
        with transaction.atomic(using=ALIAS):  # a savepoint: still the same transaction
            _write("two")
        assert _taken(file_database)
    assert not _taken(file_database)
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM note")
        assert cursor.fetchone()[0] == 2


def test_a_failed_transaction_lets_go_of_the_lock(file_database: Path) -> None:
    with pytest.raises(RuntimeError), transaction.atomic(using=ALIAS):
        _write("lost")
        assert _taken(file_database)
        raise RuntimeError("the transaction fails")
    assert not _taken(file_database)
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM note")
        assert cursor.fetchone()[0] == 0


def test_closing_a_connection_mid_transaction_lets_go_of_the_lock(file_database: Path) -> None:
    connection = connections[ALIAS]
    connection.set_autocommit(True)
    atomic = transaction.atomic(using=ALIAS)
    atomic.__enter__()
    _write("abandoned")
    assert _taken(file_database)
    connection.close()  # as when a worker's connection is dropped
    assert not _taken(file_database)
    connection.needs_rollback = False
    connection.in_atomic_block = False
    connection.savepoint_ids = []


def test_a_writer_in_another_thread_queues_on_the_lock_and_then_holds_it(
    file_database: Path,
) -> None:
    entered, checked = threading.Event(), threading.Event()

    def other_writer() -> None:
        try:
            with transaction.atomic(using=ALIAS):
                entered.set()
                _write("second")
                checked.wait(5)  # while the test looks at the lock
        finally:
            connections[ALIAS].close()

    with transaction.atomic(using=ALIAS):
        _write("first")
        thread = threading.Thread(target=other_writer)
        thread.start()
        assert not entered.wait(0.3)  # queued behind this transaction
    assert entered.wait(5)
    assert _taken(file_database)  # now the other thread's transaction holds it
    checked.set()
    thread.join(5)
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT text FROM note ORDER BY id")
        assert [row[0] for row in cursor.fetchall()] == ["first", "second"]
    assert not _taken(file_database)
