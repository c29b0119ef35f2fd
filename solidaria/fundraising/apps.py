from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundraisingConfig(AppConfig):
    name = "solidaria.fundraising"
    label = "fundraising"
    verbose_name = _("Defense funds")

    def ready(self) -> None:
        from solidaria.core.payments.events import register_stripe_handlers
        from solidaria.supporters.registry import register

        from .personal_data import FUNDRAISING
        from .stripe_events import STRIPE_HANDLERS

        register(FUNDRAISING)
        register_stripe_handlers(STRIPE_HANDLERS)
