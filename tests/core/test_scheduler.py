from __future__ import annotations

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from solidaria.petitions.models import Signature
from solidaria.petitions.services import signature_create
from tests import factories

pytestmark = pytest.mark.django_db


def test_scheduler_enqueues_each_periodic_task_once(settings) -> None:
    call_command("scheduler", "--once")
    paths = sorted(DBTaskResult.objects.values_list("task_path", flat=True))
    assert paths == sorted(path for path, _seconds in settings.PERIODIC_TASKS)
    # Still waiting: not enqueued again.
    call_command("scheduler", "--once")
    assert DBTaskResult.objects.count() == len(settings.PERIODIC_TASKS)


def test_the_tick_sends_owed_confirmations_through_the_worker(run_tasks, smtp_server) -> None:
    petition = factories.PetitionFactory()
    signature_create(
        petition=petition,
        name="Lu",
        email="lu@example.org",
        country="UY",
        language="pt",
        ip="192.0.2.9",
    )
    call_command("scheduler", "--once")
    run_tasks()  # the tick queues the email and its delivery task …
    run_tasks()  # … which the worker then delivers
    assert [m["To"] for m in smtp_server.messages] == ["lu@example.org"]
    assert smtp_server.messages[0]["Content-Language"] == "pt"
    assert Signature.objects.get().confirmation_queued


def test_a_run_left_behind_by_a_killed_worker_does_not_block_for_ever(settings) -> None:
    from datetime import timedelta

    from django.utils import timezone

    call_command("scheduler", "--once")
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now() - timedelta(days=1))
    call_command("scheduler", "--once")
    assert DBTaskResult.objects.filter(status="READY").count() == len(settings.PERIODIC_TASKS)


def test_old_finished_task_rows_are_pruned(run_tasks) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from solidaria.core.tasks import prune_task_results

    call_command("scheduler", "--once")
    run_tasks()
    old = timezone.now() - timedelta(days=2)
    DBTaskResult.objects.update(finished_at=old, enqueued_at=old)
    prune_task_results.enqueue()
    run_tasks()
    # Only the prune run itself (finished just now) is left.
    assert (
        DBTaskResult.objects.filter(finished_at__lt=timezone.now() - timedelta(days=1)).count() == 0
    )
    assert DBTaskResult.objects.count() == 1
