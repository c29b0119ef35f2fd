from django_tasks import task

from .mail import email_deliver, email_requeue_stalled


@task(queue_name="email")
def deliver_email(*, email_id: int) -> str:
    status = email_deliver(email_id=email_id)
    return str(status or "skipped")


@task()
def requeue_stalled_emails() -> int:
    return email_requeue_stalled()
