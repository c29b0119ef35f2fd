from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteeConfig(AppConfig):
    name = "solidaria.committee"
    label = "committee"
    verbose_name = _("Committees")

    def ready(self) -> None:
        from solidaria.supporters.registry import register

        from .personal_data import COMMITTEE

        register(COMMITTEE)
