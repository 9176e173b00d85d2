"""Bulk writes to the books, for the demo seed and the benchmarks: thousands of entries in a few
statements instead of a dozen queries each.

What `post_entries` writes is what `services.entry_post` would have written for the same entries
posted one by one in list order: posted entries with gapless numbers per journal and book year
(continuing the cooperative's `Counter` rows, which end at the last number), their lines, the
per-account, per-month rollup (`AccountBalance`, closing entries in period 13), and `BookYear`
rows. `manage.py ledger_verify` finds no difference. What it does not write: audit events (like
the rest of the seed, see docs/DEMO_DATA.md), and no per-line messages for bookkeepers — a bad
entry is a programming error here and raises `ValueError`.

Order of the writes, for PostgreSQL's triggers (migration ledger/0002): entries are inserted as
drafts, then their lines (lines cannot be added to a posted entry), then the entries are marked
posted with their numbers (the deferred trigger checks every one balances at commit); closing
entries are posted before their year is marked closed (nothing is posted into a closed year).

Locks are taken in the services' order (book years → counters → balance rows by account), so a
bulk post may run while bookkeepers post.
"""

from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
import sqlite3

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from cooperatives.book_years import book_year_end, book_year_of
from cooperatives.models import Cooperative, Counter

from .charts import template_for
from .models import (
    CLOSING_PERIOD, Account, AccountBalance, AccountKind, BookYear, BookYearState, EntryKind, EntryState, JournalEntry,
    JournalLine, JournalType,
)
from .services import closing_lines

CENT = Decimal("0.01")
ZERO = Decimal("0")
# rows per INSERT/UPDATE statement: SQLite allows 32,766 parameters, PostgreSQL 65,535
MAX_PARAMS = 30000


@dataclass(eq=False)
class BulkEntry:
    """An entry to post. `lines` are (account_id, debit, credit) or (account_id, debit, credit,
    memo). A reversal (`reverses` set, kind reversal) may leave `lines` and `description` empty:
    it gets the mirror image of the original's lines and the services' description.
    `pk`, `number` and `book_year` are filled in by `post_entries`."""

    cooperative_id: int
    date: date
    description: str
    lines: list = field(default_factory=list)
    journal_type: str = JournalType.GENERAL
    kind: str = EntryKind.REGULAR
    reference: str = ""
    reverses: "BulkEntry | JournalEntry | None" = None
    pk: int | None = None
    number: str | None = None
    book_year: int | None = None


# --- charts of accounts ----------------------------------------------------------------------

@transaction.atomic
def apply_charts(cooperatives) -> int:
    """`services.chart_apply_template` for many cooperatives at once (same rows, no audit
    event): accounts that exist (by code) are left alone. Returns the number created."""
    cooperatives = list(cooperatives)
    created = 0
    with scopes_disabled():
        existing = defaultdict(dict)
        for pk, coop_id, code in Account.objects.filter(cooperative__in=cooperatives).values_list("pk", "cooperative_id", "code"):
            existing[coop_id][code] = pk
        pending = [(coop, row) for coop in cooperatives for row in template_for(coop.kind) if row[0] not in existing[coop.pk]]
        while pending:  # groups before the accounts they group
            ready = [item for item in pending if item[1][3] is None or item[1][3] in existing[item[0].pk]]
            if not ready:
                raise ValueError(f"chart template has a group that does not exist: {pending[0][1][3]}")
            if any(set(item[1][5]) - {"is_contra", "segment", "purpose"} for item in ready):
                raise ValueError("chart template row with an option apply_charts does not know")
            rows = [
                (coop.pk, code, name, kind, existing[coop.pk][parent] if parent else None, postable, True,
                 options.get("is_contra", False), options.get("segment", ""), options.get("purpose", ""))
                for coop, (code, name, kind, parent, postable, options) in ready
            ]
            ids = _insert(Account, ["cooperative_id", "code", "name", "kind", "parent_id", "is_postable", "is_active",
                                    "is_contra", "segment", "purpose"], rows, returning=True)
            for row, pk in zip(rows, ids):
                existing[row[0]][row[1]] = pk
            created += len(rows)
            done = {id(item) for item in ready}
            pending = [item for item in pending if id(item) not in done]
    return created


# --- posting ---------------------------------------------------------------------------------

def _q(name):
    return connection.ops.quote_name(name)


class _Cursor:
    """Runs the big statements without Django's DEBUG query log (formatting a 4,000-row INSERT
    for the log costs more than running it, and `make run` seeds with DEBUG on), and without the
    drivers rewriting every placeholder of a huge statement (SQLite: %s → ? by a regular
    expression; psycopg: parsing the query for client-side binding). Errors are still Django's.
    Write the SQL with %s."""

    def __init__(self, cursor):
        self.cursor = cursor

    def execute(self, sql, params):
        if connection.vendor == "sqlite":
            return sqlite3.Cursor.execute(self.cursor, sql.replace("%s", "?"), params)
        return self.cursor.execute(sql, params)

    def fetchall(self):
        return self.cursor.fetchall()


@contextmanager
def _cursor():
    with connection.cursor() as wrapper, connection.wrap_database_errors:
        yield _Cursor(wrapper.cursor)


def _rows_source(model, columns, rows):
    """Yield (sql, params) for chunks of `rows` as a row source with columns column1, column2, …:
    on PostgreSQL `SELECT * FROM unnest(…)`, one array per column (a handful of parameters
    however many rows), elsewhere a `VALUES` list (SQLite allows 32,766 parameters)."""
    if connection.vendor == "postgresql":
        fields = {f.column: f for f in model._meta.concrete_fields}
        arrays = ", ".join(f"%s::{fields[c].db_type(connection)}[]" for c in columns)
        # identifiers from the models' _meta, quoted; every value a parameter
        sql = f"SELECT * FROM unnest({arrays}) AS u({', '.join(f'column{i + 1}' for i in range(len(columns)))})"  # nosec B608
        for start in range(0, len(rows), 20000):
            yield sql, [list(column) for column in zip(*rows[start : start + 20000])]
        return
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    size = max(1, MAX_PARAMS // len(columns))
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        yield f"VALUES {', '.join([one] * len(chunk))}", [value for row in chunk for value in row]


def _insert(model, columns, rows, *, returning=False, on_conflict=""):
    """INSERT the tuples `rows`; with `returning`, the new primary keys in row order (as
    Django's bulk_create relies on for both databases)."""
    table = _q(model._meta.db_table)
    cols = ", ".join(_q(c) for c in columns)
    ids = []
    with _cursor() as cursor:
        for source, params in _rows_source(model, columns, rows):
            sql = f"INSERT INTO {table} ({cols}) {source} {on_conflict}"
            if returning:
                cursor.execute(sql + f" RETURNING {_q('id')}", params)
                ids.extend(row[0] for row in cursor.fetchall())
            else:
                cursor.execute(sql, params)
    return ids


def _update_from_values(model, key, assignments, rows, constants=()):
    """UPDATE model SET col = v.columnN … FROM <rows> AS v WHERE key = v.column1. `assignments`
    are the columns set from the row values (after the key), `constants` are (column, value)
    set on every row."""
    table = _q(model._meta.db_table)
    sets = [f"{_q(col)} = v.column{i + 2}" for i, col in enumerate(assignments)]
    sets += [f"{_q(col)} = %s" for col, _value in constants]
    with _cursor() as cursor:
        for source, params in _rows_source(model, [key, *assignments], rows):
            # identifiers from the models' _meta, quoted; every value a parameter
            sql = f"UPDATE {table} SET {', '.join(sets)} FROM ({source}) AS v WHERE {table}.{_q(key)} = v.column1"  # nosec B608
            cursor.execute(sql, [value for _col, value in constants] + params)


def insert_rows(model, fields, rows, *, returning=False):
    """INSERT plain rows of any model in a few statements: `rows` are tuples of the values of
    `fields` (attnames); the model's other fields get their default (auto_now/auto_now_add: now).
    No save(), no signals, no validation: for seeding rows whose invariants the caller keeps.
    Returns the new primary keys in row order with `returning`."""
    by_name = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
    given = [by_name[name] for name in fields]
    rest = [f for f in by_name.values() if f.attname not in fields]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    tail = tuple(now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_db_prep_save(f.get_default(), connection)
                 for f in rest)
    # dates go as they are (psycopg adapts them; Django registers an adapter with sqlite3);
    # datetimes need Django's time-zone handling
    adapters = {i: connection.ops.adapt_datetimefield_value for i, f in enumerate(given) if f.get_internal_type() == "DateTimeField"}
    if adapters:
        def adapt(row):
            row = list(row)
            for i, fn in adapters.items():
                if row[i] is not None:
                    row[i] = fn(row[i])
            return tuple(row) + tail
        values = [adapt(row) for row in rows]
    else:
        values = [tuple(row) + tail for row in rows]
    return _insert(model, [f.column for f in given + rest], values, returning=returning)


JOURNALS, KINDS = frozenset(JournalType.values), frozenset(EntryKind.values)
REGULAR, REVERSAL, CLOSING = EntryKind.REGULAR.value, EntryKind.REVERSAL.value, EntryKind.CLOSING.value


def _amount(value, where):
    if type(value) is not Decimal:
        value = Decimal(str(value))
    if value < 0 or not value.is_finite() or value != value.quantize(CENT):
        raise ValueError(f"{where()}: bad amount {value!r}")
    return value


def _validate(entries, accounts, reversal_lines):
    originals, reversed_targets = set(), set()
    for index, entry in enumerate(entries):
        def where():
            return f"entry {index} ({entry.description!r}, {entry.date})"

        if entry.journal_type not in JOURNALS or entry.kind not in KINDS:
            raise ValueError(f"{where()}: unknown journal or kind")
        if entry.reverses is not None:
            target = entry.reverses
            if entry.kind != REVERSAL:
                raise ValueError(f"{where()}: an entry that reverses another must be of kind reversal")
            if target.kind in (CLOSING, REVERSAL):
                raise ValueError(f"{where()}: closing entries and reversals are not reversed")
            if target.cooperative_id != entry.cooperative_id or entry.date < target.date:
                raise ValueError(f"{where()}: reverses an entry of another cooperative or a later date")
            if isinstance(target, BulkEntry) and target.pk is None and id(target) not in originals:
                raise ValueError(f"{where()}: reverses an entry that comes later in the list")
            if id(target) in reversed_targets:
                raise ValueError(f"{where()}: the entry is reversed twice")
            if not entry.lines:
                entry.lines = [(l[0], l[2], l[1], *l[3:]) for l in (target.lines if isinstance(target, BulkEntry) else reversal_lines.get(target.pk, ()))]
            reversed_targets.add(id(target))
        originals.add(id(entry))
        if len(entry.lines) < 2:
            raise ValueError(f"{where()}: an entry needs at least two lines")
        lines, debit, credit = [], ZERO, ZERO
        coop, inactive_ok = entry.cooperative_id, entry.kind == REVERSAL
        for line in entry.lines:
            account_id, d, c = line[0], _amount(line[1], where), _amount(line[2], where)
            info = accounts.get(account_id)
            if info is None or info[0] != coop:
                raise ValueError(f"{where()}: account {account_id} is not the cooperative's")
            if not info[1] or not (info[2] or inactive_ok):
                raise ValueError(f"{where()}: account {account_id} is a header or inactive")
            if (d > 0) == (c > 0):
                raise ValueError(f"{where()}: a line has both sides or none")
            debit += d
            credit += c
            lines.append((account_id, d, c, line[3][:200] if len(line) > 3 else ""))
        if debit != credit:
            raise ValueError(f"{where()}: debit {debit} and credit {credit} do not balance")
        entry.lines = lines
        description = entry.description or ""
        if "  " in description or description != description.strip() or len(description) > 300 or "\n" in description:
            entry.description = " ".join(description.split())[:300]
        if not entry.description and entry.reverses is None:
            raise ValueError(f"{where()}: no description")


@transaction.atomic
def post_entries(entries, *, actor=None, posted_at=None) -> list[BulkEntry]:
    """Post `entries` (BulkEntry, any number of cooperatives) as if `services.entry_post` had
    posted them one by one in list order: numbers in that order, continuing the counters.
    Returns the entries with pk, number and book_year set."""
    entries = list(entries)
    if not entries:
        return entries
    posted_at = posted_at or timezone.now()
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    with scopes_disabled():
        coop_ids = sorted({e.cooperative_id for e in entries})
        end_month = dict(Cooperative.objects.filter(pk__in=coop_ids).values_list("pk", "book_year_end_month"))
        accounts = {
            pk: (coop, postable, active)
            for pk, coop, postable, active in Account.objects.filter(cooperative_id__in=coop_ids)
            .values_list("pk", "cooperative_id", "is_postable", "is_active")
        }
        existing_targets = [e.reverses.pk for e in entries if isinstance(e.reverses, JournalEntry)]
        reversal_lines = defaultdict(list)
        if existing_targets:
            # lock order as in services.entry_reverse: the entries being reversed come first
            list(JournalEntry.objects.select_for_update().filter(pk__in=existing_targets).order_by("pk").values_list("pk"))
            if JournalEntry.objects.filter(reverses_id__in=existing_targets).exists():
                raise ValueError("an entry to reverse was reversed already")
            if JournalEntry.objects.filter(pk__in=existing_targets).exclude(state=EntryState.POSTED).exists():
                raise ValueError("only posted entries are reversed")
            for entry_id, account_id, d, c, memo in JournalLine.objects.filter(entry_id__in=existing_targets).order_by("id").values_list(
                "entry_id", "account_id", "debit", "credit", "memo"
            ):
                reversal_lines[entry_id].append((account_id, d, c, memo))
        _validate(entries, accounts, reversal_lines)
        for e in entries:
            e.book_year = book_year_of(e.date, end_month[e.cooperative_id])

        # book years: create the missing ones (open), lock them all (a close waits for us)
        wanted = sorted({(e.cooperative_id, e.book_year) for e in entries})
        BookYear.objects.bulk_create([
            BookYear(cooperative_id=c, year=y, start_date=book_year_end(y - 1, end_month[c]) + timedelta(days=1),
                     end_date=book_year_end(y, end_month[c]))
            for c, y in wanted
        ], ignore_conflicts=True, batch_size=1000)
        years = {
            (b.cooperative_id, b.year): b
            for b in BookYear.objects.select_for_update().filter(cooperative_id__in=coop_ids, year__in={y for _c, y in wanted}).order_by("cooperative_id", "year")
        }
        closed = [key for key in wanted if years[key].is_closed]
        if closed:
            raise ValueError(f"book year {closed[0][1]} of cooperative {closed[0][0]} is closed")

        # numbers: continue each journal's counter of the book year, in list order
        names = sorted({(e.cooperative_id, f"journal:{e.journal_type}:{e.book_year}") for e in entries})
        Counter.objects.bulk_create([Counter(cooperative_id=c, name=n) for c, n in names], ignore_conflicts=True, batch_size=1000)
        counters = {
            (c.cooperative_id, c.name): c
            for c in Counter.objects.select_for_update().filter(cooperative_id__in=coop_ids, name__in={n for _c, n in names}).order_by("cooperative_id", "name")
        }
        last = {key: counters[key].value for key in names}
        for e in entries:
            key = (e.cooperative_id, f"journal:{e.journal_type}:{e.book_year}")
            last[key] += 1
            e.number = f"{e.journal_type}-{e.book_year}-{last[key]:06d}"
        for e in entries:
            if e.reverses is not None and not e.description:
                e.description = (_("Reversal of %(number)s: %(description)s") % {"number": e.reverses.number, "description": e.reverses.description})[:300]
            if e.reverses is not None and not e.reference:
                e.reference = e.reverses.reference

        # drafts first (reversals after the entries they point to), then the lines
        ops = connection.ops
        created_at = ops.adapt_datetimefield_value(posted_at)
        columns = ["cooperative_id", "journal_type", "kind", "date", "book_year", "description", "reference", "state",
                   "reverses_id", "created_by_id", "created_at"]
        for wave in (
            [e for e in entries if not isinstance(e.reverses, BulkEntry)],
            [e for e in entries if isinstance(e.reverses, BulkEntry)],
        ):
            rows = [
                (e.cooperative_id, e.journal_type, e.kind, e.date, e.book_year, e.description,
                 (e.reference or "").strip()[:60], EntryState.DRAFT, e.reverses.pk if e.reverses is not None else None,
                 actor_id, created_at)
                for e in wave
            ]
            for e, pk in zip(wave, _insert(JournalEntry, columns, rows, returning=True)):
                e.pk = pk
        line_rows = []
        for e in entries:
            day = e.date  # as it is, like insert_rows
            line_rows += [(e.cooperative_id, e.pk, account_id, d, c, memo, day) for account_id, d, c, memo in e.lines]
        _insert(JournalLine, ["cooperative_id", "entry_id", "account_id", "debit", "credit", "memo", "date"], line_rows)
        _update_from_values(
            JournalEntry, "id", ["number"], [(e.pk, e.number) for e in entries],
            constants=[("state", EntryState.POSTED), ("posted_at", created_at), ("posted_by_id", actor_id)],
        )

        # counters end at the last number
        _update_from_values(Counter, "id", ["value"], [(counters[key].pk, value) for key, value in last.items()])

        _add_to_rollup(entries)
    return entries


def _add_to_rollup(entries):
    """Add the same totals `services._apply_rollup` adds, per (cooperative, account, year,
    period), with one upsert per chunk: a missing row is created with the totals, an existing
    one is incremented atomically. Rows are written in key order (account order within a
    cooperative), the order the services lock them in."""
    totals = defaultdict(lambda: [ZERO, ZERO])
    for e in entries:
        closing = e.kind == CLOSING
        year, period = (e.book_year, CLOSING_PERIOD) if closing else (e.date.year, e.date.month)
        for account_id, d, c, _memo in e.lines:
            cell = totals[(e.cooperative_id, account_id, year, period)]
            cell[0] += d
            cell[1] += c
    table = _q(AccountBalance._meta.db_table)
    keys = ["cooperative_id", "account_id", "year", "period"]
    update = ", ".join(f"{_q(c)} = {table}.{_q(c)} + excluded.{_q(c)}" for c in ("debit_total", "credit_total"))
    _insert(
        AccountBalance, keys + ["debit_total", "credit_total"], [(*key, d, c) for key, (d, c) in sorted(totals.items())],
        on_conflict=f"ON CONFLICT ({', '.join(_q(c) for c in keys)}) DO UPDATE SET {update}",  # nosec B608  # fixed column names
    )


# --- closing ---------------------------------------------------------------------------------

@transaction.atomic
def close_years(cooperatives_years, *, actor=None, today=None) -> list[BulkEntry]:
    """`services.book_year_close` (without the "prepared" step) for many (cooperative, year)
    pairs: closing entries posted through `post_entries`, then the years marked closed. Years
    are closed in ascending order; each must have ended and have no open earlier year."""
    today = today or timezone.localdate()
    pairs = sorted({(getattr(c, "pk", c), y) for c, y in cooperatives_years}, key=lambda p: (p[1], p[0]))
    closings = []
    with scopes_disabled():
        shu = dict(Account.objects.filter(cooperative_id__in={c for c, _y in pairs}, purpose="shu_current_year").values_list("cooperative_id", "pk"))
        for year in sorted({y for _c, y in pairs}):
            coop_ids = sorted(c for c, y in pairs if y == year)
            book_years = list(BookYear.objects.select_for_update().filter(cooperative_id__in=coop_ids, year=year).order_by("cooperative_id"))
            if len(book_years) != len(coop_ids) or any(b.is_closed or b.end_date >= today for b in book_years):
                raise ValueError(f"book year {year}: missing, closed already, or not ended for some cooperative")
            if BookYear.objects.filter(cooperative_id__in=coop_ids, year__lt=year).exclude(state=BookYearState.CLOSED).exists():
                raise ValueError(f"book year {year}: an earlier year is still open")
            if any(c not in shu for c in coop_ids):
                raise ValueError("a chart has no 'SHU tahun berjalan' account (purpose shu_current_year)")
            rows = (
                JournalLine.objects.filter(cooperative_id__in=coop_ids, entry__state=EntryState.POSTED, entry__book_year=year,
                                           account__kind__in=[AccountKind.INCOME, AccountKind.EXPENSE])
                .values("cooperative_id", "account").annotate(d=Sum("debit"), c=Sum("credit")).order_by("cooperative_id", "account")
            )
            balances = defaultdict(list)
            for row in rows:
                if row["d"] != row["c"]:
                    balances[row["cooperative_id"]].append((row["account"], row["d"] - row["c"]))
            entries = [
                BulkEntry(cooperative_id=b.cooperative_id, date=b.end_date, description=_("Closing of book year %(year)s") % {"year": year},
                          lines=closing_lines(balances[b.cooperative_id], shu[b.cooperative_id]),
                          journal_type=JournalType.CLOSING, kind=EntryKind.CLOSING)
                for b in book_years if balances[b.cooperative_id]
            ]
            closings += post_entries(entries, actor=actor)
            BookYear.objects.filter(pk__in=[b.pk for b in book_years]).update(
                state=BookYearState.CLOSED, closed_at=timezone.now(), closed_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
    return closings
