"""Keeps `CooperativeYearFigures` (and `SharedPerson`) in step with each cooperative's own data.

Where the numbers come from (per cooperative, per book year Y ending on E):
- ledger (the `AccountBalance` rollup, never the journal lines): at E, total assets = asset
  accounts' debit balance (contra accounts net); outside capital = liabilities; own capital =
  equity + the SHU not yet closed into equity; total savings = the savings control accounts
  (purpose savings_*); business volume = income of the book year; SHU = income − expense of the
  book year (closing entries left out);
- register: members on the register at E (joined on or before E, not left by E), by gender;
  for the book year still running E is in the future, so this is the register today;
- managers: the manager role assignments today, for every year (roles keep no history);
- RAT: the cooperative's RAT meeting for Y (held on, reported on), its deadline (E + the AD/ART's
  months), the latest book year ≤ Y with a RAT and how many book years in a row up to Y had none.

When: services call `schedule_refresh(cooperative, parts)` inside their transaction; after the
outermost commit each scheduled cooperative is refreshed once, however many calls the transaction
made (a wajib collection or an import of a thousand rows → one refresh). A rolled-back transaction
refreshes nothing new (its callbacks are dropped). The bulk paths of the seed and the benchmark
call `rebuild_figures()` (or `manage.py city_rebuild_figures`) themselves.

Cost: a refresh reads only the one cooperative's rows in a fixed number of grouped queries
(members grouped by gender and join/leave month; the rollup grouped by kind and month), plus,
for the members part, one indexed lookup of its NIK hashes in other cooperatives per 1,000
members. Nothing here scans the city.
"""

import logging
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from django_scopes import scopes_disabled

from cooperatives.book_years import book_year_end, book_year_of
from cooperatives.models import Cooperative, RoleAssignment

from .models import CooperativeYearFigures, SharedPerson

logger = logging.getLogger(__name__)

ZERO = Decimal("0")
LEDGER, MEMBERS, RAT, MANAGERS = "ledger", "members", "rat", "managers"
ALL_PARTS = frozenset({LEDGER, MEMBERS, RAT, MANAGERS})
PART_FIELDS = {
    LEDGER: ["total_savings", "total_assets", "own_capital", "outside_capital", "business_volume", "shu"],
    MEMBERS: ["members_men", "members_women", "members_total"],
    MANAGERS: ["managers"],
    RAT: ["rat_held", "rat_held_on", "rat_reported_on", "rat_deadline", "last_rat_year", "years_without_rat"],
}
SAVINGS_PURPOSES = ("savings_pokok", "savings_wajib", "savings_sukarela", "savings_berjangka")
EARLIEST_YEAR = 1945
HASH_CHUNK = 1000
REBUILD_BATCH = 100


# --- scheduling ------------------------------------------------------------------------------

def _pending(connection):
    state = getattr(connection, "_city_figures_pending", None)
    if state is None:
        state = connection._city_figures_pending = {}
    return state


def _flush(using):
    connection = transaction.get_connection(using)
    state = _pending(connection)
    pending = dict(state)
    state.clear()
    for cooperative_id, parts in sorted(pending.items()):
        try:
            refresh_cooperative_figures(cooperative_id, parts=parts)
        except Exception:  # the writes are committed; a failed refresh waits for the rebuild
            logger.exception("city figures of cooperative %s not refreshed", cooperative_id)
            if getattr(settings, "CITY_FIGURES_RAISE", False):
                raise


def schedule_refresh(cooperative, parts=ALL_PARTS, *, using=None):
    """Refresh `cooperative`'s figures after the current transaction commits (at once outside
    one). Calls within one transaction are merged: one refresh per cooperative, with the union
    of the parts ("ledger", "members", "rat", "managers")."""
    cooperative_id = getattr(cooperative, "pk", cooperative)
    connection = transaction.get_connection(using)
    state = _pending(connection)
    state.setdefault(cooperative_id, set()).update(parts)
    # One callback per call (a closure, cheap): the first to run refreshes everything pending,
    # the others find nothing. Registering only once per transaction would lose the refresh
    # when that one callback is dropped with a rolled-back savepoint.
    transaction.on_commit(lambda: _flush(using), using=using)


def on_cooperative_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule_refresh(instance.pk)


def on_role_changed(sender, instance, raw=False, **kwargs):
    from cooperatives.access import MANAGER

    if not raw and instance.role == MANAGER:
        schedule_refresh(instance.cooperative_id, {MANAGERS})


# --- computing -------------------------------------------------------------------------------

def _ym(day):
    return (day.year, day.month)


class _Years:
    """The book years of one cooperative with their ends and RAT deadlines."""

    def __init__(self, cooperative, first: int, last: int):
        from meetings.services import rat_deadline

        self.years = list(range(first, last + 1))
        self.end_month = cooperative.book_year_end_month
        self.end = {y: book_year_end(y, cooperative.book_year_end_month) for y in self.years}
        self.start = {y: book_year_end(y - 1, cooperative.book_year_end_month).toordinal() + 1 for y in self.years}
        self.deadline = {y: rat_deadline(cooperative, y) for y in self.years}


def _first_day(cooperative, extra_days):
    days = [d for d in (cooperative.founded_on, cooperative.registered_on, *extra_days) if d]
    if not days and cooperative.created_at:
        days.append(timezone.localtime(cooperative.created_at).date())
    return min(days) if days else timezone.localdate()


def _member_groups(cooperative):
    """[(gender, (joined y, m), (left y, m) | None, count)] — one grouped query."""
    from members.models import Member

    rows = (
        Member.objects.filter(cooperative=cooperative).order_by()
        .values("gender", "joined_on__year", "joined_on__month", "left_on__year", "left_on__month")
        .annotate(n=Count("id"))
    )
    return [
        (r["gender"], (r["joined_on__year"], r["joined_on__month"]),
         (r["left_on__year"], r["left_on__month"]) if r["left_on__year"] else None, r["n"])
        for r in rows
    ]


def _members_figures(groups, years: _Years):
    """On the register at the end of each year = joined by then − left by then (prefix sums)."""
    from members.models import Gender

    changes = defaultdict(lambda: [0, 0])  # month → [men, women] joining minus leaving
    for gender, joined, left, n in groups:
        index = 1 if gender == Gender.FEMALE else 0
        changes[joined][index] += n
        if left is not None:
            changes[left][index] -= n
    months, m, count = sorted(changes), 0, [0, 0]
    out = {}
    for y in years.years:
        end = _ym(years.end[y])
        while m < len(months) and months[m] <= end:
            count = [count[0] + changes[months[m]][0], count[1] + changes[months[m]][1]]
            m += 1
        out[y] = {"members_men": count[0], "members_women": count[1], "members_total": count[0] + count[1]}
    return out


def _ledger_rows(cooperative):
    from ledger.models import AccountBalance

    return list(
        AccountBalance.objects.filter(cooperative=cooperative).order_by()
        .values("account__kind", "account__purpose", "year", "period")
        .annotate(d=Sum("debit_total"), c=Sum("credit_total"))
    )


def _ledger_figures(rows, years: _Years):
    """One pass over the rollup rows, then one over the years (prefix sums by month)."""
    from ledger.models import CLOSING_PERIOD, AccountKind

    # per month (and per closed year for period 13): assets, liabilities, equity, income, expense, savings
    monthly, closing = defaultdict(lambda: [ZERO] * 6), defaultdict(lambda: [ZERO] * 6)
    slot = {AccountKind.ASSET: 0, AccountKind.LIABILITY: 1, AccountKind.EQUITY: 2, AccountKind.INCOME: 3, AccountKind.EXPENSE: 4}
    for r in rows:
        d, c = r["d"] or ZERO, r["c"] or ZERO
        vector = closing[r["year"]] if r["period"] == CLOSING_PERIOD else monthly[(r["year"], r["period"])]
        kind = r["account__kind"]
        vector[slot[kind]] += (d - c) if kind == AccountKind.ASSET else (c - d)  # income, expense: credit − debit
        if r["account__purpose"] in SAVINGS_PURPOSES:
            vector[5] += c - d
    months, closed_years = sorted(monthly), sorted(closing)
    totals, closed = [ZERO] * 6, [ZERO] * 6  # cumulative regular lines; cumulative closing entries
    m = k = 0

    def advance(end_ym, year):
        nonlocal m, k
        while m < len(months) and months[m] <= end_ym:
            totals[:] = [a + b for a, b in zip(totals, monthly[months[m]])]
            m += 1
        while k < len(closed_years) and closed_years[k] <= year:
            closed[:] = [a + b for a, b in zip(closed, closing[closed_years[k]])]
            k += 1

    first = years.years[0]
    advance(_ym(book_year_end(first - 1, years.end_month)), first - 1)
    before_income, before_expense = totals[3], totals[4]
    out = {}
    for y in years.years:
        advance(_ym(years.end[y]), y)
        income, expense = totals[3] - before_income, -(totals[4] - before_expense)
        before_income, before_expense = totals[3], totals[4]
        assets, liabilities, equity = totals[0] + closed[0], totals[1] + closed[1], totals[2] + closed[2]
        unclosed = totals[3] + totals[4] + closed[3] + closed[4]
        out[y] = {
            "total_savings": totals[5] + closed[5], "total_assets": assets, "own_capital": equity + unclosed,
            "outside_capital": liabilities, "business_volume": income, "shu": income - expense,
        }
    return out


def _rat_meetings(cooperative):
    from meetings.models import Meeting, MeetingKind

    today = timezone.localdate()
    return {
        m["book_year"]: m for m in Meeting.objects.filter(cooperative=cooperative, kind=MeetingKind.RAT).order_by()
        .values("book_year", "held_on", "reported_on")
        if m["held_on"] is not None and m["held_on"] <= today
    }


def _rat_figures(meetings, years: _Years):
    out = {}
    last, without = None, 0
    for y in years.years:
        meeting = meetings.get(y)
        if meeting is not None:
            last, without = y, 0
        else:
            without += 1
        out[y] = {
            "rat_held": meeting is not None, "rat_held_on": meeting["held_on"] if meeting else None,
            "rat_reported_on": meeting["reported_on"] if meeting else None, "rat_deadline": years.deadline[y],
            "last_rat_year": last, "years_without_rat": without,
        }
    return out


def _managers_figures(cooperative, years: _Years):
    """The manager (pengurus) role assignments today, for every book year: roles keep no
    history, and the ODS of a closed year is filled in now, with the board as it is."""
    from cooperatives.access import MANAGER

    count = RoleAssignment.objects.filter(cooperative=cooperative, role=MANAGER).count()
    return {y: {"managers": count} for y in years.years}


def _shared_persons(cooperative):
    """Bring the SharedPerson rows of this cooperative's NIK hashes (now and before) up to date:
    a row per membership of a hash held in two or more cooperatives."""
    from members.models import Member

    own = set(Member.objects.filter(cooperative=cooperative).exclude(nik_hash="").values_list("nik_hash", flat=True))
    affected = own | set(SharedPerson.objects.filter(cooperative=cooperative).values_list("nik_hash", flat=True))
    if not affected:
        return
    affected = sorted(affected)
    end_months = {}
    for start in range(0, len(affected), HASH_CHUNK):
        chunk = affected[start:start + HASH_CHUNK]
        memberships = list(
            Member.objects.filter(nik_hash__in=chunk).order_by()
            .values_list("nik_hash", "cooperative_id", "joined_on", "left_on")
        )
        holders = defaultdict(set)
        for nik_hash, cooperative_id, _joined, _left in memberships:
            holders[nik_hash].add(cooperative_id)
        missing = {c for _h, c, _j, _l in memberships if c not in end_months}
        if missing:
            end_months.update(Cooperative.objects.filter(pk__in=missing).values_list("pk", "book_year_end_month"))
        rows = [
            SharedPerson(nik_hash=nik_hash, cooperative_id=cooperative_id,
                         first_year=book_year_of(joined, end_months[cooperative_id]),
                         until_year=book_year_of(left, end_months[cooperative_id]) if left else None)
            for nik_hash, cooperative_id, joined, left in memberships if len(holders[nik_hash]) > 1
        ]
        SharedPerson.objects.filter(nik_hash__in=chunk).delete()
        SharedPerson.objects.bulk_create(rows, batch_size=1000)


@transaction.atomic
def refresh_cooperative_figures(cooperative, years=None, *, parts=ALL_PARTS):
    """Recompute one cooperative's rows from its own data. `years`: only these book years are
    written (default: every book year from its founding to the one running today, and rows
    outside that range are removed). `parts`: the groups of columns to recompute when the rows
    exist already (a savings deposit needs only "ledger"); missing rows are always computed whole.
    Returns the number of rows written."""
    if not isinstance(cooperative, Cooperative):
        cooperative = Cooperative.objects.filter(pk=cooperative).first()
        if cooperative is None:  # deleted since it was scheduled
            return 0
    # Refreshes of one cooperative take turns (its row, locked to the commit): each reads the
    # books after the one before it wrote, so a slow refresh never writes older figures over a
    # newer one's. NO KEY UPDATE: postings inserting rows that point to the cooperative go on.
    list(Cooperative.objects.select_for_update(no_key=True).filter(pk=cooperative.pk).values_list("pk", flat=True))
    parts = set(parts) & ALL_PARTS
    today = timezone.localdate()
    now = timezone.now()
    end_month = cooperative.book_year_end_month
    current = book_year_of(today, end_month)
    with scopes_disabled():
        existing = set(CooperativeYearFigures.objects.filter(cooperative=cooperative).values_list("book_year", flat=True))
        if parts != ALL_PARTS and current in existing:
            # The rows are there: read only what the parts need (a posting: the rollup), keep the
            # span of years, unless the new data reaches before it (then the whole refresh below).
            first = min(existing)
            member_groups = _member_groups(cooperative) if MEMBERS in parts else []
            ledger_rows = _ledger_rows(cooperative) if LEDGER in parts else []
            meetings = _rat_meetings(cooperative) if RAT in parts else {}
            earliest = [book_year_of(date(y, m, 1), end_month) for _g, (y, m), _l, _n in member_groups]
            earliest += [r["year"] for r in ledger_rows if r["period"] != 13] + list(meetings)
            full = bool(earliest) and max(min(earliest), EARLIEST_YEAR) < first
            span = _Years(cooperative, first, current)
            wanted = [y for y in span.years if y in existing and (years is None or y in set(years))]
        else:
            full = True
        if full:
            parts = set(ALL_PARTS)
            member_groups = _member_groups(cooperative)
            ledger_rows = _ledger_rows(cooperative)
            meetings = _rat_meetings(cooperative)
            joined = [date(y, m, 1) for _g, (y, m), _l, _n in member_groups]
            ledger_years = [r["year"] for r in ledger_rows if r["period"] != 13]
            first = book_year_of(_first_day(cooperative, joined), end_month)
            if ledger_years:
                first = min(first, min(ledger_years))
            if meetings:
                first = min(first, min(meetings))
            first = max(first, EARLIEST_YEAR)
            span = _Years(cooperative, first, max(current, first))
            wanted = [y for y in span.years if years is None or y in set(years)]
        if not wanted:
            return 0
        computed = defaultdict(dict)
        if MEMBERS in parts:
            for y, values in _members_figures(member_groups, span).items():
                computed[y].update(values)
            _shared_persons(cooperative)
        if LEDGER in parts:
            for y, values in _ledger_figures(ledger_rows, span).items():
                computed[y].update(values)
        if RAT in parts:
            for y, values in _rat_figures(meetings, span).items():
                computed[y].update(values)
        if MANAGERS in parts:
            for y, values in _managers_figures(cooperative, span).items():
                computed[y].update(values)
        fields = [f for part in sorted(parts) for f in PART_FIELDS[part]] + ["year_end", "refreshed_at"]
        rows = [
            CooperativeYearFigures(cooperative=cooperative, book_year=y, year_end=span.end[y], refreshed_at=now,
                                   **{"rat_deadline": span.deadline[y], **computed[y]})
            for y in wanted
        ]
        # one upsert; on existing rows only the recomputed parts' columns change
        CooperativeYearFigures.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["cooperative", "book_year"], update_fields=fields, batch_size=500,
        )
        if full and years is None and not existing <= set(span.years):
            CooperativeYearFigures.objects.filter(cooperative=cooperative).exclude(book_year__in=span.years).delete()
    return len(rows)


def _analyze():
    """Fresh planner statistics after bulk loads (the seed, the benchmark): without them
    PostgreSQL scans the whole register for a cooperative's NIK hashes instead of using the index."""
    from django.db import connection

    from ledger.models import AccountBalance
    from meetings.models import Meeting
    from members.models import Member

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Member, AccountBalance, Meeting, SharedPerson, CooperativeYearFigures):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def rebuild_figures(*, cooperatives=None, years=None, write=None) -> int:
    """Recompute from scratch (`manage.py city_rebuild_figures`): every cooperative, or the
    given ones; returns the number of rows written."""
    if cooperatives is None:
        _analyze()
    with scopes_disabled():
        queryset = Cooperative.objects.order_by("pk")
        if cooperatives is not None:
            queryset = queryset.filter(pk__in=[getattr(c, "pk", c) for c in cooperatives])
        elif years is None:
            # a full rebuild also drops what no longer belongs to any cooperative
            SharedPerson.objects.all().delete()
        total = 0
        cooperatives = list(queryset)
        for start in range(0, len(cooperatives), REBUILD_BATCH):  # one commit per batch, not per cooperative
            with transaction.atomic():
                for cooperative in cooperatives[start:start + REBUILD_BATCH]:
                    total += refresh_cooperative_figures(cooperative, years=years)
            done = min(start + REBUILD_BATCH, len(cooperatives))
            if write and (done % 1000 == 0 or done == len(cooperatives)):
                write(f"  {done}/{len(cooperatives)} cooperatives, {total} rows")
    return total

