from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from solidaria.core.db import sqlite
from solidaria.core.db.rows import RowInserter
from solidaria.petitions.models import Signature
from tests import factories

pytestmark = pytest.mark.django_db


def _values(petition_id: int, **overrides: object) -> dict[str, object]:
    return {
        "petition_id": petition_id,
        "email_index": "a" * 64,
        "email_domain_index": "b" * 64,
        "email": "ana@example.org",
        "name": "Ana María Gómez",
        "country": "AR",
        "language": "es",
        "created_at": timezone.now(),
        **overrides,
    }


def test_inserted_row_reads_back_like_one_saved_by_the_orm() -> None:
    petition = factories.PetitionFactory()
    signature_id = RowInserter(Signature).insert(_values(petition.pk, show_publicly=True))
    signature = Signature.objects.get(pk=signature_id)
    assert (signature.name, signature.email, signature.country) == (
        "Ana María Gómez",
        "ana@example.org",
        "AR",
    )
    assert signature.show_publicly and signature.status == Signature.Status.PENDING
    assert signature.city == "" and signature.partner is None  # defaults
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM petitions_signature WHERE id = %s", [signature_id])
        stored_name = cursor.fetchone()[0]
    assert "Ana" not in stored_name  # encrypted like any other save


def test_a_failed_insert_leaves_no_row_and_the_transaction_usable() -> None:
    petition = factories.PetitionFactory()
    rows = RowInserter(Signature)
    rows.insert(_values(petition.pk))
    with transaction.atomic():
        with pytest.raises(IntegrityError):
            rows.insert(_values(petition.pk))  # same petition and email index
        assert Signature.objects.count() == 1
        rows.insert(_values(petition.pk, email_index="c" * 64))
    assert Signature.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_each_insert_commits_and_a_failed_one_breaks_nothing() -> None:
    # The signing request's case: no transaction around the INSERT (on PostgreSQL
    # it goes straight to psycopg, with the values bound by the server).
    petition = factories.PetitionFactory()
    rows = RowInserter(Signature)
    first = rows.insert(_values(petition.pk))
    with pytest.raises(IntegrityError):
        rows.insert(_values(petition.pk))
    second = rows.insert(_values(petition.pk, email_index="c" * 64, name="Ñandú <b>"))
    assert not connection.in_atomic_block
    assert list(Signature.objects.order_by("pk").values_list("pk", "name")) == [
        (first, "Ana María Gómez"),
        (second, "Ñandú <b>"),
    ]


def test_a_prepared_row_carries_encrypted_values_into_its_insert() -> None:
    petition = factories.PetitionFactory()
    rows = RowInserter(Signature)
    prepared = rows.prepare(_values(petition.pk, name="Ñandú <b>"))
    assert "Ñandú" not in str(prepared.params)  # encrypted already
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        signature_id = rows.insert(prepared)
    assert Signature.objects.get(pk=signature_id).name == "Ñandú <b>"
    assert [q for q in queries.captured_queries if "INSERT" in q["sql"]]


def test_a_caller_whose_transaction_fails_whole_can_spare_the_savepoint() -> None:
    petition = factories.PetitionFactory()
    rows = RowInserter(Signature)
    sent = {}
    for savepoint in (True, False):
        values = _values(petition.pk, email_index=("c" if savepoint else "d") * 64)
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            rows.insert(values, savepoint=savepoint)
        sent[savepoint] = [q["sql"] for q in queries.captured_queries]
    # SAVEPOINT and RELEASE SAVEPOINT around the INSERT, or the INSERT alone.
    assert len(sent[True]) - len(sent[False]) == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.insert(_values(petition.pk, email_index="c" * 64), savepoint=False)
    assert Signature.objects.count() == 2


def test_many_rows_are_inserted_in_one_statement_or_none_at_all() -> None:
    petition = factories.PetitionFactory()
    rows = RowInserter(Signature)
    many = [_values(petition.pk, email_index=c * 64, name=f"Ana {c}") for c in "cde"]
    with CaptureQueriesContext(connection) as queries:
        rows.insert_all(many)
    assert len([q for q in queries.captured_queries if "INSERT" in q["sql"]]) == 1
    assert sorted(Signature.objects.values_list("name", flat=True)) == ["Ana c", "Ana d", "Ana e"]
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.insert_all([_values(petition.pk, email_index="f" * 64), many[0]])  # a repeat
    assert Signature.objects.count() == 3  # the new one went with the repeat
    rows.insert_all([])  # nothing to do
    assert Signature.objects.count() == 3


def test_recorded_queries_include_the_insert() -> None:
    # With queries recorded (DEBUG, assertNumQueries), the insert goes through
    # Django's cursor so that it is counted like any other.
    petition = factories.PetitionFactory()
    with CaptureQueriesContext(connection) as queries:
        signature_id = RowInserter(Signature).insert(_values(petition.pk))
    assert [q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"]]
    assert Signature.objects.filter(pk=signature_id).exists()


@pytest.mark.django_db(transaction=True)
def test_checkpoint_runs_on_sqlite_and_is_skipped_elsewhere() -> None:
    result = sqlite.checkpoint()
    if connection.vendor == "sqlite":
        assert result is not None and len(result) == 3
    else:
        assert result is None
