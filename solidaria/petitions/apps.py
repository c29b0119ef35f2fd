from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "solidaria.petitions"
    label = "petitions"
    verbose_name = _("Petitions and open letters")

    def ready(self) -> None:
        from solidaria.core.mail.stencil import register_stencil
        from solidaria.supporters.registry import register

        from .personal_data import PETITIONS

        register(PETITIONS)
        # After a surge, thousands of these go out per petition and language: each
        # is copied from a message built once (core.mail.stencil).
        for template in ("petition_confirm", "petition_already_signed"):
            register_stencil(template, personal=("name", "confirm_url", "withdraw_url"))
