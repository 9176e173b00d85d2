"""members.imports: the register from XLSX or CSV — headers in Indonesian or English, dates and
amounts as people write them, every bad cell listed by row and column before anything is written,
re-imports that update instead of duplicating, opening savings through savings_deposit, the whole
import in one transaction; and the upload → preview → confirm pages."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope
from openpyxl import Workbook

from ledger import services as ledger
from ledger.models import Account, JournalEntry
from members import imports, savings
from members.imports import ImportFailed, ImportRefused, member_import, member_import_preview
from members.models import Member, SavingsBalance, SavingsTransaction
from members.reconcile import savings_reconcile
from portal.models import AuditEvent
from portal.spreadsheets import DateError, parse_date
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the catalogue's Indonesian is the default)."""
    from django.utils import translation

    with translation.override("en"):
        yield
D = datetime.date
TODAY = timezone.localdate()
NIK_P = "3272015508850001"  # woman, 15 Aug 1985
NIK_L = "3272011508850002"  # man, 15 Aug 1985
NIK_3 = "3272011203900003"  # man, 12 Mar 1990
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"

HEADER_ID = ["No. Anggota", "Nama", "NIK", "Jenis Kelamin (L/P)", "Tempat Lahir", "Tanggal Lahir", "Pekerjaan", "Alamat",
             "Kelurahan", "No. HP", "Tanggal Masuk"]


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows, delimiter=";") -> bytes:
    return "\n".join(delimiter.join("" if c is None else str(c) for c in row) for row in rows).encode()


def members_of(cooperative):
    with scope(cooperative=cooperative):
        return {m.number: m for m in Member.objects.select_related("kelurahan")}


def preview_of(cooperative, content):
    with scope(cooperative=cooperative):
        return member_import_preview(content, cooperative=cooperative)


def errors_of(preview):
    return {(e.row, e.column) for e in preview.errors}


def cash(cooperative):
    with scope(cooperative=cooperative):
        return Account.objects.get(cooperative=cooperative, purpose="cash")


# --- dates -----------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("12/03/1980", D(1980, 3, 12)), ("1-2-2020", D(2020, 2, 1)), ("05.11.2019", D(2019, 11, 5)),
    ("1980-03-12", D(1980, 3, 12)), ("2020/2/1", D(2020, 2, 1)), ("12 Maret 1980", D(1980, 3, 12)),
    ("5 Agu 2021", D(2021, 8, 5)), ("5 Aug 2021", D(2021, 8, 5)), ("2020-03-01 00:00:00", D(2020, 3, 1)),
    (datetime.datetime(2020, 3, 1, 0, 0), D(2020, 3, 1)), (D(2020, 3, 1), D(2020, 3, 1)),
    (43891, D(2020, 3, 1)), (43891.0, D(2020, 3, 1)), (None, None), ("  ", None),
])
def test_dates_as_people_and_spreadsheets_write_them(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/2020", "12/03/80", "kemarin", "13 Foo 2020", "2020-13-01", -5, True, "12/03"])
def test_bad_dates_say_why(value):
    with pytest.raises(DateError) as err:
        parse_date(value)
    assert err.value.message


# --- reading and checking --------------------------------------------------------------------

def test_an_indonesian_csv_with_a_title_above_the_table(ksp):
    content = csv_bytes([
        ["BUKU DAFTAR ANGGOTA"],
        ["Koperasi Uji"],
        HEADER_ID,
        ["A-001", "Siti Aminah", NIK_P, "P", "Sukabumi", "15/08/1985", "Pedagang", "Jl. Siliwangi 12", "Kel. Cikole", "0812-3456-7890", "02/01/2020"],
        ["", "Budi Santoso", NIK_L, "Laki-laki", "Bogor", "1985-08-15", "Guru", "Gg. Mawar 3", "nanggeleng", "+62 857 1111 2222", "2021-03-01"],
    ])
    preview = preview_of(ksp, content)
    assert preview.errors == [] and preview.ok and preview.header_row == 3 and preview.rows_read == 2
    siti, budi = preview.rows
    assert (siti.action, siti.number, budi.action, budi.number) == ("new", "A-001", "new", "")
    assert siti.fields["kelurahan"].name == "Cikole" and budi.fields["kelurahan"].name == "Nanggeleng"
    assert siti.fields["phone"] == "+6281234567890" and budi.fields["phone"] == "+6285711112222"
    assert siti.fields["date_of_birth"] == D(1985, 8, 15) and siti.fields["joined_on"] == D(2020, 1, 2)
    assert budi.fields["gender"] == "L"


def test_english_headers_excel_dates_and_numbers_from_excel(ksp):
    content = xlsx([
        ["Member number", "Full name", "NIK KTP", "Gender", "Place of birth", "Date of birth", "Occupation", "Address",
         "Kelurahan", "Phone number", "Date joined", "Remarks"],
        [42, "Siti Aminah", NIK_P, "F", "Sukabumi", datetime.datetime(1985, 8, 15), "Trader", "Jl. A", "Cikole", 81234567890, 43891],
    ])
    preview = preview_of(ksp, content)
    assert preview.errors == [], preview.errors
    [row] = preview.rows
    assert row.number == "42" and row.fields["gender"] == "P" and row.fields["phone"] == "+6281234567890"
    assert row.fields["joined_on"] == D(2020, 3, 1) and row.fields["date_of_birth"] == D(1985, 8, 15)
    assert preview.ignored_columns == ["Remarks"]


def test_gender_comes_from_the_nik_when_the_column_is_empty(ksp):
    preview = preview_of(ksp, csv_bytes([["Nama", "NIK", "Tanggal Masuk"], ["Siti", NIK_P, "01/02/2020"], ["Budi", NIK_L, "01/02/2020"]]))
    assert [r.fields["gender"] for r in preview.rows] == ["P", "L"]


def test_combined_place_and_date_of_birth(ksp):
    preview = preview_of(ksp, csv_bytes([["Nama", "L/P", "Tempat, Tanggal Lahir", "Tgl Masuk"],
                                         ["Siti", "P", '"Sukabumi, 15-08-1985"', "01/02/2020"]], delimiter=";").replace(b'"', b""))
    [row] = preview.rows
    assert row.fields["place_of_birth"] == "Sukabumi" and row.fields["date_of_birth"] == D(1985, 8, 15)


def test_every_bad_cell_is_listed_by_row_and_column(ksp):
    MemberFactory(cooperative=ksp, nik_ktp=NIK_3, number="00050")
    content = csv_bytes([
        ["No. Anggota", "Nama", "NIK", "JK", "Tanggal Lahir", "Kelurahan", "No. HP", "Tanggal Masuk", "Simpanan Pokok", "Simpanan Wajib"],
        ["", "Siti", "123", "P", "15/08/1985", "Cikole", "0812-3456-7890", "01/02/2020", "100.000", ""],   # 2: bad NIK
        ["", "Budi", NIK_L, "L", "15/08/1985", "Atlantis", "12", "01/02/2020", "", ""],                    # 3: kelurahan, phone
        ["", "", NIK_P, "X", "31/02/1985", "", "", "kemarin", "seratus", "-5"],                            # 4: name, gender, dates, amounts
        ["", "Dewi", NIK_L, "P", "", "", "", "01/02/2020", "", ""],                                        # 5: NIK as row 3
        ["", "Eka", NIK_3, "P", "", "", "", "01/02/2020", "", ""],                                         # 6: NIK of 00050 (is an update, fine)
        ["00099", "Fajar", NIK_3, "L", "", "", "", "01/02/2020", "", ""],                                  # 7: NIK belongs to 00050, not 00099
        ["", "Gita", "", "", "", "", "", "", "", ""],                                                      # 8: new without gender and date
        ["", "Hana", "", "P", "", "", "", f"01/01/{TODAY.year + 1}", "", ""],                              # 9: joined in the future
        ["", "Indra", "", "L", "01/01/2021", "", "", "01/01/2020", "", ""],                                # 10: born after joining
    ])
    preview = preview_of(ksp, content)
    assert not preview.ok
    assert errors_of(preview) == {
        (2, "NIK"), (3, "Kelurahan"), (3, "No. HP"),
        (4, "Nama"), (4, "JK"), (4, "Tanggal Lahir"), (4, "Tanggal Masuk"), (4, "Simpanan Pokok"), (4, "Simpanan Wajib"),
        (5, "NIK"), (7, "No. Anggota"), (7, "NIK"), (8, "JK"), (8, "Tanggal Masuk"), (9, "Tanggal Masuk"), (10, "Tanggal Lahir"),
    }
    messages = {(e.row, e.column): e.message for e in preview.errors}
    assert "16 digits" in messages[(2, "NIK")]
    assert "Atlantis" in messages[(3, "Kelurahan")]
    assert "the same NIK as row 3" == messages[(5, "NIK")]
    assert "00050" in messages[(7, "No. Anggota")]
    assert "negative" in messages[(4, "Simpanan Wajib")]


def test_duplicate_nik_against_the_register_and_within_the_file(ksp):
    MemberFactory(cooperative=ksp, nik_ktp=NIK_P, number="00001")
    preview = preview_of(ksp, csv_bytes([["No. Anggota", "Nama", "NIK", "Tanggal Masuk", "JK"],
                                         ["00002", "Orang Lain", NIK_P, "01/02/2020", "P"],
                                         ["", "Budi", NIK_L, "01/02/2020", "L"],
                                         ["", "Budi Lagi", NIK_L, "01/02/2020", "L"]]))
    messages = {(e.row, e.column): e.message for e in preview.errors}
    assert "belongs to member 00001" in messages[(2, "No. Anggota")]
    assert messages[(4, "NIK")] == "the same NIK as row 3"


def test_a_nik_that_excel_cut_or_wrote_in_scientific_notation_is_refused(ksp):
    preview = preview_of(ksp, xlsx([["Nama", "NIK", "JK", "Tanggal Masuk"], ["Siti", 3272015508850000, "P", "01/02/2020"],
                                    ["Budi", "3,27201E+15", "L", "01/02/2020"]]))
    messages = {(e.row, e.column): e.message for e in preview.errors}
    assert "Text" in messages[(2, "NIK")] and "scientific" in messages[(3, "NIK")]


@pytest.mark.parametrize("content, message", [
    (PNG, "not an Excel workbook"),
    (b"%PDF-1.4 hello", "not an Excel workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Old Excel files"),
    (b"", "empty"),
    (b"a;b;c\n1;2;3\n", "No header row"),
    (b"Nama;NIK\n", "no members"),
])
def test_files_that_cannot_be_used_say_why(ksp, content, message):
    with pytest.raises(ImportRefused) as err:
        preview_of(ksp, content)
    assert message in err.value.message


def test_size_and_row_limits(ksp):
    with pytest.raises(ImportRefused, match="5 MB"):
        preview_of(ksp, b"a" * (imports.MAX_BYTES + 1))
    too_many = "Nama;JK;Tanggal Masuk\n" + "Siti;P;01/02/2020\n" * (imports.MAX_ROWS + 1)
    with pytest.raises(ImportRefused, match="10.000"):
        preview_of(ksp, too_many.encode())
    exactly = "Nama;JK;Tanggal Masuk\n" + "Siti;P;01/02/2020\n" * imports.MAX_ROWS
    assert preview_of(ksp, exactly.encode()).new_count == imports.MAX_ROWS


# --- writing ---------------------------------------------------------------------------------

def test_import_enters_new_members_with_their_numbers_then_the_next_ones(ksp, manager):
    content = csv_bytes([HEADER_ID,
                         ["", "Budi", NIK_L, "L", "Bogor", "15/08/1985", "Guru", "Gg. Mawar", "Cikole", "085711112222", "01/03/2021"],
                         ["00003", "Siti", NIK_P, "P", "Sukabumi", "15/08/1985", "Pedagang", "Jl. A", "", "", "02/01/2020"]])
    result = member_import(actor=manager, cooperative=ksp, content=content, file_name="anggota.csv", consent=True)
    assert (result.created, result.updated) == (2, 0)
    register = members_of(ksp)
    assert set(register) == {"00003", "00001"}  # the file's number kept; the next free one for Budi
    assert register["00001"].full_name == "Budi" and register["00001"].kelurahan.name == "Cikole"
    assert register["00003"].consent_at is not None
    with scope(cooperative=ksp):
        event = AuditEvent.objects.get(action="member.import")
        assert AuditEvent.objects.filter(action="member.admit").count() == 2
    assert event.changes["created"] == [None, 2] and event.changes["file"] == [None, "anggota.csv"]


def test_new_members_need_the_consent_confirmation(ksp, manager):
    content = csv_bytes([["Nama", "JK", "Tanggal Masuk"], ["Siti", "P", "01/02/2020"]])
    with pytest.raises(Exception) as err:
        member_import(actor=manager, cooperative=ksp, content=content, consent=False)
    assert "consent" in err.value.message_dict
    assert members_of(ksp) == {}


def test_importing_again_updates_instead_of_duplicating(ksp, manager):
    first = csv_bytes([["No. Anggota", "Nama", "NIK", "JK", "Pekerjaan", "No. HP", "Tanggal Masuk"],
                       ["00001", "Siti Aminah", NIK_P, "P", "Pedagang", "0812-3456-7890", "02/01/2020"],
                       ["00002", "Budi", NIK_L, "L", "Guru", "", "02/01/2020"]])
    member_import(actor=manager, cooperative=ksp, content=first, consent=True)
    again = preview_of(ksp, first)
    assert (again.new_count, again.update_count, again.unchanged_count, again.ok) == (0, 0, 2, False)
    # by number (a changed occupation, an empty phone keeps the phone) and by NIK (no number)
    second = csv_bytes([["No. Anggota", "Nama", "NIK", "JK", "Pekerjaan", "No. HP", "Tanggal Masuk"],
                        ["00001", "Siti Aminah", NIK_P, "P", "Guru SD", "", "02/01/2020"],
                        ["", "Budi Santoso", NIK_L, "", "", "", ""]])
    preview = preview_of(ksp, second)
    assert preview.errors == [] and preview.update_count == 2
    assert preview.rows[0].fields == {"occupation": "Guru SD"} and preview.rows[1].fields == {"full_name": "Budi Santoso"}
    result = member_import(actor=manager, cooperative=ksp, content=second)  # no new members: no consent needed
    assert (result.created, result.updated) == (0, 2)
    register = members_of(ksp)
    assert len(register) == 2
    assert register["00001"].occupation == "Guru SD" and register["00001"].phone == "+6281234567890"
    assert register["00002"].full_name == "Budi Santoso" and register["00002"].gender == "L"


def test_numbers_excel_turned_into_numbers_still_find_the_member(ksp, manager):
    MemberFactory(cooperative=ksp, number="00042", full_name="Siti")
    preview = preview_of(ksp, xlsx([["No. Anggota", "Nama", "Pekerjaan"], [42, "Siti", "Guru"]]))
    assert preview.errors == [] and preview.rows[0].action == "update" and preview.rows[0].number == "00042"


def test_a_masked_nik_that_matches_is_no_change(ksp):
    MemberFactory(cooperative=ksp, number="00001", full_name="Siti", nik_ktp=NIK_P, gender="P")
    preview = preview_of(ksp, csv_bytes([["No. Anggota", "Nama", "NIK"], ["00001", "Siti", "3272********0001"], ["", "Budi", "3272********0002"]]))
    assert {(e.row, e.column) for e in preview.errors} == {(3, "NIK"), (3, "Jenis Kelamin"), (3, "Tanggal Masuk")}
    assert preview.rows[0].action == "unchanged"


def test_people_who_left_are_not_entered(ksp):
    preview = preview_of(ksp, csv_bytes([["Nama", "JK", "Tanggal Masuk", "Tanggal Keluar"], ["Siti", "P", "01/02/2019", "05/05/2021"],
                                         ["Budi", "L", "01/02/2019", ""]]))
    assert (preview.skipped_count, preview.new_count) == (1, 1) and preview.errors == []


def test_opening_savings_post_through_savings_deposit(ksp, manager):
    content = csv_bytes([["No. Anggota", "Nama", "JK", "Tanggal Masuk", "Simpanan Pokok", "Simpanan Wajib", "Simpanan Sukarela"],
                         ["00001", "Siti", "P", "02/01/2020", "100.000", "1.250.000", "0"],
                         ["00002", "Budi", "L", "02/01/2020", "100000", "", "50.000,50"]])
    preview = preview_of(ksp, content)
    assert [(label, n, total) for label, n, total in preview.opening_totals] == [
        ("Simpanan pokok", 2, Decimal("200000")), ("Simpanan wajib", 1, Decimal("1250000")), ("Simpanan sukarela", 1, Decimal("50000.50"))]
    result = member_import(actor=manager, cooperative=ksp, content=content, consent=True, opening_date=D(2024, 1, 1),
                           counter_account=cash(ksp))
    assert result.openings == 4 and result.opening_total == Decimal("1500000.50")
    with scope(cooperative=ksp):
        txns = list(SavingsTransaction.objects.select_related("journal_entry", "member"))
        assert {t.kind for t in txns} == {"opening"} and {t.date for t in txns} == {D(2024, 1, 1)}
        assert {t.journal_entry.kind for t in txns} == {"opening"}
        balances = {(b.member.number, b.savings_type): b.balance for b in SavingsBalance.objects.select_related("member")}
    assert balances[("00001", "wajib")] == Decimal("1250000") and balances[("00002", "sukarela")] == Decimal("50000.50")
    assert savings_reconcile(cooperative=ksp) == []


def test_existing_balances_are_not_posted_twice(ksp, manager):
    siti = MemberFactory(cooperative=ksp, number="00001", full_name="Siti", joined_on=D(2020, 1, 2))
    savings.savings_deposit(actor=manager, member=siti, savings_type="pokok", amount="100000", date=D(2021, 1, 4))
    content = csv_bytes([["No. Anggota", "Nama", "Simpanan Pokok", "Simpanan Wajib"], ["00001", "Siti", "100.000", "300.000"]])
    preview = preview_of(ksp, content)
    [row] = preview.rows
    assert row.openings == {"wajib": Decimal("300000")} and row.skipped_openings == ["pokok"]
    member_import(actor=manager, cooperative=ksp, content=content, opening_date=D(2024, 1, 1), counter_account=cash(ksp))
    again = preview_of(ksp, content)
    assert again.rows[0].action == "unchanged" and set(again.rows[0].skipped_openings) == {"pokok", "wajib"}


def test_opening_savings_for_a_member_who_left_is_a_bad_cell(ksp, manager):
    gone = MemberFactory(cooperative=ksp, number="00001", full_name="Siti")
    savings.member_leave(actor=manager, member=gone, reason="resignation", date=D(2021, 1, 4))
    preview = preview_of(ksp, csv_bytes([["No. Anggota", "Nama", "Simpanan Sukarela"], ["00001", "Siti", "5000"]]))
    assert errors_of(preview) == {(2, "Simpanan Sukarela")}


def test_the_whole_import_is_one_transaction(ksp, manager):
    """The second member's opening date is before they joined: nothing at all is written."""
    content = csv_bytes([["Nama", "JK", "Tanggal Masuk", "Simpanan Pokok"],
                         ["Siti", "P", "02/01/2020", "100000"], ["Budi", "L", "02/01/2024", "100000"]])
    with pytest.raises(ImportFailed) as err:
        member_import(actor=manager, cooperative=ksp, content=content, consent=True, opening_date=D(2023, 1, 1), counter_account=cash(ksp))
    assert [(e.row, "before this member joined" in e.message) for e in err.value.errors] == [(3, True)]
    assert members_of(ksp) == {}
    with scope(cooperative=ksp):
        assert not JournalEntry.objects.exists() and not AuditEvent.objects.filter(action__startswith="member.").exists()


def test_a_closed_book_year_stops_the_whole_import(ksp, manager):
    ledger.entry_post(actor=manager, cooperative=ksp, date=D(2023, 3, 1), description="Modal",
                      lines=[{"account": "1-101", "debit": "1000"}, {"account": "3-103", "credit": "1000"}])
    ledger.book_year_prepare(actor=manager, cooperative=ksp, year=2023)
    ledger.book_year_close(actor=manager, cooperative=ksp, year=2023)
    content = csv_bytes([["Nama", "JK", "Tanggal Masuk", "Simpanan Pokok"], ["Siti", "P", "02/01/2020", "100000"]])
    with pytest.raises(ImportFailed) as err:
        member_import(actor=manager, cooperative=ksp, content=content, consent=True, opening_date=D(2023, 6, 1), counter_account=cash(ksp))
    assert err.value.errors[0].row == 2 and err.value.errors[0].column == "Simpanan pokok"
    assert members_of(ksp) == {}


def test_the_register_changing_after_the_preview_is_caught(ksp, manager):
    content = csv_bytes([["Nama", "NIK", "JK", "Tanggal Masuk"], ["Siti", NIK_P, "P", "02/01/2020"]])
    assert preview_of(ksp, content).ok
    MemberFactory(cooperative=ksp, nik_ktp=NIK_P, number="00077", full_name="Siti Lain")
    preview = preview_of(ksp, content)
    assert preview.rows[0].action == "update"  # now it is the same person as 00077


# --- the pages -------------------------------------------------------------------------------

def url(cooperative, name):
    return reverse(f"members:{name}", kwargs={"slug": cooperative.slug})


@pytest.fixture
def as_manager(client, manager):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(manager)
    return client


def upload(client, cooperative, content, name="anggota.csv"):
    return client.post(url(cooperative, "import"), {"file": SimpleUploadedFile(name, content)})


def text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_upload_shows_every_problem_and_no_confirm_button(as_manager, ksp):
    response = upload(as_manager, ksp, csv_bytes([["Nama", "NIK", "JK", "Tanggal Masuk"], ["", "123", "X", "kemarin"]]))
    page = text(response)
    assert response.status_code == 200 and "4 problems" in page and "Nothing was written" in page
    assert "Import into the register" not in page and members_of(ksp) == {}


def test_upload_a_file_that_is_not_a_spreadsheet(as_manager, ksp):
    response = upload(as_manager, ksp, PNG, name="anggota.xlsx")
    assert response.status_code == 200 and "not an Excel workbook" in text(response)


def test_upload_preview_then_confirm(as_manager, ksp):
    content = xlsx([["No. Anggota", "Nama", "JK", "Tanggal Masuk", "Simpanan Pokok"], ["00001", "Siti", "P", D(2020, 1, 2), 100000]])
    response = upload(as_manager, ksp, content, name="anggota.xlsx")
    page = text(response)
    assert "New members 1" in page and "Simpanan pokok: Rp 100.000 for 1 member" in page
    token = re.search(r'name="token" value="([0-9a-f]{32})"', response.content.decode()).group(1)
    assert f'<option value="{cash(ksp).pk}" selected>' in response.content.decode()  # Kas by default
    confirm = url(ksp, "import_confirm")
    # the consent is needed for new members
    refused = as_manager.post(confirm, {"token": token, "opening_date": "2024-01-01", "counter_account": cash(ksp).pk})
    assert refused.status_code == 200 and "agreed to the processing" in text(refused) and members_of(ksp) == {}
    done = as_manager.post(confirm, {"token": token, "consent": "on", "opening_date": "2024-01-01", "counter_account": cash(ksp).pk})
    assert done.status_code == 302 and done["Location"] == reverse("members:list", kwargs={"slug": ksp.slug})
    assert set(members_of(ksp)) == {"00001"}
    with scope(cooperative=ksp):
        assert SavingsTransaction.objects.get().kind == "opening"
    # the stored upload is gone: confirming again does nothing
    again = as_manager.post(confirm, {"token": token, "consent": "on", "opening_date": "2024-01-01", "counter_account": cash(ksp).pk})
    assert again.status_code == 302 and again["Location"] == url(ksp, "import")
    with scope(cooperative=ksp):
        assert SavingsTransaction.objects.count() == 1


def test_confirm_with_an_opening_date_before_joining_lists_the_row(as_manager, ksp):
    content = csv_bytes([["Nama", "JK", "Tanggal Masuk", "Simpanan Pokok"], ["Siti", "P", "02/01/2024", "100000"]])
    response = upload(as_manager, ksp, content)
    token = re.search(r'name="token" value="([0-9a-f]{32})"', response.content.decode()).group(1)
    failed = as_manager.post(url(ksp, "import_confirm"), {"token": token, "consent": "on", "opening_date": "2023-01-01",
                                                          "counter_account": cash(ksp).pk})
    assert failed.status_code == 200 and "before this member joined" in text(failed) and "Nothing was written" in text(failed)
    assert members_of(ksp) == {}


def test_confirm_without_an_upload_goes_back(as_manager, ksp):
    response = as_manager.post(url(ksp, "import_confirm"), {"token": "0" * 32})
    assert response.status_code == 302 and response["Location"] == url(ksp, "import")


@pytest.mark.parametrize("role", ["supervisor", "bookkeeper"])
def test_only_managers_import(client, ksp, make_user, role):
    client.force_login(make_user(ksp, role))
    assert client.get(url(ksp, "import")).status_code == 403
    assert client.post(url(ksp, "import"), {"file": SimpleUploadedFile("a.csv", b"Nama\nSiti\n")}).status_code == 403


def test_exported_register_imports_back_unchanged(as_manager, ksp, manager):
    """The XLSX export has the import's columns: export, import again → nothing to change."""
    from cooperatives.models import Kelurahan

    MemberFactory(cooperative=ksp, number="00001", full_name="Siti", nik_ktp=NIK_P, gender="P", place_of_birth="Sukabumi",
                  date_of_birth=D(1985, 8, 15), occupation="=Pedagang", address="Jl. A", kelurahan=Kelurahan.objects.get(name="Cikole"))
    gone = MemberFactory(cooperative=ksp, number="00002", full_name="Budi", nik_ktp=NIK_L)
    savings.member_leave(actor=manager, member=gone, reason="resignation", date=D(2021, 1, 4))
    for fmt in ("xlsx", "csv"):
        exported = as_manager.get(reverse("members:export", kwargs={"slug": ksp.slug}), {"format": fmt}).content
        preview = preview_of(ksp, exported)
        assert preview.errors == [] and preview.unchanged_count == 2, (fmt, preview.errors, [r.fields for r in preview.rows])


def test_uploads_never_confirmed_are_removed_a_day_later(ksp, settings, tmp_path):
    import os
    import time

    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                                          "OPTIONS": {"location": str(tmp_path)}}}
    from django.core.files.storage import default_storage

    old = imports.upload_keep(ksp, b"Nama\nSiti\n")
    old_path = default_storage.path(imports._upload_path(ksp, old))
    stale = time.time() - 2 * 24 * 3600
    os.utime(old_path, (stale, stale))
    new = imports.upload_keep(ksp, b"Nama\nBudi\n")
    assert imports.upload_read(ksp, old) is None and imports.upload_read(ksp, new) == b"Nama\nBudi\n"
    assert imports.upload_read(ksp, "../../etc/passwd") is None
    imports.upload_discard(ksp, new)
    assert imports.upload_read(ksp, new) is None
