#!/usr/bin/env python
"""Ledger benchmark (issue 3, item 11): reports stay fast however many lines a cooperative has.

Builds a scratch PostgreSQL database (default `portal_bench_ledger`, on the server DATABASE_URL
points at) holding ONE savings-and-loan cooperative with 1,000,000 journal lines over five book
years (the four past ones closed), written through `ledger.bulk` (same rows as the services,
every deferred trigger checked at each month's commit), plus a tiny cooperative to compare query
counts with. Then, after warm-up, it times repeated runs of

- the trial balance, balance sheet and income statement selectors (rollup + the current
  partial month of lines),
- the same through the API (`/api/v1/c/<slug>/ledger/reports/…`) and the trial balance page,
  in-process with django.test.Client (session of a manager),
- the same three reports recomputed from every line (`from_lines=True`),

and prints the medians and the ratio recomputation / rollup. It asserts that the trial balance
selector and page run the same number of queries for 1,000,000 lines as for ten.

Targets: every report ≤ 100 ms median at 1,000,000 lines and ≥ 10× faster than recomputing it;
the exit status is 1 when one is missed. See bench/README.md and docs/PERFORMANCE.md.

    createdb -h 127.0.0.1 -U postgres portal   # any database on the server, for the connection
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal .venv/bin/python bench/ledger.py [--reuse]
"""

import argparse
import os
import platform
import random
import sys
import time
import warnings
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import cpu_name, median_ms, prepare_database  # noqa: E402

BENCH_SLUG, SMALL_SLUG = "bench-ksp-sejuta-baris", "bench-ksp-kecil"
PASSWORD = "bench-ledger-2026"
TARGET_MS, TARGET_RATIO = 100.0, 10.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="portal_bench_ledger", help="scratch database name (default %(default)s)")
    parser.add_argument("--reuse", action="store_true", help="keep the scratch database if it already holds the books")
    parser.add_argument("--lines", type=int, default=1_000_000, help="journal lines to build (default %(default)s)")
    parser.add_argument("--years", type=int, default=5, help="book years, the current one included (default %(default)s)")
    parser.add_argument("--runs", type=int, default=15, help="measured runs per report (default %(default)s)")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured runs first (default %(default)s)")
    return parser.parse_args()


def build(args, today):
    """One cooperative with `args.lines` lines over `args.years` book years, past years closed."""
    from django.db import transaction
    from django_scopes import scopes_disabled

    from cooperatives.models import Cooperative, Kelurahan, RoleAssignment
    from ledger import bulk
    from ledger.models import Account, EntryKind, JournalType
    from users.models import User

    with scopes_disabled():
        kelurahan = Kelurahan.objects.select_related("kecamatan").order_by("code").first()
        coops = {}
        for slug, name in ((BENCH_SLUG, "Koperasi Simpan Pinjam Sejuta Baris"), (SMALL_SLUG, "Koperasi Simpan Pinjam Kecil")):
            coops[slug] = Cooperative.objects.create(
                name=name, slug=slug, kind="simpan_pinjam", kecamatan=kelurahan.kecamatan, kelurahan=kelurahan,
                founded_on=date(today.year - args.years - 10, 1, 1),
            )
        bulk.apply_charts(coops.values())
        user = User.objects.create_user(email="bench.ledger@example.org", password=PASSWORD, full_name="Bench Manager")
        for coop in coops.values():
            RoleAssignment.objects.create(cooperative=coop, user=user, role="manager")
        accounts = {slug: dict(Account.objects.filter(cooperative=c).values_list("code", "pk")) for slug, c in coops.items()}

    rng = random.Random(20260101)

    def amount(low, high):
        return Decimal(rng.randint(low, high) * 1000)

    def entry(coop, day, description, lines, **kw):
        ids = accounts[coop.slug]
        return bulk.BulkEntry(coop.pk, day, description, [(ids[code], d, c) for code, d, c in lines], **kw)

    # the kinds of entries a savings-and-loan cooperative posts, with their weights
    def draw(coop, day):
        roll = rng.random()
        if roll < 0.25:
            a = amount(10, 50)
            return entry(coop, day, "Setoran simpanan wajib", [("1-101", a, 0), ("3-102", 0, a)])
        if roll < 0.40:
            a = amount(20, 2000)
            return entry(coop, day, "Setoran simpanan sukarela", [("1-101", a, 0), ("2-101", 0, a)])
        if roll < 0.50:
            a = amount(20, 1000)
            return entry(coop, day, "Penarikan simpanan sukarela", [("2-101", a, 0), ("1-101", 0, a)])
        if roll < 0.75:
            p, i = amount(100, 2000), amount(10, 200)
            f = amount(1, 10) if rng.random() < 0.2 else Decimal(0)
            lines = [("1-101", p + i + f, 0), ("1-103", 0, p), ("4-101", 0, i)] + ([("4-103", 0, f)] if f else [])
            return entry(coop, day, "Angsuran dan jasa pinjaman anggota", lines)
        if roll < 0.80:
            p, i = amount(100, 2000), amount(10, 250)
            return entry(coop, day, "Angsuran dan jasa pinjaman non-anggota", [("1-101", p + i, 0), ("1-104", 0, p), ("4-104", 0, i)])
        if roll < 0.90:
            a = amount(500, 20000)
            fee = (a / 100).quantize(Decimal("1"))
            return entry(coop, day, "Pencairan pinjaman anggota", [("1-103", a, 0), ("1-102", 0, a - fee), ("4-102", 0, fee)])
        if roll < 0.97:
            s, x = amount(50, 500), amount(5, 100)
            return entry(coop, day, "Gaji dan biaya administrasi", [("5-102", s, 0), ("5-105", x, 0), ("1-101", 0, s + x)])
        a = amount(1000, 50000)
        return entry(coop, day, "Setoran kas ke bank", [("1-102", a, 0), ("1-101", 0, a)])

    first_year = today.year - args.years + 1
    months = [(y, m) for y in range(first_year, today.year + 1) for m in range(1, 13) if date(y, m, 1) <= today]
    started = time.monotonic()
    lines_done = entries_done = 0
    big, small = coops[BENCH_SLUG], coops[SMALL_SLUG]
    with transaction.atomic():
        opening = [
            entry(c, date(first_year, 1, 1), f"Saldo awal tahun buku {first_year}", [
                ("1-101", Decimal(500_000_000), 0), ("1-102", Decimal(4_000_000_000), 0), ("1-103", Decimal(20_000_000_000), 0),
                ("3-101", 0, Decimal(1_000_000_000)), ("3-102", 0, Decimal(9_000_000_000)), ("2-101", 0, Decimal(14_500_000_000)),
            ], kind=EntryKind.OPENING)
            for c in (big, small)
        ]
        done = bulk.post_entries(opening + [draw(small, today - timedelta(days=d)) for d in range(8)])
        lines_done += len(done[0].lines)
        entries_done += 1
    for index, (y, m) in enumerate(months):
        last_day = (date(y + m // 12, m % 12 + 1, 1) - timedelta(days=1))
        days = [date(y, m, d) for d in range(1, min(last_day, today).day + 1)]
        want = (args.lines - lines_done) // (len(months) - index)
        batch, count = [], 0
        while count < want:
            e = draw(big, rng.choice(days))
            batch.append(e)
            count += len(e.lines)
        batch.sort(key=lambda e: e.date)
        # a few corrections: reversals of this month's entries a day or two later
        for original in rng.sample(batch, max(1, len(batch) // 200)):
            day = min(original.date + timedelta(days=rng.randint(0, 2)), days[-1])
            batch.append(bulk.BulkEntry(big.pk, day, "", kind=EntryKind.REVERSAL, reverses=original))
            count += len(original.lines)
        if m == 12 and last_day < today:
            dep = Decimal(25_000_000)
            batch.append(entry(big, last_day, f"Penyusutan aset tetap tahun {y}", [("5-106", dep, 0), ("1-202", 0, dep)],
                               journal_type=JournalType.ADJUSTMENT))
            count += 2
        with transaction.atomic():  # commit per month: PostgreSQL checks every entry at commit
            bulk.post_entries(batch)
            if m == 12 and last_day < today:
                closings = bulk.close_years([(big, y)], today=today)
                count += sum(len(c.lines) for c in closings)
                entries_done += len(closings)
        lines_done += count
        entries_done += len(batch)
        if m == 12 or (y, m) == months[-1]:
            print(f"  built {y}: {entries_done:,} entries, {lines_done:,} lines ({time.monotonic() - started:.0f} s)", flush=True)
    return time.monotonic() - started


# --- measuring -------------------------------------------------------------------------------

def main():
    args = parse_args()
    url, existed, _version = prepare_database(os.environ.get("DATABASE_URL", ""), args.database, args.reuse, script="ledger.py")
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
    warnings.filterwarnings("ignore", message="No directory at")  # static files are not collected here
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from cooperatives.models import Cooperative
    from ledger import selectors
    from ledger.models import JournalEntry, JournalLine
    from users.models import User

    setup_test_environment(debug=False)  # the test client's host; no DEBUG query log in the timings
    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    with scopes_disabled():
        present = Cooperative.objects.filter(slug=BENCH_SLUG).first()
        lines = JournalLine.objects.filter(cooperative=present).count() if present else 0
    if existed and present and lines >= args.lines:
        print(f"Reusing {args.database}: {lines:,} lines in {BENCH_SLUG}.")
        build_seconds = None
    else:
        if existed:  # --reuse, but the books are not (all) there
            connection.close()
            url, _existed, _version = prepare_database(os.environ["DATABASE_URL"], args.database, reuse=False, script="ledger.py")
            call_command("migrate", verbosity=0)
        print(f"Building {args.database}: {args.lines:,} lines over {args.years} book years …", flush=True)
        build_seconds = build(args, today)
        connection.cursor().execute("VACUUM ANALYZE")
        print(f"Built in {build_seconds:.0f} s.")

    with scopes_disabled():
        big = Cooperative.objects.get(slug=BENCH_SLUG)
        small = Cooperative.objects.get(slug=SMALL_SLUG)
        n_lines = JournalLine.objects.filter(cooperative=big).count()
        n_entries = JournalEntry.objects.filter(cooperative=big).count()
        first = JournalLine.objects.filter(cooperative=big).order_by("date").values_list("date", flat=True).first()
    year_start = date(today.year, 1, 1)
    client = Client()
    client.force_login(User.objects.get(email="bench.ledger@example.org"))

    def api(coop, report, query):
        response = client.get(f"/api/v1/c/{coop.slug}/ledger/reports/{report}/", query)
        assert response.status_code == 200, (report, response.status_code, response.content[:300])
        return response

    def page(coop):
        response = client.get(f"/c/{coop.slug}/buku/laporan/neraca-saldo/", {"as_of": today.isoformat()})
        assert response.status_code == 200, response.status_code
        return response

    reports = {
        "trial balance": (
            lambda coop, **kw: selectors.trial_balance(cooperative=coop, as_of=today, **kw),
            lambda coop: api(coop, "trial-balance", {"as_of": today.isoformat()}),
        ),
        "balance sheet": (
            lambda coop, **kw: selectors.balance_sheet(cooperative=coop, as_of=today, **kw),
            lambda coop: api(coop, "balance-sheet", {"as_of": today.isoformat()}),
        ),
        "income statement": (
            lambda coop, **kw: selectors.income_statement(cooperative=coop, date_from=year_start, date_to=today, **kw),
            lambda coop: api(coop, "income-statement", {"from": year_start.isoformat(), "to": today.isoformat()}),
        ),
    }

    # the figures agree before anything is timed
    def figures(report):
        if hasattr(report, "rows"):  # trial balance
            return [(r.account.code, r.debit, r.credit) for r in report.rows], report.total_debit
        if hasattr(report, "assets"):  # balance sheet
            return [(a.code, x, y) for s in (report.assets, report.liabilities, report.equity) for a, x, y in s.rows], report.current_shu
        return [(a.code, x) for a, x in report.income + report.expense], report.shu

    for name, (selector, _api) in reports.items():
        assert figures(selector(big)) == figures(selector(big, from_lines=True)), f"{name}: rollup and lines disagree"

    # constant number of queries: 1,000,000 lines cost what ten lines cost (counted on a second
    # call, once per-process caches are warm)
    def queries(fn):
        fn()
        with CaptureQueriesContext(connection) as ctx:
            fn()
        return len(ctx.captured_queries)

    query_counts = {
        "trial balance selector": (queries(lambda: reports["trial balance"][0](big)), queries(lambda: reports["trial balance"][0](small))),
        "trial balance page": (queries(lambda: page(big)), queries(lambda: page(small))),
        "trial balance API": (queries(lambda: reports["trial balance"][1](big)), queries(lambda: reports["trial balance"][1](small))),
    }

    results = []
    for name, (selector, via_api) in reports.items():
        rollup = median_ms(lambda: selector(big), args.runs, args.warmup)
        http = median_ms(lambda: via_api(big), args.runs, args.warmup)
        recompute = median_ms(lambda: selector(big, from_lines=True), max(5, args.runs // 3), 1)
        results.append((name, rollup, http, recompute))
    page_ms = median_ms(lambda: page(big), args.runs, args.warmup)

    # --- report ---
    failures = []
    print()
    print(f"Ledger benchmark, {today.isoformat()}: {n_lines:,} journal lines, {n_entries:,} entries, "
          f"{first} … {today} in one cooperative; median of {args.runs} runs after {args.warmup} warm-up (ms)")
    cpu = cpu_name()
    print(f"machine: {cpu}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, "
          f"Python {platform.python_version()}, PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}")
    if build_seconds is not None:
        print(f"build: {build_seconds:.0f} s through ledger.bulk ({n_lines / build_seconds:,.0f} lines/s, triggers on)")
    print()
    print("| report | selector (rollup) | API | recomputed from lines | recomputed / rollup |")
    print("|---|---:|---:|---:|---:|")
    for name, rollup, http, recompute in results:
        ratio = recompute[0] / rollup[0]
        print(f"| {name} | {rollup[0]:.1f} | {http[0]:.1f} | {recompute[0]:.0f} | {ratio:.0f}× |")
        if rollup[0] > TARGET_MS:
            failures.append(f"{name} selector {rollup[0]:.1f} ms > {TARGET_MS:.0f} ms")
        if http[0] > TARGET_MS:
            failures.append(f"{name} API {http[0]:.1f} ms > {TARGET_MS:.0f} ms")
        if ratio < TARGET_RATIO:
            failures.append(f"{name}: only {ratio:.1f}× faster than recomputing")
    print(f"| trial balance page (HTML) | | {page_ms[0]:.1f} | | |")
    if page_ms[0] > TARGET_MS:
        failures.append(f"trial balance page {page_ms[0]:.1f} ms > {TARGET_MS:.0f} ms")
    print()
    for name, (n_big, n_small) in query_counts.items():
        print(f"queries, {name}: {n_big} at {n_lines:,} lines, {n_small} at ten lines")
        if n_big != n_small:
            failures.append(f"{name}: {n_big} queries at {n_lines:,} lines but {n_small} at ten")
    print()
    if failures:
        print("MISSED: " + "; ".join(failures))
        return 1
    print(f"All targets met: every report ≤ {TARGET_MS:.0f} ms and ≥ {TARGET_RATIO:.0f}× faster than recomputing; constant queries.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
