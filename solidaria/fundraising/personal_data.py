"""What the defense fund holds about a person: their gifts (`supporters.registry`).

The ledger holds no supporter's data: a gift's entry names the fund and the
amount, never the donor, and its private details are about payees.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from solidaria.supporters.exceptions import ActionNotFound, ActionRefused
from solidaria.supporters.registry import Action, ExportSection, Person, PersonalData

from .exceptions import PaymentUnavailable
from .models import Donation, Fund
from .services import monthly_cancel


def _gifts(person: Person) -> QuerySet[Donation]:
    return Donation.objects.filter(
        Q(supporter=person.supporter) | Q(email_index__in=person.email_indexes)
    ).select_related("fund__campaign")


def _stop(monthly: Donation) -> None:
    try:
        monthly_cancel(donation=monthly)
    except PaymentUnavailable as exc:
        raise ActionRefused(
            _(
                "Your monthly gift could not be stopped just now, so nothing was changed. "
                "Please try again in a few minutes."
            )
        ) from exc


def _ongoing_monthly(gifts: QuerySet[Donation]) -> QuerySet[Donation]:
    """The monthly gifts still charging: the first record of each, not one month's payment."""
    return gifts.filter(
        frequency=Donation.Frequency.MONTHLY,
        stripe_invoice_id__isnull=True,
        cancelled_at__isnull=True,
    ).exclude(stripe_subscription_id="")


def end(person: Person, kind: str, pk: int) -> str:
    monthly = _ongoing_monthly(_gifts(person)).filter(pk=pk).first()
    if kind != "monthly_gift" or monthly is None:
        raise ActionNotFound(_("This monthly gift is not yours to stop, or it has ended."))
    _stop(monthly)
    return _("Your monthly gift to “%(fund)s” is stopped. Thank you.") % {"fund": monthly.fund}


def actions(person: Person) -> list[Action]:
    gifts = _gifts(person)
    ongoing = set(_ongoing_monthly(gifts).values_list("pk", flat=True))
    return [
        Action.on(
            gift.fund.campaign,
            kind="monthly_gift" if gift.frequency == Donation.Frequency.MONTHLY else "gift",
            what=_("Gave %(amount)s to “%(fund)s”") % {"amount": gift.amount, "fund": gift.fund},
            at=gift.created_at,
            status=gift.get_status_display(),
            pk=gift.pk,
            end_label=_("Stop my monthly gift") if gift.pk in ongoing else "",
        )
        for gift in gifts
    ]


def export(person: Person) -> ExportSection:
    return {
        "gifts": [
            {
                "fund": str(gift.fund),
                "address": gift.fund.get_absolute_url(),
                "created": gift.created_at.isoformat(),
                "received": gift.succeeded_at.isoformat() if gift.succeeded_at else None,
                "status": gift.status,
                "method": gift.method,
                "frequency": gift.frequency,
                "amount_minor": gift.amount_minor,
                "currency": gift.currency,
                "refunded_minor": gift.refunded_minor,
                "reference": gift.reference,
                "name": gift.name,
                "email": gift.email,
                "anonymous": gift.anonymous,
                "may_hear_from_the_organisation": gift.consent_owner,
                "language": gift.language,
                "monthly_gift_ended": gift.cancelled_at.isoformat() if gift.cancelled_at else None,
            }
            for gift in _gifts(person)
        ]
    }


def erase(person: Person) -> int:
    """A monthly gift still charging is stopped at Stripe first (if Stripe cannot be
    reached, ActionRefused undoes the whole erasure); then names and addresses
    go. Amounts, references and the ledger stay, so every total is unchanged."""
    gifts = _gifts(person)
    for monthly in _ongoing_monthly(gifts):
        _stop(monthly)
    return gifts.update(name="", email="", email_index="", manage_token_hash="")


def took_part_choices(organisation_ids: Sequence[int]) -> list[tuple[str, str]]:
    funds = (
        Fund.objects.filter(campaign__owner_id__in=organisation_ids)
        .select_related("campaign")
        .only("slug", "title", "campaign__languages")  # a filter's choices on every list
    )
    return [(str(f.pk), _("Gave to: %(fund)s") % {"fund": f}) for f in funds]


def took_part_in(key: str) -> QuerySet[Any]:
    return Donation.objects.filter(
        fund_id=int(key), succeeded_at__isnull=False, supporter__isnull=False
    ).values("supporter_id")


FUNDRAISING = PersonalData(
    app_label="fundraising",
    models=[Donation],
    actions=actions,
    export=export,
    erase=erase,
    end=end,
    took_part_choices=took_part_choices,
    took_part_in=took_part_in,
)
