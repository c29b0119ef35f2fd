from django_tasks import task

from .services import petition_tick


@task()
def tick() -> dict[str, int]:
    """Confirmation emails, counts, supporters: run every few seconds by the scheduler."""
    return petition_tick()
