from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "solidaria.petitions"
    label = "petitions"
    verbose_name = _("Petitions and open letters")

    def ready(self) -> None:
        from solidaria.supporters.registry import register

        from .personal_data import PETITIONS

        register(PETITIONS)
