from __future__ import annotations

import psycopg
import pytest
from django.db import close_old_connections, connection
from django.test import Client

from solidaria.core.privacy import pii
from solidaria.petitions.models import Petition, Signature
from tests import factories
from tests.helpers import ORIGIN, signing_fields

from .test_signing import sign


@pytest.fixture
def signed_then_dropped(client: Client) -> Petition:
    """A petition signed once, then the connection dropped as a database restart does.

    The fast lane skips Django's per-request connection check, so what follows a
    dropped connection is its own to handle."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no server to drop a connection")
    petition = factories.PetitionFactory()
    assert sign(client, petition, email="before@example.org").status_code == 302
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as admin:  # from another connection
        pid = connection.connection.info.backend_pid
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    return petition


@pytest.mark.django_db(transaction=True)
def test_a_connection_dropped_by_the_database_loses_no_signature(
    client: Client, signed_then_dropped: Petition
) -> None:
    response = sign(client, signed_then_dropped, email="after@example.org", ip="198.51.100.20")
    assert response.status_code == 302 and "/thanks/" in response["Location"]
    assert sorted(Signature.objects.values_list("email", flat=True)) == [
        "after@example.org",
        "before@example.org",
    ]


@pytest.mark.django_db(transaction=True)
def test_after_a_dropped_connection_a_form_with_errors_is_still_a_400(
    client: Client, signed_then_dropped: Petition
) -> None:
    """What the fast lane leaves to the full view gets Django's connection check back."""
    response = sign(client, signed_then_dropped, email="not an address", ip="198.51.100.21")
    assert response.status_code == 400
    assert Signature.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_after_a_dropped_connection_the_full_view_still_signs(
    client: Client, signed_then_dropped: Petition
) -> None:
    """A form the fast lane leaves alone (here multipart, as some browsers send it)
    is stored by the full view, whose INSERT is its first query: Django's
    connection check must run for it too, or the signer gets a 500."""
    close_old_connections()  # what the server does as a request starts (the test client does not)
    response = client.post(
        f"/en/petitions/{signed_then_dropped.slug}/sign/",
        signing_fields(signed_then_dropped, email="multipart@example.org"),
        HTTP_ORIGIN=ORIGIN,
        REMOTE_ADDR="198.51.100.22",
    )
    assert response.status_code == 302 and "/thanks/" in response["Location"]
    assert Signature.objects.filter(email_index=pii.email_index("multipart@example.org")).exists()
