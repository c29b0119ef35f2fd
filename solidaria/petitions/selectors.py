from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import translation

from solidaria.campaigns.models import public_campaign_q
from solidaria.core.rendering.i18n import site_url_in_language
from solidaria.supporters.models import OrganisationSupporter

from .models import OrganisationSignature, Petition, PetitionCount, Signature

RECENT_SIGNERS = 10


def petition_get_public(*, slug: str) -> Petition:
    queryset = Petition.objects.select_related("campaign__owner", "count").filter(
        public_campaign_q(via="campaign"), published=True
    )
    return get_object_or_404(queryset, slug=slug)


SIGNING_CACHE_SECONDS = 5
# slug -> (loaded at, petition). A plain dict in each process: a shared cache
# would pickle the petition on every signature, which costs more than the insert.
_signing_cache: dict[str, tuple[float, Petition]] = {}


def petition_for_signing(*, slug: str) -> Petition:
    """The petition a signature is for, from a per-process cache for a few seconds.

    Signing is the hot path: a petition closed or edited by an organiser takes
    effect here at most SIGNING_CACHE_SECONDS later. The petition is shared
    between threads and must only be read."""
    now = time.monotonic()
    cached = _signing_cache.get(slug)
    if cached is not None and now - cached[0] < SIGNING_CACHE_SECONDS:
        return cached[1]
    petition = petition_get_public(slug=slug)
    if len(_signing_cache) > 1000:  # slugs are looked up only once they exist, but still
        _signing_cache.clear()
    _signing_cache[slug] = (now, petition)
    return petition


def petition_signing_cache_clear() -> None:
    _signing_cache.clear()


def petition_public_count(petition: Petition) -> int:
    """The confirmed count as the worker last folded it; never counts rows."""
    try:
        return max(petition.count.confirmed, 0)
    except PetitionCount.DoesNotExist:
        return 0


@dataclass(frozen=True)
class PublicSigner:
    first_name: str
    country: str
    confirmed_at: object
    comment: str = ""


def petition_recent_signers(petition: Petition) -> list[PublicSigner]:
    rows = (
        Signature.objects.filter(
            # `__in` makes SQLite compare (show_publicly IN (1)) instead of testing the bare
            # column, so the planner can walk signature_shown_idx: 1 ms at a million rows.
            petition=petition,
            status=Signature.Status.CONFIRMED,
            show_publicly__in=[True],
        )
        .order_by("-confirmed_at")
        .only("name", "country", "confirmed_at", "comment", "comment_status")[:RECENT_SIGNERS]
    )
    return [
        PublicSigner(
            first_name=row.public_name,
            country=str(row.country.name),
            confirmed_at=row.confirmed_at,
            # A comment is public only once an organiser has approved it.
            comment=row.comment if row.comment_status == Signature.CommentStatus.APPROVED else "",
        )
        for row in rows
    ]


@dataclass(frozen=True)
class CountryGroup:
    place: str
    organisations: list[OrganisationSignature]

    @property
    def count(self) -> int:
        return len(self.organisations)


def letter_organisations_by_country(petition: Petition) -> list[CountryGroup]:
    approved = OrganisationSignature.objects.filter(
        petition=petition, status=OrganisationSignature.Status.APPROVED
    ).only(
        # What the public sees; the contact person stays encrypted, not even decrypted.
        "name",
        "country",
        "region",
        "website",
        "logo",
    )
    groups: dict[str, list[OrganisationSignature]] = defaultdict(list)
    for signature in approved:
        groups[signature.place].append(signature)
    return [
        CountryGroup(place=place, organisations=sorted(orgs, key=lambda o: o.name.casefold()))
        for place, orgs in sorted(groups.items(), key=lambda item: item[0].casefold())
    ]


def petition_next_action_url(petition: Petition, *, language: str) -> str:
    """Where the thank-you page sends a signer next, in the signer's language.

    The organiser's address when there is one (a page of this site in that
    language, any other address as it is), else the campaign page."""
    if not petition.next_action_url:
        with translation.override(language):
            return petition.campaign.get_absolute_url()
    return site_url_in_language(petition.next_action_url, language)


def signatures_for_export(petition: Petition, *, agreed_only: bool = False) -> QuerySet[Signature]:
    """Confirmed signatures, each with `agreed`: whether its signer agrees, today, to
    hear from the petition's organisation (a consent withdrawn since counts as no)."""
    agreed = OrganisationSupporter.objects.filter(
        organisation_id=petition.campaign.owner_id,
        supporter_id=OuterRef("supporter_id"),
        consent_since__isnull=False,
    )
    signatures = (
        Signature.objects.filter(petition=petition, status=Signature.Status.CONFIRMED)
        .annotate(agreed=Exists(agreed))
        .order_by("pk")
        .only("name", "email", "city", "country", "comment", "confirmed_at", "source")
    )
    return signatures.filter(agreed=True) if agreed_only else signatures
