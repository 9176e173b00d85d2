"""The savings pages in a real (headless) Chromium at phone size (390×844): the monthly wajib
collection with 120 members — cards with large touch targets, no sideways scrolling, search that
keeps ticks — recorded at once; the summary, a member's receipt and its PDF; a deposit on the
member's page. Every page gets a full-page screenshot (var/test-artifacts/screenshots/) and an
axe run (no serious or critical violation). Also without JavaScript: the same collection works
with plain form posts.
"""

import datetime

import pytest
from django.utils import timezone
from django_scopes import scope
from playwright.sync_api import expect

from cooperatives.models import CooperativeKind
from ledger import services as ledger_services
from members import savings
from members.models import SavingsTransaction
from tests.factories import CooperativeFactory, MemberFactory, RoleAssignmentFactory, UserFactory, ensure_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOGIN_PATH = "/akun/login/"
PASSWORD = "Bendahara-2026!"


@pytest.fixture
def coop(transactional_db):
    ensure_regions()
    cooperative = CooperativeFactory(name="Koperasi Simpan Pinjam Mekar Sari", slug="ksp-mekar-sari", kind=CooperativeKind.SIMPAN_PINJAM)
    ledger_services.chart_apply_template(cooperative=cooperative)
    manager = UserFactory(full_name="Dewi Lestari")
    manager.set_password(PASSWORD)
    manager.save()
    RoleAssignmentFactory(cooperative=cooperative, user=manager, role="manager", title="Bendahara")
    today = timezone.localdate()
    joined = datetime.date(today.year - 1, 1, 10)
    members = [MemberFactory(cooperative=cooperative, joined_on=joined, number=f"{i + 1:05d}") for i in range(120)]
    # a few paid this month at the counter already
    for member in members[:3]:
        savings.savings_deposit(actor=manager, member=member, savings_type="wajib", amount="25000", date=today, period=today.replace(day=1))
    return cooperative, manager, members, today.replace(day=1)


@pytest.fixture
def visit(page, live_server, check_a11y, screenshot, assert_styled, browser_problems):
    class Visit:
        def goto(self, path, name):
            response = page.goto(live_server.url + path)
            assert response is not None and response.ok, f"GET {path} → {response and response.status}"
            return self.seen(name)

        def seen(self, name):
            page.wait_for_load_state("load")
            assert_styled(page)
            screenshot(page, name)
            check_a11y(page, name)
            return page

        def login(self, user):
            page.goto(live_server.url + LOGIN_PATH)
            form = page.locator("main form").filter(has=page.locator("input[name=password]"))
            form.locator("input[name=login]").fill("0" + user.phone.removeprefix("+62"))
            form.locator("input[name=password]").fill(PASSWORD)
            form.locator("button[type=submit]").click()
            page.wait_for_load_state("load")

    yield Visit()
    assert not browser_problems, "the browser reported problems:\n" + "\n".join(browser_problems)


def no_sideways_scroll(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide on a 390px phone"


def test_wajib_collection_on_a_phone_with_120_members(coop, visit, page):
    cooperative, manager, members, this_month = coop
    visit.login(manager)
    visit.goto(f"/c/{cooperative.slug}/simpanan/", "savings-overview")
    page.locator(f"main a[href='/c/{cooperative.slug}/simpanan/wajib/']").first.click()
    visit.seen("collection")
    no_sideways_scroll(page)
    ticks = page.locator("label.tick")
    expect(ticks).to_have_count(117)
    expect(page.locator(".tick-paid")).to_have_count(3)
    for box in [ticks.nth(0).bounding_box(), ticks.nth(50).bounding_box()]:
        assert box["height"] >= 44 and box["width"] >= 300  # the whole card is the touch target
    # tick two by tapping their cards, then search (htmx) for a third: the first two stay ticked
    ticks.nth(0).tap()
    ticks.nth(1).tap()
    page.locator("#collect-q").fill(members[60].number)
    expect(page.locator("label.tick")).to_have_count(1)
    expect(page.locator("#collect-list input[type=hidden][name=members]")).to_have_count(2)
    page.locator("label.tick").first.tap()
    visit.seen("collection-search")
    page.locator("button[value=record]").click()
    page.wait_for_load_state("load")
    visit.seen("collection-summary")
    with scope(cooperative=cooperative):
        paid = list(SavingsTransaction.objects.filter(period=this_month).exclude(member__in=members[:3]).order_by("member__number"))
    assert [t.member.number for t in paid] == [members[3].number, members[4].number, members[60].number]
    assert len({t.journal_entry_id for t in paid}) == 1
    no_sideways_scroll(page)
    # one receipt, on screen and as PDF
    page.get_by_role("link", name=paid[0].number).click()
    visit.seen("receipt")
    no_sideways_scroll(page)
    expect(page.locator(".receipt-words")).to_contain_text("Dua puluh lima ribu rupiah")
    pdf = page.request.get(page.url + "pdf/")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    # the member's savings, the deposit form (htmx brings a type's default amount), the arrears list
    visit.goto(f"/c/{cooperative.slug}/simpanan/anggota/{members[3].number}/", "member-savings")
    no_sideways_scroll(page)
    page.locator(".actions a").first.click()
    page.wait_for_load_state("load")
    # htmx before axe: axe (in visit.seen) leaves empty style="" attributes on elements it checked;
    # htmx's settling copies the old element's style onto a swapped element with the same id, and
    # Chromium reports that setAttribute("style", "") as an inline-style CSP violation
    page.locator("input[name=savings_type][value=sukarela]").check()
    expect(page.locator("input[name=amount]")).to_have_value("")
    page.locator("input[name=savings_type][value=wajib]").check()
    expect(page.locator("input[name=amount]")).to_have_value("25.000")
    visit.seen("deposit")
    no_sideways_scroll(page)
    visit.goto(f"/c/{cooperative.slug}/simpanan/tunggakan/", "arrears")
    no_sideways_scroll(page)


def test_collection_and_deposit_work_without_javascript(coop, browser, live_server, screenshot, check_a11y):
    cooperative, manager, members, this_month = coop
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(live_server.url + LOGIN_PATH)
    form = page.locator("main form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill("0" + manager.phone.removeprefix("+62"))
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.goto(live_server.url + f"/c/{cooperative.slug}/simpanan/wajib/")
    page.locator("button[value=tick_all]").click()
    expect(page.locator("label.tick input:checked")).to_have_count(117)
    page.locator("#collect-q").fill(members[7].number)
    page.locator("button[value=search]").click()  # plain post: the other ticks come back hidden
    expect(page.locator("label.tick")).to_have_count(1)
    expect(page.locator("input[type=hidden][name=members]")).to_have_count(116)
    screenshot(page, "collection-no-js")
    page.locator("button[value=record]").click()
    page.wait_for_load_state("load")
    with scope(cooperative=cooperative):
        assert SavingsTransaction.objects.filter(period=this_month).count() == 120
    # a deposit from the member's page: the type chips are links, an empty amount is the default
    page.goto(live_server.url + f"/c/{cooperative.slug}/simpanan/anggota/{members[5].number}/setor/?jenis=pokok")
    page.locator("input[name=amount]").fill("")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state("load")
    screenshot(page, "deposit-receipt-no-js")
    assert "/simpanan/bukti/SMP-" in page.url
    with scope(cooperative=cooperative):
        assert SavingsTransaction.objects.get(member=members[5], savings_type="pokok").amount == 100000
    context.close()
