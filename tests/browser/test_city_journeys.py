"""Issue 6's city journey in a real Chromium, at phone (390×844) and desktop (1280×800) size:
city staff open the dashboard, filter the cooperative list to one kecamatan (htmx), open a
cooperative's profile and download the ODS workbook, which reads back with openpyxl. axe on
every page, no console error (a CSP violation is one), screenshots in var/test-artifacts/."""

import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from city.figures import rebuild_figures
from city.models import CooperativeYearFigures
from cooperatives.models import Kelurahan
from tests.factories import CityRoleFactory, CooperativeFactory, MeetingFactory, MemberFactory, UserFactory, ensure_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Dinas-Kota-2026!"
SIZES = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}, "is_mobile": False, "has_touch": False, "device_scale_factor": 1},
}


@pytest.fixture
def city_data(transactional_db):
    ensure_regions()
    kelurahan = list(Kelurahan.objects.select_related("kecamatan").order_by("code"))
    first = kelurahan[0]
    other = next(k for k in kelurahan if k.kecamatan_id != first.kecamatan_id)
    coops = []
    for index, (name, kind, kel, rat_year) in enumerate([
        ("Koperasi Simpan Pinjam Sejahtera", "simpan_pinjam", first, 2025),
        ("Koperasi Wanita Melati", "konsumen", first, 2023),
        ("Koperasi Jasa Tidur", "jasa", first, None),
        ("Koperasi Tani Maju", "produsen", other, 2025),
        ("Koperasi Pemasaran Cikole", "pemasaran", other, 2024),
    ]):
        coop = CooperativeFactory(name=name, slug=f"kota-{index}", kind=kind, kelurahan=kel,
                                  nik_koperasi=f"32720100{index:02d}" if index != 2 else "")
        if rat_year:
            MeetingFactory(cooperative=coop, book_year=rat_year, status="reported" if index == 0 else "held")
        MemberFactory.create_batch(3 + index, cooperative=coop)
        MemberFactory(cooperative=coop, gender="P")
        coops.append(coop)
    rebuild_figures()
    # the books' amounts at a city's scale (the factories post no journal): long Rupiah figures must fit a phone
    CooperativeYearFigures.objects.update(
        total_savings=Decimal("14347805458"), total_assets=Decimal("190131951580.50"), own_capital=Decimal("16117811580"),
        outside_capital=Decimal("2895383578"), business_volume=Decimal("16985202500"), shu=Decimal("-2018055700"))
    staff = UserFactory(full_name="Staf Dinas Koperasi")
    staff.set_password(PASSWORD)
    staff.save()
    CityRoleFactory(user=staff, role="city_staff")
    return {"staff": staff, "coops": coops, "kecamatan": first.kecamatan}


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_city_staff_dashboard_filter_profile_and_ods(size, city_data, browser, browser_context_args, live_server,
                                                       check_a11y, screenshot, assert_styled):
    context = browser.new_context(**{**browser_context_args, **SIZES[size], "accept_downloads": True})
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(f"console: {msg.text}"))
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))

    def seen(name):
        page.wait_for_load_state("load")
        assert_styled(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= SIZES[size]["viewport"]["width"], f"{name} scrolls sideways at {size} size ({width} px)"
        screenshot(page, f"city-{size}-{name}")
        check_a11y(page, f"city-{size}-{name}")

    staff = city_data["staff"]
    page.goto(live_server.url + "/akun/login/")
    form = page.locator("main form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill("0" + staff.phone.removeprefix("+62"))
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")

    # the dashboard: the last closed book year, its indicators and charts
    page.goto(live_server.url + "/kota/")
    expect(page.locator("#indicators")).to_have_attribute("data-year", "2025")
    expect(page.locator('[data-indicator="registered"] .stat-value')).to_have_text("5")
    expect(page.locator('[data-indicator="active"] .stat-value')).to_have_text("4")
    expect(page.locator('[data-indicator="rat_held"] .stat-value')).to_have_text("2")
    assert page.locator("svg.chart-svg[role=img]").count() >= 5
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES[size]["viewport"]["width"], f"the dashboard scrolls sideways at {size} size ({width} px)"
    page.locator("details.chart-data summary").first.click()
    expect(page.locator("details.chart-data table").first).to_be_visible()
    seen("dashboard")

    # the list, filtered to one kecamatan (htmx swaps the results in place)
    page.goto(live_server.url + "/kota/koperasi/")
    expect(page.locator("#result-count")).to_have_attribute("data-count", "5")
    seen("list")
    kecamatan = city_data["kecamatan"]
    page.select_option("select[name=kecamatan]", str(kecamatan.pk))
    expect(page.locator("#result-count")).to_have_attribute("data-count", "3")
    assert f"kecamatan={kecamatan.pk}" in page.url  # hx-push-url: the filtered list has an address
    rows = page.locator("#cooperative-table tbody tr")
    expect(rows).to_have_count(3)
    seen("list-one-kecamatan")

    # sorted by members, largest first, through the sort select
    page.select_option("select[name=urut]", "-members_total")
    expect(page.locator("#cooperative-table tbody tr").first).to_have_attribute("data-slug", "kota-2")

    # a cooperative's profile
    page.locator("#cooperative-table tbody tr[data-slug=kota-0] a").first.click()
    page.wait_for_url(re.compile(r"/kota/koperasi/kota-0/$"))
    expect(page.locator("h1")).to_have_text("Koperasi Simpan Pinjam Sejahtera")
    expect(page.locator("#profile-figures")).to_be_visible()
    expect(page.locator("#rat-history-table a[href*='/dokumen/']")).to_have_count(1)
    seen("profile")

    # the compliance lists and the breakdown by kelurahan (axe and screenshots)
    page.goto(live_server.url + "/kota/kepatuhan/")
    expect(page.locator("#rat_overdue")).to_have_attribute("data-count", "3")
    seen("compliance")
    page.goto(f"{live_server.url}/kota/rincian/kelurahan/?kecamatan={kecamatan.pk}")
    expect(page.locator("#table-kelurahan")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= SIZES[size]["viewport"]["width"], f"the breakdown scrolls sideways at {size} size ({width} px)"
    seen("by-kelurahan")

    # the ODS workbook from the dashboard
    page.goto(live_server.url + "/kota/")
    with page.expect_download() as info:
        page.locator("#ods-download").click()
    download = info.value
    assert download.suggested_filename == "ods-koperasi-2025.xlsx"
    sheet = load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0]]
    names = [r[0] for r in rows]
    for coop in city_data["coops"]:
        assert coop.name in names
    context.close()
    assert not problems, problems


def test_the_list_filters_without_javascript(city_data, browser, browser_context_args, live_server):
    """The same filter form as a plain GET: no htmx, the whole page comes back filtered."""
    context = browser.new_context(**{**browser_context_args, "java_script_enabled": False})
    page = context.new_page()
    staff = city_data["staff"]
    page.goto(live_server.url + "/akun/login/")
    form = page.locator("main form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill("0" + staff.phone.removeprefix("+62"))
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    page.goto(live_server.url + "/kota/koperasi/")
    page.select_option("select[name=jenis]", "produsen")
    page.select_option("select[name=urut]", "-members_total")
    page.locator("form.city-filters button[type=submit]").click()
    page.wait_for_load_state("load")
    assert "jenis=produsen" in page.url and "urut=-members_total" in page.url
    expect(page.locator("#result-count")).to_have_attribute("data-count", "1")
    expect(page.locator("#cooperative-table tbody tr")).to_have_attribute("data-slug", "kota-3")
    context.close()
