from __future__ import annotations

import pytest
from django.contrib import admin

from solidaria.core.checks import check_admin_never_searches_encrypted_fields
from solidaria.events.models import Event


def test_no_admin_searches_filters_or_sorts_an_encrypted_field() -> None:
    assert check_admin_never_searches_encrypted_fields() == []


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("search_fields", ["slug", "=host_name"]),
        ("list_filter", ["host_name"]),
        ("ordering", ["-host_name"]),
    ],
)
def test_an_admin_naming_an_encrypted_field_is_refused_at_start_up(
    monkeypatch: pytest.MonkeyPatch, option: str, value: list[str]
) -> None:
    monkeypatch.setattr(admin.site._registry[Event], option, value)

    errors = check_admin_never_searches_encrypted_fields()

    assert [(error.id, error.msg) for error in errors] == [
        ("solidaria.E003", f"EventAdmin.{option} names the encrypted field 'host_name'.")
    ]
