"""ledger.imports: amounts as people type them, file detection by content, and the opening
balance preview that lists every bad row. Pure functions: no database."""

import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal

import pytest
from openpyxl import Workbook

from ledger import imports
from ledger.imports import AmountError, ImportRefused, check_opening_rows, opening_preview, parse_amount, read_rows

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


@dataclass
class Acc:
    code: str
    name: str = "Akun"
    is_postable: bool = True
    is_active: bool = True


ACCOUNTS = {a.code: a for a in [
    Acc("1", "Aset", is_postable=False), Acc("1-101", "Kas"), Acc("1-102", "Bank"), Acc("3-103", "Modal penyertaan"),
    Acc("3-104", "Hibah"), Acc("1-199", "Kas lama", is_active=False), Acc("1101", "Kas (kode angka)"),
]}


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- amounts -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("1.250.000", "1250000"), ("1250000", "1250000"), ("1250000,50", "1250000.50"), ("1.250.000,50", "1250000.50"),
    ("1,250,000.50", "1250000.50"), ("1,250,000", "1250000"), ("1.250", "1250"), ("1250000.5", "1250000.5"),
    ("Rp 5.000", "5000"), ("Rp5.000,00", "5000"), (" 12 500 ", "12500"), ("", "0"), ("-", "0"), (None, "0"),
    ("0,5", "0.5"), ("0.50", "0.50"), (1250000, "1250000"), (1250000.5, "1250000.5"), (Decimal("10.25"), "10.25"),
])
def test_amounts_as_people_type_them(text, expected):
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize(("text", "message"), [
    ("abc", "not a number"), ("1.25.000", "not a number"), ("12,5,00", "not a number"), ("1250,", "not a number"),
    ("1..250", "not a number"), ("1e5", "not a number"), ("NaN", "not a number"), (float("inf"), "not a number"),
    (True, "not a number"), ("-5.000", "negative"), ("(5.000)", "negative"), ("Rp -5.000", "negative"), (-1, "negative"),
    ("10,001", "2 decimals"), ("0.125", "2 decimals"), (0.001, "2 decimals"), ("99999999999999999", "too large"),
])
def test_bad_amounts_say_why(text, message, settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"), pytest.raises(AmountError) as caught:
        parse_amount(text)
    assert message in caught.value.message


# --- reading files -------------------------------------------------------------------------

def test_xlsx_is_read_by_content_with_numbers_and_blank_rows():
    content = xlsx([["Kode akun", "Nama", "Debit", "Kredit"], [], ["1-101", "Kas", 1250000.5, None], [1101, "Kas", None, 10]])
    rows = read_rows(content)
    assert [number for number, _ in rows] == [1, 3, 4]
    assert rows[1][1][:3] == ["1-101", "Kas", 1250000.5]


def test_csv_in_utf8_with_semicolons_and_a_bom():
    content = "\ufeffkode akun;debit;kredit\n1-101;1.250.000,50;\n".encode("utf-8")
    assert read_rows(content) == [(1, ["kode akun", "debit", "kredit"]), (2, ["1-101", "1.250.000,50", ""])]


def test_csv_in_windows_1252_with_commas():
    content = 'account code,debit,credit,name\n3-103,,"1,250,000.00",Modal penyertaan – lama\n'.encode("cp1252")
    rows = read_rows(content)
    assert rows[1][1] == ["3-103", "", "1,250,000.00", "Modal penyertaan – lama"]


def test_tab_separated_text_works_too():
    assert read_rows(b"kode\tdebit\tkredit\n1-101\t5000\t\n")[1][1] == ["1-101", "5000", ""]


@pytest.mark.parametrize(("content", "message"), [
    (PNG, "not an Excel workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
    (b"", "empty"),
    (b"   \n", "empty"),
    (b"PK\x03\x04 broken zip", "not an Excel workbook"),
    (b"%PDF-1.7\n\x00\x01binary", "not an Excel workbook"),
    (b"kode;debit\x01;kredit\n", "not an Excel workbook"),
])
def test_files_that_are_not_spreadsheets_are_refused_clearly(content, message):
    from django.utils import translation

    with translation.override("en"), pytest.raises(ImportRefused) as caught:
        read_rows(content)
    assert message in caught.value.message


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<doc/>")
    with pytest.raises(ImportRefused):
        read_rows(out.getvalue())


def test_a_damaged_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not really")
    with pytest.raises(ImportRefused):
        read_rows(out.getvalue())


def test_size_and_row_limits():
    with pytest.raises(ImportRefused, match="2 MB"):
        read_rows(b"a" * (imports.MAX_BYTES + 1))
    many = "kode;debit;kredit\n" + "1-101;1;\n" * (imports.MAX_ROWS + 1)
    with pytest.raises(ImportRefused, match="5.000"):
        read_rows(many.encode())
    read_rows(("kode;debit;kredit\n" + "1-101;1;\n" * imports.MAX_ROWS).encode())  # exactly the limit is fine
    with pytest.raises(ImportRefused, match="5.000"):
        read_rows(xlsx([["kode", "debit", "kredit"]] + [["1-101", 1, None]] * (imports.MAX_ROWS + 1)))


# --- checking rows -------------------------------------------------------------------------

def test_a_good_file_balances_and_can_be_posted():
    content = "Kode Akun;Nama akun;Debit (Rp);Kredit (Rp)\n1-101;Kas;1.250.000;\n1-102;Bank;250.000,50;\n3-103;Pokok;;1.500.000,50\n3-104;Wajib;0;0\n".encode()
    preview = opening_preview(content, ACCOUNTS)
    assert preview.ok and not preview.errors
    assert [(l.row, l.code, l.debit, l.credit) for l in preview.lines] == [
        (2, "1-101", Decimal("1250000"), 0), (3, "1-102", Decimal("250000.50"), 0), (4, "3-103", 0, Decimal("1500000.50")),
    ]
    assert preview.total_debit == preview.total_credit == Decimal("1500000.50")
    assert preview.as_lines()[0] == {"account": "1-101", "debit": Decimal("1250000"), "credit": Decimal("0"), "memo": ""}
    again = imports.OpeningPreview.from_session(preview.to_session())
    assert again.as_lines() == preview.as_lines() and again.ok


def test_english_headers_and_numeric_codes_from_excel():
    preview = opening_preview(xlsx([["Account code", "Debit", "Credit"], [1101.0, 500, None], ["3-103", None, 500]]), ACCOUNTS)
    assert preview.ok and [l.code for l in preview.lines] == ["1101", "3-103"]


def test_every_bad_row_is_listed_with_row_column_and_message():
    from django.utils import translation

    rows = [
        (1, ["kode akun", "debit", "kredit"]),
        (2, ["9-999", "1000", ""]),          # unknown account
        (3, ["1", "1000", ""]),              # header account
        (4, ["1-101", "1000", "1000"]),      # both sides
        (5, ["1-101", "seribu", ""]),        # not a number
        (6, ["1-101", "-1000", ""]),         # negative
        (7, ["1-101", "10,001", ""]),        # more than 2 decimals
        (8, ["1-199", "1000", ""]),          # inactive
        (9, ["", "1000", ""]),               # no code
        (10, ["3-103", "", "5000"]),         # fine
        (11, ["1-101", "", ""]),             # zero: skipped, no error
    ]
    with translation.override("en"):
        preview = check_opening_rows(rows, ACCOUNTS)
        found = [(e.row, e.column, e.message) for e in preview.errors]
    assert found == [
        (2, "kode akun", "there is no account 9-999"),
        (3, "kode akun", "1 is a header account; use one of its accounts"),
        (4, "", "both debit and credit are filled in; use one side only"),
        (5, "debit", "not a number"),
        (6, "debit", "negative amount"),
        (7, "debit", "more than 2 decimals"),
        (8, "kode akun", "account 1-199 is inactive"),
        (9, "kode akun", "the account code is missing"),
    ]
    assert [l.row for l in preview.lines] == [10]
    assert not preview.ok


def test_an_unbalanced_file_shows_the_difference_and_cannot_be_posted():
    from django.utils import translation

    rows = [(1, ["kode", "debit", "kredit"]), (2, ["1-101", "150.000", ""]), (3, ["3-103", "", "145.000"])]
    with translation.override("id"):
        preview = check_opening_rows(rows, ACCOUNTS)
        assert preview.imbalance_message == "Debit dan kredit tidak seimbang: selisih Rp 5.000."
    assert not preview.errors and not preview.ok


@pytest.mark.parametrize("header", [["akun", "nama"], ["kode akun", "debit"], ["code", "credit", "debet"][:2], []])
def test_missing_columns_refuse_the_file(header):
    with pytest.raises(ImportRefused):
        check_opening_rows([(1, header), (2, ["1-101", "1", "1"])], ACCOUNTS)


def test_a_header_without_rows_or_only_one_line_cannot_be_posted():
    with pytest.raises(ImportRefused):
        check_opening_rows([(1, ["kode", "debit", "kredit"])], ACCOUNTS)
    preview = check_opening_rows([(1, ["kode", "debit", "kredit"]), (2, ["1-101", "0", "0"])], ACCOUNTS)
    assert preview.lines == [] and not preview.ok
