"""gunicorn settings for `manage.py serve`, the benchmarks and production.

Threaded workers keep HTTP connections alive (sync workers close each one),
which more than doubles what a cached public page can serve on two cores.
WEB_CONCURRENCY and WEB_THREADS override the defaults.
"""

import os

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", str((os.cpu_count() or 1) + 1)))
threads = int(os.environ.get("WEB_THREADS", "4"))
keepalive = 5
graceful_timeout = 10
timeout = 30
# No access log: it would be a list of visitors' addresses.
accesslog = None
