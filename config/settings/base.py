"""Settings shared by every environment.

Everything that differs between machines comes from environment variables
(12-factor); see README.md for the list. Values that must be secret have no
default here: development.py generates them per install, production.py refuses
to start without them.
"""

from pathlib import Path

import django_stubs_ext
import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

# Lets the classes django-stubs types as generic be subscripted at runtime too
# (`admin.ModelAdmin[Petition]`, `forms.ModelForm[Fund]`), as mypy requires.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("SOLIDARIA_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
# django-environ is untyped: each setting read from it is annotated with its type.

DEBUG = False
SECRET_KEY: str = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL: str = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME: str = env.str("SITE_NAME", default="Solidaria")

# Personal data: PII_KEY encrypts, PII_OLD_KEYS still decrypts while a rotation runs.
PII_KEY: str = env.str("PII_KEY", default="")
PII_OLD_KEYS: list[str] = env.list("PII_OLD_KEYS", default=[])

INSTALLED_APPS = [
    "solidaria.core",
    "solidaria.organisations",
    "solidaria.supporters",
    "solidaria.campaigns",
    "solidaria.petitions",
    "solidaria.fundraising",
    "solidaria.events",
    "solidaria.mailing",
    "solidaria.committee",
    "solidaria.cooperatives",
    "solidaria.demo",
    "solidaria.core.console.admin_config.SolidariaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "django_countries",
    "csp",
    # Mail providers' webhooks (config/urls.py); the app adds its settings checks.
    "anymail",
]

MIDDLEWARE = [
    # Outermost: headers every response carries, cached or not (solidaria.core.web.hygiene).
    "solidaria.core.web.hygiene.SecurityHeadersMiddleware",
    # Then, so that a cached anonymous page is answered before anything else runs,
    # and so that what it stores carries every header the rest of the stack adds.
    "solidaria.core.web.middleware.AnonymousPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Refuses overlong addresses, forms not in UTF-8 and methods a view does not serve.
    "solidaria.core.web.hygiene.RequestHygieneMiddleware",
    # Signature POSTs that are valid are answered here (with the CSP and frame
    # headers the two middlewares below give every other response): core.web.fastlane.
    "solidaria.petitions.fastlane.SigningFastLaneMiddleware",
    # And so are transfer orders sent from a buying round's page.
    "solidaria.cooperatives.fastlane.OrderingFastLaneMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "solidaria.core.context_processors.site",
            ],
        },
    },
]


def database_from_env(default: str) -> dict[str, object]:
    """DATABASE_URL, with the options that make SQLite fit for concurrent writes."""
    db: dict[str, object] = env.db("DATABASE_URL", default=default)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # Django's backend, with writers queued in the kernel (see its docstring).
        db["ENGINE"] = "solidaria.core.db.sqlite_backend"
        db["OPTIONS"] = {
            # WAL lets readers run beside the single writer; NORMAL is durable in WAL
            # mode across process crashes (only an OS crash can lose the last commit).
            # The scheduler checkpoints the log (solidaria.core.db.sqlite); requests
            # do so only if it has grown to 16 MiB.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000; "
                "PRAGMA wal_autocheckpoint=4096;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        # In memory unless asked otherwise; named so that pytest-xdist, which does
        # not know this backend, leaves each worker its own memory database.
        db["TEST"] = {
            "NAME": str(VAR_DIR / "test.sqlite3")
            if env.bool("SQLITE_TEST_ON_DISK", default=False)
            else ":memory:"
        }
    db["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
    db["CONN_HEALTH_CHECKS"] = True
    return db


DATABASES = {"default": database_from_env(f"sqlite:///{VAR_DIR / 'solidaria.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    # Shared state that must be the same for every worker (rate-limit counters, locks).
    "default": env.cache_url("CACHE_URL", default="dbcache://solidaria_cache"),
    # Rendered anonymous pages. Per process by default: a stale copy lives at most
    # PAGE_CACHE_SECONDS, and no network round trip is on the hot path.
    "pages": env.cache_url("PAGE_CACHE_URL", default="locmemcache://solidaria-pages"),
}
PAGE_CACHE_SECONDS: int = env.int("PAGE_CACHE_SECONDS", default=10)

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "email"],
    }
}

# (task, every so many seconds), enqueued by `manage.py scheduler`.
PERIODIC_TASKS = [
    ("solidaria.petitions.tasks.tick", env.float("PETITION_TICK_SECONDS", default=2.0)),
    # Queueing a message wakes a worker; this catches what slipped past a wake-up
    # and retries that have fallen due.
    ("solidaria.core.tasks.deliver_emails", 1.0),
    # Mailings: start what is due, freeze recipients, feed the delivery engine.
    ("solidaria.mailing.tasks.tick", 1.0),
    # Reads the bounce mailbox, if one is configured (MAILING_BOUNCE_*).
    ("solidaria.mailing.tasks.read_bounces", 60),
    ("solidaria.events.tasks.send_reminders", 60),
    # Messages of a worker that died while sending go back within a minute or two.
    ("solidaria.core.tasks.requeue_stalled_emails", 30),
    ("solidaria.core.tasks.prune_task_results", 3600),
    # Daily, and at each start of the scheduler: each is idempotent.
    ("solidaria.core.tasks.prune_failed_emails", 86400),
    ("solidaria.supporters.tasks.expire_personal_data", 86400),
    ("solidaria.committee.tasks.send_digests", 86400),
    # Orders placed: the cooperatives' totals, the buyers' emails, the audit entries.
    (
        "solidaria.cooperatives.tasks.follow_up_orders",
        env.float("ORDER_FOLLOW_UP_SECONDS", default=2.0),
    ),
    # Buying rounds past their closing time: purchase orders out; unpaid orders
    # cancelled after the days to pay. Idempotent.
    ("solidaria.cooperatives.tasks.close_rounds", 300),
]
HEALTH_REPORTS = {"petitions": "solidaria.petitions.health.report"}
# Signing: at most N signatures from one address on one petition per window (seconds).
SIGNING_RATE_LIMITS = [(60, 1), (300, 5)]
# And for signatures without a solved proof of work (sent without JavaScript, or
# by a bot that skips it), counting only the address's earlier ones without one.
SIGNING_RATE_LIMITS_WITHOUT_PROOF = [(600, 1)]
# Above this many new signatures a second, a petition is going viral: the tick
# queues only a few confirmations per round (5 a second) and leaves the cores to
# the signers; the rest go out as soon as the surge is over.
SIGNING_SURGE_RATE: int = env.int("SIGNING_SURGE_RATE", default=100)
# Above this many orders a second in buying rounds, buyers' emails wait for the rush
# to pass (cooperatives.ordering.ordering_rush); the page after ordering says it all.
ORDERING_RUSH_RATE: int = env.int("ORDERING_RUSH_RATE", default=100)

# Card gifts through Stripe Checkout: both keys, or no card option at all.
STRIPE_SECRET_KEY: str = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET: str = env.str("STRIPE_WEBHOOK_SECRET", default="")
# Seconds a webhook's signature stays valid (Stripe's own default).
STRIPE_WEBHOOK_TOLERANCE = 300
# Only for tests, which answer from recorded responses on a local server.
STRIPE_API_BASE: str = env.str("STRIPE_API_BASE", default="")
# Currencies gifts can be made in (ISO 4217).
CURRENCIES: list[str] = env.list("CURRENCIES", default=["ARS", "USD", "EUR", "BRL", "GBP"])

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# Staff must confirm a one-time password (TOTP) before the admin opens.
OTP_REQUIRED: bool = env.bool("OTP_REQUIRED", default=True)
OTP_TOTP_ISSUER = SITE_NAME

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("es", _("Spanish")),
    ("en", _("English")),
    ("pt", _("Portuguese")),
    ("fr", _("French")),
    ("de", _("German")),
]
LOCALE_PATHS = [BASE_DIR / "solidaria" / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # Never served directly: receipts and other files only organisers may read.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "private", "base_url": None},
    },
}
WHITENOISE_MAX_AGE = 3600
SERVE_MEDIA: bool = env.bool("SERVE_MEDIA", default=True)
# Images are checked, stripped of metadata and re-encoded on upload (core.rendering.images).
MAX_IMAGE_UPLOAD_BYTES = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024
# The web front (solidaria.core.web.front) reads each request body before Django sees
# it: at most this many bytes, within REQUEST_BODY_SECONDS plus one second per
# REQUEST_BODY_MIN_RATE bytes received. A client slower than that gets a 408.
MAX_REQUEST_BYTES = 10 * 1024 * 1024
REQUEST_BODY_SECONDS: float = env.float("REQUEST_BODY_SECONDS", default=5.0)
REQUEST_BODY_MIN_RATE = 32 * 1024
# Longest path and query string accepted (414 beyond).
MAX_URL_LENGTH = 2048
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
DEFAULT_FROM_EMAIL: str = env.str("DEFAULT_FROM_EMAIL", default="Solidaria <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 20
# How often a message is tried before it is marked failed, and the first back-off.
EMAIL_MAX_ATTEMPTS: int = env.int("EMAIL_MAX_ATTEMPTS", default=8)
EMAIL_RETRY_SECONDS: int = env.int("EMAIL_RETRY_SECONDS", default=30)
# Messages a worker claims and sends over one connection to the mail server.
EMAIL_BATCH_SIZE: int = env.int("EMAIL_BATCH_SIZE", default=100)
# Where every message is also written as an .eml file (development only).
EMAIL_OUTBOX_DIR: Path | None = None

# Mailings' bounces and complaints (docs/operations.md, "Bounces and complaints").
# The envelope sender of mailings: bounces come back to bounces+<token>@domain.
MAILING_BOUNCE_ADDRESS: str = env.str("MAILING_BOUNCE_ADDRESS", default="")
# Offered in List-Unsubscribe as mailto:<this>?subject=unsubscribe <token>.
MAILING_UNSUBSCRIBE_MAILTO: str = env.str("MAILING_UNSUBSCRIBE_MAILTO", default="")
# Where those two are delivered, read every minute: a Maildir on this host, or
# imaps://user:password@host:993/INBOX (the IMAP one wins if both are set).
MAILING_BOUNCE_MAILDIR: str = env.str("MAILING_BOUNCE_MAILDIR", default="")
MAILING_BOUNCE_IMAP_URL: str = env.str("MAILING_BOUNCE_IMAP_URL", default="")
# Providers' webhooks at /anymail/<provider>/tracking/: the basic auth they must send
# ("user:password"; several, comma-separated, while one replaces another), and
# Mailgun's signing key. Without them, those webhooks are refused.
ANYMAIL: dict[str, object] = {}
if _webhook_secret := env.list("ANYMAIL_WEBHOOK_SECRET", default=[]):
    ANYMAIL["WEBHOOK_SECRET"] = _webhook_secret
if _mailgun_signing_key := env.str("MAILGUN_WEBHOOK_SIGNING_KEY", default=""):
    ANYMAIL["MAILGUN_WEBHOOK_SIGNING_KEY"] = _mailgun_signing_key

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# No page may load anything from another host, and nothing may run inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        # Handled here only: Django's own console handler (DEBUG) printed each twice.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # At INFO it logs every detector it tries on every bounce read.
        "flufl.bounce": {"level": "WARNING"},
    },
}
