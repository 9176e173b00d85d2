"""Server-rendered SVG charts for the city's pages: horizontal bars (a breakdown), one stacked
share bar (active / inactive / RAT this year) and a trend line over book years.

No JavaScript and no inline style (the CSP forbids both): shapes carry classes that
static/css/portal.css colours. Each chart is an `<svg role="img">` with a <title> and <desc>,
and comes with the same figures as a table (`Chart.headers`, `Chart.rows`) that the template
puts next to it, so a screen reader or a person who would rather read gets every number.
The viewBox is 360 units wide: on a 390 px phone one unit is about one pixel, so 13-unit text
reads as 13 px; the stylesheet caps the width on wide screens.

Pure functions: no database, no request. Values are ints or Decimals; the geometry uses
floats, the labels are formatted by portal.formatting.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext as _

from portal.formatting import format_number, format_rupiah

WIDTH = 360
NUMBER = "number"
RUPIAH = "rupiah"
PERCENT = "percent"
SERIES_CLASSES = 4  # .series-1 … .series-4 in portal.css


@dataclass
class Chart:
    id: str
    title: str
    svg: SafeString
    headers: list[str]
    rows: list[list[str]]
    legend: list[tuple[str, str]] = field(default_factory=list)  # (label, css class)
    description: str = ""

    @property
    def is_empty(self):
        return not self.rows


def format_value(value, unit=NUMBER) -> str:
    if value is None:
        return "–"
    if unit == RUPIAH:
        return format_rupiah(value)
    if unit == PERCENT:
        return _percent(value)
    return format_number(value)


def _english() -> bool:
    return (get_language() or "id").startswith("en")


def _decimal_mark() -> str:
    return "." if _english() else ","


def _percent(value) -> str:
    return f"{float(value):.0f} %"


def compact(value, unit=NUMBER) -> str:
    """A short label for a bar or a point: 1,3 M for 1.300.000.000 (Indonesian), 1.3 bn (English)."""
    if value is None:
        return "–"
    number = Decimal(value)
    magnitude = abs(number)
    # like the month names in portal.formatting: the abbreviations each language writes
    suffixes = ("tn", "bn", "m") if _english() else ("T", "M", "jt")  # triliun, miliar, juta
    steps = tuple(zip((Decimal(10) ** 12, Decimal(10) ** 9, Decimal(10) ** 6), suffixes))
    text = None
    for size, suffix in steps:
        if magnitude >= size:
            short = (magnitude / size).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            digits = f"{short:f}".rstrip("0").rstrip(".").replace(".", _decimal_mark())
            text = f"{digits} {suffix}"
            break
    if text is None:
        text = format_number(magnitude)
    if unit == RUPIAH:
        text = f"Rp {text}"
    return "-" + text if number < 0 else text


def _svg(chart_id: str, title: str, description: str, height: float, body: list[str], css: str) -> SafeString:
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg class="chart-svg {css}" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" xmlns="http://www.w3.org/2000/svg" focusable="false">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        *body,
        "</svg>",
    ]
    # every text is escaped above (title, description, _text); ids, classes and numbers come from code
    return mark_safe("".join(parts))  # nosec B308 B703


def _text(x, y, content, css="", anchor="start"):
    anchor_attr = f' text-anchor="{anchor}"' if anchor != "start" else ""
    css_attr = f' class="{css}"' if css else ""
    return f'<text x="{x:.1f}" y="{y:.1f}"{anchor_attr}{css_attr}>{escape(content)}</text>'


def _describe(items, unit) -> str:
    return "; ".join(f"{label}: {format_value(value, unit)}" for label, value in items)


def bar_chart(chart_id: str, title: str, items, *, unit=NUMBER, label_header="", value_header="") -> Chart:
    """Horizontal bars, one per (label, value), in the order given. Each row: the label on its
    own line, the bar under it and the (compact) value after the bar — long kelurahan names
    stay readable on a phone. Negative values draw no bar but keep their label."""
    items = [(str(label), value if value is not None else 0) for label, value in items]
    row_height, label_room = 38, 84
    height = max(len(items) * row_height + 6, 20)
    largest = max((float(v) for _l, v in items if float(v) > 0), default=0.0)
    usable = WIDTH - label_room
    body = []
    for index, (label, value) in enumerate(items):
        top = index * row_height + 2
        body.append(_text(0, top + 13, label, "chart-label"))
        length = usable * float(value) / largest if largest and float(value) > 0 else 0
        if length:
            body.append(f'<rect class="chart-bar" x="0" y="{top + 18}" width="{max(length, 2):.1f}" height="14" rx="2"/>')
        body.append(_text(length + 6, top + 30, compact(value, unit), "chart-value"))
    description = _describe(items, unit)
    return Chart(
        chart_id, title, _svg(chart_id, title, description, height, body, "chart-bars"),
        [label_header or _("Name"), value_header or title],
        [[label, format_value(value, unit)] for label, value in items],
        description=description,
    )


def share_bar(chart_id: str, title: str, parts, *, total=None) -> Chart:
    """One stacked bar of (label, count) parts, in the order given, each part a share of
    `total` (default: the sum of the parts); percentages written in parts wide enough."""
    parts = [(str(label), int(value or 0)) for label, value in parts]
    total = int(total if total is not None else sum(v for _l, v in parts))
    height, bar_height = 34, 30
    body = [f'<rect class="chart-track" x="0" y="2" width="{WIDTH}" height="{bar_height}" rx="4"/>']
    x = 0.0
    legend = []
    for index, (label, value) in enumerate(parts):
        css = f"series-{index % SERIES_CLASSES + 1}"
        legend.append((label, css))
        if not total or value <= 0:
            continue
        width = WIDTH * value / total
        body.append(f'<rect class="chart-share {css}" x="{x:.1f}" y="2" width="{width:.1f}" height="{bar_height}"/>')
        if width >= 40:
            body.append(_text(x + width / 2, 22, _percent(100 * value / total), "chart-on-bar", "middle"))
        x += width
    rows = [[label, format_number(value), _percent(100 * value / total) if total else "–"] for label, value in parts]
    description = "; ".join(f"{label}: {count} ({share})" for label, count, share in rows)
    return Chart(
        chart_id, title, _svg(chart_id, title, description, height, body, "chart-share-bar"),
        [_("Group"), _("Cooperatives"), _("Share")], rows, legend=legend, description=description,
    )


def _nice_ceiling(value: float) -> float:
    if value <= 0:
        return 1.0
    exponent = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exponent:
            return step * exponent
    return 10.0 * exponent


def trend_chart(chart_id: str, title: str, years, series, *, unit=NUMBER) -> Chart:
    """Lines over book years: `years` oldest first, `series` = [(label, [value per year])].
    Every point is marked and the last point of each line labelled; the data table has a
    column per series."""
    years = list(years)
    series = [(str(label), [v if v is not None else 0 for v in values]) for label, values in series]
    height, top, bottom, left, right = 200, 22, 168, 10, WIDTH - 10
    values = [float(v) for _l, vs in series for v in vs]
    high = _nice_ceiling(max(values, default=0.0))
    low = min(0.0, min(values, default=0.0))
    if low < 0:
        low = -_nice_ceiling(-low)
    span = (high - low) or 1.0

    def y_of(value):
        return bottom - (float(value) - low) / span * (bottom - top)

    step = (right - left) / max(len(years) - 1, 1)

    def x_of(index):
        return left + index * step if len(years) > 1 else (left + right) / 2

    body = [
        f'<line class="chart-axis" x1="{left}" y1="{y_of(low):.1f}" x2="{right}" y2="{y_of(low):.1f}"/>',
        f'<line class="chart-grid" x1="{left}" y1="{top}" x2="{right}" y2="{top}"/>',
    ]
    if any(values):
        body.append(_text(left, top - 6, compact(high, unit), "chart-tick"))
    if low < 0:
        body.append(f'<line class="chart-axis" x1="{left}" y1="{y_of(0):.1f}" x2="{right}" y2="{y_of(0):.1f}"/>')
    for index, year in enumerate(years):
        anchor = "start" if index == 0 and len(years) > 1 else "end" if index == len(years) - 1 and len(years) > 1 else "middle"
        body.append(_text(x_of(index), height - 12, str(year), "chart-tick", anchor))
    legend = []
    end_labels = []  # (y, text, css) of each line's last value
    for number, (label, values) in enumerate(series):
        css = f"series-{number % SERIES_CLASSES + 1}"
        legend.append((label, css))
        points = " ".join(f"{x_of(i):.1f},{y_of(v):.1f}" for i, v in enumerate(values))
        if len(values) > 1:
            body.append(f'<polyline class="chart-line {css}" points="{points}"/>')
        for index, value in enumerate(values):
            body.append(f'<circle class="chart-dot {css}" cx="{x_of(index):.1f}" cy="{y_of(value):.1f}" r="3.5"/>')
        if values:
            end_labels.append([y_of(values[-1]) - 8, compact(values[-1], unit), css])
    # lines ending close together: move their labels apart, one text line each
    end_labels.sort(key=lambda item: item[0])
    for before, after in zip(end_labels, end_labels[1:]):
        after[0] = max(after[0], before[0] + 14)
    overflow = end_labels[-1][0] - (bottom - 2) if end_labels else 0
    if overflow > 0:  # keep them above the years
        for item in end_labels:
            item[0] = max(item[0] - overflow, 12)
    for y, text, css in end_labels:
        body.append(_text(x_of(len(years) - 1) - 6, y, text, f"chart-value {css}", "end"))
    rows = [[str(year)] + [format_value(values[i], unit) for _l, values in series] for i, year in enumerate(years)]
    description = "; ".join(
        f"{label}: " + ", ".join(f"{year} {format_value(v, unit)}" for year, v in zip(years, values)) for label, values in series
    )
    return Chart(
        chart_id, title, _svg(chart_id, title, description, height, body, "chart-trend"),
        [_("Book year")] + [label for label, _v in series], rows, legend=legend, description=description,
    )
