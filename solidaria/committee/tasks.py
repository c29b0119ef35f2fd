from django.utils import timezone
from django_tasks import task

from .services import committee_digest


@task()
def send_digests() -> int:
    """Organisers' daily digest of new proposals and comments: run daily by the
    scheduler. Idempotent: a second run finds nothing new and sends nothing."""
    return committee_digest(now=timezone.now())
