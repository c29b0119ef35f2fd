"""What each app holds about a person: how to list, export and erase it.

A supporter's data is spread over every app they acted in (a signature, a gift,
a registration, a hosted action, an email waiting to go out). Every app that
stores personal data registers one `PersonalData` in its `AppConfig.ready()`,
naming the models it covers; a test fails if a model with personal data is
covered by no app. `supporters.services` walks the registry to build a
person's page and export and to erase them everywhere in one transaction, and
to erase everyone's data in actions closed longer ago than their campaign keeps
it (retention).

An app looks a person up by their `Supporter` link and by the blind indexes of
their address (`Person.email_indexes`), so that rows not yet linked (a
signature still waiting for confirmation) are found too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from django.db import models
from django.db.models import QuerySet
from django.utils.functional import Promise

# Any: the supporter ids an app returns come from its own model's queryset.

if TYPE_CHECKING:
    from .models import Supporter


@dataclass(frozen=True)
class Person:
    """The one a list, export or erasure is about: their record and the blind
    indexes of their address under every key still in use."""

    supporter: Supporter
    email_indexes: Sequence[str]


class CampaignLike(Protocol):
    """A campaign, as actions need it (supporters does not import campaigns)."""

    pk: Any
    owner_id: int


@dataclass(frozen=True)
class Action:
    """One thing a person did, as their own page and the organisers' timeline show it."""

    kind: str  # a stable name, e.g. "signature", "gift", "registration"
    what: str | Promise  # in the reader's language, e.g. "Signed: Drop the charges"
    at: datetime
    status: str | Promise
    organisation_id: int | None
    campaign_id: int | None = None
    # The row, and what the person's own page offers to end it (withdraw a
    # signature, cancel a registration, stop a monthly gift), if anything.
    pk: int | None = None
    end_label: str | Promise = ""
    # Where ending it is asked first, on a page of the app's own (cancelling an
    # order, which says what will happen); without it the button ends it at once.
    end_url: str = ""

    @classmethod
    def on(cls, campaign: CampaignLike, **fields: Any) -> Action:
        """An action on one of `campaign`'s petitions, funds or events: it belongs to
        the campaign's owner."""
        return cls(organisation_id=campaign.owner_id, campaign_id=campaign.pk, **fields)


# An export section: a name and its rows, each a JSON-ready dict.
ExportSection = dict[str, list[dict[str, object]]]


@dataclass(frozen=True)
class PersonalData:
    app_label: str
    models: Sequence[type[models.Model]]
    actions: Callable[[Person], list[Action]]
    export: Callable[[Person], ExportSection]
    # Runs inside the erasure's transaction; returns how many rows lost personal data.
    # Counts, totals and amounts stay exactly as they were.
    erase: Callable[[Person], int]
    # Ends one of the person's actions of this kind (an Action's `kind` and `pk`),
    # returning what to tell them; raises ActionNotFound if it is not theirs.
    end: Callable[[Person, str, int], str | Promise] | None = None
    # Retention: empties, as `erase` does, the personal data of every action that
    # closed longer ago than its campaign's retention period, as of the moment
    # given (now). Returns how many rows lost personal data. Opens its own short
    # transactions, a batch of rows at a time; running it again changes nothing.
    expire: Callable[[datetime], int] | None = None
    # For organisers' filters: what people took part in, for these organisations
    # (each a key such as "12" and a label such as "Signed: Drop the charges"), and
    # the ids of the supporters who took part in one of them.
    took_part_choices: Callable[[Sequence[int]], list[tuple[str, str]]] | None = None
    took_part_in: Callable[[str], QuerySet[Any]] | None = None


_registry: dict[str, PersonalData] = {}


def register(entry: PersonalData) -> None:
    if entry.app_label in _registry and _registry[entry.app_label] != entry:
        raise ValueError(f"{entry.app_label} registered its personal data twice")
    _registry[entry.app_label] = entry


def registered() -> list[PersonalData]:
    """Every app's entry, in the order apps were registered (INSTALLED_APPS)."""
    return list(_registry.values())


def covered_models() -> set[type[models.Model]]:
    return {model for entry in _registry.values() for model in entry.models}
