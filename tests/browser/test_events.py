from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest

from solidaria.events.models import Rsvp
from solidaria.events.zones import local_to_utc
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_browser_shows_the_time_in_the_visitors_own_zone(
    browser: Any, live_server: Any
) -> None:
    starts = local_to_utc(date(2027, 3, 16), time(14, 30), "America/New_York")
    event = factories.EventFactory(starts_at=starts, ends_at=starts.replace(hour=starts.hour + 1))
    context = browser.new_context(locale="en-GB", timezone_id="Asia/Tokyo")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/en/events/{event.slug}/")
        shown = page.locator(".viewer-time").inner_text()
        # 14:30 in New York is 03:30 the next morning in Tokyo.
        assert "03:30" in shown and "Asia/Tokyo" in shown and "Wednesday" in shown
    finally:
        context.close()


def test_registering_without_javascript(browser: Any, live_server: Any) -> None:
    event = factories.EventFactory(capacity=10)
    context = browser.new_context(locale="es-AR", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/es/events/{event.slug}/")
        page.fill("#id_name", "Camila Torres")
        page.fill("#id_email", "camila@example.org")
        page.select_option("#id_guests", "2")
        page.locator(".sign-form button[type=submit]").click()
        page.wait_for_url("**/registered/", timeout=30_000)
        rsvp = Rsvp.objects.get()
        assert (rsvp.status, rsvp.guests, rsvp.language) == ("confirmed", 2, "es")
    finally:
        context.close()
