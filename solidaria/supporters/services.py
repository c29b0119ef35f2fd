"""Every change to a supporter's record. Personal values pass through the PII helpers only."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from solidaria.core.privacy import pii
from solidaria.core.privacy.audit import Actor, audit_log
from solidaria.core.rendering.i18n import localize
from solidaria.core.web.middleware import page_cache_clear
from solidaria.organisations.models import Organisation

from .exceptions import SupporterErased
from .models import ConsentRecord, ConsentText, Supporter
from .registry import Person, registered
from .selectors import supporter_find_by_email


def supporter_get_or_create(
    *,
    email: str,
    name: str = "",
    phone: str = "",
    country: str = "",
    language: str = "en",
) -> tuple[Supporter, bool]:
    """The supporter with this address, created if new. Known details are kept; blanks filled."""
    supporter = supporter_find_by_email(email)
    if supporter is None:
        try:
            with transaction.atomic():
                supporter = Supporter.objects.create(
                    email_index=pii.email_index(email),
                    email=email.strip(),
                    name=name.strip(),
                    phone=phone.strip(),
                    country=country,
                    language=language,
                )
            return supporter, True
        except IntegrityError:
            # Someone else created the same person a moment ago.
            supporter = supporter_find_by_email(email)
            if supporter is None:
                raise
    changed = []
    for field, value in (("name", name.strip()), ("phone", phone.strip()), ("country", country)):
        if value and not getattr(supporter, field):
            setattr(supporter, field, value)
            changed.append(field)
    if changed:
        supporter.save(update_fields=[*changed, "updated_at"])
    return supporter, False


def consent_text_publish(
    *, organisation: Organisation, text: dict[str, str], actor: Actor = None
) -> ConsentText:
    """A new wording; the previous ones stay, because records point at them."""
    with transaction.atomic():
        latest = (
            ConsentText.objects.select_for_update()
            .filter(organisation=organisation)
            .order_by("-version")
            .first()
        )
        consent_text = ConsentText.objects.create(
            organisation=organisation, version=(latest.version + 1) if latest else 1, text=text
        )
        audit_log(
            action="consent_text.published",
            actor=actor,
            obj=consent_text,
            organisation=organisation,
            data={"version": consent_text.version},
        )
    return consent_text


def consent_text_current(organisation: Organisation) -> ConsentText:
    """The wording shown today; a first, standard wording is published if there is none."""
    current = ConsentText.objects.filter(organisation=organisation).order_by("-version").first()
    if current is not None:
        return current
    text = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            text[code] = _(
                "Yes, %(organisation)s may email me about this campaign and related actions. "
                "I can unsubscribe at any time."
            ) % {"organisation": organisation.name}
    return consent_text_publish(organisation=organisation, text=text)


def consent_text_at(organisation: Organisation, moment: datetime) -> ConsentText:
    """The wording the signer saw: wordings are append-only, so time decides."""
    shown = (
        ConsentText.objects.filter(organisation=organisation, created_at__lte=moment)
        .order_by("-version")
        .first()
    )
    return shown or consent_text_current(organisation)


def consent_record(
    *,
    supporter: Supporter,
    consent_text: ConsentText,
    language: str,
    method: str,
    source: str = "",
) -> ConsentRecord:
    if supporter.erased_at is not None:
        raise SupporterErased("this supporter's data has been erased")
    return ConsentRecord.objects.create(
        supporter=supporter,
        organisation=consent_text.organisation,
        consent_text=consent_text,
        language=language,
        method=method,
        source=source[:200],
    )


def consent_record_once(
    *,
    supporter: Supporter,
    consent_text: ConsentText,
    language: str,
    source: str,
    method: str = ConsentRecord.Method.WEB_FORM,
) -> ConsentRecord | None:
    """Records the consent unless this person already holds it for this wording."""
    if ConsentRecord.objects.filter(
        supporter=supporter, consent_text=consent_text, withdrawn_at__isnull=True
    ).exists():
        return None
    return consent_record(
        supporter=supporter,
        consent_text=consent_text,
        language=language,
        method=method,
        source=source,
    )


def consent_withdraw(*, supporter: Supporter, organisation: Organisation) -> int:
    return ConsentRecord.objects.filter(
        supporter=supporter, organisation=organisation, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())


def supporter_export(*, supporter: Supporter, actor: Actor = None) -> dict[str, object]:
    """Everything Solidaria holds about one person, in plain JSON-ready data (GDPR Art. 15/20)."""
    consents = supporter.consents.select_related("organisation", "consent_text").order_by(
        "given_at"
    )
    data: dict[str, object] = {
        "supporter": {
            "email": supporter.email,
            "name": supporter.name,
            "phone": supporter.phone,
            "country": str(supporter.country),
            "language": supporter.language,
            "first_seen": supporter.created_at.isoformat(),
        },
        "consents": [
            {
                "organisation": record.organisation.name,
                "wording": str(
                    localize(
                        record.consent_text.text,
                        languages=[record.language],
                        requested=record.language,
                    )
                ),
                "wording_version": record.consent_text.version,
                "language": record.language,
                "how": record.method,
                "where": record.source,
                "given": record.given_at.isoformat(),
                "withdrawn": record.withdrawn_at.isoformat() if record.withdrawn_at else None,
            }
            for record in consents
        ],
    }
    person = person_of(supporter)
    for entry in registered():
        data.update(entry.export(person))
    audit_log(action="supporter.exported", actor=actor, obj=supporter)
    return data


def person_of(supporter: Supporter) -> Person:
    """The supporter and the indexes of their address under every key in use, by
    which each app finds their rows, linked or not yet."""
    indexes = set(pii.email_indexes(supporter.email)) if supporter.email else set()
    if supporter.email_index:
        indexes.add(supporter.email_index)
    return Person(supporter=supporter, email_indexes=sorted(indexes))


def supporter_erase(*, supporter: Supporter, actor: Actor = None) -> dict[str, int]:
    """Right to erasure: every personal value in every app goes, in one transaction.

    The rows stay, emptied, so counts, totals and the ledger do not move. Returns
    how many rows each app emptied (also written to the audit log: counts only).
    Erasing someone already erased changes nothing and returns no counts."""
    if supporter.erased_at is not None:
        return {}
    person = person_of(supporter)
    with transaction.atomic():
        counts = {entry.app_label: entry.erase(person) for entry in registered()}
        counts["consents"], _by_model = supporter.consents.all().delete()
        supporter.email_index = None
        supporter.email = ""
        supporter.name = ""
        supporter.phone = ""
        supporter.erased_at = timezone.now()
        supporter.save(
            update_fields=["email_index", "email", "name", "phone", "erased_at", "updated_at"]
        )
        audit_log(action="supporter.erased", actor=actor, obj=supporter, data=counts)
        # Public pages may show their name (a shown signature, a hosted action).
        transaction.on_commit(page_cache_clear)
    return counts
