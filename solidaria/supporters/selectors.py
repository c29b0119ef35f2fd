from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from solidaria.core.privacy import pii
from solidaria.core.rendering.i18n import localize

from .models import ConsentRecord, Supporter
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
