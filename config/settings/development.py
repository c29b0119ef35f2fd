"""Development: SQLite under var/, mail to var/mail/ and /dev/outbox/, secrets per install.

Nothing secret is fixed in the repository: the first start writes a random
SECRET_KEY and PII_KEY to var/dev-secrets.json, and later starts reuse them so
the data stays readable.
"""

import base64
import json
import os
import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DEBUG", default=True)
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}")
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=False)


def _dev_secrets() -> dict[str, str]:
    path = VAR_DIR / "dev-secrets.json"
    if path.exists():
        return dict(json.loads(path.read_text()))
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    values = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PII_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    }
    # O_EXCL: two processes starting at once must not write two different keys.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return dict(json.loads(path.read_text()))
    with os.fdopen(fd, "w") as f:
        json.dump(values, f)
    return values


_secrets = _dev_secrets()
SECRET_KEY = env.str("SECRET_KEY", default=_secrets["SECRET_KEY"])
PII_KEY = env.str("PII_KEY", default=_secrets["PII_KEY"])

EMAIL_BACKEND = "solidaria.core.mail.backends.OutboxEmailBackend"
EMAIL_FORWARD_BACKEND = env.email_url("EMAIL_URL", default="dummymail://")["EMAIL_BACKEND"]
EMAIL_OUTBOX_DIR = VAR_DIR / "mail"
DEV_OUTBOX = True
