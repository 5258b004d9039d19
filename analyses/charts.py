"""Charts of the situation report (Lagebild) as inline SVG, without any library.

WeasyPrint draws SVG but runs no JavaScript, so every chart is a finished ``<svg>`` string for the
report's HTML. Each one is accessible (``role="img"``, ``<title>``, a ``<desc>`` that reads out the
figures), writes numbers the German way ("2.172,9", "31 %"), escapes every text (labels can come
from users) and never writes NaN or infinity: missing values are left out. Series can be told
apart without colour (dash pattern and marker shape), as BITV 2.0 asks.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

FONT = "'Source Sans 3', sans-serif"
TEXT = "#1a1a1a"
AXIS = "#595959"
GRID = "#d0d0d0"
BAR = "#1f4e79"
FONT_SIZE = 12
TITLE_SIZE = 14
CHAR_WIDTH = 0.55  # average glyph width in em, to lay out text without measuring it

# Series styles: colour, dash pattern and marker each cycle with a different period, so that even
# many series differ in at least one property that does not depend on seeing colour.
COLOURS = ("#1f4e79", "#b34700", "#2e6b30", "#6a3d9a", "#8c1c13", "#4d4d4d", "#00626f")
DASHES = ("", "7 4", "2 3", "10 3 2 3", "4 2 4 6", "1 5")
MARKERS = ("circle", "square", "triangle", "diamond", "cross")

# Invalid in XML 1.0 even when escaped: a label with one of these would break the document.
_CONTROL = dict.fromkeys(c for c in range(32) if chr(c) not in "\t\n\r")


def _clean(text: str) -> str:
    return str(text).translate(_CONTROL)


def _text(text: str) -> str:
    return escape(_clean(text))


def _attr(text: str) -> str:
    return escape(_clean(text), {'"': "&quot;"})


def _coord(value: float) -> str:
    return f"{value:.1f}"


def format_number(value: Decimal | float | int, places: int = 0) -> str:
    """German number: "." groups thousands, "," marks decimals: 2172.94 -> "2.172,9"."""
    exponent = Decimal(1).scaleb(-places)
    number = Decimal(str(value)).quantize(exponent, rounding=ROUND_HALF_UP)
    if number == 0:
        number = abs(number)  # no "-0,0"
    english = f"{number:,.{places}f}"
    return english.replace(",", "\0").replace(".", ",").replace("\0", ".")


def format_percent(share: float) -> str:
    """A share 0 … 1 as a whole percentage: 0.305 -> "31 %"."""
    return f"{format_number(Decimal(str(share)) * 100)} %"


def _finite(value: float | Decimal | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _text_width(text: str, size: float = FONT_SIZE) -> float:
    return len(text) * size * CHAR_WIDTH


def _svg(width: int, height: int, title: str, desc: str, body: Iterable[str]) -> str:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}px" height="{height}px" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="{FONT}" '
        f'font-size="{FONT_SIZE}" fill="{TEXT}">'
        f"<title>{_text(title)}</title><desc>{_text(desc)}</desc>"
        f'<text class="chart-title" x="0" y="{TITLE_SIZE + 2}" font-size="{TITLE_SIZE}" '
        f'font-weight="700" font-family="{FONT}" fill="{TEXT}">{_text(title)}</text>'
    )
    return head + "".join(body) + "</svg>"


def _label(x: float, y: float, text: str, anchor: str = "start", *, css_class: str) -> str:
    return (
        f'<text class="{css_class}" x="{_coord(x)}" y="{_coord(y)}" text-anchor="{anchor}" '
        f'font-family="{FONT}" fill="{TEXT}">{_text(text)}</text>'
    )


def _no_data(title: str, width: int) -> str:
    message = _("No data")
    return _svg(width, 60, title, message, [_label(0, 44, message, css_class="no-data")])


# Line chart -------------------------------------------------------------------------------------


@dataclass
class Series:
    label: str
    points: Mapping[int, float | Decimal | None]


NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5))


def nice_ticks(maximum: float) -> list[Decimal]:
    """Ticks from 0 to at least maximum, 4 to 6 of them, at 1, 2, 2.5 or 5 × a power of ten."""
    top = Decimal(str(maximum)) if maximum > 0 else Decimal(1)
    # The smallest step that needs at most 5 intervals needs at least 3: neighbouring steps
    # differ by a factor of at most 2.
    exponent = top.adjusted() - 1
    while True:
        for mantissa in NICE_STEPS:
            step = mantissa.scaleb(exponent)
            intervals = int((top / step).to_integral_value(rounding=ROUND_CEILING))
            if intervals <= 5:
                return [step * i for i in range(intervals + 1)]
        exponent += 1


def _places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    r = 3.5
    style = f'class="marker" fill="{colour}" stroke="{colour}"'
    if shape == "circle":
        return f'<circle {style} cx="{_coord(x)}" cy="{_coord(y)}" r="{r}"/>'
    if shape == "square":
        return (
            f'<rect {style} x="{_coord(x - r)}" y="{_coord(y - r)}" '
            f'width="{2 * r}" height="{2 * r}"/>'
        )
    if shape == "triangle":
        corners = [(x, y - r - 1), (x - r - 0.5, y + r - 0.5), (x + r + 0.5, y + r - 0.5)]
    elif shape == "diamond":
        corners = [(x, y - r - 1), (x + r + 1, y), (x, y + r + 1), (x - r - 1, y)]
    else:  # cross: an outlined "x" shape drawn as a polygon
        a, b = r + 0.5, 1.4
        corners = [
            (x - a, y - a + b), (x - a + b, y - a), (x, y - b), (x + a - b, y - a),
            (x + a, y - a + b), (x + b, y), (x + a, y + a - b), (x + a - b, y + a),
            (x, y + b), (x - a + b, y + a), (x - a, y + a - b), (x - b, y),
        ]  # fmt: skip
    points = " ".join(f"{_coord(px)},{_coord(py)}" for px, py in corners)
    return f'<polygon {style} points="{points}"/>'


def _runs(points: Mapping[int, float | Decimal | None]) -> list[list[tuple[int, float]]]:
    """Consecutive present values of a series; a missing value breaks the line."""
    runs: list[list[tuple[int, float]]] = [[]]
    for year in sorted(points):
        value = _finite(points[year])
        if value is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((year, value))
    return [run for run in runs if run]


def line_chart(
    series: Sequence[Series], *, title: str, y_label: str, width: int = 640, height: int = 300
) -> str:
    """Values per year, one line per series, the y axis from 0; missing values are left out."""
    runs = [_runs(one.points) for one in series]
    values = [value for one in runs for run in one for _year, value in run]
    if not values:
        return _no_data(title, width)
    if min(values) < 0:
        raise ValueError("a line chart from 0 cannot show negative values")
    integral = all(value == int(value) for value in values)
    value_places = 0 if integral else 1
    years = [year for one in runs for run in one for year, _value in run]
    first_year, last_year = min(years), max(years)
    ticks = nice_ticks(max(values))
    tick_places = max(_places(tick) for tick in ticks)

    # The legend flows in rows under the plot.
    legend_rows: list[list[tuple[int, float]]] = [[]]
    legend_x = 0.0
    for number, one in enumerate(series):
        item_width = 34 + _text_width(_clean(one.label)) + 16
        if legend_rows[-1] and legend_x + item_width > width:
            legend_rows.append([])
            legend_x = 0.0
        legend_rows[-1].append((number, legend_x))
        legend_x += item_width

    tick_labels = [format_number(tick, tick_places) for tick in ticks]
    left = 8 + max(_text_width(label) for label in tick_labels)
    right = width - 16.0
    top = TITLE_SIZE + 36.0
    bottom = height - 28.0 - 18 * len(legend_rows)
    if bottom - top < 40:
        raise ValueError("the chart is too small for its legend")
    y_top = float(ticks[-1])

    def x_of(year: int) -> float:
        if first_year == last_year:
            return (left + right) / 2
        return left + 10 + (right - left - 20) * (year - first_year) / (last_year - first_year)

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * value / y_top

    body = [_label(0, TITLE_SIZE + 22, y_label, css_class="y-label")]
    for tick, label in zip(ticks, tick_labels, strict=True):
        y = y_of(float(tick))
        colour = AXIS if tick == 0 else GRID
        body.append(
            f'<line x1="{_coord(left)}" y1="{_coord(y)}" x2="{_coord(right)}" y2="{_coord(y)}" '
            f'stroke="{colour}" stroke-width="1"/>'
        )
        body.append(_label(left - 6, y + 4, label, "end", css_class="tick"))

    year_count = last_year - first_year + 1
    every = max(1, math.ceil(year_count * 40 / (right - left)))
    for year in range(first_year, last_year + 1, every):
        x = x_of(year)
        body.append(
            f'<line x1="{_coord(x)}" y1="{_coord(bottom)}" x2="{_coord(x)}" '
            f'y2="{_coord(bottom + 4)}" stroke="{AXIS}" stroke-width="1"/>'
        )
        body.append(_label(x, bottom + 18, str(year), "middle", css_class="year"))

    described = []
    for number, (one, one_runs) in enumerate(zip(series, runs, strict=True)):
        colour = COLOURS[number % len(COLOURS)]
        dash = DASHES[number % len(DASHES)]
        shape = MARKERS[number % len(MARKERS)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        for run in one_runs:
            if len(run) > 1:
                path = " L ".join(f"{_coord(x_of(year))} {_coord(y_of(v))}" for year, v in run)
                body.append(
                    f'<path class="line" d="M {path}" fill="none" stroke="{colour}" '
                    f'stroke-width="2"{dash_attr}/>'
                )
            body.extend(_marker(shape, x_of(year), y_of(v), colour) for year, v in run)
        readings = []
        for year in sorted(one.points):
            value = _finite(one.points[year])
            shown = _("no value") if value is None else format_number(value, value_places)
            readings.append(f"{year}: {shown}")
        # ";" and ".": a "," would be mistaken for the decimal comma
        described.append(f"{_clean(one.label)}: {'; '.join(readings)}")

    for row_number, row in enumerate(legend_rows):
        y = height - 10.0 - 18 * (len(legend_rows) - 1 - row_number)
        for number, x in row:
            colour = COLOURS[number % len(COLOURS)]
            dash = DASHES[number % len(DASHES)]
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            body.append(
                f'<line class="legend-line" x1="{_coord(x)}" y1="{_coord(y - 4)}" '
                f'x2="{_coord(x + 28)}" y2="{_coord(y - 4)}" stroke="{colour}" '
                f'stroke-width="2"{dash_attr}/>'
            )
            body.append(_marker(MARKERS[number % len(MARKERS)], x + 14, y - 4, colour))
            body.append(_label(x + 34, y, series[number].label, css_class="legend"))

    desc = _("Line chart: %(values)s") % {"values": ". ".join(described)}
    return _svg(width, height, title, desc, body)


# Bar charts -------------------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    value: float
    low: float | None = None
    high: float | None = None


def _wrap(text: str, max_chars: int, max_lines: int = 3) -> list[str]:
    lines: list[str] = []
    for word in _clean(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= max_chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max_chars - 1] + "…"
    return [line if len(line) <= max_chars else line[: max_chars - 1] + "…" for line in lines]


def _share(value: float, what: str) -> float:
    share = _finite(value)
    if share is None or not 0 <= share <= 1:
        raise ValueError(f"{what} {value!r} is not a share between 0 and 1")
    return share


def _horizontal_bars(bars: Sequence[Bar], title: str, width: int) -> str:
    if not bars:
        return _no_data(title, width)
    label_width = round(width * 0.38)
    max_chars = max(8, int(label_width / (FONT_SIZE * CHAR_WIDTH)))
    plot_left = label_width + 8.0
    plot_right = width - 48.0  # room for the printed value of a full bar
    line_height = FONT_SIZE + 3
    top = TITLE_SIZE + 16.0

    rows = []
    y = top
    for bar in bars:
        lines = _wrap(bar.label, max_chars) or [""]
        row_height = max(26.0, len(lines) * line_height + 10)
        rows.append((bar, lines, y, row_height))
        y += row_height
    bottom = y
    height = math.ceil(bottom + 26)

    def x_of(share: float) -> float:
        return plot_left + (plot_right - plot_left) * share

    body = []
    for tick in (0, 0.25, 0.5, 0.75, 1):
        x = x_of(tick)
        body.append(
            f'<line x1="{_coord(x)}" y1="{_coord(top)}" x2="{_coord(x)}" y2="{_coord(bottom)}" '
            f'stroke="{AXIS if tick == 0 else GRID}" stroke-width="1"/>'
        )
        body.append(_label(x, bottom + 16, format_percent(tick), "middle", css_class="tick"))

    described = []
    for bar, lines, row_top, row_height in rows:
        value = _share(bar.value, "value")
        middle = row_top + row_height / 2
        first_line = middle - (len(lines) - 1) * line_height / 2 + 4
        spans = "".join(
            f'<tspan x="{label_width}" y="{_coord(first_line + i * line_height)}">'
            f"{_text(line)}</tspan>"
            for i, line in enumerate(lines)
        )
        body.append(
            f'<text class="bar-label" text-anchor="end" font-family="{FONT}" '
            f'fill="{TEXT}">{spans}</text>'
        )
        body.append(
            f'<rect class="bar" x="{_coord(plot_left)}" y="{_coord(middle - 8)}" '
            f'width="{_coord(x_of(value) - plot_left)}" height="16" fill="{BAR}"/>'
        )
        end = x_of(value)
        low, high = _finite(bar.low), _finite(bar.high)
        if low is not None and high is not None:
            low, high = sorted((min(max(low, 0.0), 1.0), min(max(high, 0.0), 1.0)))
            x1, x2 = x_of(low), x_of(high)
            # A white halo under the black whisker keeps it visible on the dark bar.
            strokes = "".join(
                f'<line x1="{_coord(xa)}" y1="{_coord(ya)}" x2="{_coord(xb)}" y2="{_coord(yb)}"/>'
                for xa, ya, xb, yb in (
                    (x1, middle, x2, middle),
                    (x1, middle - 5, x1, middle + 5),
                    (x2, middle - 5, x2, middle + 5),
                )
            )
            body.append(
                f'<g class="whisker"><g stroke="#ffffff" stroke-width="3.5">{strokes}</g>'
                f'<g stroke="{TEXT}" stroke-width="1.5">{strokes}</g></g>'
            )
            end = max(end, x2)
            described.append(
                _("%(label)s: %(value)s (confidence interval %(low)s to %(high)s)")
                % {
                    "label": _clean(bar.label),
                    "value": format_percent(value),
                    "low": format_percent(low),
                    "high": format_percent(high),
                }
            )
        else:
            described.append(f"{_clean(bar.label)}: {format_percent(value)}")
        body.append(_label(end + 4, middle + 4, format_percent(value), css_class="value"))

    desc = _("Bar chart: %(values)s") % {"values": "; ".join(described)}
    return _svg(width, height, title, desc, body)


def interval_bars(bars: Sequence[Bar], *, title: str, width: int = 640) -> str:
    """Shares 0 … 1 as horizontal bars with their interval; the height grows with the bars."""
    return _horizontal_bars(bars, title, width)


def ranking(items: Sequence[tuple[str, float]], *, title: str, width: int = 640) -> str:
    """Shares 0 … 1 as horizontal bars, the largest first (ties by label)."""
    ordered = sorted(items, key=lambda item: (-item[1], item[0]))
    return _horizontal_bars([Bar(label, value) for label, value in ordered], title, width)
