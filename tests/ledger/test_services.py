import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django_scopes import scope

from ledger import selectors, services
from ledger.models import AccountBalance, BookYear, JournalEntry, JournalLine
from portal.models import AuditEvent

pytestmark = pytest.mark.django_db
D = datetime.date


def test_chart_applied_per_kind_and_idempotent(books):
    assert services.chart_apply_template(cooperative=books) == 0
    with scope(cooperative=books):
        from ledger.models import Account

        pokok = Account.objects.get(code="3-103")
        assert pokok.kind == "equity" and pokok.parent.code == "3" and not pokok.parent.is_postable
        assert Account.objects.get(code="2-201").kind == "liability"  # sukarela is a liability
        assert Account.objects.get(purpose="shu_current_year").code == "3-107"


def test_registering_a_cooperative_applies_its_chart(make_user):
    from cooperatives.models import Kelurahan
    from cooperatives.services import cooperative_create

    kelurahan = Kelurahan.objects.first()
    coop = cooperative_create(actor=make_user(role="city_admin"), name="Kopkar", slug="kopkar", kind="konsumen",
                              kecamatan=kelurahan.kecamatan, kelurahan=kelurahan)
    with scope(cooperative=coop):
        from ledger.models import Account

        assert Account.objects.filter(code="4-102", segment="non_member").exists()


def test_post_numbers_gapless_per_year_and_audits(post, books):
    a = post(D(2026, 1, 5), [("1-101", 150000, 0), ("3-103", 0, 150000)])
    b = post(D(2026, 1, 6), [("1-101", 25000, 0), ("3-104", 0, 25000)])
    c = post(D(2025, 12, 31), [("1-101", 1000, 0), ("4-901", 0, 1000)])
    adj = post(D(2026, 2, 1), [("5-105", 1000, 0), ("1-101", 0, 1000)], journal_type="JP")
    assert [a.number, b.number, c.number, adj.number] == ["JU-2026-000001", "JU-2026-000002", "JU-2025-000001", "JP-2026-000001"]
    with scope(cooperative=books):
        assert AuditEvent.objects.filter(action="ledger.entry_post").count() == 4


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([("1-101", 150000, 0), ("3-103", 0, 145000)], "Rp 5.000"),
        ([("1-101", 1000, 0)], None),
        ([("1-101", 1000, 1000), ("3-103", 0, 1000)], None),
        ([("1-101", 0, 0), ("3-103", 0, 0)], None),
        ([("1-101", -5, 0), ("3-103", 0, -5)], None),
        ([("1-101", "10.001", 0), ("3-103", 0, "10.001")], None),
        ([("1", 1000, 0), ("3-103", 0, 1000)], None),  # header account
        ([("9-999", 1000, 0), ("3-103", 0, 1000)], None),  # unknown
        ([("1-101", "abc", 0), ("3-103", 0, 1000)], None),
    ],
)
def test_bad_entries_are_refused_with_a_message(post, books, lines, message):
    with pytest.raises(ValidationError) as err:
        post(D(2026, 1, 5), lines)
    messages = " ".join(err.value.message_dict["lines"])
    if message:
        assert message in messages
    with scope(cooperative=books):
        assert not JournalEntry.objects.exists() and not JournalLine.objects.exists()


def test_unbalanced_message_names_the_difference(post):
    with pytest.raises(ValidationError) as err:
        post(D(2026, 1, 5), [("1-101", 150000, 0), ("3-103", 0, 145000)])
    assert "Rp 5.000" in err.value.message_dict["lines"][0]


def test_inactive_account_and_other_cooperatives_account_are_refused(post, books, account, other_cooperative, bookkeeper):
    services.chart_apply_template(cooperative=other_cooperative)
    services.account_update(actor=bookkeeper, account=account("1-106"), is_active=False)
    with pytest.raises(ValidationError):
        post(D(2026, 1, 5), [("1-106", 1000, 0), ("3-103", 0, 1000)])
    with scope(cooperative=other_cooperative):
        from ledger.models import Account

        theirs = Account.objects.get(code="1-101")
    with pytest.raises(ValidationError) as err:
        services.entry_post(actor=bookkeeper, cooperative=books, date=D(2026, 1, 5), description="x",
                            lines=[{"account": theirs, "debit": 1000}, {"account": "3-103", "credit": 1000}])
    assert "another cooperative" in " ".join(err.value.message_dict["lines"]) or "koperasi lain" in " ".join(err.value.message_dict["lines"])


def test_reverse_mirrors_and_links(post, books, bookkeeper, account):
    entry = post(D(2026, 3, 1), [("1-101", 50000, 0), ("4-901", 0, 50000)])
    reversal = services.entry_reverse(actor=bookkeeper, entry=entry, date=D(2026, 3, 2))
    with scope(cooperative=books):
        assert reversal.reverses == entry and entry.reversed_by == reversal
        assert [(l.account.code, l.debit, l.credit) for l in reversal.lines.order_by("id")] == [
            ("1-101", 0, 50000), ("4-901", 50000, 0)]
    tb = selectors.trial_balance(cooperative=books, as_of=D(2026, 3, 31))
    assert tb.rows == [] and tb.balanced
    with pytest.raises(ValidationError):
        services.entry_reverse(actor=bookkeeper, entry=entry)  # twice
    with pytest.raises(ValidationError):
        services.entry_reverse(actor=bookkeeper, entry=reversal)  # a reversal of a reversal


def test_rollup_equals_recomputation(post, books):
    post(D(2025, 12, 15), [("1-101", 300000, 0), ("3-103", 0, 300000)])
    post(D(2026, 1, 10), [("1-103", 1000000, 0), ("1-101", 0, 1000000)])
    post(D(2026, 1, 31), [("1-101", 20000, 0), ("4-101", 0, 20000)])
    post(D(2026, 2, 14), [("5-105", 7500, 0), ("1-101", 0, 7500)])
    for as_of in [D(2025, 12, 31), D(2026, 1, 15), D(2026, 1, 31), D(2026, 2, 14), D(2026, 12, 31)]:
        assert selectors.account_totals(cooperative=books, as_of=as_of) == selectors.account_totals_from_lines(cooperative=books, as_of=as_of)
    income = selectors.income_statement(cooperative=books, date_from=D(2026, 1, 1), date_to=D(2026, 12, 31))
    assert income.total_income == Decimal("20000") and income.member_income == Decimal("20000") and income.shu == Decimal("12500")


def test_close_year_moves_income_and_expense_to_shu_and_locks(post, books, bookkeeper, make_user, account):
    manager = make_user(books, "manager")
    post(D(2025, 3, 1), [("1-101", 500000, 0), ("3-103", 0, 500000)])
    post(D(2025, 6, 1), [("1-101", 80000, 0), ("4-101", 0, 80000)])
    post(D(2025, 7, 1), [("5-102", 30000, 0), ("1-101", 0, 30000)])
    with pytest.raises(ValidationError):
        services.book_year_close(actor=manager, cooperative=books, year=2025)  # not prepared
    services.book_year_prepare(actor=bookkeeper, cooperative=books, year=2025)
    services.book_year_close(actor=manager, cooperative=books, year=2025)
    sheet = selectors.balance_sheet(cooperative=books, as_of=D(2025, 12, 31))
    shu = dict((a.code, amt) for a, amt, _ in sheet.equity.rows)["3-107"]
    assert shu == Decimal("50000") and sheet.current_shu == 0 and sheet.balanced
    # the closed year's income statement still shows its income and expense
    assert selectors.income_statement(cooperative=books, date_from=D(2025, 1, 1), date_to=D(2025, 12, 31)).shu == Decimal("50000")
    with pytest.raises(ValidationError) as err:
        post(D(2025, 12, 1), [("1-101", 1, 0), ("4-901", 0, 1)])
    assert "date" in err.value.message_dict
    # reopening needs a reason, is audited, and a second close closes only what changed
    with pytest.raises(ValidationError):
        services.book_year_reopen(actor=manager, cooperative=books, year=2025, reason="salah")
    services.book_year_reopen(actor=manager, cooperative=books, year=2025, reason="Koreksi beban gaji Desember")
    post(D(2025, 12, 20), [("5-102", 10000, 0), ("1-101", 0, 10000)], journal_type="JP")
    services.book_year_prepare(actor=bookkeeper, cooperative=books, year=2025)
    services.book_year_close(actor=manager, cooperative=books, year=2025)
    sheet = selectors.balance_sheet(cooperative=books, as_of=D(2026, 1, 31))
    assert dict((a.code, amt) for a, amt, _ in sheet.equity.rows)["3-107"] == Decimal("40000")
    with scope(cooperative=books):
        assert AuditEvent.objects.filter(action="ledger.year_reopen", changes__reason__1="Koreksi beban gaji Desember").exists()


def test_a_year_that_has_not_ended_cannot_be_closed(post, books, bookkeeper):
    post(D(2026, 1, 1), [("1-101", 1, 0), ("4-901", 0, 1)])
    with pytest.raises(ValidationError):
        services.book_year_prepare(actor=bookkeeper, cooperative=books, year=2026)


def test_account_with_postings_cannot_be_deleted_or_change_kind(post, books, bookkeeper, account):
    post(D(2026, 1, 5), [("1-106", 1000, 0), ("3-103", 0, 1000)])
    with pytest.raises(ValidationError):
        services.account_delete(actor=bookkeeper, account=account("1-106"))
    with pytest.raises(ValidationError):
        services.account_update(actor=bookkeeper, account=account("1-106"), kind="expense")
    services.account_update(actor=bookkeeper, account=account("1-106"), name="Piutang jasa pinjaman")
    fresh = services.account_create(actor=bookkeeper, cooperative=books, code="1-107", name="Piutang lain", kind="asset", parent=account("1"))
    services.account_delete(actor=bookkeeper, account=fresh)


def test_drafts_have_no_number_and_touch_no_balance(books, bookkeeper):
    draft = services.entry_save_draft(actor=bookkeeper, cooperative=books, date=D(2026, 1, 5), description="Belum final",
                                      lines=[{"account": "1-101", "debit": "1000"}, {"account": "3-103", "credit": "1000"}])
    assert draft.number is None
    with scope(cooperative=books):
        assert not AccountBalance.objects.exists()
    posted = services.entry_post_draft(actor=bookkeeper, entry=draft)
    assert posted.number == "JU-2026-000001"


def test_random_postings_keep_assets_equal_liabilities_plus_equity(post, books, bookkeeper):
    import random

    rng = random.Random(7)
    codes = ["1-101", "1-102", "1-103", "2-201", "3-103", "3-104", "4-101", "4-104", "5-102", "5-105"]
    entries = []
    for _ in range(120):
        a, b = rng.sample(codes, 2)
        amount = Decimal(rng.randint(1, 500000)) / 100
        day = D(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 900))
        entries.append(post(day, [(a, amount, 0), (b, 0, amount)]))
    for entry in rng.sample(entries, 10):
        services.entry_reverse(actor=bookkeeper, entry=entry, date=D(2026, 9, 1))
    for as_of in [D(2024, 6, 30), D(2024, 12, 31), D(2025, 5, 17), D(2026, 9, 1)]:
        sheet = selectors.balance_sheet(cooperative=books, as_of=as_of)
        assert sheet.balanced, as_of
        assert selectors.trial_balance(cooperative=books, as_of=as_of).balanced
        assert selectors.account_totals(cooperative=books, as_of=as_of) == selectors.account_totals_from_lines(cooperative=books, as_of=as_of)


def test_huge_amounts_are_refused_not_crashing(post, books):
    with pytest.raises(ValidationError) as err:
        post(D(2026, 1, 5), [("1-101", "1e30", 0), ("3-103", 0, "1e30")])
    assert "too large" in " ".join(err.value.message_dict["lines"]) or "terlalu besar" in " ".join(err.value.message_dict["lines"])
