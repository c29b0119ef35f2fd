"""The application granian serves (`manage.py serve`, the production guide).

Django's WSGI handler behind a front that reads each request in full, with a
deadline, on an event loop (solidaria.core.web.front): a slow or stalled client
never holds the thread that runs Django.
"""

import os

from django.core.wsgi import get_wsgi_application

from solidaria.core.web.front import BufferedWSGIFront

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
# Django runs synchronously on the loop's thread, by design: see solidaria.core.web.front.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

application = BufferedWSGIFront(get_wsgi_application())
