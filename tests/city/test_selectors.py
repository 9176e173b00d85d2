"""city/selectors.py on top of the city figures: definitions, filters, bad input, query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from city import selectors
from city.figures import rebuild_figures
from cooperatives.models import CooperativeKind, Kelurahan
from members.models import MemberStatus
from tests.factories import CooperativeFactory, MeetingFactory, MemberFactory, ensure_regions, next_nik

pytestmark = pytest.mark.django_db
D = datetime.date


def held(cooperative, *book_years):
    for year in book_years:
        MeetingFactory(cooperative=cooperative, book_year=year, held_on=D(year + 1, 3, 20), reported_on=D(year + 1, 4, 2),
                       status="reported")


@pytest.fixture
def regions():
    ensure_regions()
    first = Kelurahan.objects.select_related("kecamatan").order_by("code").first()
    second = Kelurahan.objects.select_related("kecamatan").exclude(kecamatan=first.kecamatan).order_by("code").first()
    return first, second


@pytest.fixture
def city(regions):
    """Y = the last closed book year. Six cooperatives in two kecamatan:
    a: RAT for Y (active, held)            b: RAT for Y-2 only (active, overdue for Y)
    c: never a RAT, no NIK Koperasi        d: RAT Y-4, dissolved in Y-1
    e: RAT for Y, merged into a in Y       f: RAT for Y-1, konsumen, other kecamatan, founded in Y-1
    """
    k1, k2 = regions
    y = selectors.default_year()
    make = lambda **kw: CooperativeFactory(kelurahan=kw.pop("kelurahan", k1), kecamatan=kw.pop("kecamatan", k1.kecamatan),
                                           founded_on=kw.pop("founded_on", D(y - 6, 1, 10)), nik_koperasi=kw.pop("nik", "3272010001"), **kw)
    a, b, c = make(name="A"), make(name="B"), make(name="C", nik="")
    d = make(name="D", registry_status="dissolved", registry_status_on=D(y - 1, 6, 1))
    e = make(name="E", registry_status="merged", registry_status_on=D(y, 8, 1), merged_into=a)
    f = make(name="F", kind=CooperativeKind.KONSUMEN, kelurahan=k2, kecamatan=k2.kecamatan, founded_on=D(y - 1, 2, 1))
    held(a, y - 1, y)
    held(b, y - 2)
    held(d, y - 4)
    held(e, y)
    held(f, y - 1)
    # members: a 3 (one woman, one left during Y), b 2, f 1 who is also a's member (one person)
    shared = next_nik("P")
    MemberFactory(cooperative=a, gender="P", nik_ktp=shared, joined_on=D(y - 3, 1, 1))
    MemberFactory(cooperative=a, gender="L", joined_on=D(y - 3, 1, 1))
    MemberFactory(cooperative=a, gender="L", joined_on=D(y - 3, 1, 1), status=MemberStatus.LEFT, left_on=D(y, 5, 1))
    MemberFactory(cooperative=b, gender="L", joined_on=D(y - 3, 1, 1), nik_ktp="")
    MemberFactory(cooperative=b, gender="P", joined_on=D(y, 12, 31))
    MemberFactory(cooperative=f, gender="P", nik_ktp=shared, joined_on=D(y - 1, 3, 1))
    MemberFactory(cooperative=d, gender="L", nik_ktp=shared, joined_on=D(y - 5, 3, 1))  # dissolved: not counted
    rebuild_figures()
    return {"y": y, "a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "k1": k1, "k2": k2}


def test_default_year_is_the_last_closed_book_year():
    today = timezone.localdate()
    assert selectors.default_year() == today.year - 1


def test_indicators_of_the_year(city):
    y = city["y"]
    ind = selectors.indicators(y)
    assert (ind.registered, ind.active, ind.inactive, ind.rat_held) == (4, 3, 1, 1)  # a b c f (d dissolved, e merged); c inactive
    assert (ind.members_men, ind.members_women, ind.members_total) == (2, 3, 5)
    assert ind.distinct_persons == 4  # the shared NIK in a and f is one person; b's member without NIK counts once


def test_rat_overdue_only_after_the_deadline(city):
    y = city["y"]
    today = timezone.localdate()
    from meetings.services import rat_deadline

    def expected():  # b, c and f held no RAT for Y
        return sum(1 for c in (city["b"], city["c"], city["f"]) if rat_deadline(c, y) < today)

    assert selectors.indicators(y).rat_overdue == expected()
    assert selectors.indicators(y - 1).rat_overdue == 3  # b, c, e: deadlines in Y, passed
    city["b"].rat_deadline_months = 12  # until the end of Y+1: not overdue yet
    city["b"].save()
    rebuild_figures(cooperatives=[city["b"]])
    assert selectors.indicators(y).rat_overdue == expected()
    assert "B" not in [r.name for r in selectors.cooperative_rows(y, rat_status="overdue")]


def test_dissolved_and_merged_count_only_before_their_status_date(city):
    y = city["y"]
    assert selectors.indicators(y - 2).registered == 5  # a b c d e (f not founded yet)
    assert selectors.indicators(y - 2).registered == len(selectors.cooperative_rows(y - 2))
    names = lambda year, **kw: [r.name for r in selectors.cooperative_rows(year, **kw)]
    assert "D" in names(y - 2) and "D" not in names(y - 1)  # dissolved in Y-1
    assert "E" in names(y - 1) and "E" not in names(y)  # merged in Y
    assert names(y, status="dissolved") == ["D"] and names(y, status="merged") == ["E"]


def test_active_window_is_a_setting(city, settings):
    y = city["y"]
    # b's only RAT is for Y-2: active for Y with the three-year window, not with two
    assert [r.name for r in selectors.cooperative_rows(y, status="active")] == ["A", "B", "F"]
    settings.CITY_ACTIVE_WINDOW_YEARS = 2
    assert [r.name for r in selectors.cooperative_rows(y, status="active")] == ["A", "F"]
    assert selectors.indicators(y).active == 2
    # d's RAT for Y-4 keeps it active through Y-2 (window 3)
    settings.CITY_ACTIVE_WINDOW_YEARS = 3
    assert "D" in [r.name for r in selectors.cooperative_rows(y - 2, status="active")]


def test_filters_by_kecamatan_kelurahan_and_kind(city):
    y, k1, k2 = city["y"], city["k1"], city["k2"]
    assert selectors.indicators(y, kecamatan_id=k2.kecamatan_id).registered == 1
    assert selectors.indicators(y, kecamatan_id=str(k1.kecamatan_id)).registered == 3
    assert selectors.indicators(y, kelurahan_id=k2.pk).members_total == 1
    assert selectors.indicators(y, kind=CooperativeKind.KONSUMEN).registered == 1
    # within one kecamatan the person shared with the other kecamatan is counted once there
    assert selectors.indicators(y, kecamatan_id=k1.kecamatan_id).distinct_persons == 4
    assert [r.name for r in selectors.cooperative_rows(y, kecamatan_id=k2.kecamatan_id)] == ["F"]
    assert [r.name for r in selectors.cooperative_rows(y, search="a")] == ["A"]


@pytest.mark.parametrize("bad", [
    {"year": 1800}, {"year": "abc"}, {"year": None}, {"kecamatan_id": 999999}, {"kecamatan_id": "abc"},
    {"kelurahan_id": "1; drop"}, {"kind": "unknown"},
])
def test_unknown_year_or_filter_gives_an_empty_result_not_an_error(city, bad):
    args = {"year": city["y"], **bad}
    year = args.pop("year")
    ind = selectors.indicators(year, **args)
    assert ind.registered == ind.members_total == ind.distinct_persons == 0
    assert list(selectors.cooperative_rows(year, **args)) == []


def test_unknown_status_rat_status_and_breakdown_are_empty_unknown_sort_is_ignored(city):
    y = city["y"]
    assert list(selectors.cooperative_rows(y, status="bogus")) == []
    assert list(selectors.cooperative_rows(y, rat_status="bogus")) == []
    assert selectors.breakdown(y, "bogus") == []
    assert selectors.trend("abc") == []
    assert [r.name for r in selectors.cooperative_rows(y, sort="password")] == ["A", "B", "C", "F"]
    assert [r.name for r in selectors.cooperative_rows(y, sort="-__class__")] == ["A", "B", "C", "F"]


def test_sort_by_indicators(city):
    y = city["y"]
    rows = list(selectors.cooperative_rows(y, sort="-members_total"))
    assert [r.name for r in rows] == ["A", "B", "F", "C"]  # 2, 2 (by name), 1, 0
    assert [r.members_total for r in rows] == [2, 2, 1, 0]
    assert [r.name for r in selectors.cooperative_rows(y, sort="kind")][0] == "F"  # konsumen < simpan_pinjam
    assert [r.name for r in selectors.cooperative_rows(y, sort="-kind")][-1] == "F"
    assert rows[0].active and rows[0].rat_status == "held" and rows[0].book_year == y


def test_rat_status_filter_and_compliance(city):
    y = city["y"]
    assert [r.name for r in selectors.cooperative_rows(y, rat_status="held")] == ["A"]
    overdue = [r.name for r in selectors.cooperative_rows(y, rat_status="overdue")]
    not_due = [r.name for r in selectors.cooperative_rows(y, rat_status="not_due")]
    assert sorted(overdue + not_due) == ["B", "C", "F"]
    compliance = selectors.compliance(y - 1)  # deadlines of Y-1 have passed whatever today is
    assert [r.name for r in compliance.rat_overdue] == ["B", "C", "E"]
    assert [r.name for r in compliance.two_years_without_rat] == ["C", "E"]  # b held one for Y-2, e only for Y
    assert [r.name for r in selectors.compliance(y).two_years_without_rat] == (["B", "C"] if "B" in overdue else ["C"])
    assert [r.name for r in compliance.active_without_nik] == []
    held(city["c"], y - 1)
    rebuild_figures(cooperatives=[city["c"]])
    assert [r.name for r in selectors.compliance(y - 1).active_without_nik] == ["C"]


def test_breakdown_and_trend(city):
    y = city["y"]
    total = selectors.indicators(y)
    by_kecamatan = selectors.breakdown(y, "kecamatan")
    assert sum(r.indicators.registered for r in by_kecamatan) == total.registered
    assert sum(r.indicators.members_total for r in by_kecamatan) == total.members_total
    assert {r.key: r.indicators.registered for r in by_kecamatan if r.indicators.registered} == {
        city["k1"].kecamatan_id: 3, city["k2"].kecamatan_id: 1}
    assert sum(r.indicators.distinct_persons for r in by_kecamatan) == total.distinct_persons + 1  # one person in both
    by_kind = selectors.breakdown(y, "kind")
    assert {r.key for r in by_kind} == set(CooperativeKind.values)
    assert sum(r.indicators.registered for r in selectors.breakdown(y, "kelurahan")) == total.registered
    trend = selectors.trend(y)
    assert [r.year for r in trend] == list(range(y - 4, y + 1))
    assert trend[-1].indicators == total
    assert trend[-3].indicators == selectors.indicators(y - 2)
    assert selectors.available_years()[0] == y + 1 and y - 6 in selectors.available_years()


def test_profile_has_figures_and_rat_history_but_no_member(city):
    profile = selectors.cooperative_profile(city["a"], years=3)
    y = city["y"]
    assert profile.years == [y - 1, y, y + 1]
    assert [m.book_year for m in profile.rat_history] == [y, y - 1] and profile.rat_history[0].has_report is False
    assert profile.figures[1].active and profile.figures[1].counted and profile.figures[1].members_total == 2


def _queries(fn):
    with CaptureQueriesContext(connection) as captured:
        result = fn()
        if hasattr(result, "__iter__") and not isinstance(result, (str, dict)):
            list(result)
    return len(captured)


SELECTORS = {
    "indicators": lambda y, k: selectors.indicators(y, kecamatan_id=k),
    "breakdown_kecamatan": lambda y, k: selectors.breakdown(y, "kecamatan"),
    "breakdown_kind": lambda y, k: selectors.breakdown(y, "kind"),
    "trend": lambda y, k: selectors.trend(y),
    "rows": lambda y, k: selectors.cooperative_rows(y, sort="-total_assets"),
    "compliance": lambda y, k: [list(v) for v in vars(selectors.compliance(y)).values()],
    "years": lambda y, k: selectors.available_years(),
}
BUDGETS = {"indicators": 2, "breakdown_kecamatan": 3, "breakdown_kind": 2, "trend": 2, "rows": 1, "compliance": 3, "years": 1}


@pytest.mark.parametrize("name", sorted(SELECTORS))
def test_query_count_does_not_grow_with_the_cooperatives(city, name):
    y, k = city["y"], city["k1"].kecamatan_id
    few = _queries(lambda: SELECTORS[name](y, k))
    for index in range(10):
        coop = CooperativeFactory(founded_on=D(y - 3, 1, 1))
        held(coop, y - index % 3)
        MemberFactory(cooperative=coop)
    rebuild_figures()
    assert _queries(lambda: SELECTORS[name](y, k)) == few <= BUDGETS[name]


def test_profile_query_count(city):
    assert _queries(lambda: selectors.cooperative_profile(city["a"])) <= 3
