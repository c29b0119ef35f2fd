"""Every change to a supporter's record. Personal values pass through the PII helpers only."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from solidaria.core.mail.outbox import email_queue
from solidaria.core.privacy import pii
from solidaria.core.privacy.audit import Actor, audit_log
from solidaria.core.privacy.tokens import new_token, token_hash
from solidaria.core.rendering.i18n import localize
from solidaria.core.web.middleware import page_cache_clear
from solidaria.organisations.models import Organisation

from .exceptions import AccessRefused, ActionNotFound, SupporterErased, SupporterError
from .models import AccessLink, ConsentRecord, ConsentText, Supporter
from .registry import registered
from .selectors import person_of, supporter_find_by_email


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
                "I can unsubscribe at any time on my data page: %(url)s"
            ) % {
                "organisation": organisation.name,
                "url": settings.SITE_URL + reverse("supporters:request"),
            }
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


def consent_withdraw(
    *, supporter: Supporter, organisation: Organisation, actor: Actor = None
) -> int:
    """The person no longer wants to hear from this organisation (every wording)."""
    with transaction.atomic():
        withdrawn = ConsentRecord.objects.filter(
            supporter=supporter, organisation=organisation, withdrawn_at__isnull=True
        ).update(withdrawn_at=timezone.now())
        if withdrawn:
            audit_log(
                action="consent.withdrawn",
                actor=actor,
                obj=supporter,
                organisation=organisation,
                data={"records": withdrawn},
            )
    return withdrawn


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


# A person's own page: reached from a link we email, no account, no password.

ACCESS_LINK_LIFETIME = timedelta(hours=1)
DEFAULT_ACCESS_LIMITS = {"address": 3, "client": 10}  # links asked for, per hour


def _access_limits() -> dict[str, int]:
    return {**DEFAULT_ACCESS_LIMITS, **getattr(settings, "SUPPORTER_ACCESS_LIMITS", {})}


def access_link_send(*, email: str, ip: str, language: str) -> None:
    """Emails a link to the person's own page if we know the address. Whether we
    know it or not, the caller tells the visitor the same thing, and the same
    limits apply, so nobody learns which addresses we hold.

    Raises AccessRefused when too many links were asked for this address, or from
    this client, within the hour."""
    index = pii.email_index(email)
    client = pii.ip_hash(ip) if ip else ""
    since = timezone.now() - timedelta(hours=1)
    limits = _access_limits()
    with transaction.atomic():
        recent = AccessLink.objects.filter(created_at__gte=since)
        if recent.filter(email_index=index).count() >= limits["address"]:
            raise AccessRefused(
                _(
                    "Several links were sent for this address in the last hour. Please use "
                    "one of them, or try again in an hour."
                )
            )
        if client and recent.filter(ip_hash=client).count() >= limits["client"]:
            raise AccessRefused(
                _(
                    "Too many links were asked for from this connection. Please try again "
                    "in an hour."
                )
            )
        supporter = supporter_find_by_email(email)
        if supporter is None:
            AccessLink.objects.create(email_index=index, ip_hash=client)
            return
        token, hashed = new_token()
        AccessLink.objects.create(
            email_index=index, ip_hash=client, supporter=supporter, token_hash=hashed
        )
        with translation.override(language):
            url = reverse("supporters:open", kwargs={"token": token})
        email_queue(
            to=supporter.email,
            template="supporters_access_link",
            language=language,
            context={"url": url, "site_name": settings.SITE_NAME},
        )
        audit_log(action="supporter.link_sent", obj=supporter)


def _usable_links(token: str) -> QuerySet[AccessLink]:
    return AccessLink.objects.filter(
        token_hash=token_hash(token),
        used_at__isnull=True,
        created_at__gte=timezone.now() - ACCESS_LINK_LIFETIME,
        supporter__erased_at__isnull=True,
    )


def access_link_usable(token: str) -> bool:
    """For the page the link opens: it asks to press a button (mail scanners open links)."""
    return bool(token) and _usable_links(token).exists()


def access_link_use(*, token: str) -> Supporter:
    """The button was pressed: the link is spent, and the person is who it was sent to."""
    if not token:
        raise AccessRefused(_("This link is not valid any more. Please ask for a new one."))
    with transaction.atomic():
        link = _usable_links(token).select_for_update().select_related("supporter").first()
        if link is None or link.supporter is None:
            raise AccessRefused(_("This link is not valid any more. Please ask for a new one."))
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        audit_log(action="supporter.signed_in", obj=link.supporter)
    return link.supporter


def supporter_language_set(*, supporter: Supporter, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise SupporterError(_("Choose one of the languages offered."))
    with transaction.atomic():
        Supporter.objects.filter(pk=supporter.pk).update(
            language=language, updated_at=timezone.now()
        )
        supporter.language = language
        audit_log(action="supporter.language_changed", obj=supporter, data={"language": language})


def supporter_action_end(*, supporter: Supporter, app_label: str, kind: str, pk: int) -> str:
    """Ends one of the person's own actions (withdraw, cancel, stop) from their page;
    returns what to tell them. Raises ActionNotFound if it is not theirs."""
    entry = next((e for e in registered() if e.app_label == app_label), None)
    if entry is None or entry.end is None:
        raise ActionNotFound(_("This cannot be changed from your page."))
    with transaction.atomic():
        message = str(entry.end(person_of(supporter), kind, pk))
        audit_log(
            action="supporter.action_ended",
            obj=supporter,
            data={"app": app_label, "kind": kind, "id": pk},
        )
    return message
