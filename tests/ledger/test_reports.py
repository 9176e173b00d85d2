"""The four ledger reports (issue 3, item 6): figures on hand-built postings, the balance sheet
balanced on random postings, the prior year-end column, member / non-member income apart,
XLSX and PDF downloads, bad input, signatures and identity, and constant query counts."""

import datetime
import random
import shutil
import subprocess
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope
from openpyxl import load_workbook
from weasyprint import HTML

from ledger import selectors, services
from ledger.exports import document
from ledger.exports.pdf import OfflineURLFetcher, render_html
from ledger.models import Account
from ledger.report_forms import book_year_start
from portal.formatting import format_date
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.portal.test_translations import compiled_catalogues  # noqa: F401 — pages in Indonesian need the .mo

pytestmark = pytest.mark.django_db
D = datetime.date
STAFF_BUDGET = 12


def url(coop, name, **query):
    from urllib.parse import urlencode

    path = {
        "index": "", "general_ledger": "buku-besar/", "trial_balance": "neraca-saldo/",
        "balance_sheet": "posisi-keuangan/", "income_statement": "hasil-usaha/",
    }[name]
    from django.urls import reverse

    assert reverse(f"ledger_reports:{name}", args=[coop.slug]) == f"/c/{coop.slug}/buku/laporan/{path}"
    return f"/c/{coop.slug}/buku/laporan/{path}" + (f"?{urlencode(query)}" if query else "")


@pytest.fixture
def ledger_books(books, bookkeeper, make_user, post):
    """2025: capital, a member loan, member interest, salaries — closed (SHU Rp 250.000).
    2026 (open): voluntary savings, member and non-member interest, other income, expenses,
    depreciation into a contra asset."""
    manager = make_user(books, "manager")
    post(D(2025, 3, 1), [("1-101", 5000000, 0), ("3-103", 0, 5000000)])
    post(D(2025, 6, 1), [("1-103", 3000000, 0), ("1-101", 0, 3000000)])
    post(D(2025, 9, 30), [("1-101", 400000, 0), ("4-101", 0, 400000)])
    post(D(2025, 10, 15), [("5-102", 150000, 0), ("1-101", 0, 150000)])
    services.book_year_prepare(actor=bookkeeper, cooperative=books, year=2025)
    services.book_year_close(actor=manager, cooperative=books, year=2025)
    post(D(2026, 1, 10), [("1-101", 1000000, 0), ("2-201", 0, 1000000)], description="Setoran sukarela", reference="BKM-001")
    post(D(2026, 2, 5), [("1-101", 120000, 0), ("4-104", 0, 120000)])
    post(D(2026, 2, 20), [("1-101", 80000, 0), ("4-101", 0, 80000)])
    post(D(2026, 3, 1), [("1-101", 30000, 0), ("4-901", 0, 30000)])
    post(D(2026, 3, 15), [("5-105", 45000, 0), ("1-101", 0, 45000)])
    post(D(2026, 4, 1), [("5-106", 10000, 0), ("1-202", 0, 10000)])
    return books


@pytest.fixture
def staff(client, ledger_books, bookkeeper):
    client.force_login(bookkeeper)
    return client


def report_of(response):
    assert response.status_code == 200, response.content[:500]
    report = response.context["report"]
    assert report is not None, response.context["form"].errors
    return report


def by_label(report, column=1):
    """{code or label: [cells…]} of the report's lines."""
    out = {}
    for line in report.lines:
        key = line.cells[0] or line.cells[column]
        out.setdefault(key, line.cells)
    return out


def money(value):
    return Decimal(value)


# --- figures -------------------------------------------------------------------------------

def test_trial_balance_figures(staff, ledger_books):
    report = report_of(staff.get(url(ledger_books, "trial_balance", as_of="2026-04-30")))
    rows = {line.cells[0]: (line.cells[2], line.cells[3]) for line in report.lines if line.cells[0]}
    assert rows == {
        "1-101": (money(3435000), None), "1-103": (money(3000000), None), "1-202": (None, money(10000)),
        "2-201": (None, money(1000000)), "3-103": (None, money(5000000)), "3-107": (None, money(250000)),
        "4-101": (None, money(80000)), "4-104": (None, money(120000)), "4-901": (None, money(30000)),
        "5-105": (money(45000), None), "5-106": (money(10000), None),
    }
    total = report.lines[-1]
    assert total.style == document.TOTAL and total.cells[2:] == [money(6490000), money(6490000)]
    assert not report.warnings


def test_balance_sheet_figures_with_prior_year_end(staff, ledger_books):
    report = report_of(staff.get(url(ledger_books, "balance_sheet", as_of="2026-04-30")))
    assert [c.label for c in report.columns[2:]] == [format_date(D(2026, 4, 30)), format_date(D(2025, 12, 31))]
    rows = by_label(report)
    assert rows["1-101"][2:] == [money(3435000), money(2250000)]
    assert rows["1-103"][2:] == [money(3000000), money(3000000)]
    assert rows["1-202"][2:] == [money(-10000), money(0)]  # contra asset, shown in brackets
    assert rows["2-201"][2:] == [money(1000000), money(0)]
    assert rows["3-103"][2:] == [money(5000000), money(5000000)]
    assert rows["3-107"][2:] == [money(250000), money(250000)]  # 2025's SHU, closed
    subtotals = {l.cells[1]: l.cells[2:] for l in report.lines if l.style in (document.SUBTOTAL, document.TOTAL)}
    assert list(subtotals.values()) == [
        [money(6425000), money(5250000)],  # assets
        [money(1000000), money(0)],  # liabilities
        [money(5425000), money(5250000)],  # equity incl. current SHU 175.000 (not yet closed)
        [money(6425000), money(5250000)],  # liabilities + equity
    ]
    current_shu = [l for l in report.lines if l.style == document.LINE and not l.cells[0]]
    assert [l.cells[2:] for l in current_shu] == [[money(175000), money(0)]]
    html = staff.get(url(ledger_books, "balance_sheet", as_of="2026-04-30")).content.decode()
    assert "(Rp 10.000)" in html and "Rp 6.425.000" in html and "Rp 5.250.000" in html


def test_balance_sheet_at_a_year_end_compares_with_the_year_before(staff, ledger_books):
    report = report_of(staff.get(url(ledger_books, "balance_sheet", as_of="2025-12-31")))
    assert report.columns[3].label == format_date(D(2024, 12, 31))
    totals = [l.cells[2:] for l in report.lines if l.style == document.TOTAL]
    assert totals == [[money(5250000), money(0)]]


def test_income_statement_member_and_non_member_apart(staff, ledger_books):
    report = report_of(staff.get(url(ledger_books, "income_statement", **{"from": "2026-01-01", "to": "2026-04-30"})))
    labels = [(l.style, l.cells[1], l.cells[2]) for l in report.lines]
    assert (document.SUBTOTAL, "Jumlah pendapatan dari anggota", money(80000)) in labels
    assert (document.SUBTOTAL, "Jumlah pendapatan dari non-anggota", money(120000)) in labels
    assert (document.SUBTOTAL, "Jumlah pendapatan lain-lain", money(30000)) in labels
    assert (document.SUBTOTAL, "Jumlah pendapatan", money(230000)) in labels
    assert (document.SUBTOTAL, "Jumlah beban", money(55000)) in labels
    assert report.lines[-1].style == document.TOTAL and report.lines[-1].cells[2] == money(175000)
    # each income account sits under its own group
    codes = [l.cells[0] for l in report.lines]
    member, non_member = codes.index("4-101"), codes.index("4-104")
    headings = [i for i, l in enumerate(report.lines) if l.style == document.HEADING]
    assert any(h < member for h in headings) and any(member < h < non_member for h in headings)


def test_income_statement_of_a_closed_year_and_a_loss_in_brackets(staff, ledger_books):
    closed = report_of(staff.get(url(ledger_books, "income_statement", **{"from": "2025-01-01", "to": "2025-12-31"})))
    assert closed.lines[-1].cells[2] == money(250000)  # closing entries left out
    loss = staff.get(url(ledger_books, "income_statement", **{"from": "2026-03-15", "to": "2026-04-30"}))
    assert report_of(loss).lines[-1].cells[2] == money(-55000)
    assert "(Rp 55.000)" in loss.content.decode()


def test_income_statement_without_segments_in_the_chart_lists_income_plainly(staff, ledger_books):
    with scope(cooperative=ledger_books):
        Account.objects.filter(kind="income").update(segment="")
    report = report_of(staff.get(url(ledger_books, "income_statement", **{"from": "2026-01-01", "to": "2026-04-30"})))
    assert [l.cells[1] for l in report.lines if l.style == document.HEADING] == ["PENDAPATAN", "BEBAN"]
    assert report.lines[-1].cells[2] == money(175000)


def test_general_ledger_running_balance(staff, ledger_books):
    report = report_of(staff.get(url(ledger_books, "general_ledger", account="1-101", **{"from": "2026-02-01", "to": "2026-03-31"})))
    assert report.subtitle == "1-101 Kas"
    first, *lines, movements, last = report.lines
    assert first.cells[2] == "Saldo awal" and first.cells[5] == money(3250000)
    assert [(l.cells[0], l.cells[3], l.cells[4], l.cells[5]) for l in lines] == [
        (D(2026, 2, 5), money(120000), None, money(3370000)),
        (D(2026, 2, 20), money(80000), None, money(3450000)),
        (D(2026, 3, 1), money(30000), None, money(3480000)),
        (D(2026, 3, 15), None, money(45000), money(3435000)),
    ]
    assert all(l.cells[1].startswith("JU-2026-") for l in lines)
    assert movements.cells[3:5] == [money(230000), money(45000)]
    assert last.cells[2] == "Saldo akhir" and last.cells[5] == money(3435000)


def test_general_ledger_of_an_income_account_shows_the_closing(staff, ledger_books):
    report = report_of(staff.get(url(ledger_books, "general_ledger", account="4-101", **{"from": "2025-01-01", "to": "2025-12-31"})))
    balances = [l.cells[5] for l in report.lines if l.style == document.LINE]
    assert balances == [money(400000), money(0)]  # the closing entry empties it into SHU
    assert report.lines[-1].cells[5] == money(0)


def test_general_ledger_shows_reference_and_defaults_to_the_book_year(staff, ledger_books):
    response = staff.get(url(ledger_books, "general_ledger", account="2-201"))
    report = report_of(response)
    today = timezone.localdate()
    form = response.context["form"]
    assert (form.cleaned_data["from"], form.cleaned_data["to"]) == (book_year_start(ledger_books, today), today)
    assert f'value="{today.isoformat()}"' in response.content.decode()  # the default shows in the field
    if today.year == 2026:
        assert any("bukti BKM-001" in str(l.cells[2]) for l in report.lines)


def test_book_year_start_follows_the_cooperative():
    class Coop:
        book_year_end_month = 6

    assert book_year_start(Coop, D(2026, 11, 28)) == D(2026, 7, 1)
    assert book_year_start(Coop, D(2026, 6, 30)) == D(2025, 7, 1)
    Coop.book_year_end_month = 12
    assert book_year_start(Coop, D(2026, 11, 28)) == D(2026, 1, 1)


# --- balanced whatever the postings --------------------------------------------------------

def test_balance_sheet_balances_on_random_postings(client, books, bookkeeper, make_user, post):
    rng = random.Random(2026)
    codes = ["1-101", "1-102", "1-103", "1-105", "1-202", "2-201", "2-102", "3-103", "3-104", "3-105",
             "4-101", "4-102", "4-104", "4-901", "5-101", "5-102", "5-106"]
    entries = []
    for _ in range(150):
        a, b = rng.sample(codes, 2)
        amount = Decimal(rng.randint(1, 900000000)) / 100
        entries.append(post(D(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 1000)), [(a, amount, 0), (b, 0, amount)]))
    manager = make_user(books, "manager")
    for year in (2024, 2025):
        services.book_year_prepare(actor=bookkeeper, cooperative=books, year=year)
        services.book_year_close(actor=manager, cooperative=books, year=year)
    for entry in rng.sample([e for e in entries if e.date.year == 2026], 5):
        services.entry_reverse(actor=bookkeeper, entry=entry, date=D(2026, 9, 30))
    client.force_login(bookkeeper)
    for as_of in [D(2024, 2, 29), D(2024, 12, 31), D(2025, 1, 1), D(2025, 7, 17), D(2025, 12, 31), D(2026, 9, 30), D(2026, 10, 5)]:
        report = report_of(client.get(url(books, "balance_sheet", as_of=as_of.isoformat())))
        sub = [l.cells[2:] for l in report.lines if l.style == document.SUBTOTAL]
        total = [l.cells[2:] for l in report.lines if l.style == document.TOTAL][0]
        assert sub[0] == total, as_of  # assets = liabilities + equity, both columns
        assert sub[1][0] + sub[2][0] == total[0] and sub[1][1] + sub[2][1] == total[1]
        assert not report.warnings
        sheet = selectors.balance_sheet(cooperative=books, as_of=as_of)
        recomputed = selectors.balance_sheet(cooperative=books, as_of=as_of, from_lines=True)
        assert (sheet.assets.total, sheet.current_shu) == (recomputed.assets.total, recomputed.current_shu)
        tb = report_of(client.get(url(books, "trial_balance", as_of=as_of.isoformat())))
        assert tb.lines[-1].cells[2] == tb.lines[-1].cells[3] and not tb.warnings


# --- identity, signatures, Indonesian ------------------------------------------------------

def test_identity_on_top_and_signatures_at_the_bottom(staff, ledger_books):
    ledger_books.address = "Jl. Suryakencana No. 12"
    ledger_books.nik_koperasi = "3272010010001"
    ledger_books.save()
    RoleAssignmentFactory(cooperative=ledger_books, role="manager", title="Ketua", user=UserFactory(full_name="Asep Saepudin"))
    RoleAssignmentFactory(cooperative=ledger_books, role="manager", title=" bendahara ", user=UserFactory(full_name="Lilis Kurniasih"))
    RoleAssignmentFactory(cooperative=ledger_books, role="manager", title="Wakil Ketua", user=UserFactory(full_name="Wakil Orang"))
    RoleAssignmentFactory(cooperative=ledger_books, role="supervisor", title="Sekretaris", user=UserFactory(full_name="Bukan Pengurus"))
    response = staff.get(url(ledger_books, "trial_balance", as_of="2026-04-30"))
    report = report_of(response)
    assert [(s.title, s.name) for s in report.signatories] == [("Ketua", "Asep Saepudin"), ("Sekretaris", ""), ("Bendahara", "Lilis Kurniasih")]
    assert report.place_date == f"Sukabumi, {format_date(timezone.localdate(), long=True)}"
    html = response.content.decode()
    identity_at, table_at, sign_at = html.index(ledger_books.legal_entity_number), html.index("<table"), html.index("Asep Saepudin")
    assert identity_at < table_at < sign_at
    for text in (ledger_books.name, "3272010010001", "Jl. Suryakencana No. 12", "Kota Sukabumi", "Sukabumi, ", "Sekretaris"):
        assert text in html
    assert "Wakil Orang" not in html and "Bukan Pengurus" not in html


def test_pages_are_in_indonesian_with_rupiah(staff, ledger_books):
    pages = {
        "trial_balance": ("Neraca saldo", "Per 30 April 2026"),
        "balance_sheet": ("Laporan posisi keuangan", "SHU tahun berjalan (belum ditutup)"),
        "income_statement": ("Laporan perhitungan hasil usaha", "Sisa hasil usaha (SHU)"),
    }
    for name, texts in pages.items():
        html = staff.get(url(ledger_books, name, as_of="2026-04-30", to="2026-04-30")).content.decode()
        for text in texts + ("Unduh PDF", "Ketua", "Bendahara", "Rp "):
            assert text in html, (name, text)
    index = staff.get(url(ledger_books, "index")).content.decode()
    for name in ("general_ledger", "trial_balance", "balance_sheet", "income_statement"):
        assert url(ledger_books, name) in index


# --- downloads -----------------------------------------------------------------------------

def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(BytesIO(response.content)).active


def _row_with(sheet, text):
    for row in sheet.iter_rows():
        if any(cell.value == text for cell in row):
            return row
    raise AssertionError(f"{text!r} not in the sheet")


def test_trial_balance_xlsx_has_numbers_formats_and_totals(staff, ledger_books):
    response = staff.get(url(ledger_books, "trial_balance", as_of="2026-04-30", format="xlsx"))
    assert response["Content-Disposition"] == f'attachment; filename="neraca-saldo-{ledger_books.slug}-2026-04-30.xlsx"'
    sheet = _workbook(response)
    assert sheet["A1"].value == ledger_books.name and sheet["A1"].font.b
    header = _row_with(sheet, "Kode")
    assert [c.value for c in header] == ["Kode", "Akun", "Debit", "Kredit"] and all(c.font.b for c in header)
    cash = _row_with(sheet, "1-101")
    assert cash[2].value == 3435000 and isinstance(cash[2].value, (int, float)) and "Rp" in cash[2].number_format
    total = _row_with(sheet, "Jumlah")
    assert [total[2].value, total[3].value] == [6490000, 6490000] and total[2].font.b
    assert sheet.column_dimensions["B"].width >= 30 and sheet.column_dimensions["C"].width >= 15
    assert sheet.freeze_panes == f"A{header[0].row + 1}"
    assert _row_with(sheet, "Ketua") and _row_with(sheet, f"Sukabumi, {format_date(timezone.localdate(), long=True)}")


def test_balance_sheet_and_income_statement_xlsx(staff, ledger_books):
    sheet = _workbook(staff.get(url(ledger_books, "balance_sheet", as_of="2026-04-30", format="xlsx")))
    assert [c.value for c in _row_with(sheet, "Jumlah aset")][2:] == [6425000, 5250000]
    assert [c.value for c in _row_with(sheet, "Jumlah kewajiban dan ekuitas")][2:] == [6425000, 5250000]
    contra = _row_with(sheet, "1-202")
    assert contra[2].value == -10000 and contra[2].number_format == '"Rp" #,##0;("Rp" #,##0)'
    response = staff.get(url(ledger_books, "income_statement", format="xlsx", **{"from": "2026-01-01", "to": "2026-04-30"}))
    assert response["Content-Disposition"] == (
        f'attachment; filename="laporan-perhitungan-hasil-usaha-{ledger_books.slug}-2026-01-01-2026-04-30.xlsx"')
    sheet = _workbook(response)
    assert _row_with(sheet, "Sisa hasil usaha (SHU)")[2].value == 175000
    assert _row_with(sheet, "Jumlah pendapatan dari non-anggota")[2].value == 120000


def test_general_ledger_xlsx_has_real_dates_and_cents_format(staff, ledger_books, post):
    post(D(2026, 4, 2), [("1-101", "12.50", 0), ("4-901", 0, "12.50")])
    sheet = _workbook(staff.get(url(ledger_books, "general_ledger", account="1-101", format="xlsx", **{"from": "2026-04-01", "to": "2026-04-30"})))
    row = _row_with(sheet, "Saldo akhir")
    assert row[0].value.date() == D(2026, 4, 30) and row[5].value == pytest.approx(3435012.5)
    assert row[5].number_format == '"Rp" #,##0.00;("Rp" #,##0.00)'


def test_pdf_is_an_a4_attachment(staff, ledger_books):
    response = staff.get(url(ledger_books, "trial_balance", as_of="2026-04-30", format="pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="neraca-saldo-{ledger_books.slug}-2026-04-30.pdf"'
    assert response.content.startswith(b"%PDF")
    report = report_of(staff.get(url(ledger_books, "trial_balance", as_of="2026-04-30")))
    pages = HTML(string=render_html(report), base_url=None, url_fetcher=OfflineURLFetcher()).render().pages
    assert (round(pages[0].width * 0.75), round(pages[0].height * 0.75)) == (595, 842)  # A4 in points
    if shutil.which("pdftotext"):  # poppler-utils, where installed: the text is really there
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.content, capture_output=True, check=True).stdout.decode()
        for expected in ("NERACA SALDO", "Rp 6.490.000", "Ketua", "Sekretaris", "Bendahara", "Halaman 1 dari 1", ledger_books.name):
            assert expected in text, expected


@pytest.mark.parametrize("name, query", [
    ("balance_sheet", {"as_of": "2026-04-30"}),
    ("income_statement", {"from": "2026-01-01", "to": "2026-04-30"}),
    ("general_ledger", {"account": "1-101", "from": "2026-01-01", "to": "2026-04-30"}),
])
def test_every_report_downloads_as_pdf(staff, ledger_books, name, query):
    response = staff.get(url(ledger_books, name, format="pdf", **query))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment; filename=") and response["Content-Disposition"].endswith('.pdf"')
    assert response["Cache-Control"] == "private, no-store"


def test_pdf_rendering_fetches_nothing():
    fetcher = OfflineURLFetcher()
    for refused in ("http://example.com/logo.png", "https://example.com/font.woff", "file:///etc/passwd", "ftp://example.com/x"):
        with pytest.raises(ValueError):
            fetcher.fetch(refused)
    assert fetcher.fetch("data:text/plain,ok") is not None  # inline data is all a report may use


def test_a_name_with_markup_is_text_not_a_resource(staff, ledger_books, monkeypatch):
    ledger_books.name = 'Kopsyah "Al-Ikhlas" <img src="http://example.com/x.png">'
    ledger_books.save()
    fetched = []

    def record(self, url, headers=None):
        fetched.append(url)
        raise ValueError(url)

    monkeypatch.setattr(OfflineURLFetcher, "fetch", record)
    response = staff.get(url(ledger_books, "trial_balance", as_of="2026-04-30", format="pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF") and fetched == []


# --- bad input -----------------------------------------------------------------------------

@pytest.mark.parametrize("name, query, field, message", [
    ("trial_balance", {"as_of": "2026-13-45"}, "as_of", "Masukkan tanggal yang valid"),
    ("balance_sheet", {"as_of": "kemarin"}, "as_of", "Masukkan tanggal yang valid"),
    ("balance_sheet", {"as_of": "0001-01-01"}, "as_of", "antara tahun 1900 dan 2999"),
    ("income_statement", {"from": "2026-05-01", "to": "2026-04-30"}, "from", "Tanggal mulai tidak boleh setelah tanggal akhir"),
    ("income_statement", {"to": "9999-12-31"}, "to", "antara tahun 1900 dan 2999"),
    ("general_ledger", {"account": "9-999"}, "account", "Tidak ada akun dengan kode 9-999"),
    ("general_ledger", {"account": "1-101", "from": "2026-05-01", "to": "2026-04-30"}, "from", "Tanggal mulai"),
])
def test_bad_input_shows_form_errors_and_downloads_answer_400(staff, ledger_books, name, query, field, message):
    response = staff.get(url(ledger_books, name, **query))
    assert response.status_code == 200
    assert response.context["report"] is None and field in response.context["form"].errors
    html = response.content.decode()
    assert message in html and "Laporan belum bisa ditampilkan" in html and "<table" not in html
    for fmt in ("xlsx", "pdf"):
        download = staff.get(url(ledger_books, name, format=fmt, **query))
        assert download.status_code == 400 and "Content-Disposition" not in download
        assert download["Content-Type"].startswith("text/plain") and message in download.content.decode()


def test_general_ledger_without_an_account_asks_for_one(staff, ledger_books):
    response = staff.get(url(ledger_books, "general_ledger"))
    assert response.status_code == 200 and response.context["report"] is None
    assert "Pilih akun untuk melihat buku besarnya." in response.content.decode()
    download = staff.get(url(ledger_books, "general_ledger", format="pdf"))
    assert download.status_code == 400 and "Pilih akun" in download.content.decode()


def test_unknown_format_is_400(staff, ledger_books):
    response = staff.get(url(ledger_books, "trial_balance", format="docx"))
    assert response.status_code == 400 and "xlsx" in response.content.decode()


def test_another_cooperatives_account_is_not_found(staff, ledger_books, other_cooperative):
    services.chart_apply_template(cooperative=other_cooperative)
    with scope(cooperative=other_cooperative):
        parent = Account.objects.get(code="1")
    services.account_create(actor=None, cooperative=other_cooperative, code="1-777", name="Kas rahasia", kind="asset", parent=parent)
    response = staff.get(url(ledger_books, "general_ledger", account="1-777"))
    assert "account" in response.context["form"].errors and "Kas rahasia" not in response.content.decode()


# --- roles ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role, status", [("manager", 200), ("supervisor", 200), ("bookkeeper", 200), ("member", 403)])
def test_staff_read_and_download_members_do_not(client, ledger_books, make_user, role, status):
    client.force_login(make_user(ledger_books, role))
    assert client.get(url(ledger_books, "balance_sheet", as_of="2026-04-30", format="xlsx")).status_code == status
    assert client.get(url(ledger_books, "index")).status_code == status


def test_outsider_gets_404_on_downloads(client, ledger_books, other_cooperative, make_user):
    client.force_login(make_user(other_cooperative, "manager"))
    assert client.get(url(ledger_books, "trial_balance", format="pdf")).status_code == 404


# --- query budget --------------------------------------------------------------------------

def _queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    assert response.context["report"] is not None, path
    return len(ctx.captured_queries)


REPORT_PAGES = [
    ("trial_balance", {"as_of": "2026-11-20"}),
    ("balance_sheet", {"as_of": "2026-11-20"}),
    ("income_statement", {"from": "2026-01-15", "to": "2026-11-20"}),
    ("general_ledger", {"account": "1-101", "from": "2026-01-15", "to": "2026-11-20"}),
]


def test_report_pages_cost_the_same_few_queries_with_3_and_300_entries(client, books, bookkeeper, make_user, post):
    manager = make_user(books, "manager")
    post(D(2025, 5, 10), [("1-101", 1000, 0), ("3-103", 0, 1000)])
    post(D(2025, 8, 10), [("1-101", 500, 0), ("4-101", 0, 500)])
    services.book_year_prepare(actor=bookkeeper, cooperative=books, year=2025)
    services.book_year_close(actor=manager, cooperative=books, year=2025)
    post(D(2026, 2, 3), [("5-105", 100, 0), ("1-101", 0, 100)])
    client.force_login(bookkeeper)
    small = {name: _queries(client, url(books, name, **query)) for name, query in REPORT_PAGES}
    rng = random.Random(3)
    for i in range(297):
        day = D(2026, 1, 1) + datetime.timedelta(days=rng.randint(0, 320))
        post(day, [("1-101", 1000 + i, 0), (rng.choice(["4-101", "4-104", "2-201", "3-104"]), 0, 1000 + i)])
    large = {name: _queries(client, url(books, name, **query)) for name, query in REPORT_PAGES}
    assert large == small
    assert max(large.values()) <= STAFF_BUDGET, large


def test_trial_balance_page_same_queries_with_3_and_300_entries(client, books, bookkeeper, post):
    client.force_login(bookkeeper)
    rng = random.Random(300)

    def post_some(n):
        for i in range(n):
            day = D(2025, 1, 1) + datetime.timedelta(days=rng.randint(0, 600))
            post(day, [("1-101", 10 + i, 0), (rng.choice(["3-103", "3-104", "4-101", "2-201"]), 0, 10 + i)])

    post_some(3)
    three = _queries(client, url(books, "trial_balance", as_of="2026-06-15"))
    post_some(297)
    assert _queries(client, url(books, "trial_balance", as_of="2026-06-15")) == three <= STAFF_BUDGET


def test_general_ledger_lists_inactive_accounts_marked(staff, ledger_books, bookkeeper, account):
    services.account_update(actor=bookkeeper, account=account("1-106"), is_active=False)
    html = staff.get(url(ledger_books, "general_ledger")).content.decode()
    assert "1-106 Piutang jasa (Nonaktif)" in html and "1-101 Kas</option>" in html


# --- account_totals (ledger/selectors.py, edited for the page budget) ---------------------

def test_account_totals_equal_the_lines_for_any_range_and_cost_at_most_two_queries(ledger_books):
    days = [D(2025, 1, 1), D(2025, 2, 14), D(2025, 6, 1), D(2025, 9, 30), D(2025, 12, 31), D(2026, 1, 1),
            D(2026, 2, 5), D(2026, 2, 28), D(2026, 3, 1), D(2026, 3, 31), D(2026, 4, 30)]
    ranges = [(None, d) for d in days] + [(a, b) for a in days for b in days if a <= b]
    for since, as_of in ranges:
        for include_closing in (True, False):
            kwargs = {"cooperative": ledger_books, "as_of": as_of, "since": since, "include_closing": include_closing}
            with CaptureQueriesContext(connection) as ctx:
                rollup = selectors.account_totals(**kwargs)
            assert len(ctx.captured_queries) <= 2, (since, as_of)
            assert {k: v for k, v in rollup.items() if v != [0, 0]} == dict(selectors.account_totals_from_lines(**kwargs)), (since, as_of, include_closing)
    with CaptureQueriesContext(connection) as ctx:  # whole months only: the rollup alone
        selectors.account_totals(cooperative=ledger_books, as_of=D(2025, 12, 31))
    assert len(ctx.captured_queries) == 1
