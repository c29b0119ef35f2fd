from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingConfig(AppConfig):
    name = "solidaria.mailing"
    label = "mailing"
    verbose_name = _("Mailings")

    def ready(self) -> None:
        from solidaria.core.mail.outbox import register_renderer
        from solidaria.supporters.registry import register

        from .personal_data import MAILING
        from .rendering import MAILING_TEMPLATE, TEST_TEMPLATE, render_outgoing, render_test

        register(MAILING)
        register_renderer(MAILING_TEMPLATE, render_outgoing)
        register_renderer(TEST_TEMPLATE, render_test)
        from . import webhooks  # noqa: F401  (connects the anymail tracking receiver)
