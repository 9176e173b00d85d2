"""Journeys of issue 6's registry and open data in a real Chromium at phone size: the public
open-data page without a login, and the city admin registering a cooperative whose first manager
accepts the invitation on their phone. axe on every page, screenshots in var/test-artifacts/."""

import re

import pytest
from playwright.sync_api import expect

from cooperatives.models import Cooperative, Kelurahan
from tests.browser.test_smoke_journeys import path_of, visit  # noqa: F401 (a fixture)
from tests.factories import CityRoleFactory, UserFactory, ensure_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def small_city(transactional_db):
    """Figures of a few cooperatives: two kecamatan with enough, one with a single cooperative."""
    from tests.city.figures_rows import cooperative_with_figures

    ensure_regions()
    for i in range(6):
        cooperative_with_figures(kecamatan="Baros", name=f"KSP Baros {i}", kind="simpan_pinjam" if i < 4 else "konsumen")
    for i in range(5):
        cooperative_with_figures(kecamatan="Cikole", name=f"KSP Cikole {i}", kind="konsumen" if i < 3 else "jasa")
    cooperative_with_figures(kecamatan="Citamiang", name="KSP Citamiang", men=2, women=2)


@pytest.fixture
def city_admin(transactional_db):
    ensure_regions()
    user = UserFactory(email="admin.uji@example.org")
    CityRoleFactory(user=user, role="city_admin")
    return {"login": user.email, "password": "rahasia-123"}


def test_anyone_reads_the_open_data_with_small_cells_hidden(page, visit, small_city):  # noqa: F811
    visit.goto("/data-terbuka/?year=2025", "open-data")
    expect(page.locator("#open-data-year-title")).to_be_visible()
    expect(page.locator("#suppression-note")).to_be_visible()
    assert page.locator("table.open-data-table").count() == 2
    assert page.locator("td[data-suppressed]").count() >= 1, "the demo city has small cells; none was hidden"
    page.locator("#id_year").fill("1900")
    page.locator("#open-data-year button[type=submit]").click()
    page.wait_for_load_state("load")
    visit.seen("open-data-unknown-year")
    expect(page.locator("#open-data-message")).to_be_visible()


def test_city_admin_registers_a_cooperative_and_its_first_manager_accepts(page, visit, city_admin, browser):  # noqa: F811
    admin = city_admin
    visit.login(admin["login"], admin["password"])
    visit.goto("/kota/koperasi/baru/", "registry-new")
    kelurahan = Kelurahan.objects.select_related("kecamatan").get(name="Nyomplong")
    page.locator("#id_name").fill("Koperasi Jasa Uji Peramban")
    page.locator("#id_kind").select_option("jasa")
    page.locator("#id_kecamatan").select_option(str(kelurahan.kecamatan_id))
    page.locator("#id_kelurahan").select_option(str(kelurahan.pk))
    page.locator("#id_legal_entity_number").fill("AHU-0009999.AH.01.26.TAHUN 2026")
    page.locator("#id_manager_name").fill("Neng Rosita")
    page.locator("#id_manager_phone").fill("0857 4444 5555")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    visit.seen("registry-invitation")
    link = page.locator("#invitation-link").inner_text().strip()
    assert "/undangan/pengurus/" in link
    expect(page.locator("img.qr")).to_be_visible()
    assert page.locator("a[href^='https://wa.me/6285744445555']").count() == 1
    cooperative = Cooperative.objects.get(name="Koperasi Jasa Uji Peramban")

    # the invited manager, on their own phone (a fresh browser context: not logged in)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone_page = context.new_page()
    phone_page.goto(link)
    expect(phone_page.locator("#role-invitation")).to_be_visible()
    phone_page.locator("#id_phone").fill("085744445555")
    phone_page.locator("#id_password1").fill("Sukabumi-Maju-2026")
    phone_page.locator("#id_password2").fill("Sukabumi-Maju-2026")
    phone_page.locator("main form button[type=submit]").click()
    phone_page.wait_for_load_state("load")
    assert re.search(rf"/c/{cooperative.slug}/$", path_of(phone_page)), path_of(phone_page)
    phone_page.screenshot(path="var/test-artifacts/screenshots/test_registry_journey--manager-lands.png", full_page=True)
    context.close()
