"""Production: refuses to start without real secrets; HTTPS-only cookies and HSTS."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import PII_KEY, SECRET_KEY, env

# Values that have ever been published as examples; starting with one is refused.
KNOWN_DEFAULT_SECRETS = {"", "change-me", "changeme", "secret", "django-insecure"}

if SECRET_KEY in KNOWN_DEFAULT_SECRETS or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured("SECRET_KEY must be set to a long random value in production.")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters.")
if PII_KEY in KNOWN_DEFAULT_SECRETS:
    raise ImproperlyConfigured(
        "PII_KEY must be set in production (generate one with `manage.py generate_pii_key`)."
    )

DEBUG = False
OTP_REQUIRED = True

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=63072000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
