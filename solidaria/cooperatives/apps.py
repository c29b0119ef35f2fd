from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperativesConfig(AppConfig):
    name = "solidaria.cooperatives"
    label = "cooperatives"
    verbose_name = _("Cooperatives")

    def ready(self) -> None:
        from solidaria.supporters.registry import register

        from .personal_data import COOPERATIVES

        register(COOPERATIVES)
