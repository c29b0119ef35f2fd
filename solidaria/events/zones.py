"""Time zones: IANA names, local times that exist, and how to show a moment.

Local times are what people type ("18:00 in Buenos Aires"). Around a change of
the clocks some do not exist (02:30 when clocks jump from 02:00 to 03:00) and
some happen twice (02:30 when they fall back): the first are refused with a
clear message, the second mean the first occurrence.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Dates outside these years are typing mistakes, and calendar files describe the
# zones' rules only for a bounded span.
MIN_YEAR = 2000
MAX_YEAR = 2099


@lru_cache(maxsize=1)
def zone_names() -> list[str]:
    return sorted(
        name
        for name in available_timezones()
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "posix/", "right/"))
    )


def validate_zone(name: str) -> None:
    if name not in set(zone_names()) and name != "UTC":
        raise ValidationError(
            _("Unknown time zone: %(zone)s. Use a name like Europe/Berlin."),
            code="unknown_zone",
            params={"zone": name},
        )


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            _("Unknown time zone: %(zone)s. Use a name like Europe/Berlin."),
            code="unknown_zone",
            params={"zone": name},
        ) from exc


def local_to_utc(day: date, clock: time, zone_name: str) -> datetime:
    """A wall-clock time in a zone, as a UTC moment; refuses times the clocks skip."""
    tz = zone(zone_name)
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValidationError(
            _("Choose a date between %(first)s and %(last)s."),
            code="out_of_range",
            params={"first": MIN_YEAR, "last": MAX_YEAR},
        )
    local = datetime.combine(day, clock).replace(tzinfo=tz, fold=0)
    moment = local.astimezone(UTC)
    if moment.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise ValidationError(
            _(
                "%(time)s does not exist in %(zone)s on %(date)s: the clocks change "
                "that night. Choose another time."
            ),
            code="nonexistent_time",
            params={"time": clock.strftime("%H:%M"), "zone": zone_name, "date": day.isoformat()},
        )
    return moment
