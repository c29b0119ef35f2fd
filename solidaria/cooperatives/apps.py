from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperativesConfig(AppConfig):
    name = "solidaria.cooperatives"
    label = "cooperatives"
    verbose_name = _("Cooperatives")

    def ready(self) -> None:
        from solidaria.core.payments.events import register_stripe_handlers
        from solidaria.supporters.registry import register

        from .card import STRIPE_HANDLERS
        from .personal_data import COOPERATIVES

        register(COOPERATIVES)
        register_stripe_handlers(STRIPE_HANDLERS)
