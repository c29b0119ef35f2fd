"""Every change to a supporter's record. Personal values pass through the PII helpers only."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Greatest, Least
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
from .models import (
    AccessLink,
    ConsentRecord,
    ConsentText,
    OrganisationSupporter,
    Segment,
    Supporter,
    Tag,
)
from .registry import registered
from .selectors import PEOPLE_CRITERIA, person_of, supporter_find_by_email


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


def _known_by(supporter: Supporter, organisation_id: int, *, at: datetime) -> OrganisationSupporter:
    """The organisation's record of this person, made on first contact."""
    known = OrganisationSupporter.objects.filter(
        organisation_id=organisation_id, supporter=supporter
    ).first()
    if known is not None:
        return known
    try:
        with transaction.atomic():
            return OrganisationSupporter.objects.create(
                organisation_id=organisation_id,
                supporter=supporter,
                first_seen=at,
                last_action_at=at,
            )
    except IntegrityError:  # recorded a moment ago by another request
        return OrganisationSupporter.objects.get(
            organisation_id=organisation_id, supporter=supporter
        )


def supporter_acted(*, supporter: Supporter, organisation_id: int, at: datetime) -> None:
    """One more action of this person on the organisation's campaigns: it now knows
    them (its list of people), with the number and dates of their actions."""
    with transaction.atomic():
        known = _known_by(supporter, organisation_id, at=at)
        OrganisationSupporter.objects.filter(pk=known.pk).update(
            actions=F("actions") + 1,
            first_seen=Least("first_seen", Value(at)),
            last_action_at=Greatest("last_action_at", Value(at)),
        )


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
    with transaction.atomic():
        record = ConsentRecord.objects.create(
            supporter=supporter,
            organisation=consent_text.organisation,
            consent_text=consent_text,
            language=language,
            method=method,
            source=source[:200],
        )
        known = _known_by(supporter, consent_text.organisation_id, at=record.given_at)
        OrganisationSupporter.objects.filter(pk=known.pk, consent_since__isnull=True).update(
            consent_since=record.given_at
        )
    return record


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
        OrganisationSupporter.objects.filter(supporter=supporter, organisation=organisation).update(
            consent_since=None
        )
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
        # Organisations' own records of the person: their notes and tags go too.
        counts["organisations_records"], _by_model = supporter.organisations_known.all().delete()
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


def personal_data_expire(*, now: datetime) -> dict[str, int]:
    """Retention: every app empties the personal data of actions (signatures,
    registrations, hosted actions) that closed longer ago than their campaign keeps
    it, as erasure does: rows, counts and totals stay. What supporters agreed to
    keep, their record and consents, stays. Requests for a link to one's own page
    (an address's and a connection's blind index) go after a day: the limits they
    serve look back one hour.

    Each app works a batch of rows per transaction, so no lock is held for long
    and an interrupted run resumes where it stopped. Running it again changes
    nothing. One audit entry per run, with how many rows each app emptied."""
    counts = {entry.app_label: entry.expire(now) for entry in registered() if entry.expire}
    counts["access_links"], _by_model = AccessLink.objects.filter(
        created_at__lt=now - ACCESS_LINKS_KEPT
    ).delete()
    audit_log(action="personal_data.expired", data=counts)
    if any(counts.values()):
        # Public pages may show a signer's first name or a host's name.
        page_cache_clear()
    return counts


# A person's own page: reached from a link we email, no account, no password.

ACCESS_LINK_LIFETIME = timedelta(hours=1)
ACCESS_LINKS_KEPT = timedelta(days=1)
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
        # Only the link's own row is locked (its supporter may be absent).
        link = _usable_links(token).select_for_update(of=("self",)).first()
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


def supporter_address_confirm(*, supporter: Supporter, actor: Actor = None) -> bool:
    """The person says mail reaches their address again: mailings may go to it.

    Their own page is opened from a link emailed to that address, which proves it
    works. Consents that a complaint withdrew stay withdrawn: only organisations
    the person agrees to hear from write again. Returns whether the address was
    marked undeliverable; pressing the button twice changes nothing more."""
    with transaction.atomic():
        changed = Supporter.objects.filter(
            pk=supporter.pk, erased_at__isnull=True, undeliverable_since__isnull=False
        ).update(
            undeliverable_since=None,
            undeliverable_reason="",
            address_confirmed_at=timezone.now(),
            updated_at=timezone.now(),
        )
        if changed:
            audit_log(action="supporter.address_confirmed", actor=actor, obj=supporter)
    if changed:
        supporter.undeliverable_since = None
        supporter.undeliverable_reason = ""
    return bool(changed)


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


# What organisers do with their people: tags, notes, exports.

MAX_TAGS_PER_ORGANISATION = 200


def _tag_for(organisation_id: int, name: str) -> Tag:
    name = " ".join(name.split())
    if not name or len(name) > Tag._meta.get_field("name").max_length:  # type: ignore[operator]
        raise SupporterError(_("A tag is a name of 1 to 60 characters."))
    tag = Tag.objects.filter(organisation_id=organisation_id, name__iexact=name).first()
    if tag is not None:
        return tag
    if Tag.objects.filter(organisation_id=organisation_id).count() >= MAX_TAGS_PER_ORGANISATION:
        raise SupporterError(
            _("An organisation has at most %(count)d tags: remove some before adding more.")
            % {"count": MAX_TAGS_PER_ORGANISATION}
        )
    return Tag.objects.create(organisation_id=organisation_id, name=name)


def people_tag(
    *, people: QuerySet[OrganisationSupporter], name: str, add: bool, actor: Actor
) -> int:
    """Adds (or removes) a tag on these people, in each of their organisations' own tag
    list; returns how many people changed. The caller has limited `people` to the
    organisations the actor may edit."""
    changed = 0
    with transaction.atomic():
        by_organisation: dict[int, list[OrganisationSupporter]] = {}
        for record in people.select_related(None).only("pk", "organisation_id"):
            by_organisation.setdefault(record.organisation_id, []).append(record)
        for organisation_id, records in by_organisation.items():
            if add:
                tag = _tag_for(organisation_id, name)
                links = OrganisationSupporter.tags.through
                existing = set(
                    links.objects.filter(tag=tag, organisationsupporter__in=records).values_list(
                        "organisationsupporter_id", flat=True
                    )
                )
                links.objects.bulk_create(
                    [
                        links(organisationsupporter_id=r.pk, tag_id=tag.pk)
                        for r in records
                        if r.pk not in existing
                    ]
                )
                count = len(records) - len(existing)
            else:
                tag_found = Tag.objects.filter(
                    organisation_id=organisation_id, name__iexact=" ".join(name.split())
                ).first()
                if tag_found is None:
                    continue
                count, _by_model = OrganisationSupporter.tags.through.objects.filter(
                    tag=tag_found, organisationsupporter__in=records
                ).delete()
            if count:
                changed += count
                audit_log(
                    action="people.tagged" if add else "people.untagged",
                    actor=actor,
                    organisation=Organisation.objects.get(pk=organisation_id),
                    data={"people": count},
                )
    return changed


def person_record_update(
    *, record: OrganisationSupporter, tags: list[Tag], notes: str, actor: Actor
) -> None:
    """An organiser's own tags and private notes about one of their people."""
    if any(tag.organisation_id != record.organisation_id for tag in tags):
        raise SupporterError(_("Use your own organisation's tags."))
    with transaction.atomic():
        record.notes = notes
        record.save(update_fields=["notes"])
        record.tags.set(tags)
        audit_log(
            action="person.updated",
            actor=actor,
            obj=record,
            organisation=record.organisation,
            data={"tags": len(tags), "notes": bool(notes)},
        )


def organisation_supporters_rebuild() -> int:
    """Recomputes every organisation's record of its people from the actions and
    consents the apps hold: once after upgrading to a version that keeps these
    records, or whenever in doubt. Tags and notes stay. Returns how many records
    were written. One supporter per transaction."""
    written = 0
    for supporter in Supporter.objects.filter(erased_at__isnull=True).iterator(chunk_size=500):
        person = person_of(supporter)
        dates: dict[int, list[datetime]] = {}
        for entry in registered():
            for action in entry.actions(person):
                if action.organisation_id is not None:
                    dates.setdefault(action.organisation_id, []).append(action.at)
        consents: dict[int, datetime] = {}
        for organisation_id, given_at in supporter.consents.filter(
            withdrawn_at__isnull=True
        ).values_list("organisation_id", "given_at"):
            consents[organisation_id] = min(given_at, consents.get(organisation_id, given_at))
        with transaction.atomic():
            for organisation_id in dates.keys() | consents.keys():
                # As recorded live: first seen at the first action or consent; the
                # last action, or the consent for someone who only agreed to hear.
                actions = dates.get(organisation_id, [])
                agreed = [consents[organisation_id]] if organisation_id in consents else []
                OrganisationSupporter.objects.update_or_create(
                    organisation_id=organisation_id,
                    supporter=supporter,
                    defaults={
                        "first_seen": min(actions + agreed),
                        "last_action_at": max(actions or agreed),
                        "actions": len(actions),
                        "consent_since": consents.get(organisation_id),
                    },
                )
                written += 1
    return written


def segment_criteria_clean(
    *, organisation: Organisation, query: Mapping[str, str]
) -> dict[str, str]:
    """The people list's filters in `query`, checked for this organisation: only known
    criteria, each with a value it can hold. Raises SupporterError naming the first
    that cannot be saved."""
    criteria = {
        name: query[name].strip() for name in PEOPLE_CRITERIA if query.get(name, "").strip()
    }
    took_part = criteria.get("took_part")
    if took_part is not None:
        app_label, _sep, key = took_part.partition(":")
        entry = next((e for e in registered() if e.app_label == app_label), None)
        choices = (
            entry.took_part_choices([organisation.pk]) if entry and entry.took_part_choices else []
        )
        if key not in {choice for choice, _label in choices}:
            raise SupporterError(_("Choose one of your own petitions, funds or events."))
    tag = criteria.get("tag")
    if tag is not None and not (
        tag.isdigit() and Tag.objects.filter(pk=int(tag), organisation=organisation).exists()
    ):
        raise SupporterError(_("Use your own organisation's tags."))
    if criteria.get("agreed", "yes") not in ("yes", "no"):
        raise SupporterError(_("This filter cannot be saved."))
    if criteria.get("supporter__language", "en") not in dict(settings.LANGUAGES):
        raise SupporterError(_("This filter cannot be saved."))
    for name in ("last_action_at__gte", "last_action_at__lt"):
        if name in criteria:
            try:
                datetime.fromisoformat(criteria[name])
            except ValueError as exc:
                raise SupporterError(_("This filter cannot be saved.")) from exc
    return criteria


def segment_save(
    *, organisation: Organisation, name: str, query: Mapping[str, str], actor: Actor
) -> Segment:
    """A named choice of the organisation's people, from the people list's filters."""
    name = " ".join(name.split())
    if not name or len(name) > 100:
        raise SupporterError(_("A segment's name has 1 to 100 characters."))
    criteria = segment_criteria_clean(organisation=organisation, query=query)
    with transaction.atomic():
        if Segment.objects.filter(organisation=organisation, name__iexact=name).exists():
            raise SupporterError(_("You already have a segment named “%(name)s”.") % {"name": name})
        segment = Segment.objects.create(organisation=organisation, name=name, criteria=criteria)
        audit_log(
            action="segment.saved",
            actor=actor,
            obj=segment,
            organisation=organisation,
            data={"criteria": sorted(criteria)},
        )
    return segment
