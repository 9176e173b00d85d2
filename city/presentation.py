"""How the city's pages show the figures of city.selectors: which indicators, their labels and
units, tables of formatted cells, and the charts (city/charts.py) drawn from them. No database:
everything here works on the dataclasses the selectors return."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import charts
from .charts import NUMBER, RUPIAH, format_value


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str = NUMBER


COOPERATIVE_INDICATORS = [
    Indicator("registered", _("Registered")),
    Indicator("active", _("Active")),
    Indicator("inactive", _("Not active")),
    Indicator("rat_held", _("RAT held")),
    Indicator("rat_overdue", _("RAT overdue")),
]
MEMBER_INDICATORS = [
    Indicator("members_men", _("Members, men")),
    Indicator("members_women", _("Members, women")),
    Indicator("members_total", _("Members")),
    Indicator("distinct_persons", _("Distinct persons")),
]
MONEY_INDICATORS = [
    Indicator("total_savings", _("Total savings"), RUPIAH),
    Indicator("total_assets", _("Total assets"), RUPIAH),
    Indicator("own_capital", _("Own capital"), RUPIAH),
    Indicator("outside_capital", _("Outside capital"), RUPIAH),
    Indicator("business_volume", _("Business volume"), RUPIAH),
    Indicator("shu", _("SHU"), RUPIAH),
]
INDICATORS = COOPERATIVE_INDICATORS + MEMBER_INDICATORS + MONEY_INDICATORS
GROUPS = [
    ("cooperatives", _("Cooperatives"), COOPERATIVE_INDICATORS),
    ("members", _("Members"), MEMBER_INDICATORS),
    ("money", _("Savings, capital and business"), MONEY_INDICATORS),
]
BREAKDOWNS = {
    "kecamatan": (_("By kecamatan"), _("Kecamatan")),
    "kelurahan": (_("By kelurahan"), _("Kelurahan")),
    "kind": (_("By kind (jenis)"), _("Kind")),
}
DASHBOARD_BREAKDOWNS = ("kecamatan", "kind")
BREAKDOWN_SLUGS = {"kecamatan": "kecamatan", "kelurahan": "kelurahan", "jenis": "kind"}  # address → selector's `by`


def value_of(indicators, key):
    return getattr(indicators, key, None) if indicators is not None else None


@dataclass
class Cell:
    key: str
    label: str
    value: object
    text: str


def cells(indicators, group=INDICATORS) -> list[Cell]:
    return [Cell(i.key, i.label, value_of(indicators, i.key), format_value(value_of(indicators, i.key), i.unit)) for i in group]


def stat_groups(indicators):
    """[(group key, group label, [Cell…])] for the headline figures."""
    return [(key, label, cells(indicators, group)) for key, label, group in GROUPS]


@dataclass
class BreakdownTable:
    by: str
    title: str
    key_header: str
    headers: list
    rows: list  # [(key, label, [text…])]


def breakdown_links():
    """(address, label) of the breakdown pages."""
    return [(slug, BREAKDOWNS[by][0]) for slug, by in BREAKDOWN_SLUGS.items()]


def breakdown_title(by):
    return BREAKDOWNS[by][0]


def breakdown_table(by, rows) -> BreakdownTable:
    title, key_header = BREAKDOWNS[by]
    return BreakdownTable(
        by, title, key_header, [i.label for i in INDICATORS],
        [(row.key, row.label, [c.text for c in cells(row.indicators)]) for row in rows],
    )


def breakdown_charts(by, rows):
    title, key_header = BREAKDOWNS[by]
    return [
        breakdown_chart(f"chart-{by}-active", _("Active cooperatives"), rows, "active", label_header=key_header),
        breakdown_chart(f"chart-{by}-members", _("Members"), rows, "members_total", label_header=key_header),
        breakdown_chart(f"chart-{by}-assets", _("Total assets"), rows, "total_assets", label_header=key_header, unit=RUPIAH),
    ]


def trend_table(trend_rows):
    """Rows = indicators, columns = book years: fits a phone better than the transpose."""
    years = [row.year for row in trend_rows]
    rows = [(i.label, [format_value(value_of(row.indicators, i.key), i.unit) for row in trend_rows]) for i in INDICATORS]
    return years, rows


def share_chart(indicators, year):
    held = value_of(indicators, "rat_held") or 0
    active = value_of(indicators, "active") or 0
    inactive = value_of(indicators, "inactive") or 0
    return charts.share_bar(
        "chart-share", _("Active, not active and RAT held for book year %(year)s") % {"year": year},
        [
            (_("Active, RAT held for %(year)s") % {"year": year}, held),
            (_("Active, no RAT for %(year)s") % {"year": year}, max(active - held, 0)),
            (_("Not active"), inactive),
        ],
    )


def breakdown_chart(chart_id, title, rows, key, *, label_header, unit=NUMBER):
    return charts.bar_chart(
        chart_id, title, [(row.label, value_of(row.indicators, key)) for row in rows], unit=unit, label_header=label_header,
    )


def trend_chart(chart_id, title, trend_rows, keys):
    by_key = {i.key: i for i in INDICATORS}
    unit = by_key[keys[0]].unit
    return charts.trend_chart(
        chart_id, title, [row.year for row in trend_rows],
        [(by_key[key].label, [value_of(row.indicators, key) for row in trend_rows]) for key in keys], unit=unit,
    )


def dashboard_charts(year, indicators, by_kecamatan, by_kind, trend_rows):
    return [
        share_chart(indicators, year),
        trend_chart("chart-trend-cooperatives", _("Cooperatives over five book years"), trend_rows, ["registered", "active", "rat_held"]),
        breakdown_chart("chart-active-kecamatan", _("Active cooperatives by kecamatan"), by_kecamatan, "active", label_header=_("Kecamatan")),
        breakdown_chart("chart-members-kecamatan", _("Members by kecamatan"), by_kecamatan, "members_total", label_header=_("Kecamatan")),
        breakdown_chart("chart-kind", _("Registered cooperatives by kind"), by_kind, "registered", label_header=_("Kind")),
        trend_chart("chart-trend-members", _("Members over five book years"), trend_rows, ["members_total", "distinct_persons", "members_women"]),
        trend_chart("chart-trend-money", _("Assets and business volume over five book years"), trend_rows, ["total_assets", "business_volume", "total_savings"]),
    ]


# --- one cooperative's profile ----------------------------------------------------------------

PROFILE_ROWS = [
    Indicator("members_men", _("Members, men")),
    Indicator("members_women", _("Members, women")),
    Indicator("members_total", _("Members")),
    Indicator("managers", _("Managers")),
    Indicator("employees", _("Employees")),
    Indicator("total_savings", _("Total savings"), RUPIAH),
    Indicator("total_assets", _("Total assets"), RUPIAH),
    Indicator("own_capital", _("Own capital"), RUPIAH),
    Indicator("outside_capital", _("Outside capital"), RUPIAH),
    Indicator("business_volume", _("Business volume"), RUPIAH),
    Indicator("shu", _("SHU"), RUPIAH),
]


def profile_table(figures):
    """(years, rows) of one cooperative's figures: rows = indicators, columns = book years."""
    from portal.formatting import format_date

    years = [row.book_year for row in figures]
    yes, no = _("Yes"), _("No")
    rows = [
        (_("Active"), [str(yes if row.active else no) for row in figures]),
        (_("RAT held"), [str(yes if row.rat_held else no) for row in figures]),
        (_("RAT held on"), [format_date(row.rat_held_on) or "–" for row in figures]),
        (_("RAT reported on"), [format_date(row.rat_reported_on) or "–" for row in figures]),
    ]
    rows += [(i.label, [format_value(getattr(row, i.key), i.unit) for row in figures]) for i in PROFILE_ROWS]
    return years, rows


def profile_charts(figures):
    years = [row.book_year for row in figures]

    def series(key):
        return [getattr(row, key) for row in figures]

    return [
        charts.trend_chart("chart-profile-members", _("Members over the book years"), years,
                           [(_("Members"), series("members_total")), (_("Members, women"), series("members_women"))]),
        charts.trend_chart("chart-profile-money", _("Assets, business volume and SHU over the book years"), years,
                           [(_("Total assets"), series("total_assets")), (_("Business volume"), series("business_volume")),
                            (_("SHU"), series("shu"))], unit=RUPIAH),
    ]
