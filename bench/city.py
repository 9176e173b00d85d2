#!/usr/bin/env python
"""City benchmark (issue 6, item 8): the city's dashboard stays fast at province scale.

Builds a scratch PostgreSQL database (default `portal_bench_city`, on the server DATABASE_URL
points at) with the demo generator at province scale — 5,000 cooperatives × 200 members
(`seed_demo --without-books`: registers, RAT history, charts of accounts) — then writes
5,000,000 journal lines (1,000 per cooperative over the current book year and the two before,
the past ones closed) through `ledger.bulk`, the ledger benchmark's bulk path, and rebuilds the
city figures from scratch (`manage.py city_rebuild_figures`). Then, after warm-up, it times
repeated runs of

- the dashboard page `/kota/?tahun=<default year>` (city staff, django.test.Client in-process),
- the city indicators API `/api/v1/city/indicators/?year=`,
- the `city.selectors.indicators()` selector,
- a bare `SELECT` of the precomputed rows of that year (every column of the 5,000 rows),

and prints the medians, the query counts and the ratio of each to the bare SELECT. It also times
one cooperative's incremental refresh (what a posting costs after its commit) and checks the
figures against a scan of the register.

Targets: dashboard and API median ≤ 200 ms and ≤ 15 queries; the exit status is 1 when one is
missed. See docs/PERFORMANCE.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal .venv/bin/python bench/city.py [--reuse]
"""

import argparse
import io
import os
import platform
import random
import sys
import tempfile
import time
import warnings
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import cpu_name, median_ms, prepare_database  # noqa: E402

PASSWORD = "bench-city-2026"
STAFF_EMAIL = "bench.city@example.org"
TARGET_MS, TARGET_QUERIES = 200.0, 15


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="portal_bench_city", help="scratch database name (default %(default)s)")
    parser.add_argument("--reuse", action="store_true", help="keep the scratch database if it already holds the data")
    parser.add_argument("--cooperatives", type=int, default=5000, help="default %(default)s")
    parser.add_argument("--members-per-cooperative", type=int, default=200, help="default %(default)s")
    parser.add_argument("--lines", type=int, default=5_000_000, help="journal lines in all (default %(default)s)")
    parser.add_argument("--runs", type=int, default=15, help="measured runs each (default %(default)s)")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured runs first (default %(default)s)")
    return parser.parse_args()


# --- building --------------------------------------------------------------------------------

# accounts every chart template has (ledger/charts.py)
CODES = ("1-101", "1-102", "2-101", "3-102", "4-101", "4-901", "5-102", "5-105")


def write_books(args, today):
    """`args.lines` lines spread over every cooperative: the current book year and the two before
    (December year ends), the past ones closed, one transaction per 50 cooperatives."""
    from django.db import connection, transaction
    from django_scopes import scopes_disabled

    from cooperatives.models import Cooperative
    from ledger import bulk
    from ledger.models import Account, EntryKind

    rng = random.Random(20261128)
    with scopes_disabled():
        cooperatives = list(Cooperative.objects.order_by("pk").values_list("pk", flat=True))
        accounts = {}
        for coop, code, pk in Account.objects.filter(code__in=CODES).values_list("cooperative_id", "code", "pk"):
            accounts.setdefault(coop, {})[code] = pk
    years = [today.year - 2, today.year - 1, today.year]
    days = [d for y in years for d in (date(y, 1, 2) + timedelta(days=i) for i in range(364)) if d <= today]
    per_cooperative = args.lines // len(cooperatives)

    def amount(low, high):
        return Decimal(rng.randint(low, high) * 1000)

    def entries_for(coop):
        ids = accounts[coop]

        def entry(day, description, lines, **kw):
            return bulk.BulkEntry(coop, day, description, [(ids[c], d, k) for c, d, k in lines], **kw)

        start = date(years[0], 1, 1)
        out = [entry(start, "Saldo awal", [("1-101", Decimal(50_000_000), 0), ("1-102", Decimal(400_000_000), 0),
                                           ("3-102", 0, Decimal(300_000_000)), ("2-101", 0, Decimal(150_000_000))],
                     kind=EntryKind.OPENING)]
        count = 4
        while count < per_cooperative:
            day, roll = rng.choice(days), rng.random()
            if roll < 0.35:
                a = amount(10, 50)
                out.append(entry(day, "Setoran simpanan wajib", [("1-101", a, 0), ("3-102", 0, a)]))
            elif roll < 0.55:
                a = amount(20, 500)
                out.append(entry(day, "Setoran simpanan sukarela", [("1-101", a, 0), ("2-101", 0, a)]))
            elif roll < 0.85:
                a, b = amount(50, 900), amount(1, 50)
                out.append(entry(day, "Pendapatan usaha", [("1-101", a + b, 0), ("4-101", 0, a), ("4-901", 0, b)]))
                count += 1
            else:
                s, x = amount(50, 300), amount(5, 60)
                out.append(entry(day, "Gaji dan administrasi", [("5-102", s, 0), ("5-105", x, 0), ("1-102", 0, s + x)]))
                count += 1
            count += 2
        out.sort(key=lambda e: e.date)
        return out

    started = time.monotonic()
    written = 0
    batch_size = 50
    for start in range(0, len(cooperatives), batch_size):
        chunk = cooperatives[start:start + batch_size]
        entries = [e for coop in chunk for e in entries_for(coop)]
        with transaction.atomic():
            bulk.post_entries(entries)
            bulk.close_years([(c, y) for c in Cooperative.objects.filter(pk__in=chunk) for y in years[:-1]], today=today)
        written += sum(len(e.lines) for e in entries)
        done = start + len(chunk)
        if start == 0:  # planner statistics for the freshly filled tables (the closings join them)
            with connection.cursor() as cursor:
                for table in ("ledger_journalline", "ledger_journalentry", "ledger_account", "ledger_accountbalance", "ledger_bookyear"):
                    cursor.execute(f"ANALYZE {table}")
        if done % 500 == 0 or done == len(cooperatives):
            print(f"  books: {done:,}/{len(cooperatives):,} cooperatives, {written:,} lines ({time.monotonic() - started:.0f} s)",
                  flush=True)
    return time.monotonic() - started


def build(args, today):
    from django.core.management import call_command

    started = time.monotonic()
    print(f"Seeding {args.cooperatives:,} cooperatives × {args.members_per_cooperative} members …", flush=True)
    call_command("seed_demo", "--cooperatives", str(args.cooperatives), "--members-per-cooperative", str(args.members_per_cooperative),
                 "--without-books", "--logins-file", str(Path(tempfile.mkdtemp(prefix="bench-city-")) / "logins.json"), stdout=io.StringIO())
    seed_seconds = time.monotonic() - started
    print(f"Seeded in {seed_seconds:.0f} s; writing {args.lines:,} journal lines …", flush=True)
    books_seconds = write_books(args, today)
    return seed_seconds, books_seconds


# --- measuring -------------------------------------------------------------------------------

def main():
    args = parse_args()
    url, existed, _version = prepare_database(os.environ.get("DATABASE_URL", ""), args.database, args.reuse, script="city.py")
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from city import figures, selectors
    from city.models import CooperativeYearFigures
    from cooperatives.models import CityRole, Cooperative
    from ledger.models import JournalLine
    from members.models import Member
    from users.models import User

    setup_test_environment(debug=False)
    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    with scopes_disabled():
        n_coops = Cooperative.objects.count()
        n_lines = JournalLine.objects.count()
    seed_seconds = books_seconds = rebuild_seconds = None
    if not (existed and n_coops >= args.cooperatives and n_lines >= args.lines * 0.99):
        if existed:
            connection.close()
            url, _existed, _version = prepare_database(os.environ["DATABASE_URL"], args.database, reuse=False, script="city.py")
            call_command("migrate", verbosity=0)
        seed_seconds, books_seconds = build(args, today)
        connection.cursor().execute("VACUUM ANALYZE")
        print("Rebuilding the city figures from scratch …", flush=True)
        started = time.monotonic()
        call_command("city_rebuild_figures", verbosity=0)
        rebuild_seconds = time.monotonic() - started
        connection.cursor().execute("VACUUM ANALYZE")
    else:
        print(f"Reusing {args.database}.")
    with scopes_disabled():
        n_coops = Cooperative.objects.count()
        n_members = Member.objects.count()
        n_lines = JournalLine.objects.count()
    n_rows = CooperativeYearFigures.objects.count()
    year = selectors.default_year()

    staff = User.objects.filter(email=STAFF_EMAIL).first()
    if staff is None:
        staff = User.objects.create_user(email=STAFF_EMAIL, password=PASSWORD, full_name="Bench City Staff")
        CityRole.objects.create(user=staff, role="city_staff")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff)

    def page():
        response = client.get("/kota/", {"tahun": year})
        assert response.status_code == 200, response.status_code
        return response

    def api():
        response = client.get("/api/v1/city/indicators/", {"year": year})
        assert response.status_code == 200, (response.status_code, response.content[:300])
        return response

    def selector():
        return selectors.indicators(year)

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {CooperativeYearFigures._meta.db_table} WHERE book_year = %s", [year])  # nosec B608  # the model's own table name
            return cursor.fetchall()

    # the figures agree with a scan of the register (members on it at the year's end)
    year_end = date(year, 12, 31)
    with scopes_disabled():
        scanned = Member.objects.filter(joined_on__lte=year_end, cooperative__year_figures__book_year=year).exclude(
            left_on__lte=year_end).exclude(cooperative__registry_status__in=["dissolved", "merged"]).count()
    indicators = selector()
    assert indicators.members_total == scanned, (indicators.members_total, scanned)

    def queries(fn):
        fn()
        with CaptureQueriesContext(connection) as ctx:
            fn()
        return len(ctx.captured_queries)

    counts = {"page": queries(page), "api": queries(api), "selector": queries(selector), "bare": queries(bare)}
    results = {
        "dashboard page /kota/": median_ms(page, args.runs, args.warmup),
        "indicators API": median_ms(api, args.runs, args.warmup),
        "indicators() selector": median_ms(selector, args.runs, args.warmup),
        "bare SELECT of the year's rows": median_ms(bare, args.runs, args.warmup),
    }
    with scopes_disabled():
        sample = Cooperative.objects.order_by("pk")[n_coops // 2]
    refresh = median_ms(lambda: figures.refresh_cooperative_figures(sample, parts={figures.LEDGER}), 5, 1)
    refresh_all = median_ms(lambda: figures.refresh_cooperative_figures(sample), 5, 1)

    failures = []
    cpu = cpu_name()
    print()
    print(f"City benchmark, {today.isoformat()}: {n_coops:,} cooperatives, {n_members:,} members, {n_lines:,} journal lines, "
          f"{n_rows:,} figure rows; book year {year}; median of {args.runs} runs after {args.warmup} warm-up (ms)")
    print(f"machine: {cpu}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, "
          f"Python {platform.python_version()}, PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}")
    if seed_seconds is not None:
        print(f"build: seed {seed_seconds:.0f} s (figures rebuilt at its end), books {books_seconds:.0f} s through ledger.bulk, "
              f"city_rebuild_figures {rebuild_seconds:.0f} s")
    print(f"indicators {year}: {indicators.registered:,} registered, {indicators.active:,} active, {indicators.rat_held:,} RAT, "
          f"{indicators.members_total:,} members ({indicators.distinct_persons:,} persons), assets {indicators.total_assets:,.0f}")
    print()
    bare_ms = results["bare SELECT of the year's rows"][0]
    print("| measured | median | min | max | queries | ÷ bare SELECT |")
    print("|---|---:|---:|---:|---:|---:|")
    keys = {"dashboard page /kota/": "page", "indicators API": "api", "indicators() selector": "selector",
            "bare SELECT of the year's rows": "bare"}
    for name, (median, low, high) in results.items():
        print(f"| {name} | {median:.1f} | {low:.1f} | {high:.1f} | {counts[keys[name]]} | {median / bare_ms:.1f}× |")
    print(f"| refresh of one cooperative after a posting (ledger part) | {refresh[0]:.1f} | {refresh[1]:.1f} | {refresh[2]:.1f} | | |")
    print(f"| refresh of one cooperative, every part | {refresh_all[0]:.1f} | {refresh_all[1]:.1f} | {refresh_all[2]:.1f} | | |")
    for name, key in (("dashboard page /kota/", "page"), ("indicators API", "api")):
        if results[name][0] > TARGET_MS:
            failures.append(f"{name} {results[name][0]:.1f} ms > {TARGET_MS:.0f} ms")
        if counts[key] > TARGET_QUERIES:
            failures.append(f"{name} {counts[key]} queries > {TARGET_QUERIES}")
    print()
    if failures:
        print("TARGETS MISSED: " + "; ".join(failures))
        sys.exit(1)
    print(f"Targets met: dashboard and API ≤ {TARGET_MS:.0f} ms and ≤ {TARGET_QUERIES} queries.")


if __name__ == "__main__":
    main()
