from django_tasks import task

from .services import petition_tick


# Before queued emails, however many: the public count must not wait behind them.
@task(priority=50)
def tick() -> dict[str, int]:
    """Confirmation emails, counts, supporters: run every few seconds by the scheduler."""
    return petition_tick()
