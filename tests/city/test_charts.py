"""The city's SVG charts (city/charts.py): accessible, CSP-clean, proportional, with their table."""

import re
from decimal import Decimal

from django.utils import translation

from city import charts


def _rects(svg, css):
    return [float(w) for w in re.findall(rf'<rect class="{css}[^"]*" x="[\d.]+" y="[\d.]+" width="([\d.]+)"', svg)]


def test_bar_chart_is_accessible_proportional_and_has_its_table():
    with translation.override("id"):
        chart = charts.bar_chart("by-kecamatan", "Koperasi aktif", [("Baros", 10), ("Cikole", 5), ("Gunungpuyuh", 0)], label_header="Kecamatan")
    svg = str(chart.svg)
    assert 'role="img"' in svg and 'aria-labelledby="by-kecamatan-title by-kecamatan-desc"' in svg
    assert '<title id="by-kecamatan-title">Koperasi aktif</title>' in svg
    assert "style=" not in svg and "<script" not in svg
    widths = _rects(svg, "chart-bar")
    assert len(widths) == 2 and abs(widths[0] - 2 * widths[1]) < 0.2  # 10 is twice 5; 0 draws no bar
    assert chart.headers == ["Kecamatan", "Koperasi aktif"]
    assert chart.rows == [["Baros", "10"], ["Cikole", "5"], ["Gunungpuyuh", "0"]]
    assert "Baros: 10; Cikole: 5; Gunungpuyuh: 0" in svg  # the <desc>


def test_bar_chart_escapes_labels_and_formats_money():
    with translation.override("id"):
        chart = charts.bar_chart("assets", "Aset", [("<b>Koperasi</b> & co", Decimal("1250000000.00")), ("Rugi", Decimal("-5000"))], unit=charts.RUPIAH)
    svg = str(chart.svg)
    assert "<b>" not in svg and "&lt;b&gt;Koperasi&lt;/b&gt; &amp; co" in svg
    assert "Rp 1,3 M<" in svg and "-Rp 5.000<" in svg
    assert chart.rows[0][1] == "Rp 1.250.000.000" and chart.rows[1][1] == "-Rp 5.000"
    assert len(_rects(svg, "chart-bar")) == 1  # a negative value has no bar


def test_compact_labels_per_language():
    with translation.override("en"):
        assert charts.compact(Decimal("1250000000"), charts.RUPIAH) == "Rp 1.3 bn"
        assert charts.compact(2_500_000) == "2.5 m"
        assert charts.compact(950) == "950"
    with translation.override("id"):
        assert charts.compact(12_000) == "12.000"
        assert charts.compact(-3_000_000) == "-3 jt" and charts.compact(Decimal("2.5E12"), charts.RUPIAH) == "Rp 2,5 T"


def test_share_bar_parts_add_up_to_the_whole():
    chart = charts.share_bar("share", "Status", [("RAT", 70), ("Active without RAT", 130), ("Inactive", 132)])
    svg = str(chart.svg)
    widths = _rects(svg, "chart-share")
    assert len(widths) == 3 and abs(sum(widths) - charts.WIDTH) < 0.5
    assert [row[2] for row in chart.rows] == ["21 %", "39 %", "40 %"]
    assert [css for _label, css in chart.legend] == ["series-1", "series-2", "series-3"]


def test_share_bar_of_nothing_draws_no_part():
    chart = charts.share_bar("share", "Status", [("A", 0), ("B", 0)])
    assert _rects(str(chart.svg), "chart-share") == [] and chart.rows[0][2] == "–"


def test_trend_chart_one_point_per_year_and_series():
    with translation.override("en"):
        chart = charts.trend_chart("trend", "Trend", [2021, 2022, 2023, 2024, 2025], [("Active", [100, 120, 150, 180, 200]), ("RAT", [40, 50, 60, 65, 70])])
    svg = str(chart.svg)
    assert svg.count('class="chart-dot series-1"') == 5 and svg.count('class="chart-dot series-2"') == 5
    assert svg.count("<polyline") == 2 and "style=" not in svg
    ys = [float(y) for y in re.findall(r'class="chart-dot series-1" cx="[\d.]+" cy="([\d.]+)"', svg)]
    assert ys == sorted(ys, reverse=True)  # rising values climb the chart
    assert chart.headers == ["Book year", "Active", "RAT"]
    assert chart.rows[-1] == ["2025", "200", "70"]


def test_trend_chart_with_negative_values_and_a_single_year():
    chart = charts.trend_chart("shu", "SHU", [2025], [("SHU", [Decimal("-1000")])], unit=charts.RUPIAH)
    svg = str(chart.svg)
    assert svg.count("<circle") == 1 and "<polyline" not in svg
    cy = float(re.search(r'cy="([\d.]+)"', svg).group(1))
    assert 0 < cy <= 200


def test_trend_end_labels_of_close_lines_do_not_overlap():
    chart = charts.trend_chart("t", "T", [2024, 2025], [("A", [100, 17]), ("B", [100, 16]), ("C", [0, 15])])
    ys = sorted(float(y) for y in re.findall(r'<text x="[\d.]+" y="([\d.]+)" text-anchor="end" class="chart-value', str(chart.svg)))
    assert len(ys) == 3 and all(b - a >= 14 for a, b in zip(ys, ys[1:]))
    ys_low = sorted(float(y) for y in re.findall(r'y="([\d.]+)" text-anchor="end" class="chart-value', str(
        charts.trend_chart("z", "Z", [2024, 2025], [("A", [100, 0]), ("B", [100, 0]), ("C", [100, 0])]).svg)))
    assert max(ys_low) <= 168 and all(b - a >= 14 for a, b in zip(ys_low, ys_low[1:]))
