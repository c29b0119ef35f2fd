"""The world map: real outlines, in Equal Earth, where the formula puts them."""

from __future__ import annotations

import gzip
import math
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from solidaria.core.rendering.worldmap import MapPoint, country_outlines, outline_svg, world_map_svg

# Equal Earth (Šavrič, Patterson & Jenny 2018), written out again from the paper, so that
# the module is checked against the formula and not against itself.
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2
NORTH = 85  # the frame's top edge, as the module documents it


def equal_earth(longitude: float, latitude: float) -> tuple[float, float]:
    lam, phi = math.radians(longitude), math.radians(latitude)
    theta = math.asin(M * math.sin(phi))
    x = (2 * math.sqrt(3) * lam * math.cos(theta)) / (
        3 * (9 * A4 * theta**8 + 7 * A3 * theta**6 + 3 * A2 * theta**2 + A1)
    )
    y = A4 * theta**9 + A3 * theta**7 + A2 * theta**3 + A1 * theta
    return x, y


def frame_box(svg: str) -> str:
    return re.search(r'<svg class="world-map" viewBox="([^"]+)"', svg).group(1)


def frame(svg: str) -> tuple[float, float]:
    width, height = map(float, re.fullmatch(r"0 0 (\d+) (\d+)", frame_box(svg)).groups())
    return width, height


def to_frame(svg: str, longitude: float, latitude: float) -> tuple[float, float]:
    """Where a longitude/latitude should land in this map: x east from the left edge (180°W
    at the equator), y down from the top edge (85°N)."""
    width, _height = frame(svg)
    scale = width / (2 * equal_earth(180, 0)[0])
    x, y = equal_earth(longitude, latitude)
    return width / 2 + x * scale, (equal_earth(0, NORTH)[1] - y) * scale


def subpaths(svg: str, name: str) -> list[list[tuple[float, float]]]:
    """The rings of the country the map shades and titles `name`, from the outline file the
    map draws it from: absolute M/L only, each ring closed with Z."""
    url, code = re.search(
        r'<use href="([^"#]+)#(\w\w)" class="map-\d"><title>' + name, svg
    ).groups()
    outline = Client().get(url).content.decode()
    assert re.search(r'<svg[^>]* viewBox="([^"]+)"', outline).group(1) == frame_box(svg)
    d = re.search(f'<path id="{code}" d="([^"]+)"', outline).group(1)
    assert re.fullmatch(r"(M[\d. ]+L[\d. ]+Z)+", d), "only absolute M, L and Z"
    rings = []
    for ring in d.split("Z")[:-1]:
        numbers = [float(n) for n in re.findall(r"[\d.]+", ring)]
        rings.append(list(zip(numbers[::2], numbers[1::2], strict=True)))
    return rings


def area(ring: list[tuple[float, float]]) -> float:
    pairs = zip(ring, ring[1:] + ring[:1], strict=True)
    return abs(sum(ax * by - bx * ay for (ax, ay), (bx, by) in pairs)) / 2


def box(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    xs, ys = [x for x, _y in points], [y for _x, y in points]
    return min(xs), min(ys), max(xs), max(ys)


# The outline's westernmost, easternmost, northernmost and southernmost points once
# projected (in Equal Earth, meridians bend: the westernmost longitude is not always the
# leftmost point). "main": the country's largest ring; "all": every ring.
EXTREMES = {
    "Argentina": (
        "main",
        [(-70.04, -29.30), (-53.71, -26.90), (-66.22, -21.79), (-68.43, -52.39)],
    ),  # the Andes at La Rioja; Misiones; the Bolivian border at La Quiaca; Cabo Vírgenes
    "Canada": (
        "all",
        [(-132.50, 53.04), (-61.09, 82.33), (-69.69, 83.12), (-82.67, 41.67)],
    ),  # Haida Gwaii; Ellesmere Island; Cape Columbia; the border in Lake Erie
    "France": (
        "main",
        [(-4.78, 48.38), (8.20, 48.96), (2.52, 51.09), (2.51, 42.33)],
    ),  # Pointe de Corsen; Lauterbourg; Bray-Dunes; Puig de Coma Negra
    "Japan": (
        "main",
        [(130.90, 34.36), (140.87, 35.70), (140.91, 41.55), (135.76, 33.43)],
    ),  # Honshu: Shimonoseki; Chōshi; Ōma; Shionomisaki
    "Australia": (
        "main",
        [(115.02, -34.26), (152.91, -25.29), (142.55, -10.69), (146.39, -39.14)],
    ),  # Cape Leeuwin; Fraser Island's coast; Cape York; Wilsons Promontory
}
CODES = {"Argentina": "AR", "Canada": "CA", "France": "FR", "Japan": "JP", "Australia": "AU"}


@pytest.mark.parametrize("name", EXTREMES)
def test_countries_land_where_equal_earth_puts_them(name: str) -> None:
    svg = world_map_svg({CODES[name]: 1}, label="Test")
    rings = subpaths(svg, name)
    which, extremes = EXTREMES[name]
    drawn = box(max(rings, key=area) if which == "main" else [p for r in rings for p in r])
    expected = box([to_frame(svg, lon, lat) for lon, lat in extremes])
    # Snapping to whole units and simplifying move an edge by a unit or so, not more.
    assert drawn == pytest.approx(expected, abs=1.6), (drawn, expected)


def test_canada_has_a_plausible_width() -> None:
    svg = world_map_svg({"CA": 3}, label="Test")
    width, height = frame(svg)
    left, top, right, bottom = box([p for ring in subpaths(svg, "Canada") for p in ring])
    # 80° of longitude of the frame's 360°, on parallels a half to three quarters as long
    # as the equator: a fifth of the width (the old map's Canada was 76 frames wide).
    assert 0.17 < (right - left) / width < 0.23
    assert 0 <= left < right <= width and 0 <= top < bottom <= height / 2


def test_a_dot_lands_on_its_point_inside_its_country() -> None:
    svg = world_map_svg(
        {"AR": 1},
        label="Test",
        points=[MapPoint(longitude=-58.38, latitude=-34.60, label="Buenos Aires")],
    )
    cx, cy = map(float, re.search(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg).groups())
    assert (cx, cy) == pytest.approx(to_frame(svg, -58.38, -34.60), abs=0.1)
    left, top, right, bottom = box(max(subpaths(svg, "Argentina"), key=area))
    assert left < cx < right and top < cy < bottom
    assert '<text x="' in svg and ">Buenos Aires</text>" in svg


def test_labels_that_would_collide_are_left_to_the_titles() -> None:
    names = ["Paris", "Saint-Denis", "Montreuil", "Vincennes", "Boulogne", "Nanterre"]
    points = [
        MapPoint(longitude=2.35 + i * 0.05, latitude=48.85, label=name)
        for i, name in enumerate(names)
    ]
    svg = world_map_svg({"FR": 6}, label="Test", points=points)
    assert svg.count("<circle") == 6 and all(f"<title>{n}</title>" in svg for n in names)
    assert 1 <= svg.count("<text") < 6


def test_small_countries_keep_an_outline_and_antarctica_is_left_out() -> None:
    outlines = country_outlines()
    assert "AQ" not in outlines  # Antarctica is left out of the frame
    for code in ("MC", "VA", "NR", "SG", "FR", "NO", "AR", "FK", "XK"):
        assert re.fullmatch(r"(M[\d. ]+L[\d. ]+Z)+", outlines[code].path), code
    assert len(outlines) > 230


def test_shades_follow_the_numbers_and_titles_say_them() -> None:
    svg = world_map_svg({"AR": 10, "DE": 1, "FR": 0, "ZZ": 4}, label="Signatures")
    assert re.search(r'<use href="/map/world-\w+\.svg#AR" class="map-5"><title>Argentina: 10<', svg)
    assert re.search(r'#DE" class="map-1"><title>Germany: 1</title></use>', svg)
    assert "#FR" not in svg and "ZZ" not in svg  # nothing to shade; no outline
    assert 'role="img" aria-label="Signatures"' in svg


def test_the_outline_is_one_cached_file(client: Client) -> None:
    page = str(world_map_svg({}, label="Test"))
    url = re.search(r'<use href="(/map/world-\w+\.svg)#world"/>', page).group(1)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert "max-age=31536000" in response["Cache-Control"]
    tree = ET.fromstring(response.content)  # well-formed, one path per country
    assert len(tree.findall(".//{http://www.w3.org/2000/svg}path")) == len(country_outlines())
    assert response.content == outline_svg() and len(response.content) < 80_000
    packed = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert packed["Content-Encoding"] == "gzip" and gzip.decompress(packed.content) == outline_svg()
    assert len(packed.content) < 30_000
    stale = client.get("/map/world-0123456789ab.svg")
    assert stale.status_code == 302 and stale["Location"] == url
