"""Runs the whole platform: gunicorn for the web, the task worker beside it.

Ctrl-C (or SIGTERM) stops both; if either dies, the other is stopped too, so
a half-running platform never goes unnoticed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


def _background_priority() -> None:
    # Under a spike the web answers first; queued work (emails, counts) catches up after.
    os.nice(5)


class Command(BaseCommand):
    help = "Serve the web application (gunicorn) and the task worker together."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", str((os.cpu_count() or 1) + 1))),
        )
        parser.add_argument("--no-worker", action="store_true", help="Serve the web only.")

    def handle(self, *args: Any, **options: Any) -> None:
        base_dir = Path(settings.BASE_DIR)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]}
        bind = f"{options['host']}:{options['port']}"
        processes: dict[str, subprocess.Popen[bytes]] = {
            "web": subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "config.wsgi:application",
                    "--bind",
                    bind,
                    "--workers",
                    str(options["workers"]),
                    "--graceful-timeout",
                    "10",
                    # No access log: it would be a list of visitors' addresses.
                ],
                cwd=base_dir,
                env=env,
            ),
        }
        if not options["no_worker"]:
            processes["worker"] = subprocess.Popen(
                [
                    sys.executable,
                    str(base_dir / "manage.py"),
                    "db_worker",
                    "--queue-name",
                    "*",
                    "--no-reload",
                    "--interval",
                    "0.5",
                ],
                cwd=base_dir,
                env=env,
                preexec_fn=_background_priority,
            )
            processes["scheduler"] = subprocess.Popen(
                [sys.executable, str(base_dir / "manage.py"), "scheduler"],
                cwd=base_dir,
                env=env,
                preexec_fn=_background_priority,
            )
        self.stdout.write(self.style.SUCCESS(f"Solidaria is running on http://{bind}/"))
        self.stdout.write("Press Ctrl-C to stop.")

        stopping = False

        def stop(signum: int, _frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    self.stderr.write(f"The {name} process stopped (exit {process.returncode}).")
                    exit_code = process.returncode or 1
                    stopping = True
            time.sleep(0.2)
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        self.stdout.write("Stopped.")
        if exit_code:
            sys.exit(exit_code)
