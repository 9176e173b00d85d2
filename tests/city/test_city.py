import datetime

import pytest
from django_scopes import scopes_disabled

from city.figures import rebuild_figures
from city.selectors import cooperative_rows, indicators
from cooperatives import access
from cooperatives.models import Cooperative, Kelurahan
from tests.factories import MeetingFactory, CooperativeFactory, MemberFactory

pytestmark = pytest.mark.django_db

YEAR = 2025  # a closed book year whose RATs (held in March 2026) are in the past


def test_indicators_count_registered_active_and_last_year_rat():
    fresh = CooperativeFactory()              # RAT for 2025 → active, RAT that year
    MeetingFactory(cooperative=fresh, book_year=2025)
    older = CooperativeFactory()              # RAT for 2023 only → active, no RAT that year
    MeetingFactory(cooperative=older, book_year=2023)
    lapsed = CooperativeFactory()             # RAT for 2022 → not active
    MeetingFactory(cooperative=lapsed, book_year=2022)
    CooperativeFactory()                      # never → not active
    rebuild_figures()  # the factories bypass the services that keep the city's figures
    figures = indicators(YEAR)
    assert (figures.registered, figures.active, figures.rat_held) == (4, 2, 1)


def test_book_year_end_month_moves_the_window():
    june = CooperativeFactory(book_year_end_month=6)  # book year 2026 ended 30 Jun 2026
    MeetingFactory(cooperative=june, book_year=2026, held_on=datetime.date(2026, 10, 1))
    rebuild_figures()
    assert indicators(2026).rat_held == 1 and indicators(YEAR).rat_held == 0
    assert [(r.year_end, r.rat_held_on) for r in cooperative_rows(2026)] == [(datetime.date(2026, 6, 30), datetime.date(2026, 10, 1))]


def test_a_rat_dated_in_the_future_does_not_count():
    coop = CooperativeFactory()
    MeetingFactory(cooperative=coop, book_year=2025, held_on=datetime.date(2099, 1, 1))
    rebuild_figures()
    assert indicators(YEAR).rat_held == 0


def test_registry_filters_and_counts_without_personal_data(client, make_user):
    active = CooperativeFactory(name="KSP Aktif")
    MeetingFactory(cooperative=active, book_year=2025)
    MemberFactory.create_batch(2, cooperative=active)
    member = MemberFactory(cooperative=active, full_name="Nama Rahasia Sekali")
    CooperativeFactory(name="Kopkar Tidur")
    rebuild_figures()  # the factories bypass the services that keep the city's figures
    rows = list(cooperative_rows(YEAR, status="active"))
    assert [r.name for r in rows] == ["KSP Aktif"] and rows[0].members_total == 3
    assert [r.name for r in cooperative_rows(YEAR, status="inactive")] == ["Kopkar Tidur"]

    client.force_login(make_user(role="city_staff"))
    page = client.get("/kota/koperasi/").content.decode()
    assert "KSP Aktif" in page and "Kopkar Tidur" in page
    assert member.full_name not in page and member.phone not in page
    assert client.get("/kota/koperasi/", {"q": "tidur"}).content.decode().count("<tr data-slug=") == 1


def test_only_city_admin_registers_cooperatives(client, make_user):
    client.force_login(make_user(role="city_staff"))
    assert client.get("/kota/koperasi/baru/").status_code == 403
    client.force_login(make_user(role="city_admin"))
    assert client.get("/kota/koperasi/baru/").status_code == 200


def test_registration_errors_are_per_field_and_write_nothing(client, make_user):
    client.force_login(make_user(role="city_admin"))
    other = Kelurahan.objects.exclude(kecamatan__name="Baros").first()
    from cooperatives.models import Kecamatan

    response = client.post("/kota/koperasi/baru/", {
        "name": "Koperasi Salah", "kind": "jasa", "kecamatan": Kecamatan.objects.get(name="Baros").pk,
        "kelurahan": other.pk, "manager_name": "X", "manager_phone": "123",
    })
    assert response.status_code == 400
    form = response.context["form"]
    assert "kelurahan" in form.errors and "manager_phone" in form.errors
    assert not Cooperative.objects.filter(name="Koperasi Salah").exists()
