"""Charts as plain SVG, drawn on the server.

A chart is there for people who would rather look than read; the same
numbers are always in a table beside it, so the SVG carries a short title
and description for screen readers and no script or inline style (the
Content-Security-Policy forbids both).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR_HEIGHT = 22
GAP = 6
LABEL_WIDTH = 230
BAR_WIDTH = 420
VALUE_WIDTH = 90


def bar_chart(
    title: str,
    description: str,
    bars: Sequence[tuple[str, float, str]],
    highlight: Sequence[int] = (),
) -> SafeString:
    """Return a horizontal bar chart: (label, value, value as shown) rows."""
    if not bars:
        return mark_safe("")
    top = max(value for _label, value, _shown in bars) or 1
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg class="ou-chart" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="ou-chart-t ou-chart-d" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="ou-chart-t">{escape(title)}</title>',
        f'<desc id="ou-chart-d">{escape(description)}</desc>',
    ]
    for index, (label, value, shown) in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = max(1.0, BAR_WIDTH * value / top) if value else 0
        css = "ou-bar ou-bar--highlight" if index in highlight else "ou-bar"
        short = label if len(label) <= 30 else label[:28] + "…"
        parts.append(
            f'<text class="ou-chart-label" x="{LABEL_WIDTH - 8}" y="{y + 16}" '
            f'text-anchor="end">{escape(short)}</text>'
            f'<rect class="{css}" x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" '
            f'height="{BAR_HEIGHT}"/>'
            f'<text class="ou-chart-value" x="{LABEL_WIDTH + length + 6:.1f}" '
            f'y="{y + 16}">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
