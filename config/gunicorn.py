"""gunicorn settings for `manage.py serve`, the benchmarks and production.

Threaded workers keep HTTP connections alive (sync workers close each one),
which is what lets a cached public page pass 2,000 requests/s on two cores.
One thread per worker by default: with SQLite, more threads writing at once
wait on its single write lock and the slowest signatures get much slower
(measured: p99 72 ms with one thread, 225-480 ms with two). With PostgreSQL,
WEB_THREADS=2 to 4 is reasonable. WEB_CONCURRENCY and WEB_THREADS override.
"""

import os

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", str((os.cpu_count() or 1) + 1)))
threads = int(os.environ.get("WEB_THREADS", "1"))
keepalive = 5
graceful_timeout = 10
timeout = 30
# No access log: it would be a list of visitors' addresses.
accesslog = None
