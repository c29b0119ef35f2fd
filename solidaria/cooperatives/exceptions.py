"""What the buying rounds' rules refuse. Each message is for the person who asked,
in their language (raised with gettext while their language is active), and names
no one: it may be shown on a public page."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

# The ledger's refusal is the one every ledger raises (core.ledger), for the round's
# ledger (cooperatives.ledger) as for a fund's.
from solidaria.core.ledger.exceptions import LedgerError as LedgerError
from solidaria.core.payments.exceptions import PaymentUnavailable


class CooperativesError(Exception):
    """A request about cooperatives or a buying round that the rules do not allow."""


class RoundClosed(CooperativesError):
    """The round is not open for orders (not yet, or no longer), or not published."""


class OrderRefused(CooperativesError):
    """Something in the order as sent cannot be taken: an item not in the round, a
    withdrawn product, a quantity out of bounds, a pickup point of another round, an
    address in another country, another currency. `field` names the form field the
    message belongs to, when there is one."""

    def __init__(self, message: StrOrPromise, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class PriceChanged(CooperativesError):
    """A price changed between the page and the order: nothing was stored, and the
    buyer confirms the new prices. `prices` maps each changed item's id to its price
    now (minor units); `shipping_minor` is the shipping fee now if that changed."""

    def __init__(
        self,
        message: StrOrPromise,
        *,
        prices: Mapping[int, int],
        shipping_minor: int | None = None,
    ) -> None:
        super().__init__(message)
        self.prices = dict(prices)
        self.shipping_minor = shipping_minor


class SoldOut(CooperativesError):
    """Fewer items are left than ordered: nothing was stored. `item_id` names the
    item and `left` how many can still be ordered."""

    def __init__(self, message: StrOrPromise, *, item_id: int, left: int) -> None:
        super().__init__(message)
        self.item_id = item_id
        self.left = left


class OrderNotFound(CooperativesError):
    """No order for this link (forged, or its buyer's data was erased)."""


class OrderLocked(CooperativesError):
    """The order can no longer be changed or cancelled by its buyer: the round has
    closed, or the order was cancelled, paid or handed over."""


class CardPaymentUnavailable(CooperativesError, PaymentUnavailable):
    """Stripe did not answer, or card payments are not configured: nothing was
    charged, and the order waits as it was. core.payments raises it for the rounds
    (its `PaymentUnavailable`, as a refusal of the rounds' rules)."""

    unanswered = gettext_lazy(
        "The card payment service did not answer. Nothing was charged. "
        "Please try again in a moment from your order's page."
    )
