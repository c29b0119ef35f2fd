"""Hundreds of clients that send slowly or not at all never stop the site.

The platform runs as `make run` starts it (`manage.py serve`: granian, the task
worker and the scheduler, development settings, SQLite, the demo loaded) in a
folder of its own. While 200 uploads declare a body they never send and 200
clients dribble their headers, the health check and a petition page answer
within a second and a signature is stored.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import free_port

pytestmark = pytest.mark.slow

STALLED = 200
SLOW_HEADERS = 200
PETITION = "/en/petitions/drop-the-charges/"


@dataclass
class Platform:
    base: str
    host: str
    port: int
    database: Path


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    var_dir = tmp_path_factory.mktemp("var")
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "CACHE_URL", "PAGE_CACHE_URL")
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.development",
        "SOLIDARIA_VAR_DIR": str(var_dir),
        "PORT": str(port),
    }
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    for command in (["migrate", "--no-input"], ["bootstrap", "--no-login"]):
        subprocess.run([*manage, *command, "--verbosity", "0"], env=env, check=True)
    server = subprocess.Popen(
        [*manage, "serve", "--port", str(port)],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        yield Platform(base, "127.0.0.1", port, var_dir / "solidaria.sqlite3")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def stalled_upload(platform: Platform) -> socket.socket:
    """A signature POST that announces a body and never sends it."""
    sock = socket.create_connection((platform.host, platform.port))
    sock.sendall(
        (
            f"POST {PETITION}sign/ HTTP/1.1\r\nHost: {platform.host}:{platform.port}\r\n"
            f"Origin: {platform.base}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 1000\r\n\r\nname="
        ).encode()
    )
    return sock


def slow_headers(platform: Platform) -> socket.socket:
    """A request whose headers come a line at a time (see dribble)."""
    sock = socket.create_connection((platform.host, platform.port))
    sock.sendall(f"GET {PETITION} HTTP/1.1\r\nHost: {platform.host}\r\n".encode())
    return sock


def dribble(sockets: list[socket.socket], stop: threading.Event) -> None:
    """One more header line on each connection every half second, never the end."""
    n = 0
    while not stop.wait(0.5):
        n += 1
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.sendall(f"X-Slow-{n}: {n}\r\n".encode())


def timed_get(url: str) -> tuple[int, float, str]:
    start = time.monotonic()
    with urllib.request.urlopen(url, timeout=5) as response:
        body = response.read().decode()
        return response.status, time.monotonic() - start, body


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def sign(platform: Platform, page: str, email: str) -> int:
    token = re.search(r'name="form_token" value="([^"]+)"', page)
    assert token, "the petition page carries the sign form"
    data = urllib.parse.urlencode(
        {
            "name": "Slow Test",
            "email": email,
            "country": "AR",
            "city": "Rosario",
            "form_token": token.group(1),
        }
    ).encode()
    request = urllib.request.Request(
        f"{platform.base}{PETITION}sign/",
        data=data,
        headers={"Origin": platform.base},
    )
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as answer:
        return answer.code


def signature_count(database: Path) -> int:
    with sqlite3.connect(database) as db:
        return int(db.execute("SELECT COUNT(*) FROM petitions_signature").fetchone()[0])


def test_the_site_answers_while_hundreds_of_clients_stall(platform: Platform) -> None:
    before = signature_count(platform.database)
    stalled = [stalled_upload(platform) for _ in range(STALLED)]
    slow = [slow_headers(platform) for _ in range(SLOW_HEADERS)]
    stop = threading.Event()
    dribbler = threading.Thread(target=dribble, args=(slow, stop), daemon=True)
    dribbler.start()
    try:
        time.sleep(0.5)  # every connection is open and waiting
        answers = []
        for round_ in range(3):
            status, health_seconds, _ = timed_get(f"{platform.base}/healthz")
            assert status == 200
            status, page_seconds, page = timed_get(f"{platform.base}{PETITION}")
            assert status == 200
            answers.append((health_seconds, page_seconds))
            assert sign(platform, page, f"slow-{round_}@example.org") == 302
            # A static file is a streaming response, sent from a pool thread.
            status, _seconds, css = timed_get(f"{platform.base}/static/solidaria/site.css")
            assert status == 200 and css.rstrip().endswith("}")
        print(f"seconds for /healthz and the petition page while stalled: {answers}")
        assert max(max(pair) for pair in answers) < 1.0, answers
        assert signature_count(platform.database) == before + 3

        # The stalled uploads are answered 408 and dropped once their deadline is past.
        refused = 0
        for sock in stalled:
            sock.settimeout(15)
            with contextlib.suppress(OSError):
                refused += sock.recv(64).startswith(b"HTTP/1.1 408")
        assert refused == STALLED
        # The dribbled headers are dropped too, by granian's header deadline: the
        # connection is closed without an answer (no 408 for a request never read).
        dropped = 0
        for sock in slow:
            sock.settimeout(15)
            try:
                dropped += sock.recv(64) == b""
            except ConnectionResetError:
                # Closed while bytes we dribbled were still unread: the kernel resets
                # instead of closing gently. Dropped all the same, with no answer.
                dropped += 1
        assert dropped == SLOW_HEADERS
    finally:
        stop.set()
        dribbler.join()
        for sock in stalled + slow:
            sock.close()
