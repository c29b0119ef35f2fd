from __future__ import annotations

from typing import Any

import pytest

from solidaria.fundraising.models import Donation
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_bank_transfer_pledge_without_javascript(browser: Any, live_server: Any) -> None:
    fund = factories.FundFactory()
    context = browser.new_context(locale="es-AR", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/es/funds/{fund.slug}/")
        page.click("text=ARS")  # currencies are plain links
        page.check("input[name=preset] >> nth=1")  # the second suggested amount
        page.check("input[name=method][value=bank]")
        page.fill("#id_name", "Camila Torres")
        page.fill("#id_email", "camila@example.org")
        page.locator(".sign-form button[type=submit]").click()
        page.wait_for_url("**/pledge/**", timeout=30_000)
        donation = Donation.objects.get()
        assert (donation.amount_minor, donation.currency) == (2_500_000, "ARS")
        assert donation.reference in page.content()
        assert "CBU" in page.content()
    finally:
        context.close()
