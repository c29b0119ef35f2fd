from django_tasks import task

from solidaria.core.mail.outbox import (
    email_deliver_waiting,
    email_prune_failed,
    email_requeue_stalled,
)


@task(queue_name="email")
def deliver_emails() -> int:
    """Sends what is waiting, transactional messages first (see core.mail.outbox)."""
    return email_deliver_waiting()


@task(queue_name="email")
def deliver_email(*, email_id: int) -> int:
    """Tasks queued one per message before the batched engine: each now sends
    whatever is waiting, that message included."""
    return email_deliver_waiting()


@task()
def requeue_stalled_emails() -> int:
    return email_requeue_stalled()


@task()
def prune_failed_emails() -> int:
    """Failed messages lose their recipient and contents after a month: run daily."""
    return email_prune_failed()


@task()
def prune_task_results() -> None:
    """Finished task rows are history: a day of successes, a week of failures is enough."""
    from django.core.management import call_command

    for queue in ("default", "email"):
        call_command(
            "prune_db_task_results",
            queue_name=queue,
            min_age_days=1,
            failed_min_age_days=7,
            verbosity=0,
        )
