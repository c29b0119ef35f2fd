#!/usr/bin/env python
"""A local mail server for the benchmarks: accepts every message, keeps none.

Runs in its own process (`python bench/smtpsink.py PORT LOG`) and appends one
line per message to LOG: the arrival time (Unix seconds) and the recipients.
The benchmarks count lines to know what arrived, when, and how often each
recipient got something. Loopback only.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from typing import Any

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, log_path: str) -> None:
        self.log = open(log_path, "a", buffering=1)  # noqa: SIM115 - open for the process's life

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.log.write(f"{time.time():.4f}\t{','.join(envelope.rcpt_tos)}\n")
        return "250 OK"


def main() -> None:
    port, log_path = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Sink(log_path), hostname="127.0.0.1", port=port)
    controller.start()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    print("ready", flush=True)
    stopped.wait()
    controller.stop()


if __name__ == "__main__":
    main()
