"""Rebuild the city's per-cooperative, per-year figures from the cooperatives' own data."""

import time

from django.core.management.base import BaseCommand, CommandError

from django_scopes import scopes_disabled

from city.figures import rebuild_figures
from cooperatives.models import Cooperative


class Command(BaseCommand):
    help = ("Recompute city figures (CooperativeYearFigures, SharedPerson) from scratch: every cooperative, or one "
            "with --cooperative; every book year, or one with --year.")

    def add_arguments(self, parser):
        parser.add_argument("--cooperative", metavar="SLUG", help="only this cooperative")
        parser.add_argument("--year", type=int, metavar="Y", help="only this book year")
        parser.add_argument("--rehash", action="store_true",
                            help="first recompute every member's NIK hash (after changing PORTAL_NIK_HASH_KEY)")

    def handle(self, *args, cooperative=None, year=None, rehash=False, verbosity=1, **options):
        started = time.monotonic()
        write = self.stdout.write if verbosity >= 1 else None
        with scopes_disabled():
            selected = None
            if cooperative:
                found = Cooperative.objects.filter(slug=cooperative).first()
                if found is None:
                    raise CommandError(f"No cooperative with the address {cooperative!r}.")
                selected = [found]
            if rehash:
                count = _rehash(selected)
                if write:
                    write(f"NIK hashes of {count} members recomputed.")
            rows = rebuild_figures(cooperatives=selected, years=[year] if year else None, write=write)
        if write:
            write(self.style.SUCCESS(f"City figures rebuilt: {rows} rows in {time.monotonic() - started:.1f} s."))


def _rehash(cooperatives):
    from members.models import Member
    from members.nik import nik_hash

    members = Member.objects.exclude(nik_ktp="")
    if cooperatives is not None:
        members = members.filter(cooperative__in=cooperatives)
    batch, count = [], 0
    for pk, nik in members.values_list("pk", "nik_ktp").order_by("pk").iterator(chunk_size=5000):
        batch.append(Member(pk=pk, nik_hash=nik_hash(nik)))
        if len(batch) == 5000:
            Member.objects.bulk_update(batch, ["nik_hash"])
            count, batch = count + len(batch), []
    if batch:
        Member.objects.bulk_update(batch, ["nik_hash"])
        count += len(batch)
    return count
