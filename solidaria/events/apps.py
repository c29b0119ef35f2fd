from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "solidaria.events"
    label = "events"
    verbose_name = _("Events and days of action")

    def ready(self) -> None:
        from solidaria.supporters.registry import register

        from .personal_data import EVENTS

        register(EVENTS)
