from __future__ import annotations

import pytest
from django.test import Client
from django.urls import clear_url_caches, reverse

from solidaria.core.mail.backends import OutboxEmailBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def dev_outbox(settings, tmp_path):
    settings.DEV_OUTBOX = True
    settings.EMAIL_OUTBOX_DIR = tmp_path
    settings.EMAIL_BACKEND = "solidaria.core.mail.backends.OutboxEmailBackend"
    settings.EMAIL_FORWARD_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    import importlib

    import config.urls

    importlib.reload(config.urls)
    clear_url_caches()
    yield tmp_path
    settings.DEV_OUTBOX = False
    importlib.reload(config.urls)
    clear_url_caches()


def test_development_mail_lands_in_var_mail_and_the_outbox_page(
    dev_outbox, run_tasks, client: Client
):
    from solidaria.core.mail.outbox import email_queue

    email_queue(to="gil@example.org", template="test_message", context={}, language="en")
    run_tasks()

    files = list(dev_outbox.glob("*.eml"))
    assert len(files) == 1
    listing = client.get(reverse("dev-outbox"))
    assert listing.status_code == 200
    assert "Solidaria test message" in listing.content.decode()
    message = client.get(reverse("dev-outbox-message", args=[files[0].stem]))
    assert "email delivery works" in message.content.decode()
    assert client.get(reverse("dev-outbox-message", args=["..%2f..%2fetc"])).status_code == 404


def test_there_is_no_outbox_without_the_development_setting(client: Client):
    assert client.get("/dev/outbox/").status_code == 404


def test_outbox_backend_counts_messages(tmp_path, settings):
    from django.core.mail import EmailMessage

    settings.EMAIL_OUTBOX_DIR = tmp_path
    sent = OutboxEmailBackend().send_messages([EmailMessage("s", "b", to=["a@example.org"])])
    assert sent == 1
