from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from solidaria.core.rendering.gazetteer import ensure_index as ensure_gazetteer_index
from solidaria.demo.loader import demo_load, demo_organiser_reset


class Command(BaseCommand):
    help = "First-start set-up: cache table, demo campaigns (once) and a fresh organiser login."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo content.")
        parser.add_argument(
            "--no-login", action="store_true", help="Do not reset the demo organiser's password."
        )

    def handle(
        self, *args: str, no_demo: bool = False, no_login: bool = False, **options: object
    ) -> None:
        call_command("createcachetable", verbosity=0)
        # Written once, so that the first supporter proposing an action does not wait.
        ensure_gazetteer_index()
        if not no_demo:
            created = demo_load()
            if any(created.values()):
                self.stdout.write(
                    f"Demo loaded: {created['organisations']} organisations, "
                    f"{created['campaigns']} campaigns, {created['petitions']} petitions, "
                    f"{created['funds']} defense funds, {created['events']} events, "
                    f"{created['people']} people, {created['mailings']} mailing, "
                    f"{created['committees']} committee."
                )
        if not no_login:
            username, password = demo_organiser_reset()
            self.stdout.write("")
            self.stdout.write(self.style.SUCCESS("Organiser login (new password on every start):"))
            self.stdout.write(f"  {settings.SITE_URL}/admin/")
            self.stdout.write(f"  user: {username}")
            self.stdout.write(f"  password: {password}")
            self.stdout.write("")
