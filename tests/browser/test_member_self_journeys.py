"""A member's journey in a real (headless) Chromium at phone size (issue 4, "Done when"): the
manager makes an invitation on the member's page; the member opens the link on the phone,
confirms the phone number and sets a password, sees the balances and the passbook (loading older
rows), downloads a statement; then the profile and the two-factor page. axe on every page (no
serious or critical violation), screenshots in var/test-artifacts/screenshots/, the statement in
var/test-artifacts/downloads/.
"""

import datetime
import re

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from ledger import services as ledger_services
from members import savings
from members.models import Member
from portal.models import AuditEvent
from tests.browser.conftest import REPO
from tests.factories import CooperativeFactory, MemberFactory, RoleAssignmentFactory, UserFactory, ensure_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOGIN_PATH = "/akun/login/"
DOWNLOAD_DIR = REPO / "var" / "test-artifacts" / "downloads"
MANAGER_PASSWORD = "Ketua-koperasi-2026!"
MEMBER_PASSWORD = "Tabungan-saya-2026"
D = datetime.date


@pytest.fixture
def koperasi(transactional_db):
    ensure_regions()
    cooperative = CooperativeFactory(name="KSP Sukamaju")
    ledger_services.chart_apply_template(cooperative=cooperative)
    manager = UserFactory(full_name="Hendra Gunawan")
    manager.set_password(MANAGER_PASSWORD)
    manager.save()
    RoleAssignmentFactory(cooperative=cooperative, user=manager, role="manager")
    member = MemberFactory(cooperative=cooperative, full_name="Sri Rahayu Lestari", phone="+6281355550001", joined_on=D(2024, 1, 5))
    savings.savings_deposit(actor=manager, member=member, savings_type="pokok", amount="100000", date=D(2024, 1, 5))
    for month in range(1, 13):
        savings.savings_deposit(actor=manager, member=member, savings_type="wajib", amount="25000",
                                date=D(2024, month, 10), period=D(2024, month, 1))
    for day in range(1, 15):
        savings.savings_deposit(actor=manager, member=member, savings_type="sukarela", amount=str(10000 + day),
                                date=D(2025, 2, day))
    return cooperative, manager, member


@pytest.fixture
def look(page, check_a11y, screenshot, assert_styled, browser_problems):
    def seen(p, name):
        p.wait_for_load_state("load")
        assert_styled(p)
        screenshot(p, name)
        check_a11y(p, name)
        return p

    yield seen
    assert not browser_problems, "the browser reported problems:\n" + "\n".join(browser_problems)


def login(page, live_server, phone, password):
    page.goto(live_server.url + LOGIN_PATH)
    form = page.locator("main form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill(phone)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")


def test_member_accepts_an_invitation_sees_balances_and_downloads_a_statement(page, browser, browser_context_args,
                                                                                live_server, look, koperasi):
    cooperative, manager, member = koperasi
    slug = cooperative.slug

    # the manager makes the invitation on the member's page
    login(page, live_server, "0" + manager.phone.removeprefix("+62"), MANAGER_PASSWORD)
    page.goto(f"{live_server.url}/c/{slug}/anggota/{member.number}/")
    page.locator("#invite-member").click()
    look(page, "invitation-new")
    page.locator("main form button[type=submit]").click()
    link = page.locator("#invitation-link")
    expect(link).to_be_visible()
    expect(page.locator("img.qr")).to_be_visible()
    whatsapp = page.locator("a[href^='https://wa.me/6281355550001?text=']")
    expect(whatsapp).to_have_count(1)
    look(page, "invitation-link-and-qr")
    url = link.inner_text().strip()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/undangan/[A-Za-z0-9_-]+/", url), url

    # the member opens it on their own phone (a fresh browser context: not logged in)
    context = browser.new_context(**browser_context_args)
    phone = context.new_page()
    problems = []
    phone.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    phone.goto(url)
    expect(phone.locator("main h1")).to_contain_text("Sri")
    expect(phone.locator("main")).not_to_contain_text("Lestari")
    expect(phone.locator("main")).to_contain_text("KSP Sukamaju")
    look(phone, "accept-invitation")
    phone.locator("#id_phone").fill("0813-5555-0001")
    phone.locator("#id_password1").fill(MEMBER_PASSWORD)
    phone.locator("#id_password2").fill(MEMBER_PASSWORD)
    phone.locator("main form button[type=submit]").click()
    phone.wait_for_load_state("load")
    expect(phone).to_have_url(re.compile(rf"/c/{re.escape(slug)}/saya/$"))
    with scopes_disabled():
        assert Member.objects.get(pk=member.pk).user.phone == "+6281355550001"

    # balances, arrears and the latest transactions
    expect(phone.locator("#balance-pokok")).to_have_text("Rp 100.000")
    expect(phone.locator("#balance-wajib")).to_have_text("Rp 300.000")
    look(phone, "member-home")
    nav = phone.locator("nav.bottom-nav")
    expect(nav.locator(f"a[href='/c/{slug}/saya/']")).to_have_attribute("aria-current", "page")

    # the passbook, then older rows without leaving the page (htmx)
    nav.locator(f"a[href='/c/{slug}/saya/mutasi/']").click()
    phone.wait_for_load_state("load")
    rows = phone.locator("li.txn")
    expect(rows).to_have_count(20)
    look(phone, "passbook")
    phone.locator("#passbook-more a").click()
    expect(rows).to_have_count(27)
    expect(phone).to_have_url(re.compile(r"/saya/mutasi/$"))
    look(phone, "passbook-more")

    # the statement for February 2025
    phone.goto(f"{live_server.url}/c/{slug}/saya/laporan/")
    look(phone, "statement-form")
    phone.locator("#id_year").select_option("2025")
    phone.locator("#id_month").select_option("2")
    with phone.expect_download() as download_info:
        phone.locator("main form button[type=submit]").click()
    download = download_info.value
    assert download.suggested_filename.startswith("rekening-simpanan-") and download.suggested_filename.endswith(".pdf")
    DOWNLOAD_DIR.mkdir(parents=True, exist_ok=True)
    target = DOWNLOAD_DIR / download.suggested_filename
    download.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    assert AuditEvent.objects.with_scopes_disabled().filter(action="member.statement_export").count() == 1

    # profile and two-factor authentication
    nav.locator("a[href='/akun/profil/']").click()
    phone.wait_for_load_state("load")
    expect(phone.locator("#id_phone")).to_have_value("0813-5555-0001")
    look(phone, "profile")
    phone.locator("a[href='/akun/2fa/']").click()
    phone.wait_for_load_state("load")
    look(phone, "two-factor")
    assert not problems, problems
    context.close()
