"""Issue 4's manager journey at phone size (390×844): the manager adds a member (with consent and
the simpanan pokok paid at once), records the month's wajib collection for several members, and
opens and downloads a receipt. Screenshots and axe on every page, like the other journeys."""

import pytest
from django.utils import timezone
from django_scopes import scope

from cooperatives.models import CooperativeKind
from ledger import services as ledger_services
from members.models import Member, SavingsTransaction
from tests.factories import CooperativeFactory, MemberFactory, RoleAssignmentFactory, UserFactory, ensure_regions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Pengurus-2026!"


@pytest.fixture
def coop(transactional_db):
    ensure_regions()
    cooperative = CooperativeFactory(name="KSP Sukamaju", slug="ksp-sukamaju", kind=CooperativeKind.SIMPAN_PINJAM)
    ledger_services.chart_apply_template(cooperative=cooperative)
    manager = UserFactory(full_name="Asep Sunandar")
    manager.set_password(PASSWORD)
    manager.save()
    RoleAssignmentFactory(cooperative=cooperative, user=manager, role="manager", title="Ketua")
    today = timezone.localdate()
    MemberFactory.create_batch(3, cooperative=cooperative, joined_on=today.replace(year=today.year - 1))
    return cooperative, manager


def test_manager_adds_a_member_collects_wajib_and_prints_a_receipt(coop, page, live_server, check_a11y, screenshot, browser_problems):
    cooperative, manager = coop

    def seen(name):
        page.wait_for_load_state("load")
        screenshot(page, name)
        check_a11y(page, name)

    page.goto(live_server.url + "/akun/login/")
    form = page.locator("main form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill("0" + manager.phone.removeprefix("+62"))
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")

    # add a member, paying simpanan pokok at once
    page.goto(f"{live_server.url}/c/{cooperative.slug}/anggota/baru/")
    seen("register-add-empty")
    add = page.locator("main form").filter(has=page.locator("input[name=full_name]"))
    add.locator("input[name=full_name]").fill("Nur Aisyah")
    if add.locator("select[name=gender]").count():
        add.locator("select[name=gender]").select_option("P")
    else:
        add.locator("input[name=gender][value=P]").check()
    add.locator("input[name=phone]").fill("0857 2222 3333")
    add.locator("input[name=consent]").check()
    if add.locator("input[name=pay_pokok]").count():
        add.locator("input[name=pay_pokok]").check()
    add.locator("button[type=submit]").first.click()
    seen("register-added-member")
    with scope(cooperative=cooperative):
        member = Member.objects.get(full_name="Nur Aisyah")
        assert member.phone == "+6285722223333" and member.consent_version
    assert member.number in page.content()

    # the month's wajib collection for every active member
    page.goto(f"{live_server.url}/c/{cooperative.slug}/simpanan/wajib/")
    seen("register-wajib-collection")
    boxes = page.locator("main form input[type=checkbox][name=members]:not([disabled])")
    assert boxes.count() >= 3
    for i in range(boxes.count()):
        boxes.nth(i).check()
    page.locator("main form button[type=submit]").last.click()
    seen("register-wajib-collected")
    with scope(cooperative=cooperative):
        receipts = list(SavingsTransaction.objects.filter(savings_type="wajib").order_by("number"))
    assert len(receipts) >= 3 and len({r.journal_entry_id for r in receipts}) == 1

    # open one receipt and download its PDF
    page.goto(f"{live_server.url}/c/{cooperative.slug}/simpanan/bukti/{receipts[0].number}/")
    seen("register-receipt")
    assert receipts[0].number in page.content()
    pdf = page.request.get(f"{live_server.url}/c/{cooperative.slug}/simpanan/bukti/{receipts[0].number}/pdf/")
    assert pdf.ok and pdf.body()[:5] == b"%PDF-"
    assert not browser_problems, "\n".join(browser_problems)
