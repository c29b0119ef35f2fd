"""Enqueues the periodic tasks named in settings.PERIODIC_TASKS, each at its interval.

On SQLite it also checkpoints the write-ahead log every second, so that no
visitor's request has to (see solidaria.core.db.sqlite).

One scheduler runs per installation (`manage.py serve` starts it). A task is not
enqueued again while an earlier run of it is still waiting or running, so a
slow worker never builds a backlog of ticks.
"""

from __future__ import annotations

import signal
import time
from datetime import timedelta
from types import FrameType

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from solidaria.core.db import sqlite

# How often the SQLite log is copied back into the database (a no-op elsewhere).
CHECKPOINT_SECONDS = 1.0
# A run still marked running after this long was left by a killed worker, whatever
# its interval: twenty intervals would block a daily task for twenty days.
LONGEST_RUN = timedelta(hours=6)


def task_pending(task_path: str, interval: float) -> bool:
    """Is a run of this task waiting, or running and alive?

    A worker killed mid-task leaves its row RUNNING for ever; after a while such
    a run no longer counts, so periodic work resumes (the tasks are idempotent)."""
    stale = timezone.now() - min(timedelta(seconds=max(120.0, 20 * interval)), LONGEST_RUN)
    return (
        DBTaskResult.objects.filter(task_path=task_path)
        .filter(Q(status="READY") | Q(status="RUNNING", started_at__gte=stale))
        .exists()
    )


class Command(BaseCommand):
    help = "Run the periodic task scheduler (enqueues; the worker runs)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Enqueue what is due once, then exit."
        )

    def handle(self, *args: str, once: bool = False, **options: object) -> None:
        schedule = [(import_string(path), seconds) for path, seconds in settings.PERIODIC_TASKS]
        next_run = {task.module_path: 0.0 for task, _seconds in schedule}
        running = True

        def stop(signum: int, _frame: FrameType | None) -> None:
            nonlocal running
            running = False

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        next_checkpoint = 0.0
        while running:
            now = time.monotonic()
            if now >= next_checkpoint:
                next_checkpoint = now + CHECKPOINT_SECONDS
                sqlite.checkpoint()
            for task, seconds in schedule:
                if now < next_run[task.module_path]:
                    continue
                next_run[task.module_path] = now + seconds
                waiting = task_pending(task.module_path, seconds)
                if not waiting:
                    task.enqueue()
            if once:
                return
            close_old_connections()
            time.sleep(0.5)
