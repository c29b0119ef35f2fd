from typing import Any

from django.core.management.base import BaseCommand

from solidaria.core.mail.outbox import email_queue


class Command(BaseCommand):
    help = "Queue a test message (delivered by the task worker) to check mail settings."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("to")
        parser.add_argument("--language", default="en")

    def handle(self, *args: Any, to: str, language: str, **options: Any) -> None:
        email = email_queue(to=to, template="test_message", context={}, language=language)
        self.stdout.write(f"Queued message #{email.pk}; the worker delivers it.")
