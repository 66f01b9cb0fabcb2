"""Bar charts drawn as inline SVG at build time: no script, no image requests, themeable by CSS."""

from decimal import Decimal

from markupsafe import Markup, escape

WIDTH = 400
LABEL_HEIGHT = 18
BAR_HEIGHT = 16
ROW_GAP = 12
VALUE_ROOM = 120
"""Space kept right of the longest bar for its value label."""


def bar_chart(
    *,
    language: str,
    chart_id: str,
    title: str,
    description: str,
    bars: list[tuple[str, Decimal, str]],
    scale_max: Decimal | None = None,
) -> Markup:
    """One horizontal bar per (label, value, value as written); the longest bar is ``scale_max``."""
    del language  # labels arrive already translated; kept for a uniform helper signature
    top = max((value for _, value, _ in bars), default=Decimal(1))
    full = scale_max if scale_max is not None else top
    row = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    height = row * len(bars)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    usable = WIDTH - VALUE_ROOM
    for index, (label, value, written) in enumerate(bars):
        y = index * row
        length = max(1.0, float(value / full) * usable) if full else 1.0
        parts.append(f'<text class="chart-label" x="0" y="{y + 13}">{escape(label)}</text>')
        parts.append(
            f'<rect class="chart-bar" x="0" y="{y + LABEL_HEIGHT}" '
            f'width="{length:.1f}" height="{BAR_HEIGHT}"/>'
        )
        parts.append(
            f'<text class="chart-value" x="{length + 6:.1f}" y="{y + LABEL_HEIGHT + 12}">'
            f"{escape(written)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
