from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from solidaria.core.privacy import pii
from solidaria.core.privacy.pii_rotation import pii_rotate
from solidaria.supporters.models import Supporter
from solidaria.supporters.selectors import supporter_find_by_email
from solidaria.supporters.services import supporter_get_or_create


def test_round_trip_and_fresh_nonce() -> None:
    first = pii.encrypt("María Pérez", context="t.name")
    second = pii.encrypt("María Pérez", context="t.name")
    assert first != second
    assert "María" not in first
    assert pii.decrypt(first, context="t.name") == "María Pérez"


def test_tampered_value_is_rejected() -> None:
    token = pii.encrypt("secret", context="t.name")
    prefix, key_id, payload = token.split(".", 2)
    flipped = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    with pytest.raises(pii.PiiDecryptionError):
        pii.decrypt(f"{prefix}.{key_id}.{flipped}", context="t.name")


def test_value_moved_to_another_column_does_not_decrypt() -> None:
    token = pii.encrypt("someone@example.org", context="supporters_supporter.email")
    with pytest.raises(pii.PiiDecryptionError):
        pii.decrypt(token, context="supporters_supporter.name")


@pytest.mark.parametrize("garbage", ["", "plain text", "pii1.abcd", "pii1.abcd.!!!!", "xx.yy.zz"])
def test_garbage_is_rejected(garbage: str) -> None:
    with pytest.raises(pii.PiiDecryptionError):
        pii.decrypt(garbage, context="t.name")


def test_email_normalisation_and_blind_index() -> None:
    assert pii.normalise_email("  Ana.Gomez@Example.ORG ") == "ana.gomez@example.org"
    assert pii.email_index("Ana@Example.org") == pii.email_index("ana@example.org ")
    assert pii.email_index("ana@example.org") != pii.email_index("ana2@example.org")
    # The index is keyed: it is not a plain hash anyone could recompute.
    import hashlib

    assert pii.email_index("ana@example.org") != hashlib.sha256(b"ana@example.org").hexdigest()


def test_bad_key_is_refused(settings) -> None:
    settings.PII_KEY = "too-short"
    with pytest.raises(ImproperlyConfigured):
        pii.keyring()


@pytest.mark.django_db
def test_stored_columns_hold_ciphertext_only() -> None:
    supporter, _ = supporter_get_or_create(email="Lucia@example.org", name="Lucía Fernández")
    with connection.cursor() as cursor:
        cursor.execute("SELECT email, name FROM supporters_supporter WHERE id = %s", [supporter.pk])
        email, name = cursor.fetchone()
    assert email.startswith("pii1.") and "Lucia" not in email
    assert name.startswith("pii1.") and "Fern" not in name
    reloaded = Supporter.objects.get(pk=supporter.pk)
    assert (reloaded.email, reloaded.name) == ("Lucia@example.org", "Lucía Fernández")


@pytest.mark.django_db
def test_encrypted_fields_refuse_plaintext_lookups() -> None:
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError):
        list(Supporter.objects.filter(name__icontains="a"))


@pytest.mark.django_db
def test_key_rotation_keeps_data_readable_and_findable(settings) -> None:
    supporter, _ = supporter_get_or_create(email="rotate@example.org", name="Old Key")
    old_key = settings.PII_KEY
    settings.PII_KEY = pii.generate_key()
    settings.PII_OLD_KEYS = [old_key]
    # Before the rotation has run: readable and still found through the old index.
    assert Supporter.objects.get(pk=supporter.pk).name == "Old Key"
    assert supporter_find_by_email("ROTATE@example.org") == supporter

    counts = pii_rotate(batch_size=1)
    assert counts["supporters.Supporter"] == 1

    settings.PII_OLD_KEYS = []
    rotated = Supporter.objects.get(pk=supporter.pk)
    assert rotated.name == "Old Key"
    assert supporter_find_by_email("rotate@example.org") == supporter
