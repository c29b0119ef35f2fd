"""Helpers for the Django Tasks API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

# Any: a task of any arguments and result, and the arguments it is enqueued with.


def enqueue_durably(
    task: Task[Any, Any], *, run_after: datetime | None = None, **kwargs: Any
) -> None:
    """Enqueue so that the task exists if and only if the surrounding transaction commits.

    With the database backend the task row is written in the caller's
    transaction, so a crash can never keep the data and lose the task (or the
    reverse). Other backends only see the task after the commit.
    """
    if run_after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(**kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(**kwargs))


def task_waiting(task: Task[Any, Any]) -> bool:
    """Whether a run of this task is already waiting for a worker.

    Known with the database backend only; elsewhere the answer is no, and
    enqueueing again is harmless for the idempotent tasks that ask."""
    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(task_path=task.module_path, status="READY").exists()
