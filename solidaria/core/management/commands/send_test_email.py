from django.core.management.base import BaseCommand, CommandParser

from solidaria.core.mail.outbox import email_queue


class Command(BaseCommand):
    help = "Queue a test message (delivered by the task worker) to check mail settings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("to")
        parser.add_argument("--language", default="en")

    def handle(self, *args: str, to: str, language: str, **options: object) -> None:
        email = email_queue(to=to, template="test_message", context={}, language=language)
        self.stdout.write(f"Queued message #{email.pk}; the worker delivers it.")
