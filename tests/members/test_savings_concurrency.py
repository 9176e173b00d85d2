"""Savings under concurrency (issue 4, item 3): two withdrawals of one member's sukarela at the
same moment can never take the balance below zero — one of them is refused — and a wajib month
is paid once even when two cashiers record it at the same moment.

PostgreSQL only: the guarantee is the balance row lock (SELECT … FOR UPDATE) taken by
members.savings before it checks the balance, under READ COMMITTED. SQLite runs one writer at a
time anyway (transaction_mode IMMEDIATE), so there is nothing to race there.
"""

import datetime
import threading
import time
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django_scopes import scope
from rest_framework.test import APIClient

from members import savings
from members.models import SavingsBalance, SavingsTransaction
from members.reconcile import savings_reconcile
from tests.factories import MemberFactory

D = datetime.date
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks under READ COMMITTED are PostgreSQL's")


def run_threads(target, n):
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def run(index):
        try:
            barrier.wait(timeout=30)
            results[index] = target(index)
        except ValidationError as exc:
            results[index] = exc
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(f"thread {index}: {exc.__class__.__name__}: {exc}")
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return results, errors


def sukarela(member):
    with scope(cooperative=member.cooperative):
        return SavingsBalance.objects.get(member=member, savings_type="sukarela").balance


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_withdrawals_at_the_same_moment_one_is_refused(ksp, manager, member):
    savings.savings_deposit(actor=manager, member=member, savings_type="sukarela", amount="50000", date=D(2024, 3, 1))
    first_holds_the_lock = threading.Event()

    def withdraw(index):
        if index == 0:  # takes the row lock and keeps its transaction open a moment
            with transaction.atomic():
                txn = savings.savings_withdraw(actor=manager, member=member, savings_type="sukarela", amount="30000", date=D(2024, 3, 2))
                first_holds_the_lock.set()
                time.sleep(0.8)
            return txn
        assert first_holds_the_lock.wait(timeout=30)
        return savings.savings_withdraw(actor=manager, member=member, savings_type="sukarela", amount="30000", date=D(2024, 3, 2))

    results, errors = run_threads(withdraw, 2)
    assert errors == []
    assert isinstance(results[0], SavingsTransaction)
    assert isinstance(results[1], ValidationError) and "amount" in results[1].message_dict  # saw 20.000 after the wait
    assert sukarela(member) == Decimal("20000")
    assert savings_reconcile(cooperative=ksp) == []


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_many_withdrawals_at_once_never_below_zero(ksp, manager, member):
    savings.savings_deposit(actor=manager, member=member, savings_type="sukarela", amount="50000", date=D(2024, 3, 1))

    def withdraw(index):
        return savings.savings_withdraw(actor=manager, member=member, savings_type="sukarela", amount="10000", date=D(2024, 3, 2))

    results, errors = run_threads(withdraw, 8)
    assert errors == []  # no deadlock, no integrity error
    done = [r for r in results if isinstance(r, SavingsTransaction)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(done) == 5 and len(refused) == 3
    assert sorted(t.balance_after for t in done) == [Decimal(n) for n in (0, 10000, 20000, 30000, 40000)]
    assert sukarela(member) == 0 and savings_reconcile(cooperative=ksp) == []


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_api_withdrawals_at_once(ksp, manager, member):
    savings.savings_deposit(actor=manager, member=member, savings_type="sukarela", amount="50000", date=D(2024, 3, 1))

    def withdraw(index):
        client = APIClient()
        client.force_authenticate(manager)
        response = client.post(f"/api/v1/c/{ksp.slug}/savings/transactions/", {
            "member": member.number, "type": "sukarela", "direction": "withdrawal", "amount": "30000.00", "date": "2024-03-02",
        }, format="json", headers={"Idempotency-Key": str(uuid.uuid4())})
        return response.status_code

    results, errors = run_threads(withdraw, 2)
    assert errors == [] and sorted(results) == [201, 400]
    assert sukarela(member) == Decimal("20000")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_wajib_month_recorded_twice_at_once_is_paid_once(ksp, manager):
    members = MemberFactory.create_batch(3, cooperative=ksp, joined_on=D(2024, 1, 1))

    def record(index):
        if index == 0:  # at the counter
            return savings.savings_deposit(actor=manager, member=members[0], savings_type="wajib", amount="25000",
                                           date=D(2024, 3, 5), period=D(2024, 3, 1))
        return savings.wajib_collect(actor=manager, cooperative=ksp, members=members, period=D(2024, 3, 1), date=D(2024, 3, 5))

    results, errors = run_threads(record, 2)
    assert errors == []
    assert sum(isinstance(r, ValidationError) for r in results) == 1  # whichever came second
    with scope(cooperative=ksp):
        assert SavingsTransaction.objects.filter(member=members[0], period=D(2024, 3, 1)).count() == 1
    assert savings_reconcile(cooperative=ksp) == []
