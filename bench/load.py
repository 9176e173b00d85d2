#!/usr/bin/env python
"""Load benchmark (issue 7, item 6): the portal under gunicorn + PostgreSQL on 127.0.0.1.

Seeds its own PostgreSQL database (default `portal_bench_load`, on the server DATABASE_URL points
at) with the demo city, gives 50 members of cooperatives with books, 5 bookkeepers (in 5
cooperatives) and 2 city staff a login, starts gunicorn on 127.0.0.1 with the bench settings
(`portal.settings.bench`: production-like, MFA off, plus a bare Django view at /bench/bare/),
and drives it with locust (bench/locustfile_load.py):

1. **Mixed load**, `--duration` (60) seconds after every simulated user has logged in:
   50 members browsing their home, passbook and statements (page and PDF), 5 bookkeepers
   posting journal entries through the entry form, 2 city staff on the dashboard (/kota/).
   Requests, failures, p50 and p95 per page. Target: 0 errors.
2. **Throughput**, `--throughput-seconds` (20) each, `--throughput-users` (10) clients without
   think time: the member home, then the bare view, on the same server. The ratio of the two
   request rates says what the member home costs over Django's own floor.

Only 127.0.0.1 is ever a target. The exit status is 1 when any request failed. Results are also
written as JSON under var/bench-load/. See bench/README.md and docs/PERFORMANCE.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal .venv/bin/python bench/load.py [--reuse]
"""

import argparse
import json
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import prepare_database  # noqa: E402

VENV_BIN = Path(sys.executable).parent
OUT = ROOT / "var" / "bench-load"
SETTINGS = "portal.settings.bench"
PASSWORD = "bench-load-2026"
MEMBER_PHONE = "081219{:06d}"  # 0812 19xx xxxx: a range no demo person uses


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="portal_bench_load", help="scratch database name (default %(default)s)")
    parser.add_argument("--reuse", action="store_true", help="keep the scratch database if it already holds the bench logins")
    parser.add_argument("--cooperatives", type=int, default=332, help="demo seed: cooperatives (default %(default)s)")
    parser.add_argument("--members-per-cooperative", type=int, default=25, help="demo seed (default %(default)s)")
    parser.add_argument("--members", type=int, default=50, help="simulated members, each their own login (default %(default)s)")
    parser.add_argument("--bookkeepers", type=int, default=5, help="simulated bookkeepers, one per cooperative (default %(default)s)")
    parser.add_argument("--city-staff", type=int, default=2, help="simulated city staff (default %(default)s)")
    parser.add_argument("--duration", type=int, default=60, help="seconds of mixed load, after the logins (default %(default)s)")
    parser.add_argument("--throughput-users", type=int, default=10, help="clients without think time in the throughput phases (default %(default)s)")
    parser.add_argument("--throughput-seconds", type=int, default=20, help="seconds of each throughput phase (default %(default)s)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn sync workers (default 2 × CPUs + 1 = %(default)s)")
    return parser.parse_args()


# --- the database ---------------------------------------------------------------------------------

def manage(env, *args):
    started = time.monotonic()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def create_logins(args) -> dict:
    """Logins for the simulated people, made the way portal/demo/logins.py makes the demo ones
    (create_user with a documented password; a member's login is linked to their register line).
    Idempotent: existing bench users are reused."""
    from django.db import transaction
    from django_scopes import scopes_disabled

    from cooperatives.models import CityRole, Cooperative, RoleAssignment
    from ledger.models import Account, AccountKind, JournalEntry
    from ledger.services import _controlled_purposes
    from members.models import Member, MemberStatus, SavingsTransaction
    from portal.demo.cooperatives import STAFF_COOPERATIVE
    from users.models import User
    from users.phone import normalize_phone

    def user(*, phone=None, email=None, name):
        found = User.objects.filter(phone=normalize_phone(phone)).first() if phone else User.objects.filter(email=email).first()
        return found or User.objects.create_user(phone=phone, email=email, password=PASSWORD, full_name=name)

    with scopes_disabled(), transaction.atomic():
        # members of cooperatives with books, the demo staff cooperative first, at most 10 per
        # cooperative so the load spreads over several cooperatives as it would in the city
        with_savings = SavingsTransaction.objects.values("member_id")
        candidates = Member.objects.filter(status=MemberStatus.ACTIVE, pk__in=with_savings).select_related("cooperative", "user")
        taken = {}
        members = []
        bench_users = {u.phone: u for u in User.objects.filter(phone__startswith="+6281219")}
        ordered = sorted(candidates, key=lambda m: (m.cooperative.slug != STAFF_COOPERATIVE.slug, m.cooperative_id, m.number))
        for member in ordered:
            if len(members) == args.members:
                break
            if member.user_id and member.user.phone not in bench_users:
                continue  # the demo member: keep her documented login as it is
            if taken.get(member.cooperative_id, 0) >= 10:
                continue
            taken[member.cooperative_id] = taken.get(member.cooperative_id, 0) + 1
            members.append(member)
        if len(members) < args.members:
            sys.exit(f"only {len(members)} members with savings found; seed more (--members-per-cooperative)")
        member_logins = []
        for n, member in enumerate(members, start=1):
            if member.user_id is None:
                login = user(phone=MEMBER_PHONE.format(n), name=member.full_name)
                Member.objects.filter(pk=member.pk).update(user=login)
            else:
                login = member.user
            member_logins.append({"login": login.phone, "password": PASSWORD,
                                  "slug": member.cooperative.slug})

        # bookkeepers: one in each of the first cooperatives with books
        with_books = JournalEntry.objects.values("cooperative_id")
        cooperatives = sorted(Cooperative.objects.filter(pk__in=with_books), key=lambda c: (c.slug != STAFF_COOPERATIVE.slug, c.pk))
        bookkeeper_logins = []
        for n, cooperative in enumerate(cooperatives[: args.bookkeepers], start=1):
            login = user(email=f"bench.bookkeeper{n}@example.org", name=f"Bench Bookkeeper {n}")
            RoleAssignment.objects.get_or_create(cooperative=cooperative, user=login, role="bookkeeper", defaults={"title": "Juru Buku"})
            accounts = Account.objects.filter(cooperative=cooperative, is_postable=True, is_active=True)
            cash = accounts.get(purpose="cash").code
            expense = next(a.code for a in accounts.filter(kind=AccountKind.EXPENSE).order_by("code") if a.purpose not in _controlled_purposes)
            bookkeeper_logins.append({"login": login.email, "password": PASSWORD, "slug": cooperative.slug,
                                      "debit": expense, "credit": cash})

        city_logins = []
        for n in range(1, args.city_staff + 1):
            login = user(email=f"bench.city{n}@example.org", name=f"Bench City Staff {n}")
            CityRole.objects.get_or_create(user=login, role="city_staff")
            city_logins.append({"login": login.email, "password": PASSWORD})
    return {"member": member_logins, "bookkeeper": bookkeeper_logins, "city_staff": city_logins}


# --- the server -------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env, port, workers, log):
    command = [str(VENV_BIN / "gunicorn"), "portal.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--timeout", "120", "--no-control-socket", "--access-logfile", "-", "--access-logformat", '%(s)s %(m)s %(U)s?%(q)s %(M)sms']
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped at start; see {log.name}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/bare/", timeout=2) as response:  # nosec B310  # http, loopback
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    sys.exit("gunicorn did not answer within 60 s")


def stop(server):
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # gunicorn and its workers: the group this script started
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def server_times(log_path, start_line):
    """Per request kind, from gunicorn's access log after `start_line`: how many, and the median
    and p95 of the time the server took (queueing before a worker took the request excluded)."""
    times = {}
    with open(log_path) as log:
        for number, line in enumerate(log):
            match = re.match(r"(\d{3}) (\w+) (\S+) (\d+)ms$", line.strip()) if number >= start_line else None
            # not the logins, nor gunicorn's start-up probes of the bare view answered late
            if match and "/akun/login/" not in match[3] and not match[3].startswith("/bench/"):
                path = re.sub(r"=[^&]*", "", match[3].rstrip("?"))  # the query's names only: ?year&month
                path = re.sub(r"[A-Z]{2}-\d{4}-\d{6}", "<number>", re.sub(r"^/c/[^/]+/", "/c/<slug>/", path))
                times.setdefault(f"{match[2]} {path}", []).append(int(match[4]))
    return {kind: {"requests": len(ms), "median": sorted(ms)[len(ms) // 2], "p95": sorted(ms)[max(0, int(len(ms) * 0.95) - 1)]}
            for kind, ms in times.items()}


def log_lines(log_path) -> int:
    with open(log_path) as log:
        return sum(1 for _ in log)


def run_locust(env, base_url, classes, users, duration, results, credentials):
    env = {**env, "LOAD_CREDENTIALS": str(credentials), "LOAD_DURATION": str(duration), "LOAD_RESULTS": str(results),
           "LOAD_USERS": str(users)}
    command = [str(VENV_BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile_load.py"), "--headless", "--host", base_url,
               "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{duration + 120}s", "--stop-timeout", "10",
               "--loglevel", "WARNING", "--only-summary", *classes]
    results.unlink(missing_ok=True)
    with open(results.with_suffix(".log"), "w") as log:
        subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
    if not results.exists():
        sys.exit(f"locust wrote no results; see {results.with_suffix('.log')}")
    return json.loads(results.read_text())


# --- main -------------------------------------------------------------------------------------------

def main():
    args = parse_args()
    url = os.environ.get("DATABASE_URL", "")
    host = urlsplit(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("bench/load.py runs against a PostgreSQL server on this machine only (DATABASE_URL host 127.0.0.1)")
    OUT.mkdir(parents=True, exist_ok=True)
    db_url, existed, pg_version = prepare_database(url, args.database, args.reuse, script="load.py",
                                                   example_host="127.0.0.1:5432", via_maintenance_database=True)
    env = {**os.environ, "DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": SETTINGS, "PYTHONUNBUFFERED": "1"}
    os.environ.update({"DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": SETTINGS})

    import django

    django.setup()
    from django.db import connection

    from users.models import User

    def seeded():
        from django.db import DatabaseError

        try:
            return User.objects.filter(email="bench.city1@example.org").exists()
        except DatabaseError:  # not migrated yet
            return False

    seed_seconds = None
    if not existed or not seeded():
        print(f"Seeding {args.database}: migrate, then the demo city ({args.cooperatives} × {args.members_per_cooperative}, with books) …", flush=True)
        manage(env, "migrate", "--noinput")
        seed_seconds = manage(env, "seed_demo", "--cooperatives", str(args.cooperatives), "--members-per-cooperative",
                              str(args.members_per_cooperative), "--logins-file", str(OUT / "demo_logins.json"))
        print(f"  seeded in {seed_seconds:.0f} s", flush=True)
    logins = create_logins(args)
    connection.close()
    credentials = OUT / "credentials.json"
    credentials.write_text(json.dumps(logins, indent=1))

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    load_before = os.getloadavg()
    gunicorn_log = open(OUT / "gunicorn.log", "w")
    server = start_gunicorn(env, port, args.workers, gunicorn_log)
    print(f"gunicorn on {base_url}, {args.workers} workers; load average {load_before[0]:.1f}", flush=True)
    try:
        users = args.members + args.bookkeepers + args.city_staff
        print(f"Mixed load: {args.members} members, {args.bookkeepers} bookkeepers, {args.city_staff} city staff, {args.duration} s …", flush=True)
        start_line = log_lines(OUT / "gunicorn.log")
        mixed = run_locust(env, base_url, ["Member", "Bookkeeper", "CityStaff"], users, args.duration, OUT / "mixed.json", credentials)
        mixed["server"] = server_times(OUT / "gunicorn.log", start_line)
        load_mixed = os.getloadavg()
        print(f"Throughput: {args.throughput_users} clients without think time, {args.throughput_seconds} s each …", flush=True)
        home = run_locust(env, base_url, ["MemberHomeThroughput"], args.throughput_users, args.throughput_seconds, OUT / "home.json", credentials)
        bare = run_locust(env, base_url, ["BareViewThroughput"], args.throughput_users, args.throughput_seconds, OUT / "bare.json", credentials)
    finally:
        stop(server)
        gunicorn_log.close()
    load_after = os.getloadavg()
    server_errors = sum(1 for line in open(OUT / "gunicorn.log") if re.match(r"5\d\d ", line))

    report = {
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "postgresql": pg_version,
                    "django": django.get_version(), "gunicorn_workers": args.workers,
                    "load_average": {"before": load_before[0], "after_mixed": load_mixed[0], "after": load_after[0]}},
        "seed_seconds": seed_seconds, "options": vars(args), "mixed": mixed, "home": home, "bare": bare,
        "server_errors_in_log": server_errors,
    }
    home_rps = home["pages"]["member home"]["rps"]
    bare_rps = bare["pages"]["bare view"]["rps"]
    report["ratio_home_to_bare"] = home_rps / bare_rps if bare_rps else None
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%SZ")
    (OUT / f"results-{stamp}.json").write_text(json.dumps(report, indent=1))

    print(f"\nMachine: {os.cpu_count()} CPUs (shared), Python {platform.python_version()}, Django {django.get_version()}, "
          f"PostgreSQL {pg_version}, gunicorn {args.workers} sync workers")
    print(f"Load average: {load_before[0]:.1f} before, {load_mixed[0]:.1f} after the mixed load, {load_after[0]:.1f} at the end\n")
    print(f"Mixed load, {mixed['window_seconds']:.0f} s measured after {mixed['login_seconds']:.1f} s of logins:")
    print(f"| page | requests | failures | req/s | p50 ms | p95 ms |\n|---|---:|---:|---:|---:|---:|")
    for name, row in sorted(mixed["pages"].items()):
        if not row["requests"]:  # the logins, made before the window
            continue
        print(f"| {name} | {row['requests']} | {row['failures']} | {row['rps']:.1f} | {row['p50']:.0f} | {row['p95']:.0f} |")
    total = mixed["total"]
    print(f"| **all** | {total['requests']} | {total['failures']} | {total['rps']:.1f} | {total['p50']:.0f} | {total['p95']:.0f} |")
    print("\nThe same, as the server took them (gunicorn's access log; the wait for a free worker not included):")
    print("| request | requests | median ms | p95 ms |\n|---|---:|---:|---:|")
    for kind, row in sorted(mixed["server"].items(), key=lambda kv: -kv[1]["requests"]):
        print(f"| {kind} | {row['requests']} | {row['median']} | {row['p95']} |")
    print(f"\nThroughput ({args.throughput_users} clients, no think time, {args.throughput_seconds} s each):")
    for label, phase, name in (("member home", home, "member home"), ("bare Django view", bare, "bare view")):
        row = phase["pages"][name]
        print(f"  {label:<17} {row['rps']:7.1f} req/s  p50 {row['p50']:.0f} ms  p95 {row['p95']:.0f} ms  failures {row['failures']}")
    print(f"  member home / bare view = {report['ratio_home_to_bare']:.3f} ({1 / report['ratio_home_to_bare']:.1f}× slower)")

    failures = sum(phase["total"]["failures"] + phase["login_failures"] for phase in (mixed, home, bare))
    print(f"\nErrors: {failures} failed requests, {server_errors} 5xx in the server log. Results: {OUT / f'results-{stamp}.json'}")
    if failures or server_errors:
        for phase in (mixed, home, bare):
            for error in phase["errors"][:10]:
                print(f"  {error['occurrences']} × {error['method']} {error['name']}: {error['error']}")
        sys.exit(1)


if __name__ == "__main__":
    main()
