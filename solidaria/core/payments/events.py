"""Stripe's events, each applied once, by the app whose payment it is about.

Apps register what they do with Stripe's events from their `AppConfig.ready`
(`register_stripe_handlers`), as they register their personal data and mail
stencils. Each app marks what it creates at Stripe with its `kind` in the
metadata (a fund's gift: "gift", a round's order: "order"): an event about an
object that names a kind goes to that app alone. Objects that name none (charges,
disputes and invoices, which do not carry a Checkout Session's metadata, and
sessions created before kinds existed) are offered to every app that handles the
event's type, in the order they registered, until one takes it; each finds its
own records by the ids it stored, so one never takes another's.

Each event id is stored in the transaction that applies it: Stripe delivering
it again (it retries for days) changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction

from solidaria.core.models import StripeEvent

# Any: a Stripe object as parsed from the webhook's JSON. Its fields (strings, numbers,
# nested objects or ids, None) vary by type and API version; each handler reads the
# ones it knows, checking them as it goes.
StripeObject: TypeAlias = dict[str, Any]
StripeHandler: TypeAlias = Callable[[StripeObject], str]

# What a handler returns for an object that is not its app's.
IGNORED = "ignored"
DUPLICATE = "duplicate"


@dataclass(frozen=True)
class StripeHandlers:
    """What one app does with Stripe's events.

    `kind`: the `metadata["kind"]` the app puts on the Checkout Sessions (and the
    payments and subscriptions they start) that it creates.
    `handlers`: by event type; each runs inside the event's transaction and says
    what it did, `IGNORED` if the object is not the app's.
    `prepare`: runs first, outside the transaction, for look-ups at Stripe that
    must not hold locks; it may add keys starting with "_" to the app's own copy
    of the object.
    `owns`: whether an object that carries no kind (a refund, a dispute: Stripe
    copies no metadata onto them) is about one of the app's records, by a query of
    its own database. When an app owns it, only that app takes it, and the others'
    look-ups at Stripe are spared."""

    kind: str
    handlers: Mapping[str, StripeHandler]
    prepare: Callable[[str, StripeObject], None] | None = None
    owns: Callable[[StripeObject], bool] | None = None


_registered: dict[str, StripeHandlers] = {}


def register_stripe_handlers(handlers: StripeHandlers) -> None:
    """Called from an app's `AppConfig.ready`. A kind belongs to one app."""
    existing = _registered.get(handlers.kind)
    if existing is not None and existing != handlers:
        raise ImproperlyConfigured(f"Stripe events of kind {handlers.kind!r} are handled twice")
    _registered[handlers.kind] = handlers


def registered_kinds() -> list[str]:
    return list(_registered)


def stripe_id(value: object) -> str:
    """An id Stripe gives either as a string or inside an expanded object."""
    if isinstance(value, dict):
        value = value.get("id")
    return str(value or "")


def stripe_kind(obj: StripeObject) -> str:
    metadata = obj.get("metadata")
    if not isinstance(metadata, dict):
        return ""
    return str(metadata.get("kind") or "")


@dataclass(frozen=True)
class Dispute:
    """A dispute as the apps record it: the payment it is about, what the card
    holder's bank holds back (minor units, in `currency`), and Stripe's status
    ("needs_response", "under_review", … then "won" or "lost")."""

    id: str
    payment_intent: str
    amount_minor: int
    currency: str
    status: str

    @property
    def won(self) -> bool:
        """Closed with the money back to us; any other closing is lost."""
        return self.status == "won"


def dispute_read(obj: StripeObject) -> Dispute | None:
    """What a `charge.dispute.*` event says. None for an inquiry (a status starting
    with "warning_"): the bank only asks, no money moves, and there is nothing to
    record; the dispute that may follow comes as an event of its own."""
    status = str(obj.get("status") or "")
    if status.startswith("warning_"):
        return None
    amount = obj.get("amount")
    return Dispute(
        id=stripe_id(obj.get("id")),
        payment_intent=stripe_id(obj.get("payment_intent")),
        amount_minor=amount if isinstance(amount, int) else 0,
        currency=str(obj.get("currency") or "").upper(),
        status=status,
    )


def _takers(event_type: str, obj: StripeObject) -> list[StripeHandlers]:
    kind = stripe_kind(obj)
    if kind:
        found = _registered.get(kind)
        return [found] if found is not None and event_type in found.handlers else []
    takers = [handlers for handlers in _registered.values() if event_type in handlers.handlers]
    owners = [handlers for handlers in takers if handlers.owns is not None and handlers.owns(obj)]
    return owners or takers


def stripe_event_handle(event: StripeObject) -> str:
    """Applies one verified event: what the app that took it did, `IGNORED` if none
    did, `DUPLICATE` if it was applied before."""
    event_id = str(event.get("id") or "")
    event_type = str(event.get("type") or "")
    if StripeEvent.objects.filter(event_id=event_id).exists():
        return DUPLICATE  # before any look-up at Stripe a redelivery would cost
    obj = dict((event.get("data") or {}).get("object") or {})
    takers = [(handlers, dict(obj)) for handlers in _takers(event_type, obj)]
    for handlers, own in takers:
        if handlers.prepare is not None:
            handlers.prepare(event_type, own)
    try:
        with transaction.atomic():
            StripeEvent.objects.create(event_id=event_id, type=event_type[:100])
            for handlers, own in takers:
                outcome = handlers.handlers[event_type](own)
                if outcome != IGNORED:
                    return outcome
            return IGNORED
    except IntegrityError:
        if StripeEvent.objects.filter(event_id=event_id).exists():
            return DUPLICATE  # the same event, delivered twice at once
        raise
