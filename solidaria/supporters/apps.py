from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportersConfig(AppConfig):
    name = "solidaria.supporters"
    label = "supporters"
    verbose_name = _("Supporters")

    def ready(self) -> None:
        from solidaria.supporters.registry import register

        from .personal_data import SUPPORTERS

        register(SUPPORTERS)
