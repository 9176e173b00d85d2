"""The demo city's savings are a real subsidiary ledger (portal/demo/books.py, docs/DEMO_DATA.md):
a SavingsTransaction per member and movement linked to its journal entry, receipt counters,
balances; `ledger_verify` and `savings_verify` agree; members in wajib arrears, members who left
with their refunds, and the demo member with savings in both her cooperatives."""

import json
from collections import defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from cooperatives.models import Cooperative, Counter
from ledger.models import EntryKind, JournalEntry, JournalLine
from members import savings, savings_selectors
from members.models import Member, MemberStatus, SavingsBalance, SavingsTransaction
from members.services import MEMBER_NUMBER_COUNTER
from portal.demo.books import ARREARS_AT, ARREARS_EVERY, CONTROL
from portal.demo.cooperatives import SECOND_COOPERATIVE, STAFF_COOPERATIVE

pytestmark = pytest.mark.django_db


def _seed(tmp_path, *args):
    call_command("seed_demo", "--logins-file", str(tmp_path / "logins.json"), *args, stdout=StringIO())
    if connection.vendor == "postgresql":  # the deferred balance triggers fire at commit; tests never commit
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return json.loads((tmp_path / "logins.json").read_text())


def _verify():
    out = StringIO()
    call_command("ledger_verify", stdout=out)  # CommandError on any difference
    call_command("savings_verify", stdout=out)
    return out.getvalue()


@pytest.fixture
def city(db, tmp_path):
    return _seed(tmp_path, "--cooperatives", "12", "--members-per-cooperative", "25")


def test_ledger_and_savings_verify_agree_on_the_demo_city(city):
    out = _verify()
    assert "12 cooperative(s), no difference" in out and "12 cooperative(s), members' savings equal the books" in out
    with scopes_disabled():
        active = set(JournalEntry.objects.values_list("cooperative_id", flat=True))
        assert len(active) == 7  # round(12 × 200 / 332)
        for coop in Cooperative.objects.filter(pk__in=active):
            # every savings movement has its transaction on an entry of the same cooperative
            txns = SavingsTransaction.objects.filter(cooperative=coop)
            assert txns.count() > 25 * 30
            assert not txns.exclude(journal_entry__cooperative=coop).exists()
            # per entry, the transactions equal what the entry moved on the control accounts
            moved = defaultdict(Decimal)
            for entry_id, code, d, c in JournalLine.objects.filter(cooperative=coop, account__code__in=CONTROL.values(),
                                                                   entry__kind__in=[EntryKind.OPENING, EntryKind.REGULAR]).values_list(
                    "entry_id", "account__code", "debit", "credit"):
                moved[(entry_id, code)] += c - d
            recorded = defaultdict(Decimal)
            for entry_id, t, direction, amount in txns.values_list("journal_entry_id", "savings_type", "direction", "amount"):
                recorded[(entry_id, CONTROL[t])] += amount if direction == "deposit" else -amount
            assert {k: v for k, v in moved.items() if v} == {k: v for k, v in recorded.items() if v}, coop.slug
            # the opening entry's savings are the members' opening balances
            opening = JournalEntry.objects.get(cooperative=coop, kind=EntryKind.OPENING)
            assert set(txns.filter(kind="opening").values_list("journal_entry_id", flat=True)) == {opening.pk}
            # receipts SMP-<year>-<n>, gapless per year in date order; the counter ends at the last one
            by_year = defaultdict(list)
            for number, day in txns.order_by("number").values_list("number", "date"):
                by_year[day.year].append(number)
            for year, numbers in by_year.items():
                assert numbers == [f"SMP-{year}-{i:06d}" for i in range(1, len(numbers) + 1)]
                assert Counter.objects.get(cooperative=coop, name=f"savings:{year}").value == len(numbers)
            # balance_after is the running balance, never below zero; the last one is the balance
            running, last = defaultdict(Decimal), {}
            for member, t, direction, amount, after in txns.order_by("number").values_list(
                    "member_id", "savings_type", "direction", "amount", "balance_after"):
                running[(member, t)] += amount if direction == "deposit" else -amount
                assert after == running[(member, t)] >= 0
                last[(member, t)] = after
            stored = {(m, t): b for m, t, b in SavingsBalance.objects.filter(cooperative=coop).values_list("member_id", "savings_type", "balance")}
            assert stored == last
            # wajib: one combined entry per monthly collection, a transaction per member for the month
            for entry in JournalEntry.objects.filter(cooperative=coop, description__startswith="Setoran simpanan wajib")[:6]:
                rows = list(SavingsTransaction.objects.filter(journal_entry=entry).values_list("savings_type", "period", "kind"))
                assert len(rows) > 1 and {(t, p.day, k) for t, p, k in rows} == {("wajib", 1, "regular")}
                assert {p for _t, p, _k in rows} == {entry.date.replace(day=1)}
            assert not txns.filter(savings_type="wajib", kind="regular").values("member", "period").annotate(
                n=Count("pk")).filter(n__gt=1).exists()
            # sukarela deposits and withdrawals are per member
            assert txns.filter(savings_type="sukarela", direction="withdrawal", kind="regular").exists()
            assert txns.filter(savings_type="sukarela", direction="deposit", kind="regular").exists()


def test_some_members_are_in_wajib_arrears_as_documented(city):
    today = timezone.localdate()
    with scopes_disabled():
        coops = list(Cooperative.objects.filter(pk__in=JournalEntry.objects.values("cooperative_id")).order_by("pk"))
    behind_somewhere = 0
    for coop in coops:
        with scope(cooperative=coop):
            register = list(Member.objects.order_by("number"))
            expected = {}
            for sequence, m in enumerate(register, start=1):
                if sequence % ARREARS_EVERY == ARREARS_AT and m.status == MemberStatus.ACTIVE and m.user_id is None:
                    months = 1 + (sequence // ARREARS_EVERY) % 6
                    since_joined = (today.year - m.joined_on.year) * 12 + today.month - m.joined_on.month + 1
                    expected[m.number] = min(months, since_joined)
            found = {row.member.number: row.months_unpaid for row in savings_selectors.arrears_list(cooperative=coop)}
            assert found == expected, coop.slug
            behind_somewhere += len(found)
    assert behind_somewhere >= 10
    # the collection screen's service takes this month's wajib from a member who is behind
    ksp = Cooperative.objects.get(slug=STAFF_COOPERATIVE.slug)
    with scope(cooperative=ksp):
        row = savings_selectors.arrears_list(cooperative=ksp)[0]
        paid = savings.wajib_collect(actor=None, cooperative=ksp, members=[row.member], period=today.replace(day=1), date=today)
        year_receipts = SavingsTransaction.objects.filter(number__startswith=f"SMP-{today.year}-").count()
        assert paid[0].number == f"SMP-{today.year}-{year_receipts:06d}"  # the services continue the counter
        fresh = Member.objects.get(pk=row.member.pk)
        assert savings_selectors.member_arrears(cooperative=ksp, member=fresh).months_unpaid == row.months_unpaid - 1
    _verify()


def test_members_who_left_got_their_savings_back(city):
    with scopes_disabled():
        refunds = list(SavingsTransaction.objects.filter(kind="refund").select_related("member", "journal_entry"))
        assert refunds
        by_entry = defaultdict(list)
        for t in refunds:
            by_entry[t.journal_entry_id].append(t)
            assert t.member.status == MemberStatus.LEFT and t.date == t.member.left_on and t.direction == "withdrawal"
        for entry_id, txns in by_entry.items():
            # one entry per leaver, one transaction per savings type, cash paid = the refunds
            assert len({t.member_id for t in txns}) == 1 and len({t.savings_type for t in txns}) == len(txns)
            cash = JournalLine.objects.get(entry_id=entry_id, account__code="1-101").credit
            assert cash == sum(t.amount for t in txns)
        left = Member.objects.filter(status=MemberStatus.LEFT, savings_transactions__isnull=False).distinct()
        assert left.exists()
        assert not SavingsBalance.objects.filter(member__in=left, balance__gt=0).exists()


def test_the_demo_member_has_savings_in_both_cooperatives(city):
    member = city["member"]
    assert set(member["cooperatives"]) == {STAFF_COOPERATIVE.slug, SECOND_COOPERATIVE.slug}
    with scopes_disabled():
        lines = list(Member.objects.filter(user__phone="+6281210000001").select_related("cooperative"))
        assert {m.cooperative.slug for m in lines} == set(member["cooperatives"])
        for m in lines:
            assert JournalEntry.objects.filter(cooperative=m.cooperative).exists()
            balances = dict(SavingsBalance.objects.filter(member=m).values_list("savings_type", "balance"))
            assert balances["pokok"] == m.cooperative.simpanan_pokok_amount and balances["wajib"] > 0, m.cooperative.slug
            with scope(cooperative=m.cooperative):
                assert savings_selectors.member_arrears(cooperative=m.cooperative, member=m).months_unpaid == 0
        # her register lines are numbered after the generated ones, the counters end there
        for m in lines:
            assert Counter.objects.get(cooperative=m.cooperative, name=MEMBER_NUMBER_COUNTER).value == int(m.number) == 26


def test_both_demo_member_cooperatives_keep_books_even_in_a_tiny_city(db, tmp_path):
    logins = _seed(tmp_path, "--cooperatives", "2", "--members-per-cooperative", "3")
    assert len(logins["member"]["cooperatives"]) == 2
    with scopes_disabled():
        assert JournalEntry.objects.values("cooperative").distinct().count() == 2
        assert SavingsBalance.objects.filter(member__user__isnull=False, savings_type="pokok", balance__gt=0).count() == 2
    _verify()
