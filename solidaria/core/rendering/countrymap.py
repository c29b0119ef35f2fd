"""A map of one country drawn on the server as SVG: its outline, the land around it, and dots.

Outlines: the same Natural Earth countries as the world map (`worldmap.natural_earth_shapes`),
read once per process and country; nothing is fetched and no tile server is involved.
Neighbouring land is drawn as Natural Earth draws it, in a paler shade, so that a
coast reads as a coast: for Argentina that is Chile, Uruguay and the others, and the
Falkland Islands/Malvinas as the record Natural Earth gives them. Antarctica is never
drawn (`natural_earth_shapes` leaves it out), so no claim on it is either.

Projection: equirectangular, with longitudes scaled by the cosine of the frame's mean
latitude: x = (longitude - west) · cos(mean latitude), y = north - latitude, both
times one scale. Over one country that keeps shapes close to true (Argentina spans
33° of latitude: its north is a little narrow and its south a little wide, not
enough to matter on a directory page), and a dot lands where its coordinates say.

The frame is fitted to the country's largest ring and the rings near it (within half
its size again), so France is drawn without French Guiana and Argentina with Tierra
del Fuego. Its longer side is `SIDE` units. Rings are thinned (points closer than a
third of a unit skipped), simplified with Douglas-Peucker (`TOLERANCE` units) and
snapped to whole units, as the world map does; neighbours are clipped to the frame.
Argentina with the land around it comes to some 8 KB of SVG; the land around is
drawn coarser (`NEIGHBOURS_TOLERANCE`), its islets left out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .worldmap import (
    LABEL_SIZE,
    XY,
    Dot,
    MapPoint,
    Shape,
    dot_radius,
    natural_earth_shapes,
    path_data,
    place_labels,
    simplify_ring,
)

SIDE = 600  # units along the frame's longer side
# Douglas-Peucker, in units, and the smallest ring kept (in both directions): the land
# around is only there to be recognised, so it is drawn coarser.
TOLERANCE = 0.9
NEIGHBOURS_TOLERANCE = 1.6
_SMALLEST_RING = 2.0
_SMALLEST_NEIGHBOUR_RING = 6.0
_MARGIN = 0.04  # of each side, around the country
_NEAR = 0.5  # rings within this share of the largest ring's size around it are in the frame

Box = tuple[float, float, float, float]  # west, south, east, north (degrees)


@dataclass(frozen=True)
class Frame:
    """Where a country's map puts a longitude/latitude (see the module's docstring)."""

    west: float
    north: float
    scale: float  # units per degree of latitude
    cos_latitude: float
    width: int
    height: int

    @property
    def viewbox(self) -> str:
        return f"0 0 {self.width} {self.height}"

    def project(self, longitude: float, latitude: float) -> XY:
        return (
            (longitude - self.west) * self.cos_latitude * self.scale,
            (self.north - latitude) * self.scale,
        )

    def holds(self, x: float, y: float) -> bool:
        return 0 <= x <= self.width and 0 <= y <= self.height


@dataclass(frozen=True)
class CountryOutline:
    frame: Frame
    country: str  # path data of the country
    neighbours: str  # path data of the land around it, clipped to the frame


def _ring_box(ring: Sequence[XY]) -> Box:
    longitudes = [point[0] for point in ring]
    latitudes = [point[1] for point in ring]
    return min(longitudes), min(latitudes), max(longitudes), max(latitudes)


def _union(boxes: Iterable[Box]) -> Box:
    boxes = list(boxes)
    return (
        min(box[0] for box in boxes),
        min(box[1] for box in boxes),
        max(box[2] for box in boxes),
        max(box[3] for box in boxes),
    )


def _meets(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _frame_for(rings: list[Sequence[XY]]) -> tuple[Frame, Box]:
    """The frame around the largest ring and the rings near it; and that region in degrees,
    with its margin (what else is drawn must meet it)."""
    boxes = [_ring_box(ring) for ring in rings]
    largest = max(boxes, key=lambda box: (box[2] - box[0]) * (box[3] - box[1]))
    grow_x, grow_y = (largest[2] - largest[0]) * _NEAR, (largest[3] - largest[1]) * _NEAR
    near = (largest[0] - grow_x, largest[1] - grow_y, largest[2] + grow_x, largest[3] + grow_y)
    west, south, east, north = _union(box for box in boxes if _meets(box, near))
    cos_latitude = math.cos(math.radians((north + south) / 2))
    span_x, span_y = (east - west) * cos_latitude, north - south
    pad_x = pad_y = max(span_x, span_y) * _MARGIN
    west, east = west - pad_x / cos_latitude, east + pad_x / cos_latitude
    south, north = south - pad_y, north + pad_y
    scale = SIDE / max((east - west) * cos_latitude, north - south)
    frame = Frame(
        west=west,
        north=north,
        scale=scale,
        cos_latitude=cos_latitude,
        width=round((east - west) * cos_latitude * scale),
        height=round((north - south) * scale),
    )
    return frame, (west, south, east, north)


def _projected(frame: Frame, ring: Sequence[XY]) -> list[XY]:
    """The ring in the frame, skipping points too close to the last one kept to matter."""
    skip = 0.3 / frame.scale  # a third of a unit, in degrees of latitude
    projected: list[XY] = []
    last_lon = last_lat = math.inf
    for longitude, latitude in ring:
        if abs(longitude - last_lon) < skip and abs(latitude - last_lat) < skip:
            continue
        last_lon, last_lat = longitude, latitude
        projected.append(frame.project(longitude, latitude))
    if len(projected) > 1 and projected[0] == projected[-1]:
        projected.pop()
    return projected


def _inside(point: XY, axis: int, limit: float, below: bool) -> bool:
    return point[axis] <= limit if below else point[axis] >= limit


def _crossing(a: XY, b: XY, axis: int, limit: float) -> XY:
    share = (limit - a[axis]) / (b[axis] - a[axis])
    return a[0] + (b[0] - a[0]) * share, a[1] + (b[1] - a[1]) * share


def _clip(ring: list[XY], left: float, top: float, right: float, bottom: float) -> list[XY]:
    """Sutherland-Hodgman: the part of a ring inside a rectangle (a polygon still)."""
    edges = ((0, left, False), (0, right, True), (1, top, False), (1, bottom, True))
    for axis, limit, below in edges:
        if not ring:
            break
        clipped: list[XY] = []
        previous = ring[-1]
        for point in ring:
            if _inside(point, axis, limit, below):
                if not _inside(previous, axis, limit, below):
                    clipped.append(_crossing(previous, point, axis, limit))
                clipped.append(point)
            elif _inside(previous, axis, limit, below):
                clipped.append(_crossing(previous, point, axis, limit))
            previous = point
        ring = clipped
    return ring


def _simple_rings(
    frame: Frame, rings: Iterable[Sequence[XY]], *, tolerance: float, smallest: float
) -> str:
    kept: list[list[XY]] = []
    # Clipped a little outside the frame, so that the cut edges' strokes are not seen.
    left, top, right, bottom = -2.0, -2.0, frame.width + 2.0, frame.height + 2.0
    for ring in rings:
        projected = _projected(frame, ring)
        if len(projected) < 3:
            continue
        projected = _clip(projected, left, top, right, bottom)
        if len(projected) < 3:
            continue
        xs, ys = [x for x, _y in projected], [y for _x, y in projected]
        if max(xs) - min(xs) < smallest and max(ys) - min(ys) < smallest:
            continue
        simple = simplify_ring(projected, tolerance)
        if len(simple) >= 3:
            kept.append(simple)
    return path_data(kept)


def country_outline(code: str) -> CountryOutline:
    """The country's outline and the land around it, in a frame fitted to it. Reads Natural
    Earth once per process and country (a sixth of a second); LookupError for a code it
    does not have."""
    return _country_outline(code.upper())


@lru_cache(maxsize=8)
def _country_outline(code: str) -> CountryOutline:
    shapes: list[Shape] = list(natural_earth_shapes())
    own = [ring for shape in shapes if shape.code == code for ring in shape.rings]
    if not own:
        raise LookupError(f"no outline for {code!r}")
    frame, region = _frame_for(own)
    inside = [ring for ring in own if _meets(_ring_box(ring), region)]
    around = [
        ring
        for shape in shapes
        if shape.code != code and _meets(shape.box, region)
        for ring in shape.rings
        if _meets(_ring_box(ring), region)
    ]
    return CountryOutline(
        frame=frame,
        country=_simple_rings(frame, inside, tolerance=TOLERANCE, smallest=_SMALLEST_RING),
        neighbours=_simple_rings(
            frame, around, tolerance=NEIGHBOURS_TOLERANCE, smallest=_SMALLEST_NEIGHBOUR_RING
        ),
    )


def country_map_svg(code: str, *, label: str, points: Iterable[MapPoint] = ()) -> SafeString:
    """The map of one country (ISO alpha-2 `code`) with a dot for each point, labelled
    where there is room; points outside the frame are left off (the table beside every
    map lists them all). `label` is what a screen reader says for the whole map."""
    outline = country_outline(code)
    frame = outline.frame
    dots = []
    for point in points:
        x, y = frame.project(point.longitude, point.latitude)
        if frame.holds(x, y):
            dots.append(Dot(round(x, 1), round(y, 1), dot_radius(point.count), point))
    circles = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="{}"><title>{}</title></circle>',
        ((dot.x, dot.y, dot.radius, dot.point.title or dot.point.label) for dot in dots),
    )
    texts = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="{}">{}</text>',
        place_labels(dots, width=frame.width, height=frame.height),
    )
    return format_html(
        '<svg class="country-map" viewBox="{}" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<path class="map-neighbours" d="{}"/><path class="map-country" d="{}"/>'
        '<g class="map-dots">{}</g><g class="map-labels" font-size="{}">{}</g></svg>',
        frame.viewbox,
        label,
        # Path data made here from numbers: nothing in it to escape.
        mark_safe(outline.neighbours),
        mark_safe(outline.country),
        circles,
        LABEL_SIZE,
        texts,
    )
