"""Staff log in to the admin with a password and, once enrolled, a TOTP code."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from solidaria.core.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def login(client: Client, username: str, token: str = "") -> object:
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": PASSWORD, "otp_token": token, "next": "/admin/"},
    )


def test_with_a_device_the_code_is_required(client: Client) -> None:
    membership = factories.MembershipFactory()
    device = TOTPDevice.objects.create(user=membership.user, name="phone", confirmed=True)

    response = login(client, membership.user.username)
    assert response.status_code == 200
    assert "Please enter the code from your authenticator app." in response.content.decode()

    response = login(
        client,
        membership.user.username,
        token="000000" if code_for(device) != "000000" else "111111",
    )
    assert response.status_code == 200
    assert "That code is not valid" in response.content.decode()

    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    response = login(client, membership.user.username, token=code_for(device))
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_second_factor_is_optional_in_development(client: Client) -> None:
    membership = factories.MembershipFactory()
    assert login(client, membership.user.username).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_when_required_staff_without_a_device_must_enrol_first(client: Client, settings) -> None:
    settings.OTP_REQUIRED = True
    membership = factories.MembershipFactory()

    response = login(client, membership.user.username)
    assert response.status_code == 302
    assert response["Location"] == "/admin/two-factor/"
    # Nothing else of the admin opens before enrolment.
    assert client.get("/admin/campaigns/campaign/").status_code == 302

    page = client.get("/admin/two-factor/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=membership.user, confirmed=False)

    bad = client.post("/admin/two-factor/", {"token": "12ab56"})
    assert bad.status_code == 400
    response = client.post("/admin/two-factor/", {"token": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/campaigns/campaign/").status_code == 200
    assert AuditEntry.objects.filter(action="staff.second_factor_added").exists()


def test_enrolment_page_is_for_staff_only(client: Client) -> None:
    response = client.get("/admin/two-factor/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
