from django_tasks import task

from .services import reminders_send


@task()
def send_reminders() -> int:
    """Day-before and hour-before reminders that are due: run every minute by the scheduler."""
    return reminders_send()
