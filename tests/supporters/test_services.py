from __future__ import annotations

import json

import pytest

from solidaria.core.models import AuditEntry
from solidaria.supporters.models import ConsentRecord, ConsentText, Supporter
from solidaria.supporters.selectors import supporter_find_by_email
from solidaria.supporters.services import (
    consent_record,
    consent_text_publish,
    consent_withdraw,
    supporter_erase,
    supporter_export,
    supporter_get_or_create,
)
from tests import factories
from tests.supporters.dumps import database_dump

pytestmark = pytest.mark.django_db

PEOPLE = [
    ("Valentina Quispe-Rodríguez", "valentina.quispe@example.org", "+54 11 5555 0101"),
    ("Jürgen Oberdörfer", "juergen.oberdoerfer@example.de", "+49 30 5555 0102"),
    ("Aïcha Benali", "aicha.benali@example.fr", "+33 1 55 55 01 03"),
]


def test_same_person_whatever_the_spelling_of_the_address() -> None:
    first, created = supporter_get_or_create(email="Rosa@Example.org", name="Rosa")
    again, created_again = supporter_get_or_create(email="  rosa@example.ORG", phone="+54 9 11")
    assert created and not created_again
    assert again.pk == first.pk
    again.refresh_from_db()
    assert again.name == "Rosa" and again.phone == "+54 9 11"
    assert Supporter.objects.count() == 1


def test_consent_records_keep_the_exact_wording() -> None:
    organisation = factories.OrganisationFactory()
    v1 = consent_text_publish(organisation=organisation, text={"en": "Keep me informed."})
    v2 = consent_text_publish(
        organisation=organisation, text={"en": "Email me about this campaign."}
    )
    assert (v1.version, v2.version) == (1, 2)
    supporter, _ = supporter_get_or_create(email="mo@example.org")
    record = consent_record(supporter=supporter, consent_text=v1, language="en", method="web_form")
    assert (
        ConsentText.objects.get(pk=record.consent_text_id).text.localize("en")
        == "Keep me informed."
    )
    assert consent_withdraw(supporter=supporter, organisation=organisation) == 1
    record.refresh_from_db()
    assert not record.active


def test_export_contains_everything_and_is_audited() -> None:
    organisation = factories.OrganisationFactory(name="Polo Obrero")
    wording = consent_text_publish(organisation=organisation, text={"es": "Quiero novedades."})
    supporter, _ = supporter_get_or_create(
        email="lia@example.org", name="Lía", phone="+54 11", country="AR", language="es"
    )
    consent_record(supporter=supporter, consent_text=wording, language="es", method="web_form")
    data = supporter_export(supporter=supporter)
    json.dumps(data)  # plain JSON data
    assert data["supporter"]["email"] == "lia@example.org"
    assert data["supporter"]["name"] == "Lía"
    assert data["consents"][0]["wording"] == "Quiero novedades."
    assert data["consents"][0]["organisation"] == "Polo Obrero"
    assert AuditEntry.objects.filter(
        action="supporter.exported", object_id=str(supporter.pk)
    ).exists()


def test_erasure_removes_every_personal_value() -> None:
    wording = factories.ConsentTextFactory()
    supporter, _ = supporter_get_or_create(email="out@example.org", name="Gone Soon", phone="123")
    consent_record(supporter=supporter, consent_text=wording, language="en", method="web_form")
    supporter_erase(supporter=supporter)
    supporter.refresh_from_db()
    assert (supporter.email, supporter.name, supporter.phone, supporter.email_index) == (
        "",
        "",
        "",
        None,
    )
    assert supporter.erased_at is not None
    assert not ConsentRecord.objects.filter(supporter=supporter).exists()
    assert supporter_find_by_email("out@example.org") is None
    entry = AuditEntry.objects.get(action="supporter.erased")
    assert "Gone" not in json.dumps(entry.data) + entry.object_repr
    # The same person can come back later as a new supporter.
    again, created = supporter_get_or_create(email="out@example.org")
    assert created and again.pk != supporter.pk


@pytest.mark.django_db(transaction=True)
def test_a_database_dump_reveals_no_supporter() -> None:
    organisation = factories.OrganisationFactory()
    wording = consent_text_publish(organisation=organisation, text={"en": "Yes, email me."})
    for name, email, phone in PEOPLE:
        supporter, _ = supporter_get_or_create(email=email, name=name, phone=phone, country="AR")
        consent_record(supporter=supporter, consent_text=wording, language="en", method="web_form")
        supporter_export(supporter=supporter)
    from solidaria.core.mail.outbox import email_queue

    email_queue(
        to=PEOPLE[0][1], template="test_message", context={"name": PEOPLE[0][0]}, language="es"
    )

    dump = database_dump()
    assert "supporters_supporter" in dump  # the dump really has the table
    for name, email, phone in PEOPLE:
        for secret in (name, email, phone, *name.split(), email.split("@")[0]):
            assert secret not in dump, secret
        assert email.upper() not in dump.upper()
