"""The web front (solidaria.core.web.front): complete requests only, with deadlines.

These drive the ASGI application directly with a small WSGI app behind it; the
test beside this one (test_slow_clients.py) drives the real server.
"""

from __future__ import annotations

import asyncio
import time
import urllib.parse
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from solidaria.core.web.front import BufferedWSGIFront


class Recorder:
    """A WSGI app that keeps the environ it was called with and answers what it is told."""

    def __init__(self, body: Any = (b"ok",), streaming: bool = False) -> None:
        self.environ: dict[str, Any] | None = None
        self.request_body = b""
        self.body = body
        self.streaming = streaming
        self.closed = False

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        self.environ = environ
        self.request_body = environ["wsgi.input"].read()
        start_response("201 Created", [("Content-Type", "text/plain"), ("X-Thing", "yes")])
        return Response(self)


class Response:
    def __init__(self, app: Recorder) -> None:
        self.app = app
        self.streaming = app.streaming

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.app.body)

    def close(self) -> None:
        self.app.closed = True


def run(coroutine: Coroutine[Any, Any, None]) -> None:
    """In a thread of its own: Playwright's sync API keeps a loop running in this one."""
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, coroutine).result()


def call(
    app: Any,
    *,
    method: str = "POST",
    path: str = "/en/petitions/x/sign/",
    query: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
    chunks: list[bytes] | None = None,
    stall: bool = False,
    root_path: str = "",
) -> list[dict[str, Any]]:
    """Runs one request through the front; returns the messages it sent."""
    sent: list[dict[str, Any]] = []
    pending = list(chunks or [b""])

    async def receive() -> dict[str, Any]:
        if not pending:  # the body was read (or never comes): the client waits
            await asyncio.sleep(3600)
        body = pending.pop(0)
        return {"type": "http.request", "body": body, "more_body": bool(pending) or stall}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = scope_for(method, path, query=query, headers=headers, root_path=root_path)
    run(BufferedWSGIFront(app)(scope, receive, send))
    return sent


def scope_for(
    method: str,
    path: str,
    *,
    query: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
    root_path: str = "",
) -> dict[str, Any]:
    """An ASGI HTTP scope as granian gives it: `path` decoded, `raw_path` as sent."""
    return {
        "type": "http",
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": urllib.parse.unquote(path),
        "raw_path": path.encode(),
        "root_path": root_path,
        "query_string": query,
        "headers": headers or [(b"host", b"127.0.0.1:8000")],
        "client": ("10.1.2.3", 5555),
        "server": ("127.0.0.1", 8000),
    }


def status_and_body(sent: list[dict[str, Any]]) -> tuple[int, bytes]:
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


def test_a_complete_request_reaches_the_app_with_its_body_and_headers() -> None:
    app = Recorder()
    sent = call(
        app,
        query=b"a=1&b=%C3%A9",
        path="/es/campañas/",
        headers=[
            (b"host", b"example.org"),
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", b"7"),
            (b"accept", b"text/html"),
            (b"accept", b"*/*"),
        ],
        chunks=[b"nam", b"e=x"],
    )
    assert status_and_body(sent) == (201, b"ok")
    assert (b"x-thing", b"yes") in sent[0]["headers"]
    environ = app.environ
    assert environ is not None
    assert app.request_body == b"name=x"
    assert environ["REQUEST_METHOD"] == "POST"
    # PEP 3333: the path's UTF-8 bytes, as latin-1 characters.
    assert environ["PATH_INFO"] == "/es/campañas/".encode().decode("latin-1")
    assert environ["QUERY_STRING"] == "a=1&b=%C3%A9"
    assert environ["CONTENT_TYPE"] == "application/x-www-form-urlencoded"
    assert environ["CONTENT_LENGTH"] == "7"
    assert environ["HTTP_HOST"] == "example.org"
    assert environ["HTTP_ACCEPT"] == "text/html,*/*"
    assert environ["REMOTE_ADDR"] == "10.1.2.3"
    assert app.closed


@pytest.mark.parametrize(("language_header", "path", "expected"), [
    (b"es-AR,es;q=0.9", "/x/", "demasiado"),
    (b"en", "/de/petitions/x/sign/", "zu lange"),
])  # fmt: skip
def test_a_stalled_body_gets_a_408_in_the_visitors_language(
    settings: Any, language_header: bytes, path: str, expected: str
) -> None:
    settings.REQUEST_BODY_SECONDS = 0.2
    app = Recorder()
    sent = call(
        app,
        path=path,
        headers=[(b"content-length", b"10"), (b"accept-language", language_header)],
        chunks=[b"abc"],
        stall=True,
    )
    status, body = status_and_body(sent)
    assert status == 408
    assert expected in body.decode()
    assert (b"connection", b"close") in sent[0]["headers"]
    assert app.environ is None  # the app never saw it


def test_a_body_announced_too_large_is_refused_before_it_is_read(settings: Any) -> None:
    settings.MAX_REQUEST_BYTES = 1000
    app = Recorder()
    sent = call(app, headers=[(b"content-length", b"5000")], chunks=[b"x" * 10], stall=True)
    status, body = status_and_body(sent)
    assert status == 413
    assert "too large: at most 1000\xa0bytes" in body.decode()
    assert app.environ is None


def test_a_chunked_body_that_grows_too_large_is_refused(settings: Any) -> None:
    settings.MAX_REQUEST_BYTES = 1000
    app = Recorder()
    sent = call(app, chunks=[b"x" * 600, b"x" * 600])
    assert status_and_body(sent)[0] == 413
    assert app.environ is None


def test_a_streaming_response_is_sent_chunk_by_chunk_and_closed() -> None:
    app = Recorder(body=[b"a,b\n", b"", b"1,2\n"], streaming=True)
    sent = call(app, method="GET")
    bodies = [m["body"] for m in sent[1:]]
    assert bodies == [b"a,b\n", b"1,2\n", b""]
    assert sent[-1].get("more_body", False) is False
    assert app.closed


def test_a_client_that_leaves_mid_stream_stops_the_response() -> None:
    app = Recorder(body=(b"%d," % n for n in range(1000)), streaming=True)
    sent: list[bytes] = []

    async def scenario() -> None:
        gone = asyncio.Event()
        body_read = False

        async def receive() -> dict[str, Any]:
            nonlocal body_read
            if not body_read:
                body_read = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message.get("body", b""))
            if len(sent) == 3:
                gone.set()
            await asyncio.sleep(0.001)

        await BufferedWSGIFront(app)(scope_for("GET", "/export.csv"), receive, send)

    run(scenario())
    assert app.closed
    assert 3 <= len(sent) < 100  # stopped soon after, not all 1,000 chunks


def test_other_requests_are_answered_while_a_stream_is_sent() -> None:
    """The stream's chunks come from a pool thread; the loop answers the others."""

    def slow_chunks() -> Iterator[bytes]:
        for n in range(5):
            time.sleep(0.1)
            yield b"%d" % n

    finished: list[str] = []

    async def request(front: BufferedWSGIFront, path: str) -> None:
        async def receive() -> dict[str, Any]:
            if path in finished:
                await asyncio.sleep(3600)
            finished.append(path)
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body"):
                finished.append(f"{path} done")

        await front(scope_for("GET", path), receive, send)

    streaming = Recorder(body=slow_chunks(), streaming=True)
    quick = Recorder()

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        target = streaming if environ["PATH_INFO"] == "/export.csv" else quick
        return target(environ, start_response)

    async def scenario() -> None:
        front = BufferedWSGIFront(app)
        stream = asyncio.ensure_future(request(front, "/export.csv"))
        await asyncio.sleep(0.05)
        await request(front, "/page/")
        await stream

    run(scenario())
    assert finished.index("/page/ done") < finished.index("/export.csv done")


def test_a_stream_that_fails_half_way_is_cut_off_not_ended() -> None:
    def failing() -> Iterator[bytes]:
        yield b"a,b\n"
        raise RuntimeError("the database went away")

    app = Recorder(body=failing(), streaming=True)
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if not sent:
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(3600)
        return {}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    with pytest.raises(RuntimeError):
        run(BufferedWSGIFront(app)(scope_for("GET", "/export.csv"), receive, send))
    assert sent[-1].get("more_body") is True  # never told the client it was complete
    assert app.closed


def test_head_sends_no_body_and_closes_a_stream_without_reading_it() -> None:
    app = Recorder(body=iter([b"never read"]), streaming=True)
    sent = call(app, method="HEAD")
    assert [m.get("body") for m in sent[1:]] == [b""]
    assert app.closed


def test_a_body_announced_large_but_sent_slowly_is_dropped_as_soon_as_none_at_all(
    settings: Any,
) -> None:
    settings.REQUEST_BODY_SECONDS = 0.3
    app = Recorder()
    start = time.monotonic()
    sent = call(app, headers=[(b"content-length", b"9000000")], chunks=[b"ab"], stall=True)
    assert status_and_body(sent)[0] == 408
    assert time.monotonic() - start < 1.5  # not the 280 s the announced size would allow


def test_headers_as_pep_3333_and_django_expect_them() -> None:
    app = Recorder()
    call(
        app,
        path="/sub/es/caf%C3%A9/%FF",
        headers=[
            (b"cookie", b"a=1"),
            (b"cookie", b"sessionid=2"),  # HTTP/2 sends each cookie on its own
            (b"x-forwarded-for", b"198.51.100.1"),
            (b"x_forwarded_for", b"6.6.6.6"),  # would merge with the proxy's own
            (b"content_type", b"text/evil"),
        ],
        root_path="/sub",
    )
    environ = app.environ
    assert environ is not None
    assert environ["HTTP_COOKIE"] == "a=1; sessionid=2"
    assert environ["HTTP_X_FORWARDED_FOR"] == "198.51.100.1"
    assert "CONTENT_TYPE" not in environ
    assert environ["SCRIPT_NAME"] == "/sub"
    # The bytes as sent, percent-decoded, as latin-1 characters (Django re-decodes).
    assert environ["PATH_INFO"] == b"/es/caf\xc3\xa9/\xff".decode("latin-1")
