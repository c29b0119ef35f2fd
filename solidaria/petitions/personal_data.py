"""What petitions hold about a person: their signatures, and the open-letter
signatures they sent as an organisation's contact (`supporters.registry`)."""

from __future__ import annotations

from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from solidaria.supporters.exceptions import ActionNotFound
from solidaria.supporters.registry import Action, ExportSection, Person, PersonalData

from .models import OrganisationSignature, Signature
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
        Action(
            kind="signature",
            what=_("Signed “%(title)s”") % {"title": signature.petition},
            at=signature.created_at,
            status=signature.get_status_display(),
            organisation_id=signature.petition.campaign.owner_id,
            campaign_id=signature.petition.campaign_id,
            pk=signature.pk,
            end_label=_("Withdraw my signature") if signature.status in ENDABLE else "",
        )
        for signature in _signatures(person)
    ]
    found += [
        Action(
            kind="organisation_signature",
            what=_("Signed “%(title)s” for %(organisation)s")
            % {"title": letter.petition, "organisation": letter.name},
            at=letter.created_at,
            status=letter.get_status_display(),
            organisation_id=letter.petition.campaign.owner_id,
            campaign_id=letter.petition.campaign_id,
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


def erase(person: Person) -> int:
    """Every personal value goes; the rows stay, so counts and statistics by country
    and day do not move. The address index becomes unique per row, so the one
    signature per address rule still holds for everyone else."""
    erased_index = Concat(Value("erased:"), Cast("pk", output_field=CharField()))
    signatures = _signatures(person).update(
        name="",
        email="",
        city="",
        comment="",
        email_index=erased_index,
        email_domain_index="",
        ip_hash="",
        token_hash="",
    )
    letters = _letters(person).update(contact_name="", contact_email="", contact_email_index="")
    return signatures + letters


PETITIONS = PersonalData(
    app_label="petitions",
    models=[Signature, OrganisationSignature],
    actions=actions,
    export=export,
    erase=erase,
    end=end,
)
