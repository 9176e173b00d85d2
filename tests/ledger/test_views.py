"""The books' pages: chart of accounts, journal, the entry form (plain and htmx), reversal,
book years, opening balances by hand and by import, roles, query budgets."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope
from openpyxl import Workbook

from ledger import services
from ledger.models import Account, BookYear, EntryKind, JournalEntry, JournalLine

pytestmark = pytest.mark.django_db
D = datetime.date
STAFF_BUDGET = 12
HTMX = {"HX-Request": "true"}


def url(cooperative, name, **kwargs):
    return reverse(f"ledger:{name}", kwargs={"slug": cooperative.slug, **kwargs})


def page(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def text(html):
    """The page as text, tags and repeated white space removed (for messages)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def count(cooperative, model=JournalEntry, **filters):
    with scope(cooperative=cooperative):
        return model.objects.filter(**filters).count()


@pytest.fixture
def manager(books, make_user):
    return make_user(books, "manager")


@pytest.fixture
def supervisor(books, make_user):
    return make_user(books, "supervisor")


@pytest.fixture
def as_bookkeeper(client, bookkeeper):
    client.force_login(bookkeeper)
    return client


def entry_post_data(lines, action="post", **header):
    data = {"date": "2026-03-10", "journal_type": "JU", "description": "Setoran modal penyertaan", "reference": "BKM-001",
            "baris-TOTAL_FORMS": str(len(lines)), "baris-INITIAL_FORMS": "0", "baris-MIN_NUM_FORMS": "0",
            "baris-MAX_NUM_FORMS": "100"}
    data.update(header)
    for i, line in enumerate(lines):
        account, debit, credit, *memo = line
        data.update({f"baris-{i}-account": account, f"baris-{i}-debit": debit, f"baris-{i}-credit": credit,
                     f"baris-{i}-memo": memo[0] if memo else ""})
    if action:
        data["action"] = action
    return data


# --- roles ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["manager", "bookkeeper", "supervisor"])
def test_reading_pages_render_for_every_staff_role(client, books, make_user, post, role):
    entry = post(D(2026, 1, 5), [("1-101", 150000, 0), ("3-103", 0, 150000)])
    client.force_login(make_user(books, role))
    for name, kwargs in [("accounts", {}), ("entries", {}), ("entry_detail", {"number": entry.number}), ("years", {})]:
        assert client.get(url(books, name, **kwargs)).status_code == 200, name
    writes = [("entry_add", {}), ("account_add", {}), ("account_edit", {"code": "1-101"}), ("opening", {}),
              ("opening_import", {}), ("entry_reverse", {"number": entry.number})]
    for name, kwargs in writes:
        assert client.get(url(books, name, **kwargs)).status_code == (403 if role == "supervisor" else 200), (name, role)


def test_supervisor_sees_no_write_buttons(client, books, supervisor, post):
    entry = post(D(2026, 1, 5), [("1-101", 150000, 0), ("3-103", 0, 150000)])
    client.force_login(supervisor)
    assert url(books, "account_add") not in page(client.get(url(books, "accounts")))
    assert url(books, "entry_add") not in page(client.get(url(books, "entries")))
    assert url(books, "entry_reverse", number=entry.number) not in page(client.get(url(books, "entry_detail", number=entry.number)))


@pytest.mark.parametrize("role", ["member", "outsider"])
def test_members_and_outsiders_get_nothing(client, books, make_user, role):
    client.force_login(make_user(books, role) if role == "member" else make_user(role="outsider"))
    expected = 403 if role == "member" else 404
    assert client.get(url(books, "entries")).status_code == expected
    assert client.post(url(books, "entry_add"), entry_post_data([("1-101", "1000", ""), ("3-103", "", "1000")])).status_code == expected
    assert count(books) == 0


def test_the_books_are_in_the_navigation_for_staff(client, books, bookkeeper, make_user):
    client.force_login(bookkeeper)
    assert url(books, "entries") in page(client.get(f"/c/{books.slug}/"))
    client.force_login(make_user(books, "member"))
    assert url(books, "entries") not in page(client.get(f"/c/{books.slug}/"))


# --- chart of accounts ---------------------------------------------------------------------

def test_chart_lists_accounts_by_code_with_headers_marked(as_bookkeeper, books):
    html = page(as_bookkeeper.get(url(books, "accounts")))
    codes = re.findall(r'<td data-label="Kode">([^<]+)</td>', html)
    assert codes[:3] == ["1", "1-101", "1-102"] and codes == sorted(codes)
    assert re.search(r'<tr class="depth-0 header-row">\s*<td data-label="Kode">1</td>', html)
    assert re.search(r'<tr class="depth-1">\s*<td data-label="Kode">1-101</td>', html)


def test_add_edit_deactivate_and_delete_an_account(as_bookkeeper, books, account):
    response = as_bookkeeper.post(url(books, "account_add"), {
        "code": "1-107", "name": "Kas kecil", "kind": "asset", "parent": account("1").pk, "is_postable": "on",
    })
    assert response.status_code == 302
    kas_kecil = account("1-107")
    assert kas_kecil.parent.code == "1" and kas_kecil.is_postable and kas_kecil.is_active

    response = as_bookkeeper.post(url(books, "account_edit", code="1-107"), {
        "name": "Kas kecil kantor", "kind": "asset", "parent": account("1").pk, "is_postable": "on",
    })  # "is_active" unticked
    assert response.status_code == 302
    kas_kecil = account("1-107")
    assert kas_kecil.name == "Kas kecil kantor" and not kas_kecil.is_active

    html = page(as_bookkeeper.get(url(books, "account_edit", code="1-107")))
    assert url(books, "account_delete", code="1-107") in html
    assert as_bookkeeper.post(url(books, "account_delete", code="1-107")).status_code == 302
    assert count(books, Account, code="1-107") == 0


def test_account_errors_are_shown_per_field(as_bookkeeper, books, account):
    html = page(as_bookkeeper.post(url(books, "account_add"), {"code": "1-101", "name": "Kas lagi", "kind": "asset", "is_postable": "on"}))
    assert re.search(r'<ul class="errorlist" id="id_code_error"><li>Kode akun 1-101 sudah dipakai', html)
    html = page(as_bookkeeper.post(url(books, "account_add"), {"code": "1-108", "name": "Salah", "kind": "income", "parent": account("1").pk}))
    assert 'id="id_parent_error"' in html
    html = page(as_bookkeeper.post(url(books, "account_add"), {"code": "1 108/x", "name": "Salah", "kind": "asset"}))
    assert 'id="id_code_error"' in html
    assert count(books, Account, name="Salah") == 0


def test_an_account_with_postings_cannot_change_kind_or_be_deleted(as_bookkeeper, books, post, account):
    post(D(2026, 1, 5), [("1-101", 1000, 0), ("3-103", 0, 1000)])
    html = page(as_bookkeeper.post(url(books, "account_edit", code="1-101"), {
        "name": "Kas", "kind": "expense", "parent": "", "is_postable": "on", "is_active": "on",
    }))
    assert 'id="id_kind_error"' in html and account("1-101").kind == "asset"
    assert url(books, "account_delete", code="1-101") not in page(as_bookkeeper.get(url(books, "account_edit", code="1-101")))
    response = as_bookkeeper.post(url(books, "account_delete", code="1-101"), follow=True)
    assert "Akun 1-101 sudah ada transaksinya" in text(page(response))
    assert count(books, Account, code="1-101") == 1


def test_an_account_cannot_be_grouped_under_itself_or_its_children(as_bookkeeper, books, account):
    services.account_create(actor=None, cooperative=books, code="1-300", name="Aset lain", kind="asset", parent=account("1"), is_postable=False)
    html = page(as_bookkeeper.post(url(books, "account_edit", code="1"), {"name": "Aset", "kind": "asset", "parent": account("1-300").pk, "is_active": "on"}))
    assert 'id="id_parent_error"' in html
    assert account("1").parent_id is None


@pytest.mark.parametrize(("code", "fields"), [
    ("1-101", {"parent": "1-102"}),   # a postable account cannot group
    ("1-101", {"parent": "2"}),       # a liability group for an asset
    ("1-101", {"kind": "liability"}),  # its group "1" is an asset header (no postings yet)
    ("1", {"parent": "1-300"}),       # inside its own subtree
])
def test_account_update_refuses_a_bad_group(books, account, code, fields):
    """ledger.services.account_update checks the group as account_create does (fixed with the pages)."""
    from django.core.exceptions import ValidationError

    services.account_create(actor=None, cooperative=books, code="1-300", name="Aset lain", kind="asset", parent=account("1"), is_postable=False)
    fields = {k: account(v) if k == "parent" else v for k, v in fields.items()}
    with pytest.raises(ValidationError) as caught:
        services.account_update(actor=None, account=account(code), **fields)
    assert "parent" in caught.value.error_dict
    assert account(code).kind == "asset"


# --- journal list and detail ---------------------------------------------------------------

def test_journal_search_filter_date_range_and_pagination(as_bookkeeper, books, post):
    for day in range(1, 31):
        post(D(2026, 1, day), [("1-101", 1000 * day, 0), ("3-104", 0, 1000 * day)], description=f"Hibah {day}", reference=f"BKM-{day:03d}")
    post(D(2026, 2, 1), [("5-102", 500000, 0), ("1-101", 0, 500000)], description="Gaji Januari", reference="BKK-900")
    services.entry_save_draft(actor=None, cooperative=books, date=D(2026, 2, 2), description="Listrik belum dibayar",
                              lines=[{"account": "5-105", "debit": "1", "credit": "0"}, {"account": "1-101", "debit": "0", "credit": "1"}])
    html = page(as_bookkeeper.get(url(books, "entries")))
    assert html.count('data-label="Nomor"') == 25 and "halaman=2" in html
    assert "Listrik belum dibayar" in html  # newest first, drafts included
    assert "Hibah 7<" not in html and "Hibah 7<" in page(as_bookkeeper.get(url(books, "entries"), {"halaman": 2}))

    def found(**query):
        return re.findall(r">(JU-2026-\d+|Draf \d+)</a>", page(as_bookkeeper.get(url(books, "entries"), query)))

    assert found(q="gaji") == ["JU-2026-000031"]
    assert found(q="BKM-012") == ["JU-2026-000012"]
    assert found(q="JU-2026-000003") == ["JU-2026-000003"]
    assert found(state="draft") and found(state="draft")[0].startswith("Draf")
    assert found(dari="2026-01-10", sampai="2026-01-12") == ["JU-2026-000012", "JU-2026-000011", "JU-2026-000010"]
    assert "Rp 500.000" in page(as_bookkeeper.get(url(books, "entries"), {"q": "gaji"}))


def test_journal_search_as_you_type_returns_only_the_results(as_bookkeeper, books, post):
    post(D(2026, 1, 5), [("1-101", 1000, 0), ("3-103", 0, 1000)], description="Setoran pokok Ani")
    html = page(as_bookkeeper.get(url(books, "entries"), {"q": "ani"}, headers={**HTMX, "HX-Target": "entry-results"}))
    assert "<html" not in html and "Setoran pokok Ani" in html and "<table" in html


def test_entry_detail_shows_lines_totals_poster_and_reversal_links(as_bookkeeper, books, bookkeeper, post):
    entry = post(D(2026, 1, 5), [("1-101", 150000, 0), ("3-103", 0, 150000)], reference="BKM-7")
    html = page(as_bookkeeper.get(url(books, "entry_detail", number=entry.number)))
    assert "1-101 Kas" in html and "3-103 Modal penyertaan" in html and html.count("Rp 150.000") >= 4
    assert bookkeeper.full_name in html and "BKM-7" in html
    reversal = services.entry_reverse(actor=bookkeeper, entry=entry, date=D(2026, 1, 6))
    html = page(as_bookkeeper.get(url(books, "entry_detail", number=entry.number)))
    assert url(books, "entry_detail", number=reversal.number) in html and "Dibalik oleh" in text(html)
    assert url(books, "entry_reverse", number=entry.number) not in html  # reversed once only
    html = page(as_bookkeeper.get(url(books, "entry_detail", number=reversal.number)))
    assert url(books, "entry_detail", number=entry.number) in html
    assert as_bookkeeper.get(url(books, "entry_detail", number="JU-2026-999999")).status_code == 404


# --- the entry form ------------------------------------------------------------------------

def test_the_form_starts_with_four_lines_and_today(as_bookkeeper, books):
    html = page(as_bookkeeper.get(url(books, "entry_add")))
    assert 'name="baris-TOTAL_FORMS" value="4"' in html
    assert f'value="{datetime.date.today():%Y-%m-%d}"' in html or 'name="date"' in html
    assert '<datalist id="account-options">' in html and 'value="1-101 Kas"' in html
    assert 'value="1 Aset"' not in html  # header accounts are not offered


def test_posting_a_balanced_entry_with_a_plain_form_post(as_bookkeeper, books, account):
    data = entry_post_data([("1-101 Kas", "1.250.000", "", "setoran tunai"), ("", "", ""), ("modal penyertaan", "", "1.250.000"), ("", "", "")])
    response = as_bookkeeper.post(url(books, "entry_add"), data)
    assert response.status_code == 302
    with scope(cooperative=books):
        entry = JournalEntry.objects.get()
        lines = list(entry.lines.order_by("id").values_list("account__code", "debit", "credit", "memo"))
    assert entry.is_posted and entry.number == "JU-2026-000001" and entry.reference == "BKM-001"
    assert response["Location"] == url(books, "entry_detail", number=entry.number)
    assert lines == [("1-101", Decimal("1250000"), 0, "setoran tunai"), ("3-103", 0, Decimal("1250000"), "")]


def test_an_unbalanced_entry_shows_the_difference_and_writes_nothing(as_bookkeeper, books):
    for action in ("post", "draft"):
        data = entry_post_data([("1-101", "150.000", ""), ("3-103", "", "145.000"), ("", "", ""), ("", "", "")], action=action)
        html = page(as_bookkeeper.post(url(books, "entry_add"), data))
        assert "Debit dan kredit tidak seimbang: selisih Rp 5.000" in html
        assert 'id="line-errors"' in html and 'value="150.000"' in html  # the typed values come back
    assert count(books) == 0 and count(books, JournalLine) == 0


def test_line_errors_number_the_lines_as_shown_and_date_errors_sit_on_the_date(as_bookkeeper, books, post, bookkeeper):
    data = entry_post_data([("", "", ""), ("1-101", "1000", ""), ("1", "", "1000"), ("", "", "")])
    html = text(page(as_bookkeeper.post(url(books, "entry_add"), data)))
    assert "Baris 2: 1 Aset adalah akun induk" in html  # the blank first line was moved down
    post(D(2025, 6, 1), [("1-101", 1000, 0), ("3-103", 0, 1000)])
    services.book_year_prepare(actor=bookkeeper, cooperative=books, year=2025)
    services.book_year_close(actor=bookkeeper, cooperative=books, year=2025)
    html = page(as_bookkeeper.post(url(books, "entry_add"), entry_post_data([("1-101", "1000", ""), ("3-103", "", "1000")], date="2025-12-01")))
    assert re.search(r'id="id_date_error"><li>Tahun buku 2025 sudah ditutup', html)
    html = page(as_bookkeeper.post(url(books, "entry_add"), entry_post_data([("1-101", "abc", ""), ("3-103", "", "1000")])))
    assert 'id="id_baris-0-debit_error"' in html
    assert count(books) == 1


def test_saving_a_draft_then_posting_or_deleting_it(as_bookkeeper, books):
    data = entry_post_data([("1-101", "5000", ""), ("4-901", "", "5000")], action="draft")
    response = as_bookkeeper.post(url(books, "entry_add"), data)
    with scope(cooperative=books):
        draft = JournalEntry.objects.get()
    assert response["Location"] == url(books, "draft_detail", pk=draft.pk) and not draft.is_posted
    html = page(as_bookkeeper.get(response["Location"]))
    assert url(books, "draft_post", pk=draft.pk) in html and url(books, "draft_delete", pk=draft.pk) in html
    response = as_bookkeeper.post(url(books, "draft_post", pk=draft.pk))
    draft.refresh_from_db()
    assert draft.is_posted and response["Location"] == url(books, "entry_detail", number=draft.number)
    # a posted entry opened by its id goes to its number
    assert as_bookkeeper.get(url(books, "draft_detail", pk=draft.pk))["Location"] == url(books, "entry_detail", number=draft.number)

    as_bookkeeper.post(url(books, "entry_add"), data)
    with scope(cooperative=books):
        second = JournalEntry.objects.get(state="draft")
    assert as_bookkeeper.post(url(books, "draft_delete", pk=second.pk))["Location"] == url(books, "entries")
    assert count(books, state="draft") == 0 and count(books) == 1
    assert as_bookkeeper.post(url(books, "draft_delete", pk=draft.pk)).status_code == 404  # posted: never deleted


def test_sending_the_same_form_twice_posts_once(as_bookkeeper, books):
    html = page(as_bookkeeper.get(url(books, "entry_add")))
    key = re.search(r'name="form_key" value="([0-9a-f]{32})"', html).group(1)
    data = entry_post_data([("1-101", "1.000", ""), ("3-103", "", "1.000")], form_key=key)
    first = as_bookkeeper.post(url(books, "entry_add"), data)
    again = as_bookkeeper.post(url(books, "entry_add"), data)  # a double tap, or back and "Post" again
    assert first.status_code == again.status_code == 302 and again["Location"] == first["Location"]
    assert count(books) == 1
    # a form whose service call failed keeps its key free: the corrected form posts
    key = "b" * 32
    page(as_bookkeeper.post(url(books, "entry_add"), entry_post_data([("1-101", "1.000", ""), ("3-103", "", "999")], form_key=key)))
    assert as_bookkeeper.post(url(books, "entry_add"), entry_post_data([("1-101", "1.000", ""), ("3-103", "", "1.000")], form_key=key)).status_code == 302
    assert count(books) == 2


def test_add_a_line_without_javascript_keeps_what_was_typed(as_bookkeeper, books):
    data = entry_post_data([("1-101", "1.000", "", "catatan"), ("3-103", "", "1.000"), ("", "", ""), ("", "", "")], action=None)
    data["add_line"] = "1"
    html = page(as_bookkeeper.post(url(books, "entry_add"), data))
    assert "<html" in html and 'name="baris-TOTAL_FORMS" value="5"' in html
    assert 'name="baris-0-memo" value="catatan"' in html and 'name="baris-1-credit" value="1.000"' in html
    assert 'name="description" value="Setoran modal penyertaan"' in html
    assert "errorlist" not in html  # not a submission: no errors shown
    data["baris-TOTAL_FORMS"] = "5"
    del data["add_line"]
    data["remove_line"] = "0"
    html = page(as_bookkeeper.post(url(books, "entry_add"), data))
    assert 'name="baris-TOTAL_FORMS" value="4"' in html and 'name="baris-0-account" value="3-103"' in html
    assert count(books) == 0


def test_htmx_add_line_returns_only_the_lines(as_bookkeeper, books):
    data = entry_post_data([("1-101", "1000", ""), ("3-103", "", "1000")], action=None)
    data["add_line"] = "1"
    html = page(as_bookkeeper.post(url(books, "entry_add"), data, headers=HTMX))
    assert "<html" not in html and html.lstrip().startswith('<section id="entry-lines"')
    assert 'name="baris-TOTAL_FORMS" value="3"' in html and 'id="entry-totals"' in html


def test_htmx_live_totals(as_bookkeeper, books):
    data = entry_post_data([("1-101", "150.000", ""), ("3-103", "", "145.000"), ("", "abc", "")], action=None)
    html = page(as_bookkeeper.post(url(books, "entry_totals"), data, headers=HTMX))
    assert "<html" not in html and html.lstrip().startswith('<div id="entry-totals"')
    assert "Rp 150.000" in html and "Rp 145.000" in html
    assert "Debit dan kredit tidak seimbang: selisih Rp 5.000" in html
    data["baris-1-credit"] = "150.000"
    html = page(as_bookkeeper.post(url(books, "entry_totals"), data, headers=HTMX))
    assert "tidak seimbang" not in html and "seimbang" in html
    assert count(books) == 0


# --- reversal ------------------------------------------------------------------------------

def test_reverse_an_entry_through_its_page(as_bookkeeper, books, post):
    entry = post(D(2026, 1, 5), [("1-101", 150000, 0), ("3-103", 0, 150000)], description="Setoran salah")
    html = page(as_bookkeeper.get(url(books, "entry_reverse", number=entry.number)))
    assert 'name="date"' in html and "Setoran salah" in html
    html = page(as_bookkeeper.post(url(books, "entry_reverse", number=entry.number), {"date": "2026-01-04"}))
    assert 'id="id_date_error"' in html and count(books) == 1  # not before the original
    response = as_bookkeeper.post(url(books, "entry_reverse", number=entry.number), {"date": "2026-01-07", "description": "Koreksi setoran"})
    with scope(cooperative=books):
        reversal = JournalEntry.objects.get(reverses=entry)
        lines = sorted(reversal.lines.values_list("account__code", "debit", "credit"))
    assert response["Location"] == url(books, "entry_detail", number=reversal.number)
    assert reversal.date == D(2026, 1, 7) and reversal.description == "Koreksi setoran" and reversal.kind == EntryKind.REVERSAL
    assert lines == [("1-101", 0, Decimal("150000")), ("3-103", Decimal("150000"), 0)]
    html = text(page(as_bookkeeper.post(url(books, "entry_reverse", number=entry.number), {"date": "2026-01-08"})))
    assert "sudah dibalik" in html and count(books) == 2


# --- book years ----------------------------------------------------------------------------

@pytest.fixture
def year_2025(books, post):
    post(D(2025, 3, 1), [("1-101", 1000000, 0), ("3-103", 0, 1000000)])
    post(D(2025, 6, 1), [("1-101", 300000, 0), ("4-101", 0, 300000)])
    post(D(2025, 7, 1), [("5-102", 120000, 0), ("1-101", 0, 120000)])
    return 2025


def test_prepare_close_and_reopen_a_year_through_the_pages(client, books, bookkeeper, manager, supervisor, year_2025):
    client.force_login(bookkeeper)
    html = page(client.get(url(books, "years")))
    assert url(books, "year_prepare", year=2025) in html and url(books, "year_close", year=2025) not in html
    assert client.post(url(books, "year_prepare", year=2025)).status_code == 302
    assert client.get(url(books, "year_close", year=2025)).status_code == 403
    assert client.post(url(books, "year_close", year=2025)).status_code == 403

    client.force_login(supervisor)
    assert client.post(url(books, "year_close", year=2025)).status_code == 403
    assert client.post(url(books, "year_prepare", year=2025)).status_code == 403

    client.force_login(manager)
    html = page(client.get(url(books, "year_close", year=2025)))
    assert "Rp 300.000" in html and "Rp 120.000" in html and "Rp 180.000" in html  # SHU = income − expense
    assert client.post(url(books, "year_close", year=2025))["Location"] == url(books, "years")
    with scope(cooperative=books):
        assert BookYear.objects.get(year=2025).is_closed
        assert JournalEntry.objects.filter(kind=EntryKind.CLOSING).count() == 1

    html = page(client.post(url(books, "year_reopen", year=2025), {"reason": "salah"}))
    assert 'id="id_reason_error"' in html
    response = client.post(url(books, "year_reopen", year=2025), {"reason": "Koreksi penyusutan dari auditor"})
    assert response.status_code == 302
    with scope(cooperative=books):
        assert BookYear.objects.get(year=2025).state == "open"

    client.force_login(bookkeeper)
    assert client.post(url(books, "year_reopen", year=2025), {"reason": "Koreksi penyusutan dari auditor"}).status_code == 403


def test_closing_an_unprepared_year_explains_why(client, books, manager, year_2025):
    client.force_login(manager)
    html = text(page(client.get(url(books, "year_close", year=2025))))
    assert "harus menyiapkan" in html
    html = text(page(client.post(url(books, "year_close", year=2025))))
    assert "harus menyiapkan" in html
    with scope(cooperative=books):
        assert not BookYear.objects.get(year=2025).is_closed
    assert client.get(url(books, "year_close", year=1999)).status_code == 404


def test_a_running_year_cannot_be_prepared(as_bookkeeper, books, post):
    post(D(2026, 1, 5), [("1-101", 1000, 0), ("3-103", 0, 1000)])
    assert url(books, "year_prepare", year=2026) not in page(as_bookkeeper.get(url(books, "years")))
    response = as_bookkeeper.post(url(books, "year_prepare", year=2026), follow=True)
    assert "belum berakhir" in text(page(response))


# --- opening balances ----------------------------------------------------------------------

def opening_field(books, code, side):
    with scope(cooperative=books):
        return f"{side}_{Account.objects.get(code=code).pk}"


def test_opening_balances_by_hand(as_bookkeeper, books):
    html = page(as_bookkeeper.get(url(books, "opening")))
    assert 'value="2026-01-01"' in html and "1-101 Kas" in html and "3-107 SHU tahun berjalan" in html
    data = {"date": "2026-01-01", "description": "Saldo awal dari buku lama",
            opening_field(books, "1-101", "d"): "2.500.000", opening_field(books, "1-103", "d"): "7.500.000",
            opening_field(books, "3-103", "k"): "4.000.000", opening_field(books, "2-201", "k"): "5.000.000"}
    html = page(as_bookkeeper.post(url(books, "opening"), data))
    assert "Debit dan kredit tidak seimbang: selisih Rp 1.000.000" in html and count(books) == 0
    data[opening_field(books, "3-104", "k")] = "1.000.000"
    response = as_bookkeeper.post(url(books, "opening"), data)
    with scope(cooperative=books):
        entry = JournalEntry.objects.get()
        assert entry.kind == EntryKind.OPENING and entry.journal_type == "JU" and entry.lines.count() == 5
    assert response["Location"] == url(books, "entry_detail", number=entry.number)
    # one opening entry: the page now refuses another
    html = text(page(as_bookkeeper.post(url(books, "opening"), data)))
    assert entry.number in html and count(books) == 1


def test_opening_by_hand_refuses_both_sides_on_one_account(as_bookkeeper, books):
    data = {"date": "2026-01-01", "description": "Saldo awal",
            opening_field(books, "1-101", "d"): "1000", opening_field(books, "1-101", "k"): "1000"}
    html = page(as_bookkeeper.post(url(books, "opening"), data))
    assert f'id="id_{opening_field(books, "1-101", "k")}_error"' in html and count(books) == 0


def upload(client, books, name, content, date="2026-01-01"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(url(books, "opening_import"), {
        "date": date, "description": "Saldo awal impor", "file": SimpleUploadedFile(name, content),
    })


def confirm(client, books, html):
    token = re.search(r'name="token" value="([0-9a-f]+)"', html).group(1)
    return client.post(url(books, "opening_confirm"), {"token": token})


def test_import_a_good_csv_then_confirm(as_bookkeeper, books):
    content = "kode akun;nama;debit;kredit\n1-101;Kas;1.250.000;\n1-102;Bank;3.750.000,50;\n3-103;Modal penyertaan;;5.000.000,50\n2-201;Sukarela;0;0\n"
    html = page(upload(as_bookkeeper, books, "saldo.csv", content.encode()))
    assert count(books) == 0  # a preview writes nothing
    assert "Rp 5.000.000,50" in html and "tidak seimbang" not in html and 'name="token"' in html
    response = confirm(as_bookkeeper, books, html)
    with scope(cooperative=books):
        entry = JournalEntry.objects.get()
        lines = sorted(entry.lines.values_list("account__code", "debit", "credit"))
    assert response["Location"] == url(books, "entry_detail", number=entry.number)
    assert entry.kind == EntryKind.OPENING and entry.date == D(2026, 1, 1) and entry.description == "Saldo awal impor"
    assert lines == [("1-101", Decimal("1250000"), 0), ("1-102", Decimal("3750000.50"), 0), ("3-103", 0, Decimal("5000000.50"))]
    # the preview is used once: confirming again (a double tap) posts nothing more
    token = re.search(r'name="token" value="([0-9a-f]+)"', html).group(1)
    assert as_bookkeeper.post(url(books, "opening_confirm"), {"token": token})["Location"] == url(books, "opening_import")
    assert count(books) == 1


def test_import_a_good_xlsx_then_confirm(as_bookkeeper, books):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Account code", "Account name", "Debit", "Credit"])
    sheet.append(["1-101", "Kas", 2500000, None])
    sheet.append(["1-201", "Inventaris", 1500000.25, None])
    sheet.append(["3-103", "Modal penyertaan", None, 4000000.25])
    out = io.BytesIO()
    workbook.save(out)
    html = page(upload(as_bookkeeper, books, "saldo awal.xlsx", out.getvalue()))
    assert count(books) == 0 and "Rp 4.000.000,25" in html
    confirm(as_bookkeeper, books, html)
    with scope(cooperative=books):
        entry = JournalEntry.objects.get()
        assert entry.kind == EntryKind.OPENING and entry.lines.count() == 3


def test_import_with_bad_rows_lists_each_and_writes_nothing(as_bookkeeper, books):
    content = (
        "kode akun,debit,kredit\n"
        "1-101,\"1.000.000\",\n"     # fine
        "9-999,500,\n"               # unknown account
        "1,500,\n"                   # header account
        "1-102,500,500\n"            # both sides
        "1-103,lima ratus,\n"        # not a number
        "1-104,-500,\n"              # negative
        "1-106,\"10,001\",\n"        # more than 2 decimals
        "3-103,,\"1.000.000\"\n"     # fine
    )
    html = page(upload(as_bookkeeper, books, "saldo.csv", content.encode()))
    rows = re.findall(r'<td data-label="Baris">(\d+)</td><td data-label="Kolom">([^<]*)</td><td data-label="Masalah">([^<]+)</td>', html)
    assert [int(r[0]) for r in rows] == [3, 4, 5, 6, 7, 8]
    assert rows[0][1] == "kode akun" and "9-999" in rows[0][2]
    assert rows[4][1] == "debit"
    assert 'name="token"' not in html and count(books) == 0
    assert as_bookkeeper.post(url(books, "opening_confirm"), {"token": ""}).status_code == 302
    assert count(books) == 0


def test_an_unbalanced_import_cannot_be_confirmed(as_bookkeeper, books):
    html = page(upload(as_bookkeeper, books, "saldo.csv", b"kode;debit;kredit\n1-101;150.000;\n3-103;;145.000\n"))
    assert "Debit dan kredit tidak seimbang: selisih Rp 5.000" in html and 'name="token"' not in html


def test_a_picture_named_xlsx_is_refused_with_a_clear_message(as_bookkeeper, books):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    html = page(upload(as_bookkeeper, books, "saldo.xlsx", png))
    assert re.search(r'id="id_file_error"><li>Berkas ini bukan berkas Excel', html)
    assert count(books) == 0


def test_a_file_over_2_mb_is_refused(as_bookkeeper, books):
    html = page(upload(as_bookkeeper, books, "saldo.csv", b"kode;debit;kredit\n" + b"1-101;1;\n" * 250000))
    assert 'id="id_file_error"' in html and "2 MB" in html


# --- query budgets -------------------------------------------------------------------------

def queries(client, address):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("rows", [1, 50])
def test_journal_and_chart_stay_within_the_staff_budget(as_bookkeeper, books, post, bookkeeper, rows):
    for i in range(rows):
        entry = post(D(2026, 1, 1 + i % 28), [("1-101", 1000 + i, 0), ("3-103", 0, 1000 + i)])
    services.entry_reverse(actor=bookkeeper, entry=entry, date=D(2026, 2, 1))
    for i in range(rows):
        services.account_create(actor=None, cooperative=books, code=f"1-5{i:02d}", name=f"Kas cabang {i}", kind="asset")
    assert queries(as_bookkeeper, url(books, "entries")) <= STAFF_BUDGET
    assert queries(as_bookkeeper, url(books, "accounts")) <= STAFF_BUDGET
    assert queries(as_bookkeeper, url(books, "entry_detail", number=entry.number)) <= STAFF_BUDGET
    assert queries(as_bookkeeper, url(books, "entry_add")) <= STAFF_BUDGET
    assert queries(as_bookkeeper, url(books, "years")) <= STAFF_BUDGET


def test_journal_cost_does_not_grow_with_rows(as_bookkeeper, books, post):
    post(D(2026, 1, 1), [("1-101", 1000, 0), ("3-103", 0, 1000)])
    one = queries(as_bookkeeper, url(books, "entries"))
    for i in range(40):
        post(D(2026, 1, 2), [("1-101", 1000, 0), ("3-103", 0, 1000)])
    assert queries(as_bookkeeper, url(books, "entries")) == one
