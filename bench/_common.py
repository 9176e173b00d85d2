"""What the benchmark scripts (bench/city.py, bench/ledger.py, bench/load.py) share: their
scratch PostgreSQL database, medians of timed runs and the machine they ran on. Imported as
`bench._common` once the script has put the repository root on sys.path."""

import os
import platform
import statistics
import sys
import time
from urllib.parse import urlsplit, urlunsplit


def prepare_database(url: str, name: str, reuse: bool, *, script: str, example_host: str = "host:port",
                     via_maintenance_database: bool = False) -> tuple[str, bool, str]:
    """Create (or keep, with `reuse`) the scratch database `name` on the server `url` points at;
    returns its URL, whether it existed and the server's version. The connection goes to `url`'s
    own database, or with `via_maintenance_database` to the server's `postgres` database (then
    `url`'s own database need not exist). Not PostgreSQL: the script exits saying so."""
    import psycopg

    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit(f"bench/{script} measures PostgreSQL: set DATABASE_URL=postgres://user@{example_host}/any_database")
    connect_to = urlunsplit(parts._replace(path="/postgres")) if via_maintenance_database else url
    with psycopg.connect(connect_to, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        if exists and not reuse:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = False
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
        version = conn.execute("SHOW server_version").fetchone()[0]
    return urlunsplit(parts._replace(path=f"/{name}")), exists, version


def median_ms(fn, runs, warmup):
    """(median, min, max) in milliseconds of `runs` calls of `fn`, after `warmup` unmeasured ones."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), min(times), max(times)


def cpu_name() -> str:
    """The CPU model from /proc/cpuinfo, else the machine type."""
    if not os.path.exists("/proc/cpuinfo"):
        return platform.machine()
    return next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), platform.machine())
