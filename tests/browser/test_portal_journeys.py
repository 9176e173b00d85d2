"""Whole-portal journeys (issue 7 item 7) in a real Chromium at phone size (390×844), on the demo
city with its books (`seed_demo --members-per-cooperative 3`) and the demo logins.

Each cooperative role walks its main tasks: the supervisor (pengawas) reads everything and is
refused every write (no write button shown; the write pages answer 403; posted forms change
nothing); the bookkeeper keeps the books (a new account, an entry saved as a draft and then
posted, the account's general ledger, a member's deposit) and is refused the manager's tasks; the
member moves between their two cooperatives, their savings, meetings, SHU and personal data and is
refused the staff pages; the manager tours the pages they run the cooperative from. The writes the
manager makes are in the other journeys (register, savings, ledger, documents, RAT).

Every page visited is styled, photographed (var/test-artifacts/screenshots/) and passes axe (no
serious or critical violation) — the 403 pages too. The browser must report no console error and
no failed request, except the refusals each journey expects.
"""

import re

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from playwright.sync_api import expect

from cooperatives.models import Cooperative
from ledger.models import Account, BookYear, BookYearState, JournalEntry
from meetings.models import Meeting
from members.models import Member, SavingsTransaction

from tests.browser.conftest import seed_small_demo, fill_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOGIN_PATH = "/akun/login/"
DEMO_SLUG = "ksp-mekar-sejahtera"


@pytest.fixture
def demo(transactional_db, tmp_path):
    logins = seed_small_demo(tmp_path)
    with scopes_disabled():
        cooperative = Cooperative.objects.get(slug=DEMO_SLUG)
    return logins, cooperative


@pytest.fixture
def tour(page, live_server, check_a11y, screenshot, assert_styled):
    """tour.goto(path, name, status=200) / tour.seen(name) / tour.refused_post(path, data): every
    page checked the same way; the refusals asked for are the only 4xx the browser may see."""
    problems, expected = [], set()
    # Chromium also logs each 4xx page load as a console error; the response check below judges those
    refusal_log = re.compile(r"^Failed to load resource: the server responded with a status of 403")
    page.on("console", lambda msg: msg.type == "error" and not (expected and refusal_log.match(msg.text))
            and problems.append(f"console: {msg.text}"))
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("response", lambda r: r.status >= 400 and (r.status, r.url) not in expected and problems.append(f"HTTP {r.status}: {r.url}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} ({r.failure})"))

    class Tour:
        def url(self, path):
            return live_server.url + path

        def goto(self, path, name, status=200):
            if status >= 400:
                expected.add((status, self.url(path)))
            response = page.goto(self.url(path))
            assert response is not None and response.status == status, f"GET {path} → {response and response.status}, expected {status}"
            return self.seen(name)

        def seen(self, name):
            page.wait_for_load_state("load")
            assert_styled(page)
            screenshot(page, name)
            check_a11y(page, name)
            return page

        def login(self, login, password):
            self.goto(LOGIN_PATH, "login")
            fill_login(page, login, password)

        def refused_post(self, path, data):
            """A form posted as the browser would (session cookie and CSRF token of the page shown)
            is refused with 403."""
            token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
            response = page.request.post(self.url(path), form={"csrfmiddlewaretoken": token, **data},
                                         headers={"Referer": page.url}, max_redirects=0)
            assert response.status == 403, f"POST {path} → {response.status}, expected 403"

    yield Tour()
    assert not problems, "the browser reported problems:\n" + "\n".join(problems)


def path_of(page):
    return re.sub(r"^https?://[^/]+", "", page.url)


def _counts(cooperative):
    with scope(cooperative=cooperative):
        return {
            "members": Member.objects.count(), "savings": SavingsTransaction.objects.count(),
            "entries": JournalEntry.objects.count(), "meetings": Meeting.objects.count(), "accounts": Account.objects.count(),
        }


# --- the supervisor (pengawas): reads everything, writes nothing ------------------------------------

def test_supervisor_reads_everything_and_is_refused_every_write(page, tour, demo):
    logins, cooperative = demo
    slug = cooperative.slug
    c = f"/c/{slug}/"
    before = _counts(cooperative)
    with scope(cooperative=cooperative):
        member = Member.objects.filter(status="active").order_by("number").first()
        receipt = SavingsTransaction.objects.filter(member=member).order_by("-date", "-pk").first()
        entry = JournalEntry.objects.filter(state="posted").order_by("-date", "-pk").first()
        rat = Meeting.objects.filter(kind="rat").order_by("-book_year").first()
        closed = BookYear.objects.filter(state=BookYearState.CLOSED).order_by("-year").first()

    supervisor = logins["supervisor"]
    tour.login(supervisor["login"], supervisor["password"])
    expect(page).to_have_url(re.compile(rf"{re.escape(c)}$"))
    tour.seen("supervisor-overview")
    nav = page.locator("nav.bottom-nav")
    for href in (c, f"{c}anggota/", f"{c}buku/jurnal/", f"{c}audit/"):
        expect(nav.locator(f"a[href='{href}']")).to_have_count(1)
    expect(page.locator(f"main a[href='{c}profil/ubah/']")).to_have_count(0)

    # the register and a member, read only
    nav.locator(f"a[href='{c}anggota/']").click()
    expect(page.locator("#member-results tbody tr").first).to_be_visible()
    expect(page.locator(f"main a[href='{c}anggota/baru/']")).to_have_count(0)
    expect(page.locator(f"main a[href='{c}anggota/impor/']")).to_have_count(0)
    tour.seen("supervisor-members")
    tour.goto(f"{c}anggota/{member.number}/", "supervisor-member")
    expect(page.locator(f"main a[href='{c}anggota/{member.number}/ubah/']")).to_have_count(0)
    expect(page.locator("#invite-member")).to_have_count(0)

    # savings: overview, the member's passbook, a receipt, arrears; no deposit or withdrawal
    tour.goto(f"{c}simpanan/", "supervisor-savings")
    expect(page.locator(f"main a[href='{c}simpanan/wajib/']")).to_have_count(0)
    tour.goto(f"{c}simpanan/anggota/{member.number}/", "supervisor-member-savings")
    expect(page.locator(f"main a[href^='{c}simpanan/anggota/{member.number}/setor/']")).to_have_count(0)
    expect(page.locator(f"main a[href^='{c}simpanan/anggota/{member.number}/tarik/']")).to_have_count(0)
    tour.goto(f"{c}simpanan/bukti/{receipt.number}/", "supervisor-receipt")
    expect(page.locator(f"main a[href='{c}simpanan/bukti/{receipt.number}/batal/']")).to_have_count(0)
    tour.goto(f"{c}simpanan/tunggakan/", "supervisor-arrears")

    # the books: journal, an entry, chart, years, the four reports
    nav.locator(f"a[href='{c}buku/jurnal/']").click()
    expect(page.locator("#entry-results tbody tr").first).to_be_visible()
    expect(page.locator(f"main a[href='{c}buku/jurnal/baru/']")).to_have_count(0)
    tour.seen("supervisor-journal")
    tour.goto(f"{c}buku/jurnal/{entry.number}/", "supervisor-entry")
    expect(page.locator(f"main a[href='{c}buku/jurnal/{entry.number}/balik/']")).to_have_count(0)
    tour.goto(f"{c}buku/akun/", "supervisor-accounts")
    expect(page.locator(f"main a[href='{c}buku/akun/baru/']")).to_have_count(0)
    tour.goto(f"{c}buku/tahun/", "supervisor-years")
    expect(page.locator("main form button[type=submit]")).to_have_count(0)
    expect(page.locator(f"main a[href*='/tutup/'], main a[href*='/buka-kembali/']")).to_have_count(0)
    tour.goto(f"{c}buku/laporan/", "supervisor-reports")
    for path, name in (("neraca-saldo/", "trial-balance"), ("posisi-keuangan/", "balance-sheet"), ("hasil-usaha/", "income-statement"),
                       ("buku-besar/?account=1-101", "general-ledger")):
        tour.goto(f"{c}buku/laporan/{path}", f"supervisor-{name}")
        expect(page.locator("main article.report-sheet table")).to_be_visible()

    # meetings and SHU, read only
    tour.goto(f"{c}rapat/", "supervisor-meetings")
    expect(page.locator("#schedule-meeting")).to_have_count(0)
    tour.goto(f"{c}rapat/{rat.pk}/", "supervisor-rat")
    expect(page.locator("#next-actions a, #next-actions button")).to_have_count(0)
    tour.goto(f"{c}rapat/{rat.pk}/dokumen/", "supervisor-rat-documents")
    expect(page.locator(f"main a[href$='/unggah/']")).to_have_count(0)
    tour.goto(f"{c}shu/", "supervisor-shu")
    tour.goto(f"{c}shu/{closed.year}/", "supervisor-shu-year")
    expect(page.locator("main form.shu-settings")).to_have_count(0)

    # the audit trail is the supervisor's too
    nav.locator(f"a[href='{c}audit/']").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(c)}audit/$"))
    tour.seen("supervisor-audit")

    # every write page answers 403 (the portal's own page, accessible too) ...
    for path, name in ((f"{c}anggota/baru/", "members-add"), (f"{c}simpanan/anggota/{member.number}/setor/", "deposit"),
                       (f"{c}simpanan/wajib/", "wajib"), (f"{c}buku/jurnal/baru/", "entry-add"), (f"{c}buku/akun/baru/", "account-add"),
                       (f"{c}rapat/baru/", "meeting-add"), (f"{c}peran/", "roles"), (f"{c}profil/ubah/", "profile-edit"),
                       (f"{c}buku/tahun/{closed.year}/buka-kembali/", "year-reopen")):
        tour.goto(path, f"supervisor-refused-{name}", status=403)
    expect(page.locator("main h1")).to_be_visible()

    # ... and forms posted anyway change nothing
    tour.goto(f"{c}buku/jurnal/", "supervisor-journal-again")
    today = timezone.localdate().isoformat()
    tour.refused_post(f"{c}simpanan/anggota/{member.number}/setor/", {"savings_type": "sukarela", "amount": "50000", "date": today})
    tour.refused_post(f"{c}buku/jurnal/baru/", {"action": "post", "date": today, "description": "Uji", "baris-TOTAL_FORMS": "2",
                                                 "baris-INITIAL_FORMS": "0", "baris-0-account": "1-101", "baris-0-debit": "1000",
                                                 "baris-1-account": "4-102", "baris-1-credit": "1000"})
    tour.refused_post(f"{c}rapat/baru/", {"kind": "ra_khusus", "book_year": str(closed.year), "mode": "in_person", "date": today,
                                          "venue": "Aula"})
    tour.refused_post(f"{c}anggota/baru/", {"full_name": "Orang Baru", "gender": "P", "consent": "on"})
    tour.refused_post(f"{c}buku/akun/baru/", {"code": "5-901", "name": "Uji", "kind": "expense", "is_postable": "on", "is_active": "on"})
    assert _counts(cooperative) == before


# --- the bookkeeper: the books, and a member's deposit ------------------------------------------------

def test_bookkeeper_keeps_the_books_and_is_refused_the_managers_tasks(page, tour, demo):
    logins, cooperative = demo
    c = f"/c/{cooperative.slug}/"
    today = timezone.localdate()
    with scope(cooperative=cooperative):
        member = Member.objects.filter(status="active").order_by("number").first()
        closed = BookYear.objects.filter(state=BookYearState.CLOSED).order_by("-year").first()

    bookkeeper = logins["bookkeeper"]
    tour.login(bookkeeper["login"], bookkeeper["password"])
    expect(page).to_have_url(re.compile(rf"{re.escape(c)}$"))
    tour.seen("bookkeeper-overview")

    # a new expense account in the chart
    page.locator("nav.bottom-nav").locator(f"a[href='{c}buku/jurnal/']").click()
    tour.seen("bookkeeper-journal")
    tour.goto(f"{c}buku/akun/", "bookkeeper-accounts")
    page.locator(f"main a[href='{c}buku/akun/baru/']").first.click()
    tour.seen("bookkeeper-account-form")
    form = page.locator("main form.form")
    form.locator("input[name=code]").fill("5-190")
    form.locator("input[name=name]").fill("Beban pelatihan anggota")
    form.locator("select[name=kind]").select_option("expense")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    expect(page.locator("main")).to_contain_text("5-190")
    tour.seen("bookkeeper-account-added")
    with scope(cooperative=cooperative):
        assert Account.objects.get(code="5-190").name == "Beban pelatihan anggota"

    # an entry saved as a draft, then posted from the draft
    tour.goto(f"{c}buku/jurnal/baru/", "bookkeeper-entry-form")
    form = page.locator("#entry-form")
    form.locator("input[name=date]").fill(today.isoformat())
    form.locator("input[name=description]").fill("Pelatihan perkoperasian untuk anggota baru")
    form.locator("input[name=reference]").fill("BKK-PLT-01")
    form.locator("input[name='baris-0-account']").fill("5-190")
    form.locator("input[name='baris-0-debit']").fill("750.000")
    form.locator("input[name='baris-1-account']").fill("1-101")
    form.locator("input[name='baris-1-credit']").fill("750.000")
    expect(page.locator("#entry-totals .balanced")).to_be_visible()
    form.locator("button[name=action][value=draft]").click()
    page.wait_for_load_state("load")
    expect(page).to_have_url(re.compile(r"/buku/jurnal/draf/\d+/$"))
    tour.seen("bookkeeper-draft")
    with scope(cooperative=cooperative):
        draft = JournalEntry.objects.get(reference="BKK-PLT-01")
    assert draft.state == "draft" and not draft.number
    page.locator("main button[type=submit]").filter(has_text=re.compile("Posting|Post")).last.click()
    page.wait_for_load_state("load")
    with scope(cooperative=cooperative):
        posted = JournalEntry.objects.get(pk=draft.pk)
    assert posted.state == "posted" and posted.number
    expect(page).to_have_url(re.compile(rf"/buku/jurnal/{posted.number}/$"))
    tour.seen("bookkeeper-draft-posted")

    # the new account's general ledger shows it
    tour.goto(f"{c}buku/laporan/buku-besar/?account=5-190", "bookkeeper-general-ledger")
    expect(page.locator("main article.report-sheet")).to_contain_text("Pelatihan perkoperasian")

    # a member's sukarela deposit at the counter, with its receipt
    tour.goto(f"{c}simpanan/anggota/{member.number}/setor/?jenis=sukarela", "bookkeeper-deposit-form")
    page.locator("input[name=amount]").fill("150.000")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state("load")
    expect(page).to_have_url(re.compile(r"/simpanan/bukti/SMP-\d+-\d+/$"))
    expect(page.locator("main")).to_contain_text("150.000")
    tour.seen("bookkeeper-receipt")

    # the manager's tasks are refused: closing and reopening years, roles, meetings, the register
    tour.goto(f"{c}buku/tahun/", "bookkeeper-years")
    expect(page.locator(f"main a[href*='/tutup/'], main a[href*='/buka-kembali/']")).to_have_count(0)
    for path, name in ((f"{c}buku/tahun/{closed.year}/buka-kembali/", "year-reopen"), (f"{c}peran/", "roles"),
                       (f"{c}rapat/baru/", "meeting-add"), (f"{c}anggota/baru/", "members-add"), (f"{c}shu/{closed.year}/setujui/", "shu-approve")):
        tour.goto(path, f"bookkeeper-refused-{name}", status=403)


# --- the member: two cooperatives, savings, meetings, SHU, personal data --------------------------------

def test_member_moves_between_cooperatives_and_reads_their_own_pages(page, tour, demo):
    logins, _cooperative = demo
    member = logins["member"]
    tour.login(member["login"], member["password"])
    expect(page).to_have_url(re.compile(r"/saya/$"))
    tour.seen("member-my-cooperatives")
    with scopes_disabled():
        rows = list(Member.objects.filter(user__phone__endswith=member["login"].removeprefix("0")).select_related("cooperative")
                    .order_by("cooperative__name"))
    assert len(rows) == 2, rows

    for row in rows:
        c = f"/c/{row.cooperative.slug}/"
        tour.goto("/saya/", "member-my-cooperatives-again")
        page.locator(f"main a[href='{c}saya/']").first.click()
        expect(page).to_have_url(re.compile(rf"{re.escape(c)}saya/$"))
        expect(page.locator("main h1")).to_be_visible()
        tour.seen(f"member-home-{row.cooperative.slug}")
        nav = page.locator("nav.bottom-nav")
        nav.locator(f"a[href='{c}saya/mutasi/']").click()
        expect(page.locator("li.txn").first).to_be_visible()
        tour.seen(f"member-passbook-{row.cooperative.slug}")
        tour.goto(c, f"member-cooperative-{row.cooperative.slug}")
        page.locator("#open-meetings").click()
        expect(page).to_have_url(re.compile(rf"{re.escape(c)}rapat/$"))
        tour.seen(f"member-meetings-{row.cooperative.slug}")
        with scope(cooperative=row.cooperative):
            rat = Meeting.objects.filter(kind="rat", status__in=["minutes_published", "reported"]).order_by("-book_year").first()
        if rat is not None:
            page.locator(f"main a[href='{c}rapat/{rat.pk}/']").first.click()
            expect(page.locator("main h1")).to_be_visible()
            tour.seen(f"member-rat-{row.cooperative.slug}")
        tour.goto(f"{c}shu/saya/", f"member-shu-{row.cooperative.slug}")
        # staff pages are refused
        tour.goto(f"{c}anggota/", f"member-refused-register-{row.cooperative.slug}", status=403)
        tour.goto(f"{c}buku/jurnal/", f"member-refused-journal-{row.cooperative.slug}", status=403)

    # another member's savings page is a staff page: refused
    with scopes_disabled():
        other = Member.objects.filter(cooperative=rows[0].cooperative).exclude(pk=rows[0].pk).order_by("number").first()
    tour.goto(f"/c/{rows[0].cooperative.slug}/simpanan/anggota/{other.number}/", "member-refused-other-savings", status=403)

    # the personal data page (UU 27/2022) and the profile
    tour.goto("/saya/", "member-my-cooperatives-last")
    page.locator("main a[href='/saya/data-pribadi/']").first.click()
    expect(page).to_have_url(re.compile(r"/saya/data-pribadi/$"))
    tour.seen("member-personal-data")
    page.locator("nav.bottom-nav a[href='/akun/profil/']").click()
    expect(page).to_have_url(re.compile(r"/akun/profil/$"))
    tour.seen("member-profile")


# --- the manager: the pages the cooperative is run from ----------------------------------------------------

def test_manager_tours_the_pages_the_cooperative_is_run_from(page, tour, demo):
    logins, cooperative = demo
    c = f"/c/{cooperative.slug}/"
    with scope(cooperative=cooperative):
        member = Member.objects.filter(status="active").order_by("number").first()
        rat = Meeting.objects.filter(kind="rat").order_by("-book_year").first()
        closed = BookYear.objects.filter(state=BookYearState.CLOSED).order_by("-year").first()

    manager = logins["manager"]
    tour.login(manager["login"], manager["password"])
    expect(page).to_have_url(re.compile(rf"{re.escape(c)}$"))
    tour.seen("manager-overview")
    page.locator(f"main a[href='{c}peran/']").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(c)}peran/$"))
    tour.seen("manager-roles")
    page.locator("nav.bottom-nav").locator(f"a[href='{c}audit/']").click()
    tour.seen("manager-audit")
    tour.goto(f"{c}profil/ubah/", "manager-profile-edit")
    expect(page.locator("main form button[type=submit]").first).to_be_visible()

    page.locator("nav.bottom-nav").locator(f"a[href='{c}anggota/']").click()
    expect(page.locator(f"main a[href='{c}anggota/baru/']").first).to_be_visible()
    tour.seen("manager-members")
    tour.goto(f"{c}anggota/{member.number}/", "manager-member")
    expect(page.locator("#invite-member")).to_have_count(1 if member.user_id is None else 0)
    tour.goto(f"{c}permintaan-hapus/", "manager-deletion-requests")
    tour.goto(f"{c}simpanan/", "manager-savings")
    tour.goto(f"{c}simpanan/tunggakan/", "manager-arrears")
    tour.goto(f"{c}simpanan/wajib/", "manager-wajib-collection")

    tour.goto(f"{c}rapat/", "manager-meetings")
    expect(page.locator("#schedule-meeting")).to_be_visible()
    expect(page.locator("#rat-deadline")).to_be_visible()
    tour.goto(f"{c}rapat/{rat.pk}/", "manager-rat")
    tour.goto(f"{c}shu/", "manager-shu")
    tour.goto(f"{c}shu/{closed.year}/", "manager-shu-year")

    page.locator("nav.bottom-nav").locator(f"a[href='{c}buku/jurnal/']").click()
    expect(page.locator(f"main a[href='{c}buku/jurnal/baru/']").first).to_be_visible()
    tour.seen("manager-journal")
    tour.goto(f"{c}buku/tahun/", "manager-years")
    tour.goto(f"{c}buku/laporan/posisi-keuangan/", "manager-balance-sheet")
    expect(page.locator("main article.report-sheet")).to_contain_text(cooperative.name)


# --- the city admin: the registry ----------------------------------------------------------------------------

def test_city_admin_registers_a_cooperative_and_marks_another_dissolved(page, tour, demo):
    from cooperatives.models import Kelurahan

    logins, _cooperative = demo
    admin = logins["city_admin"]
    tour.login(admin["login"], admin["password"])
    expect(page).to_have_url(re.compile(r"/kota/$"))
    tour.seen("city-admin-home")

    # register a cooperative: its first manager's invitation link is shown once
    page.locator("nav.bottom-nav a[href='/kota/koperasi/']").click()
    expect(page).to_have_url(re.compile(r"/kota/koperasi/$"))
    tour.seen("city-admin-registry")
    page.locator("main a[href='/kota/koperasi/baru/']").click()
    tour.seen("city-admin-register-form")
    kelurahan = Kelurahan.objects.select_related("kecamatan").order_by("code").first()
    page.locator("#id_name").fill("Koperasi Produsen Tani Mekar Jaya")
    page.locator("#id_kind").select_option("produsen")
    page.locator("#id_kecamatan").select_option(str(kelurahan.kecamatan_id))
    page.locator("#id_kelurahan").select_option(str(kelurahan.pk))
    page.locator("#id_legal_entity_number").fill("AHU-0001234.AH.01.26.TAHUN 2026")
    page.locator("#id_manager_name").fill("Euis Sumiati")
    page.locator("#id_manager_phone").fill("0857 6666 7777")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    link = page.locator("#invitation-link")
    expect(link).to_be_visible()
    assert re.search(r"/undangan/pengurus/[A-Za-z0-9_-]+/$", link.inner_text().strip()), link.inner_text()
    expect(page.locator("img.qr")).to_be_visible()
    tour.seen("city-admin-invitation-link")
    with scopes_disabled():
        registered = Cooperative.objects.get(name="Koperasi Produsen Tani Mekar Jaya")
    assert registered.registry_status == "registered"

    # mark an inactive demo cooperative dissolved, from its profile
    with scopes_disabled():
        target = (Cooperative.objects.filter(registry_status="registered").exclude(slug=DEMO_SLUG).exclude(pk=registered.pk)
                  .exclude(pk__in=Meeting.objects.filter(kind="rat").values("cooperative_id")).order_by("slug").first())
    tour.goto(f"/kota/koperasi/{target.slug}/", "city-admin-cooperative")
    page.locator("#registry-status-change").click()
    expect(page).to_have_url(re.compile(rf"/kota/koperasi/{re.escape(target.slug)}/status/$"))
    tour.seen("city-admin-status-form")
    page.locator("input[name=status][value=dissolved]").check()
    page.locator("input[name=on]").fill(timezone.localdate().isoformat())
    page.locator("textarea[name=reason]").fill("Keputusan RA luar biasa tentang pembubaran koperasi.")
    page.locator("main form button[type=submit]").click()
    # back to the registry or to the cooperative's profile
    expect(page).to_have_url(re.compile(rf"/kota/koperasi/({re.escape(target.slug)}/)?$"))
    tour.seen("city-admin-dissolved")
    with scopes_disabled():
        target.refresh_from_db()
    assert target.registry_status == "dissolved" and target.registry_status_on == timezone.localdate()
    tour.goto(f"/kota/koperasi/{target.slug}/", "city-admin-dissolved-profile")
    expect(page.locator("#registry-status")).to_be_visible()
    expect(page.locator("#registry-status-change")).to_have_count(0)
