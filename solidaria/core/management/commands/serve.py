"""Runs the whole platform: granian for the web, the task worker and scheduler beside it.

Ctrl-C, SIGTERM or a closed terminal stops all three. If the web server dies,
the others are stopped too, so a half-running platform never goes unnoticed; a
worker or scheduler that dies is started again (queued work waits in the
database).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

# Milliseconds a client has to send its request headers before granian drops it.
HEADER_READ_TIMEOUT_MS = 5000


def web_command(*, host: str, port: int, workers: int) -> list[str]:
    """The web server's command line, for this command and the benchmarks.

    granian parses HTTP in Rust; its ASGI interface hands each request to
    config.asgi, which reads the body on the event loop with a deadline and runs
    Django in WEB_THREADS threads (see solidaria.core.web.front), so a slow client
    never holds one. A worker that dies is replaced."""
    return [
        sys.executable, "-m", "granian", "--interface", "asgi", "config.asgi:application",
        "--host", host, "--port", str(port), "--workers", str(workers),
        "--http1-header-read-timeout", str(HEADER_READ_TIMEOUT_MS),
        # Requests a worker takes at once: one waiting for its body costs a
        # coroutine, so many may wait while Django answers the complete ones.
        "--backlog", "2048", "--backpressure", "1024",
        "--respawn-failed-workers", "--workers-kill-timeout", "10",
        "--no-access-log",  # it would be a list of visitors' addresses
        "--log-level", "warning",
    ]  # fmt: skip


def _background_priority() -> None:
    # The lowest: under a spike the web takes the cores it needs and queued work
    # (emails) catches up after; with cores to spare the worker runs at full speed.
    # Its transactions are short, so a signer never waits long behind one that was
    # paused while holding SQLite's write lock.
    os.nice(19)


class Command(BaseCommand):
    help = "Serve the web application (granian), the task worker and the scheduler together."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            # One process per core: the HTTP work is in Rust threads, not in more workers.
            default=int(os.environ.get("WEB_CONCURRENCY", str(os.cpu_count() or 1))),
        )
        parser.add_argument("--no-worker", action="store_true", help="Serve the web only.")
        parser.add_argument(
            "--task-workers",
            type=int,
            # One per core and one more, at the lowest priority: they take only what
            # the web leaves, a large mailing is sent by all of them at once, and
            # each waits on the mail server part of the time (two cores, 20,000
            # messages: 563/s with two workers, 615/s with three).
            default=int(os.environ.get("TASK_WORKERS", str((os.cpu_count() or 1) + 1))),
        )

    def handle(
        self,
        *args: str,
        host: str,
        port: int,
        workers: int,
        no_worker: bool,
        task_workers: int,
        **options: object,
    ) -> None:
        base_dir = Path(settings.BASE_DIR)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"],
            # Development builds SITE_URL (the links in emails) from it.
            "PORT": str(port),
        }
        bind = f"{host}:{port}"
        manage = [sys.executable, str(base_dir / "manage.py")]
        commands: dict[str, list[str]] = {
            "web": web_command(
                host=host,
                port=port,
                workers=workers,
            ),
        }
        if not no_worker:
            for number in range(1, max(1, task_workers) + 1):
                commands[f"worker {number}"] = [
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
                # Out of the terminal's process group: Ctrl-C reaches this command
                # alone, which stops the others in order (granian, signalled both
                # directly and by its main process, kept a worker for 10 s).
                process_group=0,
            )

        processes = {name: start(name) for name in commands}
        self.stdout.write(self.style.SUCCESS(f"Solidaria is running on http://{bind}/"))
        self.stdout.write("Press Ctrl-C to stop.")

        stopping = False

        def stop(signum: int, _frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGHUP, stop)  # the terminal closed: the children are ours to stop
        exit_code = 0
        try:
            while not stopping:
                for name, process in list(processes.items()):
                    if process.poll() is None:
                        continue
                    self.stderr.write(f"The {name} process stopped (exit {process.returncode}).")
                    if name == "web":
                        # granian replaces its own workers; its main process gone means we are down.
                        exit_code = process.returncode or 1
                        stopping = True
                    else:
                        # Queued work is in the database: a new worker carries on from there.
                        self.stderr.write(f"Starting a new {name} process.")
                        processes[name] = start(name)
                time.sleep(0.2)
        finally:
            # Out of the terminal's process group, the children stop only if told.
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
