"""ledger.bulk writes what the services would have written for the same entries: same numbers,
lines, rollup, counters, book years and closing entries; ledger_verify passes; on PostgreSQL the
database triggers accept it."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django_scopes import scope, scopes_disabled

from cooperatives.models import Counter
from ledger import bulk, selectors, services
from ledger.charts import template_for
from ledger.models import Account, AccountBalance, BookYear, EntryKind, JournalEntry, JournalLine
from ledger.verify import verify_books
from tests.factories import CooperativeFactory

pytestmark = pytest.mark.django_db
D = datetime.date

# (date, journal, [(code, debit, credit)], description)
ENTRIES = [
    (D(2024, 1, 1), "JU", [("1-101", 5_000_000, 0), ("1-103", 20_000_000, 0), ("3-103", 0, 2_500_000), ("3-104", 0, 22_500_000)], "Saldo awal"),
    (D(2024, 1, 5), "JU", [("1-101", 750_000, 0), ("3-104", 0, 750_000)], "Hibah Januari"),
    (D(2024, 1, 10), "JU", [("1-101", 1_300_000, 0), ("1-103", 0, 1_000_000), ("4-101", 0, 300_000)], "Angsuran pinjaman"),
    (D(2024, 2, 25), "JU", [("5-102", 400_000, 0), ("5-105", "125000.50", 0), ("1-101", 0, "525000.50")], "Gaji dan administrasi"),
    (D(2024, 12, 31), "JP", [("5-106", 90_000, 0), ("1-202", 0, 90_000)], "Penyusutan"),
    (D(2025, 3, 10), "JU", [("1-101", 650_000, 0), ("4-101", 0, 600_000), ("4-104", 0, 50_000)], "Jasa pinjaman"),
    (D(2025, 3, 12), "JU", [("5-105", 1_000_000, 0), ("1-101", 0, 1_000_000)], "Biaya administrasi (salah ketik)"),
]


def _lines(coop, lines):
    with scope(cooperative=coop):
        ids = dict(Account.objects.values_list("code", "pk"))
    return [(ids[code], Decimal(str(d)), Decimal(str(c))) for code, d, c in lines]


def _snapshot(coop):
    """Everything posting writes, with accounts by code instead of id."""
    with scope(cooperative=coop):
        codes = dict(Account.objects.values_list("pk", "code"))
        entries = [
            (e.number, e.journal_type, e.kind, e.date, e.book_year, e.description, e.reference, e.state,
             e.reverses.number if e.reverses else None,
             [(codes[l.account_id], l.debit, l.credit, l.date) for l in e.lines.order_by("id")])
            for e in JournalEntry.objects.order_by("number").select_related("reverses")
        ]
        balances = sorted((codes[b.account_id], b.year, b.period, b.debit_total, b.credit_total) for b in AccountBalance.objects.all())
        counters = sorted(Counter.objects.filter(name__startswith="journal:").values_list("name", "value"))
        years = sorted(BookYear.objects.values_list("year", "start_date", "end_date", "state"))
    return entries, balances, counters, years


def _immediate():
    """The deferred balance trigger fires at commit; tests run inside a transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_bulk_posting_and_closing_write_what_the_services_write(make_user):
    by_service, by_bulk = CooperativeFactory(), CooperativeFactory()
    services.chart_apply_template(cooperative=by_service)
    assert bulk.apply_charts([by_bulk]) == len(template_for(by_bulk.kind))
    user = make_user(by_service, "manager")

    posted = []
    for day, journal, lines, description in ENTRIES:
        posted.append(services.entry_post(actor=None, cooperative=by_service, date=day, journal_type=journal, description=description,
                                          lines=[{"account": code, "debit": str(d), "credit": str(c)} for code, d, c in lines]))
    services.entry_reverse(actor=None, entry=posted[-1], date=D(2025, 3, 14))
    services.book_year_close(actor=user, cooperative=by_service, year=2024, require_prepared=False)

    entries = [bulk.BulkEntry(by_bulk.pk, day, description, _lines(by_bulk, lines), journal_type=journal)
               for day, journal, lines, description in ENTRIES]
    entries.append(bulk.BulkEntry(by_bulk.pk, D(2025, 3, 14), "", kind=EntryKind.REVERSAL, reverses=entries[-1]))
    bulk.post_entries(entries)
    assert [e.number for e in entries] == ["JU-2024-000001", "JU-2024-000002", "JU-2024-000003", "JU-2024-000004",
                                           "JP-2024-000001", "JU-2025-000001", "JU-2025-000002", "JU-2025-000003"]
    closings = bulk.close_years([(by_bulk, 2024)], actor=user)
    assert [c.number for c in closings] == ["JT-2024-000001"]
    _immediate()

    assert _snapshot(by_bulk) == _snapshot(by_service)
    assert verify_books(cooperative=by_bulk) == []
    sheet = selectors.balance_sheet(cooperative=by_bulk, as_of=D(2025, 12, 31))
    assert sheet.balanced


def test_bulk_continues_numbers_and_balances_the_services_started(make_user):
    coop = CooperativeFactory()
    services.chart_apply_template(cooperative=coop)
    first = services.entry_post(actor=None, cooperative=coop, date=D(2025, 5, 2), description="Wajib",
                                lines=[{"account": "1-101", "debit": "25000"}, {"account": "3-104", "credit": "25000"}])
    done = bulk.post_entries([
        bulk.BulkEntry(coop.pk, D(2025, 5, 3), "Wajib", _lines(coop, [("1-101", 25_000, 0), ("3-104", 0, 25_000)])),
        bulk.BulkEntry(coop.pk, D(2025, 5, 4), "", kind=EntryKind.REVERSAL, reverses=first),
    ])
    assert [e.number for e in done] == ["JU-2025-000002", "JU-2025-000003"]
    third = services.entry_post(actor=None, cooperative=coop, date=D(2025, 5, 5), description="Wajib",
                                lines=[{"account": "1-101", "debit": "25000"}, {"account": "3-104", "credit": "25000"}])
    assert third.number == "JU-2025-000004"
    _immediate()
    assert verify_books(cooperative=coop) == []
    with scope(cooperative=coop):
        assert JournalEntry.objects.get(pk=first.pk).reversed_by.number == "JU-2025-000003"
        wajib = AccountBalance.objects.get(account__code="3-104", year=2025, period=5)
    assert (wajib.debit_total, wajib.credit_total) == (Decimal("25000"), Decimal("75000"))


@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        ([("1-101", 1000, 0), ("3-103", 0, 900)], "do not balance"),
        ([("1-101", 1000, 0)], "two lines"),
        ([("1-101", 1000, 1000), ("3-103", 0, 1000)], "both sides"),
        ([("1-101", "10.001", 0), ("3-103", 0, "10.001")], "bad amount"),
        ([("1", 1000, 0), ("3-103", 0, 1000)], "header"),
    ],
)
def test_bad_entries_are_refused_before_anything_is_written(lines, problem):
    coop = CooperativeFactory()
    bulk.apply_charts([coop])
    with pytest.raises(ValueError, match=problem):
        bulk.post_entries([bulk.BulkEntry(coop.pk, D(2025, 1, 2), "x", _lines(coop, lines))])
    with scopes_disabled():
        assert not JournalLine.objects.exists() and not JournalEntry.objects.exists()


def test_accounts_of_another_cooperative_and_closed_years_are_refused(make_user):
    coop, other = CooperativeFactory(), CooperativeFactory()
    bulk.apply_charts([coop, other])
    with pytest.raises(ValueError, match="not the cooperative's"):
        bulk.post_entries([bulk.BulkEntry(coop.pk, D(2025, 1, 2), "x", _lines(other, [("1-101", 1000, 0), ("3-103", 0, 1000)]))])
    bulk.post_entries([bulk.BulkEntry(coop.pk, D(2024, 1, 2), "x", _lines(coop, [("1-101", 1000, 0), ("4-901", 0, 1000)]))])
    bulk.close_years([(coop, 2024)])
    with pytest.raises(ValueError, match="closed"):
        bulk.post_entries([bulk.BulkEntry(coop.pk, D(2024, 6, 2), "x", _lines(coop, [("1-101", 1000, 0), ("3-103", 0, 1000)]))])
    with scope(cooperative=coop):
        assert BookYear.objects.get(year=2024).is_closed
        assert JournalEntry.objects.get(kind=EntryKind.CLOSING).number == "JT-2024-000001"


def test_apply_charts_equals_the_service_and_is_idempotent():
    a, b = CooperativeFactory(kind="konsumen"), CooperativeFactory(kind="konsumen")
    services.chart_apply_template(cooperative=a)
    bulk.apply_charts([b])
    assert bulk.apply_charts([b]) == 0
    assert services.chart_apply_template(cooperative=b) == 0

    def chart(coop):
        with scope(cooperative=coop):
            return sorted(
                (x.code, x.name, x.kind, x.parent.code if x.parent else None, x.is_postable, x.is_active, x.is_contra, x.segment, x.purpose)
                for x in Account.objects.select_related("parent")
            )

    assert chart(a) == chart(b)
