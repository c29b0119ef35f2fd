"""The map of one country: Natural Earth's outline in a frame fitted to it, dots where their
coordinates say, and nothing else (no tiles, no script, no Antarctic claim)."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from solidaria.core.rendering.countrymap import country_map_svg, country_outline
from solidaria.core.rendering.worldmap import MapPoint

# Places, as (longitude, latitude).
BUENOS_AIRES = (-58.38, -34.60)
CORDOBA = (-64.18, -31.42)
TOLHUIN = (-67.22, -54.51)  # Tierra del Fuego, inland (Ushuaia is on the very shore)
SALTA = (-65.41, -24.79)
SANTIAGO_DE_CHILE = (-70.67, -33.45)
MONTEVIDEO = (-56.16, -34.88)
EAST_FALKLAND = (-58.9, -51.55)  # the Falkland Islands/Malvinas, inland
ANTARCTIC_PENINSULA = (-60.0, -64.0)


def rings(path: str) -> list[list[tuple[float, float]]]:
    assert re.fullmatch(r"(M[-\d. ]+L[-\d. ]+Z)+", path), "only absolute M, L and Z"
    found = []
    for ring in path.split("Z")[:-1]:
        numbers = [float(n) for n in re.findall(r"-?[\d.]+", ring)]
        found.append(list(zip(numbers[::2], numbers[1::2], strict=True)))
    return found


def path_of(svg: str, name: str) -> str:
    return re.search(rf'<path class="{name}" d="([^"]*)"/>', svg).group(1)


def inside(point: tuple[float, float], polygons: list[list[tuple[float, float]]]) -> bool:
    """Even-odd rule over every ring, as SVG fills them (no ring here holds a hole)."""
    x, y = point
    crossings = 0
    for ring in polygons:
        for (ax, ay), (bx, by) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (ay > y) != (by > y) and x < ax + (y - ay) * (bx - ax) / (by - ay):
                crossings += 1
    return crossings % 2 == 1


def frame(svg: str) -> tuple[int, int]:
    width, height = re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).groups()
    return int(width), int(height)


def dot(svg: str, title: str) -> tuple[float, float]:
    x, y = re.search(
        rf'<circle cx="([\d.]+)" cy="([\d.]+)" r="[\d.]+"><title>{title}<', svg
    ).groups()
    return float(x), float(y)


@pytest.fixture(scope="module")
def argentina() -> str:
    places = {
        "Buenos Aires": BUENOS_AIRES,
        "Córdoba": CORDOBA,
        "Tolhuin": TOLHUIN,
        "Salta": SALTA,
        "Santiago": SANTIAGO_DE_CHILE,
        "Montevideo": MONTEVIDEO,
        "East Falkland": EAST_FALKLAND,
        "Antarctica": ANTARCTIC_PENINSULA,
    }
    return str(
        country_map_svg(
            "AR",
            label="Cooperatives",
            points=[MapPoint(lon, lat, name) for name, (lon, lat) in places.items()],
        )
    )


def test_the_frame_is_fitted_to_argentina_with_longitudes_scaled_by_the_cosine(
    argentina: str,
) -> None:
    width, height = frame(argentina)
    assert max(width, height) == 600
    # Argentina spans about 33.3° of latitude and 19.9° of longitude, around 38.5°S.
    # Equirectangular with cos(38.5°) makes it about 2.1 times as tall as it is wide
    # (1.7 without the cosine), with the same margin on every side.
    expected = (33.3 * 1.08) / (19.9 * math.cos(math.radians(38.5)) + 33.3 * 0.08)
    assert height / width == pytest.approx(expected, rel=0.03)


def test_dots_land_inside_the_country_where_their_coordinates_say(argentina: str) -> None:
    country = rings(path_of(argentina, "map-country"))
    neighbours = rings(path_of(argentina, "map-neighbours"))
    for name in ("Buenos Aires", "Córdoba", "Tolhuin", "Salta"):
        assert inside(dot(argentina, name), country), name
    for name in ("Santiago", "Montevideo"):
        assert not inside(dot(argentina, name), country), name
        assert inside(dot(argentina, name), neighbours), name
    # Buenos Aires is east of Córdoba and south of it; Tolhuin the southernmost.
    (bx, by), (cx, cy), (_ux, uy) = (
        dot(argentina, n) for n in ("Buenos Aires", "Córdoba", "Tolhuin")
    )
    assert bx > cx and by > cy
    assert uy == max(
        y for _x, y in (dot(argentina, n) for n in ("Buenos Aires", "Salta", "Tolhuin"))
    )


def test_the_falklands_are_drawn_as_natural_earth_draws_them_and_antarctica_not_at_all(
    argentina: str,
) -> None:
    country = rings(path_of(argentina, "map-country"))
    neighbours = rings(path_of(argentina, "map-neighbours"))
    falklands = dot(argentina, "East Falkland")
    assert inside(falklands, neighbours) and not inside(falklands, country)
    # Nothing is drawn beyond the frame, and Antarctica is outside it: its dot is left off.
    width, height = frame(argentina)
    for ring in country + neighbours:
        assert all(-2 <= x <= width + 2 and -2 <= y <= height + 2 for x, y in ring)
    assert "Antarctica" not in argentina


def test_the_map_is_small_accessible_and_self_contained(argentina: str) -> None:
    assert len(argentina) < 12_000
    root = ET.fromstring(argentina)
    assert root.get("role") == "img" and root.get("aria-label") == "Cooperatives"
    assert "<script" not in argentina and "<image" not in argentina and "href" not in argentina
    assert re.findall(r"https?://[^\"]+", argentina) == ["http://www.w3.org/2000/svg"]
    assert re.findall(r"<text [^>]*>Buenos Aires</text>", argentina)


def test_labels_titles_and_the_aria_label_are_escaped() -> None:
    svg = str(
        country_map_svg(
            "AR",
            label='Map "of" <Argentina>',
            points=[MapPoint(*CORDOBA, label="<script>x</script>", title="<b>Córdoba</b> & co")],
        )
    )
    ET.fromstring(svg)  # still well-formed XML
    assert "<script>" not in svg and "<b>" not in svg
    assert 'aria-label="Map &quot;of&quot; &lt;Argentina&gt;"' in svg
    assert "<title>&lt;b&gt;Córdoba&lt;/b&gt; &amp; co</title>" in svg
    assert "&lt;script&gt;x&lt;/script&gt;</text>" in svg


def test_the_outline_is_read_once_per_process_and_country() -> None:
    assert country_outline("AR") is country_outline("ar")
    with pytest.raises(LookupError):
        country_outline("XX")


def test_another_country_is_framed_without_its_far_territories() -> None:
    france = country_outline("FR")
    width, height = france.frame.width, france.frame.height
    assert max(width, height) == 600 and 0.8 < width / height < 1.2  # not French Guiana
    # Paris lands inside, Cayenne outside the frame.
    assert france.frame.holds(*france.frame.project(2.35, 48.86))
    assert not france.frame.holds(*france.frame.project(-52.33, 4.92))
