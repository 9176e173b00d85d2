"""`manage.py seed_demo`: the demo city of Kota Sukabumi. See docs/DEMO_DATA.md."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cooperatives.models import Cooperative
from portal.demo import logins
from portal.demo.context import DEFAULT_COOPERATIVES, DEFAULT_MEMBERS_PER_COOPERATIVE, DEFAULT_SEED, SeedContext, SeedOptions
from portal.demo.runner import seed


class Command(BaseCommand):
    help = (
        "Seed the demo city of Kota Sukabumi: cooperatives, RAT history, members and demo logins. "
        "Deterministic and idempotent (existing demo cooperatives are recognised by slug)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cooperatives", type=int, default=DEFAULT_COOPERATIVES, metavar="N",
                            help="number of cooperatives (default %(default)s, the city's real number)")
        parser.add_argument("--members-per-cooperative", type=int, default=DEFAULT_MEMBERS_PER_COOPERATIVE, metavar="M",
                            help="members in each cooperative's register (default %(default)s)")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="S", help="random seed (default %(default)s)")
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing when any cooperative exists (still rewrites the logins file)")
        parser.add_argument("--logins-file", type=Path, default=None, metavar="PATH",
                            help="where to write the demo logins (default var/demo_logins.json)")
        parser.add_argument("--without-books", action="store_true",
                            help="charts of accounts only, no journal entries (faster; for tests that do not look at the books)")
        parser.add_argument("--cooperatives-per-transaction", type=int, default=50, metavar="K",
                            help="cooperatives created per transaction (default %(default)s)")

    def handle(self, *args, **opts):
        if opts["cooperatives"] < 2:
            raise CommandError("--cooperatives must be at least 2 (the demo member belongs to two cooperatives).")
        if opts["members_per_cooperative"] < 0:
            raise CommandError("--members-per-cooperative cannot be negative.")
        logins_file = opts["logins_file"] or logins.default_logins_file()

        if opts["if_empty"] and Cooperative.objects.exists():
            self.stdout.write("Cooperatives exist already: demo data not seeded (--if-empty).")
            self._write_logins(logins_file)
            return

        options = SeedOptions(
            cooperatives=opts["cooperatives"], members_per_cooperative=opts["members_per_cooperative"],
            seed=opts["seed"], cooperatives_per_transaction=opts["cooperatives_per_transaction"],
            logins_file=logins_file, books=not opts["without_books"],
        )
        ctx = SeedContext(options=options, today=timezone.localdate(), write=self.stdout.write)
        stats = seed(ctx)
        created = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in stats.items() if k != "seconds" and v) or "nothing (already seeded)"
        self.stdout.write(self.style.SUCCESS(f"Demo city seeded in {stats['seconds']} s: created {created}."))
        self._write_logins(logins_file)

    def _write_logins(self, path):
        path, data = logins.write_logins_file(path)
        if not data:
            self.stdout.write("No demo users exist: logins file not written.")
            return
        self.stdout.write(f"Demo logins (also in {path}):")
        for line in logins.format_logins(data):
            self.stdout.write(line)
