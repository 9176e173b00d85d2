"""Concurrency and faults on PostgreSQL (issue 7, item 5).

1. 1,000 savings and journal postings from 20 threads through the API, each sent up to three
   times with the same Idempotency-Key — some retries at the same moment as the first attempt,
   some after its answer (a client that lost the response). Afterwards: every send answered 201
   with the same body, exactly one send per key did the work, nothing was posted twice or lost
   (counts, every member's balance and every account's totals equal what the client asked
   for), every entry balances, journal and receipt numbers are gapless per cooperative and year
   and equal their counters, and the members' balances reconcile with the control accounts.
2. A posting interrupted inside its transaction — its connection killed with
   pg_terminate_backend from another connection, or an exception raised — leaves nothing behind:
   no entry, no line, no counter moved, no balance changed, no key, no audit event; the retry
   with the same key then posts once with the next number (also when that retry was already
   waiting on the first attempt's key when the connection died).

PostgreSQL only: the guarantees are row locks and a unique index under READ COMMITTED, and
pg_terminate_backend. SQLite runs one writer at a time (see tests/ledger/test_concurrency.py).
"""

import datetime
import queue
import random
import threading
import time
import traceback
import uuid
from collections import Counter as Tally, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.db.models.signals import post_save
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from rest_framework.test import APIClient

from city.figures import rebuild_figures
from city.models import CooperativeYearFigures
from cooperatives.models import Counter
from ledger import selectors, services as ledger_services
from ledger.models import Account, AccountBalance, JournalEntry, JournalLine
from ledger.verify import verify_books
from members import savings
from members.models import SavingsBalance, SavingsTransaction
from members.reconcile import savings_reconcile
from portal.models import AuditEvent, IdempotencyKey
from tests.factories import CooperativeFactory, MemberFactory, RoleAssignmentFactory, UserFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks, unique-index waits and pg_terminate_backend are PostgreSQL's; SQLite runs one writer at a time"),
    pytest.mark.django_db(transaction=True),
]

THREADS = 20
OPERATIONS = 1000
COOPERATIVES = 2
MEMBERS_PER_COOPERATIVE = 12
OPENING_SUKARELA = Decimal("10000000")


# --- the books and the people --------------------------------------------------------------------

@dataclass
class Books:
    cooperative: object
    bookkeeper: object
    members: list
    codes: list  # postable accounts a bookkeeper may post to (not the savings control accounts)
    cash: str
    control: dict  # savings type → control account code


def _books(today) -> Books:
    # founded two years ago: the city figures refreshed after every posting span three book years
    cooperative = CooperativeFactory(founded_on=datetime.date(today.year - 2, 1, 1))
    ledger_services.chart_apply_template(cooperative=cooperative)
    bookkeeper = UserFactory()
    RoleAssignmentFactory(cooperative=cooperative, user=bookkeeper, role="bookkeeper")
    members = MemberFactory.create_batch(MEMBERS_PER_COOPERATIVE, cooperative=cooperative, joined_on=datetime.date(today.year - 2, 1, 1))
    with scope(cooperative=cooperative):
        accounts = list(Account.objects.filter(is_postable=True, is_active=True))
    controlled = set(ledger_services._controlled_purposes)
    codes = sorted(a.code for a in accounts if a.purpose not in controlled)
    by_purpose = {a.purpose: a.code for a in accounts if a.purpose}
    return Books(cooperative, bookkeeper, members, codes, by_purpose["cash"],
                 {"pokok": by_purpose["savings_pokok"], "wajib": by_purpose["savings_wajib"], "sukarela": by_purpose["savings_sukarela"]})


def _client(user, raise_request_exception=False):
    # False: Django's test client learns of a crashed request through a process-wide signal, so
    # with True one thread's crash would be raised again in every other thread's client.
    client = APIClient(raise_request_exception=raise_request_exception)
    client.force_authenticate(user)
    return client


# --- the operations ------------------------------------------------------------------------------

@dataclass
class Operation:
    key: str
    books: Books
    url: str
    body: dict
    effects: list  # (account code, debit, credit) the posting must add to the books
    member: object = None
    savings_type: str = ""
    delta: Decimal = Decimal("0")  # change of the member's balance of savings_type
    sends: int = 1
    concurrent: bool = False  # the second send goes at the same moment as the first
    answers: list = field(default_factory=list)  # (started, finished, status, body, replayed)


def _random_lines(rng, codes):
    chosen = rng.sample(codes, rng.randint(2, 4))
    debit_side, credit_side = chosen[: max(1, len(chosen) // 2)], chosen[max(1, len(chosen) // 2):]
    debits = [Decimal(rng.randint(1, 900) * 1000) for _ in debit_side]
    total = sum(debits)
    credits = [(total / len(credit_side)).quantize(Decimal("1")) for _ in credit_side[:-1]]
    credits.append(total - sum(credits))
    return [(a, d, Decimal("0")) for a, d in zip(debit_side, debits)] + [(a, Decimal("0"), c) for a, c in zip(credit_side, credits)]


def _operations(rng, all_books, today) -> list[Operation]:
    first_day = datetime.date(today.year - 1, 1, 1)
    span = (today - first_day).days
    # each (member, month) of wajib is paid once: draw the months without putting them back
    wajib_months = {
        id(b): [(m, datetime.date(y, mo, 1)) for m in b.members for y in (today.year - 1, today.year) for mo in range(1, 13)
                if datetime.date(y, mo, 1) <= today]
        for b in all_books
    }
    for months in wajib_months.values():
        rng.shuffle(months)
    ops = []
    for n in range(OPERATIONS):
        books = all_books[n % len(all_books)]
        day = first_day + datetime.timedelta(days=rng.randint(0, span))
        slug = books.cooperative.slug
        roll = rng.random()
        if roll < 0.5:
            lines = _random_lines(rng, books.codes)
            op = Operation(f"op-{n}-{uuid.uuid4()}", books, f"/api/v1/c/{slug}/ledger/entries/", {
                "date": day.isoformat(), "description": f"Operation {n}", "journal_type": "JP" if rng.random() < 0.2 else "JU",
                "lines": [{"account": a, "debit": str(d), "credit": str(c)} for a, d, c in lines],
            }, effects=lines)
        else:
            if roll < 0.62 and wajib_months[id(books)]:
                member, period = wajib_months[id(books)].pop()
                day = max(day, period)  # paid in the month or later
                kind, direction, amount = "wajib", "deposit", Decimal("25000")
                extra = {"period": period.strftime("%Y-%m")}
            elif roll < 0.85:
                member = rng.choice(books.members)
                kind, direction, amount, extra = "sukarela", "deposit", Decimal(rng.randint(10, 500) * 1000), {}
            else:  # small enough never to be refused: the members start with 10 million
                member = rng.choice(books.members)
                kind, direction, amount, extra = "sukarela", "withdrawal", Decimal(rng.randint(10, 100) * 1000), {}
            if direction == "deposit":
                effects = [(books.cash, amount, Decimal("0")), (books.control[kind], Decimal("0"), amount)]
            else:
                effects = [(books.control[kind], amount, Decimal("0")), (books.cash, Decimal("0"), amount)]
            op = Operation(f"op-{n}-{uuid.uuid4()}", books, f"/api/v1/c/{slug}/savings/transactions/", {
                "member": member.number, "type": kind, "direction": direction, "amount": f"{amount}.00",
                "date": day.isoformat(), **extra,
            }, effects=effects, member=member, savings_type=kind, delta=amount if direction == "deposit" else -amount)
        op.sends = rng.choices([1, 2, 3], weights=[45, 30, 25])[0]
        op.concurrent = op.sends > 1 and rng.random() < 0.6
        ops.append(op)
    return ops


def _send(op: Operation):
    started = time.monotonic()
    response = _client(op.books.bookkeeper).post(op.url, op.body, format="json", headers={"Idempotency-Key": op.key})
    body = response.json()
    op.answers.append((started, time.monotonic(), response.status_code, body, response.headers.get("Idempotent-Replayed") == "true"))


def _run(ops):
    """20 threads take sends from one queue. A concurrent op puts its first two sends next to
    each other in the queue, so two threads send them at the same moment; a later retry is sent
    by the thread that got the first answer, right after it."""
    jobs = queue.Queue()
    for op in ops:
        if op.concurrent:
            jobs.put((op, True))
            jobs.put((op, False))
        else:
            jobs.put((op, True))
    errors = []

    def work():
        try:
            while True:
                try:
                    op, leader = jobs.get_nowait()
                except queue.Empty:
                    return
                _send(op)
                if leader:  # the retries that come after an answer (a client that lost it)
                    for _ in range(op.sends - (2 if op.concurrent else 1)):
                        _send(op)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(f"{exc.__class__.__name__}: {exc}")
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return errors


def _numbers_gapless(numbers) -> dict:
    """{(prefix, year): count} after asserting each series is exactly 1..count."""
    series = defaultdict(list)
    for number in numbers:
        prefix, year, sequence = number.rsplit("-", 2)
        series[(prefix, int(year))].append(int(sequence))
    for key, sequences in series.items():
        assert sorted(sequences) == list(range(1, len(sequences) + 1)), f"{key}: gaps or duplicates"
    return {key: len(sequences) for key, sequences in series.items()}


def _city_figures(cooperative) -> list:
    """The city's per-year figures of the cooperative as stored (when they were refreshed aside)."""
    fields = [f.attname for f in CooperativeYearFigures._meta.concrete_fields if f.name not in ("id", "refreshed_at")]
    with scopes_disabled():
        return list(CooperativeYearFigures.objects.filter(cooperative=cooperative).order_by("book_year").values_list(*fields))


def _counters(cooperative) -> dict:
    with scope(cooperative=cooperative):
        return dict(Counter.objects.values_list("name", "value"))


def test_a_thousand_postings_from_twenty_threads_with_retries():
    today = timezone.localdate()
    rng = random.Random(20261128)
    all_books = [_books(today) for _ in range(COOPERATIVES)]
    # every member starts with sukarela savings, posted the ordinary way
    expected_totals = {id(b): defaultdict(lambda: [Decimal("0"), Decimal("0")]) for b in all_books}
    expected_balances = defaultdict(lambda: Decimal("0"))
    for books in all_books:
        for member in books.members:
            savings.savings_deposit(actor=books.bookkeeper, member=member, savings_type="sukarela", amount=OPENING_SUKARELA,
                                    date=datetime.date(today.year - 1, 1, 1))
            expected_balances[(member.pk, "sukarela")] += OPENING_SUKARELA
            expected_totals[id(books)][books.cash][0] += OPENING_SUKARELA
            expected_totals[id(books)][books.control["sukarela"]][1] += OPENING_SUKARELA
    ops = _operations(rng, all_books, today)
    rebuild_figures(cooperatives=[b.cooperative for b in all_books])  # the factories bypassed the services that keep them

    errors = _run(ops)
    assert errors == []

    # every send answered 201; per key one send did the work, the others replayed the same body
    statuses = Tally(status for op in ops for _s, _f, status, _b, _r in op.answers)
    assert statuses == {201: sum(op.sends for op in ops)}, statuses
    for op in ops:
        assert len(op.answers) == op.sends
        assert len({repr(body) for _s, _f, _st, body, _r in op.answers}) == 1, op.key
        assert sum(1 for *_rest, replayed in op.answers if not replayed) == 1, op.key
    # the test really raced: many keys had a retry in flight while the first attempt was
    overlapping = sum(1 for op in ops if op.concurrent and op.answers[1][0] < op.answers[0][1])
    assert overlapping > 50, overlapping
    assert sum(op.sends for op in ops) > 1.5 * OPERATIONS

    for books in all_books:
        coop = books.cooperative
        mine = [op for op in ops if op.books is books]
        journal_ops = [op for op in mine if op.member is None]
        savings_ops = [op for op in mine if op.member is not None]
        for op in mine:
            for account, debit, credit in op.effects:
                expected_totals[id(books)][account][0] += debit
                expected_totals[id(books)][account][1] += credit
            if op.member is not None:
                expected_balances[(op.member.pk, op.savings_type)] += op.delta
        with scope(cooperative=coop):
            entries = {e.number: e for e in JournalEntry.objects.all()}
            # no duplicate and nothing lost: exactly one entry per operation (and per opening deposit)
            assert len(entries) == len(mine) + len(books.members)
            assert SavingsTransaction.objects.count() == len(savings_ops) + len(books.members)
            assert IdempotencyKey.objects.count() == len(mine)
            # and one audit event per posting, none for a replay
            audited = Tally(AuditEvent.objects.values_list("action", flat=True))
            assert audited["ledger.entry_post"] == len(entries)
            assert audited["savings.deposit"] + audited["savings.withdraw"] == len(savings_ops) + len(books.members)
            # each journal answer names the entry that holds exactly the lines asked for
            lines = defaultdict(list)
            for number, code, debit, credit in JournalLine.objects.values_list("entry__number", "account__code", "debit", "credit"):
                lines[number].append((code, debit, credit))
            for op in journal_ops:
                number = op.answers[0][3]["number"]
                assert sorted(lines[number]) == sorted(op.effects), number
                assert entries[number].description == op.body["description"]
            for op in savings_ops:
                body = op.answers[0][3]
                assert body["member"] == op.member.number and Decimal(body["amount"]) == abs(op.delta)
                assert sorted(lines[body["journal_entry"]]) == sorted(op.effects)
            # journal and receipt numbers gapless per cooperative and year, and equal to their counters
            journal_series = _numbers_gapless(entries)
            receipts = _numbers_gapless(SavingsTransaction.objects.values_list("number", flat=True))
            counters = _counters(coop)
            for (journal, year), count in journal_series.items():
                assert counters[f"journal:{journal}:{year}"] == count
            for (_prefix, year), count in receipts.items():
                assert counters[f"savings:{year}"] == count
            assert {y for _j, y in journal_series} == {today.year - 1, today.year}
            # no lost update: every member's balance is what the client asked for
            for row in SavingsBalance.objects.all():
                assert row.balance == expected_balances[(row.member_id, row.savings_type)], (row.member_id, row.savings_type)
        # every entry balances, the rollup equals the lines, numbering gapless; subsidiary = control
        assert verify_books(cooperative=coop) == []
        assert savings_reconcile(cooperative=coop) == []
        with scope(cooperative=coop):
            codes = dict(Account.objects.values_list("pk", "code"))
            totals = selectors.account_totals(cooperative=coop, as_of=today)
        assert {codes[pk]: [d, c] for pk, (d, c) in totals.items() if d or c} == {
            code: dc for code, dc in expected_totals[id(books)].items() if dc[0] or dc[1]}
        # the city's figures, refreshed after each posting's commit, are those of the final books
        incremental = _city_figures(coop)
        rebuild_figures(cooperatives=[coop])
        assert incremental and _city_figures(coop) == incremental


# --- interrupted postings ------------------------------------------------------------------------

class Interruption:
    """Stops the posting of one thread inside its transaction, after everything is written but
    before it commits: at the journal entry getting its number (journal postings) or at the
    savings transaction being recorded (savings postings). `kill` waits there until the test
    terminated the connection; `raise` raises."""

    def __init__(self, model, mode):
        self.model, self.mode = model, mode
        self.victim = "interrupted-posting"  # the name of the thread to stop
        self.pid = None
        self.paused, self.release = threading.Event(), threading.Event()

    def __enter__(self):
        post_save.connect(self.handler, sender=self.model, weak=False)
        return self

    def __exit__(self, *exc):
        post_save.disconnect(self.handler, sender=self.model)
        self.release.set()

    def handler(self, sender, instance, created=False, update_fields=None, **kwargs):
        if threading.current_thread().name != self.victim:
            return
        if sender is JournalEntry and not (update_fields and "number" in update_fields):
            return
        if self.mode == "raise":
            raise RuntimeError("interrupted inside the transaction")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.pid = cursor.fetchone()[0]
        self.paused.set()
        assert self.release.wait(timeout=60)


def _everything(cooperative) -> dict:
    """What a posting could leave behind, counted."""
    with scopes_disabled():
        scoped = {"cooperative": cooperative}
        return {
            "entries": JournalEntry.objects.filter(**scoped).count(),
            "lines": JournalLine.objects.filter(**scoped).count(),
            "savings": SavingsTransaction.objects.filter(**scoped).count(),
            "keys": IdempotencyKey.objects.filter(**scoped).count(),
            "audit": AuditEvent.objects.filter(**scoped).count(),
            "counters": dict(Counter.objects.filter(**scoped).values_list("name", "value")),
            "balances": sorted(SavingsBalance.objects.filter(**scoped).values_list("member_id", "savings_type", "balance")),
            "rollup": sorted(AccountBalance.objects.filter(**scoped).values_list("account_id", "year", "period", "debit_total", "credit_total")),
        }


def _in_thread(target, name=None):
    outcome = {}

    def run():
        try:
            outcome["result"] = target()
        except BaseException as exc:  # noqa: BLE001 - inspected by the test
            outcome["error"] = exc
            outcome["traceback"] = traceback.format_exc()
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread, outcome


def _wait_for(condition, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def _waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
        return cursor.fetchone()[0]


def _backend_gone(pid) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] == 0


@pytest.fixture
def ready():
    today = timezone.localdate()
    books = _books(today)
    member = books.members[0]
    # one posting of each kind first, so the counters and balance rows exist and a gap would show
    savings.savings_deposit(actor=books.bookkeeper, member=member, savings_type="sukarela", amount="500000", date=today)
    ledger_services.entry_post(actor=books.bookkeeper, cooperative=books.cooperative, date=today, description="Biaya listrik",
                               lines=[{"account": books.codes[-1], "debit": "75000"}, {"account": books.cash, "credit": "75000"}])
    return books, member, today


def _request(books, member, today, kind):
    if kind == "journal":
        return JournalEntry, f"/api/v1/c/{books.cooperative.slug}/ledger/entries/", {
            "date": today.isoformat(), "description": "Biaya air", "lines": [
                {"account": books.codes[-1], "debit": "40000.00", "credit": "0"}, {"account": books.cash, "debit": "0", "credit": "40000.00"}]}
    return SavingsTransaction, f"/api/v1/c/{books.cooperative.slug}/savings/transactions/", {
        "member": member.number, "type": "sukarela", "direction": "withdrawal", "amount": "120000.00", "date": today.isoformat()}


def _post(books, url, body, key, raise_request_exception=False):
    return _client(books.bookkeeper, raise_request_exception).post(url, body, format="json", headers={"Idempotency-Key": key})


def _assert_posted_once_with_the_next_numbers(books, member, before, response, kind, today):
    assert response.status_code == 201, response.content
    body = response.json()
    after = _everything(books.cooperative)
    assert after["entries"] == before["entries"] + 1 and after["keys"] == before["keys"] + 1
    if kind == "journal":
        # the ready fixture posted JU-…-000001 (a deposit) and 000002; the interrupted attempt's number was given back
        assert body["number"] == f"JU-{today.year}-000003"
    else:
        assert body["number"] == f"SMP-{today.year}-000002" and body["journal_entry"] == f"JU-{today.year}-000003"
        assert Decimal(body["balance_after"]) == Decimal("380000")
    assert verify_books(cooperative=books.cooperative) == []
    assert savings_reconcile(cooperative=books.cooperative) == []
    moved = {name: value - before["counters"].get(name, 0) for name, value in after["counters"].items()}
    wanted = {f"journal:JU:{today.year}": 1, **({f"savings:{today.year}": 1} if kind == "savings" else {})}
    assert {name: n for name, n in moved.items() if n} == wanted


@pytest.mark.parametrize("kind", ["journal", "savings"])
def test_a_posting_whose_connection_is_killed_leaves_nothing_and_its_retry_posts_once(ready, kind):
    books, member, today = ready
    model, url, body = _request(books, member, today, kind)
    key = str(uuid.uuid4())
    before = _everything(books.cooperative)
    with Interruption(model, "kill") as stop:
        victim, outcome = _in_thread(lambda: _post(books, url, body, key), name=stop.victim)
        assert stop.paused.wait(timeout=30), "the posting never reached its pause"
        # a retry with the same key sent now waits on the first attempt's key
        retry, retried = _in_thread(lambda: _post(books, url, body, key))
        assert _wait_for(lambda: _waiting_on_a_lock() >= 1), "the retry did not wait for the first attempt"
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [stop.pid])
            assert cursor.fetchone()[0] is True
        assert _wait_for(lambda: _backend_gone(stop.pid))
        stop.release.set()
        victim.join(timeout=30)
        retry.join(timeout=30)
    assert not victim.is_alive() and not retry.is_alive()
    assert outcome["result"].status_code == 500  # the first attempt died with its connection
    assert "error" not in retried, retried.get("traceback")
    # the waiting retry did the work itself, once, with the number the killed attempt gave back
    assert retried["result"].headers.get("Idempotent-Replayed") is None
    _assert_posted_once_with_the_next_numbers(books, member, before, retried["result"], kind, today)
    # a third send replays
    again = _post(books, url, body, key)
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == retried["result"].json()
    assert _everything(books.cooperative)["entries"] == before["entries"] + 1


@pytest.mark.parametrize("kind", ["journal", "savings"])
def test_a_posting_killed_alone_leaves_exactly_what_was_there(ready, kind):
    books, member, today = ready
    model, url, body = _request(books, member, today, kind)
    key = str(uuid.uuid4())
    before = _everything(books.cooperative)
    with Interruption(model, "kill") as stop:
        victim, outcome = _in_thread(lambda: _post(books, url, body, key), name=stop.victim)
        assert stop.paused.wait(timeout=30), "the posting never reached its pause"
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [stop.pid])
        assert _wait_for(lambda: _backend_gone(stop.pid))
        stop.release.set()
        victim.join(timeout=30)
    assert outcome["result"].status_code == 500
    # nothing behind: no entry, no line, no receipt, no key, no audit event, counters and
    # balances (members' and the rollup's) exactly as before
    assert _everything(books.cooperative) == before
    response = _post(books, url, body, key)
    _assert_posted_once_with_the_next_numbers(books, member, before, response, kind, today)


@pytest.mark.parametrize("kind", ["journal", "savings"])
def test_a_posting_that_raises_inside_leaves_exactly_what_was_there(ready, kind):
    books, member, today = ready
    model, url, body = _request(books, member, today, kind)
    key = str(uuid.uuid4())
    before = _everything(books.cooperative)
    with Interruption(model, "raise") as stop:
        stop.victim = threading.current_thread().name
        with pytest.raises(RuntimeError):
            _post(books, url, body, key, raise_request_exception=True)
    assert _everything(books.cooperative) == before
    response = _post(books, url, body, key)
    _assert_posted_once_with_the_next_numbers(books, member, before, response, kind, today)


# --- the city's figures, refreshed after each posting --------------------------------------------

def test_two_postings_whose_figure_refreshes_overlap_leave_the_figures_of_both(monkeypatch):
    """Each posting refreshes its cooperative's city figures after it commits, by reading the
    books and writing the figures. When a slow refresh (after the first posting) reads, a second
    posting commits and its refresh writes, and only then the slow one writes, the figures must
    still count both postings: refreshes of one cooperative take turns."""
    import city.figures

    today = timezone.localdate()
    books = _books(today)
    rebuild_figures(cooperatives=[books.cooperative])
    read_done, release = threading.Event(), threading.Event()
    original = city.figures._ledger_figures

    def slow_after_reading(rows, years):  # called with the books already read
        if threading.current_thread().name == "first-posting":
            read_done.set()
            release.wait(timeout=30)
        return original(rows, years)

    monkeypatch.setattr(city.figures, "_ledger_figures", slow_after_reading)

    def post(amount):
        ledger_services.entry_post(actor=books.bookkeeper, cooperative=books.cooperative, date=today, description="Biaya",
                                   lines=[{"account": books.codes[-1], "debit": amount}, {"account": books.cash, "credit": amount}])

    first, first_outcome = _in_thread(lambda: post("100000"), name="first-posting")
    assert read_done.wait(timeout=30), "the first refresh never read the books"
    second, second_outcome = _in_thread(lambda: post("50000"))
    second.join(timeout=3)  # done at once when refreshes do not take turns; waits for the first when they do
    release.set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert not first.is_alive() and not second.is_alive()
    assert "error" not in first_outcome and "error" not in second_outcome, first_outcome.get("traceback") or second_outcome.get("traceback")
    incremental = _city_figures(books.cooperative)
    rebuild_figures(cooperatives=[books.cooperative])
    assert _city_figures(books.cooperative) == incremental
