from django.core.management.base import BaseCommand

from solidaria.core.privacy.pii import generate_key


class Command(BaseCommand):
    help = "Print a new random PII_KEY (keep it outside the database and its backups)."

    requires_system_checks: list[str] = []

    def handle(self, *args: str, **options: object) -> None:
        self.stdout.write(generate_key())
