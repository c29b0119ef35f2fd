"""Charts drawn on the server as SVG: no chart library, no script."""

from __future__ import annotations

from datetime import date


def bar_chart(
    series: list[tuple[date, int]], width: int = 600, height: int = 160
) -> dict[str, object]:
    """Bars for a server-rendered SVG chart, one per (day or month, value)."""
    top = max((n for _day, n in series), default=0) or 1
    bar = width / max(len(series), 1)
    bars = [
        {
            "x": round(i * bar, 2),
            "width": round(bar * 0.8, 2),
            "height": round(n / top * (height - 20), 2),
            "y": round(height - n / top * (height - 20), 2),
            "day": day,
            "n": n,
        }
        for i, (day, n) in enumerate(series)
    ]
    return {"bars": bars, "width": width, "height": height, "top": top}
