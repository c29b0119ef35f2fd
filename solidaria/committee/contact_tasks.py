from django.utils import timezone
from django_tasks import task

from .contact import contact_messages_expire


@task()
def expire_contact_messages() -> int:
    """Erases contact messages older than 90 days: run daily by the scheduler."""
    return contact_messages_expire(now=timezone.now())
