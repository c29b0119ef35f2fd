from django.core.management.base import BaseCommand, CommandParser

from solidaria.core.privacy.pii_rotation import pii_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt all personal data under PII_KEY. Run after moving the old key to "
        "PII_OLD_KEYS; remove it from there once this has finished."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: str, batch_size: int, **options: object) -> None:
        for label, count in pii_rotate(batch_size=batch_size).items():
            self.stdout.write(f"{label}: {count} rows re-encrypted")
