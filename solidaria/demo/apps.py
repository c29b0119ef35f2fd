from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo content and first-start set-up. The top layer: it may use every other app."""

    name = "solidaria.demo"
    label = "demo"
    verbose_name = _("Demo content")
