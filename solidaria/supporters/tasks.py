from django.utils import timezone
from django_tasks import task

from .services import personal_data_expire


@task()
def expire_personal_data() -> dict[str, int]:
    """Erases personal data kept past its campaign's retention period: run daily."""
    return personal_data_expire(now=timezone.now())
