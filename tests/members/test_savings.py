import datetime
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_scopes import scope

from ledger import services as ledger_services
from ledger.verify import verify_books
from members import savings
from members.models import LeavingReason, Member, SavingsBalance, SavingsTransaction
from members.reconcile import savings_reconcile
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = timezone.localdate()


def balance(member, savings_type):
    with scope(cooperative=member.cooperative):
        row = SavingsBalance.objects.filter(member=member, savings_type=savings_type).first()
    return row.balance if row else Decimal("0")


def test_deposit_posts_a_balanced_entry_and_links_it(ksp, manager, member):
    txn = savings.savings_deposit(actor=manager, member=member, savings_type="pokok", amount="100000", date=D(2024, 1, 10))
    assert txn.number == "SMP-2024-000001" and txn.balance_after == Decimal("100000")
    with scope(cooperative=ksp):
        lines = {(l.account.code, l.debit, l.credit) for l in txn.journal_entry.lines.select_related("account")}
    assert lines == {("1-101", Decimal("100000"), 0), ("3-101", 0, Decimal("100000"))}
    assert savings_reconcile(cooperative=ksp) == [] and verify_books(cooperative=ksp) == []


def test_pokok_and_wajib_cannot_be_withdrawn(ksp, manager, member):
    savings.savings_deposit(actor=manager, member=member, savings_type="wajib", amount="25000", date=D(2024, 2, 1))
    for savings_type in ("pokok", "wajib"):
        with pytest.raises(ValidationError) as err:
            savings.savings_withdraw(actor=manager, member=member, savings_type=savings_type, amount="1000", date=D(2024, 3, 1))
        assert "savings_type" in err.value.message_dict


def test_sukarela_never_below_zero(ksp, manager, member):
    savings.savings_deposit(actor=manager, member=member, savings_type="sukarela", amount="50000", date=D(2024, 2, 1))
    with pytest.raises(ValidationError) as err:
        savings.savings_withdraw(actor=manager, member=member, savings_type="sukarela", amount="50000.01", date=D(2024, 3, 1))
    assert "Rp 50.000" in err.value.message_dict["amount"][0]
    savings.savings_withdraw(actor=manager, member=member, savings_type="sukarela", amount="50000", date=D(2024, 3, 1))
    assert balance(member, "sukarela") == 0
    assert savings_reconcile(cooperative=ksp) == []


def test_the_database_refuses_a_negative_balance(ksp, member):
    with pytest.raises(IntegrityError), transaction.atomic():
        SavingsBalance.objects.with_scopes_disabled().create(cooperative=ksp, member=member, savings_type="sukarela", balance=-1)


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "10.001", "", None, "1e30", "NaN"])
def test_bad_amounts(ksp, manager, member, amount):
    with pytest.raises(ValidationError) as err:
        savings.savings_deposit(actor=manager, member=member, savings_type="sukarela", amount=amount, date=D(2024, 2, 1))
    assert "amount" in err.value.message_dict
    with scope(cooperative=ksp):
        assert not SavingsTransaction.objects.exists()


def test_dates_in_the_future_before_joining_or_in_a_closed_year_are_refused(ksp, manager, member, make_user):
    for day in (timezone.localdate() + datetime.timedelta(days=1), D(2023, 12, 31)):
        with pytest.raises(ValidationError) as err:
            savings.savings_deposit(actor=manager, member=member, savings_type="sukarela", amount="1000", date=day)
        assert "date" in err.value.message_dict
    savings.savings_deposit(actor=manager, member=member, savings_type="sukarela", amount="1000", date=D(2024, 5, 1))
    ledger_services.book_year_close(actor=manager, cooperative=ksp, year=2024, require_prepared=False)
    with pytest.raises(ValidationError) as err:
        savings.savings_deposit(actor=manager, member=member, savings_type="sukarela", amount="1000", date=D(2024, 6, 1))
    assert "date" in err.value.message_dict
    assert balance(member, "sukarela") == Decimal("1000")


def test_control_accounts_cannot_be_posted_from_the_journal(ksp, manager):
    with pytest.raises(ValidationError) as err:
        ledger_services.entry_post(actor=manager, cooperative=ksp, date=D(2024, 5, 1), description="x",
                                   lines=[{"account": "1-101", "debit": "1000"}, {"account": "2-101", "credit": "1000"}])
    assert "2-101" in err.value.message_dict["lines"][0]


def test_a_savings_entry_cannot_be_reversed_from_the_journal(ksp, manager, member):
    txn = savings.savings_deposit(actor=manager, member=member, savings_type="sukarela", amount="1000", date=D(2024, 5, 1))
    with pytest.raises(ValidationError):
        ledger_services.entry_reverse(actor=manager, entry=txn.journal_entry)


def test_reverse_a_deposit(ksp, manager, member):
    txn = savings.savings_deposit(actor=manager, member=member, savings_type="sukarela", amount="30000", date=D(2024, 5, 1))
    reversal = savings.savings_reverse(actor=manager, transaction_=txn, date=D(2024, 5, 2), reason="salah ketik")
    assert reversal.reverses == txn and reversal.direction == "withdrawal" and balance(member, "sukarela") == 0
    with scope(cooperative=ksp):
        assert reversal.journal_entry.reverses == txn.journal_entry
    with pytest.raises(ValidationError):
        savings.savings_reverse(actor=manager, transaction_=txn)
    assert savings_reconcile(cooperative=ksp) == [] and verify_books(cooperative=ksp) == []


def test_a_deposit_already_withdrawn_cannot_be_reversed(ksp, manager, member):
    txn = savings.savings_deposit(actor=manager, member=member, savings_type="sukarela", amount="30000", date=D(2024, 5, 1))
    savings.savings_withdraw(actor=manager, member=member, savings_type="sukarela", amount="20000", date=D(2024, 5, 2))
    with pytest.raises(ValidationError):
        savings.savings_reverse(actor=manager, transaction_=txn)


def test_wajib_collection_one_entry_many_receipts(ksp, manager):
    members = MemberFactory.create_batch(5, cooperative=ksp, joined_on=D(2024, 1, 1))
    txns = savings.wajib_collect(actor=manager, cooperative=ksp, members=members, period=D(2024, 3, 15), date=D(2024, 3, 20))
    assert len(txns) == 5 and len({t.journal_entry_id for t in txns}) == 1 and len({t.number for t in txns}) == 5
    assert all(t.amount == Decimal("25000") and t.period == D(2024, 3, 1) for t in txns)
    with scope(cooperative=ksp):
        assert txns[0].journal_entry.lines.get(account__code="3-102").credit == Decimal("125000")
    with pytest.raises(ValidationError) as err:  # paid already for March
        savings.wajib_collect(actor=manager, cooperative=ksp, members=members[:2], period=D(2024, 3, 1), date=D(2024, 3, 21))
    assert len(err.value.message_dict["members"]) == 2
    # one member's wajib reversed out of the combined entry
    savings.savings_reverse(actor=manager, transaction_=txns[0], date=D(2024, 3, 22))
    assert savings_reconcile(cooperative=ksp) == [] and verify_books(cooperative=ksp) == []


def test_member_leaves_with_refund_and_stays_in_the_register(ksp, manager, member):
    savings.savings_deposit(actor=manager, member=member, savings_type="pokok", amount="100000", date=D(2024, 1, 10))
    savings.savings_deposit(actor=manager, member=member, savings_type="wajib", amount="25000", date=D(2024, 2, 1))
    savings.savings_deposit(actor=manager, member=member, savings_type="sukarela", amount="7500", date=D(2024, 2, 1))
    preview = savings.leaving_refund_preview(member=member)
    assert sum(r.balance for r in preview) == Decimal("132500")
    refunds = savings.member_leave(actor=manager, member=member, reason=LeavingReason.RESIGNATION, date=D(2024, 6, 30), note="Pindah kota")
    assert len(refunds) == 3 and len({t.journal_entry_id for t in refunds}) == 1
    with scope(cooperative=ksp):
        member.refresh_from_db()
    assert member.status == "left" and member.left_on == D(2024, 6, 30) and member.left_reason == "resignation"
    assert all(balance(member, t) == 0 for t in ("pokok", "wajib", "sukarela"))
    with pytest.raises(ValidationError):
        savings.savings_deposit(actor=manager, member=member, savings_type="sukarela", amount="1", date=D(2024, 7, 1))
    assert savings_reconcile(cooperative=ksp) == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_reconciliation_holds_after_every_random_step(ksp, manager, seed):
    """Property: random deposits, withdrawals, reversals, collections and leavings; after each
    step the members' balances equal the control accounts and the books verify."""
    rng = random.Random(seed)
    members = MemberFactory.create_batch(6, cooperative=ksp, joined_on=D(2024, 1, 1))
    done = []
    day = D(2024, 1, 2)
    for step in range(40):
        day = min(day + datetime.timedelta(days=rng.randint(0, 12)), TODAY)
        with scope(cooperative=ksp):
            active = list(Member.objects.filter(status="active", pk__in=[m.pk for m in members]))
        if not active:
            break
        action = rng.choice(["deposit", "deposit", "withdraw", "reverse", "collect", "leave"])
        try:
            if action == "deposit":
                done.append(savings.savings_deposit(actor=manager, member=rng.choice(active), savings_type=rng.choice(["pokok", "wajib", "sukarela"]),
                                                    amount=str(rng.randint(1, 200) * 500), date=day))
            elif action == "withdraw":
                savings.savings_withdraw(actor=manager, member=rng.choice(active), savings_type="sukarela", amount=str(rng.randint(1, 100) * 500), date=day)
            elif action == "reverse" and done:
                savings.savings_reverse(actor=manager, transaction_=rng.choice(done), date=day)
            elif action == "collect":
                done.extend(savings.wajib_collect(actor=manager, cooperative=ksp, members=rng.sample(active, rng.randint(1, len(active))),
                                                  period=day, date=day))
            elif action == "leave" and rng.random() < 0.3:
                savings.member_leave(actor=manager, member=rng.choice(active), reason="resignation", date=day)
        except ValidationError:
            pass  # refused steps (balance too low, already paid, already reversed…) must leave nothing behind
        assert savings_reconcile(cooperative=ksp) == [], (seed, step, action)
    assert verify_books(cooperative=ksp) == []


# --- fixes: wajib months, pokok above its amount, collections across cooperatives ---------

def test_wajib_for_a_month_already_paid_is_refused_until_reversed(ksp, manager, member):
    first = savings.savings_deposit(actor=manager, member=member, savings_type="wajib", amount="25000", date=D(2024, 3, 5), period=D(2024, 3, 1))
    with pytest.raises(ValidationError) as err:
        savings.savings_deposit(actor=manager, member=member, savings_type="wajib", amount="25000", date=D(2024, 3, 9), period=D(2024, 3, 20))
    assert "period" in err.value.message_dict
    with pytest.raises(ValidationError):  # the collection refuses it the same way
        savings.wajib_collect(actor=manager, cooperative=ksp, members=[member], period=D(2024, 3, 1), date=D(2024, 3, 9))
    savings.savings_reverse(actor=manager, transaction_=first, date=D(2024, 3, 6))
    again = savings.savings_deposit(actor=manager, member=member, savings_type="wajib", amount="25000", date=D(2024, 3, 9), period=D(2024, 3, 1))
    assert again.period == D(2024, 3, 1)
    assert savings_reconcile(cooperative=ksp) == []


def test_wajib_month_before_joining_or_far_ahead_is_refused(ksp, manager, member):
    for period in (D(2023, 12, 1), D(2025, 6, 1)):  # member joined 10 Jan 2024; paid on 5 Mar 2024
        with pytest.raises(ValidationError) as err:
            savings.savings_deposit(actor=manager, member=member, savings_type="wajib", amount="25000", date=D(2024, 3, 5), period=period)
        assert "period" in err.value.message_dict
    txn = savings.savings_deposit(actor=manager, member=member, savings_type="wajib", amount="25000", date=D(2024, 3, 5), period=D(2025, 3, 1))
    assert txn.period == D(2025, 3, 1)  # a year ahead is fine
    with pytest.raises(ValidationError) as err:
        savings.savings_deposit(actor=manager, member=member, savings_type="sukarela", amount="1000", date=D(2024, 3, 5), period=D(2024, 3, 1))
    assert "period" in err.value.message_dict


def test_pokok_cannot_be_paid_above_its_amount(ksp, manager, member):
    savings.savings_deposit(actor=manager, member=member, savings_type="pokok", amount="60000", date=D(2024, 1, 10))
    with pytest.raises(ValidationError) as err:
        savings.savings_deposit(actor=manager, member=member, savings_type="pokok", amount="50000", date=D(2024, 1, 11))
    assert "Rp 40.000" in err.value.message_dict["amount"][0]
    savings.savings_deposit(actor=manager, member=member, savings_type="pokok", amount="40000", date=D(2024, 1, 11))
    assert balance(member, "pokok") == Decimal("100000")
    with pytest.raises(ValidationError) as err:
        savings.savings_deposit(actor=manager, member=member, savings_type="pokok", amount="1", date=D(2024, 1, 12))
    assert "savings_type" in err.value.message_dict


def test_collection_refuses_members_of_another_cooperative(ksp, manager, member, other_cooperative):
    stranger = MemberFactory(cooperative=other_cooperative, joined_on=D(2024, 1, 1))
    with pytest.raises(ValidationError) as err:
        savings.wajib_collect(actor=manager, cooperative=ksp, members=[member, stranger], period=D(2024, 3, 1), date=D(2024, 3, 5))
    assert "members" in err.value.message_dict
    with scope(cooperative=ksp):
        assert not SavingsTransaction.objects.exists()


def test_collection_says_a_bad_date_once_and_refuses_months_before_joining(ksp, manager, member):
    others = MemberFactory.create_batch(3, cooperative=ksp, joined_on=D(2023, 6, 1))
    with pytest.raises(ValidationError) as err:
        savings.wajib_collect(actor=manager, cooperative=ksp, members=[member, *others], period=D(2024, 3, 1),
                              date=timezone.localdate() + datetime.timedelta(days=1))
    assert list(err.value.message_dict) == ["date"] and len(err.value.message_dict["date"]) == 1
    with pytest.raises(ValidationError) as err:  # member joined 10 Jan 2024
        savings.wajib_collect(actor=manager, cooperative=ksp, members=[member, *others], period=D(2023, 12, 1), date=D(2024, 1, 15))
    assert len(err.value.message_dict["members"]) == 1
    for bad in ("2024-03", None):
        with pytest.raises(ValidationError):
            savings.wajib_collect(actor=manager, cooperative=ksp, members=others, period=bad, date=D(2024, 3, 5))
