"""What petitions hold about a person: their signatures, and the open-letter
signatures they sent as an organisation's contact (`supporters.registry`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from solidaria.campaigns.models import Campaign
from solidaria.core.db.batches import update_in_batches
from solidaria.supporters.exceptions import ActionNotFound
from solidaria.supporters.registry import Action, ExportSection, Person, PersonalData

from .models import OrganisationSignature, Petition, Signature
from .services import signature_withdraw_by_signer


def _signatures(person: Person) -> QuerySet[Signature]:
    return Signature.objects.filter(
        Q(supporter=person.supporter) | Q(email_index__in=person.email_indexes)
    ).select_related("petition__campaign")


def _letters(person: Person) -> QuerySet[OrganisationSignature]:
    return OrganisationSignature.objects.filter(
        Q(contact_supporter=person.supporter) | Q(contact_email_index__in=person.email_indexes)
    ).select_related("petition__campaign")


ENDABLE = {Signature.Status.PENDING, Signature.Status.CONFIRMED, Signature.Status.SUSPECT}


def end(person: Person, kind: str, pk: int) -> str:
    signature = _signatures(person).filter(pk=pk, status__in=ENDABLE).first()
    if kind != "signature" or signature is None:
        raise ActionNotFound(_("This signature is not yours to withdraw, or it is withdrawn."))
    signature_withdraw_by_signer(signature=signature)
    return _("Your signature on “%(title)s” is withdrawn.") % {"title": signature.petition}


def actions(person: Person) -> list[Action]:
    found = [
        Action.on(
            signature.petition.campaign,
            kind="signature",
            what=_("Signed “%(title)s”") % {"title": signature.petition},
            at=signature.created_at,
            status=signature.get_status_display(),
            pk=signature.pk,
            end_label=_("Withdraw my signature") if signature.status in ENDABLE else "",
        )
        for signature in _signatures(person)
    ]
    found += [
        Action.on(
            letter.petition.campaign,
            kind="organisation_signature",
            what=_("Signed “%(title)s” for %(organisation)s")
            % {"title": letter.petition, "organisation": letter.name},
            at=letter.created_at,
            status=letter.get_status_display(),
        )
        for letter in _letters(person)
    ]
    return found


def export(person: Person) -> ExportSection:
    return {
        "signatures": [
            {
                "petition": str(signature.petition),
                "address": signature.petition.get_absolute_url(),
                "signed": signature.created_at.isoformat(),
                "status": signature.status,
                "confirmed": signature.confirmed_at.isoformat() if signature.confirmed_at else None,
                "withdrawn": signature.withdrawn_at.isoformat() if signature.withdrawn_at else None,
                "name": signature.name,
                "email": signature.email,
                "city": signature.city,
                "country": str(signature.country),
                "comment": signature.comment,
                "name_shown_publicly": signature.show_publicly,
                "may_hear_from_the_organisation": signature.consent_owner,
                "may_hear_from_the_partner": signature.consent_partner,
                "language": signature.language,
            }
            for signature in _signatures(person)
        ],
        "organisation_signatures": [
            {
                "letter": str(letter.petition),
                "organisation": letter.name,
                "sent": letter.created_at.isoformat(),
                "status": letter.status,
                "contact_name": letter.contact_name,
                "contact_email": letter.contact_email,
            }
            for letter in _letters(person)
        ],
    }


# An emptied signature's address index: unique per row, so the one signature per
# address rule still holds for everyone else, and never the index of an address.
ERASED_INDEX_PREFIX = "erased:"


# Any: column values and expressions, as QuerySet.update takes them.
def _signature_emptied() -> dict[str, Any]:
    """Every personal value of a signature, emptied. Status, country, language,
    dates, source and partner stay: counts and statistics are made of them."""
    return {
        "name": "",
        "email": "",
        "city": "",
        "comment": "",
        "email_index": Concat(Value(ERASED_INDEX_PREFIX), Cast("pk", output_field=CharField())),
        "email_domain_index": "",
        "ip_hash": "",
        "token_hash": "",
        # Nobody left to show: the public list of signers skips the row.
        "show_publicly": False,
    }


LETTER_CONTACT_EMPTIED: dict[str, Any] = {
    "contact_name": "",
    "contact_email": "",
    "contact_email_index": "",
}


def erase(person: Person) -> int:
    """Every personal value goes; the rows stay, so counts and statistics by country
    and day do not move."""
    signatures = _signatures(person).update(**_signature_emptied())
    letters = _letters(person).update(**LETTER_CONTACT_EMPTIED)
    return signatures + letters


def _petitions_maybe_ended(now: datetime) -> QuerySet[Petition]:
    """Petitions that may have ended; the others surely take signatures still."""
    taking = Q(is_open=True, campaign__status=Campaign.Status.LIVE) & (
        Q(deadline__isnull=True) | Q(deadline__gt=now)
    )
    return Petition.objects.exclude(taking).select_related("campaign").order_by("pk")


def expire(now: datetime) -> int:
    """Retention: signers of petitions that ended longer ago than their campaign
    keeps personal data lose it, as in `erase`, and so does their signature's link
    to their supporter record (the record and its consents stay: the supporter
    agreed to those). Open-letter contacts likewise; the organisations' names stay.

    A batch of rows per transaction. A petition already done is skipped, unless
    it was reopened and has ended again since."""
    emptied = 0
    for petition in _petitions_maybe_ended(now):
        until = petition.personal_data_kept_until(now)
        if until is None or until > now or petition.personal_data_erased(now):
            continue
        emptied += update_in_batches(
            Signature.objects.filter(petition=petition).exclude(
                email_index__startswith=ERASED_INDEX_PREFIX
            ),
            supporter=None,
            **_signature_emptied(),
        )
        emptied += update_in_batches(
            OrganisationSignature.objects.filter(petition=petition).filter(
                ~Q(contact_email_index="") | Q(contact_supporter__isnull=False)
            ),
            contact_supporter=None,
            **LETTER_CONTACT_EMPTIED,
        )
        Petition.objects.filter(pk=petition.pk).update(personal_data_erased_at=now)
    return emptied


def took_part_choices(organisation_ids: Sequence[int]) -> list[tuple[str, str]]:
    petitions = (
        Petition.objects.filter(campaign__owner_id__in=organisation_ids)
        .select_related("campaign")
        .only("slug", "title", "campaign__languages")  # a filter's choices on every list
    )
    return [(str(p.pk), _("Signed: %(title)s") % {"title": p}) for p in petitions]


def took_part_in(key: str) -> QuerySet[Any]:
    return Signature.objects.filter(
        petition_id=int(key), status=Signature.Status.CONFIRMED, supporter__isnull=False
    ).values("supporter_id")


PETITIONS = PersonalData(
    app_label="petitions",
    models=[Signature, OrganisationSignature],
    actions=actions,
    export=export,
    erase=erase,
    end=end,
    expire=expire,
    took_part_choices=took_part_choices,
    took_part_in=took_part_in,
)
