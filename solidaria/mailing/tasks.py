from django_tasks import task

from .bounces import bounces_read
from .services import mailings_tick


@task()
def tick() -> dict[str, int]:
    """Mailings' background work, every second (see services.mailings_tick)."""
    return mailings_tick()


@task()
def read_bounces() -> dict[str, int]:
    """Reads the bounce mailbox every minute, when one is configured (see
    bounces.bounces_read)."""
    return bounces_read()
