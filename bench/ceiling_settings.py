"""Settings for the signing benchmark's ceiling (`bench/sign.py`): the production
settings with no middleware and one bare view (`bench/ceiling_urls.py`)."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.ceiling_urls"
MIDDLEWARE: list[str] = []
# The admin's checks ask for the middleware this bare server leaves out.
SILENCED_SYSTEM_CHECKS = ["admin.E408", "admin.E409", "admin.E410"]
