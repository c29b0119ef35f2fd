"""Tests: the same stack as production, with fixed throw-away keys and fast hashing."""

import base64

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-" + "x" * 30
PII_KEY = base64.urlsafe_b64encode(b"t" * 32).decode()
PII_OLD_KEYS = []
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
OTP_REQUIRED = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EMAIL_OUTBOX_DIR = None
MEDIA_ROOT = VAR_DIR / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "test-private", "base_url": None},
    },
}
# Static files straight from the apps: tests do not run collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# anymail's webhook views warn (an error under pytest) without a secret; Mailgun's
# need a signing key. Tests sign and authenticate with these.
ANYMAIL = {
    "WEBHOOK_SECRET": "solidaria-test:webhook-secret",
    "MAILGUN_WEBHOOK_SIGNING_KEY": "test-mailgun-signing-key",
}
