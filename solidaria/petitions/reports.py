"""Organisers' views of a petition's signatures: over time, by country, exports, bursts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import QueryDict
from django.utils import timezone

from solidaria.core.rendering.csvstream import csv_lines

from .models import Petition, Signature


@dataclass(frozen=True)
class SignatureFilters:
    source: str = ""
    partner_id: int | None = None
    referred: bool | None = None

    @classmethod
    def from_query(cls, query: QueryDict) -> SignatureFilters:
        partner = query.get("partner", "")
        referred = query.get("referred", "")
        return cls(
            source=query.get("source", "")[:64],
            partner_id=int(partner) if partner.isdigit() else None,
            referred={"yes": True, "no": False}.get(referred),
        )

    def apply(self, queryset: QuerySet[Signature]) -> QuerySet[Signature]:
        if self.source:
            queryset = queryset.filter(source=self.source)
        if self.partner_id is not None:
            queryset = queryset.filter(partner_id=self.partner_id)
        if self.referred is not None:
            queryset = queryset.filter(referrer__isnull=not self.referred)
        return queryset


def confirmed(petition: Petition, filters: SignatureFilters) -> QuerySet[Signature]:
    return filters.apply(
        Signature.objects.filter(petition=petition, status=Signature.Status.CONFIRMED)
    )


def signatures_per_day(
    petition: Petition, filters: SignatureFilters, days: int = 60
) -> list[tuple[date, int]]:
    since = timezone.now() - timedelta(days=days - 1)
    rows = (
        confirmed(petition, filters)
        .filter(confirmed_at__gte=since)
        .annotate(day=TruncDate("confirmed_at"))
        .values("day")
        .annotate(n=Count("pk"))
    )
    by_day = {row["day"]: row["n"] for row in rows}
    start = since.date()
    return [
        (start + timedelta(days=i), by_day.get(start + timedelta(days=i), 0)) for i in range(days)
    ]


def signatures_by_country(petition: Petition, filters: SignatureFilters) -> list[tuple[str, int]]:
    rows = (
        confirmed(petition, filters)
        .values("country")
        .annotate(n=Count("pk"))
        .order_by("-n", "country")
    )
    return [(row["country"], row["n"]) for row in rows]


CSV_HEADER = [
    "name",
    "email",
    "city",
    "country",
    "comment",
    "confirmed_at",
    "source",
    "agreed_to_hear_from_us",
]


def csv_rows(queryset: QuerySet[Signature]) -> Iterator[str]:
    """One CSV line at a time, from a server-side cursor: memory stays flat at any size."""
    return csv_lines(
        CSV_HEADER,
        (
            [
                signature.name,
                signature.email,
                signature.city,
                str(signature.country),
                signature.comment,
                signature.confirmed_at.isoformat() if signature.confirmed_at else "",
                signature.source,
                "yes" if getattr(signature, "agreed", False) else "no",
            ]
            for signature in queryset.iterator(chunk_size=2000)
        ),
    )


@dataclass(frozen=True)
class Burst:
    key: str
    total: int
    suspect: int
    pending: int
    confirmed: int
    # Without a solved proof of work: a browser without JavaScript, or a bot.
    without_proof: int = 0


def bursts(
    petition: Petition, *, by: str, since_minutes: int = 24 * 60, minimum: int = 3
) -> list[Burst]:
    """Groups of recent signatures sharing an address hash or an email domain."""
    field = {"ip": "ip_hash", "domain": "email_domain_index"}[by]
    since = timezone.now() - timedelta(minutes=since_minutes)
    rows = (
        Signature.objects.filter(petition=petition, created_at__gte=since)
        .exclude(**{field: ""})
        .values(field)
        .annotate(
            total=Count("pk"),
            suspect=Count("pk", filter=Q(status=Signature.Status.SUSPECT)),
            pending=Count("pk", filter=Q(status=Signature.Status.PENDING)),
            confirmed_n=Count("pk", filter=Q(status=Signature.Status.CONFIRMED)),
            without_proof=Count("pk", filter=Q(proof_solved=False)),
        )
        .filter(total__gte=minimum)
        .order_by("-total")[:50]
    )
    return [
        Burst(
            key=row[field],
            total=row["total"],
            suspect=row["suspect"],
            pending=row["pending"],
            confirmed=row["confirmed_n"],
            without_proof=row["without_proof"],
        )
        for row in rows
    ]


def domain_of(petition: Petition, domain_index: str) -> str:
    """The domain behind a domain hash, read from one signature (decrypted)."""
    sample = (
        Signature.objects.filter(petition=petition, email_domain_index=domain_index)
        .only("email")
        .first()
    )
    return sample.email.rpartition("@")[2] if sample else "?"
