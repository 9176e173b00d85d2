"""The city's pages (issue 6 items 1-3, 5 and bad input): dashboard, cooperative list with its
filters, sorts, htmx partial and downloads, compliance lists, a cooperative's profile and the
ODS workbook. Figures are built the way the portal keeps them (city.figures.rebuild_figures)."""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled
from openpyxl import load_workbook

from city.figures import rebuild_figures
from cooperatives.models import Kecamatan, Kelurahan
from meetings.models import Meeting
from members.models import Member
from portal.models import AuditEvent
from tests.factories import CooperativeFactory, MeetingFactory, MemberFactory, ensure_regions

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def city(client, make_user):
    client.force_login(make_user(role="city_staff"))
    return client


@pytest.fixture
def coops():
    """Four cooperatives in two kecamatan: one with a RAT for 2025 (active, reported), one with a
    RAT for 2023 only (active, 2025 overdue; 2024 and 2025 without), one that never held a RAT and
    has no NIK Koperasi, and a producer in another kecamatan."""
    ensure_regions()
    first_kel = Kelurahan.objects.order_by("code").first()
    other_kel = Kelurahan.objects.exclude(kecamatan=first_kel.kecamatan).order_by("code").first()
    sejahtera = CooperativeFactory(name="Koperasi Sejahtera", slug="ksp-sejahtera", nik_koperasi="3272010001", kelurahan=first_kel)
    melati = CooperativeFactory(name="Kopwan Melati", slug="kopwan-melati", nik_koperasi="3272010002", kelurahan=first_kel, kind="konsumen")
    tidur = CooperativeFactory(name="Koperasi Tidur", slug="koperasi-tidur", nik_koperasi="", kelurahan=first_kel, kind="jasa")
    tani = CooperativeFactory(name="Koperasi Tani Maju", slug="koperasi-tani-maju", nik_koperasi="3272020001", kelurahan=other_kel, kind="produsen")
    MeetingFactory(cooperative=sejahtera, book_year=2025, status="reported", reported_on=datetime.date(2026, 4, 1))
    MeetingFactory(cooperative=melati, book_year=2023)
    MeetingFactory(cooperative=tani, book_year=2025)
    MemberFactory.create_batch(3, cooperative=sejahtera)
    MemberFactory(cooperative=sejahtera, gender="P", full_name="Siti Rahasia", phone="+6281299990000")
    MemberFactory.create_batch(2, cooperative=tani)
    rebuild_figures()
    return {"sejahtera": sejahtera, "melati": melati, "tidur": tidur, "tani": tani, "kecamatan": first_kel.kecamatan, "kelurahan": first_kel}


def _stat(html, key):
    match = re.search(rf'data-indicator="{key}"><span class="stat-value">([^<]*)</span>', html)
    return match.group(1)


def _slugs(html):
    return re.findall(r'<tr data-slug="([^"]+)"', html)


def test_dashboard_shows_the_default_year_with_every_indicator(city, coops):
    response = city.get("/kota/", **EN)
    html = response.content.decode()
    assert response.status_code == 200 and 'data-year="2025"' in html
    assert (_stat(html, "registered"), _stat(html, "active"), _stat(html, "inactive")) == ("4", "3", "1")
    assert (_stat(html, "rat_held"), _stat(html, "members_total"), _stat(html, "members_women")) == ("2", "6", "1")
    for key in ("rat_overdue", "members_men", "distinct_persons", "total_savings", "total_assets", "own_capital",
                "outside_capital", "business_volume", "shu"):
        assert _stat(html, key)
    assert _stat(html, "total_assets").startswith("Rp ")
    for section in ("by-kecamatan", "by-kelurahan", "by-kind", "trend"):
        assert f'id="{section}"' in html
    assert html.count('role="img"') >= 5 and html.count('class="chart-data"') >= 5
    assert "style=" not in html
    assert f'?tahun=2025&amp;kecamatan={coops["kecamatan"].pk}' in html


def test_breakdown_pages(city, coops):
    kecamatan = coops["kecamatan"]
    html = city.get("/kota/rincian/kelurahan/", {"kecamatan": kecamatan.pk}, **EN).content.decode()
    rows = re.findall(r'<tr><th scope="row"><a href="[^"]*kelurahan=(\d+)[^"]*">', html)
    assert set(map(int, rows)) == set(kecamatan.kelurahan.values_list("pk", flat=True))
    assert f"kelurahan={coops['kelurahan'].pk}&amp;kecamatan={kecamatan.pk}" in html
    assert html.count('role="img"') == 3
    html = city.get("/kota/rincian/jenis/", {"tahun": "2025"}, **EN).content.decode()
    assert "jenis=produsen" in html and 'id="table-kind"' in html
    html = city.get("/kota/rincian/kecamatan/", **EN).content.decode()
    assert f"?tahun=2025&amp;kecamatan={kecamatan.pk}" in html
    assert city.get("/kota/rincian/rt/").status_code == 404
    for params in ({"kecamatan": "abc"}, {"tahun": "1900"}):
        bad = city.get("/kota/rincian/kelurahan/", params, **EN)
        assert bad.status_code == 200 and "data-problem" in bad.content.decode() and "breakdown-table" not in bad.content.decode()


def test_dashboard_for_another_year(city, coops):
    html = city.get("/kota/", {"tahun": "2023"}, **EN).content.decode()
    assert 'data-year="2023"' in html and _stat(html, "rat_held") == "1"


@pytest.mark.parametrize("year", ["1999", "abc", "2025x", "99999999999999999999"])
def test_dashboard_unknown_year_is_an_empty_result_with_a_message(city, coops, year):
    response = city.get("/kota/", {"tahun": year}, **EN)
    html = response.content.decode()
    assert response.status_code == 200
    assert "data-problem" in html and "data-indicator" not in html


def test_non_city_users_get_403_and_anonymous_the_login(client, make_user, coops):
    urls = ["/kota/", "/kota/koperasi/", "/kota/koperasi/unduh/xlsx/", "/kota/koperasi/unduh/csv/", "/kota/kepatuhan/",
            "/kota/rincian/kelurahan/",
            "/kota/kepatuhan/rat-terlambat/", "/kota/kepatuhan/aktif-tanpa-nik/unduh/csv/", "/kota/ods/unduh/",
            f"/kota/koperasi/{coops['sejahtera'].slug}/"]
    for url in urls:
        assert client.get(url).status_code == 302, url
    client.force_login(make_user(coops["sejahtera"], "manager"))
    for url in urls:
        assert client.get(url).status_code == 403, url
    client.force_login(make_user(coops["sejahtera"], "member"))
    for url in urls:
        assert client.get(url).status_code == 403, url


def test_list_filters(city, coops):
    def slugs(**params):
        return sorted(_slugs(city.get("/kota/koperasi/", params, **EN).content.decode()))

    assert slugs() == ["koperasi-tani-maju", "koperasi-tidur", "kopwan-melati", "ksp-sejahtera"]
    assert slugs(kecamatan=coops["kecamatan"].pk) == ["koperasi-tidur", "kopwan-melati", "ksp-sejahtera"]
    assert slugs(kelurahan=coops["kelurahan"].pk, jenis="konsumen") == ["kopwan-melati"]
    assert slugs(status="inactive") == ["koperasi-tidur"]
    assert slugs(status="active", rat="held") == ["koperasi-tani-maju", "ksp-sejahtera"]
    assert slugs(rat="overdue") == ["koperasi-tidur", "kopwan-melati"]
    assert slugs(q="3272010001") == ["ksp-sejahtera"]
    assert slugs(q="melati", tahun="2023") == ["kopwan-melati"]


@pytest.mark.parametrize("params", [
    {"kecamatan": "999999"}, {"kecamatan": "abc"}, {"kelurahan": "999999"}, {"jenis": "bank"}, {"status": "asleep"},
    {"rat": "maybe"}, {"tahun": "1800"}, {"tahun": "x"}, {"kecamatan": "99999999999999999999999"}, {"q": "nul\x00"},
])
def test_list_unknown_filters_give_an_empty_result_with_a_message(city, coops, params):
    response = city.get("/kota/koperasi/", params, **EN)
    html = response.content.decode()
    assert response.status_code == 200
    assert "data-problem" in html and 'data-count="0"' in html and _slugs(html) == []


def test_list_kelurahan_outside_the_kecamatan_is_refused(city, coops):
    other = Kecamatan.objects.exclude(pk=coops["kecamatan"].pk).first()
    html = city.get("/kota/koperasi/", {"kecamatan": other.pk, "kelurahan": coops["kelurahan"].pk}, **EN).content.decode()
    assert "data-problem" in html and _slugs(html) == []


def test_list_sorts_by_indicators_and_ignores_unknown_sorts(city, coops):
    def slugs(sort):
        return _slugs(city.get("/kota/koperasi/", {"urut": sort}, **EN).content.decode())

    assert slugs("-members_total")[:2] == ["ksp-sejahtera", "koperasi-tani-maju"]
    assert slugs("members_total")[-1] == "ksp-sejahtera"
    by_name = ["ksp-sejahtera", "koperasi-tani-maju", "koperasi-tidur", "kopwan-melati"]  # Koperasi Sejahtera first
    assert slugs("name") == by_name
    assert slugs("-name") == by_name[::-1]
    assert slugs("members_total; DROP TABLE") == by_name and slugs("-password") == by_name and slugs("") == by_name
    for field in ("kecamatan", "kind", "members_men", "members_women", "managers", "total_savings", "total_assets",
                  "own_capital", "outside_capital", "business_volume", "shu", "rat_held_on"):
        assert sorted(slugs(field)) == sorted(by_name) and sorted(slugs(f"-{field}")) == sorted(by_name), field
    html = city.get("/kota/koperasi/", {"urut": "-members_total"}, **EN).content.decode()
    assert 'aria-sort="descending"' in html


def test_list_htmx_returns_only_the_results(city, coops):
    response = city.get("/kota/koperasi/", {"jenis": "produsen"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="city-results", **EN)
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html and _slugs(html) == ["koperasi-tani-maju"]


def test_list_paginates(city, coops):
    CooperativeFactory.create_batch(30)
    rebuild_figures()
    first = city.get("/kota/koperasi/", **EN).content.decode()
    second = city.get("/kota/koperasi/", {"halaman": 2}, **EN).content.decode()
    assert len(_slugs(first)) == 25 and len(_slugs(second)) == 9 and not set(_slugs(first)) & set(_slugs(second))
    assert 'data-count="34"' in first


def _workbook_rows(content):
    rows = [list(r) for r in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == "Name")
    return rows[start], rows[start + 1:]


def test_list_exports_the_filtered_rows_as_xlsx_and_csv(city, coops):
    params = {"kecamatan": coops["kecamatan"].pk, "urut": "-members_total"}
    response = city.get("/kota/koperasi/unduh/xlsx/", params, **EN)
    assert response.status_code == 200 and response["Content-Disposition"] == 'attachment; filename="koperasi-2025.xlsx"'
    header, rows = _workbook_rows(response.content)
    assert [r[0] for r in rows][0] == "Koperasi Sejahtera" and len(rows) == 3  # the list's sort: most members first
    assert sorted(r[0] for r in rows[1:]) == ["Koperasi Tidur", "Kopwan Melati"]
    assert dict(zip(header, rows[0]))["Members"] == 4
    response = city.get("/kota/koperasi/unduh/csv/", {"jenis": "produsen"}, **EN)
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in table[1:]] == ["Koperasi Tani Maju"]
    with scopes_disabled():
        events = list(AuditEvent.objects.filter(action="city.export").order_by("pk"))
    assert [e.changes["format"][1] for e in events] == ["xlsx", "csv"]
    assert events[1].changes["filters"] == [None, {"jenis": "produsen"}]
    assert city.get("/kota/koperasi/unduh/pdf/").status_code == 404


def test_list_export_with_a_bad_filter_goes_back_to_the_list_with_the_message(city, coops):
    response = city.get("/kota/koperasi/unduh/xlsx/", {"jenis": "bank"}, follow=True, **EN)
    assert response.redirect_chain[0][0].startswith("/kota/koperasi/?jenis=bank")
    assert "data-problem" in response.content.decode()


def test_compliance_lists_and_their_downloads(city, coops):
    html = city.get("/kota/kepatuhan/", **EN).content.decode()
    sections = dict(re.findall(r'id="(rat_overdue|two_years_without_rat|active_without_nik)" data-count="(\d+)"', html))
    assert sections == {"rat_overdue": "2", "two_years_without_rat": "2", "active_without_nik": "0"}
    overdue = city.get("/kota/kepatuhan/rat-terlambat/", **EN).content.decode()
    assert 'data-count="2"' in overdue and "Koperasi Tidur" in overdue and "Kopwan Melati" in overdue
    response = city.get("/kota/kepatuhan/dua-tahun-tanpa-rat/unduh/xlsx/", **EN)
    header, rows = _workbook_rows(response.content)
    assert sorted(r[0] for r in rows) == ["Koperasi Tidur", "Kopwan Melati"]
    response = city.get("/kota/kepatuhan/rat-terlambat/unduh/csv/", **EN)
    assert response.status_code == 200 and "Koperasi Tidur" in response.content.decode("utf-8-sig")
    assert city.get("/kota/kepatuhan/tidak-ada/").status_code == 404
    assert city.get("/kota/kepatuhan/rat-terlambat/unduh/pdf/").status_code == 404
    bad = city.get("/kota/kepatuhan/rat-terlambat/", {"tahun": "abc"}, **EN)
    assert bad.status_code == 200 and "data-problem" in bad.content.decode()


def test_active_without_nik(city, coops):
    with scopes_disabled():
        MeetingFactory(cooperative=coops["tidur"], book_year=2024)
    rebuild_figures(cooperatives=[coops["tidur"]])
    html = city.get("/kota/kepatuhan/aktif-tanpa-nik/", **EN).content.decode()
    assert _slugs(html) == ["koperasi-tidur"]


def test_cooperative_profile_without_member_data(city, coops):
    coop = coops["sejahtera"]
    response = city.get(f"/kota/koperasi/{coop.slug}/", **EN)
    html = response.content.decode()
    assert response.status_code == 200 and "3272010001" in html and coop.legal_entity_number in html
    assert 'id="profile-figures"' in html and "2025" in html
    with scopes_disabled():
        meeting = Meeting.objects.get(cooperative=coop)
    assert f"/kota/koperasi/{coop.slug}/rat/{meeting.pk}/dokumen/" in html
    assert "Siti Rahasia" not in html and "81299990000" not in html and "style=" not in html
    assert city.get("/kota/koperasi/tidak-ada/").status_code == 404


def test_ods_export_has_a_row_per_counted_cooperative(city, coops):
    response = city.get("/kota/ods/unduh/", {"tahun": "2025"}, **EN)
    assert response.status_code == 200 and response["Content-Disposition"] == 'attachment; filename="ods-koperasi-2025.xlsx"'
    header, rows = _workbook_rows(response.content)
    assert header[7:] == ["Active", "RAT held", "NIK certificate", "Members, men", "Members, women", "Managers", "Employees",
                          "Own capital", "Outside capital", "Business volume", "SHU", "Total assets"]
    by_name = {r[0]: dict(zip(header, r)) for r in rows}
    assert [r[0] for r in rows] == ["Koperasi Sejahtera", "Koperasi Tani Maju", "Koperasi Tidur", "Kopwan Melati"]
    assert by_name["Koperasi Sejahtera"]["RAT held"] == "Yes" and by_name["Koperasi Sejahtera"]["Members, women"] == 1
    assert by_name["Koperasi Tidur"]["Active"] == "No" and by_name["Koperasi Tidur"]["NIK certificate"] == "No"
    with scopes_disabled():
        event = AuditEvent.objects.get(action="city.export")
    assert event.changes["export"] == [None, "ods"] and event.changes["rows"] == [None, 4]
    bad = city.get("/kota/ods/unduh/", {"tahun": "1700"}, follow=True, **EN)
    assert bad.redirect_chain == [("/kota/", 302)] and "There are no figures for book year 1700." in bad.content.decode()


def test_no_city_page_shows_a_members_personal_data(city, coops):
    with scopes_disabled():
        members = list(Member.objects.all())
    pages = ["/kota/", "/kota/koperasi/", "/kota/kepatuhan/", f"/kota/koperasi/{coops['sejahtera'].slug}/",
             f"/kota/koperasi/{coops['tani'].slug}/", "/kota/kepatuhan/rat-terlambat/"]
    for url in pages:
        html = city.get(url, **EN).content.decode()
        for member in members:
            assert member.full_name not in html and member.nik_ktp not in html and member.phone.removeprefix("+62") not in html, url


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_the_number_of_cooperatives(city, coops):
    urls = ["/kota/", "/kota/koperasi/", "/kota/kepatuhan/", "/kota/kepatuhan/rat-terlambat/", "/kota/rincian/kelurahan/",
            f"/kota/koperasi/{coops['sejahtera'].slug}/"]
    before = {url: _queries(city, url) for url in urls}
    for coop in CooperativeFactory.create_batch(40):
        MeetingFactory(cooperative=coop, book_year=2024)
        MemberFactory(cooperative=coop)
    rebuild_figures()
    after = {url: _queries(city, url) for url in urls}
    assert after == before
    assert after["/kota/"] <= 15 and after["/kota/koperasi/"] <= 12 and after["/kota/kepatuhan/"] <= 12
    print("queries:", after)


def test_a_dissolved_cooperative_leaves_the_counts_but_keeps_its_history(city, coops):
    from cooperatives.models import Cooperative

    Cooperative.objects.filter(pk=coops["tidur"].pk).update(registry_status="dissolved", registry_status_on=datetime.date(2025, 6, 30))
    Cooperative.objects.filter(pk=coops["melati"].pk).update(
        registry_status="merged", registry_status_on=datetime.date(2026, 2, 1), merged_into=coops["sejahtera"])
    rebuild_figures()
    html = city.get("/kota/", **EN).content.decode()
    assert _stat(html, "registered") == "3"  # dissolved in 2025: not counted for 2025; merged in 2026: still counted
    assert sorted(_slugs(city.get("/kota/koperasi/", {"status": "dissolved"}, **EN).content.decode())) == ["koperasi-tidur"]
    assert "koperasi-tidur" not in _slugs(city.get("/kota/koperasi/", **EN).content.decode())
    assert sorted(_slugs(city.get("/kota/koperasi/", {"status": "merged"}, **EN).content.decode())) == ["kopwan-melati"]
    profile = city.get("/kota/koperasi/kopwan-melati/", **EN).content.decode()
    assert 'id="registry-status"' in profile and "Merged into Koperasi Sejahtera on 1 Feb 2026" in profile
    assert 'id="registry-status"' in city.get("/kota/koperasi/koperasi-tidur/", **EN).content.decode()
    header, rows = _workbook_rows(city.get("/kota/ods/unduh/", **EN).content)
    assert "Koperasi Tidur" not in [r[0] for r in rows] and len(rows) == 3
