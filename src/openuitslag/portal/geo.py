"""The map of municipalities, drawn as SVG from the CBS boundaries.

The boundaries are the CBS 2022 municipal borders in Dutch RD coordinates
(EPSG:28992), bundled in ``data/reference/reference.zip``. They are read
once per process, simplified to a 500 m grid and kept as SVG path data, so
a map costs no tile server and no JavaScript. Municipalities that merged
after April 2022 are merged here too, for the elections after the merger.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import zipfile
from collections.abc import Mapping
from pathlib import Path

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger("openuitslag.portal")

REFERENCE_ZIP = (
    Path(__file__).resolve().parents[3] / "data" / "reference" / "reference.zip"
)
BOUNDARIES = "cbs2022_april.min.geo.json"
GRID = 500  # metres per SVG unit
X_MIN, Y_MAX = 0, 625_000  # RD bounding box of the Netherlands (top-left)
WIDTH, HEIGHT = 300 * 1000 // GRID, 330 * 1000 // GRID

# (date of the merger, new code, name, old codes)
MERGERS: tuple[tuple[dt.date, str, str, tuple[str, ...]], ...] = (
    (
        dt.date(2023, 1, 1),
        "1992",
        "Voorne aan Zee",
        ("0501", "0530", "0614"),  # Brielle, Hellevoetsluis, Westvoorne
    ),
)


@functools.cache
def boundary_paths() -> dict[str, tuple[str, str]]:
    """Return code -> (name, SVG path data) of every 2022 municipality."""
    try:
        with zipfile.ZipFile(REFERENCE_ZIP) as archive:
            collection = json.loads(archive.read(BOUNDARIES))
    except (OSError, KeyError, zipfile.BadZipFile, ValueError) as exc:
        logger.warning(
            "map boundaries unavailable path=%s error=%s", REFERENCE_ZIP, exc
        )
        return {}

    paths = {}
    for feature in collection["features"]:
        code = feature["properties"]["regiocode"].removeprefix("G").zfill(4)
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"]
            if geometry["type"] == "MultiPolygon"
            else [geometry["coordinates"]]
        )
        data = "".join(ring_path(ring) for polygon in polygons for ring in polygon)
        paths[code] = (feature["properties"]["name"], data)
    return paths


def ring_path(ring: list[list[float]]) -> str:
    """Return one ring as relative SVG path data on the coarse grid."""
    points: list[tuple[int, int]] = []
    for x, y in ring:
        point = (round((x - X_MIN) / GRID), round((Y_MAX - y) / GRID))
        if not points or point != points[-1]:
            points.append(point)
    if len(points) < 3:
        return ""
    first_x, first_y = points[0]
    steps = [f"M{first_x} {first_y}"]
    previous = points[0]
    for x, y in points[1:]:
        steps.append(f"l{x - previous[0]} {y - previous[1]}")
        previous = (x, y)
    return "".join(steps) + "z"


def paths_for(date: dt.date | None) -> dict[str, tuple[str, str]]:
    """Return the municipalities as they were on an election's date."""
    paths = dict(boundary_paths())
    for merged_on, code, name, old in MERGERS:
        if date is None or date < merged_on or not all(c in paths for c in old):
            continue
        data = "".join(paths.pop(c)[1] for c in old)
        paths[code] = (name, data)
    return paths


# Fill colours by status; presentation attributes, as the CSP allows no
# inline style. Each differs from the others in lightness too.
STATUS_FILLS = {
    "": "#d9d9d9",
    "published": "#3a7d44",
    "warnings": "#e0a526",
    "errors": "#a4262c",
}


def municipality_map(
    date: dt.date | None, status: Mapping[str, str], title: str, description: str
) -> SafeString:
    """Return a standalone SVG map, municipalities coloured by status."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="t d">',
        f'<title id="t">{escape(title)}</title>',
        f'<desc id="d">{escape(description)}</desc>',
        '<g stroke="#ffffff" stroke-width="0.4">',
    ]
    for code, (name, data) in sorted(paths_for(date).items()):
        fill = STATUS_FILLS.get(status.get(code, ""), STATUS_FILLS[""])
        parts.append(
            f'<path fill="{fill}" d="{data}"><title>{escape(name)}</title></path>'
        )
    parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))
