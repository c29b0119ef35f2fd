"""The web front: every request is read in full, against a deadline, before Django sees it.

granian's WSGI interface hands the app a request body that blocks the worker's
Python thread until the client has sent it, with no time limit: a client that
declares a body and never sends it holds the thread, and with one thread per
worker a handful of such connections stopped the site. Here granian runs its
ASGI interface and this front reads the body on the event loop, where a waiting
connection costs a few kilobytes and no thread. A client that is too slow gets a
408 and is dropped; one whose body is too large gets a 413 before it is read.

Only complete requests reach Django's WSGI handler, which runs on the loop's own
thread, one request at a time as it did in granian's single WSGI thread. Handing
each request to a pool thread instead cost a third of signing's throughput
(docs/scaling.md); running it here needs DJANGO_ALLOW_ASYNC_UNSAFE, which
config.asgi sets, since nothing else in the process is asynchronous. Sending the
response is awaited, so a client that reads slowly holds nothing either.

A streaming response (a CSV export, a static file) is the exception: its
chunks are produced in a small pool of threads, each with a database connection
of its own, while the loop goes on answering others; a reader that leaves stops
it.

Headers are granian's job: `--http1-header-read-timeout` drops a client that
sends them too slowly (`manage.py serve` sets it), before any Python runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import io
import sys
import threading
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import gettext_lazy

# Any: ASGI scopes and messages and WSGI environs are string-keyed dicts of values of
# any type (PEP 3333, the ASGI spec), and a WSGI app's result is whatever iterable it returns.

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

TOO_LARGE = gettext_lazy("What you sent is too large: at most %(size)s.")
# Threads for streaming responses, and how many chunks may wait for a slow reader.
STREAM_THREADS = 4
STREAM_QUEUE_CHUNKS = 16


class RequestTooSlow(Exception):
    pass


class RequestTooLarge(Exception):
    pass


class BufferedWSGIFront:
    """An ASGI application that runs a WSGI application on complete requests only."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        # Django keeps its database connections in context variables while an event
        # loop runs: one context for every request keeps them open between requests.
        self.context = contextvars.Context()
        self.streams = ThreadPoolExecutor(STREAM_THREADS, thread_name_prefix="stream")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.http(scope, receive, send)
        elif scope["type"] == "lifespan":
            await _lifespan(receive, send)
        else:  # websockets: none served
            await send({"type": "websocket.close", "code": 1000})

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers: list[tuple[bytes, bytes]] = scope["headers"]
        try:
            body = await read_body(receive, declared=_content_length(headers))
        except RequestTooSlow:
            await _refuse(send, scope, 408, gettext_lazy("The request took too long to arrive."))
            return
        except RequestTooLarge:
            await _refuse(send, scope, 413, TOO_LARGE)
            return
        status, response_headers, result = self.context.run(self.run_app, wsgi_environ(scope, body))
        await send({"type": "http.response.start", "status": status, "headers": response_headers})
        if scope["method"] == "HEAD":
            self.context.run(_close, result)
            await send({"type": "http.response.body", "body": b""})
        elif not getattr(result, "streaming", False):
            try:
                await send({"type": "http.response.body", "body": b"".join(result)})
            finally:
                self.context.run(_close, result)
        else:
            language = self.context.run(translation.get_language)
            await self.stream(result, language, receive, send)

    async def stream(self, result: Any, language: str, receive: Receive, send: Send) -> None:
        """A streaming response (a CSV export, a static file), produced in a pool thread.

        There it has a database connection of its own, and the loop answers
        other requests while it is sent. It stops if the client leaves."""
        loop = asyncio.get_running_loop()
        chunks: asyncio.Queue[bytes | None] = asyncio.Queue(STREAM_QUEUE_CHUNKS)
        left = threading.Event()
        producer = loop.run_in_executor(
            self.streams, _produce, result, language, chunks, loop, left
        )
        disconnect = asyncio.ensure_future(receive())
        try:
            while (chunk := await chunks.get()) is not None:
                if _has_left(disconnect):
                    break
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            else:
                # An export that failed half-way raises here: the response is cut
                # off, not ended as if it were whole.
                await producer
                await send({"type": "http.response.body", "body": b""})
        finally:
            left.set()
            disconnect.cancel()
            while not producer.done():  # unblock a producer waiting for room
                with contextlib.suppress(asyncio.QueueEmpty):
                    chunks.get_nowait()
                await asyncio.sleep(0.01)

    def run_app(self, environ: dict[str, Any]) -> tuple[int, list[tuple[bytes, bytes]], Any]:
        """Django's answer: the status, the headers and the body's iterable.

        Django runs here on the event loop's thread, synchronously, as it would in
        a WSGI server's thread: by now the request is complete, so nothing it does
        waits for the client."""
        started: list[Any] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            started[:] = [status, headers]
            return _no_write

        result = self.app(environ, start_response)
        status, headers = started
        encoded = [
            (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers
        ]
        return int(status.split(" ", 1)[0]), encoded, result


def _no_write(_data: bytes) -> None:
    raise NotImplementedError("write() is not supported: return the body instead")


def _has_left(disconnect: asyncio.Future[Message]) -> bool:
    if not disconnect.done() or disconnect.cancelled() or disconnect.exception():
        return False
    return bool(disconnect.result()["type"] == "http.disconnect")


def _produce(
    result: Any,
    language: str,
    chunks: asyncio.Queue[bytes | None],
    loop: asyncio.AbstractEventLoop,
    left: threading.Event,
) -> None:
    """In a pool thread: every chunk of a streaming response onto the queue, then None."""

    def put(item: bytes | None) -> None:
        asyncio.run_coroutine_threadsafe(chunks.put(item), loop).result()

    try:
        with translation.override(language):
            for chunk in result:
                if left.is_set():
                    break
                if chunk:
                    put(chunk)
    finally:
        _close(result)  # Django's request_finished: this thread's connection is tidied
        if not left.is_set():
            put(None)


def _close(result: Iterable[bytes]) -> None:
    close = getattr(result, "close", None)
    if close is not None:
        close()


def _content_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    for name, value in headers:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def read_body(receive: Receive, *, declared: int | None) -> bytes:
    """The whole body, or RequestTooSlow / RequestTooLarge.

    A client has REQUEST_BODY_SECONDS for its first bytes, and one second more
    for every REQUEST_BODY_MIN_RATE bytes it has sent: one that announces a large
    body and then sends little is dropped as soon as one that sends nothing."""
    limit = settings.MAX_REQUEST_BYTES
    if declared is not None and declared > limit:
        raise RequestTooLarge
    grace, rate = settings.REQUEST_BODY_SECONDS, settings.REQUEST_BODY_MIN_RATE
    start = asyncio.get_running_loop().time()
    chunks: list[bytes] = []
    received = 0
    try:
        async with asyncio.timeout(grace) as deadline:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    raise RequestTooSlow
                chunk = message.get("body", b"")
                received += len(chunk)
                if received > limit:
                    raise RequestTooLarge
                chunks.append(chunk)
                if not message.get("more_body", False):
                    break
                deadline.reschedule(start + grace + received / rate)
    except TimeoutError:
        raise RequestTooSlow from None
    return b"".join(chunks)


def wsgi_environ(scope: Scope, body: bytes) -> dict[str, Any]:
    """PEP 3333's environ for an ASGI HTTP scope (strings are bytes as latin-1)."""
    server = scope.get("server") or ("localhost", 80)
    root_path = scope.get("root_path", "")
    # The path as sent, percent-decoded to bytes: ASGI's `path` is already text.
    raw_path = scope.get("raw_path")
    path = unquote_to_bytes(raw_path) if raw_path else scope["path"].encode()
    path = path.removeprefix(root_path.encode())
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": root_path.encode().decode("latin-1"),
        "PATH_INFO": path.decode("latin-1"),
        "QUERY_STRING": scope["query_string"].decode("latin-1"),
        "SERVER_NAME": server[0],
        "SERVER_PORT": str(server[1] or 0),
        "SERVER_PROTOCOL": f"HTTP/{scope['http_version']}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    client = scope.get("client")
    if client:
        environ["REMOTE_ADDR"], environ["REMOTE_PORT"] = client[0], str(client[1])
    for raw_name, raw_value in scope["headers"]:
        header = raw_name.decode("latin-1")
        if "_" in header:
            # X_Forwarded_For would land in HTTP_X_FORWARDED_FOR beside the
            # proxy's own: dropped, as gunicorn and Django's runserver do.
            continue
        name = header.upper().replace("-", "_")
        if name not in ("CONTENT_LENGTH", "CONTENT_TYPE"):
            name = f"HTTP_{name}"
        value = raw_value.decode("latin-1")
        if name in environ:
            # HTTP/2 sends each cookie as a header of its own.
            value = environ[name] + ("; " if name == "HTTP_COOKIE" else ",") + value
        environ[name] = value
    if "CONTENT_LENGTH" not in environ and body:
        environ["CONTENT_LENGTH"] = str(len(body))
    return environ


async def _refuse(send: Send, scope: Scope, status: int, message: Promise) -> None:
    """A short page in the visitor's language, and the connection closed."""
    with translation.override(_language(scope)):
        text = str(message)
        if status == 413:
            text %= {"size": filesizeformat(settings.MAX_REQUEST_BYTES)}
        page = f'<!doctype html><meta charset="utf-8"><title>{status}</title><p>{escape(text)}</p>'
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"connection", b"close"),
                (b"content-security-policy", b"default-src 'none'"),
                (b"x-content-type-options", b"nosniff"),
                (b"x-frame-options", b"DENY"),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": page.encode()})


def _language(scope: Scope) -> str:
    """The visitor's language as Django's LocaleMiddleware would choose it: the address's
    prefix (/es/…), else the language cookie or what the browser accepts."""
    request = HttpRequest()
    request.path_info = scope["path"]
    for raw_name, raw_value in scope["headers"]:
        if raw_name in (b"accept-language", b"cookie"):
            request.META[f"HTTP_{raw_name.decode().upper().replace('-', '_')}"] = raw_value.decode(
                "latin-1"
            )
    return translation.get_language_from_request(request, check_path=True)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
