"""The city's read-only aggregates. The only module where cross-cooperative reads live
(DESIGN.md §5.3): every function here returns counts and statutory figures, never a
member's personal data.

The indicators come from `city.models.CooperativeYearFigures` (one row per cooperative and book
year, kept by city/figures.py), never from the members or journal lines: each selector below is a
fixed number of queries whatever the number of cooperatives (docs/ARCHITECTURE.md "City figures").

Definitions for book year Y (contract of issue 6):
- counted ("registered"): registry status registered, or dissolved/merged after Y's last day;
- active: counted, with a RAT held for one of the book years Y-(window-1)..Y
  (settings.CITY_ACTIVE_WINDOW_YEARS, default 3); inactive = registered − active;
- RAT held: a RAT for book year Y was held; RAT overdue: none, and the cooperative's deadline
  (year end + its AD/ART's months) is before today;
- members: on the register at Y's last day (today for the year still running); distinct persons
  de-duplicated by the keyed NIK hash (members without a NIK count once each).
"""

from dataclasses import dataclass, field, fields as dataclass_fields
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    BooleanField, Case, CharField, Count, Exists, F, FilteredRelation, Max, Min, OuterRef, Q, Sum, Value, When,
)
from django.utils import timezone

from django_scopes import scope

from cooperatives.book_years import last_closed_book_year
from cooperatives.models import Cooperative, CooperativeKind, Kecamatan, Kelurahan, RegistryStatus
from meetings.models import Meeting, MeetingKind

from .models import CooperativeYearFigures, SharedPerson

ZERO = Decimal("0")
COUNT_FIELDS = ("registered", "active", "rat_held", "rat_overdue")
MEMBER_FIELDS = ("members_men", "members_women", "members_total")
MONEY_FIELDS = ("total_savings", "total_assets", "own_capital", "outside_capital", "business_volume", "shu")
FIGURE_FIELDS = MEMBER_FIELDS + ("managers", "employees") + MONEY_FIELDS + (
    "rat_held", "rat_held_on", "rat_reported_on", "rat_deadline", "last_rat_year", "years_without_rat", "year_end",
)
BREAKDOWNS = ("kecamatan", "kelurahan", "kind")
STATUSES = ("active", "inactive", "dissolved", "merged")
RAT_STATUSES = ("held", "overdue", "not_due")


@dataclass(frozen=True)
class Indicators:
    year: int
    registered: int = 0
    active: int = 0
    inactive: int = 0
    rat_held: int = 0
    rat_overdue: int = 0
    members_men: int = 0
    members_women: int = 0
    members_total: int = 0
    distinct_persons: int = 0
    total_savings: Decimal = ZERO
    total_assets: Decimal = ZERO
    own_capital: Decimal = ZERO
    outside_capital: Decimal = ZERO
    business_volume: Decimal = ZERO
    shu: Decimal = ZERO

    @classmethod
    def from_row(cls, year, row, shared=None):
        """From one `_aggregates` row (None values = nothing counted) and the shared-person
        correction (memberships, distinct hashes)."""
        values = {name: row.get(f"n_{name}") or 0 for name in COUNT_FIELDS + MEMBER_FIELDS}
        values.update({name: row.get(f"n_{name}") or ZERO for name in MONEY_FIELDS})
        memberships, persons = shared or (0, 0)
        return cls(year=year, inactive=values["registered"] - values["active"],
                   distinct_persons=values["members_total"] - (memberships - persons), **values)

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in dataclass_fields(self)}


@dataclass(frozen=True)
class BreakdownRow:
    key: object  # kecamatan / kelurahan id, or the jenis value
    label: str
    indicators: Indicators


@dataclass(frozen=True)
class TrendRow:
    year: int
    indicators: Indicators


@dataclass
class Compliance:
    """Querysets of cooperative rows (as `cooperative_rows`), lazy: slice or paginate them."""
    rat_overdue: object
    two_years_without_rat: object
    active_without_nik: object


@dataclass
class CooperativeProfile:
    cooperative: Cooperative
    figures: list  # CooperativeYearFigures of the latest book years, oldest first, each with .active / .counted
    rat_history: list  # RAT meetings newest first (book_year, held_on, reported_on, status, has_report)
    years: list = field(default_factory=list)


def _window() -> int:
    return max(1, int(getattr(settings, "CITY_ACTIVE_WINDOW_YEARS", 3)))


def _int_or_none(value):
    """A filter id from a query string: int, or None when absent; -1 (matches nothing) when
    it is not a number."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _year(value):
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if 1900 <= year <= 9999 else None


def default_year() -> int:
    """The last closed book year (December year ends, the norm): 2025 on 2026-11-28."""
    return last_closed_book_year(timezone.localdate(), 12)


def available_years() -> list[int]:
    """Book years with figures, newest first. Every cooperative has a row for each book year from
    its first to the one running, so these are the years from the smallest to the largest (two
    index lookups, not a DISTINCT over every row)."""
    bounds = CooperativeYearFigures.objects.aggregate(first=Min("book_year"), last=Max("book_year"))
    if bounds["first"] is None:
        return []
    return list(range(bounds["last"], bounds["first"] - 1, -1))


def _counted_q(prefix=""):
    return Q(**{f"{prefix}cooperative__registry_status": RegistryStatus.REGISTERED}) | Q(
        **{f"{prefix}cooperative__registry_status_on__gt": F(f"{prefix}year_end")})


def _region_and_kind(rows, *, kecamatan_id=None, kelurahan_id=None, kind=""):
    """`rows` (with a `cooperative` key) under the filters; none for an unknown filter value."""
    kecamatan_id, kelurahan_id = _int_or_none(kecamatan_id), _int_or_none(kelurahan_id)
    if kecamatan_id is not None:
        rows = rows.filter(cooperative__kecamatan_id=kecamatan_id)
    if kelurahan_id is not None:
        rows = rows.filter(cooperative__kelurahan_id=kelurahan_id)
    if kind:
        rows = rows.filter(cooperative__kind=kind if kind in CooperativeKind.values else "-")
    return rows


def _figures(year, **filters):
    """The counted rows of a book year under the filters (none for an unknown filter value)."""
    year = _year(year)
    rows = CooperativeYearFigures.objects.filter(book_year=year if year is not None else -1).filter(_counted_q())
    return _region_and_kind(rows, **filters)


def _aggregates(year_expression):
    """Aggregates of figures rows; `year_expression` is the book year the active window ends on
    (an int, or F("book_year") when grouping by year)."""
    window = _window()
    active = Q(last_rat_year__gte=year_expression - (window - 1)) if isinstance(year_expression, int) else Q(
        last_rat_year__gte=F("book_year") - (window - 1))
    # aliased apart from the model's own field names (Django refuses an aggregate named as a field)
    return {
        "n_registered": Count("id"),
        "n_active": Count("id", filter=active),
        "n_rat_held": Count("id", filter=Q(rat_held=True)),
        "n_rat_overdue": Count("id", filter=Q(rat_held=False, rat_deadline__lt=timezone.localdate())),
        **{f"n_{name}": Sum(name) for name in MEMBER_FIELDS + MONEY_FIELDS},
    }


def _shared(years, group=None, **filters) -> dict:
    """{(book year, group value or None): (memberships, distinct hashes)} of the persons in
    several counted cooperatives, on their registers at the end of each of `years`. One query
    from the small SharedPerson table, joined to each membership's figures row of the year (the
    same filter() call, so one join: the row's year is the year the membership is checked for)."""
    y = "cooperative__year_figures__"
    on_register = (
        Q(**{f"{y}book_year__in": years}) & Q(first_year__lte=F(f"{y}book_year"))
        & (Q(until_year__isnull=True) | Q(until_year__gt=F(f"{y}book_year")))
        & (Q(cooperative__registry_status=RegistryStatus.REGISTERED) | Q(cooperative__registry_status_on__gt=F(f"{y}year_end")))
    )
    rows = _region_and_kind(SharedPerson.objects.filter(on_register), **filters)
    keys = {"year": F(f"{y}book_year"), **({"key": F(group)} if group else {})}
    rows = rows.order_by().values(**keys).annotate(n=Count("id"), persons=Count("nik_hash", distinct=True))
    return {(r["year"], r.get("key")): (r["n"], r["persons"]) for r in rows}


def indicators(year, *, kecamatan_id=None, kelurahan_id=None, kind="") -> Indicators:
    """The city's indicators for a book year (two queries). Unknown year or filter → zeros."""
    filters = {"kecamatan_id": kecamatan_id, "kelurahan_id": kelurahan_id, "kind": kind}
    figures = _figures(year, **filters)
    year = _year(year) or 0
    return Indicators.from_row(year, figures.aggregate(**_aggregates(year)), _shared([year], **filters).get((year, None)))


def breakdown(year, by, *, kecamatan_id=None, kelurahan_id=None, kind="") -> list[BreakdownRow]:
    """Indicators per kecamatan, kelurahan or jenis (every one, zeros included), by label
    (three queries). Unknown `by` → []."""
    if by not in BREAKDOWNS:
        return []
    filters = {"kecamatan_id": kecamatan_id, "kelurahan_id": kelurahan_id, "kind": kind}
    figures = _figures(year, **filters)
    year = _year(year) or 0
    key = {"kecamatan": "cooperative__kecamatan_id", "kelurahan": "cooperative__kelurahan_id", "kind": "cooperative__kind"}[by]
    grouped = {r["key"]: r for r in figures.order_by().values(key=F(key)).annotate(**_aggregates(year))}
    shared = {k: v for (_y, k), v in _shared([year], group=key, **filters).items()}
    if by == "kind":
        labels = [(value, str(label)) for value, label in CooperativeKind.choices]
    elif by == "kecamatan":
        labels = list(Kecamatan.objects.order_by("name").values_list("pk", "name"))
    else:
        labels = list(Kelurahan.objects.order_by("kecamatan__name", "name").values_list("pk", "name"))
    rows = [BreakdownRow(k, label, Indicators.from_row(year, grouped.get(k, {}), shared.get(k))) for k, label in labels]
    return sorted(rows, key=lambda r: r.label) if by == "kind" else rows


def trend(year, years=5) -> list[TrendRow]:
    """The indicators of `years` book years up to `year`, oldest first (two queries)."""
    end = _year(year)
    if end is None:
        return []
    span = list(range(end - max(1, min(int(years), 30)) + 1, end + 1))
    rows = CooperativeYearFigures.objects.filter(book_year__in=span).filter(_counted_q())
    grouped = {r["book_year"]: r for r in rows.order_by().values("book_year").annotate(**_aggregates(F("book_year")))}
    shared = _shared(span)
    return [TrendRow(y, Indicators.from_row(y, grouped.get(y, {}), shared.get((y, None)))) for y in span]


# --- cooperative lists ------------------------------------------------------------------------

SORTS = {
    "name": "name", "kecamatan": "kecamatan__name", "kelurahan": "kelurahan__name", "kind": "kind",
    "registered_on": "registered_on", "nik_koperasi": "nik_koperasi",
    **{name: name for name in MEMBER_FIELDS + MONEY_FIELDS + ("managers", "rat_held_on", "rat_reported_on", "last_rat_year")},
}


def cooperative_rows(year, *, search="", kecamatan_id=None, kelurahan_id=None, kind="", status="", rat_status="",
                     sort="name"):
    """Cooperatives with a figures row for `year`, annotated with it (the figure fields by their
    names, plus `counted`, `active` and `rat_status`). status "" = the counted ones; active /
    inactive among them; dissolved / merged = the registry status. Unknown filter values →
    no rows; unknown sort → by name. One query."""
    year = _year(year)
    window = _window()
    today = timezone.localdate()
    rows = (
        Cooperative.objects.annotate(f=FilteredRelation("year_figures", condition=Q(year_figures__book_year=year if year else -1)))
        .filter(f__id__isnull=False).select_related("kecamatan", "kelurahan")
        .annotate(
            book_year=F("f__book_year"), **{name: F(f"f__{name}") for name in FIGURE_FIELDS},
            counted=Case(When(Q(registry_status=RegistryStatus.REGISTERED) | Q(registry_status_on__gt=F("f__year_end")), then=Value(True)),
                         default=Value(False), output_field=BooleanField()),
            active=Case(When(f__last_rat_year__gte=(year or 0) - (window - 1), then=Value(True)), default=Value(False),
                        output_field=BooleanField()),
            rat_status=Case(When(f__rat_held=True, then=Value("held")), When(f__rat_deadline__lt=today, then=Value("overdue")),
                            default=Value("not_due"), output_field=CharField()),
        )
    )
    if search:
        rows = rows.filter(Q(name__icontains=search) | Q(legal_entity_number__icontains=search) | Q(nik_koperasi__icontains=search))
    kecamatan_id, kelurahan_id = _int_or_none(kecamatan_id), _int_or_none(kelurahan_id)
    if kecamatan_id is not None:
        rows = rows.filter(kecamatan_id=kecamatan_id)
    if kelurahan_id is not None:
        rows = rows.filter(kelurahan_id=kelurahan_id)
    if kind:
        rows = rows.filter(kind=kind if kind in CooperativeKind.values else "-")
    if status in ("", "active", "inactive"):
        rows = rows.filter(counted=True)
        if status:
            rows = rows.filter(active=status == "active")
    elif status in (RegistryStatus.DISSOLVED, RegistryStatus.MERGED):
        rows = rows.filter(registry_status=status)
    else:
        rows = rows.none()
    if rat_status:
        rows = rows.filter(rat_status=rat_status) if rat_status in RAT_STATUSES else rows.none()
    sort = sort or "name"
    descending = sort.startswith("-")
    column = SORTS.get(sort.lstrip("-"))
    if column is None:
        column, descending = "name", False
    ordering = F(column).desc(nulls_last=True) if descending else F(column).asc(nulls_last=True)
    return rows.order_by(ordering, "name", "pk")


def compliance(year) -> Compliance:
    """RAT overdue for `year`; no RAT for `year` nor the year before (deadline passed; warning-
    letter candidates); active without an NIK Koperasi. Counted cooperatives only."""
    today = timezone.localdate()
    return Compliance(
        rat_overdue=cooperative_rows(year, rat_status="overdue"),
        two_years_without_rat=cooperative_rows(year).filter(years_without_rat__gte=2, rat_deadline__lt=today),
        active_without_nik=cooperative_rows(year, status="active").filter(nik_koperasi=""),
    )


def cooperative_profile(cooperative, years=5) -> CooperativeProfile:
    """Legal data, the figures of the latest `years` book years up to the last closed one and the
    one running, and the RAT history (three queries). Nothing about individual members."""
    window = _window()
    cooperative = Cooperative.objects.select_related("kecamatan", "kelurahan", "merged_into").get(pk=cooperative.pk)
    figures = list(
        CooperativeYearFigures.objects.filter(cooperative=cooperative).order_by("-book_year")[: max(1, int(years))]
    )
    figures.reverse()
    for row in figures:
        row.active = row.last_rat_year is not None and row.last_rat_year >= row.book_year - (window - 1)
        row.counted = cooperative.registry_status == RegistryStatus.REGISTERED or (
            cooperative.registry_status_on is not None and cooperative.registry_status_on > row.year_end)
    from meetings.models import RatReport

    with scope(cooperative=cooperative):
        history = list(
            Meeting.objects.filter(kind=MeetingKind.RAT).order_by("-book_year")
            .annotate(has_report=Exists(RatReport.objects.filter(meeting=OuterRef("pk"))))
            .only("id", "cooperative_id", "book_year", "date", "held_on", "reported_on", "status", "source")
        )
    return CooperativeProfile(cooperative, figures, history, [row.book_year for row in figures])
