from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import pytest

from solidaria.petitions.models import Signature
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def fill_and_sign(page: Any, url: str, email: str) -> None:
    page.goto(url)
    page.fill("#id_name", "Camila Torres")
    page.fill("#id_email", email)
    page.select_option("#id_country", "AR")
    page.check("#id_show_publicly")
    page.locator(".sign-form button[type=submit]").click()
    page.wait_for_url("**/thanks/**", timeout=30_000)


def test_signing_with_javascript_solves_the_proof_of_work(page: Any, live_server: Any) -> None:
    petition = factories.PetitionFactory(title={"es": "Libertad ya", "en": "Freedom now"})
    posted: list[str] = []
    page.on(
        "request",
        lambda request: (
            posted.append(request.post_data or "") if request.method == "POST" else None
        ),
    )
    fill_and_sign(page, f"{live_server.url}/es/petitions/{petition.slug}/", "camila@example.org")

    assert "/thanks/" in page.url
    fields = parse_qs(posted[-1])
    assert fields["altcha"][0]  # our own script solved the challenge
    signature = Signature.objects.get()
    assert signature.status == Signature.Status.PENDING and signature.language == "es"


def test_signing_works_without_javascript(browser: Any, live_server: Any) -> None:
    petition = factories.PetitionFactory()
    context = browser.new_context(locale="es-AR", java_script_enabled=False)
    page = context.new_page()
    try:
        fill_and_sign(page, f"{live_server.url}/es/petitions/{petition.slug}/", "sinjs@example.org")
        assert Signature.objects.filter(petition=petition).count() == 1
    finally:
        context.close()
