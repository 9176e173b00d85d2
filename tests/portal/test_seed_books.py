"""The demo city's books (portal/demo/books.py, docs/DEMO_DATA.md): charts for every cooperative,
three book years for the active ones, past years closed, `ledger_verify` clean — on SQLite and,
with every deferred trigger fired, on PostgreSQL. One seed of the default city serves the checks
(seeding is the slow part)."""

from collections import defaultdict
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from cooperatives.models import Cooperative, Counter
from ledger import selectors, services
from ledger.charts import template_for
from ledger.models import Account, AccountKind, BookYear, BookYearState, EntryKind, JournalEntry, JournalLine
from meetings.models import Meeting
from members.models import Member, SavingsBalance, SavingsTransaction
from portal.demo import books as demo_books
from portal.demo.context import SeedContext, SeedOptions
from portal.demo.cooperatives import INACTIVE, SECOND_COOPERATIVE, STAFF_COOPERATIVE, plan_cooperatives
from portal.demo.regions import load_regions
from portal.demo.runner import BatchItem

pytestmark = pytest.mark.django_db


def _seed(tmp_path, *args):
    out = StringIO()
    call_command("seed_demo", "--members-per-cooperative", "3", "--logins-file", str(tmp_path / "logins.json"), *args, stdout=out)
    return out.getvalue()


def _fire_deferred_triggers():
    """PostgreSQL checks every posted entry balances at commit; tests never commit."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_the_demo_city_has_whole_books(tmp_path):
    out = _seed(tmp_path)
    assert "journal entries" in out and "journal lines" in out
    _fire_deferred_triggers()
    today = timezone.localdate()
    first_year, current = today.year - 2, today.year
    plans = {p.slug: p for p in plan_cooperatives(options=SeedOptions(members_per_cooperative=3), today=today, regions=load_regions())}

    verify = StringIO()
    call_command("ledger_verify", stdout=verify)  # raises CommandError on any difference
    assert "332 cooperative(s), no difference" in verify.getvalue()
    # the members' savings (subsidiary ledger) equal the control accounts the books moved
    call_command("savings_verify", stdout=verify)
    assert "332 cooperative(s), members' savings equal the books" in verify.getvalue()

    with scopes_disabled():
        coops = list(Cooperative.objects.order_by("pk"))
        accounts = dict(Account.objects.values("cooperative").annotate(n=Count("pk")).values_list("cooperative", "n"))
        entries = dict(JournalEntry.objects.values("cooperative").annotate(n=Count("pk")).values_list("cooperative", "n"))
        active = [c for c in coops if plans[c.slug].category != INACTIVE]
        assert len(active) == 200
        for coop in coops:
            # every demo cooperative has its chart; only the active ones have books
            assert accounts[coop.pk] == len(template_for(coop.kind)), coop.slug
            assert (coop.pk in entries) == (plans[coop.slug].category != INACTIVE), coop.slug
        years = defaultdict(dict)
        for coop_id, year, state in BookYear.objects.values_list("cooperative_id", "year", "state"):
            years[coop_id][year] = state
        closings = set(JournalEntry.objects.filter(kind=EntryKind.CLOSING).values_list("cooperative_id", "book_year"))
        openings = {e.cooperative_id: e for e in JournalEntry.objects.filter(kind=EntryKind.OPENING)}
        first_last = {
            row["cooperative"]: row for row in JournalEntry.objects.values("cooperative").annotate(first=Min("date"), last=Max("date"))
        }
        for coop in active:
            start = max(date(first_year, 1, 1), coop.founded_on)
            # past years closed with a closing entry, the current one open
            assert years[coop.pk][current] == BookYearState.OPEN
            for year in range(start.year, current):
                assert years[coop.pk][year] == BookYearState.CLOSED and (coop.pk, year) in closings, (coop.slug, year)
            assert set(years[coop.pk]) == set(range(start.year, current + 1))
            # the opening entry comes first; nothing after today or before the founding
            opening = openings[coop.pk]
            assert opening.date == start and opening.number == f"JU-{start.year}-000001"
            assert first_last[coop.pk]["first"] == start and first_last[coop.pk]["last"] <= today
        # journal counters end at the last number of each series (ledger_verify checked the gaps)
        series = defaultdict(int)
        for coop_id, number in JournalEntry.objects.values_list("cooperative_id", "number"):
            journal, year, _seq = number.rsplit("-", 2)
            series[(coop_id, f"journal:{journal}:{year}")] += 1
        counters = Counter.objects.filter(name__startswith="journal:").values_list("cooperative_id", "name", "value")
        assert {(c, n): v for c, n, v in counters} == series
        # whole Rupiah everywhere
        assert all(d % 1 == 0 and c % 1 == 0 for d, c in JournalLine.objects.values_list("debit", "credit"))
        # reversals: some, each of a regular entry, each once, described as the services do
        reversals = list(JournalEntry.objects.filter(kind=EntryKind.REVERSAL).select_related("reverses"))
        assert len(reversals) > 50
        assert len({r.reverses_id for r in reversals}) == len(reversals)
        for r in reversals[:50]:
            assert r.reverses.kind == EntryKind.REGULAR and r.date >= r.reverses.date
            assert r.description.startswith(f"Pembalik {r.reverses.number}: ")
        # the SHU of a year is shared out after its RAT
        assert JournalEntry.objects.filter(description__startswith="Pembagian SHU tahun buku").count() > 100

    for coop in active:
        sheet = selectors.balance_sheet(cooperative=coop, as_of=today)
        assert sheet.balanced and sheet.assets.total > 0, coop.slug
        totals = selectors.account_totals(cooperative=coop, as_of=today)
        with scope(cooperative=coop):
            for account in Account.objects.filter(kind=AccountKind.ASSET, is_postable=True, is_contra=False):
                d, c = totals.get(account.pk, (0, 0))
                assert d >= c, f"{coop.slug}: {account.code} {account.name} is negative"
        # a closed year's income and expense were moved into SHU tahun berjalan
        at_year_end = selectors.account_totals(cooperative=coop, as_of=date(current - 1, 12, 31))
        with scope(cooperative=coop):
            for account in Account.objects.filter(kind__in=[AccountKind.INCOME, AccountKind.EXPENSE]):
                d, c = at_year_end.get(account.pk, (0, 0))
                assert d == c, f"{coop.slug}: {account.code} not closed"


def test_books_follow_the_register_and_the_kind(tmp_path):
    _seed(tmp_path, "--cooperatives", "12")
    today = timezone.localdate()
    last_year = today.year - 1
    ksp = Cooperative.objects.get(slug=STAFF_COOPERATIVE.slug)
    shop = Cooperative.objects.get(slug=SECOND_COOPERATIVE.slug)

    # savings and loan: member and non-member interest apart; a shop: sales to members and others
    statement = selectors.income_statement(cooperative=ksp, date_from=date(last_year, 1, 1), date_to=date(last_year, 12, 31))
    assert statement.member_income > 0 and statement.non_member_income > 0 and statement.shu != 0
    assert {a.code for a, _amount in statement.income} >= {"4-101", "4-104"}
    statement = selectors.income_statement(cooperative=shop, date_from=date(last_year, 1, 1), date_to=date(last_year, 12, 31))
    assert statement.member_income > 0 and statement.non_member_income > 0
    assert {a.code for a, _amount in statement.expense} >= {"5-001", "5-102"}

    # the opening's simpanan pokok is the members' who had joined, at the cooperative's amount
    with scope(cooperative=ksp):
        opening = JournalEntry.objects.get(kind=EntryKind.OPENING)
        pokok = opening.lines.get(account__code="3-101").credit
        members = Member.objects.filter(joined_on__lte=opening.date).filter(
            Q(left_on__isnull=True) | Q(left_on__gt=opening.date)
        ).count()
        assert pokok == members * ksp.simpanan_pokok_amount
        wajib_months = JournalEntry.objects.filter(description__startswith="Setoran simpanan wajib").count()
        assert wajib_months >= 12 * 2 + today.month - 1
        # year-end adjustments in the adjusting journal
        assert JournalEntry.objects.filter(journal_type="JP", book_year=last_year).count() >= 2
        # the subsidiary ledger: a wajib month paid once per member, receipts numbered per year,
        # members who left keep nothing, every transaction points at its journal entry
        wajib = SavingsTransaction.objects.filter(savings_type="wajib", kind="regular")
        assert wajib.exists() and not wajib.values("member", "period").annotate(n=Count("pk")).filter(n__gt=1).exists()
        for year in range(today.year - 2, today.year + 1):
            receipts = SavingsTransaction.objects.filter(number__startswith=f"SMP-{year}-").count()
            assert Counter.objects.get(name=f"savings:{year}").value == receipts > 0
        left = Member.objects.filter(left_on__gt=opening.date).values_list("pk", flat=True)
        assert not SavingsBalance.objects.filter(member__in=left, balance__gt=0).exists()
        assert SavingsTransaction.objects.filter(kind="shu").exists() or not JournalEntry.objects.filter(description__startswith="Pembayaran SHU").exists()

    # the same seed gives the same books (the books are a pure function of the plan and register)
    ctx = SeedContext(options=SeedOptions(cooperatives=12, members_per_cooperative=3), today=today, regions=load_regions())
    plan = next(p for p in plan_cooperatives(options=ctx.options, today=today, regions=ctx.regions) if p.slug == ksp.slug)
    with scope(cooperative=ksp):
        members = list(Member.objects.order_by("number"))  # the register, the demo member's line last
        accounts = dict(Account.objects.values_list("code", "pk"))
        kinds = dict(Account.objects.values_list("code", "kind"))
        rats = dict(Meeting.objects.filter(cooperative=ksp, held_on__isnull=False).values_list("book_year", "held_on"))
        stored = [
            (e.date, e.description, sorted((l.account_id, l.debit, l.credit) for l in e.lines.all()))
            for e in JournalEntry.objects.exclude(kind__in=[EntryKind.CLOSING, EntryKind.REVERSAL]).prefetch_related("lines")
        ]
    rebuilt = demo_books.build_books(ctx, BatchItem(plan, ksp, members), accounts, kinds, rats)
    again = [
        (e.date, e.description, sorted((a, Decimal(d), Decimal(c)) for a, d, c in e.lines))
        for e in rebuilt.entries if e.kind not in (EntryKind.CLOSING, EntryKind.REVERSAL)
    ]
    assert sorted(again, key=lambda x: (x[0], x[1])) == sorted(stored, key=lambda x: (x[0], x[1]))


def test_a_second_run_adds_no_entries_and_services_continue_the_books(tmp_path, make_user):
    _seed(tmp_path, "--cooperatives", "8")
    with scopes_disabled():
        before = (JournalEntry.objects.count(), JournalLine.objects.count(), Account.objects.count())
    assert "creating 0" in _seed(tmp_path, "--cooperatives", "8")
    with scopes_disabled():
        assert (JournalEntry.objects.count(), JournalLine.objects.count(), Account.objects.count()) == before
    ksp = Cooperative.objects.get(slug=STAFF_COOPERATIVE.slug)
    assert services.chart_apply_template(cooperative=ksp) == 0
    today = timezone.localdate()
    with scope(cooperative=ksp):
        last = JournalEntry.objects.filter(journal_type="JU", book_year=today.year).count()
    entry = services.entry_post(actor=make_user(ksp, "bookkeeper"), cooperative=ksp, date=today, description="Setoran",
                                lines=[{"account": "1-101", "debit": "50000"}, {"account": "2-201", "credit": "50000"}])
    assert entry.number == f"JU-{today.year}-{last + 1:06d}"
    _fire_deferred_triggers()
    assert call_command("ledger_verify", "--cooperative", ksp.slug, stdout=StringIO()) is None


def test_without_books_gives_charts_only(tmp_path):
    _seed(tmp_path, "--cooperatives", "6", "--without-books")
    with scopes_disabled():
        assert not JournalEntry.objects.exists() and not BookYear.objects.exists()
        for coop in Cooperative.objects.all():
            assert Account.objects.filter(cooperative=coop).count() == len(template_for(coop.kind))
