from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from solidaria.supporters.services import organisation_supporters_rebuild


class Command(BaseCommand):
    help = (
        "Recomputes each organisation's list of its people from the actions and consents "
        "stored (run once after upgrading; tags and notes stay)."
    )

    # Any: Django's command options.
    def handle(self, *args: Any, **options: Any) -> None:
        written = organisation_supporters_rebuild()
        self.stdout.write(f"{written} records of people written.")
