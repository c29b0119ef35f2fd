#!/usr/bin/env python
"""A local mail server for the benchmarks: accepts every message, keeps none.

Runs in its own process (`python bench/smtpsink.py PORT LOG`) and appends one
line per message to LOG: the arrival time (Unix seconds) and the recipients.
The benchmarks count lines to know what arrived, when, and how often each
recipient got something. Loopback only.

It speaks just enough SMTP for a client that sends (EHLO/HELO, MAIL, RCPT,
DATA, RSET, NOOP, QUIT), on asyncio's bare protocol. A real mail server runs
on a machine of its own; this one shares the benchmark's two cores with the
platform, so it must cost as little as it can: aiosmtpd, which the test suite
uses for its fuller SMTP, took 0.83 ms of CPU a message, a fifth of all the
work a petition confirmation made on the machine.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from typing import TextIO

EHLO_REPLY = b"250-solidaria-bench-sink\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 PIPELINING\r\n"
END_OF_DATA = b"\r\n.\r\n"


class SinkSession(asyncio.Protocol):
    def __init__(self, log: TextIO) -> None:
        self.log = log
        self.buffer = b""
        self.in_data = False
        self.recipients: list[str] = []
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(b"220 solidaria-bench-sink ESMTP\r\n")

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self.buffer += data
        replies: list[bytes] = []
        while True:
            if self.in_data:
                # The message's end may follow the DATA line directly (an empty body).
                end = self.buffer.find(END_OF_DATA)
                if end == -1 and self.buffer.startswith(b".\r\n"):
                    end, skip = 0, 3
                else:
                    skip = len(END_OF_DATA)
                if end == -1:
                    break
                self.buffer = self.buffer[end + skip :]
                self.in_data = False
                self.log.write(f"{time.time():.4f}\t{','.join(self.recipients)}\n")
                self.recipients = []
                replies.append(b"250 OK\r\n")
                continue
            line_end = self.buffer.find(b"\r\n")
            if line_end == -1:
                break
            line = self.buffer[:line_end].decode("utf-8", "replace")
            self.buffer = self.buffer[line_end + 2 :]
            replies.append(self.reply(line))
            if replies[-1].startswith(b"221"):
                self.transport.write(b"".join(replies))
                self.transport.close()
                return
        if replies:
            self.transport.write(b"".join(replies))

    def reply(self, line: str) -> bytes:
        verb = line[:4].upper()
        if verb == "EHLO":
            return EHLO_REPLY
        if verb == "RCPT":
            address = line.partition(":")[2].strip().split(" ")[0].strip("<>")
            self.recipients.append(address)
            return b"250 OK\r\n"
        if verb == "DATA":
            self.in_data = True
            return b"354 End data with <CR><LF>.<CR><LF>\r\n"
        if verb == "RSET":
            self.recipients = []
            return b"250 OK\r\n"
        if verb == "QUIT":
            return b"221 Bye\r\n"
        if verb in ("HELO", "MAIL", "NOOP"):
            return b"250 OK\r\n"
        return b"502 Command not implemented\r\n"


async def serve(port: int, log: TextIO) -> None:
    loop = asyncio.get_running_loop()
    stopped = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopped.set)
    server = await loop.create_server(lambda: SinkSession(log), "127.0.0.1", port)
    print("ready", flush=True)
    await stopped.wait()
    server.close()


def main() -> None:
    port, log_path = int(sys.argv[1]), sys.argv[2]
    with open(log_path, "a", buffering=1) as log:
        asyncio.run(serve(port, log))


if __name__ == "__main__":
    main()
