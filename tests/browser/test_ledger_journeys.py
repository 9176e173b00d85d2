"""The bookkeeper's and the manager's journeys through the books, in a real (headless) Chromium
at phone size (issue 3, "Done when"): post a journal entry through the entry form (after seeing
the imbalance message), reverse it, prepare the previous book year; the manager closes that year;
the four reports open on the phone and download as XLSX and PDF.

Each test builds its own cooperative through the ledger services (no demo seed): a savings-and-loan
cooperative with its chart, a bookkeeper and a manager who log in with their phone numbers, and
postings in the previous book year and this one. Every page visited gets a full-page screenshot in
var/test-artifacts/screenshots/ and an axe run (no serious or critical violation); the downloads
are kept in var/test-artifacts/downloads/.
"""

import datetime
import re
from dataclasses import dataclass

import pytest
from django.utils import timezone
from django_scopes import scope
from openpyxl import load_workbook
from playwright.sync_api import expect

from cooperatives.book_years import book_year_end, book_year_of
from cooperatives.models import CooperativeKind
from ledger import services
from ledger.models import BookYear, BookYearState, EntryKind, EntryState, JournalEntry
from tests.browser.conftest import REPO
from tests.factories import CooperativeFactory, RoleAssignmentFactory, UserFactory, ensure_regions

# transaction=True: the live server runs in another thread and must see the data committed.
from tests.browser.conftest import fill_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOGIN_PATH = "/akun/login/"
DOWNLOAD_DIR = REPO / "var" / "test-artifacts" / "downloads"
PASSWORD = {"bookkeeper": "Juru-buku-2026!", "manager": "Ketua-koperasi-2026!"}


@dataclass
class Books:
    cooperative: object
    bookkeeper: object
    manager: object
    this_year: int
    previous_year: int
    previous_start: datetime.date
    previous_end: datetime.date
    this_start: datetime.date
    today: datetime.date

    @property
    def slug(self):
        return self.cooperative.slug

    def login_of(self, user):
        """The phone number as people type it: 0812…, not +62812…."""
        return "0" + user.phone.removeprefix("+62")


def _staff(cooperative, role, full_name):
    user = UserFactory(full_name=full_name)
    user.set_password(PASSWORD[role])
    user.save()
    RoleAssignmentFactory(cooperative=cooperative, user=user, role=role)
    return user


def _post(books, day, description, lines, **kwargs):
    return services.entry_post(
        actor=books.bookkeeper, cooperative=books.cooperative, date=day, description=description,
        lines=[{"account": code, "debit": str(debit), "credit": str(credit)} for code, debit, credit in lines],
        **kwargs,
    )


@pytest.fixture
def books(transactional_db):
    """A savings-and-loan cooperative with its chart, a bookkeeper, a manager, five postings in the
    previous book year (opening balances, a loan, fees, costs) and two in this one."""
    ensure_regions()
    cooperative = CooperativeFactory(
        name="Koperasi Simpan Pinjam Mekar Sari", slug="ksp-mekar-sari", kind=CooperativeKind.SIMPAN_PINJAM,
    )
    services.chart_apply_template(cooperative=cooperative)
    bookkeeper = _staff(cooperative, "bookkeeper", "Siti Rahmawati")
    manager = _staff(cooperative, "manager", "Budi Santoso")

    today = timezone.localdate()
    end_month = cooperative.book_year_end_month
    this_year = book_year_of(today, end_month)
    previous_end = book_year_end(this_year - 1, end_month)
    previous_start = book_year_end(this_year - 2, end_month) + datetime.timedelta(days=1)
    this_start = previous_end + datetime.timedelta(days=1)
    books = Books(cooperative, bookkeeper, manager, this_year, this_year - 1, previous_start, previous_end, this_start, today)

    # Accounts with no subsidiary ledger behind them (savings and loans are kept by their own
    # modules, which may refuse hand-made journal lines on their control accounts).
    day = lambda start, n: min(start + datetime.timedelta(days=n), today)  # noqa: E731
    _post(books, previous_start, "Saldo awal dari buku Excel", [
        ("1-101", 12_000_000, 0), ("1-102", 8_000_000, 0), ("3-103", 0, 15_000_000), ("3-104", 0, 5_000_000),
    ], kind=EntryKind.OPENING, reference="SA-01")
    _post(books, day(previous_start, 40), "Pinjaman kepada KSP Sejahtera", [("1-104", 6_000_000, 0), ("1-101", 0, 6_000_000)], reference="BKK-011")
    _post(books, day(previous_start, 150), "Provisi dan administrasi semester 1", [("1-101", 900_000, 0), ("4-102", 0, 900_000)], reference="BKM-031")
    _post(books, day(previous_start, 300), "Jasa pinjaman non-anggota", [("1-102", 300_000, 0), ("4-104", 0, 300_000)], reference="BKM-058")
    _post(books, day(previous_start, 330), "Gaji karyawan November", [("5-102", 450_000, 0), ("1-101", 0, 450_000)], reference="BKK-090")
    _post(books, day(this_start, 9), "Pinjaman bank modal kerja", [("1-102", 2_000_000, 0), ("2-201", 0, 2_000_000)], reference="BKM-101")
    _post(books, day(this_start, 20), "Provisi dan administrasi Januari", [("1-101", 150_000, 0), ("4-102", 0, 150_000)], reference="BKM-102")
    return books


@pytest.fixture
def visit(page, live_server, check_a11y, screenshot, assert_styled, browser_problems):
    """visit.goto(path, name) / visit.seen(name): every page visited is styled, photographed and
    checked by axe; at the end the browser must have reported no console error or failed request."""

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

        def login(self, login, password):
            self.goto(LOGIN_PATH, "login")
            fill_login(page, login, password)

    yield Visit()
    assert not browser_problems, "the browser reported problems:\n" + "\n".join(browser_problems)


def path_of(page):
    return re.sub(r"^https?://[^/]+", "", page.url)


def message(page):
    """The page's flash messages as one line of text."""
    return " ".join(page.locator("main .messages").inner_text().split())


def open_books_from_navigation(page, visit, books):
    """From the cooperative's overview, the bottom navigation's "Pembukuan" opens the journal."""
    expect(page).to_have_url(re.compile(rf"/c/{re.escape(books.slug)}/$"))
    visit.seen("cooperative-overview")
    books_link = page.locator(f"nav.bottom-nav a[href='/c/{books.slug}/buku/jurnal/']")
    expect(books_link).to_be_visible()
    expect(books_link).to_have_text(re.compile("Pembukuan"))
    books_link.click()
    expect(page).to_have_url(re.compile(rf"/c/{re.escape(books.slug)}/buku/jurnal/$"))
    expect(books_link).to_have_attribute("aria-current", "page")
    visit.seen("journal")


def journal_number(books, sequence):
    return f"JU-{books.this_year}-{sequence:06d}"


# --- (1) the bookkeeper posts, reverses and prepares the previous year ------------------------


def test_bookkeeper_posts_reverses_and_prepares_the_previous_year(page, visit, books):
    visit.login(books.login_of(books.bookkeeper), PASSWORD["bookkeeper"])
    open_books_from_navigation(page, visit, books)
    # Two entries of this year were posted by the fixture; the form's is the third.
    expect(page.locator("#entry-results tbody tr")).to_have_count(7)

    page.get_by_role("link", name="Jurnal baru").click()
    expect(page).to_have_url(re.compile(r"/buku/jurnal/baru/$"))
    expect(page.locator("main h1")).to_have_text("Jurnal baru")
    visit.seen("entry-form-empty")

    form = page.locator("#entry-form")
    form.locator("input[name=date]").fill(books.today.isoformat())
    form.locator("input[name=description]").fill("Pembelian lemari arsip")
    form.locator("input[name=reference]").fill("BKM-0042")
    form.locator("input[name='baris-0-account']").fill("1-201")
    form.locator("input[name='baris-0-debit']").fill("250.000")
    form.locator("input[name='baris-1-account']").fill("1-101")
    form.locator("input[name='baris-1-credit']").fill("200.000")
    # The live totals (htmx) show the imbalance while typing …
    imbalance = "Debit dan kredit tidak seimbang: selisih Rp 50.000."
    expect(page.locator("#entry-totals .imbalance")).to_have_text(imbalance)
    visit.seen("entry-form-live-imbalance")

    # … and posting it anyway is refused with the same message, nothing written.
    form.get_by_role("button", name="Posting", exact=True).click()
    page.wait_for_load_state("load")
    expect(page).to_have_url(re.compile(r"/buku/jurnal/baru/$"))
    expect(page.locator("#line-errors")).to_contain_text(imbalance)
    with scope(cooperative=books.cooperative):
        assert JournalEntry.objects.filter(description__contains="lemari arsip").count() == 0
    visit.seen("entry-form-refused-unbalanced")

    # The filled lines come back; correct the credit and post.
    form = page.locator("#entry-form")
    expect(form.locator("input[name='baris-0-account']")).to_have_value(re.compile(r"^1-201"))
    form.locator("input[name='baris-1-credit']").fill("250.000")
    expect(page.locator("#entry-totals .balanced")).to_have_text("Debit dan kredit seimbang.")
    form.get_by_role("button", name="Posting", exact=True).click()

    number = journal_number(books, 3)
    expect(page).to_have_url(re.compile(rf"/buku/jurnal/{number}/$"))
    expect(page.locator("main h1")).to_have_text(number)
    assert f"Jurnal {number} sudah diposting." in message(page)
    lines = page.locator("main table tbody tr")
    expect(lines).to_have_count(2)
    expect(lines.nth(0)).to_contain_text("1-201 Aset tetap / inventaris")
    expect(lines.nth(0)).to_contain_text("Rp 250.000")
    expect(lines.nth(1)).to_contain_text("1-101 Kas")
    visit.seen("entry-posted")
    with scope(cooperative=books.cooperative):
        entry = JournalEntry.objects.get(number=number)
    assert entry.state == EntryState.POSTED and entry.reference == "BKM-0042" and entry.posted_by == books.bookkeeper

    # Reverse it from the entry page.
    page.get_by_role("link", name="Balik jurnal ini").click()
    expect(page).to_have_url(re.compile(rf"/buku/jurnal/{number}/balik/$"))
    expect(page.locator("main h1")).to_have_text(f"Balik {number}")
    visit.seen("reverse-form")
    page.get_by_role("button", name="Posting jurnal pembalik").click()

    reversal = journal_number(books, 4)
    expect(page).to_have_url(re.compile(rf"/buku/jurnal/{reversal}/$"))
    expect(page.locator("main h1")).to_have_text(reversal)
    assert f"{number} sudah dibalik dengan {reversal}." in message(page)
    visit.seen("reversal-posted")

    # The original shows who reversed it, as a link.
    page.locator("main dl").get_by_role("link", name=number).click()
    expect(page).to_have_url(re.compile(rf"/buku/jurnal/{number}/$"))
    warning = page.locator("main .message-warning")
    expect(warning).to_contain_text("Dibalik oleh")
    reversed_by = warning.get_by_role("link", name=reversal)
    expect(reversed_by).to_have_attribute("href", f"/c/{books.slug}/buku/jurnal/{reversal}/")
    expect(page.locator("main .badge-reversed")).to_have_text("Sudah dibalik")
    expect(page.get_by_role("link", name="Balik jurnal ini")).to_have_count(0)
    visit.seen("entry-reversed")
    with scope(cooperative=books.cooperative):
        assert JournalEntry.objects.get(number=reversal).reverses_id == entry.pk

    # Prepare the previous book year for the manager: back to the journal, then the book years.
    page.locator("main").get_by_role("link", name="← Jurnal").click()
    expect(page).to_have_url(re.compile(r"/buku/jurnal/$"))
    expect(page.locator("#entry-results tbody tr").filter(has_text=number).locator(".badge-reversed")).to_be_visible()
    visit.seen("journal-with-reversal")
    page.locator("nav.subnav").get_by_role("link", name="Tahun buku", exact=True).click()
    expect(page).to_have_url(re.compile(r"/buku/tahun/$"))
    visit.seen("book-years-open")
    page.get_by_role("button", name=f"Siapkan {books.previous_year} untuk ditutup").click()
    page.wait_for_load_state("load")
    assert f"Tahun buku {books.previous_year} siap ditutup oleh pengurus." in message(page)
    year_card = page.locator("main li.card").filter(has_text=f"Tahun buku {books.previous_year}")
    expect(year_card.locator(".badge")).to_have_text("Siap ditutup")
    expect(year_card).to_contain_text(f"Disiapkan oleh {books.bookkeeper.full_name}")
    # The bookkeeper cannot close it: that button is the manager's.
    expect(page.get_by_role("link", name=f"Tutup {books.previous_year}")).to_have_count(0)
    visit.seen("book-year-prepared")
    with scope(cooperative=books.cooperative):
        assert BookYear.objects.get(year=books.previous_year).state == BookYearState.PREPARED


# --- (2) the manager closes it ---------------------------------------------------------------


def test_manager_closes_the_prepared_year(page, visit, books):
    services.book_year_prepare(actor=books.bookkeeper, cooperative=books.cooperative, year=books.previous_year)

    visit.login(books.login_of(books.manager), PASSWORD["manager"])
    open_books_from_navigation(page, visit, books)
    page.locator("nav.subnav").get_by_role("link", name="Tahun buku", exact=True).click()
    expect(page).to_have_url(re.compile(r"/buku/tahun/$"))
    visit.seen("book-years-prepared")

    page.get_by_role("link", name=f"Tutup {books.previous_year}", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/buku/tahun/{books.previous_year}/tutup/$"))
    expect(page.locator("main h1")).to_have_text(f"Tutup tahun buku {books.previous_year}")
    # What closing will move into SHU tahun berjalan: 900.000 + 300.000 income − 450.000 expense.
    facts = page.locator("main dl.facts")
    expect(facts).to_contain_text("Rp 1.200.000")
    expect(facts).to_contain_text("Rp 450.000")
    expect(facts).to_contain_text("Rp 750.000")
    visit.seen("close-confirmation")

    page.get_by_role("button", name=f"Tutup tahun buku {books.previous_year}").click()
    expect(page).to_have_url(re.compile(r"/buku/tahun/$"))
    assert f"Tahun buku {books.previous_year} telah ditutup." in message(page)
    year_card = page.locator("main li.card").filter(has_text=f"Tahun buku {books.previous_year}")
    expect(year_card.locator(".badge")).to_have_text("Ditutup")
    expect(year_card).to_contain_text(f"Ditutup oleh {books.manager.full_name}")
    expect(year_card.get_by_role("link", name=f"Buka kembali {books.previous_year}")).to_be_visible()
    visit.seen("book-year-closed")

    with scope(cooperative=books.cooperative):
        book_year = BookYear.objects.get(year=books.previous_year)
        closing = JournalEntry.objects.get(kind=EntryKind.CLOSING)
    assert book_year.state == BookYearState.CLOSED and book_year.closed_by == books.manager
    assert closing.number == f"JT-{books.previous_year}-000001"
    assert closing.date == books.previous_end

    # The closing entry is in the journal, and it cannot be reversed.
    page.locator("nav.subnav").get_by_role("link", name="Jurnal", exact=True).click()
    expect(page).to_have_url(re.compile(r"/buku/jurnal/$"))
    visit.seen("journal-with-closing-entry")
    page.get_by_role("link", name=closing.number).click()
    expect(page.locator("main h1")).to_have_text(closing.number)
    expect(page.locator("main")).to_contain_text("3-107 SHU tahun berjalan")
    expect(page.get_by_role("link", name="Balik jurnal ini")).to_have_count(0)
    visit.seen("closing-entry")


# --- (3) the four reports on the phone, and their downloads ------------------------------------


REPORTS = [
    # (link on the reports index, file name stem, dates in the file name)
    ("Buku besar", "buku-besar-1-101", "period"),
    ("Neraca saldo", "neraca-saldo", "as_of"),
    ("Laporan posisi keuangan", "laporan-posisi-keuangan", "as_of"),
    ("Laporan perhitungan hasil usaha", "laporan-perhitungan-hasil-usaha", "period"),
]


def test_bookkeeper_opens_the_four_reports_and_downloads_each_as_xlsx_and_pdf(page, visit, books):
    services.book_year_prepare(actor=books.bookkeeper, cooperative=books.cooperative, year=books.previous_year)
    services.book_year_close(actor=books.manager, cooperative=books.cooperative, year=books.previous_year)
    DOWNLOAD_DIR.mkdir(parents=True, exist_ok=True)

    visit.login(books.login_of(books.bookkeeper), PASSWORD["bookkeeper"])
    expect(page).to_have_url(re.compile(rf"/c/{re.escape(books.slug)}/$"))
    visit.seen("cooperative-overview")
    page.locator("main").get_by_role("link", name="Laporan keuangan").click()
    index_path = f"/c/{books.slug}/buku/laporan/"
    expect(page).to_have_url(re.compile(rf"{re.escape(index_path)}$"))
    expect(page.locator("nav.subnav a[aria-current=page]")).to_have_text("Laporan")
    visit.seen("reports-index")

    downloaded = []
    for link_name, stem, dates in REPORTS:
        if path_of(page) != index_path:
            page.locator("nav.subnav").get_by_role("link", name="Laporan", exact=True).click()
            expect(page).to_have_url(re.compile(rf"{re.escape(index_path)}$"))
        page.locator("main .report-index").get_by_role("link", name=re.compile(rf"^{link_name}", re.I)).click()
        page.wait_for_load_state("load")
        expect(page.locator("main h1")).to_be_visible()

        if stem.startswith("buku-besar"):  # the general ledger needs an account first
            expect(page.locator("main .empty")).to_be_visible()
            visit.seen(f"{stem}-choose-account")
            page.locator("main form select[name=account]").select_option("1-101")
            page.locator("main form").get_by_role("button", name="Tampilkan").click()
            page.wait_for_load_state("load")
            expect(page).to_have_url(re.compile(r"account=1-101"))

        sheet = page.locator("main article.report-sheet")
        expect(sheet).to_be_visible()
        expect(sheet).to_contain_text(books.cooperative.name)
        expect(sheet.locator("table")).to_be_visible()
        if stem == "laporan-posisi-keuangan":
            expect(sheet).to_contain_text("SHU tahun berjalan")
        if stem.startswith("buku-besar"):
            expect(sheet).to_contain_text("Provisi dan administrasi Januari")
        visit.seen(stem)

        if dates == "as_of":
            file_dates = books.today.isoformat()
        else:
            file_dates = f"{books.this_start.isoformat()}-{books.today.isoformat()}"
        for fmt, button in (("xlsx", "Unduh Excel (XLSX)"), ("pdf", "Unduh PDF")):
            with page.expect_download() as info:
                page.locator("main .report-downloads").get_by_role("link", name=button).click()
            download = info.value
            assert download.failure() is None, f"{stem}.{fmt}: {download.failure()}"
            expected = f"{stem}-{books.slug}-{file_dates}.{fmt}"
            assert download.suggested_filename == expected
            target = DOWNLOAD_DIR / expected
            download.save_as(target)
            content = target.read_bytes()
            if fmt == "xlsx":
                assert content[:2] == b"PK", f"{expected} is not a zip (XLSX) file"
                workbook = load_workbook(target, read_only=True)
                cells = [str(c) for row in workbook.active.iter_rows(values_only=True) for c in row if c is not None]
                workbook.close()
                assert books.cooperative.name in cells, f"{expected} lacks the cooperative's name"
            else:
                assert content.startswith(b"%PDF"), f"{expected} does not start with %PDF"
            downloaded.append(expected)

    assert len(downloaded) == 8, downloaded
