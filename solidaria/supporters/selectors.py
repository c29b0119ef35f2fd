from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from solidaria.core.privacy import pii
from solidaria.core.rendering.i18n import localize

from .models import ConsentRecord, OrganisationSupporter, Segment, Supporter
from .registry import Action, Person, registered


def supporter_find_by_email(email: str) -> Supporter | None:
    """Looks a person up by the blind index, under every configured key."""
    return Supporter.objects.filter(email_index__in=pii.email_indexes(email)).first()


def person_of(supporter: Supporter) -> Person:
    """The supporter and the indexes of their address under every key in use, by
    which each app finds their rows, linked or not yet."""
    indexes = set(pii.email_indexes(supporter.email)) if supporter.email else set()
    if supporter.email_index:
        indexes.add(supporter.email_index)
    return Person(supporter=supporter, email_indexes=sorted(indexes))


@dataclass(frozen=True)
class ListedAction:
    app_label: str
    action: Action


def supporter_actions(supporter: Supporter) -> list[ListedAction]:
    """Everything the person did, in every app, the latest first."""
    person = person_of(supporter)
    found = [
        ListedAction(app_label=entry.app_label, action=action)
        for entry in registered()
        for action in entry.actions(person)
    ]
    return sorted(found, key=lambda listed: listed.action.at, reverse=True)


@dataclass(frozen=True)
class ShownConsent:
    record: ConsentRecord
    wording: str


def supporter_consents(supporter: Supporter) -> list[ShownConsent]:
    """The organisations the person agreed to hear from, with the exact wording they saw."""
    records = (
        supporter.consents.filter(withdrawn_at__isnull=True)
        .select_related("organisation", "consent_text")
        .order_by("organisation__name", "-given_at")
    )
    shown: dict[int, ShownConsent] = {}
    for record in records:  # the latest wording per organisation
        shown.setdefault(
            record.organisation_id,
            ShownConsent(
                record=record,
                wording=str(
                    localize(
                        record.consent_text.text,
                        languages=[record.language],
                        requested=record.language,
                    )
                ),
            ),
        )
    return list(shown.values())


# The export's sections, named for a reader, in the order the readable page shows them.
SECTION_TITLES = {
    "supporter": _("You"),
    "consents": _("Organisations you agreed to hear from"),
    "signatures": _("Petitions and letters you signed"),
    "organisation_signatures": _("Letters you signed for an organisation"),
    "gifts": _("Your gifts"),
    "event_registrations": _("Events you registered for"),
    "hosted_actions": _("Actions you host"),
    "cosponsorships": _("Co-sponsorships you asked for"),
    "emails": _("Emails we sent you"),
    "organisations_records": _("What organisations note about you"),
}


@dataclass(frozen=True)
class ExportSection:
    key: str
    title: str
    columns: list[str]
    rows: list[list[object]]


def _readable(value: object) -> object:
    """A date and time as the reader's language writes it; other values as they are."""
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    return value


def export_sections(data: dict[str, object]) -> list[ExportSection]:
    """The export as tables for the readable page: one per section, one row per item."""
    sections = []
    for key, value in data.items():
        items = [value] if isinstance(value, dict) else value
        if not isinstance(items, list):
            continue
        columns = list(items[0]) if items else []
        sections.append(
            ExportSection(
                key=key,
                title=str(SECTION_TITLES.get(key, key.replace("_", " ").capitalize())),
                columns=[column.replace("_", " ") for column in columns],
                rows=[[_readable(item.get(column)) for column in columns] for item in items],
            )
        )
    return sections


# The people list's filters, written once: the console's filters apply them one at a
# time, a segment stores several and applies them together. Parameter → meaning.
PEOPLE_CRITERIA = (
    "agreed",  # "yes" or "no": currently agrees to hear from the organisation
    "took_part",  # "<app>:<key>", as each app's registry entry names it
    "tag",  # a tag's id
    "country",  # an ISO country code
    "supporter__language",  # a UI language code
    "last_action_at__gte",  # an ISO date or date and time
    "last_action_at__lt",
)


def people_filtered(
    queryset: QuerySet[OrganisationSupporter], criteria: Mapping[str, str]
) -> QuerySet[OrganisationSupporter]:
    """The people matching every criterion. A value that cannot match anything (a
    tag that is not a number, an unknown app) matches nobody, never everybody."""
    for name, value in criteria.items():
        if not value:
            continue
        if name == "agreed":
            if value not in ("yes", "no"):
                return queryset.none()
            queryset = queryset.filter(consent_since__isnull=value == "no")
        elif name == "took_part":
            app_label, _sep, key = value.partition(":")
            entry = next((e for e in registered() if e.app_label == app_label), None)
            if entry is None or entry.took_part_in is None or not key.isdigit():
                return queryset.none()
            # EXISTS, not IN: walking the list's index, each person is checked
            # through the action's own index, and a page stops after 50 of them.
            took_part = entry.took_part_in(key).filter(supporter_id=OuterRef("supporter_id"))
            queryset = queryset.filter(Exists(took_part))
        elif name == "tag":
            if not value.isdigit():
                return queryset.none()
            queryset = queryset.filter(tags=int(value))
        elif name == "country":
            queryset = queryset.filter(supporter__country=value[:2])
        elif name == "supporter__language":
            queryset = queryset.filter(supporter__language=value[:8])
        elif name in ("last_action_at__gte", "last_action_at__lt"):
            moment = _moment(value)
            if moment is None:
                return queryset.none()
            queryset = queryset.filter(**{name: moment})
        else:
            return queryset.none()
    return queryset


def _moment(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def segment_people(segment: Segment) -> QuerySet[OrganisationSupporter]:
    """Who a segment holds now: its organisation's people who match (erasure deletes
    a person's records, so nobody erased is among them)."""
    people = OrganisationSupporter.objects.filter(organisation_id=segment.organisation_id)
    return people_filtered(people, segment.criteria)
