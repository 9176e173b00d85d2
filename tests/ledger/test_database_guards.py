"""The database refuses what the services refuse, even when code bypasses the services
(queryset update(), raw SQL). CHECK constraints hold on SQLite and PostgreSQL; the triggers
are PostgreSQL's (DESIGN.md §6)."""

import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from ledger import services
from ledger.models import BookYear, JournalEntry, JournalLine

pytestmark = pytest.mark.django_db
D = datetime.date
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="database triggers are PostgreSQL's")


def immediate():
    """Deferred constraint triggers fire at commit; tests run inside a transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_line_with_both_sides_is_refused_by_a_check_constraint(post, books, account):
    entry = JournalEntry.objects.with_scopes_disabled().create(cooperative=books, date=D(2026, 1, 1), book_year=2026, description="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalLine.objects.with_scopes_disabled().create(cooperative=books, entry=entry, account=account("1-101"), debit=5, credit=5, date=entry.date)
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalLine.objects.with_scopes_disabled().create(cooperative=books, entry=entry, account=account("1-101"), debit=-5, credit=0, date=entry.date)


def test_posted_entry_without_number_is_refused(books):
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalEntry.objects.with_scopes_disabled().create(cooperative=books, date=D(2026, 1, 1), book_year=2026, description="x", state="posted")


@postgres_only
def test_queryset_update_of_a_posted_entry_is_refused(post, books):
    entry = post(D(2026, 1, 5), [("1-101", 1000, 0), ("3-103", 0, 1000)])
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalEntry.objects.with_scopes_disabled().filter(pk=entry.pk).update(description="diubah")
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalLine.objects.with_scopes_disabled().filter(entry=entry).update(debit=Decimal("2000"))


@postgres_only
def test_raw_sql_delete_of_posted_lines_and_entries_is_refused(post, books):
    entry = post(D(2026, 1, 5), [("1-101", 1000, 0), ("3-103", 0, 1000)])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_journalline WHERE entry_id = %s", [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_journalentry WHERE id = %s", [entry.pk])


@postgres_only
def test_unbalanced_posted_entry_written_around_the_service_is_refused(books, account):
    immediate()
    with pytest.raises(DatabaseError), transaction.atomic():
        with scopes_disabled():
            entry = JournalEntry.objects.create(cooperative=books, date=D(2026, 1, 5), book_year=2026, description="x")
            JournalLine.objects.create(cooperative=books, entry=entry, account=account("1-101"), debit=1000, date=entry.date)
            JournalLine.objects.create(cooperative=books, entry=entry, account=account("3-103"), credit=900, date=entry.date)
            JournalEntry.objects.filter(pk=entry.pk).update(state="posted", number="JU-2026-999999", posted_at=timezone.now())


@postgres_only
def test_lines_cannot_be_added_to_a_posted_entry(post, books, account):
    entry = post(D(2026, 1, 5), [("1-101", 1000, 0), ("3-103", 0, 1000)])
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalLine.objects.with_scopes_disabled().create(cooperative=books, entry=entry, account=account("1-101"), debit=1, date=entry.date)


@postgres_only
def test_posting_into_a_closed_year_is_refused_by_the_database(post, books, account):
    post(D(2025, 6, 1), [("1-101", 1000, 0), ("4-901", 0, 1000)])
    with scope(cooperative=books):
        BookYear.objects.filter(year=2025).update(state="closed")
    with pytest.raises(DatabaseError), transaction.atomic():
        with scopes_disabled():
            entry = JournalEntry.objects.create(cooperative=books, date=D(2025, 7, 1), book_year=2025, description="x")
            JournalLine.objects.create(cooperative=books, entry=entry, account=account("1-101"), debit=5, date=entry.date)
            JournalLine.objects.create(cooperative=books, entry=entry, account=account("4-901"), credit=5, date=entry.date)
            JournalEntry.objects.filter(pk=entry.pk).update(state="posted", number="JU-2025-999999", posted_at=timezone.now())


@postgres_only
def test_a_line_cannot_use_another_cooperatives_account(books, other_cooperative):
    services.chart_apply_template(cooperative=other_cooperative)
    with scopes_disabled():
        from ledger.models import Account

        theirs = Account.objects.get(cooperative=other_cooperative, code="1-101")
        entry = JournalEntry.objects.create(cooperative=books, date=D(2026, 1, 5), book_year=2026, description="x")
        with pytest.raises(DatabaseError), transaction.atomic():
            JournalLine.objects.create(cooperative=books, entry=entry, account=theirs, debit=5, date=entry.date)
