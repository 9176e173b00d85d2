"""Many bookkeepers at once (issue 3, items 4 and 12): threads, each on its own database
connection, post and reverse entries in ONE cooperative at the same time. Afterwards every entry
balances, numbers are gapless and unique per journal and book year, nothing is reversed twice,
and the per-month rollup equals the recomputation from the lines.

The services take their locks in one order (entry being reversed → book year → journal counter →
balance rows by account id), so nothing here retries: a deadlock or serialization error fails the
test.

PostgreSQL runs the full test (row locks, READ COMMITTED, the deferred balance trigger). SQLite
serialises writers (transaction_mode IMMEDIATE, busy timeout); the smaller SQLite test runs its
threads against a file copy of the test database, because the in-memory test database is a
shared cache whose table locks fail at once instead of waiting for the busy timeout.
"""

import datetime
import random
import sqlite3
import threading
import time
from collections import Counter as Tally, defaultdict
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from ledger import selectors, services
from ledger.models import Account, AccountKind, BookYear, EntryKind, EntryState, JournalEntry
from ledger.verify import verify_books

D = datetime.date
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and triggers are PostgreSQL's; see the SQLite test below")
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite variant of the threaded test")


def _random_lines(rng, accounts):
    """2–4 balanced lines in whole Rupiah over distinct random accounts."""
    chosen = rng.sample(accounts, rng.randint(2, 4))
    debit_side = chosen[: max(1, len(chosen) // 2)]
    credit_side = chosen[len(debit_side):]
    debits = [Decimal(rng.randint(1, 500) * 1000) for _ in debit_side]
    total = sum(debits)
    credits = []
    for i, _account in enumerate(credit_side):
        if i == len(credit_side) - 1:
            credits.append(total - sum(credits))
        else:
            credits.append((total * Decimal(rng.randint(20, 60)) / 100 / len(credit_side)).quantize(Decimal("1")))
    return ([{"account": a, "debit": d, "credit": "0"} for a, d in zip(debit_side, debits)]
            + [{"account": a, "debit": "0", "credit": c} for a, c in zip(credit_side, credits)])


def _run_threads(target, n):
    barrier = threading.Barrier(n)
    errors = []

    def run(index):
        try:
            barrier.wait(timeout=30)
            target(index)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(f"thread {index}: {exc.__class__.__name__}: {exc}")
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return errors


def _post_and_reverse_at_once(cooperative, user, *, threads, per_thread, today):
    """Each thread posts `per_thread` entries and, after every second one, reverses an entry
    another thread posted. Returns (posted by thread, reversals tried and refused, errors)."""
    with scope(cooperative=cooperative):
        # savings control accounts are moved only by the savings module
        codes = sorted(Account.objects.filter(is_postable=True).exclude(purpose__startswith="savings_").values_list("code", flat=True))
    posted = defaultdict(list)  # thread → [entry pk]
    shared = []  # (thread, entry pk), appended after the entry's transaction committed
    shared_lock = threading.Lock()
    refused = Tally()

    def work(index):
        rng = random.Random(index)
        for n in range(per_thread):
            # dates in the previous and the current book year: reversals of last year's entries
            # take this year's counter while other threads hold last year's
            day = today - datetime.timedelta(days=rng.randint(0, 400))
            journal = "JP" if rng.random() < 0.2 else "JU"
            entry = services.entry_post(actor=user, cooperative=cooperative, date=day, journal_type=journal,
                                        description=f"Thread {index} entry {n}", lines=_random_lines(rng, codes))
            posted[index].append(entry.pk)
            with shared_lock:
                shared.append((index, entry.pk))
                others = [pk for thread, pk in shared if thread != index]
            if n % 2 and others:
                refused["attempts"] += 1
                with scope(cooperative=cooperative):
                    target = JournalEntry.objects.get(pk=rng.choice(others))
                try:
                    services.entry_reverse(actor=user, entry=target, date=today)
                except ValidationError as exc:  # another thread reversed it first: the only refusal expected
                    refused[" ".join(exc.messages)[-20:]] += 1

    errors = _run_threads(work, threads)
    return posted, refused, errors


def _assert_books_whole(cooperative, *, expected_originals, today):
    with scope(cooperative=cooperative):
        entries = list(JournalEntry.objects.filter(state=EntryState.POSTED))
        assert sum(1 for e in entries if e.kind == EntryKind.REGULAR) == expected_originals
        # numbers unique and gapless per journal and book year
        by_series = defaultdict(list)
        for e in entries:
            journal, year, sequence = e.number.rsplit("-", 2)
            assert journal == e.journal_type and int(year) == e.book_year
            by_series[(journal, year)].append(int(sequence))
        for series, sequences in by_series.items():
            assert sorted(sequences) == list(range(1, len(sequences) + 1)), series
        # nothing reversed twice, reversals only of regular entries
        reversed_ids = [e.reverses_id for e in entries if e.kind == EntryKind.REVERSAL]
        assert len(reversed_ids) == len(set(reversed_ids))
        kinds = {e.pk: e.kind for e in entries}
        assert all(kinds[pk] == EntryKind.REGULAR for pk in reversed_ids)
    # every entry balances, the rollup equals the lines, numbering has no gaps
    assert verify_books(cooperative=cooperative) == []
    rollup = selectors.trial_balance(cooperative=cooperative, as_of=today)
    recomputed = selectors.trial_balance(cooperative=cooperative, as_of=today, from_lines=True)
    assert [(r.account.code, r.debit, r.credit) for r in rollup.rows] == [(r.account.code, r.debit, r.credit) for r in recomputed.rows]
    assert rollup.balanced and rollup.total_debit > 0
    return reversed_ids


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_many_threads_posting_and_reversing_at_once(books, bookkeeper):
    today = timezone.localdate()
    threads, per_thread = 10, 20
    posted, refused, errors = _post_and_reverse_at_once(books, bookkeeper, threads=threads, per_thread=per_thread, today=today)
    assert errors == []  # no deadlock, no serialization failure, no integrity error
    assert sum(len(v) for v in posted.values()) == threads * per_thread
    reversed_ids = _assert_books_whole(books, expected_originals=threads * per_thread, today=today)
    attempts = refused.pop("attempts")
    assert len(reversed_ids) + sum(refused.values()) == attempts
    assert len(reversed_ids) > threads  # the threads really did reverse each other's entries


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_close_waits_for_a_posting_into_the_year_and_closes_it_too(books, bookkeeper, make_user):
    """Without the book-year row lock the close would not see the posting still in flight and
    the closed year would keep income outside SHU tahun berjalan."""
    manager = make_user(books, "manager")
    year = timezone.localdate().year - 1
    services.entry_post(actor=bookkeeper, cooperative=books, date=D(year, 3, 1), description="Jasa pinjaman",
                        lines=[{"account": "1-101", "debit": "100000"}, {"account": "4-101", "credit": "100000"}])
    posting_started = threading.Event()
    order = []

    def work(index):
        if index == 0:  # the bookkeeper posts and takes a moment to commit
            with transaction.atomic():
                services.entry_post(actor=bookkeeper, cooperative=books, date=D(year, 12, 30), description="Jasa pinjaman Desember",
                                    lines=[{"account": "1-101", "debit": "40000"}, {"account": "4-101", "credit": "40000"}])
                posting_started.set()
                time.sleep(1.0)
                order.append("posted")
        else:  # the manager closes the year meanwhile
            assert posting_started.wait(timeout=30)
            services.book_year_close(actor=manager, cooperative=books, year=year, require_prepared=False)
            order.append("closed")

    assert _run_threads(work, 2) == []
    assert order == ["posted", "closed"]
    totals = selectors.account_totals(cooperative=books, as_of=D(year, 12, 31))
    with scope(cooperative=books):
        assert BookYear.objects.get(year=year).is_closed
        shu = Account.objects.get(purpose="shu_current_year")
        for account in Account.objects.filter(kind__in=[AccountKind.INCOME, AccountKind.EXPENSE]):
            d, c = totals.get(account.pk, (0, 0))
            assert d == c, f"{account.code} still has a balance after the close"
    assert totals[shu.pk][1] - totals[shu.pk][0] == Decimal("140000")
    assert verify_books(cooperative=books) == []


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_posting_that_waited_for_a_close_is_refused(books, bookkeeper, make_user):
    manager = make_user(books, "manager")
    year = timezone.localdate().year - 1
    services.entry_post(actor=bookkeeper, cooperative=books, date=D(year, 3, 1), description="Jasa pinjaman",
                        lines=[{"account": "1-101", "debit": "100000"}, {"account": "4-101", "credit": "100000"}])
    closing_started = threading.Event()
    outcome = []

    def work(index):
        if index == 0:
            with transaction.atomic():
                services.book_year_close(actor=manager, cooperative=books, year=year, require_prepared=False)
                closing_started.set()
                time.sleep(1.0)
        else:
            assert closing_started.wait(timeout=30)
            try:
                services.entry_post(actor=bookkeeper, cooperative=books, date=D(year, 12, 30), description="Terlambat",
                                    lines=[{"account": "1-101", "debit": "40000"}, {"account": "4-101", "credit": "40000"}])
                outcome.append("posted")
            except ValidationError as exc:
                outcome.append(exc.message_dict["date"][0])

    assert _run_threads(work, 2) == []
    assert len(outcome) == 1 and outcome[0] != "posted" and str(year) in outcome[0]
    assert verify_books(cooperative=books) == []


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_threads_posting_and_reversing_on_sqlite(books, bookkeeper, tmp_path):
    """SQLite takes the write lock at BEGIN (IMMEDIATE) and waits up to the busy timeout, so
    writers queue instead of deadlocking. The threads write to a file copy of the test database
    (see the module docstring); the result is copied back for the checks."""
    path = tmp_path / "threads.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)
    settings_dict = connections.settings["default"]
    saved = settings_dict["NAME"]
    settings_dict["NAME"] = str(path)
    try:
        today = timezone.localdate()
        posted, refused, errors = _post_and_reverse_at_once(books, bookkeeper, threads=4, per_thread=8, today=today)
    finally:
        settings_dict["NAME"] = saved
    assert errors == []
    with sqlite3.connect(path) as copy:
        copy.backup(connection.connection)
    with scopes_disabled():
        assert JournalEntry.objects.count() > 32
    reversed_ids = _assert_books_whole(books, expected_originals=32, today=today)
    attempts = refused.pop("attempts")
    assert len(reversed_ids) + sum(refused.values()) == attempts and attempts > 8
