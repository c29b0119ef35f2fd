"""A product limited to 100 sells exactly 100 when a thousand people order at once.

Real threads, each with its own database connection (closed at its end), call the
ordering service together, on PostgreSQL and on SQLite (the suite's database:
`DATABASE_URL` chooses). The stock is taken by a conditional UPDATE, so no lock on
the round is needed; what is checked afterwards is what the database holds."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from django.db.models import Sum

from solidaria.cooperatives.exceptions import SoldOut
from solidaria.cooperatives.models import Order, OrderLine, Round, RoundItem, RoundSupplier
from solidaria.cooperatives.ordering import orders_follow_up
from solidaria.core.models import OutgoingEmail
from tests.cooperatives.conftest import place
from tests.cooperatives.factories import PickupPointFactory, RoundFactory, RoundItemFactory

pytestmark = pytest.mark.django_db(transaction=True)

LIMIT = 100
THREADS = 16
ORDERS = 1000


@contextmanager
def shared_database(tmp_path: Path) -> Iterator[None]:
    """The database as the threads reach it. PostgreSQL: the suite's own. SQLite: the
    suite's database is in memory, where connections share one cache and a busy
    writer fails the others at once instead of queueing them; so it is copied, data
    and all, to a file that every connection (this thread's too) uses meanwhile, as
    the platform runs it (WAL, writers queued on the kernel lock:
    `core.db.sqlite_backend`). The memory database is put back after."""
    default = connections["default"]
    if default.vendor != "sqlite":
        yield
        return
    path = tmp_path / "orders.sqlite3"
    default.ensure_connection()
    memory = default.connection
    target = sqlite3.connect(path)
    memory.backup(target)
    # WAL before any thread connects: switching a shared file's journal mode needs
    # it to itself, and sixteen connections asking at once made one fail ("database
    # is locked") under a loaded machine.
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    saved = dict(default.settings_dict)
    # Closing a memory database would drop it (Django ignores it): set it aside.
    default.connection = None
    default.settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        default.close()
        default.settings_dict.clear()
        default.settings_dict.update(saved)
        default.connection = memory


def _order_at_once(round: Round, item: RoundItem, point: Any) -> tuple[list[int], int, list[str]]:
    accepted: list[int] = []
    refused = [0]
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def buyer(first: int) -> None:
        try:
            start.wait()
            for n in range(first, ORDERS, THREADS):
                try:
                    placed = place(round, [(item, 1)], point=point, email=f"buyer{n}@example.org")
                except SoldOut:
                    with lock:
                        refused[0] += 1
                else:
                    with lock:
                        accepted.append(placed.order.pk)
        except Exception as exc:  # reported by the test, not lost in the thread
            with lock:
                errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=buyer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)
    return accepted, refused[0], errors


def test_a_product_limited_to_100_sells_exactly_100_to_1000_buyers_at_once(
    tmp_path: Path,
) -> None:
    round = RoundFactory()
    point = PickupPointFactory(round=round)
    item = RoundItemFactory(round=round, max_quantity=LIMIT, price_minor=500)
    # Another item of the round, unlimited, that nobody orders: it must not move.
    other = RoundItemFactory(round=round)
    with shared_database(tmp_path):
        accepted, refused, errors = _order_at_once(round, item, point)
        # Each buyer's follow-up skips the orders another run holds (SKIP LOCKED on
        # PostgreSQL): the scheduler's next run takes what is left, as here.
        while orders_follow_up():
            pass
        _check(round, item, other, accepted, refused, errors)


def _check(
    round: Round,
    item: RoundItem,
    other: RoundItem,
    accepted: list[int],
    refused: int,
    errors: list[str],
) -> None:
    assert errors == []
    assert len(accepted) == LIMIT and refused == ORDERS - LIMIT
    item.refresh_from_db()
    other.refresh_from_db()
    assert item.sold == LIMIT and other.sold == 0
    # Exactly the accepted orders are stored, each with its line and its email.
    assert sorted(Order.objects.values_list("pk", flat=True)) == sorted(accepted)
    assert OrderLine.objects.filter(item=item).aggregate(n=Sum("quantity"))["n"] == LIMIT
    assert OutgoingEmail.objects.filter(template="cooperatives_order_placed").count() == LIMIT
    assert len(set(Order.objects.values_list("reference", flat=True))) == LIMIT
    # The kept totals agree with the rows.
    round.refresh_from_db()
    assert (round.orders_count, round.ordered_minor, round.cooperatives_count) == (
        LIMIT,
        LIMIT * 500,
        1,
    )
    supplier = RoundSupplier.objects.get(round=round)
    assert (supplier.quantity, supplier.ordered_minor) == (LIMIT, LIMIT * 500)
    assert not Order.objects.filter(follow_up_owed=True).exists()
    assert not Order.objects.filter(email_owed=True).exists()
