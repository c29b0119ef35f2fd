"""Reads for the public directory of cooperatives and their pages, and where a cooperative
is on the map.

The directory page takes three queries whatever it shows: the buying rounds open
now, the totals (sums the database makes over the published directory) and the
published cooperatives that
match the sector and province asked for, with only the columns the list, the map and
the table beside it need. The free-text search runs over those rows here, not in
SQL, because it ignores accents as well as case ("neuquen" finds Neuquén), which
SQLite's LIKE cannot do; the directory is a few hundred rows (the recovered
workplaces of one country), and the page is served from the page cache.

A cooperative's page takes four: the cooperative, its photos, its available products
and their available variants.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone, translation

from solidaria.core.rendering.gazetteer import city_coordinates, key
from solidaria.core.rendering.gazetteer import index_path as gazetteer_index_path
from solidaria.core.rendering.i18n import Localized, localize
from solidaria.core.rendering.worldmap import MapPoint

from .models import (
    DIRECTORY_LANGUAGES,
    Cooperative,
    CooperativePhoto,
    Product,
    ProductVariant,
    Round,
)

# What the directory's list, map and table read of a cooperative.
LISTED_FIELDS = (
    "slug",
    "name",
    "sector",
    "city",
    "province",
    "country",
    "latitude",
    "longitude",
    "year_recovered",
    "workers",
    "status",
    "capacity_percent",
    "is_example",
)
# Names in a dot's title on the map, at most (the table lists them all).
NAMES_PER_DOT = 6


@dataclass(frozen=True)
class DirectoryTotals:
    """Sums over the published directory.

    Closed cooperatives are counted apart: `cooperatives` and `workers` are those
    still working (active or at reduced activity), the people who make their living
    there now; `closed` says how many have closed, and their workers are in no total.
    Invented examples (demo content) count as any other entry: they are in the
    directory and marked as examples wherever they are shown."""

    cooperatives: int
    workers: int
    reduced: int
    closed: int


@dataclass(frozen=True)
class ProvinceRow:
    code: str
    name: str  # "" for cooperatives whose province is not given
    cooperatives: list[Cooperative]

    @property
    def count(self) -> int:
        return len(self.cooperatives)


@dataclass(frozen=True)
class DirectoryListing:
    cooperatives: list[Cooperative]  # those that match, by name
    provinces: list[ProvinceRow]  # the same, by province (the table beside the map)
    points: list[MapPoint]  # a dot per place

    @property
    def count(self) -> int:
        return len(self.cooperatives)


def directory_totals() -> DirectoryTotals:
    """One aggregate query over the published cooperatives (see DirectoryTotals)."""
    closed = Q(status=Cooperative.Status.CLOSED)
    totals = Cooperative.objects.filter(published=True).aggregate(
        cooperatives=Count("pk", filter=~closed),
        workers=Coalesce(Sum("workers", filter=~closed), 0),
        reduced=Count("pk", filter=Q(status=Cooperative.Status.REDUCED)),
        closed=Count("pk", filter=closed),
    )
    return DirectoryTotals(**totals)


@dataclass(frozen=True)
class OpenRound:
    """A buying round taking orders now, as the directory names it."""

    title: Localized
    url: str
    organisation: str
    closes_at: datetime


# Rounds named on the directory at most; the soonest to close first.
OPEN_ROUNDS_SHOWN = 5


def open_rounds(*, now: datetime | None = None) -> list[OpenRound]:
    """The published rounds open now, where the directory's readers can buy what the
    cooperatives make (one query)."""
    now = now or timezone.now()
    rounds = (
        Round.objects.filter(
            published=True, closed_at__isnull=True, opens_at__lte=now, closes_at__gt=now
        )
        .select_related("organisation")
        .order_by("closes_at", "pk")[:OPEN_ROUNDS_SHOWN]
    )
    language = translation.get_language()
    return [
        OpenRound(
            title=localize(round.title, languages=round.organisation.languages, requested=language),
            url=round.get_absolute_url(),
            organisation=round.organisation.name,
            closes_at=round.closes_at,
        )
        for round in rounds
    ]


def _published() -> QuerySet[Cooperative]:
    return Cooperative.objects.filter(published=True)


def _matches(cooperative: Cooperative, words: list[str]) -> bool:
    """Every word of the search is in the cooperative's name or city, accents and case aside."""
    text = key(f"{cooperative.name} {cooperative.city}")
    return all(word in text for word in words)


def directory_listing(*, sector: str = "", province: str = "", query: str = "") -> DirectoryListing:
    """The published cooperatives of this sector and province (either may be "" for all)
    whose name or city holds every word of `query`: one query."""
    rows = _published().only(*LISTED_FIELDS).order_by("name", "pk")
    if sector:
        rows = rows.filter(sector=sector)
    if province:
        rows = rows.filter(province=province)
    cooperatives = list(rows)
    words = key(query).split()
    if words:
        cooperatives = [cooperative for cooperative in cooperatives if _matches(cooperative, words)]
    return DirectoryListing(
        cooperatives=cooperatives,
        provinces=_by_province(cooperatives),
        points=directory_points(cooperatives),
    )


def _by_province(cooperatives: list[Cooperative]) -> list[ProvinceRow]:
    grouped: dict[str, list[Cooperative]] = defaultdict(list)
    for cooperative in cooperatives:
        grouped[cooperative.province].append(cooperative)
    rows = [
        ProvinceRow(code=code, name=members[0].province_name, cooperatives=members)
        for code, members in grouped.items()
    ]
    # By name, those without a province last.
    return sorted(rows, key=lambda row: (not row.name, key(row.name)))


def _coordinates(
    cooperative: Cooperative,
    looked_up: dict[tuple[str, str], tuple[Decimal, Decimal] | None],
    *,
    gazetteer: bool,
) -> tuple[Decimal, Decimal] | None:
    if cooperative.latitude is not None and cooperative.longitude is not None:
        return cooperative.latitude, cooperative.longitude
    if not gazetteer or not cooperative.city:
        return None
    place = (key(cooperative.city), str(cooperative.country))
    if place not in looked_up:
        looked_up[place] = city_coordinates(cooperative.city, str(cooperative.country))
    return looked_up[place]


def directory_points(cooperatives: list[Cooperative]) -> list[MapPoint]:
    """A dot per place, sized by how many cooperatives are there. Cooperatives without
    coordinates are placed at their city by the gazetteer, if its index is written: a
    page never waits for it to be built. Those it does not know are in the table only."""
    gazetteer = gazetteer_index_path().exists()
    looked_up: dict[tuple[str, str], tuple[Decimal, Decimal] | None] = {}
    places: dict[tuple[Decimal, Decimal], list[Cooperative]] = defaultdict(list)
    for cooperative in cooperatives:
        found = _coordinates(cooperative, looked_up, gazetteer=gazetteer)
        if found is not None:
            # Cooperatives of one town share a dot (to about a kilometre).
            places[(round(found[0], 2), round(found[1], 2))].append(cooperative)
    points = []
    for (latitude, longitude), here in places.items():
        city, count = here[0].city, len(here)
        names = ", ".join(cooperative.name for cooperative in here[:NAMES_PER_DOT])
        if count > NAMES_PER_DOT:
            names += ", …"
        points.append(
            MapPoint(
                longitude=float(longitude),
                latitude=float(latitude),
                label=city,
                title=f"{city}: {names}",
                count=count,
            )
        )
    return points


@dataclass(frozen=True)
class ShownPhoto:
    photo: CooperativePhoto
    caption: Localized


@dataclass(frozen=True)
class CooperativePage:
    cooperative: Cooperative
    photos: list[ShownPhoto]
    # Available products, each with its available variants as `shown_variants`.
    products: list[Product]

    @property
    def languages(self) -> list[str]:
        """The languages it answers in, named in the reader's language."""
        names = []
        for code in self.cooperative.languages or []:
            try:
                names.append(str(translation.get_language_info(code)["name_translated"]))
            except KeyError:  # a code Django does not know: shown as it is
                names.append(str(code))
        return names


def cooperative_page(*, slug: str) -> CooperativePage:
    """A published cooperative with its photos and its available products and their
    variants, in four queries; 404 for one that is not published."""
    cooperative = (
        _published()
        .filter(slug=slug)
        .prefetch_related(
            "photos",
            Prefetch(
                "products",
                queryset=Product.objects.filter(available=True)
                .order_by("position", "pk")
                .prefetch_related(
                    Prefetch(
                        "variants",
                        queryset=ProductVariant.objects.filter(available=True),
                        to_attr="shown_variants",
                    )
                ),
                to_attr="shown_products",
            ),
        )
        .first()
    )
    if cooperative is None:
        raise Http404("no such cooperative")
    return CooperativePage(
        cooperative=cooperative,
        photos=[
            ShownPhoto(photo=photo, caption=localize(photo.caption, languages=DIRECTORY_LANGUAGES))
            for photo in cooperative.photos.all()
        ],
        products=list(getattr(cooperative, "shown_products", [])),
    )


def cooperative_place(cooperative: Cooperative) -> tuple[Decimal, Decimal] | None:
    """The cooperative's latitude and longitude: its own if both are set, else its city's
    from the gazetteer (writing the index first if it is missing, which takes seconds
    once: for the console and the demo, never for a page), else None."""
    if cooperative.latitude is not None and cooperative.longitude is not None:
        return cooperative.latitude, cooperative.longitude
    if not cooperative.city:
        return None
    return city_coordinates(cooperative.city, str(cooperative.country))


def cooperative_fill_place(*, cooperative: Cooperative) -> bool:
    """Sets an unsaved or edited cooperative's coordinates from its city when they are
    empty, before the caller saves it (the console's form, the demo); True if it did."""
    if cooperative.latitude is not None and cooperative.longitude is not None:
        return False
    place = cooperative_place(cooperative)
    if place is None:
        return False
    cooperative.latitude, cooperative.longitude = place
    return True
