from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.utils import translation

from solidaria.petitions.selectors import petition_signing_cache_clear

from . import factories


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language, whatever the previous one (run
    before it in this process, in any order under xdist) left active."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clear_page_cache() -> Iterator[None]:
    caches["pages"].clear()
    petition_signing_cache_clear()
    yield
    caches["pages"].clear()
    petition_signing_cache_clear()


@pytest.fixture
def run_tasks(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Runs the real database task worker until the queue is empty.

    The worker shares this process's connection with the test's transaction:
    its between-task connection recycling would close that connection (on
    PostgreSQL, where closing is real), so it is switched off here.
    """
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        call_command(
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--queue-name",
            "*",
            "--no-reload",
            verbosity=0,
        )

    return run


@dataclass
class RecordingHandler:
    messages: list[Message] = field(default_factory=list)
    envelopes: list[Any] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        self.messages.append(BytesParser(policy=default_policy).parsebytes(envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: RecordingHandler
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname=self.host, port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[Message]:
        return self.handler.messages


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on a free local port; Django sends to it."""
    server = SmtpServer(host="127.0.0.1", port=free_port(), handler=RecordingHandler())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.host
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    server.start()
    yield server
    server.stop()


@pytest.fixture
def organisation(db: Any) -> Any:
    return factories.OrganisationFactory()


@pytest.fixture
def campaign(db: Any) -> Any:
    return factories.CampaignFactory()


def is_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
