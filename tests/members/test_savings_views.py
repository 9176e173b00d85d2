"""The savings pages: overview with reconciliation, a member's savings (balances, passbook,
wajib arrears), deposit, sukarela withdrawal, reversal, receipts, the monthly wajib collection
and the arrears list (its rule, sorting, XLSX). Roles, bad input, double submits, query budgets."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope
from openpyxl import load_workbook

from ledger import services as ledger_services
from ledger.models import JournalEntry
from members import savings
from members import savings_selectors as sel
from members.models import SavingsBalance, SavingsTransaction, TransactionKind
from portal.models import AuditEvent
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def today():  # read when used: a run across midnight in Jakarta must not see yesterday
    return timezone.localdate()


EN = {"Accept-Language": "en"}
STAFF_BUDGET = 12


def url(cooperative, name, **kwargs):
    return reverse(f"savings:{name}", kwargs={"slug": cooperative.slug, **kwargs})


def text(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def page(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def months_ago(n, day=1):
    index = sel.month_index(today()) - n
    return D(index // 12, index % 12 + 1, day)


def txn_count(cooperative, **filters):
    with scope(cooperative=cooperative):
        return SavingsTransaction.objects.filter(**filters).count()


def balance(member, savings_type):
    with scope(cooperative=member.cooperative):
        row = SavingsBalance.objects.filter(member=member, savings_type=savings_type).first()
    return row.balance if row else Decimal("0")


def deposit(member, savings_type, amount, day, period=None, actor=None, **kwargs):
    return savings.savings_deposit(actor=actor, member=member, savings_type=savings_type, amount=str(amount), date=day, period=period, **kwargs)


@pytest.fixture
def as_manager(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def bookkeeper(ksp, make_user):
    return make_user(ksp, "bookkeeper")


@pytest.fixture
def supervisor(ksp, make_user):
    return make_user(ksp, "supervisor")


def count_queries(client, address):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address, headers=EN)
    assert response.status_code == 200, address
    return len(ctx.captured_queries)


# --- roles ---------------------------------------------------------------------------------

def test_supervisor_reads_but_does_not_write(client, ksp, supervisor, member):
    txn = deposit(member, "sukarela", 5000, D(2024, 3, 1))
    client.force_login(supervisor)
    html = page(client.get(url(ksp, "member", number=member.number), headers=EN))
    assert "Rp 5.000" in html and url(ksp, "deposit", number=member.number) not in html
    assert client.get(url(ksp, "receipt", number=txn.number)).status_code == 200
    assert client.get(url(ksp, "arrears")).status_code == 200
    assert url(ksp, "wajib_collect") not in page(client.get(url(ksp, "index")))
    for name, kwargs in [("deposit", {"number": member.number}), ("withdraw", {"number": member.number}),
                         ("reverse", {"number": txn.number}), ("wajib_collect", {})]:
        assert client.get(url(ksp, name, **kwargs)).status_code == 403, name
        assert client.post(url(ksp, name, **kwargs), {"amount": "1000"}).status_code == 403, name
    assert txn_count(ksp) == 1


def test_bookkeeper_records(client, ksp, bookkeeper, member):
    client.force_login(bookkeeper)
    response = client.post(url(ksp, "deposit", number=member.number), {
        "savings_type": "sukarela", "amount": "12.500", "date": "2024-03-01", "via": "bank", "form_key": "a" * 32})
    assert response.status_code == 302
    assert balance(member, "sukarela") == Decimal("12500")


def test_members_and_outsiders_are_kept_out(client, ksp, make_user, member, other_cooperative):
    client.force_login(make_user(ksp, "member"))
    assert client.get(url(ksp, "member", number=member.number)).status_code == 403
    assert client.get(url(ksp, "index")).status_code == 403
    client.force_login(make_user(other_cooperative, "manager"))
    assert client.get(url(ksp, "member", number=member.number)).status_code == 404


def test_another_cooperatives_member_and_receipt_are_not_found(as_manager, ksp, other_cooperative, manager):
    ledger_services.chart_apply_template(cooperative=other_cooperative)
    theirs = MemberFactory(cooperative=other_cooperative, number="77777")
    txn = deposit(theirs, "sukarela", 1000, D(2024, 3, 1))
    assert as_manager.get(url(ksp, "member", number="77777")).status_code == 404
    assert as_manager.get(url(ksp, "receipt", number=txn.number)).status_code == 404
    assert as_manager.get(url(ksp, "receipt_pdf", number=txn.number)).status_code == 404
    assert as_manager.post(url(ksp, "deposit", number="77777"), {"savings_type": "sukarela", "amount": "1000", "date": "2024-03-02", "via": "cash"}).status_code == 404
    assert as_manager.get(url(ksp, "collection", entry=txn.journal_entry.number)).status_code == 404


# --- overview ----------------------------------------------------------------------------------

def test_overview_shows_totals_beside_the_ledger_and_reconciles(as_manager, ksp, member):
    deposit(member, "pokok", 100000, D(2024, 1, 10))
    deposit(member, "sukarela", 30000, D(2024, 2, 1))
    html = text(page(as_manager.get(url(ksp, "index"), headers=EN)))
    assert "Reconciled" in html and "Rp 130.000" in html and "3-101" in html
    with scope(cooperative=ksp):  # a balance row changed behind the services' back
        SavingsBalance.objects.filter(member=member, savings_type="sukarela").update(balance=Decimal("1"))
    html = text(page(as_manager.get(url(ksp, "index"), headers=EN)))
    assert "do not agree" in html and "sukarela" in html


def test_overview_finds_a_member(as_manager, ksp, member):
    html = page(as_manager.get(url(ksp, "index"), {"q": member.full_name[:6]}))
    assert url(ksp, "member", number=member.number) in html
    assert "No member matches" in page(as_manager.get(url(ksp, "index"), {"q": "zzzz-nobody"}, headers=EN))


# --- a member's savings --------------------------------------------------------------------------

def test_member_page_balances_passbook_and_arrears(as_manager, ksp, manager):
    member = MemberFactory(cooperative=ksp, joined_on=months_ago(5, 15))
    deposit(member, "pokok", 100000, months_ago(5, 15))
    deposit(member, "wajib", 25000, months_ago(5, 16), period=months_ago(5))
    deposit(member, "wajib", 25000, months_ago(3, 16), period=months_ago(3))
    deposit(member, "sukarela", 40000, months_ago(2, 2))
    savings.savings_withdraw(actor=manager, member=member, savings_type="sukarela", amount="15000", date=months_ago(1, 2))
    html = page(as_manager.get(url(ksp, "member", number=member.number), headers=EN))
    flat = text(html)
    assert "Rp 100.000" in flat and "Rp 50.000" in flat and "Rp 25.000" in flat and "Rp 175.000" in flat
    # wajib from 5 months ago through this month = 6 months, 2 paid
    assert "4 months unpaid (Rp 100.000)" in flat
    assert flat.count("SMP-") >= 5
    assert "Withdraw sukarela" in flat and url(ksp, "deposit", number=member.number) in html


def test_passbook_pages_and_filters_by_type_also_with_htmx(as_manager, ksp, member):
    for i in range(30):
        deposit(member, "sukarela", 1000 + i, D(2024, 3, 1) + datetime.timedelta(days=i))
    deposit(member, "pokok", 100000, D(2024, 5, 1))
    first = text(page(as_manager.get(url(ksp, "member", number=member.number), headers=EN)))
    assert "Page 1 of 2" in first and "Rp 100.000" in first
    second = page(as_manager.get(url(ksp, "member", number=member.number), {"halaman": 2}, headers=EN))
    assert "Page 2 of 2" in text(second)
    only = page(as_manager.get(url(ksp, "member", number=member.number), {"jenis": "pokok"},
                               headers={**EN, "HX-Request": "true", "HX-Target": "passbook"}))
    assert "<html" not in only and "Rp 100.000" in only and "Rp 1.029" not in only
    # the running balance per type in date order
    assert "Rp 30.435" in text(first)  # 30 sukarela deposits 1000..1029


def test_member_page_of_a_left_member_offers_no_deposit(as_manager, ksp, manager, member):
    savings.member_leave(actor=manager, member=member, reason="resignation", date=D(2024, 6, 1))
    html = page(as_manager.get(url(ksp, "member", number=member.number), headers=EN))
    assert url(ksp, "deposit", number=member.number) not in html and "left on" in html
    response = as_manager.post(url(ksp, "deposit", number=member.number), {
        "savings_type": "sukarela", "amount": "1000", "date": "2024-07-01", "via": "cash"}, headers=EN)
    assert response.status_code == 200 and "has left" in text(response.content.decode())
    assert txn_count(ksp, direction="deposit") == 0


# --- deposit ---------------------------------------------------------------------------------

def test_deposit_form_defaults_to_pokok_owed_then_wajib(as_manager, ksp, member):
    html = page(as_manager.get(url(ksp, "deposit", number=member.number)))
    assert 'value="pokok" required id="id_savings_type_0" checked' in html and 'value="100.000"' in html
    assert 'type="date"' in html and f'value="{today().isoformat()}"' in html
    deposit(member, "pokok", 60000, D(2024, 1, 10))
    html = page(as_manager.get(url(ksp, "deposit", number=member.number)))
    assert 'value="40.000"' in html  # what is still owed
    deposit(member, "pokok", 40000, D(2024, 1, 11))
    html = page(as_manager.get(url(ksp, "deposit", number=member.number)))
    assert 'value="wajib" required id="id_savings_type_1" checked' in html and 'value="25.000"' in html
    # no wajib in the portal yet: this month; once the cooperative has one, the oldest month unpaid
    assert 'type="month"' in html and f'name="period" value="{today().replace(day=1):%Y-%m}"' in html
    deposit(MemberFactory(cooperative=ksp, joined_on=D(2023, 1, 1)), "wajib", 25000, D(2024, 2, 2), period=D(2024, 2, 1))
    html = page(as_manager.get(url(ksp, "deposit", number=member.number)))
    assert 'name="period" value="2024-02"' in html


def test_deposit_type_switch_with_htmx_returns_the_amount_with_its_default(as_manager, ksp, member):
    response = as_manager.get(url(ksp, "deposit", number=member.number), {"savings_type": "wajib"},
                              headers={"HX-Request": "true", "HX-Target": "deposit-amount"})
    html = page(response).strip()
    assert html.startswith('<div id="deposit-amount">') and 'value="25.000"' in html and "<form" not in html
    html = page(as_manager.get(url(ksp, "deposit", number=member.number), {"jenis": "sukarela"}))
    assert 'value="sukarela" required id="id_savings_type_2" checked' in html and 'name="amount" value=' not in html


def test_deposit_with_an_empty_amount_takes_the_cooperatives_amount(as_manager, ksp, member):
    response = as_manager.post(url(ksp, "deposit", number=member.number), {
        "savings_type": "wajib", "amount": "", "date": "2024-03-05", "period": "2024-02", "via": "cash", "form_key": "b" * 32}, headers=EN)
    assert response.status_code == 302
    with scope(cooperative=ksp):
        txn = SavingsTransaction.objects.get()
    assert response["Location"] == url(ksp, "receipt", number=txn.number)
    assert txn.amount == Decimal("25000") and txn.period == D(2024, 2, 1)
    follow = as_manager.get(response["Location"], headers=EN)
    assert "Simpanan wajib of Rp 25.000 recorded" in text(follow.content.decode())


@pytest.mark.parametrize("data, field, message", [
    ({"amount": "abc"}, "amount", "Enter an amount in Rupiah"),
    ({"amount": "-5000"}, "amount", "Enter an amount in Rupiah"),
    ({"amount": "0"}, "amount", "more than zero"),
    ({"amount": "10,001"}, "amount", ""),
    ({"amount": "9" * 40}, "amount", ""),
    ({"savings_type": "saham"}, "savings_type", "Select a valid choice"),
    ({"date": "2024-02-30"}, "date", "Enter a valid date"),
    ({"date": "tomorrow"}, "date", "future"),
    ({"date": "2019-01-01"}, "date", "before"),
    ({"date": "0001-01-01"}, "date", ""),
    ({"via": "gopay"}, "via", "Select a valid choice"),
    ({"savings_type": "wajib", "period": "2024-13"}, "period", "YYYY-MM"),
    ({"savings_type": "wajib", "period": "2019-12"}, "period", "before"),
    ({"savings_type": "wajib", "period": "2026-13-01"}, "period", "YYYY-MM"),
    ({"description": "x" * 201}, "description", "at most 200"),
])
def test_bad_deposits_say_what_is_wrong_and_write_nothing(as_manager, ksp, member, data, field, message):
    body = {"savings_type": "sukarela", "amount": "5000", "date": "2024-03-01", "via": "cash", "form_key": "c" * 32, **data}
    if body["date"] == "tomorrow":
        body["date"] = (today() + datetime.timedelta(days=1)).isoformat()
    response = as_manager.post(url(ksp, "deposit", number=member.number), body, headers=EN)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="errorlist' in html
    assert f'id="id_{field}_error"' in html or f"id_{field}" in html.split('class="errorlist')[1][:400] or field in html
    assert message in text(html)
    assert txn_count(ksp) == 0


def test_deposit_in_a_closed_year_or_a_wajib_month_paid_twice(as_manager, ksp, manager, member):
    deposit(member, "wajib", 25000, D(2024, 3, 1), period=D(2024, 3, 1))
    response = as_manager.post(url(ksp, "deposit", number=member.number), {
        "savings_type": "wajib", "amount": "25000", "date": "2024-03-09", "period": "2024-03", "via": "cash"}, headers=EN)
    assert "already paid wajib" in text(response.content.decode()) and txn_count(ksp) == 1
    ledger_services.book_year_close(actor=manager, cooperative=ksp, year=2024, require_prepared=False)
    response = as_manager.post(url(ksp, "deposit", number=member.number), {
        "savings_type": "sukarela", "amount": "1000", "date": "2024-06-01", "via": "cash"}, headers=EN)
    assert response.status_code == 200 and "errorlist" in response.content.decode() and txn_count(ksp) == 1


def test_a_double_tap_records_once(as_manager, ksp, member):
    body = {"savings_type": "sukarela", "amount": "5000", "date": "2024-03-01", "via": "cash", "form_key": "d" * 32}
    first = as_manager.post(url(ksp, "deposit", number=member.number), body)
    second = as_manager.post(url(ksp, "deposit", number=member.number), body)
    assert first.status_code == second.status_code == 302 and second["Location"] == first["Location"]
    assert txn_count(ksp) == 1 and balance(member, "sukarela") == Decimal("5000")


# --- withdraw ---------------------------------------------------------------------------------

def test_withdraw_sukarela_never_below_zero(as_manager, ksp, member):
    deposit(member, "sukarela", 50000, D(2024, 3, 1))
    html = page(as_manager.get(url(ksp, "withdraw", number=member.number), headers=EN))
    assert "Rp 50.000" in html and 'name="savings_type"' not in html
    response = as_manager.post(url(ksp, "withdraw", number=member.number), {
        "amount": "50.000,01", "date": "2024-03-02", "via": "cash"}, headers=EN)
    assert "more than the balance (Rp 50.000)" in text(response.content.decode())
    response = as_manager.post(url(ksp, "withdraw", number=member.number), {
        "amount": "20.000", "date": "2024-03-02", "via": "cash", "form_key": "e" * 32})
    assert response.status_code == 302 and balance(member, "sukarela") == Decimal("30000")
    with scope(cooperative=ksp):
        assert SavingsTransaction.objects.get(direction="withdrawal").savings_type == "sukarela"


# --- reverse ---------------------------------------------------------------------------------

def test_reverse_with_a_reason_then_refused_twice(as_manager, ksp, member):
    txn = deposit(member, "sukarela", 30000, D(2024, 3, 1))
    html = page(as_manager.get(url(ksp, "reverse", number=txn.number), headers=EN))
    assert "Rp 30.000" in html and 'name="reason"' in html
    response = as_manager.post(url(ksp, "reverse", number=txn.number), {"reason": "", "date": "2024-03-02"}, headers=EN)
    assert "This field is required" in text(response.content.decode()) and txn_count(ksp) == 1
    response = as_manager.post(url(ksp, "reverse", number=txn.number), {"reason": "salah ketik", "date": "2024-03-02", "form_key": "f" * 32})
    assert response.status_code == 302
    with scope(cooperative=ksp):
        reversal = SavingsTransaction.objects.get(kind=TransactionKind.REVERSAL)
        assert reversal.reverses_id == txn.pk and "salah ketik" in reversal.journal_entry.description
    assert response["Location"] == url(ksp, "receipt", number=reversal.number) and balance(member, "sukarela") == 0
    html = text(page(as_manager.get(url(ksp, "reverse", number=txn.number), headers=EN)))
    assert "already reversed" in html and "Reverse the transaction" not in html
    response = as_manager.post(url(ksp, "reverse", number=txn.number), {"reason": "lagi", "date": "2024-03-03", "form_key": "0" * 32}, headers=EN)
    assert "already reversed" in text(response.content.decode()) and txn_count(ksp) == 2
    assert "is itself a reversal" in text(page(as_manager.get(url(ksp, "reverse", number=reversal.number), headers=EN)))
    receipt = text(page(as_manager.get(url(ksp, "receipt", number=txn.number), headers=EN)))
    assert f"reversed by {reversal.number}" in receipt and "Reverse…" not in receipt


def test_reversal_before_the_transaction_is_refused(as_manager, ksp, member):
    txn = deposit(member, "sukarela", 30000, D(2024, 3, 5))
    response = as_manager.post(url(ksp, "reverse", number=txn.number), {"reason": "x", "date": "2024-03-01"}, headers=EN)
    assert "cannot be dated before" in text(response.content.decode()) and txn_count(ksp) == 1


# --- receipts ----------------------------------------------------------------------------------

def test_receipt_page_has_everything(as_manager, ksp, manager, member):
    txn = deposit(member, "wajib", 25000, D(2024, 3, 5), period=D(2024, 3, 1), actor=manager)
    flat = text(page(as_manager.get(url(ksp, "receipt", number=txn.number), headers=EN)))
    for expected in (txn.number, ksp.name, member.full_name, member.number, "Rp 25.000", "# Dua puluh lima ribu rupiah #",
                     txn.journal_entry.number, manager.full_name, "March 2024", "Balance of Simpanan wajib after", "Kas",
                     "Savings deposit receipt", "Depositor"):
        assert expected in flat, expected
    assert url(ksp, "receipt_pdf", number=txn.number) in page(as_manager.get(url(ksp, "receipt", number=txn.number)))


def test_receipt_pdf(as_manager, ksp, member):
    txn = deposit(member, "sukarela", 25000, D(2024, 3, 5))
    response = as_manager.get(url(ksp, "receipt_pdf", number=txn.number))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and 'inline; filename="bukti-' in response["Content-Disposition"]
    download = as_manager.get(url(ksp, "receipt_pdf", number=txn.number), {"unduh": 1})
    assert download["Content-Disposition"].startswith("attachment;")


# --- the monthly collection ------------------------------------------------------------------

@pytest.fixture
def crowd(ksp):
    """Six active members who joined in 2023, one who left, one who joins next month."""
    members = [MemberFactory(cooperative=ksp, joined_on=D(2023, 6, 1), number=f"1{i:04d}") for i in range(6)]
    MemberFactory(cooperative=ksp, joined_on=D(2023, 6, 1), number="19998", status="left", left_on=D(2024, 1, 31))
    MemberFactory(cooperative=ksp, joined_on=D(2024, 4, 2), number="19999")
    return members


def collect_url(ksp, month="2024-03"):
    return url(ksp, "wajib_collect") + f"?bulan={month}"


def test_collection_lists_active_members_with_those_paid_not_tickable(as_manager, ksp, crowd):
    savings.wajib_collect(actor=None, cooperative=ksp, members=crowd[:2], period=D(2024, 3, 1), date=D(2024, 3, 3))
    html = page(as_manager.get(collect_url(ksp), headers=EN))
    for m in crowd[2:]:
        assert f'name="members" value="{m.number}"' in html
    for m in crowd[:2]:
        assert f'value="{m.number}"' not in html and m.full_name in html
    assert "19998" not in html and "19999" not in html  # left; joins after March
    assert html.count('class="tick"') == 4 and html.count("tick tick-paid") == 2
    assert 'name="action" value="tick_all"' in html and 'type="month"' in html
    assert "<script" not in html.split("</head>")[1]


def test_collection_without_javascript_tick_all_search_keeps_ticks_then_record(as_manager, ksp, crowd):
    form = {"period": "2024-03", "date": "2024-03-20", "via": "cash", "amount": "25.000", "form_key": "1" * 32}
    ticks = re.compile(r'name="members" value="\d+" checked>')
    html = page(as_manager.post(url(ksp, "wajib_collect"), {**form, "action": "tick_all"}))
    assert len(ticks.findall(html)) == 6
    html = page(as_manager.post(url(ksp, "wajib_collect"), {**form, "action": "untick_all", "members": ["10000"]}))
    assert len(ticks.findall(html)) == 0
    # search for one member while two others are ticked: they stay, as hidden inputs
    target = crowd[4]
    html = page(as_manager.post(url(ksp, "wajib_collect"), {
        **form, "action": "search", "q": target.number, "members": ["10000", "10001"]}, headers=EN))
    assert f'value="{target.number}"' in html and 'value="10002"' not in html
    assert '<input type="hidden" name="members" value="10000">' in html and '<input type="hidden" name="members" value="10001">' in html
    assert "2 ticked members are not shown" in text(html)
    response = as_manager.post(url(ksp, "wajib_collect"), {**form, "action": "record", "members": ["10000", "10001", target.number]})
    assert response.status_code == 302
    with scope(cooperative=ksp):
        txns = list(SavingsTransaction.objects.order_by("member__number"))
    assert [t.member.number for t in txns] == ["10000", "10001", target.number]
    assert len({t.journal_entry_id for t in txns}) == 1 and all(t.period == D(2024, 3, 1) for t in txns)
    assert response["Location"] == url(ksp, "collection", entry=txns[0].journal_entry.number)
    # the same form sent again records nothing more
    again = as_manager.post(url(ksp, "wajib_collect"), {**form, "action": "record", "members": ["10000", "10001", target.number]})
    assert again.status_code == 302 and again["Location"] == response["Location"] and txn_count(ksp) == 3


def test_collection_search_with_htmx_returns_the_list(as_manager, ksp, crowd):
    response = as_manager.post(url(ksp, "wajib_collect"), {"period": "2024-03", "q": crowd[3].number, "members": ["10000"]},
                               headers={"HX-Request": "true", "HX-Target": "collect-list"})
    html = page(response)
    assert "<form" not in html and f'value="{crowd[3].number}"' in html and 'type="hidden" name="members" value="10000"' in html


def test_collection_summary_and_one_pdf_for_all_receipts(as_manager, ksp, crowd):
    txns = savings.wajib_collect(actor=None, cooperative=ksp, members=crowd[:3], period=D(2024, 3, 1), date=D(2024, 3, 3))
    entry = txns[0].journal_entry.number
    flat = text(page(as_manager.get(url(ksp, "collection", entry=entry), headers=EN)))
    assert all(t.number in flat for t in txns) and "Rp 75.000" in flat and "March 2024" in flat
    response = as_manager.get(url(ksp, "collection_pdf", entry=entry))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")  # pages: tests/members/test_receipts.py
    assert as_manager.get(url(ksp, "collection", entry="JU-2024-999999")).status_code == 404


@pytest.mark.parametrize("change, message", [
    ({"members": []}, "Tick at least one member"),
    ({"members": ["19998"]}, "Select a valid choice"),  # has left: not offered
    ({"date": "2024-02-30"}, "Enter a valid date"),
    ({"date": "tomorrow"}, "future"),
    ({"amount": "abc"}, "Enter an amount in Rupiah"),
    ({"amount": ""}, "This field is required"),
    ({"via": "hutang"}, "Select a valid choice"),
])
def test_collection_bad_input(as_manager, ksp, crowd, change, message):
    body = {"period": "2024-03", "date": "2024-03-20", "via": "cash", "amount": "25000", "action": "record", "members": ["10000", "10001"], **change}
    if body["date"] == "tomorrow":
        body["date"] = (today() + datetime.timedelta(days=1)).isoformat()
    response = as_manager.post(url(ksp, "wajib_collect"), body, headers=EN)
    assert response.status_code == 200 and message in text(response.content.decode())
    assert txn_count(ksp) == 0


def test_collection_refuses_a_member_paid_meanwhile(as_manager, ksp, crowd):
    page(as_manager.get(collect_url(ksp)))
    deposit(crowd[0], "wajib", 25000, D(2024, 3, 4), period=D(2024, 3, 1))  # at the counter, meanwhile
    response = as_manager.post(url(ksp, "wajib_collect"), {
        "period": "2024-03", "date": "2024-03-20", "via": "cash", "amount": "25000", "action": "record", "members": ["10000", "10001"]}, headers=EN)
    assert response.status_code == 200 and "Select a valid choice" in text(response.content.decode())
    assert txn_count(ksp) == 1


def test_collection_screen_on_a_phone_with_120_members_costs_the_same_queries(as_manager, ksp):
    MemberFactory.create_batch(1, cooperative=ksp, joined_on=D(2023, 1, 1))
    one = count_queries(as_manager, collect_url(ksp))
    MemberFactory.create_batch(119, cooperative=ksp, joined_on=D(2023, 1, 1))
    assert count_queries(as_manager, collect_url(ksp)) == one <= STAFF_BUDGET
    html = page(as_manager.get(collect_url(ksp)))
    assert html.count('class="tick"') == 120


# --- arrears: the rule -----------------------------------------------------------------------------

def arrears_of(ksp, member, day=None):
    return sel.member_arrears(cooperative=ksp, member=member, today=day)


def test_nobody_is_behind_while_the_portal_has_no_wajib(ksp, member):
    assert sel.arrears_list(cooperative=ksp) == []
    assert arrears_of(ksp, member).start is None and arrears_of(ksp, member).months_unpaid == 0


def test_months_count_from_the_cooperatives_first_wajib_month_or_joining_if_later(ksp):
    today = D(2024, 6, 15)
    early = MemberFactory(cooperative=ksp, joined_on=D(2015, 5, 1))
    late = MemberFactory(cooperative=ksp, joined_on=D(2024, 4, 20))
    skipper = MemberFactory(cooperative=ksp, joined_on=D(2020, 1, 1))
    deposit(early, "wajib", 25000, D(2024, 2, 3), period=D(2024, 2, 1))  # the portal's first wajib: February
    deposit(early, "wajib", 25000, D(2024, 3, 3), period=D(2024, 3, 1))
    deposit(skipper, "wajib", 25000, D(2024, 5, 3), period=D(2024, 5, 1))  # skipped Feb–Apr
    rows = {r.member.pk: r for r in sel.arrears_list(cooperative=ksp, today=today)}
    assert (rows[early.pk].start, rows[early.pk].months_due, rows[early.pk].months_paid, rows[early.pk].months_unpaid) == (D(2024, 2, 1), 5, 2, 3)
    assert (rows[late.pk].start, rows[late.pk].months_unpaid) == (D(2024, 4, 1), 3)  # April (joined), May, June
    assert (rows[skipper.pk].start, rows[skipper.pk].months_unpaid) == (D(2024, 2, 1), 4)  # Feb, Mar, Apr, Jun
    assert rows[skipper.pk].amount == Decimal("100000") and rows[skipper.pk].last_paid == D(2024, 5, 1)
    one = arrears_of(ksp, skipper, today)
    assert one.unpaid == [D(2024, 2, 1), D(2024, 3, 1), D(2024, 4, 1), D(2024, 6, 1)] and one.months_unpaid == 4


def test_an_opening_balance_starts_the_members_history(ksp, manager):
    today = D(2024, 6, 15)
    member = MemberFactory(cooperative=ksp, joined_on=D(2012, 1, 1))
    newcomer = MemberFactory(cooperative=ksp, joined_on=D(2012, 1, 1))
    with scope(cooperative=ksp):
        from ledger.models import Account
        opening_account = Account.objects.filter(kind="equity", is_postable=True).exclude(purpose__startswith="savings").first()
    # imported in April 2024: wajib brought from the old register covers everything before
    deposit(member, "wajib", 600000, D(2024, 4, 1), kind=TransactionKind.OPENING, counter_account=opening_account)
    deposit(member, "wajib", 25000, D(2024, 5, 2), period=D(2024, 5, 1))
    row = arrears_of(ksp, member, today)
    assert row.start == D(2024, 4, 1) and row.unpaid == [D(2024, 4, 1), D(2024, 6, 1)]  # the opening is no month paid
    assert arrears_of(ksp, newcomer, today).start == D(2024, 4, 1)  # the cooperative's first month in the portal


def test_reversed_advance_and_duplicate_payments(ksp, manager):
    today = D(2024, 6, 15)
    member = MemberFactory(cooperative=ksp, joined_on=D(2024, 1, 1))
    punctual = MemberFactory(cooperative=ksp, joined_on=D(2024, 1, 1))
    for month in range(1, 7):
        deposit(punctual, "wajib", 25000, D(2024, month, 3), period=D(2024, month, 1))
    jan = deposit(member, "wajib", 25000, D(2024, 1, 5), period=D(2024, 1, 1))
    deposit(member, "wajib", 25000, D(2024, 2, 5), period=D(2024, 2, 1))
    deposit(member, "wajib", 25000, D(2024, 2, 6), period=D(2024, 9, 1))  # in advance: no help for the past
    savings.savings_reverse(actor=manager, transaction_=jan, date=D(2024, 1, 6))
    row = arrears_of(ksp, member, today)
    assert row.unpaid == [D(2024, 1, 1), D(2024, 3, 1), D(2024, 4, 1), D(2024, 5, 1), D(2024, 6, 1)]
    listed = sel.arrears_list(cooperative=ksp, today=today)
    assert [(r.member.pk, r.months_unpaid) for r in listed] == [(member.pk, 5)]


def test_arrears_list_sorting_minimum_left_members_and_no_wajib_amount(ksp, manager):
    today = D(2024, 6, 15)
    a = MemberFactory(cooperative=ksp, joined_on=D(2024, 1, 1), number="A1", full_name="Zaenal")
    MemberFactory(cooperative=ksp, joined_on=D(2024, 4, 1), number="B2", full_name="Ayu")
    c = MemberFactory(cooperative=ksp, joined_on=D(2024, 1, 1), number="C3", full_name="Maman")
    savings.wajib_collect(actor=manager, cooperative=ksp, members=[a, c], period=D(2024, 1, 1), date=D(2024, 1, 20))
    savings.wajib_collect(actor=manager, cooperative=ksp, members=[c], period=D(2024, 2, 1), date=D(2024, 2, 20))
    order = lambda rows: [r.member.number for r in rows]  # noqa: E731
    assert order(sel.arrears_list(cooperative=ksp, today=today)) == ["A1", "C3", "B2"]  # 5, 4, 3 months
    assert order(sel.arrears_list(cooperative=ksp, today=today, order="months")) == ["B2", "C3", "A1"]
    assert order(sel.arrears_list(cooperative=ksp, today=today, order="name")) == ["B2", "C3", "A1"]
    assert order(sel.arrears_list(cooperative=ksp, today=today, order="number")) == ["A1", "B2", "C3"]
    assert order(sel.arrears_list(cooperative=ksp, today=today, min_months=4)) == ["A1", "C3"]
    savings.member_leave(actor=manager, member=a, reason="resignation", date=D(2024, 6, 1))
    assert order(sel.arrears_list(cooperative=ksp, today=today)) == ["C3", "B2"]
    ksp.simpanan_wajib_monthly_amount = Decimal("0")
    assert sel.arrears_list(cooperative=ksp, today=today) == []


def test_member_arrears_accepts_a_member_from_the_arrears_list(ksp, manager):
    """A row's member carries only its own wajib facts: member_arrears() must still work with it
    and agree with the list (it used to raise AttributeError)."""
    today = D(2024, 6, 15)
    a = MemberFactory(cooperative=ksp, joined_on=D(2024, 1, 1))
    savings.wajib_collect(actor=manager, cooperative=ksp, members=[a], period=D(2024, 1, 1), date=D(2024, 1, 20))
    [row] = sel.arrears_list(cooperative=ksp, today=today)
    detail = sel.member_arrears(cooperative=ksp, member=row.member, today=today)
    assert (detail.start, detail.months_unpaid) == (row.start, row.months_unpaid) == (D(2024, 1, 1), 5)


# --- arrears: the page -------------------------------------------------------------------------

@pytest.fixture
def behind(ksp, manager):
    """Three members behind by 2, 5 and 8 months (relative to today): the portal's wajib starts
    9 months ago with the oldest member's payment."""
    members = [MemberFactory(cooperative=ksp, joined_on=months_ago(n), number=f"2{n:04d}") for n in (2, 5, 9)]
    savings.wajib_collect(actor=manager, cooperative=ksp, members=members[2:], period=months_ago(9), date=months_ago(9, 10))
    savings.wajib_collect(actor=manager, cooperative=ksp, members=members, period=months_ago(2), date=months_ago(2, 10))
    return members


def test_arrears_page_sorts_and_filters(as_manager, ksp, behind):
    html = page(as_manager.get(url(ksp, "arrears"), headers=EN))
    flat = text(html)
    assert flat.index("20009") < flat.index("20005") < flat.index("20002")
    assert "members behind" in flat and 'aria-sort="descending"' in html
    flat = text(page(as_manager.get(url(ksp, "arrears"), {"urut": "months"}, headers=EN)))
    assert flat.index("20002") < flat.index("20005") < flat.index("20009")
    flat = text(page(as_manager.get(url(ksp, "arrears"), {"minimal": "6"}, headers=EN)))
    assert "20009" in flat and "20005" not in flat
    assert page(as_manager.get(url(ksp, "arrears"), {"urut": "<script>", "minimal": "abc"}))  # bad choices: the default


def test_arrears_xlsx_export_is_audited(as_manager, ksp, behind, manager):
    response = as_manager.get(url(ksp, "arrears"), {"format": "xlsx"})
    assert response.status_code == 200 and "tunggakan-simpanan-wajib" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    numbers = [row[0] for row in values if row and row[0] in ("20002", "20005", "20009")]
    assert numbers == ["20009", "20005", "20002"]
    row = next(r for r in values if r[0] == "20009")
    assert row[5] == 8 and row[6] == 200000  # months, amount as real numbers
    with scope(cooperative=ksp):
        event = AuditEvent.objects.get(action="savings.arrears_export")
    assert event.actor == manager and event.changes["rows"] == [None, 3]
    assert as_manager.get(url(ksp, "arrears"), {"format": "docx"}).status_code == 400


# --- query budgets ---------------------------------------------------------------------------

@pytest.mark.parametrize("rows", [1, 50])
def test_member_savings_page_budget(as_manager, ksp, rows):
    member = MemberFactory(cooperative=ksp, joined_on=D(2022, 1, 1))
    for i in range(rows):
        deposit(member, "sukarela", 1000, D(2022, 1, 1) + datetime.timedelta(days=i))
    assert count_queries(as_manager, url(ksp, "member", number=member.number)) <= STAFF_BUDGET


def test_member_savings_page_cost_does_not_grow(as_manager, ksp, manager):
    member = MemberFactory(cooperative=ksp, joined_on=D(2022, 1, 1))
    deposit(member, "sukarela", 1000, D(2022, 1, 1))
    deposit(member, "wajib", 25000, D(2022, 1, 2), period=D(2022, 1, 1))
    one = count_queries(as_manager, url(ksp, "member", number=member.number))
    for i in range(11):
        deposit(member, "wajib", 25000, D(2022, 2, 1) + datetime.timedelta(days=31 * i), period=D(2022, 2 + i, 1))
    for i in range(36):
        deposit(member, "sukarela", 1000, D(2023, 1, 1) + datetime.timedelta(days=i))
    savings.savings_reverse(actor=manager, transaction_=deposit(member, "sukarela", 5, D(2023, 5, 1)), date=D(2023, 5, 2))
    assert count_queries(as_manager, url(ksp, "member", number=member.number)) == one


@pytest.mark.parametrize("rows", [1, 50])
def test_arrears_page_budget(as_manager, ksp, manager, rows):
    members = MemberFactory.create_batch(rows, cooperative=ksp, joined_on=D(2023, 1, 1))
    savings.wajib_collect(actor=manager, cooperative=ksp, members=members, period=D(2023, 1, 1), date=D(2023, 1, 20))
    assert count_queries(as_manager, url(ksp, "arrears")) <= STAFF_BUDGET


def test_arrears_page_cost_does_not_grow(as_manager, ksp, manager):
    first = MemberFactory(cooperative=ksp, joined_on=D(2023, 1, 1))
    savings.wajib_collect(actor=manager, cooperative=ksp, members=[first], period=D(2023, 1, 1), date=D(2023, 1, 20))
    one = count_queries(as_manager, url(ksp, "arrears"))
    more = MemberFactory.create_batch(49, cooperative=ksp, joined_on=D(2023, 1, 1))
    savings.wajib_collect(actor=manager, cooperative=ksp, members=more, period=D(2023, 2, 1), date=D(2023, 2, 20))
    savings.wajib_collect(actor=manager, cooperative=ksp, members=more[:20], period=D(2023, 3, 1), date=D(2023, 3, 20))
    assert len(sel.arrears_list(cooperative=ksp)) == 50
    assert count_queries(as_manager, url(ksp, "arrears")) == one
    with CaptureQueriesContext(connection) as ctx:
        sel.arrears_list(cooperative=ksp)
    assert len(ctx.captured_queries) == 2


@pytest.mark.parametrize("rows", [1, 50])
def test_overview_and_receipt_budgets(as_manager, ksp, rows):
    members = MemberFactory.create_batch(rows, cooperative=ksp, joined_on=D(2023, 1, 1))
    txns = [deposit(m, "sukarela", 1000, D(2023, 2, 1)) for m in members]
    assert count_queries(as_manager, url(ksp, "index")) <= STAFF_BUDGET
    assert count_queries(as_manager, url(ksp, "receipt", number=txns[-1].number)) <= STAFF_BUDGET


# --- pages: no inline code, English through gettext -----------------------------------------------

def test_savings_pages_carry_no_inline_script_or_style(as_manager, ksp, member):
    txn = deposit(member, "sukarela", 1000, D(2024, 3, 1))
    entry = savings.wajib_collect(actor=None, cooperative=ksp, members=[member], period=D(2024, 3, 1), date=D(2024, 3, 2))[0].journal_entry.number
    for address in [url(ksp, "index"), url(ksp, "member", number=member.number), url(ksp, "deposit", number=member.number),
                    url(ksp, "withdraw", number=member.number), url(ksp, "receipt", number=txn.number), url(ksp, "reverse", number=txn.number),
                    url(ksp, "wajib_collect"), url(ksp, "collection", entry=entry), url(ksp, "arrears")]:
        html = page(as_manager.get(address))
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), address
        assert "<style" not in html and " style=" not in html, address
        assert "savings.css" in html, address
    assert JournalEntry.objects.with_scopes_disabled().filter(cooperative=ksp).count() == 2
