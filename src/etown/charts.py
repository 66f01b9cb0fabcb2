"""Figures shown to the reader: bar charts drawn as inline SVG, and columns of figures in one unit.

Both are made at build time: no script, no image requests, colours from the stylesheet. A chart
and the table beside it write their numbers the same way, with the unit said once in the title or
the column header rather than in every cell.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

from etown.format import format_number, format_quantity, multiplier_prefix
from etown.languages import Language
from etown.schema import Quantity
from etown.units import QUALIFIERS_AFTER_THE_NUMBER, UNITS


@dataclass(frozen=True)
class Column:
    """Figures that share one unit: the unit is written once (``unit``), the cells are bare numbers."""

    unit: str
    language: Language
    divisor: Decimal = Decimal(1)
    """Scaled cells count in billions or millions when the header says so."""
    convert: Callable[[str], str] = str
    """For a derived language: its text made from ``language``'s."""

    def number(self, quantity: Quantity) -> Decimal:
        if self.language.quantity_style == "as-written":
            return quantity.value
        return quantity.value * UNITS[quantity.unit].scale / self.divisor

    def cell(self, quantity: Quantity) -> str:
        written = format_number(self.number(quantity), self.language)
        return self.convert(self.language.qualified(written, quantity.qualifier))


def column(
    quantities: Sequence[Quantity | None], language: Language, convert: Callable[[str], str] = str
) -> Column | None:
    """The unit a column of figures shares, or None when a cell is empty or units differ."""
    if not quantities or any(quantity is None for quantity in quantities):
        return None
    present = [quantity for quantity in quantities if quantity is not None]
    units = {quantity.unit for quantity in present}
    if len(units) != 1:
        return None
    unit = units.pop()
    made = (
        _as_written_column(unit, present, language)
        if language.quantity_style == "as-written"
        else _scaled_column(unit, present, language)
    )
    return None if made is None else Column(convert(made.unit), made.language, made.divisor, convert)


def _as_written_column(unit: str, quantities: list[Quantity], language: Language) -> Column | None:
    # 3万余人次: 余 sits inside such a unit, so the unit cannot leave the cell
    if multiplier_prefix(unit) and any(q.qualifier in QUALIFIERS_AFTER_THE_NUMBER for q in quantities):
        return None
    return Column(unit, language)


def _scaled_column(unit_name: str, quantities: list[Quantity], language: Language) -> Column | None:
    unit = UNITS[unit_name]
    if not unit.base and not unit.money:
        return None  # a classifier (家, 个 …): the row's label already names what is counted
    divisor, word = Decimal(1), ""
    if unit.money or unit.scale > 1:
        smallest = min(quantity.value * unit.scale for quantity in quantities)
        divisor, word = next(
            ((Decimal(size), name) for size, name in language.scale_words if smallest >= size),
            (Decimal(1), ""),
        )
    name = language.unit_names[unit.base] if unit.base else ""
    label = " ".join(part for part in (language.currency if unit.money else "", word.strip(), name) if part)
    return Column(label, language, divisor)


# --- bar charts ------------------------------------------------------------------------------

WIDTH = 320
"""Narrow on purpose: on a 320 px phone the text is drawn at about its CSS size."""
FONT_SIZE = 13
"""The text's size in the chart's units, as the stylesheet gives it (.chart text)."""
BAR_FILL, TRACK_FILL = "#444", "#ddd"
"""The bars' colours where no stylesheet reaches the chart: the print stylesheet's --bar, --track."""
LINE = 16
BAR_HEIGHT = 14
ROW_GAP = 14
VALUE_ROOM = 52
"""Space kept right of the longest bar for its number."""
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def bar_chart(
    *,
    language: Language,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[tuple[str, Quantity]],
    scale_max: Decimal | int | None = None,
    convert: Callable[[str], str] = str,
    font_family: str | None = None,
) -> Markup:
    """A figure with one horizontal bar per (label, quantity); the full width is ``scale_max``.

    The title is shown above the chart and, with the description, names the SVG for assistive
    technology; the unit, shared by all bars, is added to the title. The title, description and
    labels come in the page's language; the numbers and unit are written in ``language`` and
    made the page's by ``convert`` (a derived language's), each before it is escaped.

    WeasyPrint (the PDF fact sheet) draws an inline SVG as a document of its own, which the page's
    stylesheets do not reach: so the chart carries its text size, its bars' fills (the print
    stylesheet's) and its values' weight as attributes, which a browser's stylesheet overrides.
    Nor does its text inherit the page's fonts or language (a ``lang`` attribute is not read
    either), so fontconfig would draw Chinese in the glyph forms of its default language,
    Japanese: ``font_family`` (a CSS font list) names the font for the page's language. Browsers
    use that too, taking any glyph the font lacks from a font for the page's language.
    """
    shared = column([quantity for _, quantity in bars], language, convert)
    if shared is not None and shared.unit:
        title += language.parenthesised(shared.unit)
    numbers = [shared.number(q) if shared else q.value for _, q in bars]
    written = [shared.cell(q) if shared else convert(format_quantity(q, language)) for _, q in bars]
    full = Decimal(scale_max) if scale_max is not None else max(numbers, default=Decimal(1))
    rows, height = _layout([label for label, _ in bars])
    parts = [
        f'<figure><figcaption id="{chart_id}-caption">{escape(title)}</figcaption>',
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"'
        + (f' font-family="{escape(font_family)}"' if font_family else "")
        + f' font-size="{FONT_SIZE}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for (lines, top), number, text in zip(rows, numbers, written, strict=True):
        parts.append(_bar(lines, top, _length(number, full), text, track=scale_max is not None))
    parts.append("</svg></figure>")
    return Markup("".join(parts))


def _layout(labels: Sequence[str]) -> tuple[list[tuple[list[str], int]], int]:
    """Each bar's label lines and the y where its row starts; and the chart's height."""
    rows, top = [], 0
    for label in labels:
        lines = _wrap(label)
        rows.append((lines, top))
        top += LINE * len(lines) + BAR_HEIGHT + ROW_GAP
    return rows, top - ROW_GAP + 2


def _length(number: Decimal, full: Decimal) -> float:
    usable = WIDTH - VALUE_ROOM
    return max(1.0, float(number / full) * usable) if full else 1.0


def _bar(lines: list[str], top: int, length: float, written: str, *, track: bool) -> str:
    text = "".join(
        f'<tspan x="0" dy="{LINE if index else 0}">{escape(line)}</tspan>' for index, line in enumerate(lines)
    )
    bar_top = top + LINE * len(lines)
    usable = WIDTH - VALUE_ROOM
    background = (
        f'<rect class="chart-track" x="0" y="{bar_top}" width="{usable}" height="{BAR_HEIGHT}" '
        f'fill="{TRACK_FILL}"/>'
        if track
        else ""
    )
    return (
        f'<text class="chart-label" x="0" y="{top + 12}">{text}</text>{background}'
        f'<rect class="chart-bar" x="0" y="{bar_top}" width="{length:.1f}" height="{BAR_HEIGHT}" '
        f'fill="{BAR_FILL}"/>'
        f'<text class="chart-value" x="{length + 4:.1f}" y="{bar_top + 11}" font-weight="700">'
        f"{escape(written)}</text>"
    )


def _wrap(label: str, limit: float = WIDTH) -> list[str]:
    """Break a label into lines no wider than ``limit`` px at FONT_SIZE (SVG text never wraps)."""
    words = label.split(" ") if " " in label else list(label)
    joiner = " " if " " in label else ""
    lines: list[str] = []
    for word in words:
        candidate = f"{lines[-1]}{joiner}{word}" if lines else word
        if lines and _width(candidate) <= limit:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _width(text: str) -> float:
    """A generous estimate of the drawn width: CJK glyphs are square, Latin ones about 0.6 em."""
    return sum(float(FONT_SIZE) if _CJK.match(char) else 7.6 for char in text)
