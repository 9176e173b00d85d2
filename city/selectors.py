"""The city's read-only aggregates. The only module where cross-cooperative reads live
(DESIGN.md §5.3): every function here returns counts and statutory figures, never a
member's personal data."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from django_scopes import scopes_disabled

from cooperatives.book_years import last_closed_book_year
from cooperatives.models import Cooperative
from meetings.models import Meeting, MeetingKind

ACTIVE_WINDOW_YEARS = 3  # active = a RAT in at least one of the last three book years


@dataclass(frozen=True)
class CityIndicators:
    as_of: date
    registered: int
    active: int
    rat_last_closed_year: int
    last_closed_book_year: int | None  # the most common one, for the page's caption

    @property
    def inactive(self):
        return self.registered - self.active


def city_indicators(*, as_of: date | None = None) -> CityIndicators:
    """Registered, active and "RAT for the last closed book year" counts as of a day.

    Each cooperative's book year may end in a different month, so the window is computed per
    distinct year-end month (at most 12 groups, each one aggregate query).
    """
    as_of = as_of or timezone.localdate()
    registered = active = rat_last = 0
    common_year, common_count = None, -1
    with scopes_disabled():
        months = Cooperative.objects.values("book_year_end_month").annotate(n=Count("id")).order_by()
        for row in months:
            month, count = row["book_year_end_month"], row["n"]
            last_year = last_closed_book_year(as_of, month)
            meetings = Meeting.objects.filter(cooperative=OuterRef("pk"), kind=MeetingKind.RAT, held_on__lte=as_of)
            figures = Cooperative.objects.filter(book_year_end_month=month).aggregate(
                registered=Count("id"),
                active=Count("id", filter=Q(Exists(meetings.filter(book_year__gt=last_year - ACTIVE_WINDOW_YEARS, book_year__lte=last_year)))),
                rat_last=Count("id", filter=Q(Exists(meetings.filter(book_year=last_year)))),
            )
            registered += figures["registered"]
            active += figures["active"]
            rat_last += figures["rat_last"]
            if count > common_count:
                common_year, common_count = last_year, count
    return CityIndicators(as_of, registered, active, rat_last, common_year)


def cooperative_registry(*, search: str = "", kecamatan_id=None, kind: str = "", status: str = "", as_of: date | None = None):
    """The registry as the city sees it: identity, kind, region, member count, last RAT and
    whether the cooperative is active. Counts only; no member's personal data."""
    from django.db.models import IntegerField, Max, Subquery
    from django.db.models.functions import Coalesce

    from members.models import Member, MemberStatus

    as_of = as_of or timezone.localdate()
    with scopes_disabled():
        member_count = (
            Member.objects.filter(cooperative=OuterRef("pk"), status=MemberStatus.ACTIVE)
            .order_by().values("cooperative").annotate(n=Count("id")).values("n")
        )
        last_rat = (
            Meeting.objects.filter(cooperative=OuterRef("pk"), kind=MeetingKind.RAT, held_on__lte=as_of)
            .order_by().values("cooperative").annotate(y=Max("book_year")).values("y")
        )
        rows = Cooperative.objects.select_related("kecamatan", "kelurahan").annotate(
            active_members=Coalesce(Subquery(member_count, output_field=IntegerField()), 0),
            last_rat_year=Subquery(last_rat, output_field=IntegerField()),
        )
        if search:
            rows = rows.filter(Q(name__icontains=search) | Q(legal_entity_number__icontains=search) | Q(nik_koperasi__icontains=search))
        if kecamatan_id:
            rows = rows.filter(kecamatan_id=kecamatan_id)
        if kind:
            rows = rows.filter(kind=kind)
        # "active" depends on each cooperative's own year end; December is by far the norm,
        # so the filter uses the window per year-end month like city_indicators does.
        if status in ("active", "inactive"):
            condition = Q()
            for month in rows.values_list("book_year_end_month", flat=True).distinct().order_by():
                last_year = last_closed_book_year(as_of, month)
                condition |= Q(book_year_end_month=month, last_rat_year__gt=last_year - ACTIVE_WINDOW_YEARS)
            # a cooperative that never held a RAT has no last year (NULL): inactive, explicitly
            rows = rows.filter(condition) if status == "active" else rows.filter(Q(last_rat_year__isnull=True) | ~condition)
        return rows.order_by("name")


def is_active(cooperative_row, as_of: date | None = None) -> bool:
    as_of = as_of or timezone.localdate()
    last_year = last_closed_book_year(as_of, cooperative_row.book_year_end_month)
    return cooperative_row.last_rat_year is not None and cooperative_row.last_rat_year > last_year - ACTIVE_WINDOW_YEARS
