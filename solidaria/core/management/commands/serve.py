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
        manage = [sys.executable, str(base_dir / "manage.py")]
        commands: dict[str, list[str]] = {
            "web": [
                sys.executable, "-m", "gunicorn", "config.wsgi:application",
                "--config", "python:config.gunicorn",
                "--bind", bind,
                "--workers", str(options["workers"]),
            ],
        }  # fmt: skip
        if not options["no_worker"]:
            commands["worker"] = [
                *manage, "db_worker", "--queue-name", "*", "--no-reload", "--interval", "0.5",
                "--verbosity", "0",  # a line per periodic run drowns what matters
            ]  # fmt: skip
            commands["scheduler"] = [*manage, "scheduler"]

        def start(name: str) -> subprocess.Popen[bytes]:
            return subprocess.Popen(
                commands[name],
                cwd=base_dir,
                env=env,
                preexec_fn=None if name == "web" else _background_priority,
            )

        processes = {name: start(name) for name in commands}
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
            for name, process in list(processes.items()):
                if process.poll() is None:
                    continue
                self.stderr.write(f"The {name} process stopped (exit {process.returncode}).")
                if name == "web":
                    # gunicorn restarts its own workers; its master gone means we are down.
                    exit_code = process.returncode or 1
                    stopping = True
                else:
                    # Queued work is in the database: a new worker carries on from there.
                    self.stderr.write(f"Starting a new {name} process.")
                    processes[name] = start(name)
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
