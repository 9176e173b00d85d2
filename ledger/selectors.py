"""Reads of the books. Reports come from the per-account, per-period rollup plus, at most,
one partial month of lines, so their cost does not grow with the number of postings."""

import calendar
import operator
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import reduce

from django.db.models import Q, Sum, Value

from cooperatives.tenancy import scoped

from .models import (
    CLOSING_PERIOD, Account, AccountBalance, AccountKind, BookYear, EntryKind, EntryState, JournalEntry, JournalLine,
)

ZERO = Decimal("0")


def _month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def _add(totals, rows, key="account", d="d", c="c"):
    for row in rows:
        entry = totals[row[key]]
        entry[0] += row[d] or ZERO
        entry[1] += row[c] or ZERO


@scoped
def account_totals(*, cooperative, as_of: date, since: date | None = None, accounts=None, include_closing=True):
    """{account_id: [debit, credit]} of posted lines dated in [since, as_of] (since=None: from
    the beginning). Closing entries count when their book year ended within the range and
    `include_closing`."""
    totals = defaultdict(lambda: [ZERO, ZERO])
    start = since or date(1900, 1, 1)
    # whole months inside [start, as_of] come from the rollup; the edges from the lines
    first_full = start if start.day == 1 else _month_end(start) + timedelta(days=1)
    last_full = as_of if as_of == _month_end(as_of) else date(as_of.year, as_of.month, 1) - timedelta(days=1)
    # One rollup query covers the whole months and the closing entries of the book years that
    # ended in the range (period 13); the lines are read only when the range has partial months.
    # A report thus costs the same few queries whatever the data (DESIGN.md §7 page budget).
    rollup = []
    if first_full <= last_full:
        rollup.append(Q(period__lte=12) & (
            (Q(year__gt=first_full.year) | Q(year=first_full.year, period__gte=first_full.month))
            & (Q(year__lt=last_full.year) | Q(year=last_full.year, period__lte=last_full.month))
        ))
        edges = [(start, first_full - timedelta(days=1)), (last_full + timedelta(days=1), as_of)]
    else:  # the whole range lies inside one month
        edges = [(start, as_of)]
    if include_closing:
        years = BookYear.objects.filter(cooperative=cooperative, end_date__gte=start, end_date__lte=as_of).values("year")
        rollup.append(Q(period=CLOSING_PERIOD, year__in=years))
    if rollup:
        balances = AccountBalance.objects.filter(cooperative=cooperative).filter(reduce(operator.or_, rollup))
        if accounts is not None:
            balances = balances.filter(account__in=accounts)
        _add(totals, balances.values("account").annotate(d=Sum("debit_total"), c=Sum("credit_total")).order_by())
    edges = [Q(date__gte=low, date__lte=high) for low, high in edges if low <= high]
    if edges:
        # Every line in the partial months (an index-only scan of journal_line_coop_date), minus
        # the lines of drafts and closing entries among them (found through their entries, which
        # carry the same date), in one UNION ALL query: joining each line to its entry instead
        # reads every entry of the cooperative (DESIGN.md §6, docs/PERFORMANCE.md).
        in_edges = reduce(operator.or_, edges)
        lines = JournalLine.objects.filter(cooperative=cooperative).filter(in_edges)
        if accounts is not None:
            lines = lines.filter(account__in=accounts)
        left_out = JournalEntry.objects.filter(cooperative=cooperative).filter(in_edges).filter(
            ~Q(state=EntryState.POSTED) | Q(kind=EntryKind.CLOSING)
        )
        rows = lines.values("account").annotate(d=Sum("debit"), c=Sum("credit"), sign=Value(1)).order_by().union(
            lines.filter(entry__in=left_out).values("account").annotate(d=Sum("debit"), c=Sum("credit"), sign=Value(-1)).order_by(),
            all=True,
        ).order_by()
        for row in rows:
            entry = totals[row["account"]]
            entry[0] += row["sign"] * (row["d"] or ZERO)
            entry[1] += row["sign"] * (row["c"] or ZERO)
    return totals


@scoped
def account_totals_from_lines(*, cooperative, as_of: date, since: date | None = None, include_closing=True):
    """The same figures recomputed by scanning every line: the reference for verification and
    benchmarks, never used by pages."""
    totals = defaultdict(lambda: [ZERO, ZERO])
    lines = JournalLine.objects.filter(cooperative=cooperative, entry__state=EntryState.POSTED, date__lte=as_of)
    if since:
        lines = lines.filter(date__gte=since)
    if not include_closing:
        lines = lines.exclude(entry__kind=EntryKind.CLOSING)
    _add(totals, lines.values("account").annotate(d=Sum("debit"), c=Sum("credit")).order_by())
    return totals


@dataclass
class Row:
    account: Account
    debit: Decimal = ZERO
    credit: Decimal = ZERO

    @property
    def balance(self) -> Decimal:
        """Signed in the account's normal direction (positive = normal)."""
        raw = self.debit - self.credit
        return raw if self.account.debit_normal else -raw

    @property
    def debit_balance(self):
        net = self.debit - self.credit
        return net if net > 0 else ZERO

    @property
    def credit_balance(self):
        net = self.credit - self.debit
        return net if net > 0 else ZERO


def _accounts(cooperative):
    return list(Account.objects.filter(cooperative=cooperative).order_by("code"))


@dataclass
class TrialBalance:
    as_of: date
    rows: list
    total_debit: Decimal
    total_credit: Decimal

    @property
    def balanced(self):
        return self.total_debit == self.total_credit


@scoped
def trial_balance(*, cooperative, as_of: date, from_lines=False) -> TrialBalance:
    """Neraca saldo: every postable account with a balance, in debit and credit columns."""
    compute = account_totals_from_lines if from_lines else account_totals
    totals = compute(cooperative=cooperative, as_of=as_of)
    rows = []
    for account in _accounts(cooperative):
        d, c = totals.get(account.pk, (ZERO, ZERO))
        if account.is_postable and d != c:
            rows.append(Row(account, d, c))
    return TrialBalance(
        as_of, rows,
        sum((r.debit_balance for r in rows), ZERO), sum((r.credit_balance for r in rows), ZERO),
    )


@dataclass
class Section:
    kind: str
    title: str
    rows: list = field(default_factory=list)
    total: Decimal = ZERO
    prior_total: Decimal = ZERO


@dataclass
class BalanceSheet:
    as_of: date
    prior_as_of: date
    assets: Section
    liabilities: Section
    equity: Section
    current_shu: Decimal
    prior_current_shu: Decimal

    @property
    def total_liabilities_and_equity(self):
        return self.liabilities.total + self.equity.total + self.current_shu

    @property
    def prior_total_liabilities_and_equity(self):
        return self.liabilities.prior_total + self.equity.prior_total + self.prior_current_shu

    @property
    def balanced(self):
        return self.assets.total == self.total_liabilities_and_equity


def _prior_year_end(cooperative, as_of: date) -> date:
    from cooperatives.book_years import book_year_end, book_year_of

    return book_year_end(book_year_of(as_of, cooperative.book_year_end_month) - 1, cooperative.book_year_end_month)


@scoped
def balance_sheet(*, cooperative, as_of: date, from_lines=False) -> BalanceSheet:
    """Laporan Posisi Keuangan at a date, with the prior book-year end beside it. Income and
    expense not yet closed appear as SHU tahun berjalan, so assets = liabilities + equity."""
    from django.utils.translation import gettext as _

    compute = account_totals_from_lines if from_lines else account_totals
    prior = _prior_year_end(cooperative, as_of)
    now, then = compute(cooperative=cooperative, as_of=as_of), compute(cooperative=cooperative, as_of=prior)
    sections = {
        AccountKind.ASSET: Section(AccountKind.ASSET, _("Assets")),
        AccountKind.LIABILITY: Section(AccountKind.LIABILITY, _("Liabilities")),
        AccountKind.EQUITY: Section(AccountKind.EQUITY, _("Equity")),
    }
    shu_now = shu_then = ZERO
    for account in _accounts(cooperative):
        if not account.is_postable:
            continue
        d, c = now.get(account.pk, (ZERO, ZERO))
        pd, pc = then.get(account.pk, (ZERO, ZERO))
        if account.kind in (AccountKind.INCOME, AccountKind.EXPENSE):
            shu_now += c - d
            shu_then += pc - pd
            continue
        row, prior_row = Row(account, d, c), Row(account, pd, pc)
        sign = 1 if account.kind == AccountKind.ASSET else -1
        amount, prior_amount = sign * (d - c), sign * (pd - pc)
        if not (amount or prior_amount):
            continue
        section = sections[account.kind]
        section.rows.append((account, amount, prior_amount))
        section.total += amount
        section.prior_total += prior_amount
    return BalanceSheet(as_of, prior, sections[AccountKind.ASSET], sections[AccountKind.LIABILITY],
                        sections[AccountKind.EQUITY], shu_now, shu_then)


@dataclass
class IncomeStatement:
    date_from: date
    date_to: date
    income: list  # (account, amount)
    expense: list
    member_income: Decimal
    non_member_income: Decimal
    other_income: Decimal
    total_income: Decimal
    total_expense: Decimal

    @property
    def shu(self):
        return self.total_income - self.total_expense


@scoped
def income_statement(*, cooperative, date_from: date, date_to: date, from_lines=False) -> IncomeStatement:
    """Laporan Perhitungan Hasil Usaha for a period; closing entries are left out so a closed
    year still shows its income and expense. Member and non-member income apart."""
    compute = account_totals_from_lines if from_lines else account_totals
    totals = compute(cooperative=cooperative, as_of=date_to, since=date_from, include_closing=False)
    income, expense = [], []
    by_segment = defaultdict(lambda: ZERO)
    for account in _accounts(cooperative):
        if not account.is_postable or account.kind not in (AccountKind.INCOME, AccountKind.EXPENSE):
            continue
        d, c = totals.get(account.pk, (ZERO, ZERO))
        if not (d or c):
            continue
        if account.kind == AccountKind.INCOME:
            amount = c - d
            income.append((account, amount))
            by_segment[account.segment] += amount
        else:
            expense.append((account, d - c))
    total_income = sum((a for _, a in income), ZERO)
    total_expense = sum((a for _, a in expense), ZERO)
    return IncomeStatement(date_from, date_to, income, expense, by_segment["member"], by_segment["non_member"],
                           by_segment[""], total_income, total_expense)


@dataclass
class LedgerLine:
    line: JournalLine
    balance: Decimal


@dataclass
class GeneralLedger:
    account: Account
    date_from: date
    date_to: date
    opening: Decimal
    lines: list
    closing: Decimal
    total_debit: Decimal
    total_credit: Decimal


@scoped
def general_ledger(*, cooperative, account: Account, date_from: date, date_to: date) -> GeneralLedger:
    """Buku besar of one account: opening balance, every line in the range with the running
    balance (in the account's normal direction), closing balance."""
    before = account_totals(cooperative=cooperative, as_of=date_from - timedelta(days=1), accounts=[account])
    d, c = before.get(account.pk, (ZERO, ZERO))
    sign = 1 if account.debit_normal else -1
    opening = sign * (d - c)
    running = opening
    out = []
    total_d = total_c = ZERO
    lines = (
        JournalLine.objects.filter(cooperative=cooperative, account=account, entry__state=EntryState.POSTED,
                                   date__gte=date_from, date__lte=date_to)
        .select_related("entry").order_by("date", "entry_id", "id")
    )
    for line in lines:
        running += sign * (line.debit - line.credit)
        total_d += line.debit
        total_c += line.credit
        out.append(LedgerLine(line, running))
    return GeneralLedger(account, date_from, date_to, opening, out, running, total_d, total_c)


@scoped
def account_list(*, cooperative, search: str = "", postable_only=False, active_only=False):
    accounts = Account.objects.filter(cooperative=cooperative).select_related("parent")
    if search:
        accounts = accounts.filter(Q(code__istartswith=search) | Q(name__icontains=search))
    if postable_only:
        accounts = accounts.filter(is_postable=True)
    if active_only:
        accounts = accounts.filter(is_active=True)
    return accounts.order_by("code")


@scoped
def entry_list(*, cooperative, state: str = "", search: str = "", date_from=None, date_to=None):
    entries = JournalEntry.objects.filter(cooperative=cooperative).select_related("reverses").prefetch_related("reversals")
    if state in EntryState.values:
        entries = entries.filter(state=state)
    if search:
        entries = entries.filter(Q(number__icontains=search) | Q(description__icontains=search) | Q(reference__icontains=search))
    if date_from:
        entries = entries.filter(date__gte=date_from)
    if date_to:
        entries = entries.filter(date__lte=date_to)
    return entries.order_by("-date", "-id")


@scoped
def entry_with_lines(*, cooperative, number: str):
    return (
        JournalEntry.objects.filter(cooperative=cooperative, number=number)
        .select_related("reverses", "posted_by", "created_by").prefetch_related("lines__account", "reversals").first()
    )


@scoped
def book_year_list(*, cooperative):
    return BookYear.objects.filter(cooperative=cooperative).order_by("-year")
